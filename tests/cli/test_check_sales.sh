#!/usr/bin/env bash
# End to end: `check` reconciles every sale and return with its signed
# journal record, its own lines, lots and stock moves, and the report
# summaries with the sales. A table of tamperings, each done with raw SQL on
# a copy of one database (triggers dropped, as a tamperer would), each named
# by check with its own message and exit 1.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
export ENTREPOT_NOW=2026-11-28T02:00:00Z   # 10:00 in Shanghai
unset ENTREPOT_KEY ENTREPOT_KEY_PASSPHRASE

"$E" init --store SH01 --name "上海进口商品馆" >/dev/null
"$E" location add S1 --kind shelf >/dev/null
"$E" location add R-1 --kind returns >/dev/null
N=3017620422003 K=5000112548167
"$E" product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13 >/dev/null
"$E" product add --gtin $K --name-zh 可口可乐 --price 3.50 --tax-rate 9 >/dev/null
"$E" stock receive --product $N --qty 1 --lot N1 --origin IT --expiry 2027-06-30 --location S1 >/dev/null
"$E" stock receive --product $N --qty 5 --lot N2 --origin IT --expiry 2027-08-31 --location S1 >/dev/null
"$E" stock receive --product $K --qty 24 --lot K1 --origin GB --expiry 2027-03-01 --location S1 >/dev/null
# Receipt 2: two jars from two lots and three cans, card and cash; receipt 3:
# one can, cash; receipt 4 takes the two jars of receipt 2 back.
expect 0 "" -- sale --counter C1 --cashier 王芳 --pay card:50,cash "$N*2" "$K*3"
export ENTREPOT_NOW=2026-11-28T03:00:00Z
expect 0 "" -- sale --counter C2 --cashier 李强 --pay cash $K
export ENTREPOT_NOW=2026-11-28T04:00:00Z
expect 0 "" -- return 2 "$N" --counter C1 --cashier 王芳 --reason "broken seal"
expect 0 "every sale matches its signed journal record" -- check
expect 0 "ok: 4 records" -- journal verify

# tamper NAME SQL: a copy of the database with every trigger dropped, then SQL.
tamper() {
    cp "$ENTREPOT_DB" "$WORK/$1.db"
    [ -e "$ENTREPOT_DB-wal" ] && cp "$ENTREPOT_DB-wal" "$WORK/$1.db-wal"
    local drops
    drops=$(sqlite3 "$WORK/$1.db" "SELECT 'DROP TRIGGER \"' || name || '\";' FROM sqlite_master WHERE type = 'trigger'")
    sqlite3 "$WORK/$1.db" "$drops $2"
}
# row NAME "expected message" SQL: check names the tampering and exits 1; the journal still verifies.
row() {
    tamper "$1" "$3"
    expect 1 "$2" -- --db "$WORK/$1.db" check
    expect 1 "disagreement" -- --db "$WORK/$1.db" check
}
L1="line_id IN (SELECT id FROM sale_line WHERE sale_id = 1 AND line = 1)"
row qty "sale receipt 2: line 1: quantity 3, its signed journal record says 2" \
    "UPDATE sale_line SET qty = 3 WHERE sale_id = 1 AND line = 1"
row price "sale receipt 2: line 1: unit price 1.00 CNY, its signed journal record says 39.90 CNY" \
    "UPDATE sale_line SET unit_price = 100 WHERE sale_id = 1 AND line = 1"
row amount "sale receipt 2: line 2: amount 1.00 CNY, its signed journal record says 10.50 CNY" \
    "UPDATE sale_line SET amount = 100 WHERE sale_id = 1 AND line = 2"
row discount "sale receipt 2: line 1: discount 5.00 CNY, its signed journal record says 0.00 CNY" \
    "UPDATE sale_line SET discount = 500 WHERE sale_id = 1 AND line = 1"
row name "sale receipt 2: line 1: name '假货', its signed journal record says '榛子可可酱'" \
    "UPDATE sale_line SET name = '假货' WHERE sale_id = 1 AND line = 1"
row code "sale receipt 2: line 2: code '05000112548168', its signed journal record says '05000112548167'" \
    "UPDATE sale_line SET code = '05000112548168' WHERE sale_id = 1 AND line = 2"
row rate "sale receipt 2: line 2: tax rate (basis points) 0, its signed journal record says 900" \
    "UPDATE sale_line SET tax_rate = 0 WHERE sale_id = 1 AND line = 2"
