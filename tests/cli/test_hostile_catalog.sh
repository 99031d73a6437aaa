#!/usr/bin/env bash
# Hostile input for the catalogue and locations: every product and location
# command and option given missing, empty, huge, negative, non-numeric,
# impossible and non-UTF-8 values. Each row must be refused with its exit
# status and a message naming what was wrong, the database left exactly as
# it was (refused compares sqlite3 .dump before and after).
source "$(dirname "$0")/lib.sh"

HUGE=$(head -c 5000 /dev/zero | tr '\0' x)
NUT=3017620422003

expect 0 "created" -- init --store SH01 --name "测试店"
expect 0 "added location A-01-03" -- location add A-01-03 --name "Aisle A"
expect 0 "added location Q-1" -- location add Q-1 --kind quarantine
expect 0 "added $NUT" -- product add --gtin $NUT --sku NUT-400 --name-zh 榛子可可酱 --price 39.90
expect 0 "added PEN-1" -- product add --sku PEN-1 --name-en Pen --price 8.50
expect 0 "received" -- stock receive --product $NUT --qty 223 --lot L1 --origin IT --location A-01-03

# ---- product add ------------------------------------------------------------
refused 2 "a commodity needs a gtin or a sku" -- product add --name-en Nothing
refused 2 "a commodity needs a name" -- product add --gtin 4006381333931
refused 2 "--gtin needs a value" -- product add --gtin
refused 2 "--gtin is empty" -- product add --gtin '' --sku X-1 --name-en X
refused 2 "--sku is empty" -- product add --gtin 4006381333931 --sku '' --name-en X
refused 2 "--name-en is empty" -- product add --gtin 4006381333931 --name-zh 笔 --name-en ''
refused 2 "--price is empty" -- product add --gtin 4006381333931 --name-en X --price ''
refused 2 "--unit is empty" -- product add --gtin 4006381333931 --name-en X --unit ''
refused 2 "--origin is empty" -- product add --gtin 4006381333931 --name-en X --origin ''
refused 2 "--tax-rate is empty" -- product add --gtin 4006381333931 --name-en X --tax-rate ''
refused 2 "--reorder-point is empty" -- product add --gtin 4006381333931 --name-en X --reorder-point ''
refused 2 "GTIN 00000000: all zeros is not a GTIN" -- product add --gtin 00000000 --name-en X
refused 2 "GTIN 000000000000: all zeros is not a GTIN" -- product add --gtin 000000000000 --name-en X
refused 2 "GTIN 0000000000000: all zeros is not a GTIN" -- product add --gtin 0000000000000 --name-en X
refused 2 "GTIN 00000000000000: all zeros is not a GTIN" -- product add --gtin 00000000000000 --name-en X
refused 2 "GTIN 4006381333932: check digit should be 1" -- product add --gtin 4006381333932 --name-en X
refused 2 "GTIN -4006381333931: '-' is not a digit" -- product add --gtin -4006381333931 --name-en X
refused 2 "gtin is not valid UTF-8 text" -- product add --gtin $'\xff' --name-en X
refused 2 "gtin is too long" -- product add --gtin "$HUGE" --name-en X
refused 2 "sku is not valid UTF-8" -- product add --sku $'\xff\xfe' --name-en X
refused 2 "sku 'has space' must be 1 to 32 letters" -- product add --sku "has space" --name-en X
refused 2 "sku is too long" -- product add --sku "$HUGE" --name-en X
refused 2 "sku 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱" -- \
    product add --sku 03017620422003 --name-en X
