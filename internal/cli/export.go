package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/internal/numfmt"
)

type exportFlags struct {
	format string
	output string
	force  bool
	fromID uint64
	toID   uint64
	marked bool
}

const exportExamples = `  matomo-audit export --demo --format ndjson | head -3
  matomo-audit export --demo --format csv -q cat:security -o security.csv
  matomo-audit export --matomo /var/www/matomo -q 'since:2026-11-20 until:2026-11-21' -o incident.json
  matomo-audit export -q 'cat:security' --from-id 150000 --format ndjson -o security.ndjson
  matomo-audit export -q 'user:alice' -o alice.json --force`

func newExportCmd(g *globals, stdout, stderr io.Writer) *cobra.Command {
	f := &exportFlags{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write matching events as JSON, NDJSON or CSV, oldest first",
		Long: `Streams every event matching --query (and --from-id/--to-id) in id order,
as one JSON array (--format json), one object per line (--format ndjson) or
RFC 4180 CSV with a header row (--format csv), to standard output or to
--output FILE. Memory use stays flat whatever the table size. A file is
written to a temporary name beside it and renamed when complete, with mode
0600; an existing file is never replaced without --force, and an
interrupted export leaves no file behind.

CSV is for people and spreadsheets: text is shown as the screen shows it
(control characters as visible escapes such as \x1b, so one event is one
line), and a cell starting with = + - or @ gets a leading ' so that no
spreadsheet runs it as a formula. The JSON formats keep every value exactly.`,
		Example: exportExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd.Context(), g, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "json", "json (one array), ndjson (one event per line) or csv")
	fl.StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output")
	fl.BoolVar(&f.force, "force", false, "replace --output if it exists")
	fl.Uint64Var(&f.fromID, "from-id", 0, "first event id to export")
	fl.Uint64Var(&f.toID, "to-id", 0, "last event id to export")
	fl.BoolVar(&f.marked, "marked", false, "only the events marked with m on the server (over ssh to matomo-audit serve)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"json", "ndjson", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runExport(ctx context.Context, g *globals, f *exportFlags, stdout, stderr io.Writer) error {
	format, err := export.ParseFormat(f.format, export.JSON, export.NDJSON, export.CSV)
	if err != nil {
		return usageError{err}
	}
	if f.toID != 0 && f.fromID > f.toID {
		return usageError{fmt.Errorf("--from-id %d is after --to-id %d", f.fromID, f.toID)}
	}
	filter := g.filter()
	if f.marked {
		// The marks are the server's, in its memory.
		if g.served == nil || g.served.marks == nil {
			return usageError{errors.New("--marked exports what was marked with m in matomo-audit serve: run it there, as ssh -p PORT HOST export --marked")}
		}
		filter = filter.And(query.OnlyIDs(g.served.marks.IDs()))
	}
	var file *export.File
	out := stdout
	if f.output != "" && f.output != "-" {
		if g.noExport {
			return usageError{fmt.Errorf("--output is disabled by --no-export or MATOMO_AUDIT_NO_EXPORT: writing files is turned off on this host (standard output still works)")}
		}
		// Refuse an existing file before connecting, not after an hour of
		// streaming.
		file, err = export.Create(f.output, f.force)
		if err != nil {
			return usageError{err}
		}
		defer file.Abort()
		out = file
	}
	src, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer src.Close()
	w := export.NewWriter(out, format)
	if err := src.Stream(ctx, filter, f.fromID, f.toID, w.Write); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s to %s\n", count(w.Count(), "event"), file.Path())
	}
	return nil
}

// count writes "1 event", "12,345 events".
func count(n int, noun string) string {
	s := numfmt.Thousands(uint64(max(n, 0))) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
