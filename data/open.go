// Package data opens event sources. Its sub-packages hold everything about
// the database and events: activity (decoding and the catalog), phpser,
// query, source (paging), mysqldb, demo, export and matomoconf.
package data

import (
	"context"
	"time"

	"matomo-audit/data/demo"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/source"
)

// Options selects and configures a source.
type Options struct {
	Demo bool
	// DemoLive keeps the demo adding events as time passes (for follow).
	DemoLive bool
	// Now is the clock of the demo; time.Now when nil.
	Now   func() time.Time
	MySQL mysqldb.Options
}

// Open returns the demo or connects to MySQL.
func Open(ctx context.Context, o Options) (source.Source, error) {
	if o.Demo {
		return demo.New(demo.Options{Now: o.Now, Live: o.DemoLive, Seed: 1}), nil
	}
	return mysqldb.Open(ctx, o.MySQL)
}
