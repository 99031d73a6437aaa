#!/usr/bin/env bash
# Hostile input to the journal's commands (keygen, close, verify, export,
# pubkey, append), receipt verify and check: missing, empty, huge, negative,
# non-numeric values, invalid UTF-8, impossible dates. Each row: the exit
# status, the message, and the database exactly as it was.
source "$(dirname "$0")/lib.sh"
export ENTREPOT_NOW=2026-11-27T02:00:00Z   # 10:00 in Shanghai
unset ENTREPOT_KEY ENTREPOT_KEY_PASSPHRASE
E=$ENTREPOT
BIG=$(head -c 5000 /dev/zero | tr '\0' 7)
MAX=9223372036854775807
FF=$'\xff'

"$E" init --store SH01 --name "上海进口商品馆" >/dev/null
out=$("$E" journal append --kind SALE --cashier 王芳 6901234567892:2:12.50:13)
QR=$(printf '%s\n' "$out" | sed -n 's/^qr: //p')
head -c 1500 /dev/zero | tr '\0' a > "$WORK/long.pass"
: > "$WORK/empty.pass"
printf 'exists' > "$WORK/exists.pem"
A=(journal append --kind SALE)

# ---- keygen
refused 2 "--key is empty: give a value or leave the option out" -- journal keygen --key ""
refused 2 "the journal has already started" -- journal keygen --key "$WORK/second.key"
refused 2 "give the new key's file with --key FILE" -- journal keygen --rotate
refused 2 "--replace needs --reason TEXT" -- journal keygen --replace --key "$WORK/r.key"
refused 2 "--reason is empty: give a value or leave the option out" -- journal keygen --replace --key "$WORK/r.key" --reason ""
refused 2 "--rotate and --replace exclude each other" -- journal keygen --rotate --replace --key "$WORK/r.key"
refused 2 "already exists: a key file is never overwritten" -- journal keygen --rotate --key "$ENTREPOT_DB.key"
refused 3 "/nonexistent/dir/k.key: No such file or directory" -- journal keygen --rotate --key /nonexistent/dir/k.key
refused 3 "\\xFF/k.key: No such file or directory" -- journal keygen --rotate --key "$FF/k.key"
refused 2 "--passphrase-file is empty: give a value or leave the option out" -- journal keygen --rotate --key "$WORK/r.key" --passphrase-file ""
refused 2 "the passphrase is longer than 1023 bytes" -- journal keygen --rotate --key "$WORK/r.key" --passphrase-file "$WORK/long.pass"
refused 2 "the passphrase is empty" -- journal keygen --rotate --key "$WORK/r.key" --passphrase-file "$WORK/empty.pass"
refused 2 "No such file or directory" -- journal keygen --rotate --key "$WORK/r.key" --passphrase-file /nonexistent
refused 2 "Is a directory" -- journal keygen --rotate --key "$WORK/r.key" --passphrase-file "$WORK"
refused 2 "unknown option" -- journal keygen --bogus
[ ! -e "$WORK/r.key" ] && ok || fail "a refused keygen left a key file behind"

