package mysqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Stats implements source.Source. It reads the rows the pushed-down
// condition selects in [from, to] and judges them with the Go evaluator, so
// counts are exactly what the timeline and export show. When the filter
// does not look at parameters the widest column is left out.
func (s *Source) Stats(ctx context.Context, f *query.Filter, from, to uint64) (source.Stats, error) {
	var st source.Stats
	flo, fhi := f.IDBounds()
	from, to = max(from, flo), min(to, fhi)
	if from > to {
		return st, nil
	}
	cond, args := f.SQL(query.Schema{HasIPCountry: s.hasIPCountry})
	light := !f.NeedsParams()
	cols := s.columns
	if light {
		cols = s.light
	}
	q := "SELECT " + cols + " FROM " + s.table + " WHERE `id` BETWEEN ? AND ?"
	if cond != "" {
		q += " AND " + cond
	}
	rows, err := s.db.QueryContext(ctx, q, append([]any{from, to}, args...)...)
	if err != nil {
		return st, s.explain(err)
	}
	defer rows.Close()
	err = s.eachRow(rows, light, func(r activity.Row) {
		var e activity.Event
		if light {
			e = activity.Light(r)
		} else {
			e = activity.FromRow(r)
		}
		if f.Match(&e) {
			st.Add(&e)
		}
	})
	return st, err
}

// FindTime implements source.Source with primary-key probes.
func (s *Source) FindTime(ctx context.Context, t time.Time) (uint64, error) {
	lo, hi, err := s.Bounds(ctx)
	if err != nil {
		return 0, err
	}
	probe := func(from uint64) (uint64, time.Time, bool, error) {
		var id uint64
		var ts string
		err := s.db.QueryRowContext(ctx, "SELECT `id`, `ts_created` FROM "+s.table+" WHERE `id` >= ? ORDER BY `id` LIMIT 1", from).Scan(&id, &ts)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, time.Time{}, false, nil
		}
		if err != nil {
			return 0, time.Time{}, false, s.explain(err)
		}
		return id, activity.ParseTime(ts), true, nil
	}
	window := func(from, to uint64) ([]source.IDTime, error) {
		rows, err := s.db.QueryContext(ctx, "SELECT `id`, `ts_created` FROM "+s.table+" WHERE `id` BETWEEN ? AND ? ORDER BY `id`", from, to)
		if err != nil {
			return nil, s.explain(err)
		}
		defer rows.Close()
		var out []source.IDTime
		for rows.Next() {
			var id uint64
			var ts string
			if err := rows.Scan(&id, &ts); err != nil {
				return nil, s.explain(err)
			}
			out = append(out, source.IDTime{ID: id, Time: activity.ParseTime(ts)})
		}
		return out, rows.Err()
	}
	return source.FindTime(lo, hi, t, probe, window)
}

// Users implements source.Source: the accounts of <prefix>user (login,
// email, super-user flag and pending invitation only), nil when the table
// cannot be read.
func (s *Source) Users(ctx context.Context) ([]source.User, error) {
	us, err := s.users.list(ctx)
	if err != nil {
		return nil, s.explain(err)
	}
	return us, nil
}

// Account implements source.Source: one row of <prefix>user, compared
// under the login column's collation.
func (s *Source) Account(ctx context.Context, login string) (source.User, bool, error) {
	us, found, err := s.users.account(ctx, login)
	var setup *source.SetupError
	if err != nil && !errors.As(err, &setup) {
		return source.User{}, false, s.explain(err)
	}
	return us, found, err
}

// UserTableProblem implements source.Source.
func (s *Source) UserTableProblem() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.users.Problem(ctx)
}
