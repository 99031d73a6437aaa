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
# Without --currency the cost is in the commodity's own currency, as the library
# and the API take it (the CLI took the store's: 800 for a sake priced in yen
# became 800.00 yuan), with that currency's decimals.
Y=(--db "$WORK/yen.db")
"$E" "${Y[@]}" init --store SH09 --name 日元 >/dev/null
"$E" "${Y[@]}" location add S1 --kind shelf >/dev/null
"$E" "${Y[@]}" product add --gtin 4901234567894 --name-zh 清酒 --price 1200 --currency JPY --tax-rate 13 >/dev/null
refused 2 "--cost: amount '800.5' takes no fraction digits for JPY" -- "${Y[@]}" stock receive --product 4901234567894 --qty 1 --lot S1 --origin JP --location S1 --cost 800.5
expect 0 "received" -- "${Y[@]}" stock receive --product 4901234567894 --qty 2 --lot S1 --origin JP --location S1 --cost 800
got=$(sqlite3 "$WORK/yen.db" "SELECT unit_cost || ' ' || cost_currency FROM lot WHERE code = 'S1'")
[ "$got" = "800 JPY" ] && ok || fail "a cost without --currency is in the commodity's currency: $got"

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

refused 2 "no count '00000000'" -- stock count record 00000000 --product 3017620422003 --qty 1
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
    # (by origin each base unit has its column: these are all pieces)
    t=$("$E" --json stock levels --by $by | jq 'map(.on_hand // .pcs) | add')
    totals="$totals $t"
done
[ "$totals" = " 55 55 55 55" ] && ok || fail "levels do not add up: $totals"
expect 0 "意大利" -- stock levels --by origin
expect 0 '"on_hand": 36' -- --json stock levels --by location --location B-01
"$E" --json stock levels --by origin | jq -e 'map(.pcs) | add == 55' >/dev/null && ok || fail "json levels"
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

# ---- issue 9 and 17, end to end (a fixed clock: 2026-11-30) ----------------
export ENTREPOT_NOW=2026-11-30T02:00:00Z ENTREPOT_TODAY=2026-11-30
D=(--db "$WORK/day1.db")
# jqtrue "what" FILTER -- ARGS: entrepot ARGS prints JSON for which FILTER is true.
jqtrue() {
    local what=$1 filter=$2 got
    shift 3
    got=$("$E" "$@" | jq "$filter" 2>&1)
    [ "$got" = "true" ] && ok || fail "$what: $got"
}
"$E" "${D[@]}" init --store SH02 --name "day one" >/dev/null
"$E" "${D[@]}" location add S-1 --kind shelf >/dev/null
"$E" "${D[@]}" location add S-2 --kind backroom >/dev/null

# A shelf life makes the expiry: production date + 365 days.
"$E" "${D[@]}" product add --gtin 8410376000115 --name-zh 橄榄油 --shelf-life 365 --origin ES --price 49.00 >/dev/null
expect 0 "received" -- "${D[@]}" stock receive --product 8410376000115 --qty 6 --lot OL1 --location S-1 \
    --import-date 2025-11-01 --production-date 2025-10-01
jqtrue "shelf-life expiry" '.[0].expiry == "2026-10-01"' -- "${D[@]}" --json stock levels --by lot
ENTREPOT_TODAY=2026-09-20 expect 0 "OL1" -- "${D[@]}" stock levels --expiring 30
refused 2 "橄榄油 keeps 365 days: give the lot's production date or its expiry" -- "${D[@]}" stock receive \
    --product 8410376000115 --qty 6 --lot OL2 --location S-1
expect 1 "lot OL1 expired on 2026-10-01 and cannot be sold" -- "${D[@]}" sale --counter C1 --cashier wang --pay cash 8410376000115

