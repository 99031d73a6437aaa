#!/usr/bin/env bash
# The README's example labels (labels/examples/*.png) are what the code draws
# now: labels/examples/make.sh --check draws them again and compares the
# files (the shelf label's PDF image showed the store name at the old 6 pt
# after the label had gone to 5.5 pt). Without Node.js's renderer: SKIP.
source "$(dirname "$0")/lib.sh"
SRC="${ENT_SOURCE_DIR:-$(dirname "$0")/../..}"
if ! command -v node >/dev/null || [ ! -d "$SRC/tests/zpl/node_modules/zpl-renderer-js" ] ||
    ! command -v zbarimg >/dev/null || ! command -v pdftoppm >/dev/null; then
    printf 'SKIP: node, zbarimg, pdftoppm or tests/zpl/node_modules (run .ci/setup) absent: examples not drawn\n'
    finish
    exit $?
fi
out=$(ENTREPOT=$ENTREPOT "$SRC/labels/examples/make.sh" --check 2>&1)
[ $? -eq 0 ] && ok || fail "$out"
finish
