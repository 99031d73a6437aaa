#!/usr/bin/env bash
# entrepot supplier / purchase: suppliers and what each supplies, CSV in and
# out, purchase orders from draft to received; every bad input refused with
# its message and exit status, the database left exactly as it was.
source "$(dirname "$0")/lib.sh"

# jqtrue WHAT FILTER -- ARGS...: entrepot ARGS' JSON output makes FILTER true.
jqtrue() {
    local what=$1 filter=$2 got
    shift 3
    got=$("$ENTREPOT" "$@" | jq "$filter" 2>&1)
    [ "$got" = "true" ] && ok || fail "$what: $got"
}
ME=$(id -un)

expect 0 "example" -- supplier --help
expect 0 "created" -- init --store SH01 --name "上海进口商品馆" --no-key
expect 0 "added" -- product add --gtin 3017620422003 --name-zh 榛子可可酱 --origin IT --price 39.90 --reorder-point 24
expect 0 "added" -- product add --sku OIL-1 --name-zh 橄榄油 --name-en "Olive oil" --origin ES --price 89.00
expect 0 "added" -- product add --sku OLD-1 --name-en "Old tea" --price 10.00
expect 0 "retired" -- product retire OLD-1

# ---- suppliers ------------------------------------------------------------
expect 0 "added supplier BIO-FR" -- supplier add BIO-FR --name-zh 法国生物食品 --name-en "Bio France SARL" \
    --country FR --currency EUR --terms "30 days net" --lead-days 21 --contact "Mme Durand +33 1 23 45 67 89"
expect 0 "added supplier JP-1" -- supplier add JP-1 --name-zh 日本食品 --country JPN --currency JPY
jqtrue "JP-1 takes the alpha-2 code, lead time 0" '.[1].code == "JP-1" and .[1].country == "JP" and .[1].lead_days == 0' -- --json supplier list
jqtrue "supplier list" 'length == 2 and .[0].code == "BIO-FR" and .[0].currency == "EUR" and .[0].lead_days == 21' -- --json supplier list
refused 2 "supplier BIO-FR already exists (codes do not depend on case)" -- supplier add bio-fr --name-en x
refused 2 "supplier code 'BIO FR' must be 1 to 32 letters" -- supplier add "BIO FR" --name-en x
refused 2 "supplier X needs a name" -- supplier add X --country FR
refused 2 "country 'XX' is not an ISO 3166-1 country code" -- supplier add X --name-en x --country XX
refused 2 "currency 'EURO' is not an ISO 4217 code" -- supplier add X --name-en x --currency EURO
refused 2 "lead_days '400' is too large: the most is 365" -- supplier add X --name-en x --lead-days 400
refused 2 "lead_days '-1'" -- supplier add X --name-en x --lead-days -1
refused 2 "--contact is empty" -- supplier add X --name-en x --contact ""
refused 2 "name_en is not valid UTF-8" -- supplier add X --name-en $'caf\xe9'
refused 2 "nothing to change" -- supplier edit BIO-FR
refused 2 "no supplier 'NOPE'" -- supplier edit NOPE --lead-days 3
refused 2 "would have no name left" -- supplier edit JP-1 --name-zh ""
refused 2 "currency and lead_days cannot be cleared" -- supplier edit JP-1 --currency ""
expect 0 "changed supplier bio-fr" -- supplier edit bio-fr --lead-days 14 --contact ""
jqtrue "edit: lead time and cleared contact" '.[0].lead_days == 14 and .[0].contact == null' -- --json supplier list
[ "$(sqlite3 "$ENTREPOT_DB" "SELECT changed_by FROM supplier WHERE code = 'BIO-FR'")" = "$ME" ] && ok || fail "supplier change author"

# ---- what each supplies ---------------------------------------------------
expect 0 "supplier BIO-FR supplies 3017620422003" -- supplier item BIO-FR 3017620422003 --pack 12 --price 24.00 --supplier-code NUT-400
expect 0 "supplies OIL-1" -- supplier item BIO-FR OIL-1 --pack 6
expect 0 "supplies OIL-1" -- supplier item JP-1 OIL-1 --pack 6 --price 2400
jqtrue "items" 'length == 2 and .[0].pack_size == 12 and .[0].last_price == "24.00" and .[0].currency == "EUR" and .[1].last_price == null' -- --json supplier show BIO-FR
expect 0 "supplies" -- supplier item BIO-FR OIL-1 --price 31.50
jqtrue "price set, pack kept" '.[1].pack_size == 6 and .[1].last_price == "31.50"' -- --json supplier show BIO-FR
refused 1 "commodity OLD-1 Old tea is retired: it cannot be ordered" -- supplier item BIO-FR OLD-1 --pack 1
refused 2 "no commodity has the code 'NOPE'" -- supplier item BIO-FR NOPE
refused 2 "no supplier 'NOPE'" -- supplier item NOPE OIL-1
refused 2 "pack_size '0' is too small: the least is 1" -- supplier item BIO-FR OIL-1 --pack 0
refused 2 "last_price: amount '1.234' has too many fraction digits for EUR" -- supplier item BIO-FR OIL-1 --price 1.234
refused 2 "last_price: amount '12.5' takes no fraction digits for JPY" -- supplier item JP-1 OIL-1 --price 12.5
refused 2 "last_price '-1.00' must be from 0" -- supplier item BIO-FR OIL-1 --price -1.00
refused 2 "supplier JP-1 does not supply '3017620422003'" -- supplier item-remove JP-1 3017620422003
expect 0 "no longer supplies" -- supplier item-remove JP-1 OIL-1

