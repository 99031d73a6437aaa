#!/usr/bin/env bash
# The local counter asks for a supervisor's approval by the same rule as the
# server (ent_basket_change_needs_approval): a price override, a discount
# above the store's limit; `return` for a void or a return without receipt.
# Wrong credentials refuse with the basket (and the database) as they were.
# A store without users (the command line alone) is not asked. The sale names
# the cashier, its stock moves the operating-system user.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
export ENTREPOT_NOW=2026-11-28T01:00:00Z
PW="correct horse 1"
OSUSER=$(id -un)
q() { sqlite3 "$ENTREPOT_DB" "$1"; }

expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "added location" -- location add S1 --kind shelf
P=4006381333931 N=3017620422003
expect 0 added -- product add --gtin $P --name-en Pen --price 8.50 --tax-rate 13
expect 0 added -- product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13
expect 0 received -- stock receive --product $P --qty 50 --lot P1 --origin DE --location S1
expect 0 received -- stock receive --product $N --qty 50 --lot N1 --origin IT --expiry 2030-06-30 --location S1

# ---- no users: nobody to ask, the override goes through as before
printf '%s\nprice 8.00 scuffed\npay cash\n' $P | "$E" counter --counter C1 --cashier 王芳 > "$WORK/c0.txt" 2>&1
grep -q "sold: receipt" "$WORK/c0.txt" && ! grep -q "supervisor" "$WORK/c0.txt" && ok || fail "no users, no prompt: $(cat "$WORK/c0.txt")"

# ---- users who may approve: the counter asks
q "INSERT INTO setting(key, value) VALUES ('password.scrypt_log2n', '10')"
printf '%s\n' "$PW" | "$E" user add li.wei --role supervisor --display 李伟 --password-stdin > /dev/null || fail "user add"
printf '%s\n' "$PW" | "$E" user add wang.fang --role cashier --display 王芳 --password-stdin > /dev/null || fail "user add"

# A wrong password, then a cashier's: refused, the line as it was; then the
# supervisor's: approved and recorded with the line. A discount within the
# limit (10 %) asks nobody; one above it asks.
printf '%s\n' $P 'price 8.00 scuffed' li.wei 'not it' 'price 8.00 scuffed' wang.fang "$PW" \
    'price 8.00 scuffed' li.wei "$PW" "$N" 'disc 5% loyal' 'disc 50% half price' li.wei "$PW" sub 'pay cash' |
    "$E" counter --counter C1 --cashier 王芳 > "$WORK/c1.txt" 2>&1
out=$(cat "$WORK/c1.txt")
[ "$(grep -c "a price override needs a supervisor's approval" "$WORK/c1.txt")" = 3 ] && ok || fail "asked three times: $out"
grep -q "wrong password" "$WORK/c1.txt" && ok || fail "a wrong password is refused: $out"
grep -q "cannot approve" "$WORK/c1.txt" && ok || fail "a cashier cannot approve: $out"
[ "$(grep -c "approved by li.wei" "$WORK/c1.txt")" = 2 ] && ok || fail "two approvals: $out"
[ "$(grep -c "discount above the store's limit needs" "$WORK/c1.txt")" = 1 ] && ok || fail "5 % asks nobody, 50 % asks: $out"
! grep -q "$PW" "$WORK/c1.txt" && ok || fail "the password is never shown"
R0=$(q "SELECT min(receipt) FROM sale") R=$(q "SELECT max(receipt) FROM sale")
grep -q "sold: receipt $R" "$WORK/c1.txt" && [ "$R" -gt "$R0" ] && ok || fail "the sale: $out"
[ "$(q "SELECT group_concat(coalesce(l.approved_by, '-') || ':' || l.unit_price, ',') FROM sale_line l JOIN sale s ON s.id = l.sale_id WHERE s.receipt = $R")" = "li.wei:800,li.wei:3990" ] \
    && ok || fail "approvers with the lines: $(q "SELECT line, approved_by, unit_price, discount FROM sale_line")"
# The sale names the cashier; its stock moves the operating-system user.
[ "$(q "SELECT cashier FROM sale WHERE receipt = $R")" = 王芳 ] && ok || fail "the sale's cashier"
[ "$(q "SELECT DISTINCT user FROM stock_move WHERE kind = 'sale'")" = "$OSUSER" ] && ok \
    || fail "sale moves record the OS user: $(q "SELECT DISTINCT user FROM stock_move WHERE kind = 'sale'")"

# A discount that grew above the limit when the quantity dropped: pay is refused.
printf '%s\n' "$N*10" 'disc 39.90 loyal' '*1' 'pay cash' cancel |
    "$E" counter --counter C1 --cashier 王芳 > "$WORK/c2.txt" 2>&1
grep -q "line 1's price or discount needs a supervisor's approval" "$WORK/c2.txt" && ! grep -q "sold:" "$WORK/c2.txt" \
    && ok || fail "unapproved at pay: $(cat "$WORK/c2.txt")"

# ---- returns: without the receipt, and a void, ask on standard input
dump() { sqlite3 "$ENTREPOT_DB" .dump | grep -v '^INSERT INTO "\?login_failure'; }
before=$(dump)
out=$(printf 'li.wei\nnot it\n' | "$E" return --no-receipt "$N" --counter C1 --cashier 王芳 2>&1)
st=$?
[ $st = 1 ] && [[ "$out" == *"wrong password"* ]] && ok || fail "a wrong approval refuses the return: $st $out"
[ "$(dump)" = "$before" ] && ok || fail "the refused return wrote nothing (but the failure's count)"
out=$(printf 'li.wei\n%s\n' "$PW" | "$E" return --no-receipt "$N" --counter C1 --cashier 王芳 2>&1)
[ $? = 0 ] && [ "$(q "SELECT approved_by FROM sale WHERE kind = 'return' ORDER BY id DESC LIMIT 1")" = li.wei ] \
    && ok || fail "a return without receipt, approved: $out"
out=$(printf 'li.wei\n%s\n' "$PW" | "$E" return "$R0" --void --counter C1 --cashier 王芳 --reason "wrong till" 2>&1)
[ $? = 0 ] && [ "$(q "SELECT count(*) FROM journal WHERE kind = 'VOID'")" = 1 ] && ok || fail "a void, approved: $out"
out=$("$E" return "$R" "$P" --counter C1 --cashier 王芳 2>&1 < /dev/null)
[ $? = 0 ] && [[ "$out" != *supervisor* ]] && ok || fail "a return with its receipt asks nobody: $out"

# ---- who approved what
expect 0 "li.wei" -- report approvals
[ "$("$E" --json report approvals | python3 -c 'import json,sys; print(",".join(r["what"] for r in json.load(sys.stdin)))')" \
    = "price,discount,return without receipt,void" ] && ok || fail "report approvals: $("$E" report approvals)"
expect 0 "li.wei" -- sale show "$R"
expect 0 "approved by li.wei" -- sale show "$(q "SELECT receipt FROM sale WHERE note LIKE 'VOID%'")"
finish