refused 2 "sku 03017620422003 is already used by another commodity" -- product add --sku $NUT --name-en X
refused 2 "sku NUT-400 is already used by another commodity" -- product add --sku NUT-400 --name-en X
refused 2 "name_zh is not valid UTF-8 text" -- product add --sku X-1 --name-zh $'\xe6\xa6'
refused 2 "name_en is too long: 5000 bytes, at most 200" -- product add --sku X-1 --name-en "$HUGE"
refused 2 "name_en holds a control character (byte 4)" -- product add --sku X-1 --name-en $'Pen\tblue'
refused 2 "brand is too long: 5000 bytes, at most 500" -- product add --sku X-1 --name-en X --brand "$HUGE"
refused 2 "origin 'ZZ' is not an ISO 3166-1 country code" -- product add --sku X-1 --name-en X --origin ZZ
refused 2 "origin is not valid UTF-8 text" -- product add --sku X-1 --name-en X --origin $'\xff'
refused 2 "hs_code '12' must be 6 to 10 digits" -- product add --sku X-1 --name-en X --hs-code 12
refused 2 "hs_code '12345678901' must be 6 to 10 digits" -- product add --sku X-1 --name-en X --hs-code 12345678901
refused 2 "hs_code 'abcdef' must be 6 to 10 digits" -- product add --sku X-1 --name-en X --hs-code abcdef
refused 2 "unit 'kg' must be pcs, g or ml" -- product add --sku X-1 --name-en X --unit kg
refused 2 "unit 'PCS' must be pcs, g or ml" -- product add --sku X-1 --name-en X --unit PCS
refused 2 "net_content '0 g' must be an amount" -- product add --sku X-1 --name-en X --net-content "0 g"
refused 2 "net_content '-5 g' must be an amount" -- product add --sku X-1 --name-en X --net-content "-5 g"
refused 2 "net_content '10001 kg' must be an amount" -- product add --sku X-1 --name-en X --net-content "10001 kg"
refused 2 "net_content '99999999999999999999 g' must be" -- \
    product add --sku X-1 --name-en X --net-content "99999999999999999999 g"
refused 2 "net_content '500' must be an amount" -- product add --sku X-1 --name-en X --net-content 500
refused 2 "net_content '1.0005 kg' must be an amount" -- product add --sku X-1 --name-en X --net-content "1.0005 kg"
refused 2 "price '-1' must not be negative" -- product add --sku X-1 --name-en X --price -1
refused 2 "price '100000000.01' is too high: at most 100000000.00 CNY" -- \
    product add --sku X-1 --name-en X --price 100000000.01
refused 2 "price: amount '9999999999999999999999' is too large" -- product add --sku X-1 --name-en X --price 9999999999999999999999
refused 2 "price: " -- product add --sku X-1 --name-en X --price abc
refused 2 "price: " -- product add --sku X-1 --name-en X --price 1.234
refused 2 "currency 'EURO' is not an ISO 4217 code" -- product add --sku X-1 --name-en X --currency EURO --price 1
refused 2 "currency 'XYZ' is not an ISO 4217 code" -- product add --sku X-1 --name-en X --currency XYZ --price 1
refused 2 "tax_rate '101' must be a percentage from 0 to 100" -- product add --sku X-1 --name-en X --tax-rate 101
refused 2 "tax_rate '-1' must be a percentage" -- product add --sku X-1 --name-en X --tax-rate -1
refused 2 "tax_rate 'abc' must be a percentage" -- product add --sku X-1 --name-en X --tax-rate abc
refused 2 "tax_rate '9.555' must be a percentage" -- product add --sku X-1 --name-en X --tax-rate 9.555
refused 2 "tax_rate '9.50000000000000000000000000000000000' must be" -- \
    product add --sku X-1 --name-en X --tax-rate 9.50000000000000000000000000000000000
refused 2 "reorder_point '-1' must not be negative" -- \
    product add --sku X-1 --name-en X --reorder-point -1
refused 2 "reorder_point '1000000001' is too large: the most is 1000000000" -- \
    product add --sku X-1 --name-en X --reorder-point 1000000001
refused 2 "reorder_point 'ten' is not a whole number" -- product add --sku X-1 --name-en X --reorder-point ten
refused 2 "shelf_life_days '0' is too small: the least is 1" -- product add --sku X-1 --name-en X --shelf-life 0
refused 2 "shelf_life_days '36501' is too large: the most is 36500" -- \
    product add --sku X-1 --name-en X --shelf-life 36501
refused 2 "unknown option '--colour'" -- product add --sku X-1 --name-en X --colour red
refused 2 "unexpected argument" -- product add extra --sku X-1 --name-en X

# ---- product edit -----------------------------------------------------------
refused 2 "product edit needs the CODE" -- product edit
refused 2 "nothing to change: give at least one field and its new value" -- product edit $NUT
refused 2 "no commodity code given" -- product edit '' --price 1
refused 2 "no commodity has the code 'NOPE'" -- product edit NOPE --price 1
refused 2 "no commodity has the code '\\xFF'" -- product edit $'\xff' --price 1
refused 2 "GTIN 0000000000000: all zeros is not a GTIN" -- product edit 0000000000000 --price 1
refused 1 "03017620422003 榛子可可酱: the unit cannot change from pcs to g while 223 pcs are on hand" -- \
    product edit $NUT --unit g
