#!/usr/bin/env bash
# Seeds production-shaped Activity Log tables of 1M and 10M rows (once;
# they are reused while their row count matches) and prints matomo-audit's
# figures for each. Needs MariaDB on 127.0.0.1:3306 (root, no password) or
# BENCH_DSN_BASE pointing at a server where databases may be created.
#
#   scripts/bench.sh            # 1M and 10M
#   scripts/bench.sh 1000000    # just one size
#   BENCH_ARGS='-summary-only -summary-windows 24h,30d,all' scripts/bench.sh 10000000
#                               # the summary against the raw scan only
set -euo pipefail
cd "$(dirname "$0")/.."
base="${BENCH_DSN_BASE:-root@tcp(127.0.0.1:3306)/}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)

go build -o /tmp/matomo-audit-seed ./tools/seed
go build -o /tmp/matomo-audit-bench ./tools/bench

for n in "${sizes[@]}"; do
  db="bench_$n"
  have=$(mariadb --protocol=tcp -h127.0.0.1 -uroot -N -e "SELECT COALESCE(MAX(id),0) FROM \`$db\`.matomo_activity_log" 2>/dev/null || echo 0)
  if [ "$have" != "$n" ]; then
    echo "== seeding $n rows into $db"
    /tmp/matomo-audit-seed -dsn "${base}${db}" -rows "$n"
  else
    # Matomo's user, site and access tables, for privileges without a
    # trail, also for a log seeded before the seeder made them.
    /tmp/matomo-audit-seed -dsn "${base}${db}" -rows "$n" -privileges-only
  fi
  echo "== $n rows"
  # shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
  /tmp/matomo-audit-bench -dsn "${base}${db}" ${BENCH_ARGS:-}
  echo
done