# ---- CSV ------------------------------------------------------------------
expect 0 "" -- supplier export "$WORK/s.csv"
expect 0 "" -- supplier item-export "$WORK/i.csv"
grep -q '^BIO-FR,法国生物食品,Bio France SARL,FR,,EUR,30 days net,14' "$WORK/s.csv" && ok || fail "export: $(cat "$WORK/s.csv")"
grep -q '^BIO-FR,03017620422003,NUT-400,12,24.00' "$WORK/i.csv" && ok || fail "item export: $(cat "$WORK/i.csv")"
refused 2 "row 2: supplier BIO-FR already exists" -- supplier import "$WORK/s.csv"
expect 0 "imported 2 suppliers" -- supplier import "$WORK/s.csv" --update
expect 0 "imported 2 supplier items" -- supplier item-import "$WORK/i.csv"
# Round trip: what was exported is what is there after importing it again.
expect 0 "" -- supplier export "$WORK/s2.csv"
cmp -s "$WORK/s.csv" "$WORK/s2.csv" && ok || fail "supplier round trip differs"
printf 'code,name_zh,currency,lead_days\r\nKR-1,韩国食品,KRW,10\r\nUS-1,,USD,7\r\n' >"$WORK/bad.csv"
refused 2 "row 3: supplier US-1 needs a name" -- supplier import "$WORK/bad.csv"
printf 'code,name_zh,colour\r\nKR-1,韩国食品,red\r\n' >"$WORK/bad.csv"
refused 2 "unknown column 'colour'" -- supplier import "$WORK/bad.csv"
printf 'supplier,product,pack_size\r\nBIO-FR,OIL-1,12\r\nBIO-FR,OLD-1,1\r\n' >"$WORK/bad.csv"
refused 1 "row 3: commodity OLD-1 Old tea is retired" -- supplier item-import "$WORK/bad.csv"
printf 'code,name_zh,currency,lead_days\r\nKR-1,韩国食品,KRW,10\r\n' >"$WORK/ok.csv"
expect 0 "imported 1 suppliers" -- supplier import "$WORK/ok.csv"
jqtrue "imported supplier" '.[2].code == "KR-1" and .[2].name_zh == "韩国食品" and .[2].currency == "KRW" and .[2].lead_days == 10' -- --json supplier list
refused 2 "supplier export: the FILE name is empty" -- supplier export ""
refused 2 "is the database" -- supplier export "$ENTREPOT_DB"

# ---- purchase orders --------------------------------------------------------
export ENTREPOT_NOW=2026-11-30T08:00:00Z
expect 0 "example" -- purchase --help
expect 0 "order PO-000001 to BIO-FR: draft" -- purchase new BIO-FR --expected 2026-12-20 --note "年货 Chinese New Year"
refused 2 "no supplier 'NOPE'" -- purchase new NOPE
refused 2 "expected delivery date 2026-11-01 is in the past" -- purchase new BIO-FR --expected 2026-11-01
refused 2 "expected delivery date '2026-02-30' is not a date" -- purchase new BIO-FR --expected 2026-02-30
refused 2 "--note is empty" -- purchase new BIO-FR --note ""
expect 0 "set" -- purchase line PO-000001 3017620422003 --packs 10
expect 0 "set" -- purchase line po-000001 OIL-1 --packs 2 --units 3
# 10 x 24.00 + (2 x 31.50 + 3 x 31.50 / 6 = 78.75) = 318.75 EUR; the supplier's last prices.
jqtrue "order total" '.[0].total == "318.75" and .[0].currency == "EUR" and .[0].lines == 2 and .[0].status == "draft"' -- --json purchase list
jqtrue "lines" '.[0].qty == 120 and .[0].value == "240.00" and .[1].qty == 15 and .[1].value == "78.75" and .[1].price == "31.50"' -- --json purchase show PO-000001
# Loose units priced half up: 1 unit of a 6-pack at 31.51 = 5.2516... -> 5.25; 31.53 / 6 = 5.255 -> 5.26.
expect 0 "set" -- purchase line PO-000001 OIL-1 --packs 0 --units 1 --price 31.51
jqtrue "half up, below" '.[1].value == "5.25"' -- --json purchase show PO-000001
expect 0 "set" -- purchase line PO-000001 OIL-1 --price 31.53
jqtrue "half up, at half" '.[1].value == "5.26"' -- --json purchase show PO-000001
refused 1 "commodity OLD-1 Old tea is retired: it cannot be ordered" -- purchase line PO-000001 OLD-1 --packs 1
expect 0 "order PO-000002 to JP-1: draft" -- purchase new JP-1
refused 1 "supplier JP-1 does not supply '3017620422003': put it on the supplier's list first" -- purchase line PO-000002 3017620422003 --packs 1
expect 0 "supplies" -- supplier item JP-1 3017620422003 --pack 24
refused 2 "no price: the supplier has no last price for it" -- purchase line PO-000002 3017620422003 --packs 1
refused 2 "the line's quantity is 0" -- purchase line PO-000002 3017620422003 --packs 0 --price 100
refused 2 "packs '-1'" -- purchase line PO-000002 3017620422003 --packs -1 --price 100
refused 2 "packs '1000001' is too large" -- purchase line PO-000002 3017620422003 --packs 1000001 --price 100
refused 2 "the line's quantity is too large" -- purchase line PO-000002 3017620422003 --packs 1000000 --units 999999999 --price 100
refused 2 "price: amount '1.5' takes no fraction digits for JPY" -- purchase line PO-000002 3017620422003 --packs 1 --price 1.5
refused 2 "nothing to set" -- purchase line PO-000002 3017620422003
refused 2 "no purchase order 'PO-999'" -- purchase line PO-999 OIL-1 --packs 1
refused 1 "order PO-000002 has no lines: there is nothing to send" -- purchase send PO-000002
refused 2 "status 'open' must be draft, sent" -- purchase list --status open

