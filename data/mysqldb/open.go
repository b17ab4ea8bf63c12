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
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/matomoconf"
	"matomo-audit/data/source"
	"matomo-audit/internal/shellword"
)

// Options says where to connect. The first of DSN, MatomoPath and
// auto-discovery from Cwd that is given wins.
type Options struct {
	DSN        string
	MatomoPath string
	// Prefix overrides the prefix from the config (default "matomo_")
	// when PrefixSet is true or Prefix is not empty: PrefixSet is what
	// lets an empty prefix (tables named activity_log) be asked for.
	Prefix    string
	PrefixSet bool
	Cwd       string // where auto-discovery starts
	// ConnectTimeout bounds connecting (dial, handshake, session setup)
	// and, at start, the schema check; 0 means the DSN's timeout, else
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// Connecting, when set, is called once the target is known and before
	// it is dialled, with the server named for people ("db1:3306"), so
	// a slow server can be seen being waited for.
	Connecting func(server string)
	// MaxConns bounds the connections open at once (DefaultMaxConns when
	// 0): every reader shares them, so many sessions of serve cannot use
	// up the server's max_connections.
	MaxConns int
	// StateDir, when set, is the folder where the source keeps what it
	// remembers between runs (source.GrantIndex).
	StateDir string
}

// DefaultMaxConns is enough for one person: the timeline's reads, a
// counting scan and following side by side.
const DefaultMaxConns = 4

// DefaultPrefix is Matomo's table prefix since 3.3; older installs used
// "piwik_".
const DefaultPrefix = "matomo_"

// DefaultConnectTimeout is how long connecting may take when neither the
// caller nor the DSN says.
const DefaultConnectTimeout = 10 * time.Second

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
	// prefixFrom says where the prefix came from ("from --prefix"), for
	// the missing-table message: a wrong prefix is the usual reason a
	// table is missing.
	prefixFrom string
}

