package cli

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/demo"
	"matomo-audit/serve/sshtest"
)

// scrapeMetrics reads addr's /metrics and parses it as Prometheus does.
func scrapeMetrics(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("the scrape does not parse: %v", err)
	}
	return fams
}

// metricSum is a family's value summed over its series.
func metricSum(fams map[string]*dto.MetricFamily, name string) float64 {
	var sum float64
	if f := fams[name]; f != nil {
		for _, m := range f.Metric {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

// untilMetrics scrapes until cond holds, with a generous deadline, and
// checks that the counters never go back meanwhile.
func untilMetrics(t *testing.T, addr, what string, cond func(map[string]*dto.MetricFamily) bool) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var prev float64
	for {
		fams := scrapeMetrics(t, addr)
		n := metricSum(fams, "matomo_activity_events_total")
		if n < prev {
			t.Fatalf("events_total went back from %v to %v", prev, n)
		}
		prev = n
		if cond(fams) {
			return fams
		}
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitLog waits for the line re matches in a server's log.
func waitLog(t *testing.T, log *lockedBuffer, done <-chan int, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := rx.FindStringSubmatch(log.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("ended with %d:\n%s", code, log.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in:\n%s", re, log.String())
		}
	}
}

const metricsLine = `msg="serving metrics" listen=(\S+)`

// TestMetricsCommand: `metrics --listen 127.0.0.1:0` on MariaDB counts what
// is committed after its start, each event once, and ends with exit 0 on
// SIGTERM (its context).
func TestMetricsCommand(t *testing.T) {
	dsn, db := matomoDB(t, "('alice', 'x', 'alice@example.org', 1, NULL)")
	if _, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters) VALUES ('before', 'ActivityLog/UserSignedIn', 'a:0:{}')"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &globals{stderr: log}, []string{"metrics", "--dsn", dsn, "--listen", "127.0.0.1:0", "--poll", "20ms"}, io.Discard, log)
	}()
	addr := waitLog(t, log, done, metricsLine)
	fams := scrapeMetrics(t, addr)
	if metricSum(fams, "matomo_activity_last_event_id") != 1 || metricSum(fams, "matomo_activity_events_total") != 0 {
		t.Fatal("at start, the event before counts")
	}
	if _, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters, ts_created) VALUES ('eve', 'ActivityLog/UserSignInFailed', 'a:0:{}', UTC_TIMESTAMP()), ('eve', 'ActivityLog/UserSignInFailed', 'a:0:{}', UTC_TIMESTAMP()), ('alice', 'ActivityLog/UserSignedIn', 'a:0:{}', UTC_TIMESTAMP())"); err != nil {
		t.Fatal(err)
	}
	fams = untilMetrics(t, addr, "#4 counted", func(f map[string]*dto.MetricFamily) bool {
		return metricSum(f, "matomo_activity_last_event_id") == 4
	})
	if metricSum(fams, "matomo_activity_events_total") != 3 || metricSum(fams, "matomo_activity_failed_signins_total") != 2 {
		t.Fatalf("counted %v events, %v failed sign-ins; want 3, 2", metricSum(fams, "matomo_activity_events_total"), metricSum(fams, "matomo_activity_failed_signins_total"))
	}
	if resp, err := http.Get("http://" + addr + "/"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/ answered %v %v, want 404", resp, err)
	} else {
		resp.Body.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("metrics ended with %d:\n%s", code, log.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("metrics did not stop")
	}
}

// TestMetricsDemoCommand: metrics --demo serves the demo's newest id and
// every type of the catalog at zero.
func TestMetricsDemoCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &globals{stderr: log}, []string{"metrics", "--demo", "--listen", "127.0.0.1:0"}, io.Discard, log)
	}()
	fams := scrapeMetrics(t, waitLog(t, log, done, metricsLine))
	if metricSum(fams, "matomo_activity_last_event_id") < 1000 || len(fams["matomo_activity_events_total"].GetMetric()) < 50 || metricSum(fams, "matomo_activity_follower_up") != 1 {
		t.Fatalf("the demo's metrics: last id %v, %d series", metricSum(fams, "matomo_activity_last_event_id"), len(fams["matomo_activity_events_total"].GetMetric()))
	}
	for _, want := range []string{"process_start_time_seconds", "go_goroutines"} {
		if fams[want] == nil {
			t.Errorf("no %s", want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d:\n%s", code, log.String())
	}
}

func TestMetricsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"metrics", "--demo", "-q", "cat:security"},
		{"metrics", "--demo", "--poll", "0s"},
		{"metrics", "--demo", "--listen", "256.0.0.1:9464"},
		{"metrics", "--demo", "extra"},
	} {
		var stderr lockedBuffer
		if code := run(context.Background(), &globals{stderr: &stderr}, args, io.Discard, &stderr); code != 2 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
	// Over SSH: not a command of a session.
	var stderr lockedBuffer
	if code := RunServed(context.Background(), []string{"metrics", "--listen", "127.0.0.1:0"}, io.Discard, &stderr, demo.New(demo.Options{Seed: 1}), nil, nil); code != 2 || !strings.Contains(stderr.String(), "metrics cannot be run over SSH") {
		t.Errorf("metrics over SSH: exit %d, %q", code, stderr.String())
	}
}

// TestServeMetrics: serve --metrics counts from the follower the sessions
// share, from the server's start, with no session following, and the
// sessions work beside it.
func TestServeMetrics(t *testing.T) {
	dsn, db := matomoDB(t, "('alice', 'x', 'alice@example.org', 1, NULL)")
	alice := sshtest.Key(t)
	s := startServe(t, dsn, map[string]gossh.Signer{"alice": alice}, "--metrics", "127.0.0.1:0")
	addr := waitLog(t, s.log, s.done, metricsLine)
	if got := metricSum(scrapeMetrics(t, addr), "matomo_activity_events_total"); got != 0 {
		t.Fatalf("%v events at start", got)
	}
	if _, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters, ts_created) VALUES ('eve', 'ActivityLog/UserSignInFailed', 'a:0:{}', UTC_TIMESTAMP()), ('alice', 'NoSuchPlugin/Thing', 'a:0:{}', UTC_TIMESTAMP())"); err != nil {
		t.Fatal(err)
	}
	fams := untilMetrics(t, addr, "#2 counted", func(f map[string]*dto.MetricFamily) bool {
		return metricSum(f, "matomo_activity_last_event_id") == 2
	})
	if metricSum(fams, "matomo_activity_events_total") != 2 || metricSum(fams, "matomo_activity_failed_signins_total") != 1 {
		t.Fatalf("counted %v events, %v failed sign-ins; want 2, 1", metricSum(fams, "matomo_activity_events_total"), metricSum(fams, "matomo_activity_failed_signins_total"))
	}
	// The sessions still work beside it.
	if out, _, code := s.ssh(alice, "export --format ndjson"); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("export beside the metrics: exit %d\n%s", code, out)
	}
	s.shutdown()
}
