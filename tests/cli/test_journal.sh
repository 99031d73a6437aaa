#!/usr/bin/env bash
# End to end: the signed sales journal through the entrepot program — keys at
# init, appends, the Z closing, verify (clean, tampered, cut off), export,
# receipts, passphrases, key rotation and unclean shutdowns.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
export ENTREPOT_NOW=2026-11-27T02:00:00Z
unset ENTREPOT_KEY ENTREPOT_KEY_PASSPHRASE

for c in "journal keygen" "journal close" "journal verify" "journal export" "journal pubkey" "journal append" \
    "receipt verify"; do
    expect 0 "example" -- $c --help
done
expect 0 "keygen" -- journal --help
expect 2 "unknown journal command 'frob'" -- journal frob

# init makes the key beside the database, readable by its owner only.
expect 0 "signing key $ENTREPOT_DB.key" -- init --store SH01 --name "上海进口商品馆"
mode=$(stat -c %a "$ENTREPOT_DB.key")
[ "$mode" = 600 ] && ok || fail "key file mode $mode, want 600"
grep -q "BEGIN PRIVATE KEY" "$ENTREPOT_DB.key" && ok || fail "key file is not PKCS#8 PEM"

# Records.
expect 0 "recorded SALE 2" -- journal append --kind SALE --pay card --cashier Li \
    6901234567892:2:12.50:13:"Green tea" 6901234567893:1:8:9
out=$("$E" journal append --kind SALE --pay cash:10,card 6901234567892:1:12.50:13)
QR=$(printf '%s\n' "$out" | sed -n 's/^qr: //p')
[[ "$QR" == "ENT1|SH01|3|SALE|2026-11-27T02:00:00Z|1250|CNY|"* ]] && ok || fail "qr payload: $QR"
expect 0 "recorded TRAINING 4" -- journal append --kind TRAINING 6901234567892:1:12.50:13
expect 0 "recorded RETURN 5" -- journal append --kind RETURN 6901234567892:-1:12.50:13
refused 2 "a RETURN's total must be zero or negative, not 1250" -- journal append --kind RETURN 6901234567892:1:12.50:13
refused 2 "a VOID needs the UUID" -- journal append --kind VOID 6901234567892:-1:12.50:13
refused 2 "--kind must be SALE, RETURN, VOID or TRAINING" -- journal append --kind START 6901234567892:1:1:13
refused 2 "tax rate 'x'" -- journal append --kind SALE 6901234567892:1:1:x

# The Z closing, once.
export ENTREPOT_NOW=2026-11-27T12:00:00Z
out=$("$E" journal close 2>&1)
[ $? -eq 0 ] && ok || fail "journal close: $out"
for want in "Z report 2026-11-27, store SH01" "records            1..5" "SALE             2" \
    "13%              25.00 CNY / 2.88 CNY" "cash             -2.50 CNY" "period total       33.00 CNY" \
    "training           12.50 CNY (in no total)" "grand total        33.00 CNY"; do
    [[ "$out" == *"$want"* ]] && ok || fail "Z report lacks '$want': $out"
