package mysqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// eachRaw runs q and calls fn with every row: the first column, an id,
// and the bytes of the others (nil for NULL), only valid until fn
// returns. It reads straight from the driver on a connection of its own,
// with database/sql only handing the connection over: for the millions
// of rows of a light read, its locking and conversions per row and per
// column cost the client as much again as the driver's own reading. A
// connection found broken before anything was read is replaced, as
// database/sql would, and a query the driver will not take that way
// goes through database/sql.
func (s *Source) eachRaw(ctx context.Context, q string, args []any, fn func(id uint64, cols [][]byte)) error {
	for try := 0; ; try++ {
		read, err := s.rawOnce(ctx, q, args, fn)
		switch {
		case errors.Is(err, errNotRaw):
			return s.eachSQL(ctx, q, args, fn)
		case errors.Is(err, driver.ErrBadConn) && !read && try < 2:
			continue
		case err != nil:
			return s.explain(err)
		}
		return nil
	}
}

// errNotRaw: the driver cannot run the query itself.
var errNotRaw = errors.New("not a raw query")

func (s *Source) rawOnce(ctx context.Context, q string, args []any, fn func(id uint64, cols [][]byte)) (read bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return errNotRaw
		}
		// The arguments as database/sql would pass them on.
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
			var bad error
			if c, ok := dc.(driver.NamedValueChecker); ok {
				bad = c.CheckNamedValue(&named[i])
			} else {
				named[i].Value, bad = driver.DefaultParameterConverter.ConvertValue(a)
			}
			if bad != nil {
				return errNotRaw
			}
		}
		rows, err := qc.QueryContext(ctx, q, named)
		if errors.Is(err, driver.ErrSkip) {
			return errNotRaw
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(rows.Columns()))
		cols := make([][]byte, len(dest)-1)
		var text []byte
		for {
			if err := rows.Next(dest); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			read = true
			var id uint64
			switch v := dest[0].(type) {
			case uint64:
				id = v
			case int64:
				id = uint64(v)
			default:
				text = asBytes(text[:0], v)
				if id, err = strconv.ParseUint(string(text), 10, 64); err != nil {
					return fmt.Errorf("id %q: %w", text, err)
				}
			}
			for i, v := range dest[1:] {
				if b, ok := v.([]byte); ok || v == nil {
					cols[i] = b
				} else {
					cols[i] = asBytes(cols[i][:0], v)
				}
			}
			fn(id, cols)
		}
	})
	return read, err
}

// asBytes is how database/sql would give v as bytes.
func asBytes(dst []byte, v any) []byte {
	switch v := v.(type) {
	case []byte:
		return append(dst, v...)
	case string:
		return append(dst, v...)
	case int64:
		return strconv.AppendInt(dst, v, 10)
	case uint64:
		return strconv.AppendUint(dst, v, 10)
	case float64:
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	return fmt.Append(dst, v)
}

// eachSQL is eachRaw through database/sql.
func (s *Source) eachSQL(ctx context.Context, q string, args []any, fn func(id uint64, cols [][]byte)) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return s.explain(err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return s.explain(err)
	}
	var id uint64
	raw := make([]sql.RawBytes, len(names)-1)
	dest := []any{&id}
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	cols := make([][]byte, len(raw))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return s.explain(err)
		}
		for i := range raw {
			cols[i] = raw[i]
		}
		fn(id, cols)
	}
	return s.explain(rows.Err())
}
