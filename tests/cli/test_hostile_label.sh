# Hostile input for the label commands: every option of label print, label
# check, label queue and label templates given missing, empty, huge,
# negative, non-numeric, invalid UTF-8 or impossible values, and templates
# and sheets written to be refused. Each row is refused with a message
# naming what was wrong, and the database stays exactly as it was. Under
# the ASan build a sanitizer report fails this script.
. "$(dirname "$0")/lib.sh"
E=$ENTREPOT
LABELS="${ENT_SOURCE_DIR:-$(dirname "$0")/../..}/labels"
export ENTREPOT_LABELS="$LABELS"
export ENTREPOT_NOW=2025-06-01T08:00:00Z
cd "$WORK" || exit 1

"$E" init --store SH01 --name "环球进口商品中心" >/dev/null
"$E" location add A-01 --kind shelf >/dev/null
"$E" product add --gtin 3017620422003 --name-zh 榛子可可酱 --name-en "Hazelnut spread" --origin IT \
    --net-content "750 g" --price 39.90 >/dev/null
"$E" stock receive --product 3017620422003 --qty 3 --lot L1 --origin IT --declaration 223320241000123456 \
    --expiry 2027-06-30 --location A-01 >/dev/null
P=(label print --template shelf-60x40)
G=3017620422003
BAD=$'\xff'
HUGE=$(head -c 100000 /dev/zero | tr '\0' 'x')

# ---- label print: numbers --------------------------------------------------
refused 2 "--dpi 0: a whole number of dots per inch from 72 to 1200" -- "${P[@]}" $G --out x.png --dpi 0
refused 2 "--dpi abc: a whole number" -- "${P[@]}" $G --out x.png --dpi abc
refused 2 "--dpi 300.5: a whole number" -- "${P[@]}" $G --out x.png --dpi 300.5
refused 2 "--dpi 203abc: a whole number" -- "${P[@]}" $G --out x.png --dpi 203abc
refused 2 "--dpi -300: a whole number" -- "${P[@]}" $G --out x.png --dpi -300
refused 2 "--dpi 99999999999999999999999: a whole number" -- "${P[@]}" $G --out x.png --dpi 99999999999999999999999
refused 2 "--dpi is empty: give a value or leave the option out" -- "${P[@]}" $G --out x.png --dpi ""
refused 2 "--dpi 1201: a whole number" -- "${P[@]}" $G --out x.png --dpi 1201
refused 2 "--dpi 250: ZPL printers print at 203 or 300 dpi" -- "${P[@]}" $G --format zpl --dpi 250
refused 2 "--zpl-text bitmap: choose graphic or font" -- "${P[@]}" $G --format zpl --zpl-text bitmap
refused 2 "--zpl-text applies to ZPL only" -- "${P[@]}" $G --format pdf --zpl-text font
refused 2 "--dpi needs a value" -- "${P[@]}" $G --out x.png --dpi
refused 2 "--copies 4294967297: a whole number from 1 to 1000, or stock" -- "${P[@]}" $G --out x.pdf --copies 4294967297
refused 2 "--copies 0: a whole number from 1 to 1000" -- "${P[@]}" $G --out x.pdf --copies 0
refused 2 "--copies -1: a whole number from 1 to 1000" -- "${P[@]}" $G --out x.pdf --copies -1
refused 2 "--copies 1001: a whole number from 1 to 1000" -- "${P[@]}" $G --out x.pdf --copies 1001
refused 2 "--copies 2.5: a whole number from 1 to 1000" -- "${P[@]}" $G --out x.pdf --copies 2.5
refused 2 "--copies is empty: give a value or leave the option out" -- "${P[@]}" $G --out x.pdf --copies ""
refused 2 "--count 0: the units in one carton" -- label print --template carton-100x150 $G --lot L1 --count 0 \
    --sscc 36901234000000001 --format zpl
refused 2 "--count -24: the units in one carton" -- label print --template carton-100x150 $G --lot L1 --count -24 \
    --sscc 36901234000000001 --format zpl