refused 2 "unit cannot be cleared" -- product edit $NUT --unit ''
refused 2 "currency cannot be cleared" -- product edit $NUT --currency ''
refused 2 "tax_rate cannot be cleared" -- product edit $NUT --tax-rate ''
refused 2 "reorder_point cannot be cleared" -- product edit $NUT --reorder-point ''
refused 2 "a commodity needs a gtin or a sku" -- product edit PEN-1 --sku ''
refused 2 "a commodity needs a name" -- product edit PEN-1 --name-en ''
refused 2 "changing the currency needs the price in it too" -- product edit $NUT --currency EUR
refused 2 "price '100000000.01' is too high" -- product edit $NUT --price 100000000.01
refused 2 "price '-0.01' must not be negative" -- product edit $NUT --price -0.01
refused 2 "GTIN 00000000: all zeros is not a GTIN" -- product edit PEN-1 --gtin 00000000
refused 2 "GTIN 03017620422003 is already used by another commodity" -- product edit PEN-1 --gtin $NUT
refused 2 "sku NUT-400 is already used by another commodity" -- product edit PEN-1 --sku NUT-400
refused 2 "sku 03017620422003 is already used by another commodity" -- product edit PEN-1 --sku 3017620422003
refused 2 "name_zh is not valid UTF-8 text" -- product edit $NUT --name-zh $'\xff'
refused 2 "net_content '10000001 pcs' must be" -- product edit $NUT --net-content "10000001 pcs"
refused 2 "reorder_point '99999999999999999999' is too large: the most is 1000000000" -- \
    product edit $NUT --reorder-point 99999999999999999999

# ---- product show / list / search -------------------------------------------
refused 2 "product show needs the CODE" -- product show
refused 2 "no commodity code given" -- product show ''
refused 2 "no commodity has the code 'NOPE'" -- product show NOPE
refused 2 "no commodity has the code '\\xFF'" -- product show $'\xff'
refused 2 "no commodity has the code 'xxxxxxxxxx" -- product show "$HUGE"
refused 2 "GTIN 00000000: all zeros is not a GTIN" -- product show 00000000
refused 2 "too many arguments: at most 1, 'PEN-1' is one more" -- product show $NUT PEN-1
refused 2 "product list takes no argument" -- product list extra
refused 2 "the origin to list is empty" -- product list --origin ''
refused 2 "origin 'ZZ' is not an ISO 3166-1 country code" -- product list --origin ZZ
refused 2 "origin is not valid UTF-8 text" -- product list --origin $'\xff'
refused 2 "product search needs the TEXT" -- product search
refused 2 "the text to search for is empty" -- product search ''
refused 2 "search text is not valid UTF-8 text" -- product search $'\xff'
refused 2 "search text is too long: 5000 bytes, at most 200" -- product search "$HUGE"
refused 2 "search text holds a control character" -- product search $'a\x01b'
refused 2 "the origin to list is empty" -- product search nut --origin ''

# ---- product import / export ------------------------------------------------
refused 2 "product import needs a CSV FILE" -- product import
refused 2 "product import needs a CSV FILE" -- product import ''
refused 2 "No such file" -- product import "$WORK/missing.csv"
printf 'gtin,name_en,price\n4006381333931,Pen,1\n5000112548167,Cola,2\n04006381333931,Pen again,3\n' > "$WORK/dup.csv"
refused 2 "row 4: GTIN 04006381333931 is a duplicate of row 2 of the same file" -- product import "$WORK/dup.csv"
refused 2 "row 4: GTIN 04006381333931 is a duplicate of row 2 of the same file" -- product import --update "$WORK/dup.csv"
printf 'sku,name_en\nA-1,One\nB-2,Two\nA-1,Three\n' > "$WORK/dupsku.csv"
refused 2 "row 4: sku A-1 is a duplicate of row 2 of the same file" -- product import "$WORK/dupsku.csv"
printf 'gtin,sku,name_en\n4006381333931,A-1,One\n5000112548167,A-1,Two\n' > "$WORK/dupsku2.csv"
refused 2 "row 3: sku A-1 is a duplicate of row 2 of the same file" -- product import "$WORK/dupsku2.csv"
printf 'gtin,name_en\n3017620422003,Again\n' > "$WORK/known.csv"
refused 2 "row 2: GTIN 03017620422003 is already in the catalogue as 03017620422003 榛子可可酱" -- \
    product import "$WORK/known.csv"