# ---- append (the lines' arithmetic and the payments)
refused 2 "with a whole, non-zero QTY of at most 1000000000" -- "${A[@]}" "1:$MAX:2:13"
refused 2 "with a whole, non-zero QTY of at most 1000000000" -- "${A[@]}" "1:-$MAX:2:13"
refused 2 "quantity times price is too large" -- "${A[@]}" "1:1000000000:90000000000000000.00:13"
refused 2 "the lines add up to more than can be recorded" -- "${A[@]}" 1:1000:50000000000000.00:13 2:1000:50000000000000.00:13
refused 2 "the amount at tax rate 13.00% is too large" -- "${A[@]}" 1:1000:9223372036854.77:13
refused 2 "price '-2' must not be negative" -- "${A[@]}" 1:1:-2:13
refused 2 "price: amount 'abc' is not a number" -- "${A[@]}" 1:1:abc:13
refused 2 "has too many fraction digits" -- "${A[@]}" 1:1:1.234:13
refused 2 "price: amount '$MAX$MAX' is too large" -- "${A[@]}" "1:1:$MAX$MAX:13"
refused 2 "with a whole, non-zero QTY" -- "${A[@]}" 1:0:1:13
refused 2 "with a whole, non-zero QTY" -- "${A[@]}" 1:x:1:13
refused 2 "with a whole, non-zero QTY" -- "${A[@]}" 1:99999999999999999999:1:13
refused 2 "with a whole, non-zero QTY" -- "${A[@]}" 1:1
refused 2 "tax rate '101' is not a percentage from 0 to 100" -- "${A[@]}" 1:1:1:101
refused 2 "tax rate '-1' is not a percentage" -- "${A[@]}" 1:1:1:-1
refused 2 "tax rate '\\xFF' is not a percentage" -- "${A[@]}" "1:1:1:$FF"
refused 2 "line '7777777777777777777777777777777777777777…'" -- "${A[@]}" "$BIG:1"
refused 2 "line 1: code is not valid UTF-8 text" -- "${A[@]}" "$FF:1:1:13"
refused 2 "line 1: name is not valid UTF-8 text" -- "${A[@]}" "1:1:1:13:$FF"
refused 2 "line 1: code is too long" -- "${A[@]}" "${BIG:0:65}:1:1:13"
refused 2 "line 1: name is too long" -- "${A[@]}" "1:1:1:13:$BIG"
refused 2 "payment 'cash': a payment must not be negative" -- "${A[@]}" --pay cash:-5,card 1:1:10:13
refused 2 "payment 'cash': a refund is paid out" -- journal append --kind RETURN --pay cash:5,card 1:-1:10:13
refused 2 "payment 'cash': amount 'x' is not a number" -- "${A[@]}" --pay cash:x 1:1:1:13
refused 2 "--pay needs at least one method" -- "${A[@]}" --pay ,,, 1:1:1:13
refused 2 "--pay is empty: give a value or leave the option out" -- "${A[@]}" --pay "" 1:1:1:13
refused 2 "too many payment methods: at most 8" -- "${A[@]}" --pay a:0,b:0,c:0,d:0,e:0,f:0,g:0,h:0,i 1:1:1:13
refused 2 "payment method is not valid UTF-8 text" -- "${A[@]}" --pay "$FF" 1:1:1:13
refused 2 "the amounts per tax rate add up to 100 but the payments to 500" -- "${A[@]}" --pay cash:5 1:1:1:13
refused 2 "--kind must be SALE, RETURN, VOID or TRAINING" -- journal append --kind START 1:1:1:13
refused 2 "--kind is empty: give a value or leave the option out" -- journal append --kind "" 1:1:1:13
refused 2 "give at least one line" -- "${A[@]}"
refused 2 "--time is empty: give a value or leave the option out" -- "${A[@]}" --time "" 1:1:1:13
refused 2 "time '2026-02-30T00:00:00Z' is not UTC" -- "${A[@]}" --time 2026-02-30T00:00:00Z 1:1:1:13
refused 2 "time '\\xFF' is not UTC" -- "${A[@]}" --time "$FF" 1:1:1:13
refused 2 "time '7777777777777777777777777777777777777777…' is not UTC" -- "${A[@]}" --time "$BIG" 1:1:1:13
refused 2 "uuid 'nope' is not a lower-case UUID" -- "${A[@]}" --uuid nope 1:1:1:13
refused 2 "ref '\\xFF' is not a lower-case UUID" -- journal append --kind VOID --ref "$FF" 1:-1:1:13
refused 2 "counter is not valid UTF-8 text" -- "${A[@]}" --counter "$FF" 1:1:1:13
refused 2 "cashier is too long" -- "${A[@]}" --cashier "$BIG" 1:1:1:13

