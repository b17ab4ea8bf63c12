package mysqldb

import (
	"context"
	"slices"
	"strconv"

	"matomo-audit/data/activity"
)

// After implements source.Source: the newest rows, by primary key.
func (s *Source) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+s.columns+" FROM "+s.table+" WHERE `id` > ? ORDER BY `id` LIMIT "+strconv.Itoa(max(limit, 1)), after)
	if err != nil {
		return nil, s.explain(err)
	}
	defer rows.Close()
	var out []activity.Event
	err = s.eachRow(rows, false, func(r activity.Row) { out = append(out, activity.FromRow(r)) })
	if err != nil {
		return nil, err
	}
	s.users.resolve(ctx, out)
	return out, nil
}

// IDs implements source.Source.
func (s *Source) IDs(ctx context.Context, lo, hi uint64) ([]uint64, error) {
	return s.ids(ctx, "SELECT `id` FROM "+s.table+" WHERE `id` BETWEEN ? AND ? ORDER BY `id`", []any{lo, hi})
}

// ByIDs implements source.Source.
func (s *Source) ByIDs(ctx context.Context, ids []uint64) ([]activity.Event, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	out, err := s.byIDs(ctx, slices.Compact(ids), nil)
	if err != nil {
		return nil, err
	}
	s.users.resolve(ctx, out)
	return out, nil
}
