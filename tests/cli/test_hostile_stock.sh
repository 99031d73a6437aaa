#!/usr/bin/env bash
# Hostile input for every stock subcommand and option: missing, empty, huge,
# negative, non-numeric, invalid UTF-8, impossible dates, out-of-bounds
# figures. Each row is refused with its message and exit status, and the
# database is left exactly as it was (run under ASan/UBSan by the ASan build).
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
export ENTREPOT_NOW=2026-11-30T02:00:00Z ENTREPOT_TODAY=2026-11-30

"$E" init --store SH01 --name "上海进口商品馆" >/dev/null
"$E" location add A-01 --kind shelf >/dev/null
"$E" location add B-01 --kind backroom >/dev/null
"$E" product add --gtin 3017620422003 --name-zh 榛子可可酱 --origin IT --shelf-life 365 --price 39.90 >/dev/null
"$E" product add --sku PEN-1 --name-en Pen --origin DE >/dev/null
P=3017620422003
"$E" stock receive --product $P --qty 10 --lot L1 --location B-01 --import-date 2026-11-01 \
    --production-date 2026-10-01 >/dev/null
"$E" stock receive --product PEN-1 --qty 5 --lot P1 --location A-01 >/dev/null
count=$("$E" stock count start --location A-01 | awk '{print $2}')
[ ${#count} -eq 36 ] && ok || fail "count id: $count"

LONG201=$(printf 'x%.0s' $(seq 201))
LONG501=$(printf 'x%.0s' $(seq 501))
RCV=(stock receive --product PEN-1 --qty 1 --lot X1 --location A-01)

# ---- stock receive ------------------------------------------------------------
refused 2 "stock receive needs --product CODE and --location LOC" -- stock receive --qty 1 --lot X --location A-01
refused 2 "stock receive needs --product CODE and --location LOC" -- stock receive --product PEN-1 --qty 1 --lot X
refused 2 "--product is empty: give a value or leave the option out" -- stock receive --product "" --qty 1 --lot X --location A-01
refused 2 "--location is empty" -- stock receive --product PEN-1 --qty 1 --lot X --location ""
refused 2 "--product needs a value" -- stock receive --location A-01 --qty 1 --lot X --product
refused 2 "stock receive needs --qty N" -- stock receive --product PEN-1 --lot X --location A-01
refused 2 "--qty is empty" -- "${RCV[@]}" --qty ""
refused 2 "quantity '0' is too small: the least is 1" -- "${RCV[@]}" --qty 0
refused 2 "quantity '-5' must not be negative" -- "${RCV[@]}" --qty -5
refused 2 "quantity 'ten' is not a whole number" -- "${RCV[@]}" --qty ten
refused 2 "quantity '1.5' is not a whole number" -- "${RCV[@]}" --qty 1.5
refused 2 "quantity '1000000001' is too large: the most is 1000000000" -- "${RCV[@]}" --qty 1000000001
refused 2 "quantity '2147483647' is too large: the most is 1000000000" -- "${RCV[@]}" --qty 2147483647
refused 2 "quantity '99999999999999999999999' is too large: the most is 1000000000" -- "${RCV[@]}" --qty 99999999999999999999999
refused 2 "quantity '\\xFF' is not a whole number" -- "${RCV[@]}" --qty $'\xff'
refused 2 "a lot code is required (--lot)" -- stock receive --product PEN-1 --qty 1 --location A-01
refused 2 "--lot is empty" -- stock receive --product PEN-1 --qty 1 --location A-01 --lot ""
refused 2 "lot code 'L批01' holds '批' (character 2), which a barcode cannot carry" -- stock receive --product PEN-1 --qty 1 --location A-01 --lot L批01
refused 2 "lot code 'OL 25' holds ' ' (character 3)" -- stock receive --product PEN-1 --qty 1 --location A-01 --lot "OL 25"
refused 2 "lot code 'ABCDEFGHIJKLMNOPQRSTU' has 21 characters: at most 20 fit a barcode" -- stock receive --product PEN-1 --qty 1 --location A-01 --lot ABCDEFGHIJKLMNOPQRSTU
refused 2 "lot is not valid UTF-8 text" -- stock receive --product PEN-1 --qty 1 --location A-01 --lot $'L\xff'
refused 2 "lot holds a control character" -- stock receive --product PEN-1 --qty 1 --location A-01 --lot $'L\t1'
refused 2 "--origin is empty" -- "${RCV[@]}" --origin ""
refused 2 "origin 'XX' is not an ISO 3166-1 country code" -- "${RCV[@]}" --origin XX
refused 2 "origin '\\xFF' is not an ISO 3166-1 country code" -- "${RCV[@]}" --origin $'\xff'
refused 2 "--declaration is empty" -- "${RCV[@]}" --declaration ""
refused 2 "declaration '1234' must be the 18-digit customs declaration number" -- "${RCV[@]}" --declaration 1234
refused 2 "declaration '22332024100012345X' must be the 18-digit" -- "${RCV[@]}" --declaration 22332024100012345X
refused 2 "--import-date is empty" -- "${RCV[@]}" --import-date ""
refused 2 "import date '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)" -- "${RCV[@]}" --import-date 2026-02-30
refused 2 "import date '0000-00-00' is not a date" -- "${RCV[@]}" --import-date 0000-00-00
refused 2 "import date '\\xFF' is not a date" -- "${RCV[@]}" --import-date $'\xff'
refused 2 "import date 2027-01-01 is in the future" -- "${RCV[@]}" --import-date 2027-01-01
refused 2 "import date 9999-12-31 is in the future" -- "${RCV[@]}" --import-date 9999-12-31
refused 2 "import date '10000-01-01' is not a date" -- "${RCV[@]}" --import-date 10000-01-01
refused 2 "--production-date is empty" -- "${RCV[@]}" --production-date ""
refused 2 "production date '2026-13-01' is not a date" -- "${RCV[@]}" --production-date 2026-13-01
refused 2 "production date 2026-12-25 is in the future" -- "${RCV[@]}" --production-date 2026-12-25
refused 2 "production date 2026-11-20 is after the import date 2026-11-10" -- "${RCV[@]}" --import-date 2026-11-10 --production-date 2026-11-20
refused 2 "--expiry is empty" -- "${RCV[@]}" --expiry ""
refused 2 "expiry '2027-02-29' is not a date" -- "${RCV[@]}" --expiry 2027-02-29
refused 2 "expiry 2026-01-01 is before the import date 2026-11-30" -- "${RCV[@]}" --expiry 2026-01-01
refused 2 "榛子可可酱 keeps 365 days: give the lot's production date or its expiry" -- stock receive --product $P --qty 1 --lot X2 --location A-01
refused 2 "expiry 2027-12-01 is later than production date 2026-10-01 plus the shelf life" -- stock receive --product $P --qty 1 --lot X2 --location A-01 --production-date 2026-10-01 --expiry 2027-12-01
refused 2 "expiry 2025-10-01 (production date 2024-10-01 + 365 days) is before the import date 2026-11-30" -- stock receive --product $P --qty 1 --lot X2 --location A-01 --production-date 2024-10-01
refused 2 "--supplier is empty" -- "${RCV[@]}" --supplier ""
refused 2 "supplier is not valid UTF-8 text" -- "${RCV[@]}" --supplier $'\xff\xfe'
refused 2 "supplier is too long: 201 bytes, at most 200" -- "${RCV[@]}" --supplier "$LONG201"
refused 2 "--cost is empty" -- "${RCV[@]}" --cost ""
refused 2 "--cost: " -- "${RCV[@]}" --cost abc
refused 2 "--cost '-1.00' must not be negative" -- "${RCV[@]}" --cost -1.00
refused 2 "--cost: " -- "${RCV[@]}" --cost 1e30
refused 2 "--cost: " -- "${RCV[@]}" --cost 99999999999999999999.00
refused 2 "unit cost 100000001 (minor units) is more than 100000000, the most a unit may cost" -- "${RCV[@]}" --cost 1000000.01
refused 2 "--currency is empty" -- "${RCV[@]}" --cost 1.00 --currency ""
refused 2 "currency 'XYZ' is not an ISO 4217 code" -- "${RCV[@]}" --cost 1.00 --currency XYZ
refused 2 "--user is empty" -- "${RCV[@]}" --user ""
refused 2 "user is not valid UTF-8 text" -- "${RCV[@]}" --user $'\xff'
refused 2 "--note is empty" -- "${RCV[@]}" --note ""
refused 2 "note is too long: 501 bytes, at most 500" -- "${RCV[@]}" --note "$LONG501"
refused 2 "no location 'Z-9'" -- stock receive --product PEN-1 --qty 1 --lot X --location Z-9
refused 2 "location code '\\xFF' must be 1 to 32 letters" -- stock receive --product PEN-1 --qty 1 --lot X --location $'\xff'
refused 2 "no commodity has the code '9999'" -- stock receive --product 9999 --qty 1 --lot X --location A-01
refused 2 "unknown option '--colour'" -- "${RCV[@]}" --colour red
refused 2 "unexpected argument 'extra'" -- "${RCV[@]}" extra

# ---- stock move ---------------------------------------------------------------
MV=(stock move --product $P --from B-01 --to A-01)
refused 2 "stock move needs --product CODE" -- stock move --from B-01 --to A-01 --qty 1
refused 2 "stock move needs --from LOC and --to LOC" -- stock move --product $P --to A-01 --qty 1
refused 2 "stock move needs --qty N" -- "${MV[@]}"
refused 2 "--from is empty" -- stock move --product $P --from "" --to A-01 --qty 1
refused 2 "--to is empty" -- stock move --product $P --from B-01 --to "" --qty 1
refused 2 "--lot is empty" -- "${MV[@]}" --qty 1 --lot ""
refused 2 "quantity '0' is too small: the least is 1" -- "${MV[@]}" --qty 0
refused 2 "quantity '-1' must not be negative" -- "${MV[@]}" --qty -1
refused 2 "quantity '9223372036854775808' is too large: the most is 1000000000" -- "${MV[@]}" --qty 9223372036854775808
refused 2 "quantity 'x' is not a whole number" -- "${MV[@]}" --qty x
refused 1 "not enough stock: 03017620422003 榛子可可酱 lot L1 at B-01 has 10 on hand, 11 asked" -- "${MV[@]}" --qty 11
refused 2 "from and to are the same location (B-01)" -- stock move --product $P --from B-01 --to B-01 --qty 1
refused 2 "03017620422003 榛子可可酱 has no lot 'NOPE'" -- "${MV[@]}" --qty 1 --lot NOPE
refused 2 "has no lot '批\\xFF'" -- "${MV[@]}" --qty 1 --lot $'批\xff'
refused 2 "stock move takes --from and --to, not --location" -- "${MV[@]}" --qty 1 --location A-01
refused 2 "no location 'Z-9'" -- stock move --product $P --from Z-9 --to A-01 --qty 1

# ---- stock adjust and scrap ---------------------------------------------------
ADJ=(stock adjust --product $P --location B-01)
refused 2 "stock adjust needs --reason damage|loss|found|sample" -- "${ADJ[@]}" --qty 1
refused 2 "--reason is empty" -- "${ADJ[@]}" --qty 1 --reason ""
refused 2 "reason 'theft' must be damage, loss, found or sample" -- "${ADJ[@]}" --qty 1 --reason theft
refused 2 "stock adjust needs --location LOC" -- stock adjust --product $P --qty 1 --reason damage
refused 2 "quantity '1000000001' is too large: the most is 1000000000" -- "${ADJ[@]}" --qty 1000000001 --reason found
refused 2 "name the lot of the goods found" -- "${ADJ[@]}" --qty 1 --reason found
refused 1 "has 10 on hand, 11 asked" -- "${ADJ[@]}" --qty 11 --reason loss
refused 2 "stock adjust takes --location, not --from" -- "${ADJ[@]}" --qty 1 --reason loss --from A-01
refused 2 "quantity '-2' must not be negative" -- stock scrap --product $P --location B-01 --qty -2
refused 2 "stock scrap takes no --reason" -- stock scrap --product $P --location B-01 --qty 1 --reason damage
refused 2 "--note is empty" -- stock scrap --product $P --location B-01 --qty 1 --note ""
refused 1 "has nothing on hand at A-01" -- stock scrap --product $P --location A-01 --qty 1

# ---- stock count --------------------------------------------------------------
refused 2 "stock count needs start, record, show, post or list" -- stock count
refused 2 "unknown count command 'begin'" -- stock count begin
refused 2 "stock count start needs --location LOC" -- stock count start
refused 2 "--location is empty" -- stock count start --location ""
refused 2 "no location 'Z-9'" -- stock count start --location Z-9
refused 1 "location A-01 already has an open count, ${count:0:8}" -- stock count start --location A-01
refused 2 "stock count record needs the COUNT id" -- stock count record --product PEN-1 --qty 1
refused 2 "stock count record needs --product CODE and --qty N" -- stock count record "$count" --qty 1
refused 2 "counted quantity '-1' must not be negative" -- stock count record "$count" --product PEN-1 --qty -1
refused 2 "counted quantity '1000000001' is too large: the most is 1000000000" -- stock count record "$count" --product PEN-1 --qty 1000000001
refused 2 "--qty is empty" -- stock count record "$count" --product PEN-1 --qty ""
refused 2 "count 'abc' is not a count id: give the id printed when the count began, or its first 8 characters" -- stock count record abc --product PEN-1 --qty 1
refused 2 "no count '00000000'" -- stock count record 00000000 --product PEN-1 --qty 1
refused 2 "count '\\xFF' is not a count id" -- stock count show $'\xff'
refused 2 "has no lot 'NOPE'" -- stock count record "$count" --product PEN-1 --lot NOPE --qty 1
refused 2 "榛子可可酱 was not expected at this location: name the lot that was found" -- stock count record "$count" --product $P --qty 1
refused 2 "no count '12345678'" -- stock count post 12345678
refused 1 "count ${count:0:8} has nothing counted: record what lies there before posting it" -- stock count post "$count"
refused 1 "count ${count:0:8} has nothing counted" -- stock count post "$count" --force
refused 2 "stock count list takes no COUNT" -- stock count list "$count"

# ---- stock levels -------------------------------------------------------------
refused 2 "--by 'colour' must be product, location, lot or origin" -- stock levels --by colour
refused 2 "--by is empty" -- stock levels --by ""
refused 2 "--expiring '-1' must not be negative" -- stock levels --expiring -1
refused 2 "--expiring 'abc' is not a whole number" -- stock levels --expiring abc
refused 2 "--expiring '36501' is too large: the most is 36500" -- stock levels --expiring 36501
refused 2 "--expiring '99999999999999999999' is too large: the most is 36500" -- stock levels --expiring 99999999999999999999
refused 2 "--expiring lists lots: it does not go with --by origin" -- stock levels --expiring 30 --by origin
refused 2 "--low lists commodities: it does not go with --expiring" -- stock levels --low --expiring 30
refused 2 "--limit '-1' must not be negative" -- stock levels --limit -1
refused 2 "origin 'XX' is not an ISO 3166-1 country code" -- stock levels --origin XX
refused 2 "--origin is empty" -- stock levels --origin ""
refused 2 "no commodity has the code '9999'" -- stock levels --product 9999
refused 2 "no location 'Z-9'" -- stock levels --location Z-9
ENTREPOT_TODAY=2026-02-30 refused 2 "ENTREPOT_TODAY '2026-02-30' is not a date" -- stock levels --expiring 30
# A "today" at the end of the calendar: the window stops at 9999-12-31.
ENTREPOT_TODAY=9999-12-31 expect 0 "expiring on or before 9999-12-31" -- stock levels --expiring 30
ENTREPOT_TODAY=9999-12-31 expect 0 "expired" -- stock levels --by lot

# ---- stock history ------------------------------------------------------------
refused 2 "stock history needs the CODE of a commodity" -- stock history
refused 2 "stock history needs the CODE of a commodity" -- stock history ""
refused 2 "no commodity has the code '9999'" -- stock history 9999
refused 2 "--limit 'abc' is not a whole number" -- stock history $P --limit abc
refused 2 "unknown stock command 'steal'" -- stock steal

# ---- figures written outside entrepot: words, never a bare error or a wrap ---
cp "$ENTREPOT_DB" "$WORK/huge.db"
sqlite3 "$WORK/huge.db" "UPDATE stock_balance SET qty = 9223372036854775000 WHERE lot_id = (SELECT id FROM lot WHERE code = 'L1');
                         UPDATE lot SET unit_cost = 9223372036854775000, cost_currency = 'CNY' WHERE code = 'P1'"
H=(--db "$WORK/huge.db")
expect 3 "the cost value of stock is too large to add up" -- "${H[@]}" stock levels --by lot
expect 3 "too large to add up" -- "${H[@]}" stock levels --by origin
expect 1 "balance beyond its bound: 03017620422003 lot L1 at B-01 holds 9223372036854775000" -- "${H[@]}" check
expect 1 "unit cost beyond its bound: PEN-1 lot P1 costs 9223372036854775000" -- "${H[@]}" check
sqlite3 "$WORK/huge.db" "UPDATE lot SET unit_cost = NULL, cost_currency = NULL"
sqlite3 "$WORK/huge.db" "INSERT INTO stock_balance(lot_id, location_id, product_id, qty) SELECT id, (SELECT id FROM location WHERE code = 'A-01'), product_id, 9223372036854775000 FROM lot WHERE code = 'L1'"
expect 3 "the stock figures are too large to add up" -- "${H[@]}" stock levels
expect 3 "too large to add up" -- "${H[@]}" sale --counter C1 --cashier wang --pay cash $P
sqlite3 "$WORK/huge.db" "UPDATE stock_balance SET qty = 9223372036854775000"
expect 3 "listing locations: the stock figures are too large to add up" -- "${H[@]}" location list
expect 1 "more would pass the most one lot may hold at one place" -- "${H[@]}" stock receive --product PEN-1 --qty 1 --lot P1 --location A-01

finish
