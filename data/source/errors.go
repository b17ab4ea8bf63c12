package source

import "errors"

// SetupError is a problem with how the tool was invoked or configured
// (connection settings, missing table, missing grant): the user must change
// something before retrying. Commands exit with code 2 for it.
type SetupError struct {
	Msg string
	// Err, when set, is the kind of problem for errors.Is: ErrUnavailable
	// for a server that did not answer, so a running session can tell an
	// outage to wait out from advice that only helps at start.
	Err error
}

func (e *SetupError) Error() string { return e.Msg }

func (e *SetupError) Unwrap() error { return e.Err }

// ErrUnavailable is matched (errors.Is) by errors that mean the database
// did not answer: refused, unreachable, timed out, or the connection
// dropped. At start that is something to fix; in a running session it is
// an outage to wait out, and the UI says so rather than give setup advice.
var ErrUnavailable = errors.New("database not answering")

// Unavailable is a runtime error that means the database did not answer:
// it reads as msg and matches ErrUnavailable.
func Unavailable(msg string) error { return &unavailable{msg} }

type unavailable struct{ msg string }

func (e *unavailable) Error() string { return e.msg }

func (e *unavailable) Unwrap() error { return ErrUnavailable }
