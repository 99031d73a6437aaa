#!/usr/bin/env bash
# Hostile input for the sales side: sale, counter (piped), return, report,
# flow and scan. One row per input: the exit status, the message naming what
# was wrong, and the database exactly as it was (`refused`). Run under
# ASan/UBSan by the sanitizer build, so a sanitizer report fails it too.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT

export ENTREPOT_NOW=2026-11-28T02:00:00Z
expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "added location S1" -- location add S1 --kind shelf
expect 0 "added location R-1" -- location add R-1 --kind returns
N=3017620422003 K=5000112548167
expect 0 added -- product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13
expect 0 added -- product add --gtin $K --name-zh 可口可乐 --price 3.50 --tax-rate 9
expect 0 received -- stock receive --product $N --qty 10 --lot N1 --origin IT --expiry 2027-06-30 --location S1
expect 0 received -- stock receive --product $K --qty 48 --lot K1 --origin GB --expiry 2027-03-01 --location S1
expect 0 "stands for 24" -- product barcode add $K 15000112548164 --qty 24
expect 0 "Receipt No." -- sale --counter C1 --cashier 王芳 --pay cash "$N*2" "$K*3"
R=$(sqlite3 "$ENTREPOT_DB" "SELECT max(receipt) FROM sale")

HUGE=$(head -c 100000 /dev/zero | tr '\0' 'x')
ZH40=$(printf '中%.0s' {1..40})
S=(sale --counter C1 --cashier 王芳 --pay cash)
RET=(--counter C1 --cashier 王芳)

# ---- sale: missing, empty, huge, negative, non-numeric, not UTF-8.
refused 2 "sale needs --counter, --cashier, --pay and at least one CODE" -- sale --counter C1 --cashier 王芳 --pay cash
refused 2 "sale needs --counter" -- sale --cashier 王芳 --pay cash $K
refused 2 "--counter is empty: give a value or leave the option out" -- sale --counter "" --cashier 王芳 --pay cash $K
refused 2 "counter '\\xFF' must be 1 to 16 letters" -- sale --counter $'\xff' --cashier 王芳 --pay cash $K
# The message shows 40 characters of a long name and "…", never half a character.
refused 2 "counter '$ZH40…' must be" -- \
    sale --counter "$ZH40"$'\xe4' --cashier 王芳 --pay cash $K
refused 2 "counter 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' must be" -- sale --counter "$HUGE" --cashier 王芳 --pay cash $K
refused 2 "--cashier is empty: give a value or leave the option out" -- sale --counter C1 --cashier "" --pay cash $K
refused 2 "cashier is not valid UTF-8 text" -- sale --counter C1 --cashier $'\xff' --pay cash $K
refused 2 "cashier holds a control character" -- sale --counter C1 --cashier $'a\tb' --pay cash $K
refused 2 "cashier is too long" -- sale --counter C1 --cashier "$HUGE" --pay cash $K
refused 2 "--pay is empty: give a value or leave the option out" -- sale --counter C1 --cashier 王芳 --pay "" $K
refused 2 "--pay needs a payment method" -- sale --counter C1 --cashier 王芳 --pay ",,," $K
refused 2 "payment method '\\xFF' must be cash, card or wallet" -- sale --counter C1 --cashier 王芳 --pay $'\xff' $K
refused 2 "payment method 'xxxxxxxxxxxxxxxxxxxx…' must be" -- sale --counter C1 --cashier 王芳 --pay "$HUGE" $K
refused 2 "--pay cash: an amount paid must be more than zero" -- sale --counter C1 --cashier 王芳 --pay cash:0 $K
refused 2 "--pay cash: an amount paid must be more than zero" -- sale --counter C1 --cashier 王芳 --pay cash:-5 $K
refused 2 "--pay cash: amount 'abc' is not a number" -- sale --counter C1 --cashier 王芳 --pay cash:abc $K
refused 2 "--pay cash: amount '' is not a number" -- sale --counter C1 --cashier 王芳 --pay cash: $K
refused 2 "is too large" -- sale --counter C1 --cashier 王芳 --pay cash:99999999999999999999 $K
refused 2 "more than a payment may be (at most 1000000000000.00)" -- sale --counter C1 --cashier 王芳 --pay cash:99999999999999 $K
refused 2 "'5' is no payment method; payments are separated by commas, amounts take a decimal point" -- \
    sale --counter C1 --cashier 王芳 --pay cash:3,5 $K
