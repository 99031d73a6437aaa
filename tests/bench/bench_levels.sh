#!/usr/bin/env bash
# Issue 21's table: each interactive command's wall time and peak resident
# memory (GNU time) beside `scan GTIN` (the floor: process start and one
# indexed lookup), in the same run; best of RUNS for each. Each line says
# whether the command holds issue 21's target (within 5x of the floor and
# under 100 MB resident); the last line, whether all hold, and the worst.
# Not in ctest.
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
origin=$(sqlite3 "$db" "SELECT origin FROM stock_sum_origin WHERE lots > 0 ORDER BY qty DESC LIMIT 1")
rare=$(sqlite3 "$db" "SELECT origin FROM stock_sum_origin WHERE lots > 0 ORDER BY qty, origin LIMIT 1")
bigloc=$(sqlite3 "$db" "SELECT l.code FROM stock_sum_location s JOIN location l ON l.id = s.location_id
                        ORDER BY s.lots DESC LIMIT 1")
word=$(sqlite3 "$db" "SELECT substr(name_zh, 1, 2) FROM product WHERE name_zh IS NOT NULL ORDER BY id DESC LIMIT 1")
# the keys of the first pages' last rows, for the second pages
key_product=$(e --json stock levels --limit 100 | jq -r '.[-1].key')
key_lot=$(e --json stock levels --by lot --limit 100 | jq -r '.[-1].key')
key_location=$(e --json stock levels --by location --limit 100 | jq -r '.[-1].key')
# a page three quarters down the lot view (page N must cost what page 1 does),
# and the origin with the fewest commodities on sale (product list --origin)
key_lot_deep=$(sqlite3 "$db" "SELECT product_id || ':' || COALESCE(expiry, '-') || ':' || code FROM stock_sum_lot
    WHERE qty > 0 ORDER BY expiry IS NULL, expiry, product_id, code
    LIMIT 1 OFFSET (SELECT COUNT(*) * 3 / 4 FROM stock_sum_lot WHERE qty > 0 AND expiry IS NOT NULL)")
rare_cat=$(sqlite3 "$db" "SELECT origin FROM product WHERE retired_at IS NULL AND origin IS NOT NULL
    GROUP BY origin ORDER BY COUNT(*), origin LIMIT 1")

# best wall (ms, taken around GNU time, which adds the same to every
# command) and that run's peak RSS (KB) of RUNS runs of one command
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
measure() {
    local best="" rss=""
    for ((i = 0; i < runs; i++)); do
        local t0 t1 w
        t0=$(date +%s%N)
        "$TIME" -f "%M %U %S" -o "$tmp" "$bin" --db "$db" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
        t1=$(date +%s%N)
        w=$(( (t1 - t0) / 1000 ))
        if [ -z "$best" ] || [ "$w" -lt "$best" ]; then best=$w rss=$(tail -1 "$tmp"); fi
    done
    echo "$best $rss"  # wall µs, then peak KB, user s, system s
}
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

read -r floor floor_rss fu fs < <(measure scan "$gtin")
cpu() { awk -v u="$1" -v s="$2" 'BEGIN { printf "%.0f", (u + s) * 1000 }'; }
printf "%-48s %9s %7s %8s %6s  %s\n" "command" "wall ms" "cpu ms" "peak MB" "ratio" "holds"
printf "%-48s %9s %7s %8s %6s\n" "scan GTIN (the floor)" "$(ms "$floor")" "$(cpu "$fu" "$fs")" "$(mb "$floor_rss")" "1.0"
worst=0 worst_cmd="" missed=0 n=0
while IFS='|' read -r label args; do
    # shellcheck disable=SC2086
    read -r w m u s < <(measure $args)
    r=$(awk -v a="$w" -v b="$floor" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    holds=yes
    awk -v r="$r" -v m="$m" 'BEGIN { exit !(r <= 5 && m < 100 * 1024) }' || { holds=NO; missed=$((missed + 1)); }
    n=$((n + 1))
    printf "%-48s %9s %7s %8s %6s  %s\n" "$label" "$(ms "$w")" "$(cpu "$u" "$s")" "$(mb "$m")" "$r" "$holds"
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
stock levels --by location --origin $origin|stock levels --by location --origin $origin
stock levels --by location --origin $rare (rarest)|stock levels --by location --origin $rare
stock levels --by product --origin $rare|stock levels --by product --origin $rare
stock levels --by lot --origin $rare|stock levels --by lot --origin $rare
stock levels --location $bigloc (fullest, by product)|stock levels --location $bigloc
stock levels --by lot --location $bigloc|stock levels --by lot --location $bigloc
stock levels --after KEY (2nd page)|stock levels --after $key_product
stock levels --by location --after KEY|stock levels --by location --after $key_location
stock levels --by lot --after KEY|stock levels --by lot --after $key_lot
stock levels --by lot --after KEY (3/4 down)|stock levels --by lot --after $key_lot_deep
stock history GTIN|stock history $gtin --limit 50
product search WORD|product search $word --limit 20
product list --limit 5|product list --limit 5
product list --origin $rare_cat --limit 100 (rarest)|product list --origin $rare_cat --limit 100
EOF
if [ "$missed" -eq 0 ]; then verdict="all $n hold"; else verdict="$missed of $n MISS"; fi
echo "target (within 5x of the floor, under 100 MB): $verdict; worst $worst_cmd at ${worst}x the floor ($(ms "$floor") ms), load $(cut -d' ' -f1 /proc/loadavg)"
