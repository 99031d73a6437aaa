#!/usr/bin/env bash
# The auditor's side of the journal: a journal over several days (sales,
# a split payment, a discount-free return, a training sale, day closings and
# a month closing, a key rotation), exported as JSON and as a CSV set,
# verified from the export alone (`journal verify --export`), genuine and
# tampered; and the month rule across days with the test clock.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
unset ENTREPOT_KEY ENTREPOT_KEY_PASSPHRASE

# Three days of November 2026 in Shanghai (UTC+8), then the month closing.
export ENTREPOT_NOW=2026-11-28T02:00:00Z
expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "recorded SALE 2" -- journal append --kind SALE --pay cash:10,card 6901234567892:2:12.50:13:"Green tea 绿茶" \
    6901234567893:1:8:9
export ENTREPOT_NOW=2026-11-28T12:00:00Z
expect 0 "Z report 2026-11-28" -- journal close
export ENTREPOT_NOW=2026-11-29T03:00:00Z
expect 0 "recorded SALE 4" -- journal append --kind SALE --pay cash:8,card 6901234567892:1:12.50:13 6901234567893:1:8:9
expect 0 "recorded TRAINING 5" -- journal append --kind TRAINING 6901234567892:3:12.50:13
expect 0 "recorded RETURN 6" -- journal append --kind RETURN --pay cash 6901234567893:-1:8:9
export ENTREPOT_NOW=2026-11-29T12:00:00Z
expect 0 "Z report 2026-11-29" -- journal close
export ENTREPOT_NOW=2026-11-30T04:00:00Z
expect 0 "rotated" -- journal keygen --rotate --key "$WORK/k2.key"
expect 0 "recorded SALE 9" -- journal append --kind SALE --pay wallet 6901234567893:5:8:9
export ENTREPOT_NOW=2026-11-30T12:00:00Z
expect 0 "Z report 2026-11-30" -- journal close
# A sale of 1 December (local) before the month is closed: not in November.
export ENTREPOT_NOW=2026-11-30T17:00:00Z
expect 0 "recorded SALE 11" -- journal append --kind SALE 6901234567892:1:1:13
expect 0 '"seq": 12' -- --json journal close --period month --date 2026-11
export ENTREPOT_NOW=2026-12-01T12:00:00Z
expect 0 "Z report 2026-12-01" -- journal close
expect 0 "ok: 13 records, 5 closings, 2 keys" -- journal verify

# The month closing covers the day closings of the month: from the first one's
# first record to the last one, that record included; training is a total.
"$E" journal export --out "$WORK/j.json" 2>/dev/null && ok || fail "export json"
m=$(jq -c '.records[11] | [.period, .period_end, .first_seq, .last_seq, .total, .training, .counts,
    [.taxes[] | [.rate, .gross, .tax]], [.payments[] | [.method, .amount]]]' "$WORK/j.json")
want='["month:2026-11","2026-11-30T16:00:00Z",1,10,8550,3750,{"CLOSE":3,"KEY":1,"RETURN":1,"SALE":3,"START":1,"TRAINING":1},[[900,4800,396],[1300,3750,432]],[["card",3550],["cash",1000],["wallet",4000]]]'
[ "$m" = "$want" ] && ok || fail "month closing: $m, want $want"
# Day closings: the first starts at START, each ends at the record before it.
[ "$(jq -c '[.records[] | select(.period | startswith("day:")) | [.first_seq, .last_seq]]' "$WORK/j.json")" = \
  '[[1,2],[4,6],[8,9],[11,12]]' ] && ok || fail "day closings' ranges"
# A rate or method that sums to zero is listed: on day 2, 9 % and cash (a sale of 8.00 returned).
d2=$(jq -c '.records[6] | [.taxes, .payments, .total, .training]' "$WORK/j.json")
[ "$d2" = '[[{"rate":900,"gross":0,"tax":0},{"rate":1300,"gross":1250,"tax":144}],[{"method":"card","amount":1250},{"method":"cash","amount":0}],1250,3750]' ] \
    && ok || fail "day 2 closing: $d2"
