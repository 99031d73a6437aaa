#!/usr/bin/env bash
# End to end: a sale's receipt again as PDF on 58 and 80 mm roll paper
# (`sale --reprint N --format pdf`, drawn by entrepot-label): its text with the
# Chinese lines read back by pdftotext, its QR code decoded by zbarimg from
# pdftoppm's render to the journal payload the text receipt prints; bad input
# refused with the database unchanged.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT

export ENTREPOT_NOW=2026-11-28T01:00:00Z
expect 0 "created" -- init --store SH01 --name "上海进口商品馆"
expect 0 "added location S1" -- location add S1 --kind shelf
N=3017620422003
expect 0 added -- product add --gtin $N --name-zh 榛子可可酱 --price 39.90 --tax-rate 13
expect 0 received -- stock receive --product $N --qty 10 --lot N1 --origin IT --expiry 2027-06-30 --location S1
"$E" sale --counter C1 --cashier 王芳 --pay cash "$N*2" > "$WORK/sale.txt" 2>&1 || fail "the sale: $(cat "$WORK/sale.txt")"
R=$(sed -n 's/.*Receipt No\. \([0-9]*\).*/\1/p' "$WORK/sale.txt" | head -1)
[ -n "$R" ] && ok || fail "no receipt number in the sale's output"

for paper in 58 80; do
    pdf="$WORK/r$paper.pdf"
    expect 0 "" -- sale --reprint "$R" --paper $paper --format pdf --out "$pdf"
    head -c 5 "$pdf" | grep -q '%PDF-' && ok || fail "$paper mm: not a PDF"
    # the roll's width: 58 mm = 164.4 pt, 80 mm = 226.8 pt
    want=$([ $paper = 58 ] && echo 164 || echo 226)
    pdfinfo "$pdf" | grep -q "Page size: *$want\." && ok || fail "$paper mm: page $(pdfinfo "$pdf" | grep 'Page size')"
    pdfinfo "$pdf" | grep -q "Pages: *1$" && ok || fail "$paper mm: not one page"
    "$E" sale --reprint "$R" --paper $paper > "$WORK/t$paper.txt"
    pdftotext -layout "$pdf" "$WORK/p$paper.txt"
    # every line of the text receipt but the QR data's, spaces squeezed
    # (pdftotext lays out by position, not by our cells)
    grep -v -e '^QR:' -e '^SH01:' "$WORK/t$paper.txt" | tr -s ' ' | sed 's/^ //;s/ $//' | grep . > "$WORK/want$paper"
    tr -s ' ' < "$WORK/p$paper.txt" | sed 's/^ //;s/ $//' > "$WORK/got$paper"
    missing=0
    while IFS= read -r line; do
        grep -qF -- "$line" "$WORK/got$paper" || { missing=1; fail "$paper mm: PDF lacks line '$line'"; }
    done < "$WORK/want$paper"
    [ $missing = 0 ] && ok
    grep -q "榛子可可酱" "$WORK/got$paper" && grep -q "重印 REPRINT" "$WORK/got$paper" && ok ||
        fail "$paper mm: no Chinese in the PDF's text"
    pdftoppm -r 300 -png -singlefile "$pdf" "$WORK/img$paper"
    qr=$(zbarimg --raw -q "$WORK/img$paper.png" 2>/dev/null)
    want_qr=$(awk '/^QR:/{f=1;next} f&&/谢谢/{exit} f{printf "%s",$0}' "$WORK/t$paper.txt" | tr -d ' ')
    [ -n "$qr" ] && [ "$qr" = "$want_qr" ] && ok || fail "$paper mm: QR '$qr', want '$want_qr'"
done

# bad input: refused, nothing written, the database as it was
refused 2 "--format 'html' must be pdf" -- sale --reprint "$R" --format html --out "$WORK/x.pdf"
refused 2 "--format and --out go together" -- sale --reprint "$R" --format pdf
refused 2 "--format and --out go together" -- sale --format pdf --out "$WORK/x.pdf"
refused 2 "--paper '57' must be 58 or 80" -- sale --reprint "$R" --paper 57 --format pdf --out "$WORK/x.pdf"
refused 2 "will not write over it" -- sale --reprint "$R" --format pdf --out "$ENTREPOT_DB"
expect 2 "" -- sale --reprint 999 --format pdf --out "$WORK/x.pdf"
[ ! -e "$WORK/x.pdf" ] && ok || fail "a refused PDF left a file"
finish
