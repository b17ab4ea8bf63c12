package watch

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Who is a session as the registry knows it.
type Who struct {
	// Login is the Matomo login, "" for a shared-view session without one.
	// Logins are compared without regard to case (strings.EqualFold), as
	// Matomo's user table does: the keys file's "ALICE" is alice.
	Login string
	// View is the shared view's name, "" for none. View names are compared
	// exactly: they are the keys file's own labels, not Matomo's, and
	// nothing folds them elsewhere.
	View string
	// Super is the role as last read from Matomo; it can change (see
	// Handle.SetSuper).
	Super bool
}

// denial says, in one line for the person asking, why viewer may not
// watch a session of target's, or "" when it may. The rule, checked in
// this order:
//
//   - a super user may watch any session;
//   - a session with neither a login nor a view may watch none;
//   - otherwise the target must have the viewer's login (both empty for a
//     shared view) and, when the viewer has a view, also the viewer's
//     view.
//
// So a login's sessions are watched only by that login and by super
// users: a shared-view key is held by whoever was given it, and mirroring
// a named person's query to them would tell them what that person does.
// A view narrows: a login's session in a view watches only that login's
// sessions in the same view, since outside its view its own restriction
// is all it is meant to see, and the query it mirrors would come from a
// wider one. A plain login session may watch its own sessions in any view:
// they are that person's, and they see no more than it does.
//
// The watched session's role plays no part: a watcher's screen is drawn
// with the watcher's own access, so what it may see does not depend on
// whom it watches.
func denial(viewer, target Who) string {
	switch {
	case viewer.Super:
		return ""
	case viewer.Login == "" && viewer.View == "":
		return "a session with neither a login nor a view may watch no one"
	case strings.EqualFold(viewer.Login, target.Login) && (viewer.View == "" || viewer.View == target.View):
		return ""
	}
	var may string
	switch {
	case viewer.Login == "":
		may = fmt.Sprintf("the shared view %s may watch only other sessions of that view without a login", name(viewer.View))
	case viewer.View == "":
		may = fmt.Sprintf("%s may watch only %s's own sessions", name(viewer.Login), name(viewer.Login))
	default:
		may = fmt.Sprintf("%s in view %s may watch only %s's own sessions in that view", name(viewer.Login), name(viewer.View), name(viewer.Login))
	}
	return may + ", not " + describe(target)
}

// describe names a session for a message about it.
func describe(w Who) string {
	switch {
	case w.Login == "":
		return "a session of the shared view " + name(w.View)
	case w.View == "":
		return name(w.Login) + "'s session"
	default:
		return name(w.Login) + "'s session in view " + name(w.View)
	}
}

// name is a login or view as written in a message: bare when that cannot
// be misread, quoted when it is empty or has spaces, quotes or characters
// a terminal would act on, so a message stays one honest line.
func name(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return !unicode.IsPrint(r) || r == ' ' || r == '"' || r == '\''
	}) {
		return strconv.Quote(s)
	}
	return s
}
