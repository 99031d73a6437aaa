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