# Counts never inflate stock: 9 of lot A on the shelf, 3 of lot B moved on
# after the count began, B counted as 3: the shelf holds 9 + 3.
"$E" "${D[@]}" product add --sku CHOC --name-zh 巧克力 --origin BE >/dev/null
"$E" "${D[@]}" stock receive --product CHOC --qty 9 --lot A --location S-1 >/dev/null
"$E" "${D[@]}" stock receive --product CHOC --qty 3 --lot B --location S-2 >/dev/null
cid=$("$E" "${D[@]}" --json stock count start --location S-1 | jq -r '.[0].count')
[ ${#cid} -eq 36 ] && ok || fail "--json count start: $cid"
refused 1 "location S-1 already has an open count, ${cid:0:8}" -- "${D[@]}" stock count start --location S-1
expect 0 "moved 3" -- "${D[@]}" stock move --product CHOC --lot B --from S-2 --to S-1 --qty 3
expect 0 "recorded 3 of CHOC lot B" -- "${D[@]}" stock count record "${cid:0:8}" --product CHOC --lot B --qty 3 --user wang
expect 0 "open" -- "${D[@]}" stock count list --open
expect 0 "posted" -- "${D[@]}" stock count post "${cid:0:8}"
jqtrue "count inflated stock" '.[0].on_hand == 12' -- "${D[@]}" --json stock levels --location S-1 --product CHOC
# A forced post sets the counted line to what was counted, against the stock of now.
cid=$("$E" "${D[@]}" stock count start --location S-1 | awk '{print $2}')
expect 0 "recorded 2" -- "${D[@]}" stock count record "$cid" --product CHOC --lot B --qty 2
expect 0 "scrapped 1" -- "${D[@]}" stock scrap --product CHOC --lot B --location S-1 --qty 1
refused 1 "1 counted line moved after it was counted" -- "${D[@]}" stock count post "$cid"
expect 0 "posted" -- "${D[@]}" stock count post "$cid" --force
jqtrue "forced post" 'map(.on_hand) == [9, 2]' -- "${D[@]}" --json stock levels --by lot --location S-1 --product CHOC

# Implausible quantities: three receipts of 2,147,483,647 are refused.
refused 2 "quantity '2147483647' is too large: the most is 1000000000" -- "${D[@]}" stock receive --product CHOC --qty 2147483647 --lot C --location S-1
refused 2 "import date 2026-12-31 is in the future" -- "${D[@]}" stock receive --product CHOC --qty 1 --lot C --location S-1 --import-date 2026-12-31
refused 2 "--origin is empty" -- "${D[@]}" stock receive --product CHOC --qty 1 --lot C --location S-1 --origin ""
refused 2 "lot code 'L批01' holds '批'" -- "${D[@]}" stock receive --product CHOC --qty 1 --lot L批01 --location S-1

# Weighed goods: cost per kg like the price. 5000 g at 18.50 EUR/kg = 92.50 EUR.
"$E" "${D[@]}" product add --sku CHEESE --name-zh 奶酪 --unit g --price 298.00 --origin FR >/dev/null
"$E" "${D[@]}" stock receive --product CHEESE --qty 5000 --lot K1 --location S-1 --cost 18.50 --currency EUR >/dev/null
expect 0 "cost value 92.50 EUR" -- "${D[@]}" stock levels --product CHEESE
jqtrue "per-kg value" '.[0].value == "92.50"' -- "${D[@]}" --json stock levels --by lot --product CHEESE

# Every stock subcommand speaks JSON.
jqtrue "--json move" '.[0].moved == 100' -- "${D[@]}" --json stock move --product CHEESE --from S-1 --to S-2 --qty 100
jqtrue "--json adjust" '.[0].change == -1' -- "${D[@]}" --json stock adjust --product CHEESE --location S-2 --qty 1 --reason sample
jqtrue "--json count list" 'length == 2' -- "${D[@]}" --json stock count list
expect 0 "every balance matches" -- "${D[@]}" check
unset ENTREPOT_NOW ENTREPOT_TODAY

# An older database (schema 4: what later migrations added is dropped again)
# is migrated: lots of commodities with a shelf life get
# the expiry their production date gives (schema 5).
# (Schema 29 dropped 12's stock_sum_product_insert: nothing of it to drop.
# Schema 30 added columns to summaries dropped below and wrote some of 18's
# and 23's triggers and 23's view again under the same names, dropped below:
# nothing of its own to drop first.)
sqlite3 "$WORK/day1.db" ".backup '$WORK/old.db'"
sqlite3 "$WORK/old.db" "DROP TRIGGER scan_lot_insert; DROP TRIGGER scan_lot_change; DROP TRIGGER scan_lot_delete; DROP TRIGGER scan_lot_gtin_change; DROP TRIGGER scan_lot_product_delete; DROP TABLE scan_lot;
    DROP INDEX product_origin; DROP VIEW sync_event; DROP TABLE sync_code_was; DROP TRIGGER sync_code_product; DROP TRIGGER sync_code_location; DROP TRIGGER sync_code_store;
    DROP TRIGGER sale_no_update; DROP TRIGGER sale_no_delete; DROP TRIGGER sale_line_no_update; DROP TRIGGER sale_line_no_delete; DROP TRIGGER sale_pay_no_update; DROP TRIGGER sale_pay_no_delete; DROP TRIGGER lot_uuid_fixed;
    DROP TABLE transfer_line; DROP TABLE transfer; DROP TABLE peer_store;
    DROP TRIGGER sync_supplier_insert; DROP TRIGGER sync_supplier_update; DROP TRIGGER sync_supplier_item_insert; DROP TRIGGER sync_supplier_item_update; DROP TRIGGER sync_supplier_item_delete;
    DROP TRIGGER sync_purchase_order_insert; DROP TRIGGER sync_purchase_order_update; DROP TRIGGER sync_purchase_line_insert; DROP TRIGGER sync_purchase_line_update; DROP TRIGGER sync_purchase_line_delete; DROP TRIGGER sync_purchase_change_insert;
    DROP TRIGGER sync_exchange_rate_insert; DROP TRIGGER sync_exchange_rate_update; DROP TRIGGER sync_declaration_insert; DROP TRIGGER sync_declaration_update; DROP TRIGGER sync_landed_lot_insert; DROP TRIGGER sync_landed_lot_update; DROP TRIGGER sync_landed_lot_delete;
    DROP TRIGGER sync_lot_insert; DROP TRIGGER sync_stock_move_insert; DROP TRIGGER sync_stock_count_insert; DROP TRIGGER sync_stock_count_update; DROP TRIGGER sync_sale_insert; DROP TRIGGER sync_sale_line_insert; DROP TRIGGER sync_sale_pay_insert; DROP TRIGGER sync_journal_insert; DROP TRIGGER sync_flow_count_insert; DROP TRIGGER sync_flow_count_update; DROP TRIGGER sync_label_queue_insert; DROP TRIGGER sync_label_print_insert; DROP VIEW sync_uuid; DROP TABLE sync_outbox; DROP TABLE sync_state;
    UPDATE lot SET expiry = NULL; DROP INDEX stock_count_open;
    ALTER TABLE stock_count_line DROP COLUMN as_of_move_id; ALTER TABLE stock_count_line DROP COLUMN counted_by;
    ALTER TABLE stock_count_line DROP COLUMN counted_at; DROP INDEX location_code_nocase;
    ALTER TABLE product DROP COLUMN priced; ALTER TABLE product DROP COLUMN retired_at;
    ALTER TABLE location DROP COLUMN retired_at;
    ALTER TABLE sale_sum_hour DROP COLUMN ret_value; ALTER TABLE sale_sum_hour DROP COLUMN ret_units; ALTER TABLE sale_sum_origin DROP COLUMN ret_value; ALTER TABLE sale_sum_origin DROP COLUMN ret_units; ALTER TABLE sale_sum_origin DROP COLUMN ret_lines; ALTER TABLE sale_sum_product DROP COLUMN ret_value; ALTER TABLE sale_sum_product DROP COLUMN ret_units; ALTER TABLE sale_sum_product DROP COLUMN ret_lines;
    ALTER TABLE store DROP COLUMN address; ALTER TABLE store DROP COLUMN phone; DROP TABLE store_change;
    ALTER TABLE label_queue DROP COLUMN location_id; ALTER TABLE label_queue DROP COLUMN user;
    DROP TABLE api_token; DROP TABLE user_session; DROP TABLE login_failure; DROP TABLE user_account;
    DROP TABLE product_change; DROP TABLE label_print; ALTER TABLE location DROP COLUMN created_by;
    ALTER TABLE location DROP COLUMN changed_at; ALTER TABLE location DROP COLUMN changed_by;
    ALTER TABLE sale_line DROP COLUMN approved_by; ALTER TABLE sale DROP COLUMN approved_by;
    DROP TRIGGER stock_sum_balance_insert; DROP TRIGGER stock_sum_balance_update; DROP TRIGGER stock_sum_balance_rekey;
    DROP TRIGGER stock_sum_balance_delete; DROP TABLE stock_sum_location; DROP TABLE stock_sum_product; DROP TRIGGER stock_sum_product_reorder; DROP TRIGGER stock_sum_location_kind;
    DROP TABLE product_key_list; DROP TABLE product_key; DROP TABLE search_pending;
    DROP TABLE basket_payment; DROP TABLE basket_line; DROP TABLE basket;
    DROP TABLE landed_lot; DROP TABLE declaration; DROP TABLE exchange_rate; DROP TABLE purchase_change; DROP TABLE purchase_line; DROP TABLE purchase_order; DROP TABLE supplier_item; DROP TABLE supplier;
    DROP TRIGGER stock_sum_lot_balance_insert; DROP TRIGGER stock_sum_lot_balance_update; DROP TRIGGER stock_sum_lot_balance_rekey;
    DROP TRIGGER stock_sum_lot_balance_delete; DROP TRIGGER stock_sum_lot_lot_change; DROP TRIGGER stock_sum_lot_unit_change;
    DROP TRIGGER stock_sum_loccur_insert; DROP TRIGGER stock_sum_loccur_update; DROP TRIGGER stock_sum_loccur_delete; DROP TRIGGER stock_sum_loccur_rekey;
    DROP TRIGGER stock_sum_loccur_lot_change; DROP TRIGGER stock_sum_loccur_unit_change; DROP VIEW stock_sum_location_cur_of; DROP TABLE stock_sum_location_cur;
    DROP TRIGGER stock_sum_locorg_insert; DROP TRIGGER stock_sum_locorg_update; DROP TRIGGER stock_sum_locorg_delete; DROP TRIGGER stock_sum_locorg_rekey;
    DROP TRIGGER stock_sum_locorg_lot_change; DROP TRIGGER stock_sum_locorg_unit_change; DROP VIEW stock_sum_location_origin_of; DROP TABLE stock_sum_location_origin;
    DROP TABLE stock_sum_lot; DROP TABLE stock_sum_origin; DROP TABLE stock_sum_product_origin;
    DROP TABLE sell_unit; ALTER TABLE product DROP COLUMN sell_unit; ALTER TABLE sale_line DROP COLUMN sell_unit;
    ALTER TABLE product DROP COLUMN food_kind; ALTER TABLE product DROP COLUMN ingredients; ALTER TABLE product DROP COLUMN allergens; ALTER TABLE product DROP COLUMN abv; ALTER TABLE product DROP COLUMN energy_kj; ALTER TABLE product DROP COLUMN protein; ALTER TABLE product DROP COLUMN fat; ALTER TABLE product DROP COLUMN carbohydrate; ALTER TABLE product DROP COLUMN sodium;
    PRAGMA user_version = 4"
jqtrue "migration 005 expiry" '.[0].expiry == "2026-10-01"' -- --db "$WORK/old.db" --json stock levels --by lot --product 8410376000115
# The opening that migrated copied its log into the database and emptied it
# (the 1M demo's migration to schema 26 left 3.7 GB that every read searched).
[ ! -s "$WORK/old.db-wal" ] && ok || fail "the migration left $(stat -c %s "$WORK/old.db-wal") bytes of log"
# Migration 013: the commodities that were there get their search keys at the first opening.
jqtrue "migration 013 search keys" '.[0].name_zh == "橄榄油"' -- --db "$WORK/old.db" --json product search ganlan
[ "$(sqlite3 "$WORK/old.db" "SELECT count(*) FROM search_pending")" = 0 ] && ok || fail "search_pending left after filling"
# Schema 12 builds the on-hand summaries from the balances: the location list
# (read from them) shows what the balances add up to, and check recomputes them.
want=$(sqlite3 "$WORK/old.db" "SELECT COALESCE(SUM(qty), 0) FROM stock_balance")
jqtrue "migration 012 location sums" "(map(.units) | add) == $want" -- --db "$WORK/old.db" --json location list
expect 0 "every balance matches" -- --db "$WORK/old.db" check
# Schema 18 builds the per-lot and per-origin sums, and schema 30 splits them
# by base unit: the origin view (read from them) shows what the balances add
# up to in pieces, kg and litres (the cheese's 5000 g are 5.000 kg, not 5000
# more units of France); a lot whose origin is changed by hand moves its
# units to its new origin's row; check recomputes them.
origins() { sqlite3 "$1" "SELECT group_concat(o || ':' || n || ':' || g || ':' || m, ',') FROM (SELECT l.origin AS o,
    SUM(CASE WHEN p.unit NOT IN ('g', 'ml') THEN b.qty ELSE 0 END) AS n, SUM(CASE WHEN p.unit = 'g' THEN b.qty ELSE 0 END) AS g,
    SUM(CASE WHEN p.unit = 'ml' THEN b.qty ELSE 0 END) AS m
    FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id WHERE b.qty > 0
    GROUP BY l.origin ORDER BY l.origin)"; }
per_origin='group_by(.origin) | map("\(.[0].origin):\(map(.pcs) | add):\(map(.kg | sub("\\."; "") | tonumber) | add):\(map(.L | sub("\\."; "") | tonumber) | add)") | join(",")'
jqtrue "migration 018 origin sums" "($per_origin) == \"$(origins "$WORK/old.db")\"" -- --db "$WORK/old.db" --json stock levels --by origin
sqlite3 "$WORK/old.db" "UPDATE lot SET origin = 'NZ', unit_cost = 777, cost_currency = 'NZD' WHERE id = (SELECT MIN(lot_id) FROM stock_balance WHERE qty > 0)"
jqtrue "a lot moved to another origin by hand" "($per_origin) == \"$(origins "$WORK/old.db")\" and any(.[]; .origin == \"NZ\" and .currency == \"NZD\")" -- --db "$WORK/old.db" --json stock levels --by origin
jqtrue "the lot view after it" 'any(.[]; .origin | startswith("NZ "))' -- --db "$WORK/old.db" --json stock levels --by lot
expect 0 "every balance matches" -- --db "$WORK/old.db" check
cp "$WORK/old.db" "$WORK/drift18.db"
sqlite3 "$WORK/drift18.db" "UPDATE stock_sum_origin SET products = products + 1 WHERE origin = 'NZ'"
expect 1 "summary drift: origin NZ NZD: summary " -- --db "$WORK/drift18.db" check
sqlite3 "$WORK/drift18.db" "UPDATE stock_sum_origin SET products = products - 1 WHERE origin = 'NZ'; UPDATE stock_sum_lot SET qty = qty + 1 WHERE lot_id = (SELECT MIN(lot_id) FROM stock_sum_lot)"
expect 1 "summary drift: lot " -- --db "$WORK/drift18.db" check
sqlite3 "$WORK/old.db" "UPDATE stock_sum_product SET sellable = sellable + 5 WHERE rowid = (SELECT MIN(rowid) FROM stock_sum_product)"
expect 1 "summary drift: " -- --db "$WORK/old.db" check

# Migration 017: what the database held becomes events in the outbox, one per row.
[ "$(sqlite3 "$WORK/old.db" "SELECT (SELECT count(*) FROM sync_outbox WHERE kind = 'lot') = (SELECT count(*) FROM lot)
    AND (SELECT count(*) FROM sync_outbox WHERE kind = 'move') = (SELECT count(*) FROM stock_move)
    AND (SELECT count(*) FROM sync_outbox WHERE kind = 'journal') = (SELECT count(*) FROM journal)
    AND (SELECT count(*) FROM sync_outbox WHERE kind = 'sale_line') = (SELECT count(*) FROM sale_line)
    AND (SELECT count(*) FROM stock_move) > 0")" = 1 ] && ok || fail "migration 017: the outbox holds every lot, move, journal record and sale line"

# A database from a newer entrepot is refused, an older one is migrated.
sqlite3 "$WORK/copy.db" "PRAGMA user_version = 99"
expect 3 "newer than this entrepot" -- --db "$WORK/copy.db" stock levels


# Goods kept in grams say so when received: 5 of a cheese is 5 g, not 5 kg.
W=(--db "$WORK/weighed.db")
expect 0 "created" -- "${W[@]}" init --store SH09 --name 称重
expect 0 "added location S1" -- "${W[@]}" location add S1 --kind shelf
expect 0 "added" -- "${W[@]}" product add --sku CHEESE --name-zh 帕尔马干酪 --unit g --price 180.00 --tax-rate 13
expect 0 "received CHEESE x5 g lot P1 into S1" -- "${W[@]}" stock receive --product CHEESE --qty 5 --lot P1 --origin IT --location S1
expect 0 "received CHEESE x5000 g lot P1 into S1" -- "${W[@]}" stock receive --product CHEESE --qty 5000 --lot P1 --origin IT --location S1

# Stock by origin keeps pieces, kg and litres apart (schema 30): 5.005 kg of
# cheese, 24 jars and 9 L of oil from Italy are not "9029"; the origins come
# by value (Spain's 500 cheap pieces after Italy; the cheese, without a cost,
# last), and the footer adds up each unit on its own.
"$E" "${W[@]}" product add --sku JAR --name-zh 番茄酱 --price 12.00 >/dev/null
"$E" "${W[@]}" product add --sku OIL --name-zh 橄榄油 --unit ml --price 98.00 >/dev/null
"$E" "${W[@]}" stock receive --product JAR --qty 24 --lot J1 --origin IT --location S1 --cost 1.50 --currency EUR >/dev/null
"$E" "${W[@]}" stock receive --product OIL --qty 9000 --lot O1 --origin IT --location S1 --cost 8.00 --currency EUR >/dev/null
"$E" "${W[@]}" stock receive --product JAR --qty 500 --lot J2 --origin ES --location S1 --cost 0.02 --currency EUR >/dev/null
want="origin  country_zh  country_en  products  lots  pcs     kg      L   value  currency
IT      意大利      Italy              2     2   24  0.000  9.000  108.00  EUR
ES      西班牙      Spain              1     1  500  0.000  0.000   10.00  EUR
IT      意大利      Italy              1     1    0  5.005  0.000
3 rows, 524 pcs, 5.005 kg, 9 L, cost value 118.00 EUR"
for at in "" "--location S1"; do
    out=$("$E" "${W[@]}" stock levels --by origin $at | sed 's/ *$//')
    [ "$out" = "$want" ] && ok || fail "stock by origin $at in pieces, kg and litres: $out"
done
jqtrue "by origin, --json" 'map([.origin, .pcs, .kg, .L, .value]) == [["IT", 24, "0.000", "9.000", "108.00"], ["ES", 500, "0.000", "0.000", "10.00"], ["IT", 0, "5.005", "0.000", null]]' \
    -- "${W[@]}" --json stock levels --by origin
expect 0 "IT,意大利,Italy,1,1,0,5.005,0.000,," -- "${W[@]}" --csv stock levels --by origin
expect 0 "4 rows, 524 pcs, 5.005 kg, 9 L" -- "${W[@]}" stock levels --by lot
# The product and lot views give each row's unit beside its quantity (5005 is
# grams of cheese, 9000 millilitres of oil), a column of its own so that the
# numbers stay numbers in CSV and JSON; low stock too.
jqtrue "by product, the unit" 'map([.gtin, .on_hand, .unit]) == [["CHEESE", 5005, "g"], ["JAR", 524, "pcs"], ["OIL", 9000, "ml"]]' \
    -- "${W[@]}" --json stock levels
jqtrue "by lot, the unit" 'map([.lot, .on_hand, .unit]) == [["P1", 5005, "g"], ["J1", 24, "pcs"], ["J2", 500, "pcs"], ["O1", 9000, "ml"]]' \
    -- "${W[@]}" --json stock levels --by lot
expect 0 "CHEESE,帕尔马干酪,,1,5005,0,g,," -- "${W[@]}" --csv stock levels
out=$("$E" "${W[@]}" stock levels --by lot --product CHEESE | sed -n 2p)
[[ "$out" =~ " 5005  g " ]] && ok || fail "the lot view shows 5005 without its unit: $out"
"$E" "${W[@]}" product edit CHEESE --reorder-point 6000 >/dev/null
expect 0 "CHEESE,帕尔马干酪,,5005,6000,995,g" -- "${W[@]}" --csv stock levels --low
expect 0 "every balance matches" -- "${W[@]}" check
sqlite3 "$WORK/weighed.db" ".backup '$WORK/drift30.db'"
sqlite3 "$WORK/drift30.db" "UPDATE stock_sum_origin SET qty_g = qty_g + 24, qty_pcs = qty_pcs - 24 WHERE origin = 'IT' AND cost_currency = 'EUR'"
expect 1 "summary drift: origin IT EUR: summary 9024 units, 2 lots, 2 commodities, value 3600 + 7200000/1000, 0 pcs, 24 g, 9000 ml, balances 9024 units, 2 lots, 2 commodities, value 3600 + 7200000/1000, 24 pcs, 0 g, 9000 ml" \
    -- --db "$WORK/drift30.db" check
# A database of schema 29 with that stock (030's columns taken away; its
# triggers and view stood in for under the names 030 drops) migrates to the same
# per-unit figures, filled from the summaries it had, and the new triggers
# keep them: check agrees, and a sale-sized change moves only its unit.
sqlite3 "$WORK/weighed.db" ".backup '$WORK/s29.db'"
sqlite3 "$WORK/s29.db" "$(schema30_undo)
    PRAGMA user_version = 29" || fail "making a schema 29 database"
for at in "" "--location S1"; do
    out=$("$E" --db "$WORK/s29.db" stock levels --by origin $at | sed 's/ *$//')
    [ "$out" = "$want" ] && ok || fail "schema 29 migrated: stock by origin $at: $out"
done
[ "$(sqlite3 "$WORK/s29.db" "PRAGMA user_version")" -ge 30 ] && ok || fail "schema 29 not migrated"
expect 0 "every balance matches" -- --db "$WORK/s29.db" check
expect 0 "scrapped" -- --db "$WORK/s29.db" stock scrap --product CHEESE --location S1 --qty 5
jqtrue "schema 29 migrated: the scrap in grams" 'map(select(.origin == "IT") | .kg) == ["0.000", "5.000"]' \
    -- --db "$WORK/s29.db" --json stock levels --by origin
expect 0 "every balance matches" -- --db "$WORK/s29.db" check
finish
