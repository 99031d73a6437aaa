#!/usr/bin/env bash
# Catalogue CSV import against the sqlite3 shell's .import of the same file
# into a bare table, side by side in one run.
#   tests/bench/bench_import.sh ENTREPOT_BIN CATALOGUE.csv
# Make the CSV with: entrepot --db big.db product export > catalogue.csv
# Prints wall time and CPU time (user + system) of each; on a shared machine
# the CPU ratio is the steadier of the two. The ratio comes last.
set -euo pipefail
bin=$1
csv=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rows=$(($(wc -l < "$csv") - 1))
TIMEFORMAT='%R %U %S'

"$bin" --db "$dir/e.db" init --store B1 --name bench >/dev/null
et=$( { time "$bin" --db "$dir/e.db" product import "$csv" >/dev/null; } 2>&1 )

header=$(head -1 "$csv" | tr -d '\r')
sqlite3 "$dir/bare.db" "PRAGMA journal_mode=WAL; CREATE TABLE t($header);" >/dev/null
st=$( { time sqlite3 "$dir/bare.db" ".import --csv --skip 1 $csv t"; } 2>&1 )

ms() { awk -v a="$1" -v b="${2:-0}" 'BEGIN { printf "%d", (a + b) * 1000 }'; }
read -r ew eu es <<<"$et"
read -r sw su ss <<<"$st"
e=$(ms "$ew"); ec=$(ms "$eu" "$es")
s=$(ms "$sw"); sc=$(ms "$su" "$ss")
echo "rows: $rows; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "entrepot product import: ${e} ms wall ($(( rows * 1000 / (e > 0 ? e : 1) )) rows/s), ${ec} ms CPU"
echo "sqlite3 .import, bare table: ${s} ms wall ($(( rows * 1000 / (s > 0 ? s : 1) )) rows/s), ${sc} ms CPU"
echo "entrepot speed / sqlite3 speed: wall $(awk -v e="$e" -v s="$s" 'BEGIN { printf "%.2f", s / e }')," \
     "CPU $(awk -v e="$ec" -v s="$sc" 'BEGIN { printf "%.2f", s / (e > 0 ? e : 1) }') (target >= 0.50)"
