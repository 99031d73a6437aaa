#!/usr/bin/env bash
# End to end: the catalogue's day-one defects (issue 9). Unpriced commodities
# are not sold at 0.00 nor labelled; retired commodities and locations keep
# their history but leave lists, sales and labels; location codes do not
# depend on case; CSV rows without a price stay unpriced.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
cd "$WORK"

export ENTREPOT_NOW=2026-11-28T01:00:00Z
expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "added location A-01-03" -- location add A-01-03 --name "Aisle A"
N=3017620422003 P=4006381333931 K=5000112548167
expect 0 "added $N" -- product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13
expect 0 "added $P" -- product add --gtin $P --name-en Pen
expect 0 "received" -- stock receive --product $N --qty 10 --lot N1 --origin IT --location a-01-03
expect 0 "received" -- stock receive --product $P --qty 10 --lot P1 --origin DE --location A-01-03
S=(sale --counter C1 --cashier 王芳 --pay cash)

# ---- pinyin search (issue 14): initials, full pinyin with a space, a GTIN tail ----
"$E" --json product search zzkkj > s1.json
grep -q '"name_zh": *"榛子可可酱"' s1.json && ok || fail "search by initials: $(cat s1.json)"
"$E" --json product search "zhen zi" > s2.json
grep -q '"name_zh": *"榛子可可酱"' s2.json && ok || fail "search by spaced pinyin: $(cat s2.json)"
"$E" --json product search 2003 > s3.json
grep -q '"gtin": *"3017620422003"' s3.json && ok || fail "search by the last 4 GTIN digits: $(cat s3.json)"
expect 2 "the text to search for has only spaces" -- product search "  "

# ---- no price is not a price of zero -----------------------------------------
expect 0 "(no price: cannot be sold)" -- product show $P
refused 1 "04006381333931 Pen has no price yet: it cannot be sold until it is priced" -- "${S[@]}" $P
refused 1 "04006381333931 Pen has no price yet" -- "${S[@]}" $N $P
refused 1 "template shelf-60x40 needs price, which it does not have" -- \
    label print --template shelf-60x40 $P --out "$WORK/p.pdf"
"$E" --json product list > list.json
grep -q '"gtin": *"4006381333931"' list.json && grep -q '"price": *null' list.json && ok || fail "unpriced lists as price null: $(cat list.json)"
"$E" product export | tr -d '\r' > out.csv
grep -q '^04006381333931,,,Pen,,,,pcs,,,CNY,0.00,,0,,,,,,,,,,,,$' out.csv && ok || fail "export writes an empty price: $(cat out.csv)"
# An export read back as an update keeps the commodity unpriced.
expect 0 "imported 2 commodities" -- product import --update out.csv
refused 1 "has no price yet" -- "${S[@]}" $P
# A price of 0 can be set on purpose: then it sells (for nothing).
expect 0 "changed $P" -- product edit $P --price 0
expect 0 "0.00 CNY" -- product show $P
# ... and "" takes the price away again.
expect 0 "changed $P" -- product edit $P --price ''
refused 1 "has no price yet" -- "${S[@]}" $P
expect 0 "changed $P" -- product edit $P --price 8.50
expect 0 "8.50" -- "${S[@]}" $P
# CSV: an empty price cell is no price, a 0 is a price.
printf 'gtin,name_en,price\n%s,Cola,\n' $K > cola.csv
expect 0 "imported 1 commodities" -- product import cola.csv
expect 0 "(no price: cannot be sold)" -- product show $K

# ---- edit with nothing to change ---------------------------------------------
refused 2 "nothing to change" -- product edit $N

# ---- the unit follows the stock ------------------------------------------------
refused 1 "the unit cannot change from pcs to g while 10 pcs are on hand" -- product edit $N --unit g
expect 0 "changed $K" -- product edit $K --unit ml

# ---- retired commodities -------------------------------------------------------
expect 0 "retired $N" -- product retire $N
refused 1 "03017620422003 榛子可可酱 is retired (since 2026-11-28) and can no longer be sold" -- "${S[@]}" $N
refused 1 "03017620422003 榛子可可酱 is retired: it gets no labels" -- \
    label print --template shelf-60x40 $N --out "$WORK/n.pdf"
