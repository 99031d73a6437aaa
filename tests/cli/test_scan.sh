#!/usr/bin/env bash
# End to end: `entrepot scan` parses without a database, resolves codes to
# commodity, quantity and lot with one, reports contradictions, reads codes
# from standard input as a counter scanner types them, and keeps the store's
# scanner settings (`entrepot scan config`).
source "$(dirname "$0")/lib.sh"
GS=$'\x1d'

expect 0 "example" -- scan --help
expect 0 "20IIIIIPPP.PPC" -- scan --help

# Without a database: parse only.
expect 0 "EAN-13" -- scan 4006381333931
expect 0 "04006381333931" -- scan 4006381333931
expect 2 "GTIN 4006381333932: check digit should be 1" -- scan 4006381333932
expect 2 "AI (17): month 13 is not a month" -- scan "]C1010400638133393117271301"
expect 0 "2027-05-31" -- scan "]C1010400638133393117270531102024A"
expect 0 "GS1-128" -- scan "]C1010400638133393117270531102024A"
expect 0 "1.250 kg" -- scan "https://id.gs1.org/01/04006381333931/10/L1?3103=001250"
expect 0 "FR France (250)" -- scan "(01)04006381333931(422)250"
expect 0 "store code" -- scan SKU-42
expect 2 "AI (10) appears twice with different data" -- scan "]C10104006381333931"$'10A\x1d10B'
# GS shows as <GS> in the output.
expect 0 "10ABC<GS>17270531" -- scan "]C10104006381333931"$'10ABC\x1d17270531'
# One bad code among good ones: the others are still shown, exit 2.
expect 2 "4006381333932: GTIN" -- scan 4006381333931 4006381333932 9501101531000
expect 0 "09501101531000" -- scan 4006381333931 9501101531000

# --strict: GS1 data as GS1's Syntax Engine checks it; the counter is tolerant
# where the world is messy and says which tolerance it used.
expect 0 "--strict" -- scan --help
expect 2 "AI (10) needs (01), (02), (03), (8006) or (8026) in the same data" -- scan --no-db --strict "(10)2024A"
expect 0 "requires-elsewhere" -- scan --no-db "(10)2024A"
expect 2 "AI (37) needs (00) in the same data" -- scan --no-db --strict "(02)04006381333931(37)12"
expect 0 "04006381333931" -- scan --no-db --strict "(00)340123450000000000(02)04006381333931(37)12"
expect 2 "AI (3102) and AI (3103) cannot be in one code" -- scan --no-db "(01)04006381333931(3102)000100(3103)000200"
expect 2 "AI (244) is not an AI the GS1 General Specifications define" -- scan --no-db --strict "(01)04006381333931(244)12"
expect 0 "unknown-ai" -- scan --no-db "(01)04006381333931(244)12"
expect 2 "AI (7003): February 2026 has no day 30" -- scan --no-db "(01)04006381333931(7003)2602301200"
expect 2 "AI (8008): hour 24 is not an hour" -- scan --no-db "(01)04006381333931(8008)26010124"
expect 2 "AI (401): 'A' at position 1: a GS1 Company Prefix has digits" -- scan --no-db "(401)ABCD12"
expect 2 "AI (3932): 191 is not a current ISO 4217 currency code" -- scan --no-db "(01)04006381333931(30)1(3932)1911234"
expect 2 "an FNC1 right after the symbology identifier ]C1" -- scan --no-db --strict "]C1${GS}0104006381333931"
expect 2 "two FNC1 in a row at position 18" -- scan --no-db --strict "]C10104006381333931${GS}${GS}102024A"
expect 2 "AI (10) qualifies /01/ and belongs in the path" -- scan --no-db --strict "https://id.gs1.org/01/04006381333931?10=L1"
expect 2 "/gtin/ is a short name" -- scan --no-db --strict "https://id.gs1.org/gtin/04006381333931"
expect 2 "AI (01): 13 digits, expected 14" -- scan --no-db --strict "https://id.gs1.org/01/4006381333931"
expect 0 "payment reference  ABC123" -- scan --no-db --strict "https://id.gs1.org/415/4006381333931/8020/ABC123"
out=$("$ENTREPOT" --json scan --no-db "]C1${GS}0104006381333931${GS}${GS}102024A" "https://e.cn/gtin/4006381333931?10=L1" \
    "(01)04006381333931(10)L1" 2>&1)
python3 - "$out" <<'PY' && ok || fail "scan --json tolerance: $out"
import json, sys
d = json.loads(sys.argv[1])
assert d[0]["tolerance"] == "gs-after-prefix,double-gs", d[0]
assert d[1]["tolerance"] == "short-name,zero-suppressed-gtin,qualifier-in-query", d[1]
assert "tolerance" not in d[2], d[2]
PY