refused 2 "card cannot pay 9.00 when 3.50 is due" -- sale --counter C1 --cashier 王芳 --pay card:9 $K
refused 2 "2.50 is still due" -- sale --counter C1 --cashier 王芳 --pay cash:1 $K
refused 2 "no code given" -- "${S[@]}" ""
refused 2 "byte 0xFF at position 1 is not a character a code can hold" -- "${S[@]}" $'\xff'
refused 2 "100000 bytes is longer than any code (at most 4096)" -- "${S[@]}" "$HUGE"
refused 2 "'5000112548167*0': a quantity is CODE*N or N*CODE" -- "${S[@]}" "$K*0"
refused 2 "'5000112548167*-1': a quantity is CODE*N" -- "${S[@]}" "$K*-1"
refused 2 "'5000112548167*abc': a quantity is CODE*N" -- "${S[@]}" "$K*abc"
refused 2 "a quantity is CODE*N" -- "${S[@]}" "$K*99999999999999999999"
refused 2 "'*': a quantity is CODE*N" -- "${S[@]}" "*"
refused 2 "可口可乐: 999999 times the code is more than one sale line may hold (at most 100000 pcs)" -- "${S[@]}" "999999*$K"
refused 1 "not enough stock" -- "${S[@]}" "99999*$K"
refused 2 "--paper is empty: give a value or leave the option out" -- "${S[@]}" --paper "" $K
refused 2 "--paper '\\xFF' must be 58 or 80" -- "${S[@]}" --paper $'\xff' $K
refused 2 "no location 'NOPE'" -- "${S[@]}" --shelf NOPE $K
refused 2 "--shelf is empty: give a value or leave the option out" -- "${S[@]}" --shelf "" $K
refused 2 "location code '\\xFF' must be 1 to 32" -- "${S[@]}" --shelf $'\xff' $K
refused 2 "unknown option" -- "${S[@]}" --frobnicate $K
refused 2 "--reprint is empty: give a value or leave the option out" -- sale --reprint ""
refused 2 "no sale has the receipt \\xFF" -- sale --reprint $'\xff'
refused 2 "no sale has the receipt number -1" -- sale --reprint -1
refused 2 "no sale has the receipt number 99999" -- sale --reprint 99999
refused 2 "sale --reprint takes only the receipt number" -- sale --reprint $R --counter C1

# ---- scans with a count (GS1 AI 30): 0 sold one unit; a huge count of cases.
refused 2 "可口可乐: the scan counts 0 items (AI 30/37), which is nothing to sell" -- "${S[@]}" "(01)05000112548167(30)0"
refused 2 "可口可乐: 2400000 pcs is more than one sale line may hold (at most 100000 pcs)" -- "${S[@]}" "(01)15000112548164(30)100000"
refused 2 "the scan counts 0 items" -- scan "(01)05000112548167(30)0"
refused 2 "AI (30): 13 digits, at most 8" -- "${S[@]}" "(01)15000112548164(30)9999999999999"
# A case said to hold 2^63-1 units, scanned twice over: never wraps around.
if "$E" product barcode add $K 25000112548161 --qty 9223372036854775807 > /dev/null 2>&1; then
    refused 2 "a count of 2 cases of 9223372036854775807 units is more than can be counted" -- \
        "${S[@]}" "(01)25000112548161(30)2"
    refused 2 "more than one sale line may hold" -- "${S[@]}" 25000112548161