# A draft records no changes; a sent order records each, with who made it.
expect 0 "order PO-000001 sent" -- purchase send PO-000001
refused 1 "order PO-000001 is sent already" -- purchase send PO-000001
jqtrue "no history before sending" 'length == 0' -- --json purchase history PO-000001
expect 0 "set" -- purchase line PO-000001 3017620422003 --packs 12
expect 0 "removed" -- purchase drop PO-000001 OIL-1
refused 2 "order PO-000001 has no line for 'OIL-1'" -- purchase drop PO-000001 OIL-1
jqtrue "history" "length == 2 and .[0].user == \"$ME\" and (.[0].change | contains(\"changed line 1\") and contains(\"12 packs of 12 + 0 units at 24.00 EUR, was 10 packs\")) and (.[1].change | contains(\"removed line 2\"))" -- --json purchase history PO-000001
jqtrue "sent by" ".[0].sent_at == \"2026-11-30T08:00:00Z\"" -- --json purchase list --status sent
expect 0 "order PO-000001 cancelled" -- purchase cancel PO-000001
refused 1 "order PO-000001 is cancelled: it cannot change any more" -- purchase line PO-000001 3017620422003 --packs 1
refused 1 "order PO-000001 is cancelled" -- purchase cancel PO-000001
jqtrue "cancel recorded" '.[-1].change == "cancelled the order (it was sent)"' -- --json purchase history PO-000001
# A supplier's currency stays while an order in it is open.
refused 1 "supplier JP-1 has 1 open order(s) in JPY" -- supplier edit JP-1 --currency USD
jqtrue "list by supplier" 'length == 1 and .[0].order == "PO-000002"' -- --json purchase list --supplier jp-1
unset ENTREPOT_NOW

# ---- the order as a PDF, in Chinese and English ----------------------------
expect 0 "wrote $WORK/po.pdf" -- purchase pdf PO-000002 --out "$WORK/po.pdf"
expect 0 "set" -- purchase line PO-000002 3017620422003 --packs 2 --price 2400
expect 0 "wrote" -- purchase pdf po-000002 --out "$WORK/po.pdf"
txt=$(pdftotext -layout "$WORK/po.pdf" - 2>&1)
for want in "采购订单" "Purchase order" "PO-000002" "日本食品" "2×24" "4800" "合计 Total: 4800 JPY"; do
    [[ "$txt" == *"$want"* ]] && ok || fail "order PDF lacks '$want': $txt"
done
# Both names for the supplier abroad: the supplier's and the commodity's English under the Chinese,
# the status in both languages, the store's address and phone for the delivery.
expect 0 "changed" -- store edit --address "上海市浦东新区日京路 88 号" --phone "+86 21 5868 0000" --user 王经理
expect 0 "order PO-000003" -- purchase new BIO-FR
expect 0 "set" -- purchase line PO-000003 OIL-1 --packs 1 --units 1
expect 0 "wrote" -- purchase pdf PO-000003 --out "$WORK/po3.pdf"
txt=$(pdftotext -layout "$WORK/po3.pdf" - 2>&1)
for want in "Bio France SARL" "橄榄油" "Olive oil" "草稿 draft" "日京路 88 号" "+86 21 5868 0000" "1×6"; do
    [[ "$txt" == *"$want"* ]] && ok || fail "order PDF lacks '$want': $txt"
done
expect 0 "sent" -- purchase send PO-000003
expect 0 "set" -- purchase line PO-000003 OIL-1 --packs 1 --units 2
jqtrue "one pack, one unit: singular in the history" '.[-1].change | endswith("1 pack of 6 + 2 units at 31.50 EUR, was 1 pack of 6 + 1 unit at 31.50 EUR")' -- --json purchase history PO-000003
refused 2 "no purchase order 'PO-404'" -- purchase pdf PO-404 --out "$WORK/x.pdf"
[ ! -e "$WORK/x.pdf" ] && ok || fail "a PDF was written for an unknown order"
refused 2 "is the database" -- purchase pdf PO-000002 --out "$ENTREPOT_DB"
refused 2 "needs the ORDER and --out FILE" -- purchase pdf PO-000002

