#!/usr/bin/env bash
# Hostile input to the shared parsers, end to end: numbers, dates, money,
# currencies, CSV files (devices, folders, NUL bytes, endless fields, too many
# columns) and door-counter files. Each is refused with a message naming the
# value, its exit status, and the database exactly as it was. Nothing here
# may be slow: /dev/zero and endless pipes are refused at once, not timed out.
source "$(dirname "$0")/lib.sh"

export ENTREPOT_NOW=2026-11-28T01:00:00Z
expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "added location S1" -- location add S1 --kind shelf
N=3017620422003
expect 0 added -- product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13
R=(stock receive --product $N --lot L1 --origin IT --location S1)

# ---- whole numbers: every numeric option names the value and the limit.
refused 2 "quantity '99999999999999999999' is too large: the most is 1000000000" -- "${R[@]}" --qty 99999999999999999999
refused 2 "quantity '1000000001' is too large: the most is 1000000000" -- "${R[@]}" --qty 1000000001
refused 2 "quantity '0' is too small: the least is 1" -- "${R[@]}" --qty 0
refused 2 "quantity '-5' must not be negative" -- "${R[@]}" --qty -5
refused 2 "quantity '-99999999999999999999' must not be negative" -- "${R[@]}" --qty -99999999999999999999
refused 2 "quantity 'abc' is not a whole number" -- "${R[@]}" --qty abc
refused 2 "quantity '1.5' is not a whole number" -- "${R[@]}" --qty 1.5
refused 2 "quantity '1,000' is not a whole number: write it without separators" -- "${R[@]}" --qty 1,000
refused 2 "--qty is empty: give a value or leave the option out" -- "${R[@]}" --qty ""
refused 2 "quantity ' 5' is not a whole number" -- "${R[@]}" --qty " 5"
refused 2 "quantity '+5' is not a whole number" -- "${R[@]}" --qty +5
refused 2 "quantity '\\xFF' is not a whole number" -- "${R[@]}" --qty $'\xff'
refused 2 "quantity '１２' is not a whole number" -- "${R[@]}" --qty １２
refused 2 "stock receive needs --qty N" -- "${R[@]}"
refused 2 "--qty needs a value" -- "${R[@]}" --qty
C=(stock count record 00000000-0000-4000-8000-000000000000 --product $N)
refused 2 "counted quantity '99999999999999999999' is too large: the most is 1000000000" -- "${C[@]}" --qty 99999999999999999999
refused 2 "counted quantity '-1' must not be negative" -- "${C[@]}" --qty -1
refused 2 "--qty '99999999999999999999' is too large: the most is 1000000000" -- product barcode add $N 4006381333931 --qty 99999999999999999999
refused 2 "--qty '0' is too small: the least is 1" -- product barcode add $N 4006381333931 --qty 0
refused 2 "--limit '99999999999999999999' is too large" -- stock levels --limit 99999999999999999999
refused 2 "--limit '-1' must not be negative" -- stock levels --limit -1
refused 2 "--limit 'ten' is not a whole number" -- stock levels --limit ten
refused 2 "--expiring '36501' is too large: the most is 36500" -- stock levels --expiring 36501
refused 2 "--expiring '-1' must not be negative" -- stock levels --expiring -1
refused 2 "--expiring '99999999999999999999' is too large: the most is 36500" -- stock levels --expiring 99999999999999999999
refused 2 "--in '99999999999999999999' is too large: the most is 1000000000" -- flow record --start "2026-11-28 10:00" --in 99999999999999999999
refused 2 "--out '-1' must not be negative" -- flow record --start "2026-11-28 10:00" --in 1 --out -1
refused 2 "--minutes '0' is too small: the least is 1" -- flow record --start "2026-11-28 10:00" --in 1 --minutes 0
refused 2 "--minutes '1441' is too large: the most is 1440" -- flow record --start "2026-11-28 10:00" --in 1 --minutes 1441