func resolve(o Options) (*resolved, error) {
	prefixSet := o.PrefixSet || o.Prefix != ""
	if o.DSN != "" {
		cfg, err := ParseDSN(o.DSN)
		if errors.Is(err, errStrict) {
			return nil, &source.SetupError{Msg: err.Error()}
		}
		if err != nil {
			return nil, &source.SetupError{Msg: "malformed DSN: " + redact(err.Error(), dsnPassword(o.DSN)) +
				"; expected user:password@tcp(host:3306)/dbname or user:password@unix(/path/to/mysqld.sock)/dbname"}
		}
		if cfg.DBName == "" {
			return nil, &source.SetupError{Msg: "the DSN names no database: add it after the slash, e.g. user:password@tcp(host:3306)/matomo"}
		}
		if err := checkDSN(cfg); err != nil {
			return nil, &source.SetupError{Msg: err.Error()}
		}
		r := &resolved{cfg: cfg, prefix: DefaultPrefix, origin: "the DSN", prefixFrom: "the default with a DSN"}
		if prefixSet {
			r.prefix, r.prefixFrom = o.Prefix, "from --prefix"
		}
		return r, nil
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
	origin := st.File + " [" + st.Section + "]"
	r := &resolved{cfg: cfg, prefix: st.Prefix, origin: origin, prefixFrom: "from tables_prefix of " + origin}
	if prefixSet {
		r.prefix, r.prefixFrom = o.Prefix, "from --prefix"
	}
	return r, nil
}

// ParseDSN is mysql.ParseDSN without its one panic: the driver panics on
// the long-removed "strict" parameter, and a DSN is user input.
func ParseDSN(dsn string) (cfg *mysql.Config, err error) {
	defer func() {
		if recover() != nil {
			cfg, err = nil, errStrict
		}
	}()
	return mysql.ParseDSN(dsn)
}

var errStrict = errors.New("the DSN parameter strict no longer exists in go-sql-driver: remove it")

// sessionVars are the server variables a DSN may set (the driver sends
// every parameter it does not know itself as SET name = value, verbatim):
// time limits, which change how long a statement may take but nothing
// about what it reads. Anything else could change what the reader relies
// on (time_zone, autocommit, sql_mode, character sets) or is a typo the
// server would reject with an unhelpful message.
var sessionVars = []string{"max_statement_time", "max_execution_time", "net_read_timeout", "net_write_timeout", "wait_timeout"}

// driverParams are go-sql-driver v1.10's own DSN parameters; it matches
// them case-sensitively, so "parsetime" would go to the server.
var driverParams = []string{"allowAllFiles", "allowCleartextPasswords", "allowFallbackToPlaintext", "allowNativePasswords",
	"allowOldPasswords", "checkConnLiveness", "clientFoundRows", "charset", "collation", "columnsWithAlias", "compress",
	"interpolateParams", "loc", "multiStatements", "parseTime", "timeTruncate", "readTimeout", "rejectReadOnly",
	"serverPubKey", "timeout", "tls", "writeTimeout", "maxAllowedPacket", "connectionAttributes"}

// checkDSN refuses DSN settings that would break the reader's contract,
// naming the parameter. parseTime is accepted and has no effect: prepare
// turns it off, as times are parsed here from the text Matomo wrote.
func checkDSN(cfg *mysql.Config) error {
	if !alwaysUTC(cfg.Loc) {
		return fmt.Errorf("loc=%s in the DSN: times are read as the UTC that Matomo writes, whatever loc says; remove loc and use --tz %s to show them in that zone",
			cfg.Loc, cfg.Loc)
	}
	if cfg.AllowAllFiles {
		return errors.New("allowAllFiles in the DSN would let the server read any local file (LOAD DATA LOCAL INFILE), and matomo-audit never loads files: remove it")
	}
	names := slices.Sorted(maps.Keys(cfg.Params))
	for _, name := range names {
		if strings.EqualFold(name, "time_zone") || strings.EqualFold(name, "@@time_zone") {
			return fmt.Errorf("time_zone in the DSN would shift every time by the server's offset (Matomo writes ts_created as UTC text in the server's own session zone): remove it, and use --tz to show another zone")
		}
	}
	for _, name := range names {
		if i := slices.IndexFunc(driverParams, func(p string) bool { return strings.EqualFold(p, name) }); i >= 0 {
			return fmt.Errorf("unknown DSN parameter %q: go-sql-driver's parameters are case-sensitive, did you mean %s?", name, driverParams[i])
		}
		if !slices.Contains(sessionVars, strings.ToLower(name)) {
			return fmt.Errorf("unknown DSN parameter %q: go-sql-driver would send it to the server as a session variable, and a DSN may set only %s that way",
				name, strings.Join(sessionVars, ", "))
		}
		if !isNumber(cfg.Params[name]) {
			return fmt.Errorf("DSN parameter %s must be a plain number", name)
		}
	}
	return nil
}

// alwaysUTC says whether loc is UTC all year (UTC, Etc/UTC, GMT, ...).
// Local is not, even on a machine that runs on UTC: the same DSN would be
// refused elsewhere.
func alwaysUTC(loc *time.Location) bool {
	if loc == nil || loc == time.UTC {
		return true
	}
	if loc == time.Local {
		return false
	}
	year := time.Now().Year()
	for _, m := range []time.Month{time.January, time.July} {
		if _, off := time.Date(year, m, 1, 0, 0, 0, 0, loc).Zone(); off != 0 {
			return false
		}
	}
	return true
}

// isNumber accepts what the allowed session variables take, and nothing
// that could carry more SQL: the driver pastes the value in as it is.
func isNumber(s string) bool {
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && s[len(s)-1] != '.'
}

// prepare fixes the settings the reader depends on, whatever the DSN says.
func prepare(cfg *mysql.Config, timeout time.Duration) {
	// Time literals are parsed by us as UTC; the driver must hand them
	// over untouched.
	cfg.ParseTime = false
	cfg.Loc = time.UTC
	// One round trip per query instead of prepare+execute+close.
	cfg.InterpolateParams = true
	switch {
	case timeout > 0:
		cfg.Timeout = timeout
	case cfg.Timeout <= 0:
		cfg.Timeout = DefaultConnectTimeout
	}
	cfg.Logger = &mysql.NopLogger{}
}

// readOnly makes every pooled connection a READ ONLY session before first
// use: even a mistaken statement could not change Matomo's data. It also
// bounds each connect, handshake included: the driver's own timeout covers
// only the dial, and a server that accepts but never answers would
// otherwise hold a reconnect until the caller gives up.
type readOnly struct {
	driver.Connector
	timeout time.Duration
}

func (c readOnly) Connect(ctx context.Context) (driver.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
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
// must fix are *source.SetupError; those that mean the server did not
// answer also match source.ErrUnavailable.
func Open(ctx context.Context, o Options) (*Source, error) {
	r, err := resolve(o)
	if err != nil {
		return nil, err
	}
	prepare(r.cfg, o.ConnectTimeout)
	conn, err := mysql.NewConnector(r.cfg)
	if err != nil {
		return nil, &source.SetupError{Msg: redact(err.Error(), r.cfg.Passwd)}
	}
	db := sql.OpenDB(readOnly{Connector: conn, timeout: r.cfg.Timeout})
	n := o.MaxConns
	if n <= 0 {
		n = DefaultMaxConns
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Source{db: db, conns: n, cfg: r.cfg, prefix: r.prefix, origin: r.origin, stateDir: o.StateDir}
	s.table = quoteIdent(r.prefix + "activity_log")
	s.userTable = quoteIdent(r.prefix + "user")
	if o.Connecting != nil {
		o.Connecting(serverOf(r.cfg))
	}
	// One deadline for everything up to a usable source: a server that
	// accepts the connection and then stalls in the handshake or in the
	// first queries must not hold the start for longer than the timeout.
	startCtx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	if err := db.PingContext(startCtx); err != nil {
		db.Close()
		return nil, s.explainStart(err)
	}
	if err := s.checkSchema(startCtx, r.prefixFrom); err != nil {
		db.Close()
		return nil, err
	}
	s.users = newUsers(db, s.userTable)
	return s, nil
}

// Label names the source without its password.
func (s *Source) Label() string { return describe(s.cfg) }

// Table is the activity log table's name (the prefix's and
// "activity_log"), unquoted.
func (s *Source) Table() string { return strings.Trim(s.table, "`") }

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
func (s *Source) checkSchema(ctx context.Context, prefixFrom string) error {
	rows, err := s.db.QueryContext(ctx, "SHOW COLUMNS FROM "+s.table)
	if err != nil {
		var me *mysql.MySQLError
		if errors.As(err, &me) && me.Number == 1146 {
			return s.missingTable(ctx, prefixFrom)
		}
		return s.explainStart(err)
	}
	cols := map[string]bool{}
	for rows.Next() {
		var field, typ, null, key string
		var def sql.NullString
		var extra string
		if err := rows.Scan(&field, &typ, &null, &key, &def, &extra); err != nil {
			rows.Close()
			return s.explainStart(err)
		}
		cols[strings.ToLower(field)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.explainStart(err)
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
		return s.explainStart(err)
	}
	return nil
}

func (s *Source) missingTable(ctx context.Context, prefixFrom string) error {
	name := strings.Trim(s.table, "`")
	msg := fmt.Sprintf("no table %s in database %q (prefix %q, %s)", name, s.cfg.DBName, s.prefix, prefixFrom)
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
	return shellword.Quote(s)
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