printf 'sku,name_en\n3017620422003,Clash\n' > "$WORK/skuclash.csv"
refused 2 "row 2: sku 03017620422003 is already used by another commodity" -- product import "$WORK/skuclash.csv"
printf 'gtin,name_en\n00000000,Zero\n' > "$WORK/zero.csv"
refused 2 "row 2: GTIN 00000000: all zeros is not a GTIN" -- product import "$WORK/zero.csv"
printf 'gtin,name_en,price\n4006381333931,Pen,100000000.01\n' > "$WORK/dear.csv"
refused 2 "row 2: price '100000000.01' is too high" -- product import "$WORK/dear.csv"
printf 'gtin,unit\n3017620422003,g\n' > "$WORK/unit.csv"
refused 1 "row 2: 03017620422003 榛子可可酱: the unit cannot change from pcs to g while 223 pcs are on hand" -- \
    product import --update "$WORK/unit.csv"
printf 'gtin,tax_rate\n3017620422003,\n' > "$WORK/cleartax.csv"
refused 2 "row 2: tax_rate cannot be cleared" -- product import --update "$WORK/cleartax.csv"
printf 'gtin,name_en,colour\n4006381333931,Pen,red\n' > "$WORK/colour.csv"
refused 2 "row 1, column 3: unknown column 'colour'" -- product import "$WORK/colour.csv"
printf 'gtin,name_en,\xff\n4006381333931,Pen,red\n' > "$WORK/badhead.csv"
refused 2 "not valid UTF-8" -- product import "$WORK/badhead.csv"
printf 'gtin,name_en\n4006381333931,\xff\n' > "$WORK/badcell.csv"
refused 2 "not valid UTF-8" -- product import "$WORK/badcell.csv"
# A catalogue with no SKU of digits and no extra barcode: an import leaves a
# row's clash to the UNIQUE indexes, then names it in the same words (issue 16).
SAVED_DB=$ENTREPOT_DB
export ENTREPOT_DB="$WORK/plain.db"
expect 0 "created" -- init --store SH01 --name "测试店"
printf 'gtin,sku,name_en,reorder_point\n3017620422003,NUT-400,Nut,5\n' > "$WORK/plain.csv"
expect 0 "imported 1 commodities" -- product import "$WORK/plain.csv"
printf 'gtin,name_en,reorder_point\n4006381333931,Pen,3\n03017620422003,Again,2\n' > "$WORK/plain2.csv"
refused 2 "row 3: GTIN 03017620422003 is already in the catalogue as 03017620422003 Nut" -- \
    product import "$WORK/plain2.csv"
printf 'gtin,sku,name_en\n4006381333931,NUT-400,Pen\n' > "$WORK/plain3.csv"
refused 2 "row 2: sku NUT-400 is already used by another commodity: 03017620422003 Nut" -- \
    product import "$WORK/plain3.csv"
expect 0 "ok: integrity check passed" -- check
export ENTREPOT_DB=$SAVED_DB
refused 2 "the FILE name is empty" -- product export ''
refused 2 "too many arguments: at most 1, 'b.csv' is one more" -- product export a.csv b.csv

# ---- product retire / unretire ----------------------------------------------
refused 2 "product retire needs the CODE" -- product retire
refused 2 "no commodity code given" -- product retire ''
refused 2 "no commodity has the code 'NOPE'" -- product retire NOPE
refused 1 "PEN-1 Pen is not retired" -- product unretire PEN-1
expect 0 "retired PEN-1" -- product retire PEN-1
refused 1 "PEN-1 Pen is already retired" -- product retire PEN-1
refused 2 "sku PEN-1 is already used by another commodity: PEN-1 Pen (retired, kept for history)" -- \
    product add --sku PEN-1 --name-en "New pen"
refused 2 "product unretire needs the CODE" -- product unretire

