package mysqldb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/source"
)

// explain turns an error of a running source into one line that says what
// to fix. Setup problems become *source.SetupError (exit code 2); anything
// else stays a runtime error, and one that means the server did not answer
// matches source.ErrUnavailable: an outage to wait out, not a setting to
// change. The password is never part of the text.
func (s *Source) explain(err error) error { return s.describeErr(err, false) }

// explainStart is explain while opening: then a server that does not
// answer is something to fix too (host, port, firewall), so it is a
// *source.SetupError that also matches source.ErrUnavailable.
func (s *Source) explainStart(err error) error { return s.describeErr(err, true) }

func (s *Source) describeErr(err error, start bool) error {
	if err == nil {
		return nil
	}
	cfg := s.cfg
	where := describe(cfg)
	// Our own wording never contains the password; text that comes from
	// the driver or server goes through r() in case it ever does.
	setup := func(format string, args ...any) error {
		return &source.SetupError{Msg: fmt.Sprintf(format, args...)}
	}
	down := func(format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if start {
			return &source.SetupError{Msg: msg, Err: source.ErrUnavailable}
		}
		return source.Unavailable(msg)
	}
	r := func(s string) string { return redact(s, cfg.Passwd) }
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1045: // access denied (password)
			return setup("access denied for user %s at %s: wrong user name or password (check the password in %s; it is not shown here)",
				quoteUser(cfg.User), serverOf(cfg), s.origin)
		case 1044: // no rights on the database
			return setup("user %s may not use database %q on %s: grant read access with GRANT SELECT ON `%s`.%s TO %s@'%%'",
				quoteUser(cfg.User), cfg.DBName, serverOf(cfg), cfg.DBName, s.table, quoteUser(cfg.User))
		case 1049:
			return setup("database %q does not exist on %s: check dbname in %s", cfg.DBName, serverOf(cfg), s.origin)
		case 1142, 1143: // SELECT / column denied
			return setup("user %s may not read %s in database %q: grant it with GRANT SELECT ON `%s`.%s TO %s",
				quoteUser(cfg.User), s.table, cfg.DBName, cfg.DBName, s.table, s.account())
		case 1146:
			return setup("no table %s in database %q", strings.Trim(s.table, "`"), cfg.DBName)
		case 1129:
			return setup("%s blocks this host after too many connection errors: run FLUSH HOSTS on the server (or mariadb-admin flush-hosts)", serverOf(cfg))
		case 1040:
			return fmt.Errorf("%s has too many connections right now: %s", serverOf(cfg), r(me.Message))
		case 1251, 1524, 2059:
			return setup("the server wants an authentication method this tool does not support for user %s: %s", quoteUser(cfg.User), r(me.Message))
		case 1053, 1927, 4031: // shutting down; connection killed; idle connection closed (MySQL 8)
			return down("%s ended the connection: %s", serverOf(cfg), r(me.Message))
		}
		return fmt.Errorf("%s: %s", where, r(me.Error()))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return down("no answer from %s within %s (--connect-timeout): is the host right, is it MySQL/MariaDB, and is the port open (firewall)?", serverOf(cfg), cfg.Timeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound || !dnsErr.IsTemporary {
			return setup("unknown database host %q: check the host name in %s", dnsErr.Name, s.origin)
		}
		return down("cannot look up the database host %q right now: %s", dnsErr.Name, r(dnsErr.Err))
	}
	switch {
	case errors.Is(err, mysql.ErrInvalidConn), errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return down("%s dropped the connection (did the server restart, or is that port not MySQL/MariaDB?)", serverOf(cfg))
	case errors.Is(err, mysql.ErrMalformPkt):
		return fmt.Errorf("%s sent something that is not the MySQL protocol: is that port really MySQL/MariaDB?", serverOf(cfg))
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			if cfg.Net == "unix" {
				return down("nothing listens on the socket %s: is MySQL/MariaDB running, and is this its socket (check port/unix_socket in %s)?", cfg.Addr, s.origin)
			}
			return down("connection refused by %s: is MySQL/MariaDB running there and listening on that port (check host and port in %s)?", serverOf(cfg), s.origin)
		case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOENT):
			// Also what a restart looks like: the server removes its
			// socket while it is down.
			return down("no MySQL socket at %s: check port/unix_socket in %s (the socket is usually /run/mysqld/mysqld.sock)", cfg.Addr, s.origin)
		case errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EACCES):
			return setup("permission denied on the socket %s: run as a user allowed to open it, or connect over TCP", cfg.Addr)
		case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
			errors.Is(err, syscall.EHOSTDOWN) || errors.Is(err, syscall.ENETDOWN):
			return down("cannot reach %s: no route to host (check the host in %s)", serverOf(cfg), s.origin)
		}
		return setup("cannot connect to %s: %s", serverOf(cfg), r(fmt.Sprint(opErr.Err)))
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return setup("TLS certificate of %s not trusted: %s (set ssl_ca, or ssl_no_verify = 1 to skip the check)", serverOf(cfg), r(err.Error()))
	}
	if errors.Is(err, mysql.ErrNoTLS) {
		return setup("%s does not offer TLS but the settings require it (enable_ssl / tls in the DSN)", serverOf(cfg))
	}
	return fmt.Errorf("%s: %s", where, r(err.Error()))
}

// account is the exact 'user'@'host' the server authenticated us as, for
// GRANT hints; it falls back to 'user'@'%' when it cannot be asked.
func (s *Source) account() string {
	var cu string
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if s.db != nil && s.db.QueryRowContext(ctx, "SELECT CURRENT_USER()").Scan(&cu) == nil {
		if u, h, ok := strings.Cut(cu, "@"); ok {
			return quoteUser(u) + "@" + quoteUser(h)
		}
	}
	return quoteUser(s.cfg.User) + "@'%'"
}

func serverOf(cfg *mysql.Config) string {
	if cfg.Net == "unix" {
		return "the server at socket " + cfg.Addr
	}
	return cfg.Addr
}
