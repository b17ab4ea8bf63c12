// Package metrics counts the Activity Log's events for Prometheus, from
// the follower that serve shares (data/follow's Hub): what each poll read
// is counted as it arrives, so a scrape reads counters in memory and never
// the table, and every event is counted once, also when inserts commit out
// of id order and when the database goes away and comes back.
//
// Label values come from the catalog only (data/activity): a type it does
// not know is counted as type "other", category "other"; no login, address
// or other text from the table ever becomes a label, so the number of
// series is bounded by the catalog whatever the table holds.
package metrics

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"matomo-audit/data/activity"
	"matomo-audit/data/follow"
	"matomo-audit/data/source"
)

// DefaultListen is where `metrics` listens unless told otherwise: loopback
// only.
const DefaultListen = "127.0.0.1:9464"

// Path is the one path served.
const Path = "/metrics"

// OtherType is the type label of every type the catalog does not know.
const OtherType = "other"

const failedSignIn = "ActivityLog/UserSignInFailed"

// Metrics holds the counts and a registry of its own (never Prometheus'
// global one) with them and the process and Go collectors. The counts are
// one collector, read under the lock a poll counts under, so a scrape is
// one moment: never a last_event_id ahead of the counts that go with it.
type Metrics struct {
	reg *prometheus.Registry

	mu         sync.Mutex
	events     map[labels]uint64
	failed     uint64
	polls      uint64
	pollErrors uint64
	reconnects uint64
	hw         uint64    // the highest id read, the last_event_id
	hwTime     time.Time // its ts_created, when known
	lag        float64
	okAt       time.Time // the last successful poll
	failing    bool      // the last poll failed
	awaited    uint64
}

type labels struct{ category, severity, typ string }

const ns = "matomo_activity_"

var (
	descEvents = prometheus.NewDesc(ns+"events_total",
		`Events read from the Activity Log since the process started, by the catalog's category, severity and type (type "other": a type the catalog does not know).`,
		[]string{"category", "severity", "type"}, nil)
	descFailed = prometheus.NewDesc(ns+"failed_signins_total",
		"Failed sign-ins (ActivityLog/UserSignInFailed) read since the process started.", nil, nil)
	descLastID = prometheus.NewDesc(ns+"last_event_id",
		"The highest event id read (at start: the newest in the table).", nil, nil)
	descLastTime = prometheus.NewDesc(ns+"last_event_timestamp_seconds",
		"ts_created of the event with the highest id read, as Unix time (0 while the table is empty).", nil, nil)
	descLag = prometheus.NewDesc(ns+"follower_lag_seconds",
		"At the last poll that read events: seconds from the newest one's ts_created (whole seconds, by the database's clock) to that poll.", nil, nil)
	descLastSuccess = prometheus.NewDesc(ns+"follower_last_success_timestamp_seconds",
		"When the follower last read the database successfully, as Unix time.", nil, nil)
	descUp = prometheus.NewDesc(ns+"follower_up",
		"1 when the follower's last poll of the database succeeded, 0 when it failed.", nil, nil)
	descAwaited = prometheus.NewDesc(ns+"follower_awaited_ids",
		"Ids below the highest read that are still awaited: skipped by transactions not committed yet (given up after the grace period).", nil, nil)
	descPolls = prometheus.NewDesc(ns+"follower_polls_total",
		"Polls of the database by the follower.", nil, nil)
	descPollErrors = prometheus.NewDesc(ns+"follower_poll_errors_total",
		"Polls that failed (database down, connection lost, grant revoked); the next successful one catches up.", nil, nil)
	descReconnects = prometheus.NewDesc(ns+"follower_reconnects_total",
		"Times polling succeeded again after one or more failed polls.", nil, nil)
)

// New makes the metrics, every series of the catalog at zero (so that
// increase() sees the first event of a type too).
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), events: map[labels]uint64{}}
	for _, s := range activity.Specs() {
		for _, sev := range s.Severities {
			m.events[labels{s.Category, sev.String(), s.Type}] = 0
		}
	}
	m.events[labels{activity.CategoryOther, activity.Info.String(), OtherType}] = 0
	m.reg.MustRegister(counts{m}, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	return m
}

