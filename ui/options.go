package ui

import (
	"time"

	"matomo-audit/data/follow"
	"matomo-audit/data/marks"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/keymap"
	"matomo-audit/serve/watch"
	"matomo-audit/theme"
)

// Options configure a Model.
type Options struct {
	Source source.Source
	Query  *query.Query
	Loc    *time.Location // display zone; UTC when nil
	// Theme is used as given unless AutoTheme is set, in which case the
	// terminal's background decides between dark and light.
	Theme     theme.Theme
	AutoTheme bool
	Now       func() time.Time // clock for relative times; time.Now when nil
	Keys      *keymap.KeyMap
	// Follow starts following new events (pinned to the newest).
	Follow bool
	// Poll is how often following looks for new events (default 1s);
	// Grace how long an id skipped by an open transaction is awaited.
	Poll  time.Duration
	Grace time.Duration
	// Bell rings the terminal bell when a security event arrives.
	Bell bool
	// NoExport turns off writing files and the clipboard (shared jump
	// hosts).
	NoExport bool
	// InTmux wraps clipboard writes for tmux ($TMUX is set).
	InTmux bool
	// Dir is where export paths are relative to; the working folder when
	// empty.
	Dir string
	// BurstMin and BurstWithin are the summary's failed-login burst
	// thresholds (summary's defaults when zero).
	BurstMin    int
	BurstWithin time.Duration

	// For sessions served over SSH (see serve.go); zero values are a
	// local session. Role is who the session is, for the status bar
	// ("alice · super user"); Restricted hides table-wide totals;
	// SSH is the ssh command that reaches the server ("ssh -p 2222
	// host"): e then explains how to export from the client's side instead
	// of writing a file on the server, and L's command line opens the
	// view over SSH.
	Role       string
	Restricted bool
	SSH        string
	// Label, when set, names the source in the header instead of the
	// source's own label: a served session is not told the server's
	// database account and host.
	Label string
	// Live, when set, gives the session its follower: serve shares one
	// poll of the database among every session that follows.
	Live func() follow.Live

	// At opens the timeline with the cursor on this event id (or the
	// nearest one the query and the session let through), paused; new
	// events are counted as when one moves away from the newest.
	At uint64
	// Share, when set, is the session's place on the server: W watches
	// another session, and what this one shows is published for its own
	// watchers. Watch, when set, opens the session watching (ssh HOST
	// watch alice); stopping then ends it.
	Share Share
	Watch *watch.Watcher
	// Marks are the events marked with m, shared by every session of a
	// server (a set of the session's own when nil); MarkedBy is who this
	// session marks as.
	Marks    *marks.Set
	MarkedBy string

	// ViewCommand is how L's command line starts for a local session:
	// "matomo-audit" with the flags that chose the source (the default).
	// A served session's starts with SSH.
	ViewCommand string
}
