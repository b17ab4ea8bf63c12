package source

// SetupError is a problem with how the tool was invoked or configured
// (connection settings, missing table, missing grant): the user must change
// something before retrying. Commands exit with code 2 for it.
type SetupError struct{ Msg string }

func (e *SetupError) Error() string { return e.Msg }
