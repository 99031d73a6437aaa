#!/usr/bin/env bash
# End to end: selling units (瓶, 盒 ...; schema 15). A commodity counted in
# pieces names the unit a piece is sold as: the catalogue keeps it (CLI, CSV),
# the shelf label's unit says it, and the receipt (text, ESC/POS, PDF) prices
# per it; 规格 stays the net content. An unknown unit, or one for goods sold
# by weight, is refused by name with the database unchanged.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
LABELS="${ENT_SOURCE_DIR:-$(dirname "$0")/../..}/labels"
export ENTREPOT_LABELS="$LABELS"
export ENTREPOT_NOW=2026-11-28T01:00:00Z
cd "$WORK" || exit 1
jqtrue() {
    local what=$1 filter=$2 got
    shift 3
    got=$("$E" "$@" | jq "$filter" 2>&1)
    [ "$got" = "true" ] && ok || fail "$what: $got"
}

expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "added location S1" -- location add S1 --kind shelf
W=3017620422003
expect 0 added -- product add --gtin $W --name-zh 红葡萄酒 --name-en "Red wine" --origin FR --net-content "750 ml" \
    --price 128.00 --tax-rate 13 --sell-unit 瓶
expect 0 added -- product add --sku BOX1 --name-en "Tea box" --price 20.00 --sell-unit box
expect 0 added -- product add --sku CHEESE --name-zh 奶酪 --unit g --price 298.00

# The catalogue: by its Chinese word or its code, shown with both words.
expect 0 "瓶 bottle" -- product show $W
expect 0 "盒 box" -- product show BOX1
jqtrue "json show" 'map(select(.field == "sell_unit"))[0].value == "瓶 bottle"' -- --json product show $W

# Refused, named, the database unchanged.
refused 2 "sell_unit '杯子' is not a selling unit; the units are 瓶 bottle, 盒 box" -- product add --sku X1 \
    --name-zh 杯子 --price 2.00 --sell-unit 杯子
refused 2 "sell_unit 'Bottle' is not a selling unit" -- product edit $W --sell-unit Bottle
refused 2 "sell_unit '瓶' is for commodities counted in pcs; this one is sold by g (per kg)" -- \
    product edit CHEESE --sell-unit 瓶
refused 2 "sell_unit '瓶' is for commodities counted in pcs; this one is sold by g" -- product add --sku C2 \
    --name-zh 奶酪 --unit g --price 1.00 --sell-unit 瓶
refused 2 "--sell-unit is empty" -- product add --sku X2 --name-zh 杯 --sell-unit ""
# A unit change to g keeps the selling unit: refused until it is cleared too.
refused 2 "sell_unit 'box' is for commodities counted in pcs; this one is sold by g" -- product edit BOX1 --unit g

# Edit and clear; each change is in the history with who made it.
expect 0 changed -- product edit BOX1 --sell-unit 罐
expect 0 "罐 jar" -- product show BOX1
expect 0 changed -- product edit BOX1 --sell-unit ""
out=$("$E" product show BOX1)
[[ "$out" != *"jar"* ]] && ok || fail "sell unit not cleared: $out"
expect 0 "sell_unit" -- product history BOX1
jqtrue "history of the selling unit" 'map(select(.field == "sell_unit")) | .[0].old == "box" and .[0].new == "jar" and .[1].old == "jar" and .[1].new == null and .[0].user == "root"' -- --json product history BOX1

# CSV: the column exports the code and imports a code or a word; a bad one
# stops the whole file, naming its row.
"$E" product export > cat.csv
tr -d '\r' < cat.csv > cat.txt
head -1 cat.txt | grep -q ",sell_unit," && ok || fail "export header: $(head -1 cat.csv)"
grep -q "^0$W,.*,bottle,,,,,,,,,$" cat.txt && ok || fail "export row: $(grep $W cat.txt)"
printf 'sku,name_zh,price,sell_unit\nJAM1,果酱,25.00,罐\nJAM2,果酱二,25.00,\n' > in.csv
expect 0 "imported 2" -- product import in.csv
expect 0 "罐 jar" -- product show JAM1
printf 'sku,name_zh,price,sell_unit\nJAM3,果酱三,25.00,bottle\nJAM4,果酱四,25.00,碗\n' > bad.csv
refused 2 "row 3: sell_unit '碗' is not a selling unit" -- product import bad.csv

# The shelf label's unit is the selling unit; 规格 stays the net content.
expect 0 "wrote 1 label" -- label print --template shelf-60x40 $W --out shelf.pdf
pdftotext shelf.pdf - | tr -s ' ' > shelf.txt
grep -q "单位 Unit: 瓶" shelf.txt && ok || fail "shelf label unit: $(cat shelf.txt)"
grep -q "规格 Spec: 750 ml" shelf.txt && ok || fail "shelf label spec: $(cat shelf.txt)"
expect 0 "wrote 1 label" -- label print --template shelf-60x40 3017620422003 --out plain.pdf

