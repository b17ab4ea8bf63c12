package metrics_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/follow"
	"matomo-audit/data/source"
	"matomo-audit/metrics"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// scraper reads the endpoint over HTTP and checks, at every scrape, that
// no counter went backwards and that every label is one the catalog has.
type scraper struct {
	t    *testing.T
	url  string
	last map[string]float64 // counter series -> value
	text string             // the last scrape, as sent
}

type scrape map[string]*dto.MetricFamily

func newScraper(t *testing.T, addr string) *scraper {
	return &scraper{t: t, url: "http://" + addr + metrics.Path, last: map[string]float64{}}
}

func (s *scraper) scrape() scrape {
	s.t.Helper()
	resp, err := http.Get(s.url)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		s.t.Fatalf("scrape: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	s.text = string(body)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(s.text))
	if err != nil {
		s.t.Fatalf("the scrape does not parse: %v\n%s", err, s.text)
	}
	cats, types := activity.Categories(), map[string]bool{metrics.OtherType: true}
	for _, sp := range activity.Specs() {
		types[sp.Type] = true
	}
	for name, f := range fams {
		for _, m := range f.Metric {
			key := name + labelString(m)
			if f.GetType() == dto.MetricType_COUNTER && strings.HasPrefix(name, "matomo_") {
				v := m.GetCounter().GetValue()
				if prev, ok := s.last[key]; ok && v < prev {
					s.t.Fatalf("%s went back from %v to %v", key, prev, v)
				}
				s.last[key] = v
			}
			if name != "matomo_activity_events_total" {
				if strings.HasPrefix(name, "matomo_") && len(m.Label) > 0 {
					s.t.Fatalf("%s has labels", key)
				}
				continue
			}
			for _, l := range m.Label {
				ok := false
				switch l.GetName() {
				case "category":
					ok = slices.Contains(cats, l.GetValue())
				case "severity":
					_, err := activity.ParseSeverity(l.GetValue())
					ok = err == nil
				case "type":
					ok = types[l.GetValue()]
				}
				if !ok {
					s.t.Fatalf("%s: label %s=%q is not the catalog's", key, l.GetName(), l.GetValue())
				}
			}
		}
	}
	for _, want := range []string{"process_start_time_seconds", "go_goroutines", "matomo_activity_events_total", "matomo_activity_failed_signins_total",
		"matomo_activity_last_event_id", "matomo_activity_last_event_timestamp_seconds", "matomo_activity_follower_lag_seconds",
		"matomo_activity_follower_poll_errors_total", "matomo_activity_follower_reconnects_total", "matomo_activity_follower_up"} {
		if fams[want] == nil {
			s.t.Fatalf("the scrape lacks %s", want)
		}
	}
	return fams
}

func labelString(m *dto.Metric) string {
	var b strings.Builder
	for _, l := range m.Label {
		b.WriteString("," + l.GetName() + "=" + l.GetValue())
	}
	return b.String()
}

// value is one series' value: the one whose labels include these
// name=value pairs, summed over those that do.
func (sc scrape) value(name string, labels ...string) float64 {
	f := sc[name]
	if f == nil {
		return 0
	}
	var sum float64
	for _, m := range f.Metric {
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.Label {
				found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
			}
			ok = ok && found
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		}
	}
	return sum
}

// until scrapes until cond holds, failing after a generous deadline.
func (s *scraper) until(what string, cond func(scrape) bool) scrape {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		sc := s.scrape()
		if cond(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never: %s; last scrape:\n%s", what, grepMatomo(s.text))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settled waits for a few more polls and checks nothing more was counted:
// a duplicate would have come by then.
func (s *scraper) settled(total float64) {
	s.t.Helper()
	polls := s.scrape().value("matomo_activity_follower_polls_total")
	sc := s.until("three more polls", func(sc scrape) bool { return sc.value("matomo_activity_follower_polls_total") >= polls+3 })
	if got := sc.value("matomo_activity_events_total"); got != total {
		s.t.Fatalf("after more polls, %v events counted, want %v", got, total)
	}
}

func grepMatomo(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "matomo_") && !strings.HasSuffix(l, " 0") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// serveMetrics counts what a hub polling src every 10 ms reads and serves
// it on a loopback port of its own.
func serveMetrics(t *testing.T, src source.Source) (*scraper, *follow.Hub) {
	t.Helper()
	hub := follow.NewHub(src, 0, 10*time.Millisecond, nil)
	t.Cleanup(hub.Close)
	m := metrics.New()
	stop, err := m.Attach(context.Background(), hub, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serving metrics: %v", err)
		}
	})
	return newScraper(t, ln.Addr().String()), hub
}

// flaky is a source that fails while down is set.
type flaky struct {
	*demo.Source
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (f *flaky) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Source.After(ctx, after, limit)
}

func (f *flaky) IDs(ctx context.Context, lo, hi uint64) ([]uint64, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Source.IDs(ctx, lo, hi)
}

func row(id uint64, login, typ string, at time.Time) activity.Row {
	return activity.Row{ID: id, Login: login, Type: typ, Params: "a:0:{}", Created: at.UTC().Format(time.DateTime),
		IP: []byte{203, 0, 113, 66}, Country: "de", HasCountry: true}
}