# ---- close
refused 2 "--date is empty: give a value or leave the option out" -- journal close --date ""
refused 2 "'2026-02-30' is not a date YYYY-MM-DD" -- journal close --date 2026-02-30
refused 2 "'\\xFF' is not a date YYYY-MM-DD" -- journal close --date "$FF"
refused 2 "'7777777777777777777777777777777777777777…' is not a date" -- journal close --date "$BIG"
refused 2 "'1800-01-01' is not a date YYYY-MM-DD" -- journal close --date 1800-01-01
refused 2 "'-2026-11-27' is not a date" -- journal close --date -2026-11-27
refused 1 "2099-01-01 has not begun yet" -- journal close --date 2099-01-01
refused 2 "--period must be day, month or year, not 'week'" -- journal close --period week
refused 2 "--period must be day, month or year, not '\\xFF'" -- journal close --period "$FF"
refused 2 "--period is empty: give a value or leave the option out" -- journal close --period ""
refused 2 "'2026-13' is not a month YYYY-MM" -- journal close --period month --date 2026-13
refused 2 "'99999' is not a year YYYY" -- journal close --period year --date 99999
refused 2 "'-202' is not a year YYYY" -- journal close --period year --date -202
refused 1 "2026-11 is not over and its last day is not closed yet" -- journal close --period month --date 2026-11
refused 2 "unexpected argument 'extra'" -- journal close extra
refused 2 "Is a directory" -- journal close --passphrase-file "$WORK"
expect 0 "Z report 2026-11-27" -- journal close
refused 1 "2026-11-27 is already closed (record 3)" -- journal close
refused 1 "before the closing of 2026-11-27 taken at 2026-11-27 10:00:00 (record 3)" -- "${A[@]}" --time 2026-11-27T01:59:59Z 1:1:1:13

# ---- verify
refused 2 "--threads must be a number from 1 to 16" -- journal verify --threads 0
refused 2 "--threads must be a number from 1 to 16" -- journal verify --threads -1
refused 2 "--threads must be a number from 1 to 16" -- journal verify --threads abc
refused 2 "--threads must be a number from 1 to 16" -- journal verify --threads 99999999999999999999
refused 2 "--threads is empty: give a value or leave the option out" -- journal verify --threads ""
refused 2 "--head is empty: give a value or leave the option out" -- journal verify --head ""
refused 2 "must be the 64 hex digits of a head hash from a Z report (--head)" -- journal verify --head abc
refused 2 "must be the 64 hex digits of a head hash from a Z report (--head)" -- journal verify --head "$FF"
refused 1 "the journal does not verify" -- journal verify --head 0000000000000000000000000000000000000000000000000000000000000000
refused 2 "--pubkey is empty: give a value or leave the option out" -- journal verify --pubkey ""
refused 2 "/nonexistent.pem: No such file or directory" -- journal verify --pubkey /nonexistent.pem
refused 2 "\\xFF: No such file or directory" -- journal verify --pubkey "$FF"
refused 2 "holds no PEM public key" -- journal verify --pubkey "$WORK/exists.pem"
refused 2 "unexpected argument 'x'" -- journal verify x
refused 2 "no such database (create one with \`entrepot init\`)" -- --db "$WORK/none.db" journal verify
# A refusal always says why on standard error.
cp "$ENTREPOT_DB" "$WORK/bad.db"; [ -e "$ENTREPOT_DB-wal" ] && cp "$ENTREPOT_DB-wal" "$WORK/bad.db-wal"
sqlite3 "$WORK/bad.db" "DROP TRIGGER journal_no_update; UPDATE journal SET total = 1 WHERE seq = 2"
err=$("$E" --db "$WORK/bad.db" journal verify 2>&1 >/dev/null)
[[ $? -eq 1 && "$err" == *"the journal does not verify: 1 bad record"* ]] && ok || fail "verify: stderr '$err'"
err=$("$E" --db "$WORK/bad.db" --json journal verify 2>&1 >/dev/null)
[[ "$err" == *"the journal does not verify"* ]] && ok || fail "verify --json: stderr '$err'"