# ---- suggested orders -------------------------------------------------------
# A store of its own, with sales on known days (the store's zone: Asia/Shanghai).
export ENTREPOT_DB="$WORK/sug.db"; G=()
export ENTREPOT_NOW=2026-10-01T02:00:00Z
expect 0 "created" -- "${G[@]}" init --store SH02 --name "南京店"
expect 0 "added" -- "${G[@]}" location add S1
expect 0 "added" -- "${G[@]}" product add --gtin 3017620422003 --name-zh 榛子可可酱 --price 39.90 --reorder-point 24
expect 0 "added" -- "${G[@]}" product add --sku OIL-1 --name-zh 橄榄油 --price 89.00 --reorder-point 10
expect 0 "added" -- "${G[@]}" product add --sku TEA-1 --name-zh 红茶 --price 29.00 --reorder-point 5
expect 0 "received" -- "${G[@]}" stock receive --product 3017620422003 --qty 32 --lot N1 --origin IT --location S1
expect 0 "received" -- "${G[@]}" stock receive --product OIL-1 --qty 4 --lot O1 --origin ES --location S1
expect 0 "received" -- "${G[@]}" stock receive --product TEA-1 --qty 100 --lot T1 --origin LK --location S1
expect 0 "added" -- "${G[@]}" supplier add BIO-FR --name-en "Bio France" --currency EUR --lead-days 14
expect 0 "added" -- "${G[@]}" supplier add JP-1 --name-zh 日本食品 --currency JPY --lead-days 7
expect 0 "supplies" -- "${G[@]}" supplier item BIO-FR 3017620422003 --pack 12 --price 24.00
expect 0 "supplies" -- "${G[@]}" supplier item BIO-FR OIL-1 --pack 6 --price 31.50
expect 0 "supplies" -- "${G[@]}" supplier item JP-1 OIL-1 --pack 6
expect 0 "supplies" -- "${G[@]}" supplier item BIO-FR TEA-1 --pack 10 --price 5.00
# Sold: 2 before the window, 28 in it (the 28 days before 2026-11-30), 1 today (not counted).
ENTREPOT_NOW=2026-10-20T04:00:00Z expect 0 "" -- "${G[@]}" sale --counter C1 --cashier 王芳 --pay cash "3017620422003*2"
ENTREPOT_NOW=2026-11-10T04:00:00Z expect 0 "" -- "${G[@]}" sale --counter C1 --cashier 王芳 --pay cash "3017620422003*28"
export ENTREPOT_NOW=2026-11-30T04:00:00Z
expect 0 "" -- "${G[@]}" sale --counter C1 --cashier 王芳 --pay cash "3017620422003*1"
# Hazelnut: demand = ceil(28 x 14 / 28) = 14, target 24 + 14 = 38, on hand 1: 37 -> 4 packs of 12.
# Oil: no sales, target 10, on hand 4: 6 -> 1 pack from JP-1 (shorter lead time), which has no price.
# Tea: 100 on hand, above its target: nothing.
before=$(sqlite3 "$WORK/sug.db" .dump)
jqtrue "dry run" 'length == 2 and .[0].supplier == "BIO-FR" and .[0].sold == 28 and .[0].days == 28 and .[0].demand == 14 and .[0].on_hand == 1 and .[0].packs == 4 and .[0].qty == 48 and .[0].order == null and .[1].supplier == "JP-1" and .[1].packs == 1 and .[1].price == "no price"' -- "${G[@]}" --json purchase suggest --dry-run
[ "$before" = "$(sqlite3 "$WORK/sug.db" .dump)" ] && ok || fail "a dry run changed the database"
# Six weeks: 28 sold in 42 days -> ceil(28 x 14 / 42) = 10, target 34, 33 -> 3 packs.
jqtrue "six weeks" '.[0].days == 42 and .[0].demand == 10 and .[0].packs == 3' -- "${G[@]}" --json purchase suggest --dry-run --weeks 6
refused 2 "--weeks '53' is too large: the most is 52" -- "${G[@]}" purchase suggest --weeks 53
refused 2 "--weeks '0' is too small" -- "${G[@]}" purchase suggest --weeks 0
jqtrue "drafts made" '.[0].order == "PO-000001" and .[1].order == null' -- "${G[@]}" --json purchase suggest
jqtrue "the draft" 'length == 1 and .[0].qty == 48 and .[0].price == "24.00" and .[0].value == "96.00"' -- "${G[@]}" --json purchase show PO-000001
jqtrue "draft status" '.[0].status == "draft" and .[0].supplier == "BIO-FR"' -- "${G[@]}" --json purchase list
# What is on order counts: again, only the unpriced oil is suggested, on no order.
jqtrue "on order counts" 'length == 1 and .[0].supplier == "JP-1" and .[0].order == null' -- "${G[@]}" --json purchase suggest
# Once the oil was ordered from BIO-FR, BIO-FR is its supplier for suggestions.
expect 0 "PO-000002" -- "${G[@]}" purchase new BIO-FR
expect 0 "set" -- "${G[@]}" purchase line PO-000002 OIL-1 --units 1
jqtrue "last supplier chosen" 'length == 1 and .[0].supplier == "BIO-FR" and .[0].on_order == 1 and .[0].packs == 1 and .[0].price == "31.50"' -- "${G[@]}" --json purchase suggest --dry-run
expect 0 "cancelled" -- "${G[@]}" purchase cancel PO-000002
jqtrue "cancelled order ignored" '.[0].supplier == "JP-1"' -- "${G[@]}" --json purchase suggest --dry-run
# A retired commodity is never suggested.
expect 0 "retired" -- "${G[@]}" product retire OIL-1
jqtrue "retired left out" 'length == 0' -- "${G[@]}" --json purchase suggest --dry-run
unset ENTREPOT_NOW