fi

# ---- return.
refused 2 "return needs the RECEIPT number or UUID" -- return "${RET[@]}"
refused 2 "the RECEIPT is empty" -- return "" "${RET[@]}"
refused 2 "return needs --counter and --cashier" -- return $R
refused 2 "no sale has the receipt \\xFF" -- return $'\xff' "${RET[@]}"
refused 2 "no sale has the receipt number -5" -- return -5 "${RET[@]}"
refused 2 "no sale has the receipt xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" -- return "$HUGE" "${RET[@]}"
refused 2 "reason is not valid UTF-8 text" -- return $R "${RET[@]}" --reason $'\xff'
refused 2 "reason is too long" -- return $R "${RET[@]}" --reason "$HUGE"
refused 2 "counter is not valid UTF-8 text" -- return $R --counter $'\xff' --cashier 王芳
refused 2 "--counter is empty: give a value or leave the option out" -- return $R --counter "" --cashier 王芳
refused 2 "cashier is not valid UTF-8 text" -- return $R --counter C1 --cashier $'\xff'
refused 2 "'5000112548167*0': a quantity is CODE*N" -- return $R "$K*0" "${RET[@]}"
refused 2 "'5000112548167*-3': a quantity is CODE*N" -- return $R "$K*-3" "${RET[@]}"
refused 1 "4 asked back, but only 3 can still be returned" -- return $R "$K*4" "${RET[@]}"
refused 2 "byte 0xFF at position 1" -- return $R $'\xff' "${RET[@]}"
refused 2 "without the receipt, name what comes back" -- return --no-receipt "${RET[@]}"
refused 2 "100000 bytes is longer than any code" -- return --no-receipt "$HUGE" "${RET[@]}"
refused 2 "no commodity has the code '$(printf 'y%.0s' {1..40})…'" -- return --no-receipt "$(printf 'y%.0s' {1..100})" "${RET[@]}"
refused 2 "--to is empty" -- return $R --to "" "${RET[@]}"
refused 2 "no location 'NOPE'" -- return $R --to NOPE "${RET[@]}"
refused 2 "a void takes back a whole sale" -- return $R "$K" --void "${RET[@]}"

# ---- report and flow.
refused 2 "report needs sales, flow, approvals or margin" -- report
refused 2 "report needs sales, flow, approvals or margin" -- report bogus
refused 2 "--by is empty: give a value or leave the option out" -- report sales --by ""
refused 2 "--by '\\xFF' must be day, hour" -- report sales --by $'\xff'
refused 2 "the first day '2026-02-29' is not a date" -- report sales --from 2026-02-29
refused 2 "the first day '2026-13-01' is not a date" -- report sales --from 2026-13-01
refused 2 "the first day '\\xFF' is not a date" -- report sales --from $'\xff'
refused 2 "the first day 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' is not a date" -- report sales --from "$HUGE"
refused 2 "the last day '0000-00-00' is not a date" -- report sales --to 0000-00-00
refused 2 "the first day 2026-12-01 is after the last day 2026-11-01" -- report sales --from 2026-12-01 --to 2026-11-01
refused 2 "--counter is empty" -- report sales --counter ""
refused 2 "--from is empty: give a value or leave the option out" -- report sales --from ""
refused 2 "--to is empty: give a value or leave the option out" -- report flow --to ""
refused 2 "--start is empty: give a value or leave the option out" -- flow record --start "" --in 1
refused 2 "counter '\\xFF' must be 1 to 16 letters" -- report sales --counter $'\xff'
refused 2 "it cannot be limited to counter C1" -- report sales --by commodity --counter C1
refused 2 "report flow covers the whole store" -- report flow --counter C1
refused 2 "--by 'week' must be hour or day" -- report flow --by week
refused 2 "the first day 'nope' is not a date" -- report flow --from nope
refused 2 "flow import needs the name of a CSV file" -- flow import ""
refused 2 "No such file" -- flow import "$WORK/none.csv"
refused 2 "flow record needs --start TIME and --in N" -- flow record --in 5
refused 2 "start 'nope' is not UTC YYYY-MM-DDTHH:MM:SSZ or local" -- flow record --start nope --in 1
refused 2 "start '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)" -- flow record --start "2026-02-30 10:00" --in 1
refused 2 "--in '-1' must not be negative" -- flow record --start "2026-11-28 10:00" --in -1
refused 2 "--in '99999999999999999999' is too large: the most is 1000000000" -- flow record --start "2026-11-28 10:00" --in 99999999999999999999
refused 2 "--minutes '0' is too small: the least is 1" -- flow record --start "2026-11-28 10:00" --in 5 --minutes 0
refused 2 "sensor is not valid UTF-8 text" -- flow record --start "2026-11-28 10:00" --in 5 --sensor $'\xff'

