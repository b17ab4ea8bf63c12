// Package watch lets one session of matomo-audit serve watch another's
// live: its query, the event under its cursor, whether it follows new
// events or is paused, whether its detail pane is open.
//
// A watch mirrors state, not pixels. The watcher's own UI draws what it is
// told at its own terminal's size and reads events through its own
// restricted source, so whatever the watched session could see, a watcher
// sees no more than its own access allows; who may watch whom (see Who) is
// then only about not telling anyone what someone else is looking at.
//
// Every watcher has a one-slot mailbox in which the newest state replaces
// an unread older one. A watcher whose ssh connection has stalled thus
// costs the watched session one small copy per change, never a wait, and
// it catches up with the present rather than replaying the past when it
// reads again. No goroutine runs on a watcher's behalf.
package watch