# ---- dates: what is wrong with them, and arithmetic at the end of the range.
refused 2 "expiry '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)" -- "${R[@]}" --qty 1 --expiry 2026-02-30
refused 2 "expiry '2027-02-29' is not a date: February 2027 has no day 29 (it has 28 days)" -- "${R[@]}" --qty 1 --expiry 2027-02-29
refused 2 "expiry '2026-13-01' is not a date: there is no month 13 (months are 01 to 12)" -- "${R[@]}" --qty 1 --expiry 2026-13-01
refused 2 "import date '1899-12-31' is out of the supported range 1900-01-01 to 9999-12-31" -- "${R[@]}" --qty 1 --import-date 1899-12-31
refused 2 "expiry '30/06/2027' is not a date in the form YYYY-MM-DD" -- "${R[@]}" --qty 1 --expiry 30/06/2027
refused 2 "expiry '2027-06-3\\xFF' is not a date in the form YYYY-MM-DD" -- "${R[@]}" --qty 1 --expiry $'2027-06-3\xff'
refused 2 "production date '10000-01-01' is not a date in the form YYYY-MM-DD" -- "${R[@]}" --qty 1 --production-date 10000-01-01
# Past the last supported date every lot has expired: the window stops at 9999-12-31.
ENTREPOT_TODAY=9999-12-31 expect 0 "gtin" -- stock levels --expiring 30
ENTREPOT_TODAY=9999-12-01 expect 0 "gtin" -- stock levels --expiring 30
ENTREPOT_TODAY=2026-02-30 refused 2 "ENTREPOT_TODAY '2026-02-30' is not a date: February 2026 has no day 30" -- stock levels
refused 2 "the first day '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)" -- report sales --from 2026-02-30
refused 2 "start '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)" -- flow record --start "2026-02-30 10:00" --in 1
refused 2 "--today '2026-02-30' is not a date: February 2026 has no day 30" -- --db "$WORK/demo.db" demo --today 2026-02-30
refused 2 "--today '1899-12-31' is out of the supported range 1900-01-01 to 9999-12-31" -- --db "$WORK/demo.db" demo --today 1899-12-31
refused 2 "--seed '99999999999999999999999' is too large: the most is 18446744073709551615" -- --db "$WORK/demo.db" demo --seed 99999999999999999999999
[ ! -e "$WORK/demo.db" ] && ok || fail "a refused demo left a database file behind"

# ---- money: no decimal commas, nothing past 64 bits; whole currency codes.
refused 2 "amount '12,50' has a comma: use a point: 12.50" -- product add --gtin 4006381333931 --name-en Pen --price 12,50
refused 2 "amount '1,2,3' has a comma: write digits and a decimal point only" -- product add --gtin 4006381333931 --name-en Pen --price 1,2,3
refused 2 "amount '1,250.00' has a comma" -- product add --gtin 4006381333931 --name-en Pen --price 1,250.00
refused 2 "amount '99999999999999999999' is too large: the most is 92233720368547758.07" -- product add --gtin 4006381333931 --name-en Pen --price 99999999999999999999
refused 2 "amount '12.505' has too many fraction digits for CNY" -- product add --gtin 4006381333931 --name-en Pen --price 12.505
refused 2 "price is not valid UTF-8 text" -- product add --gtin 4006381333931 --name-en Pen --price $'\xff'
refused 2 "amount '12,50' has a comma: use a point: 12.50" -- "${R[@]}" --qty 1 --cost 12,50
refused 2 "currency 'EURO' is not an ISO 4217 code: a code has 3 letters" -- product add --gtin 4006381333931 --name-en Pen --price 1 --currency EURO
refused 2 "currency 'USDOLLAR' is not an ISO 4217 code: a code has 3 letters" -- product add --gtin 4006381333931 --name-en Pen --price 1 --currency USDOLLAR
refused 2 "currency 'CNYY' is not an ISO 4217 code: a code has 3 letters" -- product add --gtin 4006381333931 --name-en Pen --price 1 --currency CNYY
refused 2 "currency 'EURO' is not an ISO 4217 code" -- "${R[@]}" --qty 1 --cost 1.00 --currency EURO
refused 2 "tax_rate '6,5' must be a percentage" -- product add --gtin 4006381333931 --name-en Pen --tax-rate 6,5
refused 2 "net_content '1,5 kg' must be an amount and a unit" -- product add --gtin 4006381333931 --name-en Pen --net-content "1,5 kg"
refused 2 "reorder_point '99999999999999999999' is too large: the most is 1000000000" -- product add --gtin 4006381333931 --name-en Pen --reorder-point 99999999999999999999
refused 2 "shelf_life_days '1,000' is not a whole number: write it without separators" -- product add --gtin 4006381333931 --name-en Pen --shelf-life 1,000
printf '%s\nprice 12,50 typo\ncancel\n' $N > "$WORK/till.txt"
refused 0 "! amount '12,50' has a comma: use a point: 12.50" -- counter --counter C1 --cashier 王芳 < "$WORK/till.txt"

