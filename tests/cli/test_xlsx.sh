#!/usr/bin/env bash
# End to end: the exports for spreadsheets. --xlsx FILE writes a workbook
# (read back here with Python's zipfile and xml, tests/cli/xlsx_check.py) of
# the catalogue, stock levels by every --by and the reports: cells typed
# (numbers, money with its decimals, dates), the same values as the command's
# CSV, Chinese headers, a frozen header row. --excel is that CSV after a UTF-8
# byte-order mark. Bad uses are refused, the database unchanged.
source "$(dirname "$0")/lib.sh"
CHECK="$(dirname "$0")/xlsx_check.py"
export ENTREPOT_NOW=2026-11-28T01:00:00Z
cd "$WORK" || exit 1
E=$ENTREPOT

expect 0 created -- init --store SH01 --name "上海进口商品馆"
for l in "S1 shelf" "B-01 backroom"; do
    set -- $l
    expect 0 "added location $1" -- location add $1 --kind $2
done
N=3017620422003 K=5000112548167 M=4901234567894
expect 0 added -- product add --gtin $N --name-zh 榛子可可酱 --name-en "Hazelnut spread" --price 39.90 --tax-rate 13 \
    --sell-unit 瓶 --reorder-point 20
expect 0 added -- product add --gtin $K --name-zh 可口可乐 --price 3.50 --tax-rate 9
expect 0 added -- product add --gtin $M --name-zh 抹茶 --price 1234.05 --tax-rate 13
expect 0 received -- stock receive --product $N --qty 10 --lot N1 --origin IT --expiry 2027-06-30 --location S1 \
    --cost 21.30 --currency CNY
expect 0 received -- stock receive --product $K --qty 24 --lot K1 --origin GB --expiry 2027-03-01 --location B-01
expect 0 received -- stock receive --product $M --qty 4 --lot M-OLD --origin JP --import-date 2026-06-01 \
    --expiry 2026-11-01 --location S1 --cost 800 --currency CNY
export ENTREPOT_NOW=2026-11-28T02:30:00Z
expect 0 "小票" -- sale --counter C1 --cashier 王芳 --pay cash "$N*2" $K
export ENTREPOT_NOW=2026-11-28T03:10:00Z
expect 0 "小票" -- sale --counter C2 --cashier 李强 --pay card "$K*3"
# A price override a supervisor approves: a row of report approvals.
sqlite3 "$ENTREPOT_DB" "INSERT INTO setting(key, value) VALUES ('password.scrypt_log2n', '10')"
PW=correct-horse-42
printf '%s\n' "$PW" | "$E" user add li.wei --role supervisor --display 李伟 --password-stdin > /dev/null || fail "user add"
printf '%s\n' $N 'price 30.00 破损' li.wei "$PW" 'pay cash' | "$E" counter --counter C1 --cashier 王芳 > c1.txt 2>&1
grep -q "approved by li.wei" c1.txt && ok || fail "the approval: $(cat c1.txt)"
printf 'sensor,start,minutes,in,out\nD1,2026-11-28T02:00:00Z,60,40,31\nD1,2026-11-28T03:00:00Z,60,30,35\n' > door.csv
expect 0 "imported 2 intervals" -- flow import door.csv

# xlsx_of NAME TYPES -- ARGS...: the workbook and the CSV of one command,
# checked against each other.
xlsx_of() {
    local name=$1 types=$2
    shift 3
    "$E" "$@" --xlsx "$name.xlsx" 2> "$name.err" || { fail "$* --xlsx: $(cat "$name.err")"; return; }
    "$E" --csv "$@" > "$name.csv" || { fail "$* --csv"; return; }
    grep -q "wrote" "$name.err" && ok || fail "$* --xlsx says nothing: $(cat "$name.err")"
    local out
    out=$(python3 "$CHECK" "$name.xlsx" "$name.csv" $types 2>&1)
    [[ "$out" == "ok "* ]] && ok || fail "$* --xlsx: $out"
}

xlsx_of levels "on_hand=n value=n lots=n" -- stock levels
xlsx_of by_lot "expiry=d on_hand=n value=n days_left=n" -- stock levels --by lot
xlsx_of by_loc "on_hand=n products=n" -- stock levels --by location
xlsx_of by_origin "on_hand=n products=n" -- stock levels --by origin
xlsx_of low "on_hand=n short_by=n" -- stock levels --low
xlsx_of expiring "expiry=d" -- stock levels --expiring 30
xlsx_of by_day "day=d gross=n net=n units_sold=n sales=n share_%=n" -- report sales --by day
xlsx_of by_hour "gross=n" -- report sales --by hour
xlsx_of by_commodity "gross=n lines=n" -- report sales --by commodity
xlsx_of by_country "gross=n" -- report sales --by country
xlsx_of flow "period=t visitors=n avg_basket=n" -- report flow --by hour
xlsx_of flow_day "period=d visitors=n" -- report flow --by day
xlsx_of approvals "time=t receipt=n amount=n" -- report approvals
xlsx_of margin "units=n revenue=n landed_cost=n margin=n uncosted_units=n" -- report margin --by commodity
xlsx_of margin_origin "revenue=n margin=n" -- purchase margin --by origin

