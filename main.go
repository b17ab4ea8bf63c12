// Command matomo-audit browses, filters, follows and exports Matomo's
// Activity Log straight from Matomo's MySQL/MariaDB database.
package main

import (
	"os"
	"os/signal"
	"syscall"

	"matomo-audit/internal/cli"
)

func main() {
	// A reader that goes away (`| head`) should end the output quietly,
	// like any Unix tool, instead of killing us with SIGPIPE: ignoring the
	// signal turns it into an EPIPE write error that cli.Run treats as done.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