# ---- CSV files: devices, folders, NUL bytes, endless input, all at once.
refused 2 "/dev/zero: this is a device, not a CSV file" -- product import /dev/zero
refused 2 "/dev/zero: this is a device, not a CSV file" -- flow import /dev/zero
refused 2 "$WORK: this is a folder, not a CSV file" -- product import "$WORK"
refused 2 "$WORK: this is a folder, not a CSV file" -- flow import "$WORK"
refused 2 "No such file or directory" -- product import "$WORK/none.csv"
refused 2 "row 1, column 1: longer than 65536 bytes" -- product import <(yes | tr -d '\n')
refused 2 "row 1, column 1: holds a NUL byte" -- product import <(cat /dev/zero)
refused 2 "row 1: more than 1024 columns" -- flow import <(yes , | tr -d '\n')
head -c 200000 /dev/zero | tr '\0' 'x' | sed 's/^/gtin,name_en\n1,/' > "$WORK/huge-field.csv"
refused 2 "row 2, column name_en: longer than 65536 bytes" -- product import "$WORK/huge-field.csv"
printf 'gtin,name_en\n4006381\000333931,Pen\n' > "$WORK/nul-gtin.csv"
refused 2 "row 2, column gtin: holds a NUL byte" -- product import "$WORK/nul-gtin.csv"
printf 'gtin,name_en\n4006381333931,Pen\0cil\n' > "$WORK/nul-name.csv"
refused 2 "row 2, column name_en: holds a NUL byte" -- product import "$WORK/nul-name.csv"
printf 'gtin,name_en,price\n4006381333931,Pen,1\0.50\n' > "$WORK/nul-price.csv"
refused 2 "row 2, column price: holds a NUL byte" -- product import "$WORK/nul-price.csv"
printf 'gtin,name_en,origin\n4006381333931,Pen,D\0E\n' > "$WORK/nul-origin.csv"
refused 2 "row 2, column origin: holds a NUL byte" -- product import "$WORK/nul-origin.csv"
printf 'gtin,name_en\0evil\n4006381333931,Pen\n' > "$WORK/nul-header.csv"
refused 2 "row 1, column 2: holds a NUL byte" -- product import "$WORK/nul-header.csv"
printf 'gtin,name_zh\n4006381333931,\xff\xfe\n' > "$WORK/bad-utf8.csv"
refused 2 "row 2, column name_zh: not valid UTF-8 text" -- product import "$WORK/bad-utf8.csv"
printf 'gtin,name_en,price\n4006381333931,Pen,"12,50"\n' > "$WORK/comma-price.csv"
refused 2 "row 2: price: amount '12,50' has a comma: use a point: 12.50" -- product import "$WORK/comma-price.csv"
printf 'gtin,name_en,price,currency\n4006381333931,Pen,1.00,EURO\n' > "$WORK/euro.csv"
refused 2 "row 2: currency 'EURO' is not an ISO 4217 code: a code has 3 letters" -- product import "$WORK/euro.csv"
printf 'gtin,name_en\n4006381333931,"never closed\n' > "$WORK/open-quote.csv"
refused 2 "row 2, column name_en: a quoted field is never closed" -- product import "$WORK/open-quote.csv"