# The catalogue: against its own CSV export.
expect 0 "wrote 3 commodities to cat.xlsx" -- product export --xlsx cat.xlsx
"$E" product export > cat.csv
out=$(python3 "$CHECK" cat.xlsx cat.csv price=n tax_rate=n reorder_point=n gtin=s 2>&1)
[[ "$out" == "ok 3" ]] && ok || fail "catalogue --xlsx: $out"

# The cells themselves: money a number with two decimals shown, dates as
# dates, GTINs as text (leading zero kept), Chinese headers and text.
python3 "$CHECK" --dump cat.xlsx > cat.dump
grep -q "^sheet 商品$" cat.dump && ok || fail "catalogue sheet name: $(head -1 cat.dump)"
grep -q "^A1 s 商品条码 " cat.dump && ok || fail "catalogue header: $(grep '^A1 ' cat.dump)"
grep -q "^C1 s 中文品名 " cat.dump && ok || fail "catalogue header C1"
grep -q "^A[0-9] s 03017620422003 General$" cat.dump && ok || fail "GTIN not text: $(grep '^A2 ' cat.dump)"
grep -q "^J[0-9] n 1234.05 #,##0.00$" cat.dump && ok || fail "price 1234.05: $(grep '^J' cat.dump)"
grep -q "^J[0-9] n 39.9 #,##0.00$" cat.dump && ok || fail "price 39.90: $(grep '^J' cat.dump)"
grep -q "^C[0-9] s 榛子可可酱 General$" cat.dump && ok || fail "Chinese name"
python3 "$CHECK" --dump by_lot.xlsx > lot.dump
# 2027-06-30 is day 46568 of Excel's calendar.
grep -q "^E[0-9] n 46568 yyyy-mm-dd$" lot.dump && ok || fail "expiry as a date: $(grep '^E' lot.dump)"
grep -q "^F[0-9] s expired General$" lot.dump && ok || fail "an expired lot's days_left"
grep -q "^J[0-9] n 3200 #,##0.00$" lot.dump && ok || fail "lot value 3200.00: $(grep '^J' lot.dump)"
# the unit of on_hand beside it, as text
grep -q "^I1 s 计量单位 " lot.dump && grep -q "^I[0-9] s pcs General$" lot.dump && ok || fail "the lot's unit: $(grep '^I' lot.dump)"
grep -q "^E1 s 到期日 " lot.dump && ok || fail "expiry header"
python3 "$CHECK" --dump approvals.xlsx > appr.dump
grep -q "^sheet 授权$" appr.dump && ok || fail "approvals sheet"
grep -q "^H2 s 榛子可可酱 " appr.dump && grep -q "^B2 n [0-9.]* yyyy-mm-dd hh:mm:ss$" appr.dump && ok ||
    fail "approvals: the name and the time as a date and time: $(cat appr.dump)"

# --excel: a BOM, then the same bytes as --csv.
for args in "stock levels" "stock levels --by lot" "report sales --by day" "report flow" "report approvals"; do
    "$E" $args --excel > excel.csv
    "$E" --csv $args > plain.csv
    [ "$(head -c 3 excel.csv | od -An -tx1 | tr -d ' \n')" = "efbbbf" ] && ok || fail "$args --excel: no BOM"
    cmp -s <(tail -c +4 excel.csv) plain.csv && ok || fail "$args --excel: not the CSV after the BOM"
done
# --excel is every row, as for a script (a terminal gets the first 100).
"$E" stock levels --excel | grep -q "rows\|units" && fail "--excel printed the totals line" || ok

# Refusals: exit 2, nothing written, the database as it was.
refused 2 "--excel (CSV for Excel) and --xlsx FILE (a workbook): choose one" -- stock levels --excel --xlsx x.xlsx
refused 2 "--json does not go with --xlsx" -- --json stock levels --xlsx x.xlsx
refused 2 "--json does not go with --excel" -- report sales --json --excel
refused 2 "--xlsx is empty" -- report sales --xlsx ""
refused 2 "a workbook is written to a file, not to a device or pipe" -- report flow --xlsx /dev/null
refused 2 "is a folder" -- stock levels --xlsx "$WORK"
refused 2 "its folder does not exist" -- stock levels --xlsx "$WORK/nope/x.xlsx"
refused 2 "leave out cat2.csv" -- product export cat2.csv --xlsx cat2.xlsx
[ ! -e x.xlsx ] && [ ! -e cat2.xlsx ] && ok || fail "a refused export wrote a file"
before=$(sha256sum by_day.xlsx)
refused 2 "the database" -- report sales --xlsx "$ENTREPOT_DB"
refused 2 "--by 'week' must be" -- report sales --by week --xlsx by_day.xlsx
[ "$(sha256sum by_day.xlsx)" = "$before" ] && ok || fail "a refused export touched the old workbook"
ls -a | grep -q '^\.by_day' && fail "a temporary file was left" || ok
finish
