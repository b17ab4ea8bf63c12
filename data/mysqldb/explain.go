package mysqldb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/source"
)

// explain turns a connection or query error into one line that says what
// to fix. Setup problems become *source.SetupError (exit code 2); anything
// else stays a runtime error. The password is never part of the text.
func (s *Source) explain(err error) error {
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
		}
		return fmt.Errorf("%s: %s", where, r(me.Error()))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			return setup("no answer from %s within %s: is the host right and the port open (firewall)?", serverOf(cfg), cfg.Timeout)
		}
		return err
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return setup("unknown database host %q: check the host name in %s", dnsErr.Name, s.origin)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			if cfg.Net == "unix" {
				return setup("nothing listens on the socket %s: is MySQL/MariaDB running, and is this its socket (check port/unix_socket in %s)?", cfg.Addr, s.origin)
			}
			return setup("connection refused by %s: is MySQL/MariaDB running there and listening on that port (check host and port in %s)?", serverOf(cfg), s.origin)
		case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOENT):
			return setup("no MySQL socket at %s: check port/unix_socket in %s (the socket is usually /run/mysqld/mysqld.sock)", cfg.Addr, s.origin)
		case errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EACCES):
			return setup("permission denied on the socket %s: run as a user allowed to open it, or connect over TCP", cfg.Addr)
		case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
			return setup("cannot reach %s: no route to host (check the host in %s)", serverOf(cfg), s.origin)
		}
		if opErr.Timeout() {
			return setup("no answer from %s within %s: is the host right and the port open (firewall)?", serverOf(cfg), cfg.Timeout)
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
	if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, mysql.ErrMalformPkt) {
		return fmt.Errorf("%s dropped the connection (is that port really MySQL/MariaDB, or did the server restart?)", serverOf(cfg))
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
