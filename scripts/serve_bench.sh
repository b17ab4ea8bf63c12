#!/usr/bin/env bash
# Measures `matomo-audit serve` with many sessions following at once, on a
# seeded table (bench_1000000 by default; scripts/bench.sh seeds it): the
# database's SELECTs per second with one and with 50 sessions, commit to
# screen, server RSS per session and key-to-frame latency while the others
# follow. Needs MariaDB on 127.0.0.1:3306 (root, no password); run it alone
# (the SELECT rate is the server's, whoever sends them).
#
#   scripts/serve_bench.sh [rows] [sessions]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
sessions="${2:-50}"
go build -o /tmp/matomo-audit .
go build -o /tmp/matomo-audit-servebench ./tools/servebench
/tmp/matomo-audit-servebench -bin /tmp/matomo-audit -dsn "root@tcp(127.0.0.1:3306)/bench_${rows}" -sessions "$sessions"