# ---- product barcode ----------------------------------------------------------
refused 2 "GTIN 00000000000000: all zeros is not a GTIN" -- product barcode add $NUT 00000000000000
refused 2 "barcode 03017620422003 is already used by another commodity" -- product barcode add $NUT $NUT
refused 2 "barcode NUT-400 is already used by another commodity" -- product barcode add $NUT NUT-400
refused 2 "--qty '0' is too small: the least is 1" -- product barcode add $NUT 13017620422000 --qty 0
refused 2 "--qty '-12' must not be negative" -- product barcode add $NUT 13017620422000 --qty -12
refused 2 "quantity 100001: a barcode stands for 1 to 100000 units" -- \
    product barcode add $NUT 13017620422000 --qty 100001
refused 2 "--qty '\\xFF' is not a whole number" -- product barcode add $NUT 13017620422000 --qty $'\xff'
refused 2 "--qty 'ten' is not a whole number" -- product barcode add $NUT 13017620422000 --qty ten
refused 2 "barcode is not valid UTF-8 text" -- product barcode add $NUT $'\xff'
refused 2 "barcode is too long" -- product barcode add $NUT "$HUGE"

# ---- location add / list / edit / retire --------------------------------------
refused 2 "location add needs the CODE" -- location add
refused 2 "location code '' must be 1 to 32 letters" -- location add ''
refused 2 "location code '\\xFF' must be 1 to 32 letters" -- location add $'\xff'
refused 2 "location code 'A 1' must be 1 to 32 letters" -- location add "A 1"
refused 2 "location code 'xxxxxxxx" -- location add "$HUGE"
refused 2 "location a-01-03 already exists as A-01-03" -- location add a-01-03
refused 2 "location A-01-03 already exists" -- location add A-01-03
refused 2 "the location kind is empty" -- location add B-1 --kind ''
refused 2 "location kind 'attic' must be shelf, backroom, bonded, quarantine or returns" -- location add B-1 --kind attic
refused 2 "location kind 'SHELF' must be" -- location add B-1 --kind SHELF
refused 2 "location kind '\\xFF' must be" -- location add B-1 --kind $'\xff'
refused 2 "the location name is empty" -- location add B-1 --name ''
refused 2 "location name is not valid UTF-8 text" -- location add B-1 --name $'\xff'
refused 2 "location name is too long: 5000 bytes, at most 200" -- location add B-1 --name "$HUGE"
refused 2 "location name holds a control character" -- location add B-1 --name $'a\nb'
refused 2 "--kind needs a value" -- location add B-1 --kind
refused 2 "unexpected argument" -- location list extra
refused 2 "unknown option '--kind'" -- location list --kind shelf
refused 2 "unknown location command 'move'" -- location move A-01-03
refused 2 "unknown location command '\\xFF'" -- location $'\xff'
refused 2 "unknown product command '\\xFF\\xFE'" -- product $'\xff\xfe'
refused 2 "unknown product command 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'" -- product "$HUGE"
refused 2 "location edit needs the CODE" -- location edit
refused 2 "nothing to change: give a new code or a new name" -- location edit A-01-03
refused 2 "location code '' must be 1 to 32 letters" -- location edit '' --name X
refused 2 "no location 'Z-9' (see \`entrepot location list\`)" -- location edit Z-9 --name X
refused 2 "location code '' must be 1 to 32 letters" -- location edit A-01-03 --code ''
refused 2 "location code 'A 2' must be 1 to 32 letters" -- location edit A-01-03 --code "A 2"
refused 2 "location q-1 already exists as Q-1" -- location edit A-01-03 --code q-1
refused 2 "location name is not valid UTF-8 text" -- location edit A-01-03 --name $'\xff'
refused 2 "location retire needs the CODE" -- location retire
refused 2 "location code '' must be 1 to 32 letters" -- location retire ''
refused 2 "no location 'Z-9'" -- location retire Z-9
refused 1 "location A-01-03 still holds 223 units" -- location retire a-01-03
expect 0 "retired location Q-1" -- location retire Q-1
refused 1 "location Q-1 is already retired" -- location retire q-1
refused 1 "location Q-1 is retired: it keeps its code and name" -- location edit Q-1 --name X
refused 2 "location Q-1 already exists (retired, kept for history)" -- location add q-1
refused 2 "location Q-1 already exists (retired, kept for history)" -- location edit A-01-03 --code Q-1
refused 1 "location Q-1 is retired: no stock can go there" -- \
    stock receive --product $NUT --qty 1 --lot L2 --origin IT --location q-1

finish
