package dbtest

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
)

// Row is one activity_log row as Matomo writes it.
type Row struct {
	ID     uint64 // 0 lets AUTO_INCREMENT choose
	Login  string
	Type   string
	Params string // PHP-serialized parameters, stored as they are
	// TS is the "YYYY-MM-DD HH:MM:SS" UTC literal Matomo writes. Like Matomo, InsertRows
	// sends it in the session's default time zone, so it reads back unchanged there.
	TS      string
	Country *string // nil = NULL
	IP      []byte  // nil = NULL; 4 or 16 bytes as Matomo stores them
}

const (
	batchRows  = 500
	batchBytes = 4 << 20 // well under the smallest default max_allowed_packet (16 MiB)
)

// FromActivity is decoded-layer rows as InsertRows takes them: the same
// values, the country as NULL where the row has none.
func FromActivity(rows []activity.Row) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{ID: r.ID, Login: r.Login, Type: r.Type, Params: r.Params, TS: r.Created, IP: r.IP}
		if r.HasCountry {
			c := r.Country
			out[i].Country = &c
		}
	}
	return out
}

// InsertRows bulk-inserts rows into table (optionally "db.table") in one transaction, in
// multi-row INSERTs. Strings travel as hex literals, like in the fixture file, so any bytes
// arrive exactly. A table without country and ip (before plugin 3.1) is supported as long
// as the rows leave both nil.
func InsertRows(t testing.TB, db *sql.DB, table string, rows []Row) {
	t.Helper()
	if err := insertRows(db, table, rows); err != nil {
		t.Fatalf("dbtest: inserting %d rows into %s: %v", len(rows), table, err)
	}
}

func insertRows(db *sql.DB, table string, rows []Row) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*adminTimeout)
	defer cancel()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()

	geo, err := hasGeoColumns(ctx, tx, table)
	if err != nil {
		return err
	}
	head := "INSERT INTO " + quoteIdent(table) + " (`id`, `user_login`, `type`, `parameters`, `ts_created`"
	if geo {
		head += ", `country`, `ip`"
	}
	head += ") VALUES "

	var b strings.Builder
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, b.String())
		b.Reset()
		n = 0
		return err
	}
	for i, r := range rows {
		if _, err := time.Parse(time.DateTime, r.TS); err != nil {
			return fmt.Errorf("row %d (id %d): TS %q is not a YYYY-MM-DD HH:MM:SS literal", i, r.ID, r.TS)
		}
		if !geo && (r.Country != nil || r.IP != nil) {
			return fmt.Errorf("row %d (id %d): %s has no country and ip columns, but the row sets them", i, r.ID, table)
		}
		if n == 0 {
			b.WriteString(head)
		} else {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		if r.ID == 0 {
			b.WriteString("NULL")
		} else {
			b.WriteString(strconv.FormatUint(r.ID, 10))
		}
		b.WriteByte(',')
		writeHex(&b, []byte(r.Login))
		b.WriteByte(',')
		writeHex(&b, []byte(r.Type))
		b.WriteByte(',')
		writeHex(&b, []byte(r.Params))
		// Parsing above proved the literal holds only digits, '-', ':', '.' and a space.
		b.WriteString(",'" + r.TS + "'")
		if geo {
			b.WriteByte(',')
			if r.Country == nil {
				b.WriteString("NULL")
			} else {
				writeHex(&b, []byte(*r.Country))
			}
			b.WriteByte(',')
			if r.IP == nil {
				b.WriteString("NULL")
			} else {
				writeHex(&b, r.IP)
			}
		}
		b.WriteByte(')')
		n++
		if n >= batchRows || b.Len() >= batchBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return tx.Commit()
}

func writeHex(b *strings.Builder, v []byte) {
	b.WriteString("X'")
	b.WriteString(hex.EncodeToString(v))
	b.WriteByte('\'')
}

func hasGeoColumns(ctx context.Context, tx *sql.Tx, table string) (bool, error) {
	rows, err := tx.QueryContext(ctx, "SHOW COLUMNS FROM "+quoteIdent(table))
	if err != nil {
		return false, err
	}
	defer func() { _ = rows.Close() }()
	cols, err := rows.Columns()
	if err != nil {
		return false, err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	found := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return false, err
		}
		if f := strings.ToLower(string(vals[0])); f == "country" || f == "ip" {
			found++
		}
	}
	return found == 2, rows.Err()
}
