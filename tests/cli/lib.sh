# Helpers for the end-to-end tests: run the real binary on a temporary database.
set -u
: "${ENTREPOT:?set ENTREPOT to the entrepot binary}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ENTREPOT_DB="$WORK/test.db"
PASS=0
FAIL=0

fail() { printf 'FAIL: %s\n' "$*"; FAIL=$((FAIL + 1)); }
ok() { PASS=$((PASS + 1)); }

# expect STATUS "message substring" -- ARGS...: runs entrepot ARGS, checks the
# exit status and that stdout+stderr contain the substring.
expect() {
    local want=$1 text=$2
    shift 3
    local out status
    out=$("$ENTREPOT" "$@" 2>&1)
    status=$?
    if [ "$status" -ne "$want" ]; then
        fail "entrepot $*: exit $status, want $want; output: $out"
    elif [[ "$out" != *"$text"* ]]; then
        fail "entrepot $*: output lacks '$text': $out"
    else
        ok
    fi
}

# refused STATUS "message" -- ARGS...: like expect, and the database must be
# byte-for-byte the same afterwards (compared as sqlite3 .dump).
refused() {
    local before after
    before=$(sqlite3 "$ENTREPOT_DB" .dump)
    expect "$@"
    after=$(sqlite3 "$ENTREPOT_DB" .dump)
    if [ "$before" != "$after" ]; then
        fail "entrepot ${*:4}: the database changed"
    else
        ok
    fi
}

finish() {
    printf '%d passed, %d failed\n' "$PASS" "$FAIL"
    [ "$FAIL" -eq 0 ]
}

# schema30_undo: the SQL that takes schema 30's per-unit columns away again,
# so that a test can make a database of an older schema from a new one (the
# migrations after it run again at the next opening). 30's triggers and view
# are stood in for under the names it drops: the view with schema 23's
# columns, the triggers by ones that never fire on their own (on the store).
schema30_undo() {
    local t t30="stock_sum_lot_balance_insert stock_sum_lot_balance_rekey stock_sum_lot_lot_change
        stock_sum_lot_unit_change stock_sum_lot_qty stock_sum_lot_rekey stock_sum_locorg_insert stock_sum_locorg_update
        stock_sum_locorg_delete stock_sum_locorg_unit_change"
    for t in $t30; do echo "DROP TRIGGER $t;"; done
    echo "DROP VIEW stock_sum_location_origin_of; CREATE VIEW stock_sum_location_origin_of AS SELECT location_id, origin,
        cost_currency, qty, lots, products, uncosted, value_units, value_milli FROM stock_sum_location_origin;
    ALTER TABLE stock_sum_lot DROP COLUMN unit; ALTER TABLE stock_sum_origin DROP COLUMN qty_pcs;
    ALTER TABLE stock_sum_origin DROP COLUMN qty_g; ALTER TABLE stock_sum_origin DROP COLUMN qty_ml;
    ALTER TABLE stock_sum_location_origin DROP COLUMN qty_pcs; ALTER TABLE stock_sum_location_origin DROP COLUMN qty_g;
    ALTER TABLE stock_sum_location_origin DROP COLUMN qty_ml;"
    for t in $t30; do echo "CREATE TRIGGER $t AFTER DELETE ON store BEGIN SELECT 1; END;"; done
}