// TestMetricsCountsOnce, on the in-memory source: the catalog's labels
// (an unknown type as "other", an old class name and a historic id as the
// type they mean), out-of-order commits, an outage (errors, up, a
// reconnect): every event counted once, no counter going back, and no
// login or address in the scrape.
func TestMetricsCountsOnce(t *testing.T) {
	start := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	var rows []activity.Row
	for id := uint64(1); id <= 10; id++ {
		rows = append(rows, row(id, "alice", "ActivityLog/UserSignedIn", start.Add(time.Duration(id)*time.Second)))
	}
	src := &flaky{Source: demo.FromRows(rows, demo.Users)}
	s, _ := serveMetrics(t, src)

	sc := s.scrape()
	if got := sc.value("matomo_activity_events_total"); got != 0 {
		t.Fatalf("%v events counted from before the start", got)
	}
	if sc.value("matomo_activity_last_event_id") != 10 || sc.value("matomo_activity_last_event_timestamp_seconds") != float64(start.Add(10*time.Second).Unix()) {
		t.Fatalf("at start:\n%s", grepMatomo(s.text))
	}
	if sc.value("matomo_activity_follower_up") != 1 {
		t.Fatal("not up at start")
	}
	if n := len(sc["matomo_activity_events_total"].Metric); n < len(activity.Specs()) {
		t.Fatalf("%d series at start, want every type of the catalog at zero", n)
	}

	now := time.Now().UTC()
	src.Insert(
		row(11, "mallory-x'1", "ActivityLog/UserSignInFailed", now),
		row(12, "mallory-x'1", `Piwik\Plugins\ActivityLog\Activity\UserSignInFailed`, now),
		row(13, "bob", "Evil/Type<script>", now),
		row(14, "bob", "TwoFactorAuth/TwoFactorEnabled", now),
		row(15, "bob", "ActivityLog/UserSignedIn", now),
	)
	sc = s.until("#15 counted", func(sc scrape) bool { return sc.value("matomo_activity_last_event_id") == 15 })
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{nil, 5},
		{[]string{"type", "ActivityLog/UserSignInFailed", "severity", "security", "category", "login"}, 2},
		{[]string{"type", "other", "category", "other", "severity", "info"}, 1},
		{[]string{"type", "ActivityLog/TwoFactorEnabled"}, 1},
		{[]string{"type", "ActivityLog/UserSignedIn"}, 1},
	} {
		if got := sc.value("matomo_activity_events_total", c.labels...); got != c.want {
			t.Errorf("events_total%v = %v, want %v", c.labels, got, c.want)

		}
	}
	if got := sc.value("matomo_activity_failed_signins_total"); got != 2 {
		t.Errorf("failed_signins_total = %v, want 2", got)
	}
	if got := sc.value("matomo_activity_last_event_timestamp_seconds"); got != float64(now.Truncate(time.Second).Unix()) {
		t.Errorf("last_event_timestamp_seconds = %v, want %d", got, now.Unix())
	}
	for _, l := range strings.Split(s.text, "\n") {
		for _, leak := range []string{"mallory", "bob", "203.0.113.66", "Evil", "script"} {
			if !strings.HasPrefix(l, "#") && strings.Contains(l, leak) {
				t.Errorf("the scrape holds %q: %s", leak, l)
			}
		}
	}

	// Out of order: 17 commits before 16.
	src.Insert(row(17, "bob", "ActivityLog/UserSignedIn", now))
	s.until("#17 counted with #16 awaited", func(sc scrape) bool {
		return sc.value("matomo_activity_last_event_id") == 17 && sc.value("matomo_activity_follower_awaited_ids") == 1
	})
	src.Insert(row(16, "bob", "ActivityLog/UserSignInFailed", now))
	s.until("#16 counted late", func(sc scrape) bool {
		return sc.value("matomo_activity_events_total") == 7 && sc.value("matomo_activity_follower_awaited_ids") == 0
	})

	// An outage: what commits meanwhile is counted on return, once.
	src.down.Store(true)
	s.until("a failed poll", func(sc scrape) bool {
		return sc.value("matomo_activity_follower_poll_errors_total") >= 1 && sc.value("matomo_activity_follower_up") == 0
	})
	src.Insert(row(18, "bob", "ActivityLog/UserSignInFailed", now), row(19, "bob", "ActivityLog/GoalAdded", now))
	src.down.Store(false)
	sc = s.until("back up with #19", func(sc scrape) bool {
		return sc.value("matomo_activity_last_event_id") == 19 && sc.value("matomo_activity_follower_up") == 1
	})
	if got := sc.value("matomo_activity_follower_reconnects_total"); got != 1 {
		t.Errorf("reconnects_total = %v, want 1", got)
	}
	if got := sc.value("matomo_activity_failed_signins_total"); got != 4 {
		t.Errorf("failed_signins_total = %v, want 4", got)
	}
	s.settled(9)
}

// TestMetricsDemoLive: the live demo (events arriving as its clock runs,
// some committed after the next one) counted exactly as the source holds
// them.
func TestMetricsDemoLive(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	src := demo.New(demo.Options{Seed: 7, Live: true, Now: now})
	s, _ := serveMetrics(t, src)
	visible := func() map[uint64]bool {
		ids := map[uint64]bool{}
		err := src.Stream(context.Background(), nil, 0, 0, func(e *activity.Event) error { ids[e.ID] = true; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	before := visible()
	// Two hours of live events, in steps the follower sees one by one.
	for i := 0; i < 40; i++ {
		clock.Add(int64(3 * time.Minute))
		want := 0
		for id := range visible() {
			if !before[id] {
				want++
			}
		}
		sc := s.until("the demo's "+strconv.Itoa(want)+" new events", func(sc scrape) bool {
			return sc.value("matomo_activity_events_total") >= float64(want)
		})
		if got := sc.value("matomo_activity_events_total"); got != float64(want) {
			t.Fatalf("%v events counted, the demo committed %d", got, want)
		}
	}
	if n := s.scrape().value("matomo_activity_events_total"); n < 100 {
		t.Fatalf("only %v live events", n)
	}
}
