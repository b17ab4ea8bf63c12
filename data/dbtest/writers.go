package dbtest

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"sync"
	"time"
)

// WriteLog is what concurrent writers did with every id they were given.
type WriteLog struct {
	mu sync.Mutex
	// Committed ids: COMMIT returned success.
	Committed map[uint64]bool
	// RolledBack ids: ROLLBACK returned success; they must never be seen.
	RolledBack map[uint64]bool
	// Uncertain ids: the connection broke around COMMIT (a restart): the
	// row may or may not exist.
	Uncertain map[uint64]bool
}

// Counts returns how many ids are committed, rolled back and uncertain.
func (w *WriteLog) Counts() (committed, rolledBack, uncertain int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.Committed), len(w.RolledBack), len(w.Uncertain)
}

// Writers inserts activity rows from n connections at once, the way
// Matomo's PHP processes do under load: each insert runs in a transaction
// held open for a random time up to maxHold, so ids commit out of order,
// and one in rollbackEvery is rolled back. Failed attempts (a database
// restart) are retried until total inserts are committed or ctx ends.
// The returned function waits for the writers and gives their log.
func Writers(ctx context.Context, dsn, table string, n, total int, maxHold time.Duration, rollbackEvery int) func() *WriteLog {
	log := &WriteLog{Committed: map[uint64]bool{}, RolledBack: map[uint64]bool{}, Uncertain: map[uint64]bool{}}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(n + 2)
	var wg sync.WaitGroup
	var issued sync.Mutex
	left := total
	take := func() bool {
		issued.Lock()
		defer issued.Unlock()
		if left <= 0 {
			return false
		}
		left--
		return true
	}
	giveBack := func() {
		issued.Lock()
		left++
		issued.Unlock()
	}
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 77))
			for ctx.Err() == nil && take() {
				id, outcome := writeOne(ctx, db, table, w, r, maxHold, rollbackEvery)
				log.mu.Lock()
				switch outcome {
				case committed:
					log.Committed[id] = true
				case rolledBack:
					log.RolledBack[id] = true
				case uncertain:
					log.Uncertain[id] = true
				}
				log.mu.Unlock()
				if outcome != committed {
					giveBack()
				}
				if outcome == failed || outcome == uncertain {
					time.Sleep(50 * time.Millisecond) // the server may be restarting
				}
			}
		}(w)
	}
	return func() *WriteLog {
		wg.Wait()
		db.Close()
		return log
	}
}

type outcome uint8

const (
	failed outcome = iota // nothing was inserted (no id)
	committed
	rolledBack
	uncertain
)

func writeOne(ctx context.Context, db *sql.DB, table string, w int, r *rand.Rand, maxHold time.Duration, rollbackEvery int) (uint64, outcome) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, failed
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO `"+table+"` (user_login, type, parameters, ts_created) VALUES (?, 'ActivityLog/UserSignedIn', 'a:0:{}', UTC_TIMESTAMP())",
		"writer"+string(rune('a'+w)))
	if err != nil {
		tx.Rollback()
		return 0, failed
	}
	last, err := res.LastInsertId()
	if err != nil {
		tx.Rollback()
		return 0, failed
	}
	id := uint64(last)
	if maxHold > 0 {
		time.Sleep(time.Duration(r.Int64N(int64(maxHold))))
	}
	if rollbackEvery > 0 && r.IntN(rollbackEvery) == 0 {
		if tx.Rollback() == nil {
			return id, rolledBack
		}
		return id, uncertain
	}
	if err := tx.Commit(); err != nil {
		// The server may have committed before the connection broke.
		return id, uncertain
	}
	return id, committed
}
