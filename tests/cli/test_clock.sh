#!/usr/bin/env bash
# The released entrepot has no way to set its clock: $ENTREPOT_NOW, which
# the test build honours, must change nothing in what it signs.
source "$(dirname "$0")/lib.sh"
: "${ENTREPOT_RELEASE:?set ENTREPOT_RELEASE to the released entrepot binary}"
unset ENTREPOT_KEY ENTREPOT_KEY_PASSPHRASE
R=$ENTREPOT_RELEASE

expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
# The test build takes the fixed time (so the tests below can fail)...
out=$(ENTREPOT_NOW=2001-02-03T04:05:06Z "$ENTREPOT" journal append --kind SALE 6901234567892:1:1:13 2>&1)
[[ "$out" == *"at 2001-02-03T04:05:06Z"* || "$out" == *"2001-02-03 12:05:06"* ]] && ok \
    || fail "test build ignored ENTREPOT_NOW: $out"
# ...the released program does not: it signs the system clock's time, after the last record.
rm -f "$ENTREPOT_DB" "$ENTREPOT_DB"-* "$ENTREPOT_DB.key"
ENTREPOT_NOW= "$R" init --store SH01 --name "上海进口商品馆" >/dev/null 2>&1 || fail "release init"
today=$(date -u +%Y-%m-%d)
out=$(ENTREPOT_NOW=2001-02-03T04:05:06Z "$R" journal append --kind SALE 6901234567892:1:1:13 2>&1)
[ $? -eq 0 ] && ok || fail "release append: $out"
[[ "$out" != *"2001-02-03"* ]] && ok || fail "the released program took ENTREPOT_NOW: $out"
at=$(sqlite3 "$ENTREPOT_DB" "SELECT at FROM journal WHERE kind = 'SALE'")
[[ "$at" == "$today"* || "$at" == "$(date -u -d '-1 minute' +%Y-%m-%d)"* ]] && ok \
    || fail "the released program signed $at, not today ($today)"
ENTREPOT_NOW=2001-02-03T04:05:06Z "$R" journal verify >/dev/null 2>&1 && ok || fail "release verify"
# A bad test time is refused by the test build, not silently replaced.
ENTREPOT_NOW=yesterday expect 2 "ENTREPOT_NOW 'yesterday' is not UTC" -- version
finish