// counts is the collector of the Activity Log's metrics.
type counts struct{ m *Metrics }

func (c counts) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descEvents, descFailed, descLastID, descLastTime, descLag, descLastSuccess, descUp, descAwaited, descPolls, descPollErrors, descReconnects} {
		ch <- d
	}
}

func (c counts) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	m.mu.Lock()
	defer m.mu.Unlock()
	counter := func(d *prometheus.Desc, v uint64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), lv...)
	}
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	for l, n := range m.events {
		counter(descEvents, n, l.category, l.severity, l.typ)
	}
	counter(descFailed, m.failed)
	counter(descPolls, m.polls)
	counter(descPollErrors, m.pollErrors)
	counter(descReconnects, m.reconnects)
	gauge(descLastID, float64(m.hw))
	var at, ok float64
	if !m.hwTime.IsZero() {
		at = unix(m.hwTime)
	}
	if !m.okAt.IsZero() {
		ok = unix(m.okAt)
	}
	gauge(descLastTime, at)
	gauge(descLastSuccess, ok)
	gauge(descLag, m.lag)
	up := 0.0
	if !m.failing && !m.okAt.IsZero() {
		up = 1
	}
	gauge(descUp, up)
	gauge(descAwaited, float64(m.awaited))
}

// Handler serves the registry on Path and answers 404 to every other
// path; it counts its own scrapes (promhttp_metric_handler_requests_total).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4})
	mux.Handle("GET "+Path, promhttp.InstrumentMetricHandler(m.reg, h))
	return mux
}

// Labels are the label values an event is counted under: the catalog's
// category and type for a type it knows (the severity the event has, one
// of the type's), "other" for any other type.
func Labels(e *activity.Event) (category, severity, typ string) {
	spec, ok := activity.Lookup(e.Type)
	if !ok {
		return activity.CategoryOther, activity.Info.String(), OtherType
	}
	sev := spec.Severity
	for _, s := range spec.Severities {
		if s == e.Severity {
			sev = s
		}
	}
	return spec.Category, sev.String(), spec.Type
}

// Observe counts one poll of the hub. It is what Attach hands the hub, and
// tests may call it with made-up polls.
func (m *Metrics) Observe(o follow.Observation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.polls++
	if o.Err != nil {
		m.pollErrors++
		m.failing = true
		return
	}
	if m.failing {
		m.reconnects++
		m.failing = false
	}
	m.okAt = o.At
	m.awaited = o.Awaited
	var newest time.Time
	for _, list := range [][]activity.Event{o.Late, o.Fresh} {
		for i := range list {
			e := &list[i]
			cat, sev, typ := Labels(e)
			m.events[labels{cat, sev, typ}]++
			if typ == failedSignIn {
				m.failed++
			}
			if e.Time.After(newest) {
				newest = e.Time
			}
			if e.ID > m.hw {
				m.hw, m.hwTime = e.ID, e.Time
			}
		}
	}
	if !newest.IsZero() {
		m.lag = max(0, o.At.Sub(newest).Seconds())
	}
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// Attach starts counting what hub reads from now on: the hub starts (or is
// brought up to date), and the newest event before it is read once from
// src, which must be the hub's own source, for last_event_id and its time.
// The returned stop ends the counting.
func (m *Metrics) Attach(ctx context.Context, hub *follow.Hub, src source.Source) (stop func(), err error) {
	ob := hub.Observe(m.Observe)
	if err := ob.Start(ctx); err != nil {
		return nil, err
	}
	hw := ob.HighWater()
	var at time.Time
	if hw > 0 {
		rows, err := src.ByIDs(ctx, []uint64{hw})
		if err != nil {
			ob.Stop()
			return nil, err
		}
		if len(rows) == 1 {
			at = rows[0].Time
		}
	}
	m.mu.Lock()
	// A poll may have counted newer events meanwhile: the mark only rises.
	if hw > m.hw || hw == m.hw && m.hwTime.IsZero() {
		m.hw, m.hwTime = hw, at
	}
	if m.okAt.IsZero() && !m.failing {
		// The start read the database: as good as a poll.
		m.okAt = time.Now()
	}
	m.mu.Unlock()
	return ob.Stop, nil
}