"$E" product list > plist.txt
grep -q 榛子 plist.txt && fail "a retired commodity is listed: $(cat plist.txt)" || ok
"$E" product search 榛子 > search.txt
grep -q 榛子 search.txt && fail "a retired commodity is found by search" || ok
"$E" product export > out2.csv
grep -q "^03017620422003" out2.csv && fail "a retired commodity is exported" || ok
# Kept for history: shown, with its stock, and its codes stay taken.
expect 0 "2026-11-28T01:00:00Z" -- product show $N
expect 0 "N1" -- stock levels --by lot --product $N
refused 2 "(retired, kept for history)" -- product add --gtin $N --name-en Again
refused 1 "03017620422003 榛子可可酱 is retired (since 2026-11-28): put it back in the catalogue before receiving more" -- \
    stock receive --product $N --qty 1 --lot N1 --location A-01-03 --expiry 2027-12-31
# A price change of a retired commodity queues no label that could not be printed.
expect 0 "changed $N" -- product edit $N --price 41.90
"$E" label queue > queue.txt 2>&1
grep -q 3017620422003 queue.txt && fail "a retired commodity is queued for a label: $(cat queue.txt)" || ok
expect 0 "changed $N" -- product edit $N --price 39.90
expect 0 "back in the catalogue: $N" -- product unretire $N
expect 0 "39.90" -- "${S[@]}" $N

# ---- location codes regardless of case; rename; retire -------------------------
refused 2 "location a-01-03 already exists as A-01-03" -- location add a-01-03
expect 0 "added location B-01" -- location add B-01 --kind backroom
expect 0 "moved" -- stock move --product $N --from a-01-03 --to b-01 --qty 2
expect 0 "changed location A-01-04" -- location edit a-01-03 --code A-01-04 --name "Aisle A, shelf 4"
expect 0 "A-01-04" -- location list
expect 0 "Aisle A, shelf 4" -- location list
refused 2 "no location 'A-01-03'" -- location edit A-01-03 --name X
expect 0 "changed location a-01-04" -- location edit A-01-04 --code a-01-04
expect 0 "changed location a-01-04" -- location edit a-01-04 --name ''
refused 1 "location B-01 still holds 2 units" -- location retire B-01
expect 0 "moved" -- stock move --product $N --from B-01 --to A-01-04 --qty 2
expect 0 "retired location b-01" -- location retire b-01
"$E" location list > loc.txt
grep -q B-01 loc.txt && fail "a retired location is listed: $(cat loc.txt)" || ok
refused 1 "location B-01 is retired" -- stock move --product $N --from A-01-04 --to B-01 --qty 1
refused 1 "location B-01 is retired" -- stock receive --product $N --qty 1 --lot N2 --origin IT --location B-01
expect 0 "B-01" -- stock history $N

# ---- one origin's commodities (an index of the catalogue by origin) -------------
# product list --origin: the commodities on sale of that origin in the order
# added, as SQL lists them; a retired one leaves the list and comes back.
for i in 1 2 3 4 5; do
    "$E" product add --sku "OR-NZ-$i" --name-en "Kiwi $i" --origin NZ >/dev/null || fail "add OR-NZ-$i"
    "$E" product add --sku "OR-CL-$i" --name-en "Wine $i" --origin CL >/dev/null || fail "add OR-CL-$i"
done
expect 0 "retired OR-NZ-2" -- product retire OR-NZ-2
want=$(sqlite3 "$ENTREPOT_DB" "SELECT group_concat(sku, ' ') FROM (SELECT sku FROM product
    WHERE origin = 'NZ' AND retired_at IS NULL ORDER BY id LIMIT 3)")
got=$("$E" --json product list --origin nz --limit 3 | jq -r 'map(.sku) | join(" ")')
[ "$want" = "OR-NZ-1 OR-NZ-3 OR-NZ-4" ] && [ "$got" = "$want" ] && ok || fail "list --origin NZ: '$got', want '$want'"
jqtrue "one origin only" 'length == 5 and all(.origin == "CL")' -- --json product list --origin CL
expect 0 "OR-NZ-2" -- product unretire OR-NZ-2
jqtrue "unretired, listed again" 'map(.sku) == ["OR-NZ-1", "OR-NZ-2", "OR-NZ-3", "OR-NZ-4", "OR-NZ-5"]' -- --json product list --origin NZ
jqtrue "no commodity of an origin" 'length == 0' -- --json product list --origin AQ


