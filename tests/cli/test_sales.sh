#!/usr/bin/env bash
# End to end: a scripted day at two counters through piped input, one-shot
# sales, returns, customer flow, and the reports checked against totals this
# script computes itself; every refusal leaves the database exactly as it was;
# 8 counter processes at once never oversell.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT

for c in counter sale return flow report; do
    expect 0 "example" -- $c --help
done

export ENTREPOT_NOW=2026-11-28T01:00:00Z   # 09:00 in Shanghai; every later step is later
expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
for l in "S1 shelf" "S2 shelf" "B-01 backroom" "Q-1 quarantine" "BD-1 bonded" "R-1 returns"; do
    set -- $l
    expect 0 "added location $1" -- location add $1 --kind $2
done
N=3017620422003 K=5000112548167 P=4006381333931 M=4901234567894 G=8712345678906 D=8712345678913
expect 0 added -- product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13
expect 0 added -- product add --gtin $K --name-zh 可口可乐 --price 3.50 --tax-rate 9
expect 0 added -- product add --gtin $P --name-en Pen --price 8.50 --tax-rate 13
expect 0 added -- product add --gtin $M --name-zh 抹茶 --price 25.00 --tax-rate 13
expect 0 added -- product add --gtin $G --name-zh 奶酪 --price 60.00 --tax-rate 9
expect 0 added -- product add --gtin $D --name-zh 红酒 --price 199.00 --tax-rate 13
expect 0 received -- stock receive --product $N --qty 10 --lot N1 --origin IT --expiry 2027-06-30 --location S1
expect 0 received -- stock receive --product $K --qty 24 --lot K1 --origin GB --expiry 2027-03-01 --location B-01
expect 0 received -- stock receive --product $P --qty 10 --lot P1 --origin DE --location S2
expect 0 received -- stock receive --product $M --qty 4 --lot M-OLD --origin JP --import-date 2026-06-01 --expiry 2026-11-01 --location S1
expect 0 received -- stock receive --product $G --qty 6 --lot G1 --origin NL --location Q-1
expect 0 received -- stock receive --product $D --qty 6 --lot D1 --origin FR --location BD-1

# Prices in fen, for the totals this script works out itself.
PN=3990 PK=350 PP=850
money() { local v=$1 s=""; [ "$v" -lt 0 ] && { s=-; v=$((-v)); }; printf '%s%d.%02d' "$s" $((v / 100)) $((v % 100)); }

# ---- refusals of one-shot sales: message, exit status, database unchanged.
S=(sale --counter C1 --cashier 王芳 --pay cash)
refused 1 "lot M-OLD expired on 2026-11-01 and cannot be sold" -- "${S[@]}" $M
refused 1 "lot G1 is only in quarantine (Q-1) and cannot be sold" -- "${S[@]}" $G
refused 1 "lot D1 is only in bonded (BD-1) and cannot be sold" -- "${S[@]}" $D
refused 1 "not enough stock: 03017620422003 榛子可可酱 has 10 on hand for sale, 11 asked" -- "${S[@]}" "$N*11"
refused 2 "no commodity has the code '9999'" -- "${S[@]}" 9999
refused 2 "GTIN 4006381333932: check digit should be 1" -- "${S[@]}" 4006381333932
refused 2 "has no lot 'NOPE'" -- "${S[@]}" "(01)0${N}(10)NOPE"
refused 2 "payment method 'cheque' must be cash, card or wallet" -- sale --counter C1 --cashier 王芳 --pay cheque $N
refused 2 "card cannot pay 50.00 when 39.90 is due" -- sale --counter C1 --cashier 王芳 --pay card:50 $N
refused 2 "counter 'C 1' must be 1 to 16 letters" -- sale --counter "C 1" --cashier 王芳 --pay cash $N
refused 2 "--paper '57' must be 58 or 80" -- sale --counter C1 --cashier 王芳 --pay cash --paper 57 $N
refused 2 "a quantity is CODE*N or N*CODE" -- "${S[@]}" "$N*0"
refused 2 "sale needs --counter" -- sale --pay cash $N
# Without its signing key the till sells nothing.
mv "$ENTREPOT_DB.key" "$WORK/away.key"
refused 1 "key" -- "${S[@]}" $N
mv "$WORK/away.key" "$ENTREPOT_DB.key"

# A till session of nothing but bad input, and a basket abandoned unpaid: no trace.
printf '9999\n%s\n%s*11\n*0\ndel #4\nprice 1.00\ndisc 120%% x\npay cheque\nsub\n%s\ncancel\n%s*2\n' $M $N $N $K \
    > "$WORK/bad-input.txt"