refused 2 "--count 24x: the units in one carton" -- label print --template carton-100x150 $G --lot L1 --count 24x \
    --sscc 36901234000000001 --format zpl
refused 2 "--sscc: 17 digits (the check digit is added) or 18, got 'abc'" -- label print --template carton-100x150 \
    $G --lot L1 --count 24 --sscc abc --format zpl
refused 2 "--sscc 369012340000000011: check digit should be 7" -- label print --template carton-100x150 \
    $G --lot L1 --count 24 --sscc 369012340000000011 --format zpl

# ---- label print: selections -----------------------------------------------
refused 2 "--declaration 12: a customs declaration number has 18 digits" -- "${P[@]}" --declaration 12 --out x.pdf
refused 2 "--declaration abcdefghijklmnopqr: a customs declaration number has 18 digits" -- \
    "${P[@]}" --declaration abcdefghijklmnopqr --out x.pdf
refused 2 "--declaration is empty: give a value or leave the option out" -- "${P[@]}" --declaration "" --out x.pdf
refused 1 "nothing matches" -- "${P[@]}" --declaration 999999999999999999 --out x.pdf
refused 2 "--origin ZZ: not an ISO 3166-1 country code" -- "${P[@]}" --origin ZZ --out x.pdf
refused 2 "--origin is empty: give a value or leave the option out" -- "${P[@]}" --origin "" --out x.pdf
refused 2 "not an ISO 3166-1 country code" -- "${P[@]}" --origin "$BAD" --out x.pdf
refused 2 "--location NOPE: no such location" -- "${P[@]}" --location NOPE --out x.pdf
refused 2 "--location is empty" -- "${P[@]}" --location "" --out x.pdf
refused 2 "--location: the text is not valid UTF-8" -- "${P[@]}" --location "$BAD" --out x.pdf
refused 2 "--supplier is empty" -- "${P[@]}" --supplier "" --out x.pdf
refused 2 "--supplier: the text is not valid UTF-8" -- "${P[@]}" --supplier "$BAD" --out x.pdf
refused 2 "--brand: 100000 bytes, at most 200" -- "${P[@]}" --brand "$HUGE" --out x.pdf
refused 2 "--lot: the text is not valid UTF-8" -- "${P[@]}" $G --lot "$BAD" --out x.pdf
refused 2 "--lot goes with exactly one commodity code" -- "${P[@]}" $G $G --lot L1 --out x.pdf
refused 2 "no commodity has the code" -- "${P[@]}" 9999999999994 --out x.pdf
refused 2 "nothing printed" -- "${P[@]}" "$BAD" --out x.pdf
refused 2 "nothing printed" -- "${P[@]}" "$HUGE" --out x.pdf
refused 2 "nothing printed" -- "${P[@]}" -- -1 --out x.pdf
refused 2 "say what to print" -- "${P[@]}" --out x.pdf
refused 2 "choose one way to select commodities" -- "${P[@]}" --all --queue --out x.pdf
refused 2 "--each box: choose product or lot" -- "${P[@]}" $G --each box --out x.pdf

# ---- label print: text that goes onto the label ------------------------------
refused 2 "--clerk: the text is not valid UTF-8" -- "${P[@]}" $G --out x.pdf --clerk "$BAD"
refused 2 "--clerk is empty" -- "${P[@]}" $G --out x.pdf --clerk ""
refused 2 "--clerk: 100000 bytes, at most 64" -- "${P[@]}" $G --out x.pdf --clerk "$HUGE"
refused 2 "--clerk: the text holds a control character" -- "${P[@]}" $G --out x.pdf --clerk $'王\t芳'
refused 2 "--grade: the text is not valid UTF-8" -- "${P[@]}" $G --out x.pdf --grade "$BAD"

# ---- label print: output ------------------------------------------------------
refused 2 "--out x.jpg: entrepot writes .pdf, .png, .svg or .zpl files (or give --format)" -- \
    "${P[@]}" $G --out x.jpg
