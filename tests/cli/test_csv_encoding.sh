#!/usr/bin/env bash
# End to end: catalogue CSV to and from Excel. `product export --excel`
# starts the file with a UTF-8 byte-order mark; `product import --encoding
# gb18030|gbk` reads a file saved by Excel on Chinese Windows; a file that is
# not UTF-8 is refused naming its line and byte and what to try, with the
# database unchanged. Every CSV import (catalogue, suppliers, supplier items,
# exchange rates, door counts) takes --encoding through the same decoding
# step (ent_csv_decode) and says the same.
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

# ---- every other import: GB18030 read, the same words when it is not UTF-8.
HINT="if it came from Excel try --encoding gb18030"
printf 'code,name_zh,currency,lead_days\r\nKR-1,韩国食品,KRW,10\r\nCN-1,福建茶叶进出口公司,CNY,3\r\n' |
    iconv -f UTF-8 -t GB18030 > sup.csv
refused 2 "sup.csv: row 2, column name_zh: not valid UTF-8 text; the file is not UTF-8: line 2 byte 6; $HINT" -- \
    supplier import sup.csv
expect 0 "imported 2 suppliers" -- supplier import sup.csv --encoding gb18030
expect 0 "福建茶叶进出口公司" -- supplier list
printf 'supplier,product,supplier_code,pack_size,last_price\r\nCN-1,TEA1,乌龙-01,12,20.00\r\n' |
    iconv -f UTF-8 -t GB18030 > items.csv
refused 2 "the file is not UTF-8: line 2 byte 11; $HINT" -- supplier item-import items.csv
expect 0 "imported 1 supplier items" -- supplier item-import items.csv --encoding GB18030
expect 0 "乌龙-01" -- supplier item-export
printf 'supplier,product,supplier_code,pack_size\r\nCN-1,TEA2,\x81\x30,12\r\n' > items-bad.csv
refused 2 "items-bad.csv: the file is not GB18030: line 2 byte 11" -- \
    supplier item-import items-bad.csv --encoding gb18030
# Rates: ASCII, which every one of the encodings reads the same; a stray byte
# is named the same way.
printf 'currency,day,rate\r\nUSD,2026-11-27,7.101000\r\n' | iconv -f UTF-8 -t GBK > rates.csv
expect 0 "imported 1 rates" -- rate import rates.csv --encoding gbk
printf 'currency,day,rate\r\nUSD,2026-11-28,7.1\xff\r\n' > rates-bad.csv
refused 2 "rates-bad.csv: the file is not GBK: line 2 byte 19" -- rate import rates-bad.csv --encoding gbk
refused 2 "--encoding is for rate import" -- rate set USD 2026-11-28 7.1 --encoding gbk
# Door counts from a counter whose software writes GB18030 sensor names.
printf 'sensor,start,minutes,in,out\n东门,2026-11-28T02:00:00Z,60,40,31\n' | iconv -f UTF-8 -t GB18030 > door.csv
refused 2 "the file is not UTF-8: line 2 byte 1; $HINT" -- flow import door.csv
expect 0 "imported 1 interval" -- flow import door.csv --encoding gb18030
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT sensor FROM flow_count")" = "东门" ] && ok || fail "sensor 东门 not stored as UTF-8"
refused 2 "--encoding 'big5': utf-8, gb18030 or gbk" -- flow import door.csv --encoding big5
refused 2 "--encoding is for flow import" -- flow record --start "2026-11-28 13:00" --in 1 --encoding gbk
# Four-byte GB18030 (beyond GBK): 𠀀 (U+20000) round trips.
printf 'sku,name_zh,price\nTEA6,茶𠀀,1.00\n' | iconv -f UTF-8 -t GB18030 > four.csv
expect 0 "imported 1" -- product import four.csv --encoding gb18030
expect 0 "茶𠀀" -- product show TEA6
finish