# ---- receiving against an order ---------------------------------------------
export ENTREPOT_NOW=2026-12-01T04:00:00Z
expect 0 "added" -- "${G[@]}" location add B-01 --kind backroom
expect 0 "barcode" -- "${G[@]}" product barcode add 3017620422003 13017620422000 --qty 12
expect 0 "PO-000003" -- "${G[@]}" purchase new BIO-FR
expect 0 "set" -- "${G[@]}" purchase line PO-000003 3017620422003 --packs 4
expect 0 "set" -- "${G[@]}" purchase line PO-000003 TEA-1 --packs 2 --price 5.05
R=(purchase receive PO-000003 --location B-01 --origin IT --declaration 223320261000123456)
refused 1 "order PO-000003 is draft: only a sent order is received against" -- "${G[@]}" "${R[@]}" --product 3017620422003 --qty 1 --lot N2
expect 0 "sent" -- "${G[@]}" purchase send PO-000003
refused 1 "commodity OIL-1 橄榄油 is not on order PO-000003: receive it without the order" -- "${G[@]}" "${R[@]}" --product OIL-1 --qty 1 --lot O2
# Two cases scanned by their case barcode: 24 units of 48; the cost is 24.00 EUR / 12 = 2.00 EUR a piece.
expect 0 "received 13017620422000 x2 lot N2 against PO-000003" -- "${G[@]}" "${R[@]}" --product 13017620422000 --qty 2 --lot N2 --expiry 2027-06-30
jqtrue "partial" '.[0].status == "partial"' -- "${G[@]}" --json purchase list --status partial
jqtrue "line received" '.[0].received == 24 and .[0].qty == 48' -- "${G[@]}" --json purchase show PO-000003
lot=$(sqlite3 "$WORK/sug.db" "SELECT supplier || ' ' || unit_cost || ' ' || cost_currency || ' ' || origin || ' ' || declaration FROM lot WHERE code = 'N2'")
[ "$lot" = "BIO-FR 200 EUR IT 223320261000123456" ] && ok || fail "the lot received against the order: $lot"
refused 1 "25 units delivered but 24 are still due on line 1 of order PO-000003: an over-delivery must be said to be one (--over)" -- "${G[@]}" "${R[@]}" --product 3017620422003 --qty 25 --lot N3
refused 2 "--qty '0' is too small" -- "${G[@]}" "${R[@]}" --product 3017620422003 --qty 0 --lot N3
refused 2 "no purchase order 'PO-9'" -- "${G[@]}" purchase receive PO-9 --product 3017620422003 --qty 1 --lot N3 --location B-01
refused 2 "no location 'NOWHERE'" -- "${G[@]}" purchase receive PO-000003 --product 3017620422003 --qty 1 --lot N3 --location NOWHERE --origin IT
expect 0 "received" -- "${G[@]}" "${R[@]}" --product 3017620422003 --qty 25 --lot N3 --over --expiry 2027-06-30
jqtrue "over recorded" '.[-1].change | contains("over-delivery on line 1") and contains("25 units received where 24 were due")' -- "${G[@]}" --json purchase history PO-000003
# Tea in 10-packs at 5.05 EUR: 0.505 EUR a piece -> 0.51 (half up); a given cost wins.
expect 0 "received" -- "${G[@]}" "${R[@]}" --product TEA-1 --qty 5 --lot T2 --origin LK
expect 0 "received" -- "${G[@]}" "${R[@]}" --product TEA-1 --qty 5 --lot T3 --origin LK --cost 0.40 --currency EUR
[ "$(sqlite3 "$WORK/sug.db" "SELECT group_concat(unit_cost, ',') FROM (SELECT unit_cost FROM lot WHERE code IN ('T2', 'T3') ORDER BY code)")" = "51,40" ] && ok || fail "tea lot costs"
jqtrue "still partial" '.[0].status == "partial"' -- "${G[@]}" --json purchase list --supplier BIO-FR --status partial
refused 1 "11 units delivered but 10 are still due on line 2 of order PO-000003: an over-delivery must be said to be one (--over)" -- "${G[@]}" "${R[@]}" --product TEA-1 --qty 11 --lot T4 --origin LK
expect 0 "received" -- "${G[@]}" "${R[@]}" --product TEA-1 --qty 10 --lot T4 --origin LK
jqtrue "received when all is in" '.[0].order == "PO-000003" and .[0].status == "received"' -- "${G[@]}" --json purchase list --status received
refused 1 "order PO-000003 is received: only a sent order is received against" -- "${G[@]}" "${R[@]}" --product TEA-1 --qty 1 --lot T5 --origin LK
# A short delivery: closed with what was missing recorded.
expect 0 "PO-000004" -- "${G[@]}" purchase new BIO-FR
expect 0 "set" -- "${G[@]}" purchase line PO-000004 TEA-1 --packs 3
expect 0 "sent" -- "${G[@]}" purchase send PO-000004
refused 1 "order PO-000004 is sent: only a partly received order is closed short" -- "${G[@]}" purchase close PO-000004
expect 0 "received" -- "${G[@]}" purchase receive PO-000004 --product TEA-1 --qty 20 --lot T6 --origin LK --location B-01
expect 0 "closed" -- "${G[@]}" purchase close PO-000004
jqtrue "short recorded" '.[0].change == "short on line 1 TEA-1 红茶: 10 of 30 units not delivered" and .[1].change == "closed as received, short"' -- "${G[@]}" --json purchase history PO-000004
# Receiving without an order is as before.
expect 0 "received" -- "${G[@]}" stock receive --product TEA-1 --qty 1 --lot T7 --origin LK --location B-01
expect 0 "every balance matches" -- "${G[@]}" check
unset ENTREPOT_NOW