refused 2 "--out x.pdf: the file name ends in .pdf, but the labels are png: name it .png" -- \
    "${P[@]}" $G --format png --out x.pdf
refused 2 "--out x.jpg: the file name ends in .jpg, but the labels are pdf: name it .pdf" -- \
    "${P[@]}" $G --format pdf --out x.jpg
refused 2 "--format jpg: choose pdf, png, svg or zpl" -- "${P[@]}" $G --format jpg --out x.jpg
refused 2 "--format is empty: give a value or leave the option out" -- "${P[@]}" $G --format "" --out x.pdf
refused 2 "--out is empty: give a value or leave the option out" -- "${P[@]}" $G --out ""
refused 2 "--printer is empty: give a value or leave the option out" -- "${P[@]}" $G --printer ""
refused 2 "--out and --printer go one at a time" -- "${P[@]}" $G --out x.pdf --printer p
[ ! -e x.jpg ] && [ ! -e x.pdf ] && [ ! -e x.png ] && ok || fail "a refused command wrote a file"

# ---- label print: templates and sheets by name ---------------------------------
refused 2 "--template NAME is needed" -- label print $G --out x.pdf
refused 2 "no such file" -- label print --template no-such $G --out x.pdf
refused 2 "--template is empty" -- label print --template "" $G --out x.pdf
refused 2 "--template: the text is not valid UTF-8" -- label print --template "$BAD" $G --out x.pdf
refused 2 "--sheet: the text is not valid UTF-8" -- "${P[@]}" --sheet "$BAD" $G --out x.pdf
refused 2 "no such file" -- "${P[@]}" --sheet no-such $G --out x.pdf

# ---- --codes FILE ----------------------------------------------------------------
printf '3017620422003 3017620422003\n' >two.txt
printf '# only comments\n\n' >empty.txt
printf '3017620422003\n\xff\n' >bad.txt
printf '3017620422003\n%s\n' "$HUGE" >huge.txt
refused 2 "two.txt line 1 holds more than one code (one code per line)" -- "${P[@]}" --codes two.txt --out x.pdf
refused 2 "--codes empty.txt: the list names no code" -- "${P[@]}" --codes empty.txt --out x.pdf
refused 2 "bad.txt line 2 is not valid UTF-8 text" -- "${P[@]}" --codes bad.txt --out x.pdf
refused 2 "huge.txt line 2 is too long for a code" -- "${P[@]}" --codes huge.txt --out x.pdf
refused 2 "cannot read codes from no-such.txt: No such file or directory" -- "${P[@]}" --codes no-such.txt --out x.pdf
refused 2 "--codes is empty: give a value or leave the option out" -- "${P[@]}" --codes "" --out x.pdf
refused 2 "bad.txt line 2 is not valid UTF-8 text" -- scan --codes bad.txt
refused 2 "two.txt line 1 holds more than one code" -- sale --counter C1 --cashier 王芳 --pay cash --codes two.txt

t() { printf 'size 60 40\n%s\n' "$1" >"$2"; }
# ---- GS1 data GS1's own Syntax Engine would refuse is never printed -----------
t 'barcode 5 5 50 30 gs1-128 "[01]{gtin}[7003]2602301200"' badtime.label
refused 1 "GS1 data '(01)03017620422003(7003)2602301200' would not pass GS1's checks: AI (7003): February 2026 has no day 30 (template badtime line 2)" \
    -- label print --template badtime.label $G --out x.png
t 'barcode 5 5 50 30 gs1-datamatrix "[01]{gtin}[244]12"' unknown.label
refused 1 "AI (244) is not an AI the GS1 General Specifications define (template unknown line 2)" \
    -- label print --template unknown.label $G --out x.png
t 'barcode 5 5 50 30 gs1-datamatrix "[10]L1"' lotonly.label
refused 1 "the GS1 barcodes of the label together would not pass GS1's checks: AI (10) needs (01), (02), (03), (8006) or (8026) in the same data (template lotonly, barcodes on line 2)" \
    -- label print --template lotonly.label $G --out x.png
