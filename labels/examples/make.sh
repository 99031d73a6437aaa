#!/bin/sh
# Makes the README's example images from the code: the CLI test's hazelnut
# spread (tests/cli/test_label.sh) on the shelf-60x40 label with price clerk
# 王芳, as the PDF rasterised by pdftoppm at 203 dpi (shelf-60x40-pdf.png) and
# as its ZPL at 203 dpi drawn by the independent renderer zpl-renderer-js
# (shelf-60x40-zpl.png; .ci/setup installs it into tests/zpl/node_modules).
# Both must decode with zbarimg to the GTIN, or nothing is replaced.
#   labels/examples/make.sh [--check] [BUILD_DIR]      (default: build; $ENTREPOT names the program)
# --check replaces nothing: exit 1 when the images' pixels differ from what the
# code draws now (same-pixels.mjs; tests/cli/test_label_examples.sh), 2 when a
# tool is missing. EXAMPLES=DIR checks the images in DIR instead.
set -eu
CHECK=0
if [ "${1:-}" = --check ]; then
    CHECK=1
    shift
fi
SRC=$(cd "$(dirname "$0")/../.." && pwd)
E=${ENTREPOT:-${1:-$SRC/build}/entrepot}
OUT=$SRC/labels/examples
IMAGES=${EXAMPLES:-$OUT}
for tool in pdftoppm zbarimg node; do
    command -v "$tool" >/dev/null || { echo "make.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$E" ] || { echo "make.sh: no entrepot at $E (build first)" >&2; exit 2; }
[ -d "$SRC/tests/zpl/node_modules/zpl-renderer-js" ] || { echo "make.sh: run .ci/setup (zpl-renderer-js)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ENTREPOT_DB=$WORK/examples.db ENTREPOT_LABELS=$SRC/labels
"$E" init --store SH01 --name "环球进口商品中心" >/dev/null
"$E" location add A-01 --kind shelf >/dev/null
"$E" product add --gtin 3017620422003 --name-zh 榛子可可酱 --name-en "Hazelnut spread" --brand Nutella \
    --origin IT --net-content "750 g" --price 39.90 >/dev/null
for fmt in pdf zpl; do
    "$E" label print --template shelf-60x40 --clerk 王芳 --no-record --format $fmt --dpi 203 \
        --out "$WORK/shelf.$fmt" 3017620422003 2>"$WORK/log" || { cat "$WORK/log" >&2; exit 1; }
done
pdftoppm -r 203 -png -singlefile "$WORK/shelf.pdf" "$WORK/shelf-60x40-pdf"
node "$SRC/tests/zpl/render.mjs" "$WORK/shelf.zpl" 60 40 8 "$WORK/zpl" >/dev/null
mv "$WORK/zpl-1.png" "$WORK/shelf-60x40-zpl.png"
for f in shelf-60x40-pdf.png shelf-60x40-zpl.png; do
    got=$(zbarimg -q --raw "$WORK/$f" 2>/dev/null || true)
    [ "$got" = 3017620422003 ] || { echo "make.sh: $f decodes to '$got', not 3017620422003" >&2; exit 1; }
    if [ $CHECK = 1 ]; then
        # the pixels, not the bytes: another zlib or libpng compresses the same picture otherwise
        same=$(node "$OUT/same-pixels.mjs" "$WORK/$f" "$IMAGES/$f" 2>&1) ||
            { echo "labels/examples/$f is not what the code draws now ($same): run labels/examples/make.sh" >&2; exit 1; }
    else
        cp "$WORK/$f" "$OUT/$f"
    fi
done
[ $CHECK = 1 ] && echo "labels/examples: the images are what the code draws" ||
    echo "wrote labels/examples/shelf-60x40-pdf.png and shelf-60x40-zpl.png"
