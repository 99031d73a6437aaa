#!/usr/bin/env bash
# Issue 21's table: each interactive command's wall time and peak resident
# memory (GNU time) beside `scan GTIN` (the floor: process start and one
# indexed lookup), in the same run; best of RUNS for each. The last line is
# the worst command's ratio to the floor. Not in ctest.
#   tests/bench/bench_levels.sh ENTREPOT_BIN DB [RUNS]
# DB is opened read-write once first (it migrates if it is older); use a copy.
set -euo pipefail
bin=$(realpath "$1")
db=$2
runs=${3:-3}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench_levels: needs GNU time at $TIME" >&2; exit 3; }

e() { "$bin" --db "$db" "$@"; }
e check --help >/dev/null
t0=$(date +%s%N)
e location list >/dev/null # migrates an older database, once
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); first opening $(( ($(date +%s%N) - t0) / 1000000 )) ms"
gtin=$(sqlite3 "$db" "SELECT p.gtin FROM stock_sum_product s JOIN product p ON p.id = s.product_id
                      WHERE s.qty > 0 AND p.gtin IS NOT NULL ORDER BY s.product_id DESC LIMIT 1")
word=$(sqlite3 "$db" "SELECT substr(name_zh, 1, 2) FROM product WHERE name_zh IS NOT NULL ORDER BY id DESC LIMIT 1")

# best wall (s) and its peak RSS (KB) of RUNS runs of one command
measure() {
    local best="" rss=""
    for ((i = 0; i < runs; i++)); do
        local out
        out=$({ "$TIME" -f "%e %M" "$bin" --db "$db" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
        local w=${out% *} m=${out#* }
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$w rss=$m; fi
    done
    echo "$best $rss"
}

read -r floor floor_rss < <(measure scan "$gtin")
printf "%-40s %8s %10s\n" "command" "wall s" "peak MB"
printf "%-40s %8s %10.1f   (floor)\n" "scan GTIN" "$floor" "$(echo "$floor_rss / 1024" | bc -l)"
worst=0 worst_cmd=""
while IFS='|' read -r label args; do
    # shellcheck disable=SC2086
    read -r w m < <(measure $args)
    printf "%-40s %8s %10.1f\n" "$label" "$w" "$(echo "$m / 1024" | bc -l)"
    r=$(awk -v a="$w" -v b="$floor" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    if awk -v a="$r" -v b="$worst" 'BEGIN { exit !(a > b) }'; then worst=$r worst_cmd=$label; fi
done <<EOF
product show GTIN|product show $gtin
location list|location list
stock levels --by origin|stock levels --by origin
stock levels (by product, first 100)|stock levels
stock levels --by location|stock levels --by location
stock levels --by lot (first 100)|stock levels --by lot
stock levels --low --limit 20|stock levels --low --limit 20
stock levels --expiring 30 (first 100)|stock levels --expiring 30
stock history GTIN|stock history $gtin --limit 50
product search WORD|product search $word --limit 20
product list --limit 5|product list --limit 5
EOF
echo "worst: $worst_cmd at ${worst}x the floor (${floor} s); target within 5x"
