#!/usr/bin/env bash
# Catalogue CSV import against the sqlite3 shell's .import of the same file
# into a bare table, side by side in one run.
#   tests/bench/bench_import.sh ENTREPOT_BIN CATALOGUE.csv
# Make the CSV with: entrepot --db big.db product export > catalogue.csv
set -euo pipefail
bin=$1
csv=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rows=$(($(wc -l < "$csv") - 1))

"$bin" --db "$dir/e.db" init --store B1 --name bench >/dev/null
t0=$(date +%s%N)
"$bin" --db "$dir/e.db" product import "$csv" >/dev/null
t1=$(date +%s%N)

header=$(head -1 "$csv" | tr -d '\r')
sqlite3 "$dir/bare.db" "PRAGMA journal_mode=WAL; CREATE TABLE t($header);" >/dev/null
t2=$(date +%s%N)
sqlite3 "$dir/bare.db" ".import --csv --skip 1 $csv t"
t3=$(date +%s%N)

e=$(( (t1 - t0) / 1000000 ))
s=$(( (t3 - t2) / 1000000 ))
echo "rows: $rows"
echo "entrepot product import: ${e} ms ($(( rows * 1000 / (e > 0 ? e : 1) )) rows/s)"
echo "sqlite3 .import, bare table: ${s} ms ($(( rows * 1000 / (s > 0 ? s : 1) )) rows/s)"
echo "entrepot speed / sqlite3 speed: $(awk -v e="$e" -v s="$s" 'BEGIN { printf "%.2f", s / e }') (target >= 0.50)"
