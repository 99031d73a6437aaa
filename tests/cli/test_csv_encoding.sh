#!/usr/bin/env bash
# End to end: catalogue CSV to and from Excel. `product export --excel`
# starts the file with a UTF-8 byte-order mark; `product import --encoding
# gb18030|gbk` reads a file saved by Excel on Chinese Windows; a file that is
# not UTF-8 is refused naming its line and byte and what to try, with the
# database unchanged.
source "$(dirname "$0")/lib.sh"
export ENTREPOT_NOW=2026-11-28T01:00:00Z
cd "$WORK" || exit 1

expect 0 created -- init --store SH01 --name "上海进口商品馆"
expect 0 added -- product add --gtin 3017620422003 --name-zh 榛子可可酱 --price 39.90 --sell-unit 瓶

# --excel: a BOM, then the same CSV (which reads back: the reader skips a BOM).
"$ENTREPOT" product export --excel > excel.csv
[ "$(head -c 3 excel.csv | od -An -tx1 | tr -d ' \n')" = "efbbbf" ] && ok || fail "--excel: no BOM"
"$ENTREPOT" product export > plain.csv
cmp -s <(tail -c +4 excel.csv) plain.csv && ok || fail "--excel: not the same CSV after the BOM"
head -c 3 plain.csv | grep -q "gti" && ok || fail "plain export starts with a BOM"
expect 0 "" -- product export --excel cat-excel.csv
cmp -s cat-excel.csv excel.csv && ok || fail "--excel to a file differs"

# GB18030 (and GBK) from Excel: converted, imported, the names intact.
printf 'sku,name_zh,price,sell_unit\nTEA1,乌龙茶,28.50,盒\nTEA2,普洱茶饼,88.00,\n' | iconv -f UTF-8 -t GB18030 > gb.csv
! iconv -f UTF-8 -t UTF-8 gb.csv >/dev/null 2>&1 && ok || fail "the GB18030 file is valid UTF-8: no test"
refused 2 "gb.csv: row 2, column name_zh: not valid UTF-8 text; the file is not UTF-8: line 2 byte 6; if it came from Excel try --encoding gb18030" -- \
    product import gb.csv
expect 0 "imported 2" -- product import gb.csv --encoding gb18030
expect 0 "乌龙茶" -- product show TEA1
expect 0 "盒 box" -- product show TEA1
printf 'sku,name_zh,price\nTEA3,红茶,18.00\n' | iconv -f UTF-8 -t GBK > gbk.csv
expect 0 "imported 1" -- product import gbk.csv --encoding GBK
expect 0 "红茶" -- product show TEA3
# A byte GB18030 has no character for: named by line and byte, nothing written.
printf 'sku,name_zh,price\nTEA4,\xb0\xa1\xff\xff,1.00\n' > badgb.csv
refused 2 "badgb.csv: the file is not GB18030: line 2 byte 8" -- product import badgb.csv --encoding gb18030
printf 'sku,name_zh,price\nTEA4,\xb0' > cut.csv
refused 2 "the file is not GB18030: line 2 byte 6 (it ends inside a character)" -- product import cut.csv --encoding gb18030
refused 2 "--encoding 'latin1': utf-8, gb18030 or gbk" -- product import gb.csv --encoding latin1
# UTF-8 said explicitly is the default; standard input converts too.
expect 0 "imported 1" -- product import plain.csv --encoding utf-8 --update
iconv -f UTF-8 -t GB18030 <<<'sku,name_zh,price
TEA5,茉莉花茶,12.00' > jas.csv
expect 0 "imported 1" -- product import - --encoding gb18030 < jas.csv
finish
