package mysqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// users marks logins against <prefix>user. Only login, email,
// superuser_access and invite_token are ever selected (never the password
// or the 2FA secret), so a column-level grant on exactly those is enough.
// Without a grant the marks are left out, and UserTableProblem says why.
//
// Logins compare case-insensitively, as in Matomo's own table (whose
// login column has a _ci collation): "Alice" typed at a failed sign-in is
// alice's account, and every filter and count treats the two alike
// (query.FoldLogin).
type users struct {
	db    *sql.DB
	table string // quoted

	mu      sync.Mutex
	checked bool                         // the table was looked at (successfully, or for good)
	problem string                       // why marks are off; "" when they are on
	invites bool                         // invite_token can be read (Matomo 5 and a grant on it)
	cache   map[string]activity.UserInfo // by FoldLogin; Account = stored login
}

// cacheCap bounds the cache: failed sign-ins bring attacker-chosen logins,
// and a long export must not accumulate all of them.
const cacheCap = 20_000

func newUsers(db *sql.DB, table string) *users {
	return &users{db: db, table: table, cache: map[string]activity.UserInfo{}}
}

// denied reports errors that will not go away by retrying: no grant on the
// table or a column, no such table or column.
func denied(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1142 || me.Number == 1143 || me.Number == 1146 || me.Number == 1054)
}

// check finds out once whether the table can be read, and with or
// without invite_token (absent before Matomo 5, or not granted). A
// transient failure leaves it to the next call, and is returned for
// callers that must not go on without knowing. Callers hold mu.
func (u *users) check(ctx context.Context) error {
	if u.checked {
		return nil
	}
	probe := func(cols string) error {
		rows, err := u.db.QueryContext(ctx, "SELECT "+cols+" FROM "+u.table+" LIMIT 0")
		if err == nil {
			rows.Close()
		}
		return err
	}
	err := probe("`login`, `email`, `superuser_access`, `invite_token`")
	if err == nil {
		u.checked, u.invites = true, true
		return nil
	}
	if !denied(err) {
		return err
	}
	err = probe("`login`, `email`, `superuser_access`")
	switch {
	case err == nil:
		u.checked = true
	case denied(err):
		u.checked, u.problem = true, u.explain(ctx, err)
	default:
		return err
	}
	return nil
}

func (u *users) explain(ctx context.Context, err error) string {
	name := strings.Trim(u.table, "`")
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return name + " cannot be read: " + err.Error()
	}
	switch me.Number {
	case 1146:
		return "there is no table " + name
	case 1054:
		return name + " lacks login, email or superuser_access: is it Matomo's user table?"
	}
	var db string
	if u.db.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db) != nil || db == "" {
		db = "matomo"
	}
	return "this account may not read " + name + ": GRANT SELECT (login, email, superuser_access, invite_token) ON " +
		quoteIdent(db) + "." + u.table + " TO it"
}

func (u *users) readable() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.problem == ""
}

// Problem is why the marks are off, "" when they are on or not known yet.
func (u *users) Problem(ctx context.Context) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.check(ctx)
	return u.problem
}

// forLogin is the cached account as seen from one spelling of its login.
func forLogin(info activity.UserInfo, login string) activity.UserInfo {
	if info.Account == login {
		info.Account = ""
	}
	return info
}

// resolve fills User for events whose login is not a pseudo-user, with one
// query for the logins not seen before.
func (u *users) resolve(ctx context.Context, events []activity.Event) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.check(ctx)
	if !u.checked || u.problem != "" {
		return
	}
	var missing []string
	seen := map[string]bool{}
	for i := range events {
		e := &events[i]
		if e.User.Kind.Pseudo() {
			continue
		}
		key := query.FoldLogin(e.Login)
		if info, ok := u.cache[key]; ok {
			e.User = forLogin(info, e.Login)
			continue
		}
		if !seen[key] {
			seen[key] = true
			missing = append(missing, e.Login)
		}
	}
	if len(missing) == 0 {
		return
	}
	if len(u.cache)+len(missing) > cacheCap {
		clear(u.cache)
	}
	found, err := u.lookup(ctx, missing)
	if err != nil {
		if denied(err) {
			u.problem = u.explain(ctx, err)
		}
		return
	}
	for _, l := range missing {
		key := query.FoldLogin(l)
		info, ok := found[key]
		if !ok {
			info = activity.UserInfo{Kind: activity.UserGone}
		}
		u.cache[key] = info
	}
	for i := range events {
		e := &events[i]
		if e.User.Kind == activity.UserUnchecked {
			if info, ok := u.cache[query.FoldLogin(e.Login)]; ok {
				e.User = forLogin(info, e.Login)
			}
		}
	}
}

