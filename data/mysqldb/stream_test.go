package mysqldb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/export"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

// tinyStream makes every stage of Stream's pipeline hand over a few rows
// at a time, with more decoders than batches, so batches finish decoding
// out of order and every wait in the pipeline is reached.
func tinyStream(t *testing.T) {
	saved := []any{handRows, streamRows, streamBatches, maxDecoders, firstChunk, batchRows}
	handRows, streamRows, streamBatches, maxDecoders, firstChunk, batchRows = 3, 7, 3, 4, 37, 9
	procs := runtime.GOMAXPROCS(4)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		handRows, streamRows, streamBatches, maxDecoders = saved[0].(int), saved[1].(int), saved[2].(int), saved[3].(int)
		firstChunk, batchRows = saved[4].(uint64), saved[5].(int)
	})
}

// TestStreamPipelineOrder: with batches decoded concurrently, every shared
// query still streams exactly the reference's events in id order.
func TestStreamPipelineOrder(t *testing.T) {
	tinyStream(t)
	my, ref, _ := sharedData(t)
	for _, c := range sourcetest.Cases {
		f := sourcetest.Filter(t, c.Query)
		if err := sourcetest.SameEvents(sourcetest.Stream(t, my, f), sourcetest.Stream(t, ref, f)); err != nil {
			t.Errorf("%q: %v", c.Query, err)
		}
	}
	var got, want []uint64
	collect := func(out *[]uint64) func(*activity.Event) error {
		return func(e *activity.Event) error { *out = append(*out, e.ID); return nil }
	}
	if err := my.Stream(context.Background(), nil, 250, 1900, collect(&got)); err != nil {
		t.Fatal(err)
	}
	if err := ref.Stream(context.Background(), nil, 250, 1900, collect(&want)); err != nil {
		t.Fatal(err)
	}
	if !equalIDs(got, want) {
		t.Fatalf("Stream 250..1900: %d ids, want %d", len(got), len(want))
	}
}

// pipelineGoroutines lists goroutines running Stream's own code (reader
// and decoders), which must all have ended when Stream returns.
func pipelineGoroutines() []string {
	return goroutinesWith("mysqldb.(*Source).Stream.func")
}

func goroutinesWith(frame string) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, frame) {
			out = append(out, g)
		}
	}
	return out
}

// TestStreamStopsCleanly stops streams in the middle, by ErrStop, by an
// error from fn and by cancelling ctx, with and without a condition pushed
// down: the events seen are the first ones in order, the right error comes
// back, and no goroutine of the pipeline is left.
func TestStreamStopsCleanly(t *testing.T) {
	tinyStream(t)
	my, ref, _ := sharedData(t)
	boom := errors.New("boom")
	for _, q := range []string{"", "-user:alice", "failed"} {
		f := sourcetest.Filter(t, q)
		all := sourcetest.IDs(sourcetest.Stream(t, ref, f))
		for _, how := range []string{"ErrStop", "error", "cancel"} {
			t.Run(fmt.Sprintf("%q/%s", q, how), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				const after = 20
				var ids []uint64
				err := my.Stream(ctx, f, 0, 0, func(e *activity.Event) error {
					ids = append(ids, e.ID)
					if len(ids) < after {
						return nil
					}
					switch how {
					case "ErrStop":
						return source.ErrStop
					case "error":
						return boom
					}
					cancel()
					return nil
				})
				if left := pipelineGoroutines(); len(left) > 0 {
					t.Fatalf("Stream returned with %d pipeline goroutines left:\n%s", len(left), strings.Join(left, "\n\n"))
				}
				switch how {
				case "ErrStop":
					if err != nil {
						t.Fatalf("ErrStop returned %v", err)
					}
				case "error":
					if !errors.Is(err, boom) {
						t.Fatalf("fn's error came back as %v", err)
					}
				default:
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("cancelled stream returned %v", err)
					}
				}
				// Cancelling lets fn see the rest of the batch in hand.
				if len(ids) < after || len(ids) > after+handRows || !equalIDs(ids, all[:len(ids)]) {
					t.Fatalf("saw %v, want a prefix of %v of at least %d", ids, all[:min(len(all), after+handRows)], after)
				}
				// A filtered scan's id queries run ahead on their own and
				// end with their chunk.
				deadline := time.Now().Add(5 * time.Second)
				for len(goroutinesWith("mysqldb.(*Source).startIDs")) > 0 {
					if time.Now().After(deadline) {
						t.Fatal("id queries still running 5s after Stream returned")
					}
					time.Sleep(10 * time.Millisecond)
				}
			})
		}
	}
}

// TestStreamDatabaseErrorMidStream takes the SELECT grant away while a
// stream runs: the next query fails, and Stream says why after handing
// over, in order, the events it had read.
func TestStreamDatabaseErrorMidStream(t *testing.T) {
	tinyStream(t)
	srv := dbtest.Shared(t)
	_, ref, db := sharedData(t)
	var dbName string
	if err := db.QueryRow("SELECT DATABASE()").Scan(&dbName); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "-user:alice"} {
		t.Run(fmt.Sprintf("%q", q), func(t *testing.T) {
			grant := "GRANT SELECT ON `" + dbName + "`.matomo_activity_log TO %s"
			cfg, err := mysql.ParseDSN(srv.DSN)
			if err != nil {
				t.Fatal(err)
			}
			cfg.DBName = dbName
			userDSN := srv.CreateUser(t, cfg.FormatDSN(), "revoked", "pw-revoked", grant)
			my := open(t, userDSN, "")
			user := strings.SplitN(userDSN, ":", 2)[0]
			f := sourcetest.Filter(t, q)
			all := sourcetest.IDs(sourcetest.Stream(t, ref, f))
			var ids []uint64
			err = my.Stream(context.Background(), f, 0, 0, func(e *activity.Event) error {
				if len(ids) == 0 {
					for _, host := range []string{"%", "localhost"} {
						if _, err := db.Exec("REVOKE SELECT ON `" + dbName + "`.matomo_activity_log FROM '" + user + "'@'" + host + "'"); err != nil {
							t.Error(err)
						}
					}
				}
				ids = append(ids, e.ID)
				return nil
			})
			var setup *source.SetupError
			if !errors.As(err, &setup) || !strings.Contains(err.Error(), "GRANT SELECT") {
				t.Fatalf("Stream after REVOKE returned %v, want the missing grant explained", err)
			}
			if len(ids) == 0 || len(ids) >= len(all) || !equalIDs(ids, all[:len(ids)]) {
				t.Fatalf("saw %d events before the error, want a proper prefix of %d in order", len(ids), len(all))
			}
			if left := pipelineGoroutines(); len(left) > 0 {
				t.Fatalf("%d pipeline goroutines left", len(left))
			}
		})
	}
}

// BenchmarkStream exports a production-shaped table (the mix of tools/seed)
// through Stream and the NDJSON writer: the whole per-row cost of
// `matomo-audit export`, from the server's bytes to the JSON lines.
func BenchmarkStream(b *testing.B) {
	srv := dbtest.Shared(b)
	dsn, db := srv.NewDatabase(b)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		b.Fatal(err)
	}
	const n = 50_000
	dbtest.InsertRows(b, db, "matomo_activity_log", dbtest.FromActivity(demo.ProductionRows(n)))
	s, err := Open(context.Background(), Options{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	for b.Loop() {
		w := export.NewWriter(io.Discard, export.NDJSON)
		if err := s.Stream(context.Background(), nil, 0, 0, w.Write); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil || w.Count() != n {
			b.Fatalf("%d events, %v", w.Count(), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