refused 0 "basket cancelled (not paid)" -- counter --counter C9 --cashier 王芳 < "$WORK/bad-input.txt"
out=$("$E" counter --counter C9 --cashier 王芳 < "$WORK/bad-input.txt" 2>&1)
for m in "! no commodity has the code '9999'" "! 04901234567894 抹茶: lot M-OLD expired on 2026-11-01" \
         "! not enough stock: 03017620422003 榛子可可酱 has 10 on hand for sale, 11 asked" \
         "! '*0': a quantity is *N" "! the basket is empty" "! payment method 'cheque' must be cash, card or wallet" \
         "basket cancelled"; do
    [[ "$out" == *"$m"* ]] && ok || fail "counter bad input lacks '$m': $out"
done

# ---- the day. Counter C1 at 10:10.
export ENTREPOT_NOW=2026-11-28T02:10:00Z
"$E" counter --counter C1 --cashier 王芳 --shelf S1 > "$WORK/c1a.txt" <<EOF
$N
$K*3
sub
pay cash 100
2*$P
disc 10% member
pay card
EOF
[ $? -eq 0 ] && ok || fail "counter C1 session 1 exit status"
S1=$((PN + 3 * PK)); S2=$((2 * PP - 2 * PP / 10))
grep -q "change $(money $((10000 - S1))) CNY" "$WORK/c1a.txt" && ok || fail "C1 change: $(cat "$WORK/c1a.txt")"
grep -q "sold: receipt [0-9]*, $(money $S2) CNY" "$WORK/c1a.txt" && ok || fail "C1 sale 2"
grep -q "意大利 IT  1 x 39.90 = 39.90" "$WORK/c1a.txt" && ok || fail "C1 scan answer: name, origin, price"
R1=$(grep -m1 -o 'sold: receipt [0-9]*' "$WORK/c1a.txt" | grep -o '[0-9]*$')

# Counter C2 at 11:20: refusals at the prompt keep the basket; a cancelled basket leaves no trace.
export ENTREPOT_NOW=2026-11-28T03:20:00Z
"$E" counter --counter C2 --cashier 李强 --paper 58 > "$WORK/c2.txt" <<EOF
$N*2
9999
$M
$G
$N*9
sub
pay wallet
$K*2
cancel
$K
pay card 1
pay cash
frobnicate now
reprint
EOF
S3=$((2 * PN)); S4=$PK
grep -q "! no commodity has the code '9999'" "$WORK/c2.txt" && ok || fail "C2 unknown code"
grep -q "! 04901234567894 抹茶: lot M-OLD expired on 2026-11-01" "$WORK/c2.txt" && ok || fail "C2 expired"
grep -q "! .*lot G1 is only in quarantine" "$WORK/c2.txt" && ok || fail "C2 quarantine"
grep -q "! not enough stock: 03017620422003 榛子可可酱 has 9 on hand for sale, 11 asked" "$WORK/c2.txt" && ok || fail "C2 stock"
grep -q "subtotal $(money $S3) CNY" "$WORK/c2.txt" && ok || fail "C2 basket kept after refusals"
grep -q "basket cancelled" "$WORK/c2.txt" && ok || fail "C2 cancel"
grep -q "still due 2.50 CNY" "$WORK/c2.txt" && ok || fail "C2 split payment"
grep -q "REPRINT" "$WORK/c2.txt" && ok || fail "C2 reprint"
grep -q "is not understood" "$WORK/c2.txt" && ok || fail "C2 bad command"
# 58 mm paper: no receipt line wider than 32 columns (a Chinese character is 2).
awk '/^-{32}$/{p=1} p' "$WORK/c2.txt" | python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = [l for l in sys.stdin.read().splitlines() if w(l) > 32 and not l.startswith("! ")]
sys.exit(1 if bad else 0)' && ok || fail "58 mm receipt wider than 32 columns"

# Counter C1 again at 13:05: a price override with a reason.
export ENTREPOT_NOW=2026-11-28T05:05:00Z
printf '3*%s\nprice 8.00 scuffed\npay cash\n' $P | "$E" counter --counter C1 --cashier 王芳 > "$WORK/c1b.txt"
S5=$((3 * 800))
grep -q "sold: receipt [0-9]*, $(money $S5) CNY" "$WORK/c1b.txt" && ok || fail "C1 override: $(cat "$WORK/c1b.txt")"

# One-shot sale with --json: the fields a script reads.
"$E" sale --json --counter C3 --cashier 张伟 --pay card "$K*2" > "$WORK/sale.json"
[ "$(jq -r '.total + " " + .lines[0].origin + " " + .payments[0].method + " " + (.lines[0].qty|tostring)' "$WORK/sale.json")" = "7.00 GB card 2" ] \
    && ok || fail "sale --json: $(cat "$WORK/sale.json")"