[ "$(jq -r '.time_zone + " " + .currency' "$WORK/j.json")" = "Asia/Shanghai CNY" ] && ok || fail "export lacks the zone"
grep -qi "PRIVATE" "$WORK/j.json" && fail "the export holds a private key" || ok

# Genuine exports verify without the database, with the same summary.
"$E" journal pubkey --out "$WORK/keys.pem" 2>/dev/null
HEAD=$(jq -r '.records[-1].hash' "$WORK/j.json")
mv "$ENTREPOT_DB" "$WORK/away.db" # no database at all from here on
expect 0 "ok: 13 records, 5 closings, 2 keys" -- journal verify --export "$WORK/j.json" --pubkey "$WORK/keys.pem" \
    --head "$HEAD"
expect 0 "anchored on --pubkey" -- journal verify --export "$WORK/j.json" --pubkey "$WORK/keys.pem"
mv "$WORK/away.db" "$ENTREPOT_DB"
expect 0 "wrote 13 records to the CSV set" -- journal export --format csv --out "$WORK/set"
[ "$(ls "$WORK/set" | tr '\n' ' ')" = "counts.csv keys.csv lines.csv manifest.csv payments.csv records.csv store.csv taxes.csv " ] \
    && ok || fail "CSV set files: $(ls "$WORK/set")"
refused 2 "already exists: the CSV set goes into a new folder" -- journal export --format csv --out "$WORK/set"
refused 3 "cannot create a folder beside $WORK/nodir/set" -- journal export --format csv --out "$WORK/nodir/set"
refused 2 "is the database" -- journal export --format csv --out "$ENTREPOT_DB"
mv "$ENTREPOT_DB" "$WORK/away.db"
expect 0 "ok: 13 records, 5 closings, 2 keys" -- journal verify --export "$WORK/set" --head "$HEAD"
expect 0 "ok: 13 records" -- journal verify --export "$WORK/set/manifest.csv" --pubkey "$WORK/keys.pem"
expect 0 '"ok": true' -- --json journal verify --export "$WORK/set"
expect 2 "set/lines.csv is not a journal export: a CSV set is read whole, from its folder or its manifest.csv" -- \
    journal verify --export "$WORK/set/lines.csv"
