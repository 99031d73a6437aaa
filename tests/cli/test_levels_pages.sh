#!/usr/bin/env bash
# End to end: every stock levels view a page at a time (--after the key of
# the last row): the pages put together are the whole list; after stock
# changes between pages, what follows is what follows the key in the list
# as it is then. The location view reads its summary (schema 19): it equals
# the balances added up location by location, also after changes made by
# hand, and the integrity check names a summary that drifted. So does the
# location view of one origin, and the views of one location alone (schema 23).
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
export ENTREPOT_TODAY=2026-11-30
"$E" demo --commodities 120 --seed 7 --today 2026-11-30 >/dev/null || fail "demo"
"$E" location add 0-FIRST --kind shelf >/dev/null || fail "location add"
"$E" location add ZZ-LAST --kind shelf >/dev/null || fail "location add"
jqtrue() {
    local what=$1 filter=$2 got
    shift 3
    got=$("$E" "$@" | jq "$filter" 2>&1)
    [ "$got" = "true" ] && ok || fail "$what: $got"
}

P=9
# pages VIEW-ARGS...: every page of $P rows, concatenated (as one JSON array)
pages() {
    local after="" all="[]" page n
    for ((i = 0; i < 100; i++)); do
        if [ -z "$after" ]; then
            page=$("$E" --json stock levels "$@" --limit $P) || return 1
        else
            page=$("$E" --json stock levels "$@" --limit $P --after "$after") || return 1
        fi
        all=$(jq -c --argjson p "$page" '. + $p' <<<"$all")
        n=$(jq length <<<"$page")
        [ "$n" -lt "$P" ] && break
        after=$(jq -r '.[-1].key' <<<"$page")
    done
    echo "$all"
}

