#!/usr/bin/env bash
# End to end: since schema 024 the events of the rows a sale writes (sale,
# sale_line, sale_pay, move, journal) are stored without a body, and the view
# sync_event builds it when a sync reads it. This test keeps witnesses: the
# triggers that built those bodies before 024, taken from the schema files
# themselves, write what they would have sent into a table of their own while
# the store sells, returns, moves stock, closes the day, renames a commodity's
# GTIN, a location and the store's code. Every lazy body must be byte for byte
# the witness's. Then the rows the bodies are built from refuse to change.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
S=${ENT_SOURCE_DIR:-$(dirname "$0")/../..}/schema
DB=$ENTREPOT_DB
export ENTREPOT_NOW=2026-11-28T02:00:00Z
unset ENTREPOT_KEY ENTREPOT_KEY_PASSPHRASE

"$E" init --store SH01 --name "上海进口商品馆" >/dev/null
# trigger FILE NAME: the last definition of trigger NAME in FILE, renamed
# witness_NAME and writing (kind, at, body) into the table witness.
trigger() {
    awk -v name="$2" '$0 ~ "^CREATE TRIGGER " name " " { buf = ""; on = 1 }
        on { buf = buf $0 "\n" } on && /^END;/ { on = 0; last = buf } END { printf "%s", last }' "$1" |
        sed -e "s/^CREATE TRIGGER $2 /CREATE TRIGGER witness_$2 /" \
            -e 's/INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), /INSERT INTO witness (kind, at, body) VALUES (/'
}
witnesses="CREATE TABLE witness (n INTEGER PRIMARY KEY, kind TEXT, at TEXT, body TEXT);"
for t in sync_sale_insert sync_sale_line_insert sync_sale_pay_insert sync_stock_move_insert; do
    witnesses+=$'\n'$(trigger "$S/020_sync_outbox_ordered.sql" $t)
done
witnesses+=$'\n'$(trigger "$S/021_transfers.sql" sync_journal_insert)
[ "$(grep -c '^CREATE TRIGGER witness_' <<<"$witnesses")" = 5 ] && [ "$(grep -c 'INTO witness' <<<"$witnesses")" = 5 ] &&
    ok || fail "five witness triggers taken from schemas 020 and 021: $witnesses"
sqlite3 "$DB" "$witnesses" || fail "witness triggers installed"
base=$(sqlite3 "$DB" "SELECT max(seq) FROM sync_outbox")   # the journal's START came before the witnesses

N=3017620422003 K=5000112548167
"$E" location add S1 --kind shelf >/dev/null
"$E" location add R-1 --kind returns >/dev/null
"$E" location add B1 --kind backroom >/dev/null
"$E" product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13 >/dev/null
"$E" product add --gtin $K --name-zh "可口可乐 \"经典\"" --price 3.50 --tax-rate 9 >/dev/null
"$E" product add --sku TEA-1 --name-zh 抹茶 --price 12.00 --tax-rate 13 >/dev/null
"$E" stock receive --product $N --qty 3 --lot N1 --origin IT --expiry 2027-06-30 --location S1 >/dev/null
"$E" stock receive --product $N --qty 5 --lot N2 --origin IT --expiry 2027-08-31 --location S1 >/dev/null
"$E" stock receive --product $K --qty 24 --lot K1 --origin GB --expiry 2027-03-01 --location B1 --note "到货 ok" >/dev/null
"$E" stock receive --product TEA-1 --qty 10 --lot T1 --origin JP --location S1 >/dev/null
expect 0 "" -- stock move --product $K --from B1 --to S1 --qty 20
expect 0 "" -- sale --counter C1 --cashier 王芳 --pay card:50,cash "$N*4" "$K*3" TEA-1
# The codes change after these events were written and before they are read.
expect 0 "" -- product edit $K --gtin 5000112548174
expect 0 "" -- location edit S1 --code S-01
expect 0 "" -- product edit TEA-1 --sku TEA-2
export ENTREPOT_NOW=2026-11-28T03:00:00Z
expect 0 "" -- sale --counter C2 --cashier 李强 --pay wallet 5000112548174 TEA-2
expect 0 "" -- product edit 5000112548174 --gtin $K
expect 0 "" -- location edit S-01 --code S1
expect 0 "" -- location edit S1 --code S-02
export ENTREPOT_NOW=2026-11-28T04:00:00Z
expect 0 "" -- return 2 "$N*2" --counter C1 --cashier 王芳 --reason "broken seal" --to R-1
expect 0 "" -- stock scrap --product TEA-2 --location S-02 --qty 1 --note "罐子 \\ 破了"
sqlite3 "$DB" "UPDATE store SET code = 'SH09'"
export ENTREPOT_NOW=2026-11-28T15:00:00Z
expect 0 "" -- journal close
sqlite3 "$DB" "UPDATE store SET code = 'SH01'"