printf 'size 100 60\nbarcode 5 5 90 20 gs1-128 "[02]{gtin}[37]24"\nbarcode 5 30 90 20 gs1-128 "[01]{gtin}"\n' >pair.label
refused 1 "AI (01) and AI (02) cannot be in one code (template pair, barcodes on line 2, 3)" \
    -- label print --template pair.label $G --out x.png

# ---- label check: hostile templates (each named by file and line) --------------
t() { printf 'size 60 40\n%s\n' "$1" >"$2"; }
t 'text 1 1 20 5 size=6 min=9 "x"' min.label
refused 2 "min.label:2: text: min=9 is larger than size=6" -- label check min.label
printf 'size 60 40\nfont ""\ntext 1 1 10 5 "x"\n' >font.label
refused 2 "font.label:2: font: the name is empty" -- label check font.label
t $'text 1 1 10 5 "\xff"' utf8.label
refused 2 "utf8.label:2: the line is not valid UTF-8 text" -- label check utf8.label
t "text 1 1 10 5 \"$HUGE\"" long.label
refused 2 "long.label:2: the line is 100016 bytes long, at most 4096" -- label check long.label
printf 'size 60 40\ntext 1 1 10 5 "x"\n\0\n' >nul.label
refused 2 "nul.label:3: contains a NUL byte" -- label check nul.label
t 'text 1 1 10 0.5 size=6 min=4 "x"' tiny.label
refused 2 "tiny.label:2: text: a 10x0.5 mm box cannot hold one character at min=4 pt" -- label check tiny.label
t 'text 1 1 0 5 "x"' zero.label
refused 2 "zero.label:2: text: a 0x5 mm box cannot hold one character" -- label check zero.label
t 'text 1 1 10 5 fit=ellipsis "{name_zh}"' cut.label
refused 2 "cut.label:2: text: fit=ellipsis would cut text the law requires" -- label check cut.label
t 'text 1 1 10 5 fit=squeeze "x"' fit.label
refused 2 "fit.label:2: fit=squeeze: expected shrink, wrap or ellipsis" -- label check fit.label
# Quiet zones: a frame, a line, text or another barcode in a barcode's box.
printf 'size 60 40\nbox 0.5 0.5 59 39 width=0.3\nbarcode 0.5 23 36 15.8 ean13 "{gtin13}"\n' >qz-frame.label
refused 2 "qz-frame.label:3: barcode: its box takes in the box on line 2, but it must hold only the EAN-13 and its quiet zones (11 modules left, 7 right)" -- label check qz-frame.label
printf 'size 60 40\nbarcode 2 23 36 15.8 ean13 "{gtin13}"\ntext 32 20.5 26 3 "{unit_price_zh?}"\n' >qz-text.label
refused 2 "qz-text.label:3: text reaches into the box of the barcode on line 2, which holds the EAN-13" -- label check qz-text.label
printf 'size 70 50\nbarcode 50 2 18 18 gs1-datamatrix "[01]{gtin}"\nline 40 10 55 10 width=0.3\n' >qz-line.label
refused 2 "qz-line.label:3: line reaches into the box of the barcode on line 2, which holds the GS1 DataMatrix and its quiet zone (1 module)" -- label check qz-line.label
printf 'size 100 150\nbarcode 5 50 90 35 gs1-128 "[02]{gtin}"\nbarcode 5 80 90 35 gs1-128 "[00]{sscc}"\n' >qz-two.label
refused 2 "qz-two.label:3: barcode reaches into the box of the barcode on line 2, which holds the GS1-128 and its quiet zones (10 modules each side)" -- label check qz-two.label
refused 2 "qz-two.label:3: barcode reaches into the box" -- "${P[@]/shelf-60x40/./qz-two.label}" $G --format pdf --out qz.pdf
printf 'size 60 40\nzpl-text bitmap\ntext 1 1 10 5 "x"\n' >zt.label
refused 2 "zt.label:2: zpl-text: expected graphic (text drawn as graphics, the default) or font" -- label check zt.label
t 'text 1 1 10 5 size=-3 "x"' neg.label
refused 2 "neg.label:2: size=-3: a font size in points between 2 and 200" -- label check neg.label
t 'text 1 1 10 5 size=1e9 "x"' exp.label
refused 2 "exp.label:2: size=1e9: a font size in points between 2 and 200" -- label check exp.label
t 'text -1 1 10 5 "x"' negx.label
refused 2 "negx.label:2: text: x '-1' is not a number" -- label check negx.label
printf 'size 99999 40\n' >huge.label
refused 2 "huge.label:1: size: width 99999 is too large (at most 10000)" -- label check huge.label
printf 'size 0 0\n' >zsize.label
refused 2 "zsize.label:1: size: 0x0 mm is not a label size" -- label check zsize.label
refused 2 "no-such.label: no such file" -- label check no-such.label
LONGNAME=$(head -c 5000 /dev/zero | tr '\0' 'x')
refused 2 "the label name is too long (5000 bytes)" -- label check "$LONGNAME"
refused 2 "File name too long" -- label print --template "${LONGNAME:0:4000}" $G --out x.pdf
mkdir -p folder.label
refused 2 "folder.label: is a folder, not a file" -- label check folder.label
refused 2 "reading codes from folder.label failed: Is a directory" -- "${P[@]}" --codes folder.label --out x.pdf
refused 2 "cannot read codes from ${LONGNAME}: File name too long" -- "${P[@]}" --codes "$LONGNAME" --out x.pdf
refused 2 "label check needs files" -- label check

