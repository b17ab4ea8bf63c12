// Package mysqldb reads Matomo's Activity Log from MySQL or MariaDB. It
// only ever issues SELECT, SHOW and SET statements, on sessions set READ
// ONLY, and never changes the session time zone: ts_created comes back as
// the UTC literal Matomo wrote.
package mysqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/matomoconf"
	"matomo-audit/data/source"
)

// Options says where to connect. The first of DSN, MatomoPath and
// auto-discovery from Cwd that is given wins.
type Options struct {
	DSN        string
	MatomoPath string
	Prefix     string // overrides the prefix from the config; default "matomo_"
	Cwd        string // where auto-discovery starts
}

// DefaultPrefix is Matomo's table prefix since 3.3; older installs used
// "piwik_".
const DefaultPrefix = "matomo_"

func init() {
	// The driver logs some failures to stderr on its own; our errors say
	// what happened, and its log lines would land on top of the TUI.
	_ = mysql.SetLogger(&mysql.NopLogger{})
}

// resolved is a connection target after config discovery.
type resolved struct {
	cfg    *mysql.Config
	prefix string
	origin string // where the settings came from, for error messages
}

func resolve(o Options) (*resolved, error) {
	if o.DSN != "" {
		cfg, err := mysql.ParseDSN(o.DSN)
		if err != nil {
			return nil, &source.SetupError{Msg: "malformed DSN: " + redact(err.Error(), dsnPassword(o.DSN)) +
				"; expected user:password@tcp(host:3306)/dbname or user:password@unix(/path/to/mysqld.sock)/dbname"}
		}
		if cfg.DBName == "" {
			return nil, &source.SetupError{Msg: "the DSN names no database: add it after the slash, e.g. user:password@tcp(host:3306)/matomo"}
		}
		prefix := o.Prefix
		if prefix == "" {
			prefix = DefaultPrefix
		}
		return &resolved{cfg: cfg, prefix: prefix, origin: "the DSN"}, nil
	}
	path := o.MatomoPath
	if path == "" {
		found, err := matomoconf.Discover(o.Cwd)
		if err != nil {
			return nil, &source.SetupError{Msg: err.Error()}
		}
		path = found
	}
	st, err := matomoconf.Load(path)
	if err != nil {
		return nil, &source.SetupError{Msg: err.Error()}
	}
	cfg, err := st.MySQL()
	if err != nil {
		return nil, &source.SetupError{Msg: redact(err.Error(), st.Password)}
	}
	prefix := st.Prefix
	if o.Prefix != "" {
		prefix = o.Prefix
	}
	return &resolved{cfg: cfg, prefix: prefix, origin: st.File + " [" + st.Section + "]"}, nil
}

// prepare fixes the settings the reader depends on, whatever the DSN says.
func prepare(cfg *mysql.Config) {
	// Time literals are parsed by us as UTC; the driver must hand them
	// over untouched.
	cfg.ParseTime = false
	cfg.Loc = time.UTC
	// One round trip per query instead of prepare+execute+close.
	cfg.InterpolateParams = true
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	cfg.Logger = &mysql.NopLogger{}
}

// readOnly makes every pooled connection a READ ONLY session before first
// use: even a mistaken statement could not change Matomo's data.
type readOnly struct{ driver.Connector }

func (c readOnly) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("mysql driver connection cannot execute statements")
	}
	if _, err := ex.ExecContext(ctx, "SET SESSION TRANSACTION READ ONLY", nil); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// Open connects, checks the schema and returns the source. Errors the user
// must fix are *source.SetupError.
func Open(ctx context.Context, o Options) (*Source, error) {
	r, err := resolve(o)
	if err != nil {
		return nil, err
	}
	prepare(r.cfg)
	conn, err := mysql.NewConnector(r.cfg)
	if err != nil {
		return nil, &source.SetupError{Msg: redact(err.Error(), r.cfg.Passwd)}
	}
	db := sql.OpenDB(readOnly{conn})
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Source{db: db, cfg: r.cfg, prefix: r.prefix, origin: r.origin}
	s.table = quoteIdent(r.prefix + "activity_log")
	s.userTable = quoteIdent(r.prefix + "user")
	pingCtx, cancel := context.WithTimeout(ctx, r.cfg.Timeout+5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, s.explain(err)
	}
	if err := s.checkSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.users = newUsers(db, s.userTable)
	return s, nil
}

