package mysqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/source"
)

var _ source.Privileges = (*Source)(nil)

// privilegeColumns are the only columns Privileges reads, per table (by
// the name after the prefix): a column-level grant on exactly these is
// enough, and nothing secret (password, 2FA secret, tokens) is among them.
var privilegeColumns = []struct{ table, columns string }{
	{"user", "login, superuser_access, date_registered"},
	{"access", "login, idsite, access"},
	{"site", "idsite, name"},
}

// Privileges implements source.Privileges with two SELECTs, after a
// LIMIT 0 probe of each table so that every missing grant is named at
// once rather than one per attempt. The tables are small (users, and
// sites times users), and are read whole but for view rows, which are
// most of <prefix>access and no privilege.
func (s *Source) Privileges(ctx context.Context) (source.PrivilegeSet, error) {
	var set source.PrivilegeSet
	if err := s.privilegeGrants(ctx); err != nil {
		return set, err
	}
	user, access, site := s.userTable, quoteIdent(s.prefix+"access"), quoteIdent(s.prefix+"site")
	limit := " LIMIT " + strconv.Itoa(source.MaxPrivileges+1)

	rows, err := s.db.QueryContext(ctx, "SELECT `login`, `date_registered` FROM "+user+
		" WHERE `superuser_access` <> 0 ORDER BY `login`"+limit)
	if err != nil {
		return set, s.privilegeErr(ctx, err)
	}
	for rows.Next() {
		var u source.SuperUser
		var reg sql.NullString
		if err := rows.Scan(&u.Login, &reg); err != nil {
			rows.Close()
			return set, s.explain(err)
		}
		u.Registered = activity.ParseTime(reg.String)
		set.SuperUsers = append(set.SuperUsers, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return set, s.explain(err)
	}

	// The site join drops rows of deleted sites, as Matomo's own access
	// check does; the user join only dates the row, and a row whose
	// login has no account is kept, undated. view is left to the server
	// under the column's collation, and checked again here.
	rows, err = s.db.QueryContext(ctx, "SELECT a.`login`, a.`idsite`, a.`access`, st.`name`, u.`date_registered` FROM "+access+" a"+
		" JOIN "+site+" st ON st.`idsite` = a.`idsite` LEFT JOIN "+user+" u ON u.`login` = a.`login`"+
		" WHERE a.`access` <> 'view' ORDER BY a.`login`, a.`idsite`, a.`access`"+limit)
	if err != nil {
		return set, s.privilegeErr(ctx, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a source.SiteAccess
		var acc, name, reg sql.NullString
		if err := rows.Scan(&a.Login, &a.Site, &acc, &name, &reg); err != nil {
			return set, s.explain(err)
		}
		if !acc.Valid || strings.EqualFold(strings.TrimSpace(acc.String), "view") || strings.TrimSpace(acc.String) == "" {
			continue
		}
		a.Access, a.SiteName, a.Registered = acc.String, name.String, activity.ParseTime(reg.String)
		set.Access = append(set.Access, a)
	}
	if err := rows.Err(); err != nil {
		return set, s.explain(err)
	}
	if len(set.SuperUsers) > source.MaxPrivileges || len(set.Access) > source.MaxPrivileges {
		set.Truncated = true
		set.SuperUsers = set.SuperUsers[:min(len(set.SuperUsers), source.MaxPrivileges)]
		set.Access = set.Access[:min(len(set.Access), source.MaxPrivileges)]
	}
	return set, nil
}

// privilegeGrants probes the columns Privileges reads and returns one
// SetupError for everything missing: the GRANT for each table this
// account may not read, or what is wrong with a table that is not
// Matomo's.
func (s *Source) privilegeGrants(ctx context.Context) error {
	var grants, tables, other []string
	for _, t := range privilegeColumns {
		name := s.prefix + t.table
		cols := "`" + strings.ReplaceAll(t.columns, ", ", "`, `") + "`"
		rows, err := s.db.QueryContext(ctx, "SELECT "+cols+" FROM "+quoteIdent(name)+" LIMIT 0")
		if err == nil {
			rows.Close()
			continue
		}
		var me *mysql.MySQLError
		if !errors.As(err, &me) {
			return s.explain(err)
		}
		switch me.Number {
		case 1142, 1143:
			tables = append(tables, name)
			grants = append(grants, "GRANT SELECT ("+t.columns+") ON "+quoteIdent(s.dbName(ctx))+"."+quoteIdent(name)+" TO "+s.account())
		case 1146:
			other = append(other, "there is no table "+name)
		case 1054:
			other = append(other, name+" lacks one of "+t.columns+": is it Matomo's?")
		default:
			return s.explain(err)
		}
	}
	var parts []string
	if len(grants) > 0 {
		parts = append(parts, "this account may not read the columns needed of "+strings.Join(tables, ", ")+": "+strings.Join(grants, "; "))
	}
	parts = append(parts, other...)
	if len(parts) == 0 {
		return nil
	}
	return &source.SetupError{Msg: strings.Join(parts, "; ")}
}

// privilegeErr explains an error of the privilege queries: a grant
// revoked since the probe is named as the probe would name it.
func (s *Source) privilegeErr(ctx context.Context, err error) error {
	if denied(err) {
		if perr := s.privilegeGrants(ctx); perr != nil {
			return perr
		}
	}
	return s.explain(err)
}

// dbName is the database the tables are in, for a GRANT to copy.
func (s *Source) dbName(ctx context.Context) string {
	if s.cfg.DBName != "" {
		return s.cfg.DBName
	}
	var db sql.NullString
	if s.db.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db) != nil || db.String == "" {
		return "matomo"
	}
	return db.String
}
