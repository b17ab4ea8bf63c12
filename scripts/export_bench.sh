#!/usr/bin/env bash
# Times `matomo-audit export --format ndjson` of a whole Activity Log table
# against what MariaDB itself needs to hand the same rows out: a raw dump
# with the mariadb client, and a JSON dump built by the server. All three
# run in one go, interleaved, 3 times each; medians are reported, with the
# export's peak RSS, as a markdown table for the README.
#
#   scripts/export_bench.sh                   # bench_1000000 (seeded by tools/seed if missing)
#   scripts/export_bench.sh bench_10000000    # another seeded table
#   scripts/export_bench.sh mydb 250000       # seed mydb with 250000 rows if it has none
#
# Needs MariaDB on 127.0.0.1:3306 (root, no password; or BENCH_DSN_BASE and
# BENCH_MARIADB for another server), the mariadb client and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-bench_1000000}"
want="${2:-}"
if [ -z "$want" ]; then
  want="${db##*_}"
  [[ "$want" =~ ^[0-9]+$ ]] || want=1000000
fi
base="${BENCH_DSN_BASE:-root@tcp(127.0.0.1:3306)/}"
read -r -a client <<< "${BENCH_MARIADB:-mariadb --protocol=tcp -h127.0.0.1 -P3306 -uroot}"
table="\`$db\`.matomo_activity_log"
runs=3
bin=/tmp/matomo-audit-export-bench
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }

have=$("${client[@]}" -N -e "SELECT COUNT(*) FROM $table" 2>/dev/null || echo 0)
if [ "$have" = 0 ]; then
  echo "== seeding $want rows into $db" >&2
  go build -o /tmp/matomo-audit-seed ./tools/seed
  /tmp/matomo-audit-seed -dsn "${base}${db}" -rows "$want"
  have=$("${client[@]}" -N -e "SELECT COUNT(*) FROM $table")
fi
go build -o "$bin" .

# Every column, as the export has them: the address as text.
json_sql="SELECT JSON_OBJECT('id', id, 'user_login', user_login, 'type', type, 'parameters', parameters,
  'ts_created', ts_created, 'country', country, 'ip', INET6_NTOA(ip)) FROM $table"

export_cmd() { "$bin" export --dsn "${base}${db}" --format ndjson; }
raw_cmd() { "${client[@]}" -B -e "SELECT * FROM $table"; }
json_cmd() { "${client[@]}" -B -N -e "$json_sql"; }

# run NAME: one timed run to /dev/null, appending "seconds KB" to $tmp/NAME.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -o "$tmp/time" -f %M bash -c "$(declare -f "$1_cmd"); $(declare -p bin base db client table json_sql); $1_cmd" > /dev/null
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 )) $(cat "$tmp/time")" >> "$tmp/$1"
}
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }

echo "== warming up (the buffer pool, the page cache, the binary)" >&2
raw_cmd > /dev/null
export_cmd > /dev/null
for i in $(seq "$runs"); do
  for m in export raw json; do
    echo "== run $i/$runs: $m" >&2
    run "$m"
  done
done

ms() { cut -d' ' -f1 < "$tmp/$1" | median; }
e=$(ms export); r=$(ms raw); j=$(ms json)
rss=$(cut -d' ' -f2 < "$tmp/export" | sort -n | tail -1)
rate() { awk -v n="$have" -v ms="$1" 'BEGIN { printf "%\047d", n / (ms / 1000) }'; }
sec() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
verdict() { awk -v a="$1" -v b="$2" -v op="$3" -v t="$4" 'BEGIN { ok = op == "<=" ? a / b <= t : a / b >= t; printf "%s", ok ? "met" : "MISSED" }'; }
all() { tr '\n' ' ' < "$tmp/$1" | awk '{ for (i = 1; i <= NF; i += 2) printf "%s%.2f", (i > 1 ? " / " : ""), $i / 1000 }'; }

pool=$("${client[@]}" -N -e "SELECT ROUND(@@innodb_buffer_pool_size / 1048576)")
size=$("${client[@]}" -N -e "SELECT ROUND(data_length / 1048576) FROM information_schema.tables WHERE table_schema = '$db' AND table_name = 'matomo_activity_log'")
version=$("${client[@]}" -N -e "SELECT VERSION()")
printf '\n%s rows of `%s` (%s MB; buffer pool %s MB), MariaDB %s on the same host, %s CPUs; median of %s runs (each run, seconds: export %s; raw %s; JSON %s)\n\n' \
  "$(printf "%'d" "$have")" "$db" "$size" "$pool" "$version" "$(nproc)" "$runs" "$(all export)" "$(all raw)" "$(all json)"
echo "| measure | median | rows/s | target |"
echo "|---|---|---|---|"
echo "| \`matomo-audit export --format ndjson > /dev/null\` | $(sec "$e") | $(rate "$e") | |"
echo "| raw dump: \`mariadb -B -e 'SELECT * FROM ...' > /dev/null\` | $(sec "$r") | $(rate "$r") | |"
echo "| server-side JSON: \`mariadb -B -N -e 'SELECT JSON_OBJECT(...) FROM ...' > /dev/null\` | $(sec "$j") | $(rate "$j") | |"
echo "| **export / raw dump** | **$(ratio "$e" "$r")** | | <= 1.25x ($(verdict "$e" "$r" "<=" 1.25)) |"
echo "| **server-side JSON / export** | **$(ratio "$j" "$e")** | | >= 2x ($(verdict "$j" "$e" ">=" 2)) |"
echo "| export's peak RSS | $(awk -v kb="$rss" 'BEGIN { printf "%.1f MB", kb / 1024 }') | | <= 64 MB ($(awk -v kb="$rss" 'BEGIN { printf "%s", kb <= 65536 ? "met" : "MISSED" }')) |"