# Receipts: text, ESC/POS (GB18030) and PDF say 2瓶 x 128.00/瓶.
expect 0 received -- stock receive --product $W --qty 10 --lot W1 --origin FR --expiry 2030-06-30 --location S1
"$E" sale --counter C1 --cashier 王芳 --pay cash "$W*2" > sale.txt 2>&1 || fail "the sale: $(cat sale.txt)"
grep -q "2瓶 x 128.00/瓶 法国" sale.txt && ok || fail "receipt line: $(cat sale.txt)"
R=$(sed -n 's/.*Receipt No\. \([0-9]*\).*/\1/p' sale.txt | head -1)
[ -n "$R" ] && ok || fail "no receipt number"
expect 0 "2瓶 x 128.00/瓶" -- sale --reprint "$R"
jqtrue "sale json" '.lines[0].sell_unit == "bottle" and .lines[0].qty == 1' -- --json sale --counter C1 --cashier 王芳 --pay cash "$W"
expect 0 "" -- sale --reprint "$R" --format pdf --out r.pdf
pdftotext -layout r.pdf - | tr -s ' ' | grep -q "2瓶 x 128.00/瓶" && ok || fail "PDF receipt: $(pdftotext r.pdf -)"
printf '%s\n*2\npay cash\n' "$W" | "$E" counter --counter C3 --cashier 张伟 --escpos esc.bin > till.txt
# the till's screen says it as the receipt does
grep -q "  法国 FR  2瓶 x 128.00/瓶 = 256.00$" till.txt && ok || fail "till line: $(cat till.txt)"
grep -q "$(printf '2\xc6\xbf x 128.00/\xc6\xbf')" esc.bin && ok || fail "ESC/POS lacks 2瓶 x 128.00/瓶 in GB18030"
# A later change of the catalogue does not change what the receipt said; a
# return says the sold line's unit.
expect 0 changed -- product edit $W --sell-unit 箱
expect 0 "2瓶 x 128.00/瓶" -- sale --reprint "$R"
expect 0 "-1瓶 x 128.00/瓶" -- return "$R" "$W*1" --counter C1 --cashier 王芳
# A commodity without one prints as before.
expect 0 received -- stock receive --product JAM2 --qty 5 --lot J2 --origin FR --expiry 2030-06-30 --location S1
"$E" sale --counter C1 --cashier 王芳 --pay cash "JAM2*3" > sale2.txt 2>&1 || fail "sale 2: $(cat sale2.txt)"
grep -q "  3 x 25.00 法国" sale2.txt && ok || fail "plain line: $(cat sale2.txt)"
# Weighed goods at the till: the weight or volume, at the price of a kilogram
# or a litre (a scale's weight label 21 12345 00523, 523 g, and price label 22 54321 045.00,
# which sells 750 ml).
expect 0 "" -- scan config --instore 21IIIIIWW.WWWC,22IIIIIPPP.PPC,23IIIIIWW.WWWC
expect 0 added -- product add --gtin 2112345000008 --name-zh 帕尔马奶酪 --unit g --price 180.00 --tax-rate 9
expect 0 added -- product add --gtin 2254321000005 --name-zh 散装橄榄油 --unit ml --price 60.00 --tax-rate 9
expect 0 received -- stock receive --product 2112345000008 --qty 5000 --lot C1 --origin IT --location S1
expect 0 received -- stock receive --product 2254321000005 --qty 20000 --lot O1 --origin ES --location S1
printf '2112345005232\n2254321045006\ncancel\n' | "$E" counter --counter C4 --cashier 张伟 > weighed.txt
grep -q "  意大利 IT  523 g at 180.00/kg = 94.14$" weighed.txt && ok || fail "weighed line: $(cat weighed.txt)"
grep -q "  西班牙 ES  750 ml at 60.00/l = 45.00$" weighed.txt && ok || fail "volume line: $(cat weighed.txt)"
# a weight label for goods kept in ml is refused in those words, the basket as it was
expect 0 added -- product add --gtin 2354321000002 --name-zh 散装葵花油 --unit ml --price 30.00 --tax-rate 9
printf '2354321007506\nsub\ncancel\n' | "$E" counter --counter C4 --cashier 张伟 > mismatch.txt
grep -q "! 散装葵花油 is sold by volume: this label's measure cannot sell it" mismatch.txt && grep -q "subtotal 0.00" mismatch.txt \
    && ok || fail "a weight label for ml goods: $(cat mismatch.txt)"
finish