done
HEAD=$(printf '%s\n' "$out" | sed -n 's/^  head hash *//p')
[ ${#HEAD} -eq 64 ] && ok || fail "no head hash in the Z report"
refused 1 "2026-11-27 is already closed (record 6)" -- journal close
refused 1 "the record is dated 2026-11-27 18:00:00 (Asia/Shanghai), before the closing of 2026-11-27 taken at 2026-11-27 20:00:00 (record 6)" -- journal append --kind SALE --time 2026-11-27T10:00:00Z 6901234567892:1:12.50:13
export ENTREPOT_NOW=2026-11-28T12:00:00Z
expect 0 '"grand_total": 3300' -- --json journal close --date 2026-11-28
export ENTREPOT_NOW=2026-11-29T02:00:00Z

# Verify: clean, with the head from the Z report and the public key from the export.
expect 0 "ok: 7 records, 2 closings, 1 key" -- journal verify --head "$HEAD"
# the grand total as the Z report prints it, in the store's currency (it said "3300 (minor units)")
expect 0 "1 key, grand total 33.00 CNY;" -- journal verify
"$E" journal export --out "$WORK/j.json" 2>/dev/null && ok || fail "export json"
expect 0 "1 key, grand total 33.00 CNY;" -- journal verify --export "$WORK/j.json"
[ "$(jq '.records | length' "$WORK/j.json")" = 7 ] && ok || fail "export: wrong record count"
[ "$(jq -r '.records[1].lines[0].name' "$WORK/j.json")" = "Green tea" ] && ok || fail "export: line name"
[ "$(jq -r '.records[1].local_time' "$WORK/j.json")" = "2026-11-27 10:00:00" ] && ok || fail "export: local time"
jq -r '.keys[0].pem' "$WORK/j.json" > "$WORK/pub.pem"
expect 0 "anchored on --pubkey" -- journal verify --pubkey "$WORK/pub.pem"
"$E" --csv journal export > "$WORK/j.csv" && ok || fail "export csv"
head -1 "$WORK/j.csv" | grep -q '^seq,uuid,kind,time,' && ok || fail "csv header"
grep -q "BEGIN PUBLIC KEY" "$WORK/j.csv" && ok || fail "csv lacks the public key"
expect 0 '"ok": true' -- --json journal verify
expect 2 "must be the 64 hex digits of a head hash from a Z report (--head)" -- journal verify --head abc
expect 2 "no such database" -- --db "$WORK/none.db" journal verify

# Tampering on copies: each caught with its seq, exit 1.
tamper() { # NAME SQL
    cp "$ENTREPOT_DB" "$WORK/$1.db"
    [ -e "$ENTREPOT_DB-wal" ] && cp "$ENTREPOT_DB-wal" "$WORK/$1.db-wal"
    sqlite3 "$WORK/$1.db" "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;
        DROP TRIGGER journal_line_no_update; DROP TRIGGER journal_line_no_delete; $2"
}
tamper amount "UPDATE journal SET total = 1 WHERE seq = 3"
expect 1 "3: changed after signing" -- --db "$WORK/amount.db" journal verify
tamper line "UPDATE journal_line SET qty = 1 WHERE seq = 2 AND line = 1"
expect 1 "2: changed after signing" -- --db "$WORK/line.db" journal verify
tamper gone "DELETE FROM journal WHERE seq = 4"
expect 1 "5: record 4 is missing" -- --db "$WORK/gone.db" journal verify
tamper cut "DELETE FROM journal WHERE seq >= 6"
expect 0 "ok: 5 records" -- --db "$WORK/cut.db" journal verify
expect 1 "6: tail cut off: the head ${HEAD:0:16}" -- --db "$WORK/cut.db" journal verify --head "$HEAD"

# Receipts.
expect 0 "the journal holds this record unchanged" -- receipt verify "$QR"
expect 0 "valid: SALE record 3 of store SH01" -- --db "$WORK/none.db" receipt verify --pubkey "$WORK/pub.pem" "$QR"
FORGED=${QR/|1250|/|9250|}
expect 1 "NOT VALID: the receipt's signature does not verify" -- receipt verify "$FORGED"
expect 1 "journal's record 3 differs" -- --db "$WORK/amount.db" receipt verify "$QR"
expect 2 "not an entrepot receipt payload" -- receipt verify hello

# The key file: others must not read it.
chmod 644 "$ENTREPOT_DB.key"
refused 1 "can be read by others (mode 0644)" -- journal append --kind SALE 6901234567892:1:1:13
chmod 600 "$ENTREPOT_DB.key"

# Rotation: a KEY record signed by the old key.
expect 0 "rotated to $WORK/new.key" -- journal keygen --rotate --key "$WORK/new.key"
expect 0 "recorded SALE 9" -- journal append --kind SALE 6901234567892:1:1:13
expect 0 "ok: 9 records, 2 closings, 2 keys" -- journal verify --pubkey "$WORK/pub.pem"

# An unclean shutdown: a session left by a process that is gone.
sh -c 'exit 0' &
dead=$!
wait $dead
sqlite3 "$ENTREPOT_DB" "INSERT INTO journal_session VALUES ('11111111-1111-4111-8111-111111111111', '$(hostname)', $dead, 'C9', '2026-11-28T01:00:00Z')"
expect 0 "recorded SALE 11" -- journal append --kind SALE 6901234567892:1:1:13
[ "$(jq -r '.records[9].event' <("$E" journal export))" = unclean-shutdown ] && ok || fail "no unclean-shutdown EVENT"
expect 0 "ok: 11 records" -- journal verify

# The project's independent verifier (tests/cli/verify_export.py, written from
# the README's "Sales journal" section alone) rebuilds each body from the
# exported fields (not from "body"), then checks hashes, chain, seals,
# signatures through the key chain, QR payloads and closings. Skipped where
# Python's cryptography package is missing.
if python3 -c 'import cryptography' 2>/dev/null; then
    "$E" journal export --out "$WORK/indep.json" 2>/dev/null
    out=$(python3 "$ENT_SOURCE_DIR/tests/cli/verify_export.py" "$WORK/indep.json" 2>&1)
    [ $? -eq 0 ] && ok || fail "independent verifier: $out"
    jq '.records[2].lines[0].qty = 5' "$WORK/indep.json" > "$WORK/indep-bad.json"
    out=$(python3 "$ENT_SOURCE_DIR/tests/cli/verify_export.py" "$WORK/indep-bad.json" 2>&1)
    [[ "$out" == *"3: "* ]] && ok || fail "independent verifier missed a changed line: $out"
fi

# The auditor's public keys: every key of the chain, as PEM, to stdout or a new file.
"$E" journal pubkey > "$WORK/keys.pem" && ok || fail "journal pubkey"
[ "$(grep -c 'BEGIN PUBLIC KEY' "$WORK/keys.pem")" = 2 ] && ok || fail "pubkey: want the START and the KEY record's keys"
grep -q "^# record 1 (START): key id " "$WORK/keys.pem" && ok || fail "pubkey: no comment naming the START record"
expect 0 "wrote the journal's public keys to $WORK/keys2.pem" -- journal pubkey --out "$WORK/keys2.pem"
cmp -s "$WORK/keys.pem" "$WORK/keys2.pem" && ok || fail "pubkey --out differs from stdout"
expect 0 "anchored on --pubkey" -- journal verify --pubkey "$WORK/keys2.pem"
expect 0 "valid: SALE record 3 of store SH01, 2026-11-27 02:00:00 (UTC)" -- --db "$WORK/none.db" receipt verify \
    --pubkey "$WORK/keys2.pem" "$QR"
refused 2 "the file already exists" -- journal pubkey --out "$WORK/keys2.pem"

# A closing covers what was recorded before it; selling goes on after it,
# into the next closing, and every time people read is in the store's zone.
export ENTREPOT_DB="$WORK/z.db"
export ENTREPOT_NOW=2026-11-27T02:00:00Z
expect 0 "created" -- init --store SH05 --name Z
expect 0 "at 2026-11-27 10:00:00 (Asia/Shanghai)" -- journal append --kind SALE 6901234567892:1:10:13
export ENTREPOT_NOW=2026-11-27T12:00:00Z
expect 0 "taken 2026-11-27 20:00:00 (Asia/Shanghai)" -- journal close

export ENTREPOT_NOW=2026-11-27T13:00:00Z
expect 0 "recorded SALE 4" -- journal append --kind SALE 6901234567892:2:10:13
refused 1 "2026-11-27 is already closed (record 3); what was recorded after that closing goes into the closing of the next day" -- journal close
# A record dated back, but after the closing: the clock-backwards EVENT says so in local time.
expect 0 "recorded SALE 6" -- journal append --kind SALE --time 2026-11-27T12:30:00Z 6901234567892:1:10:13
[ "$(jq -r '.records[4].note' <("$E" journal export))" = \
  "the clock went back from 2026-11-27 21:00:00 (record 4) to 2026-11-27 20:30:00 (Asia/Shanghai)" ] && ok \
    || fail "clock-backwards note: $(jq -r '.records[4].note' <("$E" journal export))"
export ENTREPOT_NOW=2026-11-28T12:00:00Z
out=$("$E" journal close 2>&1)
[[ "$out" == *"records            4..6"* && "$out" == *"period total       30.00 CNY"* ]] && ok \
    || fail "the sales after the closing are not in the next one: $out"
expect 0 "ok: 7 records, 2 closings" -- journal verify
# A clock behind the last closing is refused when the journal opens, in local time.
export ENTREPOT_NOW=2026-11-28T11:00:00Z
refused 1 "the clock reads 2026-11-28 19:00:00 (Asia/Shanghai), before the closing of 2026-11-28 taken at 2026-11-28 20:00:00 (record 7)" -- journal append --kind SALE 6901234567892:1:10:13

# A passphrase-protected key, never on the command line.
export ENTREPOT_DB="$WORK/p.db"
printf 'correct horse\n' > "$WORK/pass"
expect 0 "signing key $WORK/p.key" -- init --store SH02 --name P --key "$WORK/p.key" --passphrase-file "$WORK/pass"
grep -q "ENCRYPTED PRIVATE KEY" "$WORK/p.key" && ok || fail "the key is not encrypted"
refused 1 "is protected by a passphrase, and none was given: set ENTREPOT_KEY_PASSPHRASE or give --passphrase-file" -- journal append --kind SALE 6901234567892:1:1:13
expect 0 "recorded SALE 2" -- journal append --kind SALE --passphrase-file "$WORK/pass" 6901234567892:1:1:13
ENTREPOT_KEY_PASSPHRASE="correct horse" expect 0 "recorded SALE 3" -- journal append --kind SALE 6901234567892:1:1:13

# No key: no sale.
export ENTREPOT_DB="$WORK/n.db"
expect 0 "created" -- init --store SH03 --name N --no-key
refused 1 "the sales journal has not started, so nothing can be sold" -- journal append --kind SALE 6901234567892:1:1:13
expect 0 "started the journal with $WORK/n.key" -- journal keygen --key "$WORK/n.key"
expect 0 "recorded SALE 2" -- journal append --kind SALE 6901234567892:1:1:13

finish
