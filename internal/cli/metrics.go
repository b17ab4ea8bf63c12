package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/follow"
	"matomo-audit/data/source"
	"matomo-audit/metrics"
)

type metricsFlags struct {
	listen string
	poll   time.Duration
	grace  time.Duration
}

const metricsHelp = `metrics follows the Activity Log as tail does (one poll of the database per
--poll, reading only what is new) and serves Prometheus metrics over HTTP on
` + metrics.Path + `: every event counted once from the start of the process, by
category, severity and type (from the catalog: a type it does not know is
"other"; no login or address ever becomes a label), failed sign-ins, the
last event's id and time, the follower's lag, polls, errors and reconnects,
and the process's and Go's own metrics.

The listener takes anyone who reaches it: keep it on loopback (the default)
or behind a firewall. serve --metrics ADDR serves the same from serve's
follower. The database going away is counted (follower_up 0, poll errors),
never fatal: what was committed meanwhile is counted on its return.`

const metricsExamples = `  matomo-audit metrics --matomo /var/www/matomo
  matomo-audit metrics --dsn 'audit_ro@tcp(127.0.0.1:3306)/matomo' --listen 127.0.0.1:9464
  curl -s 127.0.0.1:9464/metrics | grep ^matomo_activity
  matomo-audit metrics --demo`

func newMetricsCmd(g *globals, stderr io.Writer) *cobra.Command {
	f := &metricsFlags{}
	cmd := &cobra.Command{
		Use:     "metrics",
		Short:   "Serve Prometheus metrics of the Activity Log (events by type, failed sign-ins, follower health)",
		Long:    metricsHelp,
		Example: metricsExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("query") {
				return usageError{errors.New("metrics counts every event, by category, severity and type: select in PromQL instead of -q")}
			}
			return runMetrics(cmd.Context(), g, f, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", metrics.DefaultListen, "address to serve "+metrics.Path+" on (anyone reaching it may read it: loopback or a firewall)")
	fl.DurationVar(&f.poll, "poll", follow.DefaultPoll, "how often to look for new events")
	fl.DurationVar(&f.grace, "grace", follow.DefaultGrace, "how long an id skipped by an open transaction is awaited")
	return cmd
}

func runMetrics(ctx context.Context, g *globals, f *metricsFlags, stderr io.Writer) error {
	if f.poll <= 0 {
		return usageError{errors.New("--poll must be positive")}
	}
	src, err := g.open(ctx, true)
	if err != nil {
		return quietOnStop(ctx, err)
	}
	defer src.Close()
	hub := follow.NewHub(src, f.grace, f.poll, nil)
	defer hub.Close()
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return usageError{fmt.Errorf("cannot listen on %s: %v", f.listen, err)}
	}
	wait, err := startMetrics(ctx, hub, src, ln, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return quietOnStop(ctx, err)
	}
	// Until SIGTERM or Ctrl-C: a clean end, exit 0.
	return wait()
}

// startMetrics counts what hub reads from now on and serves it on ln
// until ctx ends; wait returns once serving has stopped. src is the hub's
// own source (read once, for the newest event's time).
func startMetrics(ctx context.Context, hub *follow.Hub, src source.Source, ln net.Listener, log *slog.Logger) (wait func() error, err error) {
	m := metrics.New()
	stop, err := m.Attach(ctx, hub, src)
	if err != nil {
		ln.Close()
		return nil, err
	}
	done := make(chan error, 1)
	go func() {
		err := m.Serve(ctx, ln)
		stop()
		done <- err
	}()
	log.Info("serving metrics", "listen", ln.Addr().String(), "path", metrics.Path, "source", src.Label())
	return func() error { return <-done }, nil
}