# ---- a database of schema 27 (search keys with their second index, no lists;
# 12's trigger on inserting a commodity) migrates to 28 and 29 and searches
# the same: the lists are built from the keys, a change deletes the keys its
# list names, and a new commodity still gets its stock summary row. ----------
expect 0 "added" -- product add --sku OLD-1 --name-zh 纯牛奶 --name-en "Whole Milk" --brand 蒙牛 --reorder-point 4
expect 0 "added" -- product add --sku OLD-2 --name-zh 酸奶 --name-en "Milk Drink" --brand 伊利
sqlite3 "$ENTREPOT_DB" ".backup '$WORK/s27.db'"
sqlite3 "$WORK/s27.db" "$(schema30_undo)
    DROP TABLE product_key_list; CREATE INDEX product_key_product ON product_key(product_id, k);
    CREATE TRIGGER stock_sum_product_insert AFTER INSERT ON product WHEN new.reorder_point > 0
    BEGIN INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point)
        VALUES (new.id, 0, 0, new.reorder_point); END;
    PRAGMA user_version = 27" || fail "making a schema 27 database"
searches() {
    for q in "niu nai" "milk drink" "whole milk" "meng niu chun" "kiwi 3" "nn"; do
        echo "== $q"
        "$E" --db "$1" product search "$q"
    done
}
searches "$ENTREPOT_DB" > s29.txt
searches "$WORK/s27.db" > s27.txt
[ "$(sqlite3 "$WORK/s27.db" "PRAGMA user_version")" -gt 27 ] && ok || fail "schema 27 not migrated"
diff s29.txt s27.txt > /dev/null && ok || fail "a migrated database searches differently: $(diff s29.txt s27.txt)"
missing=$(sqlite3 "$WORK/s27.db" "SELECT count(*) FROM product_key k LEFT JOIN product_key_list l USING (product_id)
    WHERE l.keys IS NULL OR instr(l.keys, char(10) || k.k || char(31) || k.tier) = 0")
lines=$(sqlite3 "$WORK/s27.db" "SELECT sum(length(keys) - length(replace(keys, char(10), ''))) FROM product_key_list")
keys=$(sqlite3 "$WORK/s27.db" "SELECT count(*) FROM product_key")
[ "$missing" = 0 ] && [ "$lines" = "$keys" ] && ok || fail "the lists of schema 28: $missing keys missing, $lines lines for $keys keys"
expect 0 "changed OLD-1" -- --db "$WORK/s27.db" product edit OLD-1 --name-zh 果汁 --name-en "Apple Juice" --brand ""
[ -z "$("$E" --db "$WORK/s27.db" --csv product search "whole milk" | tail -n +2)" ] && ok || fail "the old name is still found"
[ -z "$("$E" --db "$WORK/s27.db" --csv product search "meng niu" | tail -n +2)" ] && ok || fail "the old brand is still found"
expect 0 "OLD-1" -- --db "$WORK/s27.db" product search "apple juice"
expect 0 "OLD-1" -- --db "$WORK/s27.db" product search "guo zhi"
left=$(sqlite3 "$WORK/s27.db" "SELECT count(*) FROM product_key k JOIN product p ON p.id = k.product_id
    WHERE p.sku = 'OLD-1' AND (k.k LIKE '%milk%' OR k.k LIKE '%niu%' OR k.k LIKE '%蒙%')")
[ "$left" = 0 ] && ok || fail "$left keys of the old names are left"
expect 0 "added OLD-3" -- --db "$WORK/s27.db" product add --sku OLD-3 --name-en "Oat Milk" --reorder-point 6
[ "$(sqlite3 "$WORK/s27.db" "SELECT s.reorder_point FROM stock_sum_product s JOIN product p ON p.id = s.product_id
    WHERE p.sku = 'OLD-3'")" = 6 ] && ok || fail "a new commodity of a migrated database has no summary row"
expect 0 "ok: integrity check passed" -- --db "$WORK/s27.db" check

finish