grep -qi "PRIVATE" "$WORK"/set/*.csv && fail "the CSV set holds a private key" || ok
# stdout CSV is the set's records.csv.
mv "$WORK/away.db" "$ENTREPOT_DB"
"$E" --csv journal export | cmp -s - "$WORK/set/records.csv" && ok || fail "CSV on stdout differs from records.csv"
mv "$ENTREPOT_DB" "$WORK/away.db"

# Tampered JSON exports: each kind caught, exit 1, the database's messages.
tj() { # WANT JQ-FILTER [verify options]
    local want=$1 filter=$2
    shift 2
    jq "$filter" "$WORK/j.json" > "$WORK/t.json"
    expect 1 "$want" -- journal verify --export "$WORK/t.json" "$@"
}
tj "2: changed after signing" '.records[1].total = 1'
tj "2: changed after signing" '.records[1].lines[0].qty = 5'
tj "4: changed after signing" '.records[3].payments[0].amount = 1'
tj "13: changed after signing" '.records[12].counts.SALE = 9'
tj "2: changed after signing" '.store = "SH02"'
tj "4: record 3 is missing" 'del(.records[2])'
tj "14: out of order: it was signed as record 10" '.records[9].seq = 14' # renumbered
tj "3: out of order: it was signed as record 4" '.records[2].seq = 4 | .records[3].seq = 3'
tj "3: duplicate of record 2" '.records[2] = (.records[1] | .seq = 3)'
tj "2: bad signature" '.records[1].signature |= ("00" + .[2:])'
tj "2: malformed: a hash, key id or signature has the wrong size" '.records[1].signature |= .[2:]'
tj "2: malformed: a column holds a value of the wrong type" '.records[1].total = "3300"'
tj "2: malformed: a column holds a value of the wrong type" 'del(.records[1].note)'
tj "2: malformed: a column holds a value of the wrong type" '.records[1].taxes[0].rate = "900"'
tj "2: malformed: a column holds a value of the wrong type" '.records[1].lines[0].code = 6901234567892'
tj "3: malformed: a column holds a value of the wrong type" '.records[2].counts.SALE = "1"'
tj "4: changed after signing" '.records[3].prev_hash = .records[1].prev_hash' # prev is in the body
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout > "$WORK/other.pem"
tj "1: the START key" '.' --pubkey "$WORK/other.pem"
tj "13: tail cut off: the head ${HEAD:0:16}" 'del(.records[12])' --head "$HEAD"
tj "12: month:2026-11 ends at 2026-11-30T23:00:00Z in time zone Europe/Berlin" '.time_zone = "Europe/Berlin"'
# A month closing re-signed with the store's own key (a forger holding it)
# over a range that leaves out the first day, its sums matching that range.
if python3 -c 'import cryptography' 2>/dev/null; then
    python3 - "$ENT_SOURCE_DIR/tests/cli" "$WORK/j.json" "$WORK/k2.key" > "$WORK/t.json" <<'PY'
import hashlib, json, sys
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[1])
import verify_export as v
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
doc = json.load(open(sys.argv[2]))
key = serialization.load_pem_private_key(open(sys.argv[3], "rb").read(), None)
r = doc["records"][11]
taxes, pays, counts, total, training = v.sums(doc["records"], 4, 10)
r.update(first_seq=4, total=total, training=training, counts=counts,
         taxes=[{"rate": k, "gross": g, "tax": t} for k, (g, t) in sorted(taxes.items())],
         payments=[{"method": k, "amount": a} for k, a in sorted(pays.items())])
b = v.body(doc["store"], r, "")
h = hashlib.sha256(b).digest()
seal = "ENT1|%s|%d|%s|%s|%d|%s|%s" % (doc["store"], r["seq"], r["kind"], r["time"], r["total"], r["currency"], v.b64(h))
rr, ss = utils.decode_dss_signature(key.sign(seal.encode(), ec.ECDSA(hashes.SHA256())))
sig = rr.to_bytes(32, "big") + ss.to_bytes(32, "big")
r.update(hash=h.hex(), signature=sig.hex(), body=b.decode(), qr=seal + "|" + v.b64(sig))
json.dump(doc, sys.stdout)
PY
    expect 1 "12: the month closing covers records 4..10, not 1..10" -- journal verify --export "$WORK/t.json"
fi
jq '.records[1].counts = 5' "$WORK/j.json" > "$WORK/t.json" # a list member of no body: nothing changed
expect 0 "ok: 13 records" -- journal verify --export "$WORK/t.json"
expect 2 "does not give the store's time zone (time_zone)" -- journal verify --export <(jq 'del(.time_zone)' "$WORK/j.json")
expect 2 "not a journal export" -- journal verify --export "$WORK/keys.pem"
expect 2 "cannot read the export" -- journal verify --export "$WORK/none.json"

# Tampered CSV sets: a changed file is caught by the manifest; with the
# manifest made to match, by the records' hashes and signatures.
reset_set() { rm -rf "$WORK/ts"; cp -r "$WORK/set" "$WORK/ts"; }
rehash() { # FILE: makes manifest.csv match the changed file, as a forger would
    local sum rows
    sum=$(sha256sum "$WORK/ts/$1" | cut -c1-64)
    rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$WORK/ts/$1")
    sed -i "s/^$1,[0-9]*,[0-9a-f]*/$1,$rows,$sum/" "$WORK/ts/manifest.csv"
}
reset_set
sed -i 's/^2,1,6901234567892,,Green tea 绿茶,2,/2,1,6901234567892,,Green tea 绿茶,3,/' "$WORK/ts/lines.csv"
expect 1 "lines.csv is not the file the export wrote" -- journal verify --export "$WORK/ts"
rehash lines.csv
expect 1 "2: changed after signing" -- journal verify --export "$WORK/ts"
reset_set
sed -i '/^4,cash,/d' "$WORK/ts/payments.csv"
rehash payments.csv
expect 1 "4: changed after signing" -- journal verify --export "$WORK/ts"
reset_set
sed -i 's/^2,1300,2500,288/2,1300,2500,0288/' "$WORK/ts/taxes.csv"
rehash taxes.csv
expect 1 "2: malformed: a column holds a value of the wrong type" -- journal verify --export "$WORK/ts"
reset_set
sed -i 's/^12,KEY,1/12,KEY,2/' "$WORK/ts/counts.csv"
rehash counts.csv
expect 1 "12: changed after signing" -- journal verify --export "$WORK/ts"
reset_set
sed -i 's/Asia\/Shanghai/Asia\/Tokyo/' "$WORK/ts/store.csv"
rehash store.csv
expect 1 "day:2026-11-28 ends at 2026-11-28T15:00:00Z in time zone Asia/Tokyo" -- journal verify --export "$WORK/ts"
reset_set
rm "$WORK/ts/counts.csv"
expect 2 "the CSV set lacks counts.csv" -- journal verify --export "$WORK/ts"
reset_set
sed -i '/^counts.csv,/d' "$WORK/ts/manifest.csv"
expect 2 "does not list counts.csv" -- journal verify --export "$WORK/ts"
reset_set
sed -i 's/^records.csv,13,/records.csv,12,/' "$WORK/ts/manifest.csv"
expect 1 "records.csv holds 13 rows, the manifest.csv says 12" -- journal verify --export "$WORK/ts"
mv "$WORK/away.db" "$ENTREPOT_DB"