// Label names the source without its password.
func (s *Source) Label() string { return describe(s.cfg) }

func describe(cfg *mysql.Config) string {
	user := cfg.User
	if user == "" {
		user = "(no user)"
	}
	if cfg.Net == "unix" {
		return fmt.Sprintf("%s@unix(%s)/%s", user, cfg.Addr, cfg.DBName)
	}
	return fmt.Sprintf("%s@%s/%s", user, cfg.Addr, cfg.DBName)
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// checkSchema finds the table, its optional columns and the SELECT grant,
// and turns every failure into one line saying what to do.
func (s *Source) checkSchema(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "SHOW COLUMNS FROM "+s.table)
	if err != nil {
		var me *mysql.MySQLError
		if errors.As(err, &me) && me.Number == 1146 {
			return s.missingTable(ctx)
		}
		return s.explain(err)
	}
	cols := map[string]bool{}
	for rows.Next() {
		var field, typ, null, key string
		var def sql.NullString
		var extra string
		if err := rows.Scan(&field, &typ, &null, &key, &def, &extra); err != nil {
			rows.Close()
			return s.explain(err)
		}
		cols[strings.ToLower(field)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.explain(err)
	}
	for _, c := range []string{"id", "user_login", "type", "parameters", "ts_created"} {
		if !cols[c] {
			return &source.SetupError{Msg: fmt.Sprintf("table %s in database %q has no column %q: is it really the ActivityLog plugin's table? (settings from %s)",
				strings.Trim(s.table, "`"), s.cfg.DBName, c, s.origin)}
		}
	}
	s.hasIPCountry = cols["ip"] && cols["country"]
	s.columns = "`id`, `user_login`, `type`, `parameters`, `ts_created`"
	s.light = "`id`, `user_login`, `type`, `ts_created`"
	if s.hasIPCountry {
		s.columns += ", `country`, `ip`"
		s.light += ", `country`, `ip`"
	}
	// SHOW COLUMNS only needs some privilege on the table; reading needs
	// SELECT.
	var one sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT `id` FROM "+s.table+" ORDER BY `id` DESC LIMIT 1").Scan(&one); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.explain(err)
	}
	return nil
}

func (s *Source) missingTable(ctx context.Context) error {
	name := strings.Trim(s.table, "`")
	msg := fmt.Sprintf("no table %s in database %q (prefix %q, from %s)", name, s.cfg.DBName, s.prefix, s.origin)
	// "_" matches any character here; the suffix check below is exact.
	rows, err := s.db.QueryContext(ctx, `SHOW TABLES LIKE '%activity_log'`)
	if err == nil {
		defer rows.Close()
		var found []string
		for rows.Next() {
			var t string
			if rows.Scan(&t) == nil && strings.HasSuffix(t, "activity_log") {
				found = append(found, t)
			}
		}
		if len(found) > 0 {
			prefixes := make([]string, len(found))
			for i, t := range found {
				prefixes[i] = "--prefix " + shellQuote(strings.TrimSuffix(t, "activity_log"))
			}
			return &source.SetupError{Msg: msg + "; tables found: " + strings.Join(found, ", ") + " (use " + strings.Join(prefixes, " or ") + ")"}
		}
	}
	return &source.SetupError{Msg: msg + "; no *activity_log table visible to user " + quoteUser(s.cfg.User) +
		": is the ActivityLog plugin installed, is this the Matomo database, and may this user read it (GRANT SELECT ON " +
		s.cfg.DBName + "." + name + " TO ...)?"}
}

func shellQuote(s string) string {
	if s == "" {
		return `""`
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func quoteUser(u string) string { return "'" + u + "'" }

// dsnPassword extracts the password part of a DSN that failed to parse, so
// it can be cut out of the driver's error text.
func dsnPassword(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return ""
	}
	cred := dsn[:at]
	if i := strings.IndexByte(cred, ':'); i >= 0 {
		return cred[i+1:]
	}
	return ""
}

// redact removes a password from a message; nothing we print may carry it.
func redact(msg, password string) string {
	if password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, password, "***")
}

// EnvDSN is the environment variable a DSN can come from instead of a flag
// (so it stays out of the process list).
const EnvDSN = "MATOMO_AUDIT_DSN"

// DSNFromEnv returns $MATOMO_AUDIT_DSN.
func DSNFromEnv() string { return os.Getenv(EnvDSN) }