row linetax "sale receipt 2: tax at rate 1300 (basis points) 0.00 CNY, its signed journal record says 9.18 CNY" \
    "UPDATE sale_line SET tax = 0 WHERE sale_id = 1 AND line = 1"
row headtax "sale receipt 2: tax 0.00 CNY, but its lines add up to 10.05 CNY" "UPDATE sale SET tax = 0 WHERE id = 1"
row units "sale receipt 2: 9 units, but its lines add up to 5" "UPDATE sale SET units = 9 WHERE id = 1"
row pay "sale receipt 2: payment cash 1.00 CNY, its signed journal record says 40.30 CNY" \
    "UPDATE sale_pay SET amount = 100 WHERE sale_id = 1 AND method = 'cash'"
row paygone "sale receipt 2: payment card 0.00 CNY, its signed journal record says 50.00 CNY" \
    "DELETE FROM sale_pay WHERE sale_id = 1 AND method = 'card'"
row total "sale receipt 2: total 1.00 CNY, its signed journal record says 90.30 CNY" \
    "UPDATE sale SET total = 100 WHERE id = 1"
row paysum "sale receipt 3: total 3.50 CNY, but its payments add up to 1.00 CNY" \
    "UPDATE sale_pay SET amount = 100 WHERE sale_id = 2"
row cashier "sale receipt 3: cashier '张三', its signed journal record says '李强'" \
    "UPDATE sale SET cashier = '张三' WHERE id = 2"
row counter "sale receipt 3: counter 'C9', its signed journal record says 'C2'" "UPDATE sale SET counter = 'C9' WHERE id = 2"
row time "sale receipt 3: time 2026-11-28 08:00:00, its signed journal record says 2026-11-28 11:00:00 (Asia/Shanghai)" \
    "UPDATE sale SET at = '2026-11-28T00:00:00Z' WHERE id = 2"
row kind "return receipt 3: the sales tables hold a RETURN, its signed journal record is a SALE" \
    "UPDATE sale SET kind = 'return' WHERE id = 2"
row receipt "sale receipt 9: its signed journal record is record 3" "UPDATE sale SET receipt = 9 WHERE id = 2"
row lot "sale receipt 2: line 1: lot 'N7', its signed journal record says 'N1+N2'" \
    "UPDATE sale_line SET lot = 'N7' WHERE sale_id = 1 AND line = 1"
row pick "sale receipt 2: line 1: quantity 2, but the lots taken for it hold 3" \
    "UPDATE sale_pick SET qty = 2 WHERE $L1 AND lot_id = (SELECT id FROM lot WHERE code = 'N2')"
row move "sale receipt 2: lot N2 at S1: the sale took 1, but the stock moves took 4" \
    "UPDATE stock_move SET qty = -4 WHERE kind = 'sale' AND lot_id = (SELECT id FROM lot WHERE code = 'N2')"
row movekind "sale receipt 2: lot K1 at S1: stock moves of kind 'scrap', not 'sale'" \
    "UPDATE stock_move SET kind = 'scrap' WHERE kind = 'sale' AND lot_id = (SELECT id FROM lot WHERE code = 'K1') AND qty = -3"
row movegone "sale receipt 3: lot K1 at S1: the sale took 1, but the stock moves took 0" \
    "DELETE FROM stock_move WHERE batch = (SELECT uuid FROM sale WHERE id = 2)"
row stray "stock moves of kind sale (batch 11111111-1111-4111-8111-111111111111, 1 move, -2 units) belong to no sale" \
    "INSERT INTO stock_move(uuid, batch, at, kind, product_id, lot_id, location_id, qty) SELECT
     '22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111', at, 'sale', product_id,
     lot_id, location_id, -2 FROM stock_move WHERE kind = 'sale' LIMIT 1"
row retmove "return receipt 4: lot N2 at S1: the return gave back 1, but the stock moves gave back 2" \
    "UPDATE stock_move SET qty = 2 WHERE kind = 'return' AND lot_id = (SELECT id FROM lot WHERE code = 'N2')"
row gone "receipt 3 (sale " "DELETE FROM journal_line WHERE seq = 3; DELETE FROM journal_tax WHERE seq = 3;
     DELETE FROM journal_pay WHERE seq = 3; DELETE FROM journal WHERE seq = 3"
row uuid "its signed journal record is missing" \
    "UPDATE sale SET uuid = '33333333-3333-4333-8333-333333333333' WHERE id = 2"
