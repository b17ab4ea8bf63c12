//go:build !unix

package matomoconf

// ownerHint has no owner to look up here; Matomo servers are Unix.
func ownerHint(string) string { return "www-data" }