# ---- scan.
refused 2 "empty scan: nothing was read" -- scan ""
refused 2 "\\xFF中\\xE4: store code" -- scan $'\xff中\xe4'
refused 2 "xxxxxxxxxx…: 100000 bytes is longer than any code" -- scan "$HUGE"
refused 2 "--fnc1 takes one character (or none)" -- scan config --fnc1 "##"
refused 2 "--fnc1 is empty: give a value or leave the option out" -- scan config --fnc1 ""
refused 2 "FNC1 substitute byte 0xFF" -- scan config --fnc1 $'\xff'
refused 2 "in-store layout 'xxxxxxxxxxxxxxxxxxxx…': expected 13 characters" -- scan config --instore "$HUGE"

# ---- the counter's own options.
refused 2 "counter needs --counter C1 and --cashier NAME" -- counter --cashier 王芳 < /dev/null
refused 2 "counter needs --counter C1 and --cashier NAME" -- counter --counter C1 < /dev/null
refused 2 "counter '\\xFF' must be 1 to 16 letters" -- counter --counter $'\xff' --cashier 王芳 < /dev/null
refused 2 "--cashier is empty: give a value or leave the option out" -- counter --counter C1 --cashier "" < /dev/null
refused 2 "cashier is too long" -- counter --counter C1 --cashier "$HUGE" < /dev/null
refused 2 "--paper '57' must be 58 or 80" -- counter --counter C1 --cashier 王芳 --paper 57 < /dev/null
refused 2 "no location 'NOPE'" -- counter --counter C1 --cashier 王芳 --shelf NOPE < /dev/null
refused 2 "--paper 'x' must be 58 or 80" -- return $R "${RET[@]}" --paper x
refused 2 "--out 'abc' is not a whole number" -- flow record --start "2026-11-28 10:00" --in 5 --out abc
refused 2 "--minutes 'abc' is not a whole number" -- flow record --start "2026-11-28 10:00" --in 5 --minutes abc
refused 2 "--fnc1: one character, please" -- scan --fnc1 $'\xff\xff' 123

