#!/usr/bin/env bash
# End to end: set-up, catalogue, locations, receiving, moves, counts, reports,
# check and backup through the entrepot program; every bad input refused with
# its message and exit status, the database left exactly as it was.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT

# --help everywhere, with an example.
for c in init product location stock check backup; do
    expect 0 "example" -- $c --help
done
expect 0 "usage: entrepot" -- --help
expect 2 "unknown command 'frobnicate'" -- frobnicate
expect 2 "no such database" -- stock levels

expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
refused 2 "this database already belongs to a store" -- init --store SH02 --name again
refused 2 "currency 'XYZ' is not an ISO 4217 code" -- --db "$WORK/other.db" init --store X --name y --currency XYZ

expect 0 "added location A-01-03" -- location add A-01-03 --kind shelf --name "Aisle A"
expect 0 "added location B-01" -- location add B-01 --kind backroom
expect 0 "added location Q-1" -- location add Q-1 --kind quarantine
refused 2 "location A-01-03 already exists" -- location add A-01-03
refused 2 "location kind 'attic'" -- location add X-1 --kind attic

# Catalogue.
expect 0 "added" -- product add --gtin 3017620422003 --name-zh 榛子可可酱 --name-en "Hazelnut spread" \
    --origin IT --net-content "400 g" --price 39.90 --tax-rate 13 --reorder-point 24
refused 2 "GTIN 4006381333932: check digit should be 1" -- product add --gtin 4006381333932 --name-en Pen
refused 2 "origin 'XX' is not an ISO 3166-1 country code" -- product add --gtin 4006381333931 --name-en Pen --origin XX
refused 2 "name_zh is not valid UTF-8 text" -- product add --gtin 4006381333931 --name-zh $'\xff\xfe'
refused 2 "name_en is too long: 201 bytes, at most 200" -- product add --gtin 4006381333931 --name-en "$(printf 'x%.0s' $(seq 201))"
refused 2 "is already used by another commodity" -- product add --gtin 03017620422003 --name-en Dup
refused 2 "unknown option '--colour'" -- product add --gtin 4006381333931 --colour red
expect 0 "changed" -- product edit 3017620422003 --brand Nutella
expect 0 "榛子可可酱" -- product search 可可
expect 0 "Hazelnut" -- product search hazel
expect 0 "意大利" -- product show 3017620422003

# CSV import: all or nothing, with the row number.
cat > "$WORK/good.csv" <<'CSV'
gtin,sku,name_zh,name_en,origin,net_content,price,tax_rate,reorder_point
4006381333931,PEN-1,钢笔,"Pen, blue",DE,12 pcs,8.50,13,5
5000112548167,,可口可乐,Coca-Cola,GB,330 ml,3.50,9,
CSV
cat > "$WORK/bad.csv" <<'CSV'
gtin,name_zh,origin
4901234567894,抹茶,JP
8712345678906,奶酪,NL
8012345678907,橄榄油,ZZ
CSV
refused 2 "row 4: origin 'ZZ' is not an ISO 3166-1 country code" -- product import "$WORK/bad.csv"
printf 'gtin,name_zh\n4901234567894,"never closed\n' > "$WORK/bad2.csv"
refused 2 "a quoted field is never closed" -- product import "$WORK/bad2.csv"
printf 'gtin,name_zh\n4901234567894,\xff\n' > "$WORK/bad3.csv"
refused 2 "not valid UTF-8" -- product import "$WORK/bad3.csv"
refused 2 "No such file" -- product import "$WORK/missing.csv"
expect 0 "imported 2 commodities" -- product import "$WORK/good.csv"
"$E" product export > "$WORK/out.csv"
grep -q '^04006381333931,PEN-1,钢笔,"Pen, blue",,DE,,pcs,12 pcs,8.50,CNY,13.00,,5,,' "$WORK/out.csv" && ok || fail "export row"
refused 2 "row 2: GTIN 04006381333931 is already in the catalogue" -- product import "$WORK/good.csv"
expect 0 "imported 3 commodities" -- product import --update "$WORK/out.csv"

# Receiving and its refusals.
R=(stock receive --product 3017620422003 --qty 48 --lot L2406A --origin IT --declaration 223320241000123456
   --import-date 2026-06-01 --expiry 2027-06-30 --location B-01 --supplier "Ferrero Trading" --cost 21.30)
expect 0 "received" -- "${R[@]}"
refused 2 "lot L2406A already exists with origin IT, not FR" -- "${R[@]/IT/FR}"
refused 2 "no location 'Z-9'" -- stock receive --product 3017620422003 --qty 1 --lot X --origin IT --location Z-9
refused 2 "no commodity has the code '9999'" -- stock receive --product 9999 --qty 1 --lot X --origin IT --location B-01
refused 2 "quantity '0' is too small: the least is 1" -- stock receive --product 3017620422003 --qty 0 --lot X --origin IT --location B-01
refused 2 "quantity '-3' must not be negative" -- stock receive --product 3017620422003 --qty -3 --lot X --origin IT --location B-01
refused 2 "expiry 2026-01-01 is before the import date 2026-06-01" -- stock receive --product 3017620422003 --qty 1 --lot X --origin IT --location B-01 --import-date 2026-06-01 --expiry 2026-01-01
refused 2 "expiry '2026-02-29' is not a date" -- stock receive --product 3017620422003 --qty 1 --lot X --origin IT --location B-01 --expiry 2026-02-29
refused 2 "declaration '1234' must be the 18-digit" -- stock receive --product 3017620422003 --qty 1 --lot X --origin IT --location B-01 --declaration 1234
refused 2 "origin 'QQ' is not an ISO 3166-1 country code" -- stock receive --product 3017620422003 --qty 1 --lot X --origin QQ --location B-01
refused 2 "--cost: amount '1.234' has too many fraction digits for CNY" -- stock receive --product 3017620422003 --qty 1 --lot X --origin IT --location B-01 --cost 1.234
expect 0 "received" -- stock receive --product 4006381333931 --qty 10 --lot P1 --origin DE --location A-01-03 --cost 1.20 --currency EUR

