package mysqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
)

// users marks logins against <prefix>user. Only login, email and
// superuser_access are ever selected (never password or 2FA secret), so a
// column-level grant on exactly those is enough. Without any grant the
// marks are simply left out.
type users struct {
	db    *sql.DB
	table string

	mu       sync.Mutex
	disabled bool
	cache    map[string]activity.UserInfo
}

// cacheCap bounds the cache: failed sign-ins bring attacker-chosen logins,
// and a long export must not accumulate all of them.
const cacheCap = 20_000

func newUsers(db *sql.DB, table string) *users {
	return &users{db: db, table: table, cache: map[string]activity.UserInfo{}}
}

func (u *users) readable() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return !u.disabled
}

// resolve fills User for events whose login is not a pseudo-user, with one
// query for the logins not seen before.
func (u *users) resolve(ctx context.Context, events []activity.Event) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.disabled {
		return
	}
	var missing []string
	seen := map[string]bool{}
	for i := range events {
		e := &events[i]
		if e.User.Kind.Pseudo() {
			continue
		}
		if info, ok := u.cache[e.Login]; ok {
			e.User = info
			continue
		}
		if !seen[e.Login] {
			seen[e.Login] = true
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
		var me *mysql.MySQLError
		if errors.As(err, &me) && (me.Number == 1142 || me.Number == 1143 || me.Number == 1146 || me.Number == 1054) {
			u.disabled = true
		}
		return
	}
	for _, l := range missing {
		info, ok := found[l]
		if !ok {
			info = activity.UserInfo{Kind: activity.UserGone}
		}
		u.cache[l] = info
	}
	for i := range events {
		e := &events[i]
		if e.User.Kind == activity.UserUnchecked {
			if info, ok := u.cache[e.Login]; ok {
				e.User = info
			}
		}
	}
}

func (u *users) lookup(ctx context.Context, logins []string) (map[string]activity.UserInfo, error) {
	found := map[string]activity.UserInfo{}
	const per = 500
	for len(logins) > 0 {
		part := logins[:min(per, len(logins))]
		logins = logins[len(part):]
		args := make([]any, len(part))
		for i, l := range part {
			args[i] = l
		}
		q := "SELECT `login`, `email`, `superuser_access` FROM " + u.table +
			" WHERE `login` IN (" + strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + ")"
		rows, err := u.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var login, email string
			var super sql.NullInt64
			if err := rows.Scan(&login, &email, &super); err != nil {
				rows.Close()
				return nil, err
			}
			// The collation may match another case; only the exact login
			// is this user.
			found[login] = activity.UserInfo{Kind: activity.UserCurrent, Email: email, SuperUser: super.Int64 != 0}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}