# ---- exchange rates and landed cost -----------------------------------------
export ENTREPOT_DB="$WORK/landed.db"; L=()
export ENTREPOT_NOW=2026-11-30T04:00:00Z
expect 0 "created" -- "${L[@]}" init --store SH03 --name "杭州店" --no-key
expect 0 "added" -- "${L[@]}" location add B-01 --kind backroom
expect 0 "added" -- "${L[@]}" product add --gtin 3017620422003 --name-zh 榛子可可酱 --net-content "400 g"
expect 0 "added" -- "${L[@]}" product add --sku OIL-1 --name-zh 橄榄油 --net-content "750 ml"
expect 0 "added" -- "${L[@]}" product add --sku CHEESE --name-zh 奶酪 --unit g
expect 0 "added" -- "${L[@]}" product add --sku TEA-1 --name-zh 红茶 --net-content "100 g"
expect 0 "added" -- "${L[@]}" product add --sku CUP-1 --name-zh 茶杯
expect 0 "rate EUR on 2026-11-20: 7.700000" -- "${L[@]}" rate set EUR 2026-11-20 7.700000
expect 0 "rate" -- "${L[@]}" rate set eur 2026-11-27 7.712345
expect 0 "rate" -- "${L[@]}" rate set JPY 2026-11-27 0.048123
refused 2 "a rate of zero is not a rate: EUR on 2026-11-28" -- "${L[@]}" rate set EUR 2026-11-28 0
refused 2 "a rate of zero is not a rate" -- "${L[@]}" rate set EUR 2026-11-28 0.000000
refused 2 "rate '-7.7' must be a decimal number" -- "${L[@]}" rate set EUR 2026-11-28 -7.7
refused 2 "rate '7.1234567' must be a decimal number such as 7.712345 (at most 6 decimals)" -- "${L[@]}" rate set EUR 2026-11-28 7.1234567
refused 2 "rate '7,71' must be a decimal" -- "${L[@]}" rate set EUR 2026-11-28 7,71
refused 2 "CNY is the store's own currency: its rate is always 1" -- "${L[@]}" rate set CNY 2026-11-28 1
refused 2 "currency 'EURO' is not an ISO 4217 code" -- "${L[@]}" rate set EURO 2026-11-28 7.7
refused 2 "rate date '2026-02-30' is not a date" -- "${L[@]}" rate set EUR 2026-02-30 7.7
printf 'currency,day,rate\r\nUSD,2026-11-27,7.101000\r\nUSD,2026-11-28,0\r\n' >"$WORK/rates.csv"
refused 2 "row 3: a rate of zero is not a rate: USD on 2026-11-28" -- "${L[@]}" rate import "$WORK/rates.csv"
printf 'day,currency,rate\r\n2026-11-27,GBP,9.050000\r\n2026-11-28,GBP,9.060000\r\n' >"$WORK/rates.csv"
expect 0 "imported 2 rates" -- "${L[@]}" rate import "$WORK/rates.csv"
jqtrue "rate list" 'length == 2 and .[0].day == "2026-11-20" and .[1].rate == "7.712345"' -- "${L[@]}" --json rate list EUR

# The lots of four declarations (received in EUR, JPY, CNY, USD).
DA=223320261000000001 DB=223320261000000002 DC=223320261000000003 DD=223320261000000004
rcv() { expect 0 "received" -- "${L[@]}" stock receive --location B-01 --origin FR "$@"; }
rcv --product 3017620422003 --qty 120 --lot A1 --declaration $DA --cost 2.00 --currency EUR
rcv --product OIL-1 --qty 60 --lot A2 --declaration $DA --cost 5.25 --currency EUR
rcv --product CHEESE --qty 5000 --lot A3 --declaration $DA --cost 18.50 --currency EUR
rcv --product TEA-1 --qty 100 --lot B1 --declaration $DB --cost 300 --currency JPY
rcv --product CUP-1 --qty 50 --lot B2 --declaration $DB --cost 10.00
rcv --product 3017620422003 --qty 120 --lot C1 --declaration $DC --cost 2.00 --currency EUR
rcv --product CHEESE --qty 5000 --lot C2 --declaration $DC --cost 18.50 --currency EUR
rcv --product CUP-1 --qty 10 --lot D1 --declaration $DD --cost 1.00 --currency USD
rcv --product TEA-1 --qty 10 --lot D2 --declaration $DD --cost 1.00 --currency GBP
expect 0 "charges recorded" -- "${L[@]}" landed set $DA --date 2026-11-28 --duty 500.00 --vat 700.01 --freight 300.00 --insurance 10.00 --other 0.01
expect 0 "charges recorded" -- "${L[@]}" landed set $DB --date 2026-11-28 --freight 100.00 --by quantity
expect 0 "charges recorded" -- "${L[@]}" landed set $DC --date 2026-11-25 --freight 99.99 --by weight
expect 0 "charges recorded" -- "${L[@]}" landed set $DD --date 2026-11-28 --duty 1.00