# A back room holding a good part of the store's lots (60 new ones, some
# without an expiry): its lot view walks the store's lots in expiry order
# page by page, while the whole list (--limit 0) sorts its balances.
"$E" location add BIG-01 --kind backroom >/dev/null || fail "location add"
i=0
# (the commodities that keep: without an expiry; the others with one)
for g in $(sqlite3 "$ENTREPOT_DB" "SELECT gtin || IIF(shelf_life_days IS NULL, ':', '') FROM product
                                   WHERE gtin IS NOT NULL ORDER BY id LIMIT 60"); do
    i=$((i + 1))
    exp=$(printf -- "--expiry 2027-%02d-%02d" $((i % 12 + 1)) $((i % 27 + 1)))
    [ "${g%:}" != "$g" ] && exp="" && g=${g%:}
    # shellcheck disable=SC2086
    "$E" stock receive --product "$g" --qty $((i % 5 + 1)) --lot "BIG$i" --origin "$([ $((i % 2)) = 0 ] && echo IT || echo FR)" \
        --location BIG-01 $exp >/dev/null || fail "receive BIG$i"
done
fullest=BIG-01
views=("--by product" "--by location" "--by lot" "--by origin" "--low" "--expiring 120"
       "--by product --origin FR" "--by lot --origin IT" "--by location --origin DE"
       "--by product --location QA-01" "--by lot --location QA-01" "--by origin --location QA-01"
       "--by lot --location $fullest" "--by product --location $fullest" "--by lot --location $fullest --origin IT"
       "--by location --product $(sqlite3 "$ENTREPOT_DB" "SELECT gtin FROM product WHERE id =
            (SELECT product_id FROM stock_balance WHERE qty > 0 GROUP BY product_id ORDER BY count(*) DESC LIMIT 1)")")
multi=0
for v in "${views[@]}"; do
    # shellcheck disable=SC2086
    whole=$("$E" --json stock levels $v --limit 0)
    # shellcheck disable=SC2086
    got=$(pages $v)
    n=$(jq length <<<"$whole")
    [ "$n" -gt "$P" ] && multi=$((multi + 1))
    if [ "$n" -gt 0 ] && [ "$got" = "$(jq -c . <<<"$whole")" ]; then ok; else fail "pages of $v: $(jq length <<<"$got") rows, want $n"; fi
    jqtrue "keys unique in $v" '(map(.key) | unique | length) == length' -- --json stock levels $v --limit 0
done

# A page that starts among the lots with an expiry and ends among those
# without one (a seek in the dated lots, then the undated from their first),
# for the store's lots, one origin's and the back room's walk.
for v in "--by lot" "--by lot --origin IT" "--by lot --location $fullest"; do
    # shellcheck disable=SC2086
    whole=$("$E" --json stock levels $v --limit 0)
    d=$(jq 'map(select(.expiry != null)) | length' <<<"$whole")
    u=$(jq 'map(select(.expiry == null)) | length' <<<"$whole")
    if [ "$d" -lt 4 ] || [ "$u" -lt 3 ]; then fail "$v: $d dated and $u undated lots, want a few of each"; continue; fi
    key=$(jq -r --argjson i $((d - 4)) '.[$i].key' <<<"$whole")
    # shellcheck disable=SC2086
    got=$("$E" --json stock levels $v --limit 6 --after "$key" | jq -c .)
    want=$(jq -c --argjson i $((d - 3)) '.[$i:$i + 6]' <<<"$whole")
    if [ "$got" = "$want" ]; then ok; else fail "$v: the page across the undated lots: $(jq -c 'map(.key)' <<<"$got") want $(jq -c 'map(.key)' <<<"$want")"; fi
done

# most views take several pages
[ "$multi" -ge 6 ] && ok || fail "only $multi views had more than one page"

# Stock changes between pages: the first page is read, then stock is moved
# into a location before the key and one after, and a new commodity is
# received; the pages after the key are what follows it in the list now.
follows() { # VIEW KEY WHOLE: what follows the key in WHOLE
    jq -c --arg k "$2" '(map(.key) | index($k)) as $i | .[$i + 1:]' <<<"$3"
}
changed() {
    local view=$1 first key rest now
    shift
    # shellcheck disable=SC2086
    first=$("$E" --json stock levels $view --limit $P)
    key=$(jq -r '.[-1].key' <<<"$first")
    "$@" >/dev/null || fail "change: $*"
    # shellcheck disable=SC2086
    now=$("$E" --json stock levels $view --limit 0)
    # shellcheck disable=SC2086
    rest=$("$E" --json stock levels $view --limit 100000 --after "$key" | jq -c .)
    [ "$(jq 'map(.key) | index("'"$key"'")' <<<"$now")" != null ] || { fail "$view: key $key gone"; return; }
    if [ "$rest" = "$(follows "$view" "$key" "$now")" ]; then ok; else fail "$view after a change between pages: $(jq -c 'map(.key)' <<<"$rest") want $(follows "$view" "$key" "$now" | jq -c 'map(.key)')"; fi
}
gtin1=$(sqlite3 "$ENTREPOT_DB" "SELECT p.gtin FROM stock_balance b JOIN product p ON p.id = b.product_id
    JOIN location l ON l.id = b.location_id WHERE l.code = 'QA-01' AND b.qty > 3 AND p.gtin IS NOT NULL LIMIT 1")
changed "--by location" "$E" stock move --product "$gtin1" --from QA-01 --to 0-FIRST --qty 1
changed "--by location" "$E" stock move --product "$gtin1" --from QA-01 --to ZZ-LAST --qty 1
changed "--by product" "$E" stock receive --product "$gtin1" --qty 5 --lot PAGE1 --origin FR --location 0-FIRST
changed "--by lot" "$E" stock receive --product "$gtin1" --qty 5 --lot PAGE2 --origin FR --location 0-FIRST \
    --expiry 2026-12-01

# A key no page gave is refused, and nothing changes.
refused 2 "the page key 'x' is not one a page of stock levels gave" -- stock levels --after x
refused 2 "the page key" -- stock levels --by lot --after "12:x"

# The terminal names the next page's key under the table.
expect 0 "(next page: --after '0:" -- stock levels --by location --limit 3

# The location view from its summary equals the balances added up location
# by location (the narrowed view reads the balances), also after changes
# made by hand to a lot's cost and a balance's place; so does the location
# view of each origin from its own summary (schema 23).
# the location rows as the balances add them up (of one origin, if given), in the view's order
per_location() {
    sqlite3 "$ENTREPOT_DB" "SELECT loc.code || ' ' || COALESCE(l.cost_currency, '') || ' ' || SUM(b.qty) || ' '
        || COUNT(*) || ' ' || COUNT(DISTINCT b.product_id)
        FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN location loc ON loc.id = b.location_id
        WHERE b.qty > 0 AND ('${1:-}' = '' OR l.origin = '${1:-}')
        GROUP BY loc.code, COALESCE(l.cost_currency, '') ORDER BY loc.code, COALESCE(l.cost_currency, '')"
}
from_summary() {
    "$E" --json stock levels --by location ${1:+--origin "$1"} --limit 0 |
        jq -r '.[] | "\(.location) \(.currency // "") \(.on_hand) \(.lots) \(.products)"'
}
# every origin with stock, each line "ORIGIN rows..."
per_origin() {
    local o
    for o in $(sqlite3 "$ENTREPOT_DB" "SELECT DISTINCT l.origin FROM stock_balance b JOIN lot l ON l.id = b.lot_id
                                       WHERE b.qty > 0 ORDER BY 1"); do
        "$1" "$o" | sed "s/^/$o /"
    done
}
# The views narrowed to one location alone (the commodities walked through
# the balances by location and commodity, the origins and the location's
# own rows from the summaries, schema 23) against its balances added up.
at_location() { # LOC: by commodity, by origin and the location's rows, from the balances
    local w="b.qty > 0 AND b.location_id = (SELECT id FROM location WHERE code = '$1')"
    local j="stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id"
    sqlite3 "$ENTREPOT_DB" "SELECT p.gtin || ' ' || COALESCE(l.cost_currency, '') || ' ' || SUM(b.qty) || ' ' || COUNT(*)
        FROM $j WHERE $w GROUP BY p.id, COALESCE(l.cost_currency, '') ORDER BY p.id, COALESCE(l.cost_currency, '')"
    # by origin: pieces, kg and litres apart, by value within a currency, the store's first (schema 30)
    local unit="SUM(CASE WHEN p.unit NOT IN ('g', 'ml') THEN b.qty ELSE 0 END) || ' '
        || printf('%d.%03d', SUM(CASE WHEN p.unit = 'g' THEN b.qty ELSE 0 END) / 1000, SUM(CASE WHEN p.unit = 'g' THEN b.qty ELSE 0 END) % 1000) || ' '
        || printf('%d.%03d', SUM(CASE WHEN p.unit = 'ml' THEN b.qty ELSE 0 END) / 1000, SUM(CASE WHEN p.unit = 'ml' THEN b.qty ELSE 0 END) % 1000)"
    local value="SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END)
        + (SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END) + 500) / 1000"
    sqlite3 "$ENTREPOT_DB" "SELECT l.origin || ' ' || COALESCE(l.cost_currency, '') || ' ' || $unit || ' ' || COUNT(*)
        || ' ' || COUNT(DISTINCT b.product_id) FROM $j WHERE $w GROUP BY l.origin, COALESCE(l.cost_currency, '')
        ORDER BY COALESCE(l.cost_currency, '') = '', COALESCE(l.cost_currency, '') <> (SELECT currency FROM store),
                 COALESCE(l.cost_currency, ''), $value DESC, l.origin"
    sqlite3 "$ENTREPOT_DB" "SELECT '$1 ' || COALESCE(l.cost_currency, '') || ' ' || SUM(b.qty) || ' ' || COUNT(*)
        || ' ' || COUNT(DISTINCT b.product_id) FROM $j WHERE $w GROUP BY COALESCE(l.cost_currency, '')
        ORDER BY COALESCE(l.cost_currency, '')"
}
at_location_views() { # LOC: the same from the three views
    "$E" --json stock levels --location "$1" --limit 0 | jq -r '.[] | "\(("0000000000000" + .gtin)[-14:]) \(.currency // "") \(.on_hand) \(.lots)"'
    "$E" --json stock levels --by origin --location "$1" --limit 0 |
        jq -r '.[] | "\(.origin) \(.currency // "") \(.pcs) \(.kg) \(.L) \(.lots) \(.products)"'
    "$E" --json stock levels --by location --location "$1" --limit 0 |
        jq -r '.[] | "\(.location) \(.currency // "") \(.on_hand) \(.lots) \(.products)"'
}
same_as_balances() {
    if [ "$(per_location)" = "$(from_summary)" ] && [ -n "$(per_location)" ]; then ok; else fail "$1"; fi
    if [ "$(per_origin per_location)" = "$(per_origin from_summary)" ]; then ok; else fail "$1, by origin"; fi
    local loc
    for loc in QA-01 "$fullest" ZZ-LAST; do
        if [ "$(at_location "$loc")" = "$(at_location_views "$loc")" ]; then ok; else fail "$1, at $loc alone"; fi
    done
    expect 0 "every balance matches" -- check
}
same_as_balances "location summary"
sqlite3 "$ENTREPOT_DB" "UPDATE product SET unit = 'g' WHERE id = (SELECT MIN(product_id) FROM stock_balance WHERE qty > 0)"
same_as_balances "location summary after a commodity's unit changed by hand"
sqlite3 "$ENTREPOT_DB" "UPDATE lot SET unit_cost = 777, cost_currency = 'NZD' WHERE id = (SELECT MIN(lot_id) FROM stock_balance WHERE qty > 0)"
same_as_balances "location summary after a lot's cost changed by hand"
sqlite3 "$ENTREPOT_DB" "UPDATE lot SET origin = 'NZ' WHERE id = (SELECT MAX(lot_id) FROM stock_balance WHERE qty > 0)"
same_as_balances "location summary after a lot's origin changed by hand"
sqlite3 "$ENTREPOT_DB" "UPDATE stock_balance SET location_id = (SELECT id FROM location WHERE code = 'ZZ-LAST')
    WHERE (lot_id, location_id) = (SELECT lot_id, location_id FROM stock_balance WHERE qty > 0 AND lot_id NOT IN
        (SELECT lot_id FROM stock_balance WHERE location_id = (SELECT id FROM location WHERE code = 'ZZ-LAST')) LIMIT 1)"
[ "$("$E" --json stock levels --by location --location ZZ-LAST | jq 'map(.lots) | add')" -ge 2 ] && ok || fail "balance moved by hand"
# (the ledger no longer matches the moved balance: only the summaries are compared here)
if [ "$(per_location)" = "$(from_summary)" ]; then ok; else fail "location summary after a balance moved by hand"; fi
if [ "$(per_origin per_location)" = "$(per_origin from_summary)" ]; then ok; else fail "location summary by origin after a balance moved by hand"; fi
if [ "$(at_location ZZ-LAST)" = "$(at_location_views ZZ-LAST)" ]; then ok; else fail "views at ZZ-LAST alone after a balance moved by hand"; fi
expect 1 "" -- check
"$E" check 2>&1 | grep -q "summary drift: location" && fail "the location summary drifted after a balance moved by hand" || ok
sqlite3 "$ENTREPOT_DB" "UPDATE stock_sum_location_cur SET products = products + 1
    WHERE location_id = (SELECT MIN(location_id) FROM stock_sum_location_cur)"
expect 1 "summary drift: location " -- check
# a drift of one origin's row is named with its origin (the other summaries set right first)
sqlite3 "$ENTREPOT_DB" "UPDATE stock_sum_location_cur SET products = products - 1
    WHERE location_id = (SELECT MIN(location_id) FROM stock_sum_location_cur);
    UPDATE stock_sum_location_origin SET qty = qty + 1 WHERE (origin, location_id, cost_currency) =
        (SELECT origin, location_id, cost_currency FROM stock_sum_location_origin WHERE lots > 0 LIMIT 1)"
"$E" check 2>&1 | grep -q "summary drift: location [^ ]* origin [A-Z][A-Z] " && ok || fail "drift of a location's origin row not named: $("$E" check 2>&1 | head -3)"
finish