row sumhour "report summary by hour for 2026-11-28 10:00, counter C1, cashier 王芳: value 999.00 CNY, but the sales give 90.30 CNY" \
    "UPDATE sale_sum_hour SET value = 99900 WHERE hour = 10"
row sumunits "report summary by hour for 2026-11-28 11:00, counter C2, cashier 李强: 7 units, but the sales give 1" \
    "UPDATE sale_sum_hour SET units = 7 WHERE hour = 11"
row sumtx "report summary by hour for 2026-11-28 11:00, counter C2, cashier 李强: 5 sales, but the sales give 1" \
    "UPDATE sale_sum_hour SET transactions = 5 WHERE hour = 11"
row sumret "report summary by hour for 2026-11-28 12:00, counter C1, cashier 王芳: 0 returns, but the sales give 1" \
    "UPDATE sale_sum_hour SET returns = 0 WHERE hour = 12"
row sumretvalue "report summary by hour for 2026-11-28 12:00, counter C1, cashier 王芳: returned value 0.01 CNY, but the sales give" \
    "UPDATE sale_sum_hour SET ret_value = 1 WHERE hour = 12"
row sumretlines "report summary by commodity for 2026-11-28, commodity 03017620422003: 5 return lines, but the sales give" \
    "UPDATE sale_sum_product SET ret_lines = 5 WHERE product_id = 1"
row sumgone "report summary by hour for 2026-11-28 11:00, counter C2, cashier 李强 is missing" \
    "DELETE FROM sale_sum_hour WHERE hour = 11"
row sumextra "report summary by hour for 2026-11-29 09:00, counter C1, cashier 王芳 shows 50.00 CNY, but no sale is there" \
    "INSERT INTO sale_sum_hour(day, hour, counter, cashier, value, units, transactions, returns)
     VALUES ('2026-11-29', 9, 'C1', '王芳', 5000, 1, 1, 0)"
row sumorigin "report summary by origin for 2026-11-28, origin GB, counter C1: value 0.01 CNY, but the sales give 10.50 CNY" \
    "UPDATE sale_sum_origin SET value = 1 WHERE origin = 'GB' AND counter = 'C1'"
row sumproduct "report summary by commodity for 2026-11-28, commodity 05000112548167: 8 sale lines, but the sales give 2" \
    "UPDATE sale_sum_product SET lines = 8 WHERE product_id = 2"
row huge "sale receipt 2: its lines or payments add up to more than can be recorded" \
    "UPDATE sale_line SET amount = 9223372036854775807 WHERE sale_id = 1"
# A tampered database that also drifted: both named, exit 1.
tamper both "UPDATE stock_balance SET qty = qty + 1; UPDATE sale SET total = 100 WHERE id = 1"
out=$("$E" --db "$WORK/both.db" check 2>&1)
st=$?
[[ $st -eq 1 && "$out" == *"balance drift"* && "$out" == *"total 1.00 CNY"* ]] && ok || fail "check on both: $st $out"
# The journal itself is untouched by every row above but "gone": verify still passes there.
expect 0 "ok:" -- --db "$WORK/qty.db" journal verify

# After the Z (20:00) the counter sells on, into the next closing; a clock
# behind the closing is refused when the counter starts, before any scan.
export ENTREPOT_NOW=2026-11-28T12:00:00Z
expect 0 "Z report 2026-11-28" -- journal close
export ENTREPOT_NOW=2026-11-28T13:00:00Z
expect 0 "" -- sale --counter C1 --cashier 王芳 --pay cash $K
printf '%s\npay cash\n' $K > "$WORK/basket.txt"
expect 0 "" -- counter --counter C2 --cashier 李强 < "$WORK/basket.txt"
export ENTREPOT_NOW=2026-11-28T11:00:00Z
refused 1 "the clock reads 2026-11-28 19:00:00 (Asia/Shanghai), before the closing of 2026-11-28 taken at 2026-11-28 20:00:00 (record 5)" -- counter --counter C2 --cashier 李强 < "$WORK/basket.txt"
export ENTREPOT_NOW=2026-11-29T12:00:00Z
out=$("$E" journal close 2>&1)
[[ "$out" == *"records            6..7"* && "$out" == *"period total       7.00 CNY"* ]] && ok \
    || fail "the sales after the closing are not in the next one: $out"
expect 0 "every sale matches its signed journal record" -- check
finish