# ---- lines typed or piped into the counter and the scanner: bounded, text only.
refused 2 "input line 1 holds a NUL byte: this is not text" -- counter --counter C1 --cashier 王芳 < /dev/zero
refused 2 "input line 1 is longer than 1048576 bytes" -- counter --counter C1 --cashier 王芳 < <(yes | tr -d '\n')
printf '%s\n%s\n' $N "$(head -c 5000 /dev/zero | tr '\0' 7)" > "$WORK/long-line.txt"
refused 0 "! 5000 bytes is longer than any code (at most 4096)" -- counter --counter C1 --cashier 王芳 < "$WORK/long-line.txt"
refused 2 "input line 1 holds a NUL byte: this is not text" -- scan < /dev/zero
refused 2 "input line 1 is longer than 1048576 bytes" -- scan < <(yes | tr -d '\n')

# ---- door-counter files: overlapping periods, bounds on counts, NUL bytes.
H='sensor,start,minutes,in,out\n'
printf "${H}D1,2026-11-28T02:00:00Z,60,40,35\n" > "$WORK/flow1.csv"
expect 0 "imported 1 interval" -- flow import "$WORK/flow1.csv"
expect 0 "imported 1 interval" -- flow import "$WORK/flow1.csv"   # the same period again: no double count
printf "${H}D1,2026-11-28T02:30:00Z,60,4,3\n" > "$WORK/overlap.csv"
refused 2 "row 2: the period from 2026-11-28T02:30:00Z for 60 minutes overlaps the period from 2026-11-28T02:00:00Z for 60 minutes already counted by sensor 'D1'" -- flow import "$WORK/overlap.csv"
printf "${H}D2,2026-11-28T04:00:00Z,60,1,1\nD2,2026-11-28T04:59:00Z,60,1,1\n" > "$WORK/overlap2.csv"
refused 2 "row 3: the period from 2026-11-28T04:59:00Z for 60 minutes overlaps the period from 2026-11-28T04:00:00Z" -- flow import "$WORK/overlap2.csv"
refused 2 "overlaps the period from 2026-11-28T02:00:00Z for 60 minutes already counted by sensor 'D1'" -- flow record --sensor D1 --start 2026-11-28T01:30:00Z --in 3 --minutes 31
printf "${H}D1,2026-11-28T05:00:00Z,60,1000000001,0\n" > "$WORK/big-in.csv"
refused 2 "row 2: in '1000000001' is too large: the most is 1000000000" -- flow import "$WORK/big-in.csv"
printf "${H}D1,2026-11-28T05:00:00Z,60,1,-1\n" > "$WORK/neg-out.csv"
refused 2 "row 2: out '-1' must not be negative" -- flow import "$WORK/neg-out.csv"
printf "${H}D1,2026-11-28T05:00:00Z,99999999999999999999,1,1\n" > "$WORK/big-min.csv"
refused 2 "row 2: minutes '99999999999999999999' is too large: the most is 1440" -- flow import "$WORK/big-min.csv"
printf "${H}D\0001,2026-11-28T05:00:00Z,60,1,1\n" > "$WORK/nul-sensor.csv"
refused 2 "row 2, column sensor: holds a NUL byte" -- flow import "$WORK/nul-sensor.csv"
printf "${H}D1,2026-02-30T05:00:00Z,60,1,1\n" > "$WORK/bad-day.csv"
refused 2 "row 2: start '2026-02-30' is not a date: February 2026 has no day 30" -- flow import "$WORK/bad-day.csv"
printf "${H}D1,0000-01-01T05:00:00Z,60,1,1\n" > "$WORK/year0.csv"
refused 2 "row 2: start '0000-01-01' is out of the supported range 1900-01-01 to 9999-12-31" -- flow import "$WORK/year0.csv"
printf "${H}\xff,2026-11-28T05:00:00Z,60,1,1\n" > "$WORK/bad-sensor.csv"
refused 2 "row 2, column sensor: not valid UTF-8 text" -- flow import "$WORK/bad-sensor.csv"

finish