# ---- the counter: a session of nothing but hostile lines changes nothing.
{
    printf '%s\n' "$K" '*0' '*-1' '*abc' '*99999999999999999999' '*200000' 'price' 'price abc x' 'price -1 x' \
        'price 99999999999999 x' 'price 2.00' 'price #0 2.00 x' 'price #-1 2.00 x' 'price #99999999999999999999 2.00 x' \
        'disc 0 x' 'disc 200% x' 'disc abc% x' 'disc 999999999999999999 x' 'del #0' 'del #abc' 'del #9' 'pay' \
        'pay cash -1' 'pay cash abc' 'pay cash 999999999999999999' 'pay cheque' "(01)05000112548167(30)0" "$HUGE" ''
    printf 'disc 1.00 \xff\npay \xff\n\xff\n%s\xe4\nfoo \xff\n' "$ZH40"
} > "$WORK/hostile.txt"
refused 0 "basket cancelled (not paid)" -- counter --counter C9 --cashier 王芳 < "$WORK/hostile.txt"
out=$("$E" counter --counter C9 --cashier 王芳 < "$WORK/hostile.txt" 2>&1)
for m in "! '*0': a quantity is *N" "! '*-1': a quantity is *N" "! '*99999999999999999999': a quantity is *N" \
         "! 可口可乐: 200000 pcs is more than one sale line may hold (at most 100000 pcs)" \
         "! price [#N] AMOUNT REASON" "! amount 'abc' is not a number" \
         "! a price of -1.00 cannot be: a price is from 0 to 100000000.00" \
         "! a price of 99999999999999.00 cannot be" "! a price change needs a reason" \
         "! '#0' is no line number" "! '#-1' is no line number" "! '#99999999999999999999' is no line number" \
         "! a discount must be more than zero" "! a discount must be between 0% and 100%" \
         "! 'abc%' is not a percentage" "! there is no line 9: the basket has 1" "! pay cash|card|wallet [AMOUNT]" \
         "! an amount paid must be more than zero" "! payment method 'cheque' must be cash, card or wallet" \
         "! 可口可乐: the scan counts 0 items" "! 100000 bytes is longer than any code" "! reason is not valid UTF-8 text" \
         "! payment method '\\xFF' must be" "! 'foo \\xFF' is not understood"; do
    [[ "$out" == *"$m"* ]] && ok || fail "counter hostile input lacks '$m': $out"
done
# Everything the counter printed is valid UTF-8.
printf '%s' "$out" | iconv -f UTF-8 -t UTF-8 > /dev/null && ok || fail "the counter printed bytes that are no UTF-8"

# ---- a receipt that cannot be printed after the sale is committed: the sale
# stands, the cashier is told its number and how to reprint; exit 4, never 0
# (no receipt) nor 1-3 (which would make the cashier sell again).
before=$(sqlite3 "$ENTREPOT_DB" "SELECT count(*) FROM sale")
expect 4 "the sale IS RECORDED as receipt $((R + 1)), but its receipt was not printed (the printer /dev/full: No space left on device). Do not sell it again: print it with \`entrepot sale --reprint $((R + 1))\`" \
    -- "${S[@]}" --escpos /dev/full $K
"$E" "${S[@]}" $K > /dev/full 2> "$WORK/err"
st=$?
[ $st -eq 4 ] && ok || fail "sale to a full standard output: exit $st, want 4"
grep -q "the sale IS RECORDED as receipt $((R + 2)), but its receipt was not printed (standard output: No space left on device)" "$WORK/err" \
    && ok || fail "sale to a full standard output: $(cat "$WORK/err")"
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT count(*) FROM sale")" = $((before + 2)) ] && ok || fail "the sales were not recorded"
expect 0 "*** 重印 REPRINT ***" -- sale --reprint $((R + 2))
printf '%s\npay cash\n' $K | "$E" counter --counter C1 --cashier 王芳 --escpos /dev/full > "$WORK/c.txt" 2> "$WORK/err"
st=$?
[ $st -eq 4 ] && ok || fail "counter with a full printer: exit $st, want 4"
grep -q "! sale recorded as receipt $((R + 3)), but not printed: do not sell it again; type reprint" "$WORK/c.txt" \
    && ok || fail "counter with a full printer: $(cat "$WORK/c.txt")"
printf '%s\npay cash\nreprint\n' $K | "$E" counter --counter C1 --cashier 王芳 --escpos "$WORK/ok.bin" > /dev/null 2>&1
[ $? -eq 0 ] && ok || fail "counter with a printer that works: exit status"
expect 4 "the return IS RECORDED as receipt $((R + 5))" -- return $R "$K*1" "${RET[@]}" --escpos /dev/full
expect 0 "ok:" -- journal verify

finish