# lazy KIND: the built bodies of kind KIND, one a line, in the outbox's order; witness KIND: the witnesses'.
lazy() { sqlite3 "$DB" "SELECT e.at || ' ' || e.body FROM sync_event e JOIN sync_outbox o ON o.seq = e.seq
                        WHERE o.body IS NULL AND o.kind = '$1' AND o.seq > $base ORDER BY e.seq"; }
witness() { sqlite3 "$DB" "SELECT at || ' ' || body FROM witness WHERE kind = '$1' ORDER BY n"; }
for k in sale sale_line sale_pay move journal; do
    n=$(witness $k | wc -l)
    if [ "$n" -lt 2 ]; then
        fail "$k: only $n witnessed events"
    elif [ "$(lazy $k)" = "$(witness $k)" ]; then
        ok
    else
        fail "$k: the built bodies differ from the witnesses': $(diff <(lazy $k) <(witness $k) | head -5)"
    fi
done
# The witnesses saw the old codes, and so do the built bodies.
[ "$(sqlite3 "$DB" "SELECT count(*) FROM sync_event WHERE kind = 'move' AND body LIKE '%\"location\":\"S-01\"%'")" -ge 1 ] &&
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM sync_event WHERE kind = 'sale_line' AND body LIKE '%\"product\":\"TEA-1\"%'")" = 1 ] &&
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM sync_event WHERE kind = 'journal' AND body LIKE '{\"store\":\"SH09\"%'")" = 1 ] &&
    ok || fail "the renamed codes: each event names the code of its own time"
# Every event of the sale's kinds after the migration is lazy; the others keep a body.
[ "$(sqlite3 "$DB" "SELECT count(*) FROM sync_outbox WHERE (body IS NULL) != (kind IN ('sale', 'sale_line', 'sale_pay', 'move', 'journal'))")" = 0 ] &&
    ok || fail "lazy events are exactly those of the sale's kinds"
# UUIDs: version 7, unique, in time order with the events.
[ "$(sqlite3 "$DB" "SELECT count(*) FROM sync_outbox WHERE uuid NOT GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-7[0-9a-f][0-9a-f][0-9a-f]-[89ab][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'")" = 0 ] &&
    ok || fail "every event UUID is a version 7 UUID"
# The pushed body is text the same when read twice (the view is deterministic).
[ "$(sqlite3 "$DB" "SELECT group_concat(body) FROM sync_event")" = "$(sqlite3 "$DB" "SELECT group_concat(body) FROM sync_event")" ] &&
    ok || fail "bodies read twice are the same"

# The rows the bodies are built from hold still, whatever writes to the file.
frozen() {
    local before after out
    before=$(sqlite3 "$DB" .dump)
    out=$(sqlite3 "$DB" "$2" 2>&1) && fail "$2: accepted"
    [[ "$out" == *"$1"* ]] && ok || fail "$2: says '$out', not '$1'"
    after=$(sqlite3 "$DB" .dump)
    [ "$before" = "$after" ] && ok || fail "$2: the database changed"
}
frozen "a sale is never changed" "UPDATE sale SET total = 1 WHERE id = 1"
frozen "a sale is never removed" "DELETE FROM sale WHERE id = 2"
frozen "a sale line is never changed" "UPDATE sale_line SET qty = 9 WHERE id = 1"
frozen "a sale line is never removed" "DELETE FROM sale_line WHERE id = 1"
frozen "a payment is never changed" "UPDATE sale_pay SET amount = 1"
frozen "a payment is never removed" "DELETE FROM sale_pay"
frozen "a lot keeps its UUID" "UPDATE lot SET uuid = '11111111-1111-4111-8111-111111111111' WHERE code = 'N1'"
frozen "stock_move is append-only" "UPDATE stock_move SET qty = 1"
frozen "the journal is append-only" "DELETE FROM journal WHERE seq = 2"
frozen "sync events are immutable" "UPDATE sync_outbox SET body = '{}' WHERE body IS NULL"
# A lot's other fields may still change (its event keeps its body).
sqlite3 "$DB" "UPDATE lot SET supplier = '意大利 Ferrero' WHERE code = 'N1'" && ok || fail "a lot's supplier can still be changed"
expect 0 "every sale matches its signed journal record" -- check
finish
