// Command seed fills a MariaDB/MySQL database with a production-shaped
// Activity Log for benchmarks: the plugin's exact table (primary key only),
// ~200 users with a skewed distribution, a login-heavy mix of every
// activity type with PHP-serialized parameters, IPv4/IPv6/NULL addresses,
// times rising with id with a little disorder, and one user ("rare.user")
// with exactly 3 events.
//
//	go run ./tools/seed -dsn 'root@tcp(127.0.0.1:3306)/bench_1m' -rows 1000000
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
)

func main() {
	dsn := flag.String("dsn", "root@tcp(127.0.0.1:3306)/matomo_bench", "DSN of the database to fill (created if missing)")
	rows := flag.Int("rows", 1_000_000, "rows to insert")
	prefix := flag.String("prefix", "matomo_", "table prefix")
	users := flag.Int("users", 200, "distinct regular users")
	years := flag.Float64("years", 3, "time span the rows cover, ending now")
	seed := flag.Uint64("seed", 1, "random seed")
	workers := flag.Int("workers", 2, "parallel insert connections")
	privilegesOnly := flag.Bool("privileges-only", false, "only make the user, site and access tables again, for the log already there")
	flag.Parse()
	if err := run(*dsn, *prefix, *rows, *users, *years, *seed, *workers, *privilegesOnly); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

const rareUser = "rare.user"

func run(dsn, prefix string, n, nUsers int, years float64, seed uint64, workers int, privilegesOnly bool) (err error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return err
	}
	dbName := cfg.DBName
	cfg.DBName = ""
	root, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer root.Close()
	if _, err := root.Exec("CREATE DATABASE IF NOT EXISTS `" + dbName + "` CHARACTER SET utf8mb4"); err != nil {
		return err
	}
	cfg.DBName = dbName
	cfg.Params = map[string]string{"sql_mode": "'NO_BACKSLASH_ESCAPES'", "unique_checks": "0"}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(workers + 1)
	table := prefix + "activity_log"
	g := newGenerator(seed, nUsers, n, years)
	if privilegesOnly {
		return seedPrivileges(db, prefix, g)
	}
	for _, q := range []string{
		"DROP TABLE IF EXISTS `" + table + "`",
		"CREATE TABLE `" + table + "` (\n" +
			"  `id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT,\n  `user_login` VARCHAR(100) NOT NULL,\n" +
			"  `type` VARCHAR(255) NOT NULL,\n  `parameters` LONGTEXT NOT NULL,\n" +
			"  `ts_created` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n  `country` CHAR(3) NULL DEFAULT NULL,\n" +
			"  `ip` VARBINARY(16) NULL DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC",
	} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q[:min(40, len(q))], err)
		}
	}
	defer func() {
		if err == nil {
			err = seedPrivileges(db, prefix, g)
		}
	}()
	start := time.Now()
	const batch = 2000
	jobs := make(chan [2]int, workers*2)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	var done int64
	var mu sync.Mutex
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(context.Background())
			if err != nil {
				errc <- err
				return
			}
			defer conn.Close()
			var sb strings.Builder
			for j := range jobs {
				sb.Reset()
				sb.WriteString("INSERT INTO `" + table + "` (id, user_login, type, parameters, ts_created, country, ip) VALUES ")
				for id := j[0]; id < j[1]; id++ {
					if id > j[0] {
						sb.WriteByte(',')
					}
					g.row(&sb, id)
				}
				if _, err := conn.ExecContext(context.Background(), sb.String()); err != nil {
					errc <- err
					return
				}
				mu.Lock()
				done += int64(j[1] - j[0])
				if done%(batch*100) < batch {
					el := time.Since(start)
					fmt.Fprintf(os.Stderr, "\r%d/%d rows, %.0f rows/s   ", done, n, float64(done)/el.Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	for lo := 1; lo <= n; lo += batch {
		select {
		case err := <-errc:
			close(jobs)
			return err
		case jobs <- [2]int{lo, min(lo+batch, n+1)}:
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
	}
	fmt.Fprintf(os.Stderr, "\r%d rows into %s.%s in %s (%.0f rows/s)\n", n, dbName, table, time.Since(start).Round(time.Second), float64(n)/time.Since(start).Seconds())
	return nil
}

// seedPrivileges makes Matomo's user, site and access tables for the log
// in the table, so that the summary's privileges without a trail read
// what a real install gives them: three super users and most accounts
// older than the log, the others registered while it ran (as dated by
// its own first and last event), and 25 sites with view rows for most
// accounts and admin, write or capability rows for some. The earliest
// account with a privilege registered after the log began is near its
// start, so that the section reads the grants of nearly the whole table,
// which is what it costs on an install whose admins came and went.
func seedPrivileges(db *sql.DB, prefix string, g *generator) error {
	table := "`" + prefix + "activity_log`"
	var firstS, lastS sql.NullString
	if err := db.QueryRow("SELECT (SELECT ts_created FROM "+table+" ORDER BY id LIMIT 1), (SELECT ts_created FROM "+table+" ORDER BY id DESC LIMIT 1)").Scan(&firstS, &lastS); err != nil {
		return fmt.Errorf("the log's first and last times: %w", err)
	}
	first, last := activity.ParseTime(firstS.String), activity.ParseTime(lastS.String)
	if first.IsZero() || last.IsZero() {
		return fmt.Errorf("%s is empty", table)
	}
	for _, q := range []string{
		"DROP TABLE IF EXISTS `" + prefix + "user`", dbtest.UserDDL(prefix),
		"DROP TABLE IF EXISTS `" + prefix + "site`", dbtest.SiteDDL(prefix),
		"DROP TABLE IF EXISTS `" + prefix + "access`", dbtest.AccessDDL(prefix),
	} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q[:min(40, len(q))], err)
		}
	}
	const sites = 25
	for i := 1; i <= sites; i++ {
		if _, err := db.Exec("INSERT INTO `"+prefix+"site` (idsite, name, main_url, ts_created) VALUES (?, ?, ?, ?)",
			i, fmt.Sprintf("Site %d", i), fmt.Sprintf("https://site%d.example.org", i), first.Add(-24*time.Hour)); err != nil {
			return err
		}
	}
	span := last.Sub(first)
	access := func(login string, site int, role string) error {
		_, err := db.Exec("INSERT INTO `"+prefix+"access` (login, idsite, access) VALUES (?, ?, ?)", login, site, role)
		return err
	}
	// The user table holds most users; some logins in the log are gone.
	for i, u := range g.users {
		if i%10 == 9 {
			continue
		}
		// The first fifth are older than the log; the rest came while it
		// ran, the earliest a twentieth of the way in.
		reg := first.Add(-time.Duration(30+i) * 24 * time.Hour)
		if n := len(g.users); i >= n/5 {
			reg = first.Add(span / 20).Add(time.Duration(float64(span) * 0.9 * float64(i-n/5) / float64(n-n/5)))
		}
		if _, err := db.Exec("INSERT INTO `"+prefix+"user` (login, password, email, superuser_access, date_registered) VALUES (?, 'x', ?, ?, ?)",
			u, u+"@example.org", b2i(i < 3), reg); err != nil {
			return err
		}
		for k := range 3 {
			if err := access(u, 1+(i+7*k)%sites, "view"); err != nil {
				return err
			}
		}
		var err error
		switch {
		case i%23 == 5:
			err = access(u, 1+i%sites, "admin")
		case i%17 == 4:
			err = access(u, 1+i%sites, "write")
		case i%29 == 3:
			err = access(u, 1+i%sites, "tagmanager_write")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// generator derives every row from its id alone, so workers need no
// coordination and the same seed gives the same table.
type generator struct {
	seed    uint64
	n       int
	users   []string
	zipf    []float64 // cumulative weights of users
	types   []string
	typeCum []float64
	pool    map[string][]string // realistic parameters per type
	start   time.Time
	step    float64 // seconds per id
	rare    map[int]bool
}

func newGenerator(seed uint64, nUsers, n int, years float64) *generator {
	g := &generator{seed: seed, n: n, pool: map[string][]string{}}
	for i := 0; i < nUsers; i++ {
		g.users = append(g.users, fmt.Sprintf("user%03d", i))
	}
	// Zipf-like: the busiest users do most of the work.
	total := 0.0
	for i := range g.users {
		total += 1 / math.Pow(float64(i+1), 1.1)
		g.zipf = append(g.zipf, total)
	}
	for i := range g.zipf {
		g.zipf[i] /= total
	}
	sum := 0.0
	for _, sp := range activity.Specs() {
		w, ok := demo.ProductionWeights[sp.Type]
		if !ok {
			w = demo.OtherWeight
		}
		sum += w
		g.types = append(g.types, sp.Type)
		g.typeCum = append(g.typeCum, sum)
		for k := uint64(0); k < 64; k++ {
			r, _ := demo.Sample(sp.Type, seed*1000+k)
			g.pool[sp.Type] = append(g.pool[sp.Type], r.Params)
		}
	}
	for i := range g.typeCum {
		g.typeCum[i] /= sum
	}
	span := years * 365.25 * 24 * 3600
	g.start = time.Now().UTC().Add(-time.Duration(span * float64(time.Second)))
	g.step = span / float64(n)
	r := rand.New(rand.NewPCG(seed, 99))
	g.rare = map[int]bool{1 + r.IntN(n/10+1): true, n/2 + r.IntN(n/10+1): true, n - r.IntN(n/10+1): true}
	return g
}

var countries = []string{"de", "us", "fr", "gb", "nl", "DE", "US", "pl", "xx", "at"}

func (g *generator) row(sb *strings.Builder, id int) {
	r := rand.New(rand.NewPCG(g.seed, uint64(id)))
	typ := g.types[sort.SearchFloat64s(g.typeCum, r.Float64())]
	login := g.users[min(sort.SearchFloat64s(g.zipf, r.Float64()), len(g.users)-1)]
	switch {
	case g.rare[id]:
		login, typ = rareUser, "ActivityLog/UserSignedIn"
	case typ == "ActivityLog/ScheduledReportSent" || typ == "ActivityLog/ComponentUpdated":
		login = activity.LoginSystem
	case typ == "ActivityLog/ReportsInvalidated":
		login = activity.LoginConsole
	case typ == "ActivityLog/UserSignInFailed" && r.IntN(3) == 0:
		login = []string{"admin", "root", "test", "administrator", "Admin"}[r.IntN(5)]
	}
	params := g.pool[typ][r.IntN(len(g.pool[typ]))]
	// Times rise with ids, with up to a minute of disorder: concurrent PHP
	// processes commit out of order.
	ts := g.start.Add(time.Duration((float64(id)*g.step + (r.Float64()-0.5)*60) * float64(time.Second)))
	sb.WriteString("(")
	sb.WriteString(itoa(id))
	sb.WriteString(",'")
	sb.WriteString(strings.ReplaceAll(login, "'", "''"))
	sb.WriteString("','")
	sb.WriteString(typ)
	sb.WriteString("','")
	sb.WriteString(strings.ReplaceAll(params, "'", "''"))
	sb.WriteString("','")
	sb.WriteString(ts.Format(time.DateTime))
	sb.WriteString("',")
	switch x := r.IntN(10); {
	case x == 0:
		sb.WriteString("NULL,NULL")
	case x <= 2:
		a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(256)), byte(r.IntN(256)), 0, 0, 0, 0, 0, 0, 0, 0, byte(r.IntN(256)), byte(1 + r.IntN(255))})
		fmt.Fprintf(sb, "'%s',X'%x'", countries[r.IntN(len(countries))], a.AsSlice())
	default:
		a := netip.AddrFrom4([4]byte{byte([]int{10, 198, 203, 192}[r.IntN(4)]), byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))})
		fmt.Fprintf(sb, "'%s',X'%x'", countries[r.IntN(len(countries))], a.AsSlice())
	}
	sb.WriteString(")")
}

func itoa(n int) string { return fmt.Sprint(n) }