# The table, checked by hand (README "Landed cost" works A through):
# lot  goods (CNY)                          duty   vat    freight ins  other landed   unit
# A1   240.00 EUR x 7.712345 = 1850.9628    185.32 259.46 111.19  3.70 0.00  2410.63  20.09 a piece
# A2   315.00 EUR x 7.712345 = 2429.3887    243.26 340.55 145.96  4.88 0.01* 3164.05  52.73 a piece
# A3    92.50 EUR x 7.712345 =  713.3919     71.42 100.00  42.85  1.42 0.00   929.08 185.82 a kg
# B1  30000 JPY x 0.048123 = 1443.69  freight 100.00 x 100/150 = 66.66 + the cent left = 66.67*: 1510.36
# B2    500.00 CNY (rate 1)            freight 100.00 x 50/150 = 33.33: 533.33
# C1 (rate of 2026-11-20, 7.700000): 240.00 EUR = 1848.00, freight 99.99 x 48000 g / 53000 g = 90.55 + 0.01* = 90.56
# C2  92.50 EUR = 712.25, freight 99.99 x 5000 / 53000 = 9.43
landed() { # landed DECLARATION LOT FIELD WANT
    local got
    got=$("$ENTREPOT" "${L[@]}" --json landed show "$1" | jq -r --arg lot "$2" ".[] | select(.lot == \$lot) | .$3")
    [ "$got" = "$4" ] && ok || fail "landed $1 lot $2 $3: got '$got', want '$4'"
}
while read -r decl lot field want; do
    landed "${!decl}" "$lot" "$field" "$want"
done <<'TABLE'
DA A1 goods 1850.96
DA A1 duty 185.32
DA A1 import_vat 259.46
DA A1 freight 111.19
DA A1 insurance 3.70
DA A1 other 0.00
DA A1 landed 2410.63
DA A1 unit_landed 20.09
DA A2 goods 2429.39
DA A2 duty 243.26
DA A2 import_vat 340.55
DA A2 freight 145.96
DA A2 insurance 4.88
DA A2 other 0.01
DA A2 rest *
DA A2 landed 3164.05
DA A2 unit_landed 52.73
DA A3 goods 713.39
DA A3 duty 71.42
DA A3 import_vat 100.00
DA A3 landed 929.08
DA A3 unit_landed 185.82
DA A3 rate 7.712345
DA A3 rate_day 2026-11-27
DB B1 goods 1443.69
DB B1 goods_foreign 30000
DB B1 freight 66.67
DB B1 rest *
DB B1 landed 1510.36
DB B2 goods 500.00
DB B2 freight 33.33
DB B2 landed 533.33
DB B2 rate 1.000000
DC C1 rate 7.700000
DC C1 rate_day 2026-11-20
DC C1 weight_g 48000
DC C1 goods 1848.00
DC C1 freight 90.56
DC C2 goods 712.25
DC C2 freight 9.43
DC C2 landed 721.68
TABLE
# Every charge's parts sum exactly to it, and the goods and charges to the landed total.
sums=$(sqlite3 "$WORK/landed.db" "SELECT SUM(duty), SUM(import_vat), SUM(freight), SUM(insurance), SUM(other), SUM(landed) - SUM(goods) FROM landed_lot WHERE lot_id IN (SELECT id FROM lot WHERE declaration = '$DA')")
[ "$sums" = "50000|70001|30000|1000|1|151002" ] && ok || fail "declaration A's parts: $sums"
# Refused: no rate for USD (none is invented), a weight basis for oil in ml, an unknown declaration.
refused 1 "no exchange rate for USD on or before 2026-11-28: enter one (none is invented)" -- "${L[@]}" landed show $DD
expect 0 "charges recorded" -- "${L[@]}" landed set $DA --by weight
refused 1 "the weight of lot A2 is unknown: its commodity's net content is not in g or kg" -- "${L[@]}" landed show $DA
refused 2 "no customs declaration '999'" -- "${L[@]}" landed show 999
refused 2 "declaration 998 is new: give its date" -- "${L[@]}" landed set 998 --duty 1.00
refused 2 "basis 'volume' must be value, weight or quantity" -- "${L[@]}" landed set $DA --by volume
refused 2 "duty: amount '1.001' has too many fraction digits for CNY" -- "${L[@]}" landed set $DA --duty 1.001
refused 2 "duty '-1.00' must be from 0" -- "${L[@]}" landed set $DA --duty -1.00
refused 2 "--freight is empty" -- "${L[@]}" landed set $DA --freight ""
expect 0 "charges recorded" -- "${L[@]}" landed set 997 --date 2026-11-28
refused 1 "no lot carries declaration 997" -- "${L[@]}" landed show 997
unset ENTREPOT_NOW

# ---- margins ----------------------------------------------------------------
export ENTREPOT_DB="$WORK/sug.db" ENTREPOT_NOW=2026-12-02T04:00:00Z
for p in CUP-9 MUG-9 BOWL-9; do
    expect 0 "added" -- product add --sku $p --name-zh "杯$p" --price 22.60 --tax-rate 13