# The month rule on the refusals: December is not over and its last day is not closed.
refused 1 "2026-12 is not over and its last day is not closed yet" -- journal close --period month --date 2026-12
refused 1 "2026-11 is already closed" -- journal close --period month --date 2026-11

# The project's own verifier, written from the README alone, on the JSON and the CSV set.
if python3 -c 'import cryptography' 2>/dev/null; then
    V="$ENT_SOURCE_DIR/tests/cli/verify_export.py"
    out=$(python3 "$V" "$WORK/j.json" 2>&1)
    [ $? -eq 0 ] && [[ "$out" == *"13 records, 5 closings, 0 bad"* ]] && ok || fail "independent verifier (JSON): $out"
    out=$(python3 "$V" "$WORK/set" 2>&1)
    [ $? -eq 0 ] && [[ "$out" == *"13 records, 5 closings, 0 bad"* ]] && ok || fail "independent verifier (CSV): $out"
    jq '.records[1].lines[0].qty = 5' "$WORK/j.json" > "$WORK/t.json"
    out=$(python3 "$V" "$WORK/t.json" 2>&1)
    [[ $? -eq 1 && "$out" == *"2: "* ]] && ok || fail "independent verifier missed a changed line: $out"
    jq '.time_zone = "Europe/Berlin"' "$WORK/j.json" > "$WORK/t.json"
    out=$(python3 "$V" "$WORK/t.json" 2>&1)
    [[ $? -eq 1 && "$out" == *"12: "* ]] && ok || fail "independent verifier missed a wrong zone: $out"
    reset_set
    sed -i 's/^2,1,6901234567892,,Green tea 绿茶,2,/2,1,6901234567892,,Green tea 绿茶,3,/' "$WORK/ts/lines.csv"
    rehash lines.csv
    out=$(python3 "$V" "$WORK/ts" 2>&1)
    [[ $? -eq 1 && "$out" == *"2: "* ]] && ok || fail "independent verifier missed a changed CSV line: $out"
fi

finish