# JSON.
out=$("$ENTREPOT" --json scan "]C1010400638133393117270531102024A" 2>&1)
python3 - "$out" <<'PY' && ok || fail "scan --json: $out"
import json, sys
d = json.loads(sys.argv[1])
assert len(d) == 1, d
s = d[0]
assert s["kind"] == "GS1 element string", s
assert s["aim"] == "]C1" and s["symbology"] == "GS1-128", s
assert s["gtin"] == "04006381333931" and s["lot"] == "2024A" and s["expiry"] == "2027-05-31", s
assert [a["ai"] for a in s["ais"]] == ["01", "17", "10"], s
assert s["ais"][1]["title"] == "USE BY OR EXPIRY", s
PY
out=$("$ENTREPOT" scan --json 4006381333932 2>/dev/null)
[[ "$out" == *'"error": "GTIN 4006381333932: check digit should be 1"'* ]] && ok || fail "json error: $out"

# Codes from standard input, one a line, GS bytes and CR/LF as a scanner sends them.
out=$(printf '4006381333931\r\n]C10104006381333931%s10ABC\n\nSKU-1\n' "$GS" | "$ENTREPOT" scan 2>&1)
status=$?
[ $status -eq 0 ] && [[ "$out" == *"ABC"* ]] && [[ "$out" == *"SKU-1"* ]] && ok || fail "stdin: $status $out"

# With a database.
expect 0 "created" -- init --store SH01 --name "测试店"
expect 0 "added" -- product add --gtin 4006381333931 --name-zh 钢笔 --name-en Pen --origin DE
expect 0 "" -- product barcode add 4006381333931 14006381333938 --qty 12
expect 0 "added" -- product add --sku COMTE --gtin 2012345000001 --name-zh 孔泰奶酪 --unit g
expect 0 "added" -- product add --sku TEA-01 --name-en Tea
expect 0 "added location A-01" -- location add A-01 --kind shelf
expect 0 "received" -- stock receive --product 4006381333931 --qty 30 --lot 2024A --origin DE \
    --declaration 223320241000123456 --import-date 2026-06-01 --expiry 2027-05-31 --location A-01

expect 0 "钢笔 [04006381333931]" -- scan 4006381333931
expect 0 "12 pcs" -- scan 14006381333938
expect 0 "60 pcs" -- scan "]C1021400638133393837"05
expect 0 "2024A: origin DE, expiry 2027-05-31, 30 on hand" -- scan "]C1010400638133393117270531102024A"
expect 0 "Tea [TEA-01]" -- scan TEA-01
expect 1 "lot 2024A: expiry 2027-06-30 in the scan, 2027-05-31 on record" -- scan "]C1010400638133393117270630102024A"
expect 1 "origin FR in the scan, DE on record" -- scan "(01)04006381333931(10)2024A(422)250"
expect 1 "has no lot 'NOPE'" -- scan "https://id.gs1.org/01/04006381333931/10/NOPE"
expect 2 "no commodity has the code '09501101531000'" -- scan 9501101531000
expect 0 "" -- scan --no-db 9501101531000
out=$("$ENTREPOT" --json scan "]C1010400638133393117270630102024A" 2>/dev/null)
[[ "$out" == *'"lot_state": "conflict"'* ]] && [[ "$out" == *'"qty": 1'* ]] && ok || fail "json match: $out"

# Scanner settings.
expect 0 "(GS only)" -- scan config
expect 0 "21IIIIVWW.WWWC" -- scan config --fnc1 '~' --instore 20IIIIIWW.WWWC,21IIIIVWW.WWWC
refused 2 "FNC1 substitute '%'" -- scan config --fnc1 %
refused 2 "in-store layout '30IIIIIPPPPPC': the prefix must be" -- scan config --instore 30IIIIIPPPPPC
refused 2 "its prefix 2 overlaps layout '20IIIIIWW.WWWC'" -- scan config --instore 20IIIIIWW.WWWC,2IIIIIIPPPPPC
expect 0 "~" -- --json scan config
# The stored FNC1 substitute and layouts apply to scans.
expect 0 "2024A: origin DE" -- scan "0104006381333931"'102024A~17270531'
expect 0 "1.234 kg" -- scan 2012345012349
expect 0 "1234 g" -- scan 2012345012349
expect 0 "孔泰奶酪" -- scan 2012345012349
expect 2 "weight check digit" -- scan 2112346012505
# --fnc1 for one run overrides the setting: without it, '~' is no separator
# and the code is no GS1 data but a store code nobody has.
expect 2 "no commodity has the code '0104006381333931102024A~17270531'" -- scan --fnc1 none "0104006381333931"'102024A~17270531'
expect 2 "AI (10): '~' at position 6" -- scan --fnc1 none "]C10104006381333931"'102024A~17270531'
expect 0 "none" -- scan config --fnc1 none --instore none
expect 0 "(none)" -- scan config

finish