done
expect 0 "received" -- stock receive --product CUP-9 --qty 20 --lot M1 --origin DE --location B-01 --supplier LOCAL --cost 10.00
expect 0 "received" -- stock receive --product MUG-9 --qty 10 --lot M2 --origin FR --location B-01 --supplier BIO-FR \
    --cost 1.00 --currency EUR --declaration 223320261000999999
expect 0 "received" -- stock receive --product BOWL-9 --qty 5 --lot M3 --origin FR --location B-01 --cost 1.00 --currency USD
expect 0 "rate" -- rate set EUR 2026-12-01 8.000000
expect 0 "recorded" -- landed set 223320261000999999 --date 2026-12-01 --freight 5.00
# MUG-9: 10 x 1.00 EUR x 8 = 80.00 + 5.00 freight = 85.00 landed, 8.50 a piece.
expect 0 "" -- landed show 223320261000999999
expect 0 "" -- sale --counter C1 --cashier 王芳 --pay cash "CUP-9*3" "MUG-9*2" "BOWL-9*1"
# Net of 13% tax: 22.60 -> 20.00 a piece. CUP-9: 60.00 - 3 x 10.00 = 30.00; MUG-9: 40.00 - 2 x 8.50 = 23.00;
# BOWL-9: its lot's cost is in USD with no landed cost: 1 unit uncosted.
jqtrue "margin by commodity" 'map(select(.key | endswith("-9"))) | length == 3 and
    (.[] | select(.key == "CUP-9") | .revenue == "60.00" and .landed_cost == "30.00" and .margin == "30.00" and .units == 3) and
    (.[] | select(.key == "MUG-9") | .revenue == "40.00" and .landed_cost == "17.00" and .margin == "23.00") and
    (.[] | select(.key == "BOWL-9") | .margin == "20.00" and .uncosted_units == 1)' -- --json purchase margin --from 2026-12-02
jqtrue "margin by origin" '(.[] | select(.key == "FR") | .units == 3 and .revenue == "60.00" and .landed_cost == "17.00" and .margin == "43.00" and .uncosted_units == 1) and (.[] | select(.key == "DE") | .margin == "30.00")' -- --json purchase margin --by origin --from 2026-12-02
jqtrue "margin by supplier" '(.[] | select(.key == "BIO-FR") | .margin == "23.00") and (.[] | select(.key == "LOCAL") | .margin == "30.00") and (.[] | select(.key == null) | .margin == "20.00")' -- --json purchase margin --by supplier --from 2026-12-02 --to 2026-12-02
jqtrue "margin: no sales in the days" 'length == 0' -- --json purchase margin --from 2026-12-03
refused 2 "margins by 'colour': by commodity, origin or supplier" -- purchase margin --by colour
refused 2 "from date '2026-13-01' is not a date" -- purchase margin --from 2026-13-01
# report margin: the same function, the same rows as purchase margin.
for by in commodity origin supplier; do
    cmp -s <("$ENTREPOT" --json purchase margin --by $by --from 2026-12-02) \
        <("$ENTREPOT" --json report margin --by $by --from 2026-12-02) && ok || fail "report margin --by $by differs"
done
jqtrue "report margin by supplier" '(.[] | select(.key == "BIO-FR") | .margin == "23.00")' -- --json report margin --by supplier --from 2026-12-02
refused 2 "margins by 'colour': by commodity, origin or supplier" -- report margin --by colour
refused 2 "report margin covers the whole store: leave out --counter" -- report margin --counter C1
# Stock levels by lot in yuan beside the foreign cost: MUG-9's lot M2 has 8 of its 10 landed units left,
# 85.00 x 8 / 10 = 68.00 CNY (8.00 EUR); CUP-9's M1 was bought in CNY, 17 x 10.00 = 170.00; BOWL-9's M3 is
# in USD and never landed: no value in yuan. The footer adds the two: 238.00 CNY.
jqtrue "levels by lot in yuan" '(.[] | select(.lot == "M2") | .on_hand == 8 and .value == "8.00" and .currency == "EUR" and .landed == "68.00") and
    (.[] | select(.lot == "M1") | .landed == "170.00") and (.[] | select(.lot == "M3") | .landed == null)' -- --json stock levels --by lot
expect 0 "landed 238.00 CNY (2 lots)" -- stock levels --by lot
expect 0 "68.00" -- stock levels --by lot --product MUG-9
# A return counts against the margin of the day it is made: one more MUG-9 sold and given back, 20.00 revenue and 8.50 cost
# less: sold 3, returned 1, the same as the 2 sold before (a return counted positive would give 4 units).
receipt=$("$ENTREPOT" --json sale --counter C1 --cashier 王芳 --pay cash "MUG-9*1" | jq -r .receipt)
expect 0 "" -- return "$receipt" "MUG-9" --counter C1 --cashier 王芳 --reason "broken handle"
jqtrue "margin after a return" '(.[] | select(.key == "MUG-9") | .units == 2 and .revenue == "40.00" and .landed_cost == "17.00" and .margin == "23.00")' -- --json purchase margin --from 2026-12-02
unset ENTREPOT_NOW
finish