# Moves: the guarded decrement refuses with exit 1 and names what is on hand.
expect 0 "moved 12" -- stock move --product 3017620422003 --from B-01 --to A-01-03 --qty 12
refused 1 "not enough stock: 03017620422003 榛子可可酱 lot L2406A at B-01 has 36 on hand, 40 asked" -- stock move --product 3017620422003 --from B-01 --to A-01-03 --qty 40
refused 2 "reason 'theft' must be damage, loss, found or sample" -- stock adjust --product 3017620422003 --location A-01-03 --qty 1 --reason theft
expect 0 "damage 1" -- stock adjust --product 3017620422003 --location A-01-03 --qty 1 --reason damage
expect 0 "scrapped 1" -- stock scrap --product 3017620422003 --location A-01-03 --qty 1
refused 1 "has nothing on hand at Q-1" -- stock scrap --product 3017620422003 --location Q-1 --qty 1

# Counts.
count=$("$E" stock count start --location A-01-03 | awk '{print $2}')
[ ${#count} -eq 36 ] && ok || fail "count id: $count"
expect 0 "recorded 9" -- stock count record "$count" --product 3017620422003 --qty 9
expect 0 "recorded 10" -- stock count record "$count" --product 4006381333931 --qty 10
expect 0 "-1" -- stock count show "$count"
expect 0 "posted" -- stock count post "$count"
refused 1 "is already posted" -- stock count post "$count"

refused 2 "no count 'no-such-count'" -- stock count record no-such-count --product 3017620422003 --qty 1
refused 2 "counted quantity '-1' must not be negative" -- stock count record "$count" --product 3017620422003 --qty -1
refused 2 "location name is not valid UTF-8 text" -- location add Z-1 --name $'\xc3'
refused 2 "GTIN 13017620422001: check digit should be 0" -- product barcode add 3017620422003 13017620422001 --qty 12
refused 2 "no commodity has the code 'NOPE'" -- product edit NOPE --price 1.00
refused 2 "--limit '-1' must not be negative" -- stock levels --limit -1
expect 0 "now stands for 12" -- product barcode add 3017620422003 13017620422000 --qty 12
expect 0 "(the code 13017620422000 stands for 12 units)" -- product show 13017620422000

# Reports: every grouping adds up to the same total.
# 48 + 10 received, 1 damaged, 1 scrapped, 1 short in the count.
totals=""
for by in product location lot origin; do
    t=$("$E" --json stock levels --by $by | jq 'map(.on_hand) | add')
    totals="$totals $t"
done
[ "$totals" = " 55 55 55 55" ] && ok || fail "levels do not add up: $totals"
expect 0 "意大利" -- stock levels --by origin
expect 0 '"on_hand": 36' -- --json stock levels --by location --location B-01
"$E" --json stock levels --by origin | jq -e 'map(.on_hand) | add == 55' >/dev/null && ok || fail "json levels"
ENTREPOT_TODAY=2027-06-01 expect 0 "L2406A" -- stock levels --expiring 30
ENTREPOT_TODAY=2026-12-01 expect 0 "0 rows" -- stock levels --expiring 30
expect 0 "0 rows" -- stock levels --low
expect 0 "changed" -- product edit 3017620422003 --reorder-point 60
expect 0 "榛子可可酱" -- stock levels --low
expect 0 "receive" -- stock history 3017620422003
refused 2 "--by 'colour' must be" -- stock levels --by colour

# Integrity and backup.
expect 0 "every balance matches the ledger" -- check
expect 0 "backed up" -- backup "$WORK/copy.db"
refused 2 "already exists" -- backup "$WORK/copy.db"
expect 0 "every balance matches" -- --db "$WORK/copy.db" check
sqlite3 "$WORK/copy.db" "UPDATE stock_balance SET qty = qty + 1 WHERE rowid IN (SELECT rowid FROM stock_balance LIMIT 1)" 2>/dev/null ||
    sqlite3 "$WORK/copy.db" "UPDATE stock_balance SET qty = qty + 1 WHERE lot_id = (SELECT MIN(lot_id) FROM stock_balance)"
expect 1 "balance drift" -- --db "$WORK/copy.db" check

# A database from a newer entrepot is refused, an older one is migrated.
sqlite3 "$WORK/copy.db" "PRAGMA user_version = 99"
expect 3 "newer than this entrepot" -- --db "$WORK/copy.db" stock levels

finish