func (u *users) columns() string {
	if u.invites {
		return "`login`, `email`, `superuser_access`, `invite_token` IS NOT NULL"
	}
	return "`login`, `email`, `superuser_access`, 0"
}

// lookup finds the accounts of logins, keyed by their fold. The column's
// collation finds other spellings; the lower-cased one is asked for too,
// in case a table was made case-sensitive.
func (u *users) lookup(ctx context.Context, logins []string) (map[string]activity.UserInfo, error) {
	found := map[string]activity.UserInfo{}
	const per = 250
	for len(logins) > 0 {
		part := logins[:min(per, len(logins))]
		logins = logins[len(part):]
		args := make([]any, 0, 2*len(part))
		for _, l := range part {
			args = append(args, l)
			if f := query.FoldLogin(l); f != l {
				args = append(args, f)
			}
		}
		q := "SELECT " + u.columns() + " FROM " + u.table +
			" WHERE `login` IN (" + strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ")"
		rows, err := u.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var login, email string
			var super sql.NullInt64
			var invited bool
			if err := rows.Scan(&login, &email, &super, &invited); err != nil {
				rows.Close()
				return nil, err
			}
			info := activity.UserInfo{Kind: activity.UserCurrent, Email: email, SuperUser: super.Int64 != 0, Account: login}
			if invited {
				info.Kind = activity.UserInvited
			}
			// A wider collation (accents) may find other logins too; only
			// the same fold is this account.
			found[query.FoldLogin(login)] = info
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// list is every account of the table, nil when it cannot be read.
func (u *users) list(ctx context.Context) ([]source.User, error) {
	u.mu.Lock()
	u.check(ctx)
	ok, cols := u.checked && u.problem == "", u.columns()
	u.mu.Unlock()
	if !ok {
		return nil, nil
	}
	rows, err := u.db.QueryContext(ctx, "SELECT "+cols+" FROM "+u.table+" ORDER BY `login` LIMIT 100000")
	if err != nil {
		if denied(err) {
			return nil, nil // the picker uses logins seen in the log
		}
		return nil, err
	}
	defer rows.Close()
	var out []source.User
	for rows.Next() {
		var us source.User
		var super sql.NullInt64
		if err := rows.Scan(&us.Login, &us.Email, &super, &us.Invited); err != nil {
			return nil, err
		}
		us.SuperUser = super.Int64 != 0
		out = append(out, us)
	}
	return out, rows.Err()
}

// account is the row of one login, found the way Matomo's own lookup
// finds it (WHERE login = ?), so the column's collation decides which
// spellings are that account: the login a session runs as must be the
// one Matomo would sign in. Errors that will not pass (no grant, no
// table) say so in one line, with the grant that helps.
func (u *users) account(ctx context.Context, login string) (us source.User, found bool, err error) {
	u.mu.Lock()
	err = u.check(ctx)
	ok, problem, cols := u.checked, u.problem, u.columns()
	u.mu.Unlock()
	switch {
	case problem != "":
		return us, false, &source.SetupError{Msg: problem}
	case !ok:
		return us, false, err
	}
	var email sql.NullString
	var super sql.NullInt64
	err = u.db.QueryRowContext(ctx, "SELECT "+cols+" FROM "+u.table+" WHERE `login` = ? LIMIT 1", login).
		Scan(&us.Login, &email, &super, &us.Invited)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return source.User{}, false, nil
	case denied(err):
		// A grant revoked since the check.
		msg := u.explain(ctx, err)
		u.mu.Lock()
		u.problem = msg
		u.mu.Unlock()
		return source.User{}, false, &source.SetupError{Msg: msg}
	case err != nil:
		return source.User{}, false, err
	}
	us.Email, us.SuperUser = email.String, super.Int64 != 0
	return us, true, nil
}
