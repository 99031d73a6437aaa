#!/usr/bin/env bash
# End to end: `entrepot demo` fills a new database with the default centre,
# the tour's commands work on it, a second demo is refused and changes
# nothing, and the same seed and day give the same catalogue.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
export ENTREPOT_TODAY=2026-06-15

expect 0 "example" -- demo --help
expect 2 "--commodities '0': the demo makes from 1 to 10000000 commodities" -- demo --commodities 0
expect 2 "--commodities 'x': the demo makes from 1 to 10000000 commodities" -- demo --commodities x
expect 2 "--commodities '-5': the demo makes from 1 to 10000000 commodities" -- demo --commodities -5
expect 2 "--seed '-1' must be a whole number" -- demo --seed -1
expect 2 "--store and --name go together" -- demo --store SH02
expect 2 "unknown option '--frob'" -- demo --frob
expect 2 "--today '2026-13-01' is not a date: there is no month 13 (months are 01 to 12)" -- demo --today 2026-13-01
expect 2 "--today '2026-02-29' is not a date: February 2026 has no day 29 (it has 28 days)" -- demo --today 2026-02-29
[ -e "$ENTREPOT_DB" ] && fail "a refused demo created $ENTREPOT_DB" || ok

# The default centre, timed.
start=$(date +%s.%N)
out=$("$E" demo --seed 3 2>&1)
status=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
[ $status -eq 0 ] && ok || fail "demo: exit $status: $out"
printf 'default demo (8000 commodities) took %s s\n' "$secs"
[[ "$out" == *"store SH01 上海环球进口商品馆 (seed 3, today 2026-06-15"* ]] && ok || fail "demo header: $out"
commodities=$(printf '%s\n' "$out" | awk '$1 == "commodities" {print $2}')
countries=$(printf '%s\n' "$out" | sed -n 's/.* from \([0-9]*\) countries and regions.*/\1/p')
lots=$(printf '%s\n' "$out" | awk '$1 == "lots" {print $2}')
low=$(printf '%s\n' "$out" | awk '$1 == "low" {print $3}')
expired=$(printf '%s\n' "$out" | awk '$1 == "expired" {print $2}')
gtin=$(printf '%s\n' "$out" | sed -n 's/.* product show \([0-9]*\) .*/\1/p')
[ "$commodities" = 8000 ] && ok || fail "commodities: '$commodities'"
[ "${countries:-0}" -ge 80 ] && ok || fail "countries: '$countries'"
[ "${lots:-0}" -ge 14400 ] && [ "${lots:-0}" -le 17600 ] && ok || fail "lots: '$lots'"
[ "${low:-0}" -gt 0 ] && ok || fail "low: '$low'"
[ "${expired:-0}" -gt 0 ] && ok || fail "expired: '$expired'"
[ ${#gtin} -eq 13 ] && ok || fail "sample GTIN: '$gtin'"
for cmd in "stock levels --by origin" "stock levels --low" "stock levels --expiring 30" "product search 橄榄油" \
    "product show $gtin" "stock history $gtin" "scan $gtin" "label print --template shelf-60x40" "check"; do
    [[ "$out" == *"entrepot $cmd"* ]] && ok || fail "the tour lacks 'entrepot $cmd'"
done

# What the tour proposes works, and agrees with the counts.
n=$("$E" --csv product list --limit 0 | tail -n +2 | wc -l)
[ "$n" -eq 8000 ] && ok || fail "product list: $n rows"
n=$("$E" --csv stock levels --by origin | tail -n +2 | cut -d, -f1 | sort -u | wc -l)
[ "$n" -eq "$countries" ] && ok || fail "stock levels --by origin: $n rows, demo said $countries"
n=$("$E" --csv stock levels --low --limit 0 | tail -n +2 | wc -l)
[ "$n" -eq "$low" ] && ok || fail "stock levels --low: $n rows, demo said $low"
n=$("$E" --csv stock levels --expiring 30 --limit 0 | tail -n +2 | wc -l)
[ "$n" -gt "$expired" ] && ok || fail "stock levels --expiring 30: $n rows, expired alone $expired"
expect 0 "橄榄油" -- product search 橄榄油
expect 0 "$gtin" -- product show "$gtin"
expect 0 "receive" -- stock history "$gtin"
expect 0 "BD-01" -- location list
expect 0 "wrote 1 label" -- label print --template shelf-60x40 --format pdf --out "$WORK/shelf.pdf" "$gtin"
expect 0 "back.pdf" -- label print --template back-cn-70x50 --format pdf --out "$WORK/back.pdf" "$gtin"
expect 0 "ok: integrity check passed" -- check
# Goods are sold by their own unit: wine by the bottle (its shelf label says 瓶), cosmetics by the piece.
wine=$(sqlite3 "$ENTREPOT_DB" "SELECT gtin FROM product WHERE name_zh LIKE '%葡萄酒%' LIMIT 1")
[ -n "$wine" ] && "$E" product show "$wine" | grep -q '^sell_unit *瓶 bottle' && ok || fail "a demo wine is not sold by the bottle"
"$E" label print --template shelf-60x40 --format pdf --out "$WORK/wine.pdf" "$wine" >/dev/null &&
    pdftotext "$WORK/wine.pdf" - | grep -q "单位 Unit: 瓶" && ok || fail "a demo wine's shelf label does not say 单位 Unit: 瓶"
n=$(sqlite3 "$ENTREPOT_DB" "SELECT count(*) FROM product WHERE sell_unit IS NULL AND hs_code NOT LIKE '33%'")
[ "$n" -eq 0 ] && ok || fail "$n demo commodities other than cosmetics have no selling unit"
gtins=$("$E" --csv product export | awk -F, 'NR > 1 {print $1}')
# Every GTIN-13 (exported as 14 digits) has the right GS1 check digit.
bad=$(printf '%s\n' "$gtins" | awk '{
    d = substr($0, 2, 13); sum = 0
    for (i = 1; i <= 12; i++) sum += substr(d, i, 1) * (i % 2 ? 1 : 3)
    if (length($0) != 14 || (10 - sum % 10) % 10 != substr(d, 13, 1)) bad++
} END { print bad + 0 }')
[ "$bad" -eq 0 ] && ok || fail "$bad GTINs with a wrong check digit"
dups=$(printf '%s\n' "$gtins" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] && ok || fail "$dups GTINs used twice"

# A second demo on the same database is refused and changes nothing.
refused 2 "the demo fills only a new one (use --db with a new file)" -- demo --seed 4
refused 2 "this database already has commodities" -- demo --seed 3 --commodities 10

# The demo is a hall already open: its shelf labels show the stock on them,
# so the label clerk finds an empty reprint queue, although some shelves hold
# lots of two origins (the demo used to queue 637 "origin .. now on shelf ..").
mixed=$(sqlite3 "$ENTREPOT_DB" "SELECT count(*) FROM (SELECT b.product_id FROM stock_balance b
    JOIN lot l ON l.id = b.lot_id JOIN location loc ON loc.id = b.location_id
    WHERE loc.kind = 'shelf' AND b.qty > 0 GROUP BY b.product_id, b.location_id HAVING count(DISTINCT l.origin) > 1)")
[ "${mixed:-0}" -gt 0 ] && ok || fail "no demo shelf holds two origins of one commodity: '$mixed'"
queued=$("$E" --csv label queue | tail -n +2 | wc -l)
[ "$queued" -eq 0 ] && ok || fail "a fresh demo's reprint queue holds $queued entries"
# Afterwards a lot of a new origin on a shelf queues its label, as in any store.
shelf=$(sqlite3 "$ENTREPOT_DB" "SELECT loc.code FROM stock_balance b JOIN location loc ON loc.id = b.location_id
    JOIN product p ON p.id = b.product_id WHERE p.gtin LIKE '%$gtin' AND loc.kind = 'shelf' AND b.qty > 0 LIMIT 1")
origin=$(sqlite3 "$ENTREPOT_DB" "SELECT cc FROM (SELECT 'IS' AS cc UNION ALL SELECT 'FJ') WHERE cc NOT IN
    (SELECT l.origin FROM lot l JOIN product p ON p.id = l.product_id WHERE p.gtin LIKE '%$gtin') LIMIT 1")
expect 0 "" -- stock receive --product "$gtin" --qty 6 --lot LNEW1 --origin "$origin" --declaration 223320261000123456 --expiry 2028-06-30 \
    --location "$shelf"
got=$("$E" --csv label queue | tail -n +2 | cut -d, -f2)
[ "$got" = "origin $origin now on shelf $shelf" ] && ok || fail "after the demo, a new origin on a shelf: queue '$got'"

# Same seed and day, same catalogue and lots; another seed, another one.
for i in 1 2; do
    "$E" --db "$WORK/same$i.db" demo --seed 11 --commodities 400 > /dev/null || fail "demo same$i"
done
"$E" --db "$WORK/other.db" demo --seed 12 --commodities 400 > /dev/null || fail "demo other"
for i in 1 2; do
    "$E" --db "$WORK/same$i.db" product export > "$WORK/same$i.csv"
    "$E" --db "$WORK/same$i.db" --csv stock levels --by lot --limit 0 > "$WORK/same$i.lots"
done
"$E" --db "$WORK/other.db" product export > "$WORK/other.csv"
cmp -s "$WORK/same1.csv" "$WORK/same2.csv" && ok || fail "same seed, different catalogues"
cmp -s "$WORK/same1.lots" "$WORK/same2.lots" && ok || fail "same seed, different lots"
cmp -s "$WORK/same1.csv" "$WORK/other.csv" && fail "another seed, the same catalogue" || ok
[ "$(wc -l < "$WORK/same1.csv")" -eq 401 ] && ok || fail "400 commodities exported"

# --json for scripts, and a store of one's own.
out=$("$E" --db "$WORK/json.db" --json demo --commodities 50 --store SH07 --name "浦东进口商品中心")
[ "$(printf '%s' "$out" | jq -r '.commodities')" = 50 ] && ok || fail "json commodities: $out"
[ "$(printf '%s' "$out" | jq -r '.store')" = SH07 ] && ok || fail "json store: $out"
[ "$(printf '%s' "$out" | jq -r '.today')" = 2026-06-15 ] && ok || fail "json today: $out"

finish