# ---- label check: hostile sheets --------------------------------------------------
printf 'page 210 297\nlabels 3 7\ncell 0 0\n' >zero.sheet
refused 2 "zero.sheet:3: cell: 0x0 mm is not a cell size (5 to 2000 mm each way)" -- label check zero.sheet
printf 'page 0 297\n' >page.sheet
refused 2 "page.sheet:1: page: 0x297 mm is not a page size" -- label check page.sheet
printf 'page 210 297\nlabels 0 7\ncell 60 38\n' >cols.sheet
refused 2 "cols.sheet:2: labels: whole numbers of columns and rows, 1 to 50" -- label check cols.sheet
printf 'page 210 297\nlabels 99999 7\ncell 60 38\n' >many.sheet
refused 2 "many.sheet:2: labels: the first value 99999 is too large (at most 10000)" -- label check many.sheet
printf 'page 210 297\nlabels 60 7\ncell 60 38\n' >sixty.sheet
refused 2 "sixty.sheet:2: labels: whole numbers of columns and rows, 1 to 50" -- label check sixty.sheet
printf 'page 210 297\nlabels 3 7\ncell 60 38\nmargin abc 1\n' >margin.sheet
refused 2 "margin.sheet:4: margin: the first value 'abc' is not a number" -- label check margin.sheet
printf '# \xff\n' >utf8.sheet
refused 2 "utf8.sheet:1: the line is not valid UTF-8 text" -- label check utf8.sheet
printf 'sheet ""\n' >name.sheet
refused 2 "name.sheet:1: sheet: expected one name" -- label check name.sheet

# ---- a hostile template through label print: refused before anything is read ------
refused 2 "min.label:2: text: min=9 is larger than size=6" -- label print --template ./min.label $G --out x.pdf
refused 2 "zero.sheet:3: cell: 0x0 mm" -- "${P[@]}" --sheet ./zero.sheet $G --out x.pdf

# ---- label queue and label templates -------------------------------------------------
refused 2 "unknown label command 'queue'" -- label queue extra
refused 2 "unknown option '--bogus'" -- label queue --bogus
refused 3 "cannot open the labels folder" -- label templates --labels ./no-such-dir
refused 2 "unknown label command" -- label "$BAD"

finish