S6=$((2 * PK))
# ESC/POS for the printer, written only after the commit: reset, Chinese mode, GB18030 text, QR, cut.
printf 'reprint\n' | "$E" counter --counter C3 --cashier 张伟 --escpos "$WORK/receipt.bin" > /dev/null
[ "$(head -c 4 "$WORK/receipt.bin" | od -An -tx1 | tr -d ' \n')" = "1b401c26" ] && ok || fail "ESC/POS starts with ESC @ FS &"
grep -q "$(printf '\x1d(k')" "$WORK/receipt.bin" && ok || fail "ESC/POS has no GS ( k QR code"
[ "$(tail -c 4 "$WORK/receipt.bin" | od -An -tx1 | tr -d ' \n')" = "1d564200" ] && ok || fail "ESC/POS ends with a cut"
grep -q "$(printf '\xbf\xc9\xbf\xda')" "$WORK/receipt.bin" && ok || fail "ESC/POS text is not GB18030 (可口)"

# ---- customer flow: the door counters, one period sent twice.
cat > "$WORK/door.csv" <<'CSV'
sensor,start,minutes,in,out
D1,2026-11-28T02:00:00Z,60,40,31
D2,2026-11-28T02:00:00Z,60,10,8
D1,2026-11-28T03:00:00Z,60,30,35
CSV
expect 0 "imported 3 intervals" -- flow import "$WORK/door.csv"
expect 0 "imported 3 intervals" -- flow import "$WORK/door.csv"
expect 0 "recorded 10 in" -- flow record --start "2026-11-28 13:00" --in 10 --out 12
printf 'sensor,start,minutes,in,out\nD1,2026-11-28T06:00:00Z,60,5,5\nD1,2026-13-28T06:00:00Z,60,5,5\n' > "$WORK/bad.csv"
refused 2 "row 3: start '2026-13-28' is not a date: there is no month 13" -- flow import "$WORK/bad.csv"
refused 2 "No such file" -- flow import "$WORK/missing.csv"