# ---- export
refused 2 "--from and --to take record numbers (1, 2, ...), not '0'" -- journal export --from 0
refused 2 "not '-1'" -- journal export --from -1
refused 2 "not 'x'" -- journal export --to x
refused 2 "not '99999999999999999999'" -- journal export --to 99999999999999999999
refused 2 "--from is empty: give a value or leave the option out" -- journal export --from ""
refused 2 "--from 5 is after --to 2" -- journal export --from 5 --to 2
refused 2 "--format must be json or csv, not 'xml'" -- journal export --format xml
refused 2 "--format is empty: give a value or leave the option out" -- journal export --format ""
refused 2 "--out is empty: give a value or leave the option out" -- journal export --out ""
refused 2 "cannot write /nonexistent/dir/j.json: its folder does not exist" -- journal export --out /nonexistent/dir/j.json
refused 2 "/j.json: its folder does not exist" -- journal export --out "$FF/j.json"

# ---- pubkey
refused 2 "--out is empty: give a value or leave the option out" -- journal pubkey --out ""
refused 2 "the file already exists" -- journal pubkey --out "$WORK/exists.pem"
refused 3 "/nonexistent/dir/k.pem: No such file or directory" -- journal pubkey --out /nonexistent/dir/k.pem
refused 2 "unexpected argument 'extra'" -- journal pubkey extra
refused 2 "unknown journal command '\\xFF'" -- journal "$FF"
ENTREPOT_DB="$WORK/n.db" expect 0 "created" -- init --store SH03 --name N --no-key
ENTREPOT_DB="$WORK/n.db" refused 2 "the sales journal has not started: it has no public key yet" -- journal pubkey

# ---- receipt verify
P=${QR%|*|*}   # without hash and signature
refused 2 "give the receipt's QR payload" -- receipt verify
refused 2 "not an entrepot receipt payload" -- receipt verify ""
refused 2 "not an entrepot receipt payload" -- receipt verify "$BIG"
refused 2 "the receipt payload has too few fields" -- receipt verify "ENT1|SH01|2"
refused 2 "the receipt's record number '\\xFF' is not a number" -- receipt verify "ENT1|SH01|$FF|SALE|2026-11-27T02:00:00Z|2500|CNY|a|b"
refused 2 "the receipt's record number '99999999999999999999' is not a number" -- receipt verify "ENT1|SH01|99999999999999999999|SALE|2026-11-27T02:00:00Z|2500|CNY|a|b"
refused 2 "the receipt's record number '-1' is not a number" -- receipt verify "ENT1|SH01|-1|SALE|2026-11-27T02:00:00Z|2500|CNY|a|b"
refused 2 "the receipt's kind 'FOO' is unknown" -- receipt verify "ENT1|SH01|2|FOO|2026-11-27T02:00:00Z|2500|CNY|a|b"
refused 2 "the receipt's time '2026' is not UTC" -- receipt verify "ENT1|SH01|2|SALE|2026|2500|CNY|a|b"
refused 2 "the receipt's total 'x' is not a number" -- receipt verify "ENT1|SH01|2|SALE|2026-11-27T02:00:00Z|x|CNY|a|b"
refused 2 "the receipt's currency 'XXXX' is not an ISO 4217 code" -- receipt verify "ENT1|SH01|2|SALE|2026-11-27T02:00:00Z|2500|XXXX|a|b"
refused 2 "the receipt's hash is not 43 base64url characters" -- receipt verify "ENT1|SH01|2|SALE|2026-11-27T02:00:00Z|2500|CNY|a|b"
refused 2 "--pubkey is empty: give a value or leave the option out" -- receipt verify --pubkey "" "$QR"
refused 2 "too many arguments: at most 1" -- receipt verify "$QR" "$QR"
refused 2 "unknown receipt command '\\xFF'" -- receipt "$FF"
refused 1 "the receipt is not valid: the receipt's signature does not verify" -- receipt verify "${QR/|2500|/|9500|}"
err=$("$E" receipt verify "${QR/|2500|/|9500|}" 2>&1 >/dev/null)
[[ "$err" == *"the receipt is not valid"* ]] && ok || fail "receipt verify: stderr '$err'"
expect 0 "valid: SALE record 2 of store SH01, 2026-11-27 10:00:00 (Asia/Shanghai)" -- receipt verify "$QR"

# ---- check
refused 2 "unexpected argument 'extra'" -- check extra
refused 2 "unknown option" -- check --bogus
refused 2 "no such database" -- --db "$WORK/none.db" check
finish
