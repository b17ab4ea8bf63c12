package source

import "errors"

// SetupError is a problem with how the tool was invoked or configured
// (connection settings, missing table, missing grant): the user must change
// something before retrying. Commands exit with code 2 for it.
type SetupError struct{ Msg string }

func (e *SetupError) Error() string { return e.Msg }

// ErrUnavailable is matched (errors.Is) by errors that mean the database
// did not answer: refused, unreachable, timed out, or the connection
// dropped. At start that is something to fix; in a running session it is
// an outage to wait out, and the UI says so rather than give setup advice.
var ErrUnavailable = errors.New("database not answering")