# ---- reports against our own totals.
C1=$((S1 + S2 + S5)); C2=$((S3 + S4)); C3=$S6; DAY=$((C1 + C2 + C3))
report() { "$E" --csv report "$@" | tail -n +2 | tr -d "\r"; }
[ "$(report sales --by counter | cut -d, -f1,5,9)" = "C1,$(money $C1),3
C2,$(money $C2),2
C3,$(money $C3),1" ] && ok || fail "by counter: $(report sales --by counter)"
[ "$(report sales --by day | cut -d, -f1,5,9)" = "2026-11-28,$(money $DAY),6" ] && ok || fail "by day"
[ "$(report sales --by hour | cut -d, -f1,5,9)" = "10,$(money $((S1 + S2))),2
11,$(money $C2),2
13,$(money $((S5 + S6))),2" ] && ok || fail "by hour: $(report sales --by hour)"
IT=$((S3 + PN)); GB=$((3 * PK + PK + S6)); DE=$((S2 + S5))
share() { local bp=$(( ($1 * 10000 + DAY / 2) / DAY )); printf '%d.%02d' $((bp / 100)) $((bp % 100)); }
[ "$(report sales --by country | cut -d, -f1,2,5,11)" = "IT,意大利,$(money $IT),$(share $IT)
DE,德国,$(money $DE),$(share $DE)
GB,英国,$(money $GB),$(share $GB)" ] && ok || fail "by country: $(report sales --by country)"
[ "$(report sales --by cashier --counter C2 | cut -d, -f1,5)" = "李强,$(money $C2)" ] && ok || fail "by cashier"
[ "$(report sales --by commodity | head -1 | cut -d, -f1,5,8)" = "03017620422003,$(money $IT),3" ] && ok || fail "by commodity"
refused 2 "--by 'weekday' must be day, hour, counter" -- report sales --by weekday
refused 2 "the first day '2026-02-30' is not a date" -- report sales --from 2026-02-30
# Flow: visitors per hour, conversion, average basket.
[ "$(report flow --by hour | cut -d, -f1-4,6,8)" = "2026-11-28 10:00,50,2,4.00,$(money $(( (S1 + S2 + 1) / 2 ))),*
2026-11-28 11:00,30,2,6.67,$(money $(( (C2 + 1) / 2 ))),
2026-11-28 13:00,10,2,20.00,$(money $(( (S5 + S6 + 1) / 2 )))," ] && ok || fail "flow by hour: $(report flow --by hour)"
expect 0 "peak hours: 10:00 (50) 11:00 (30) 13:00 (10)" -- report flow
[ "$(report flow --by day | cut -d, -f1-3)" = "2026-11-28,90,6" ] && ok || fail "flow by day"

# ---- returns.
export ENTREPOT_NOW=2026-11-28T06:30:00Z
refused 1 "only 1 can still be returned (1 sold, 0 returned before)" -- return $R1 "$N*2" --counter C1 --cashier 王芳
refused 1 "not on receipt" -- return $R1 $P --counter C1 --cashier 王芳
refused 2 "no sale has the receipt number 999" -- return 999 --counter C1 --cashier 王芳
refused 2 "returned goods cannot go to Q-1" -- return $R1 --to Q-1 --counter C1 --cashier 王芳
expect 0 "Reason: broken seal" -- return $R1 "$N" --to R-1 --reason "broken seal" --counter C1 --cashier 王芳
refused 1 "only 0 can still be returned (1 sold, 1 returned before)" -- return $R1 "$N" --counter C1 --cashier 王芳
expect 0 "退货 RETURN" -- return --no-receipt "$K*2" --counter C2 --cashier 李强
[ "$(report sales --by country | grep ^IT | cut -d, -f3-5)" = "$(money $IT),$(money $PN),$(money $((IT - PN)))" ] && ok \
    || fail "IT after the return: $(report sales --by country)"
# A return is no negative sale: the lines and units sold stay, the returns have their own columns.
[ "$(report sales --by commodity | grep ^0$N | cut -d, -f6-10)" = "3,1,2,2,1" ] && ok \
    || fail "commodity after the return: $(report sales --by commodity)"
[ "$(report sales --by day | cut -d, -f3-10)" = "$(money $DAY),$(money $((PN + 2 * PK))),$(money $((DAY - PN - 2 * PK))),14,3,11,6,2" ] && ok \
    || fail "day after returns: $(report sales --by day)"
[ "$(report sales --by country | grep ^IT | cut -d, -f11)" = "$(share $IT)" ] && ok || fail "share of the gross sales"
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT qty FROM stock_balance b JOIN location l ON l.id = b.location_id WHERE l.code = 'R-1'")" = 1 ] \
    && ok || fail "the returned jar is in R-1"
R7=$("$E" sale --json --counter C1 --cashier 王芳 --pay cash "$P" | jq -r .receipt)
refused 2 "a void takes back a whole sale" -- return $R7 "$P" --void --counter C1 --cashier 王芳
expect 0 "作废 VOID" -- return $R7 --void --reason "wrong customer" --counter C1 --cashier 王芳
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT count(*) FROM journal WHERE kind = 'VOID'")" = 1 ] && ok || fail "VOID record"
expect 0 "ok:" -- journal verify
expect 0 "" -- check

# ---- 8 counters at once on 40 colas: never oversold, every unit accounted for.
expect 0 received -- stock receive --product $K --qty $((40 - 24 + 3 + 1 + 2 - 2)) --lot K2 --origin GB --expiry 2027-04-01 --location S1
before=$(sqlite3 "$ENTREPOT_DB" "SELECT COALESCE(SUM(qty), 0) FROM sale_line l JOIN product p ON p.id = l.product_id WHERE p.gtin = '0$K'")
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT SUM(b.qty) FROM stock_balance b JOIN product p ON p.id = b.product_id JOIN location l ON l.id = b.location_id WHERE p.gtin = '0$K' AND l.kind IN ('shelf','backroom')")" = 40 ] \
    && ok || fail "40 colas to sell"
for k in 1 2 3 4 5 6 7 8; do
    ( n=0; while :; do
          "$E" sale --counter C$k --cashier "c$k" --pay cash "$K" > /dev/null 2> "$WORK/err$k"
          st=$?
          [ $st -eq 0 ] && { n=$((n + 1)); continue; }
          [ $st -eq 1 ] && grep -q "not enough stock" "$WORK/err$k" && break
          echo "counter $k: exit $st: $(cat "$WORK/err$k")" > "$WORK/failed$k"; break
      done; echo $n > "$WORK/sold$k" ) &
done
wait
cat "$WORK"/failed* 2> /dev/null && fail "a counter failed (busy?)" || ok
total=0; for k in 1 2 3 4 5 6 7 8; do total=$((total + $(cat "$WORK/sold$k"))); done
[ "$total" -eq 40 ] && ok || fail "8 counters sold $total, want 40"
after=$(sqlite3 "$ENTREPOT_DB" "SELECT SUM(qty) FROM sale_line l JOIN product p ON p.id = l.product_id WHERE p.gtin = '0$K'")
[ $((after - before)) -eq 40 ] && ok || fail "sale lines account for $((after - before))"
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT SUM(b.qty) FROM stock_balance b JOIN product p ON p.id = b.product_id JOIN location l ON l.id = b.location_id WHERE p.gtin = '0$K' AND l.kind IN ('shelf','backroom')")" = 0 ] \
    && ok || fail "colas left on the shelves"
expect 0 "ok:" -- journal verify

finish
