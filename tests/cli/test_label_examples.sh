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

# The pixels are compared, not the bytes: the same images compressed again
# (as another zlib or libpng writes them) pass, and one pixel changed fails
# (cmp failed the first, and so the test on any other build of zlib).
recompress() { # IN OUT FLIP: the PNG's image data deflated at level 1; FLIP 1 inverts its first byte
    node --input-type=module -e '
        import fs from "node:fs"; import zlib from "node:zlib";
        const [src, dst, flip] = process.argv.slice(1), d = fs.readFileSync(src), idat = [], keep = [];
        for (let i = 8; i < d.length;) {
            const n = d.readUInt32BE(i), kind = d.toString("latin1", i + 4, i + 8);
            (kind === "IDAT" ? idat : keep).push([kind, d.subarray(i + 8, i + 8 + n)]);
            i += 12 + n;
        }
        const raw = zlib.inflateSync(Buffer.concat(idat.map((c) => c[1])));
        if (flip === "1") raw[1] ^= 255;
        const crcs = Array.from({ length: 256 }, (_, n) => {
            for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
            return n >>> 0;
        });
        const chunk = (kind, data) => {
            const b = Buffer.concat([Buffer.from(kind, "latin1"), data]);
            let c = 0xffffffff;
            for (const x of b) c = crcs[(c ^ x) & 255] ^ (c >>> 8);
            const len = Buffer.alloc(4), crc = Buffer.alloc(4);
            len.writeUInt32BE(data.length);
            crc.writeUInt32BE((c ^ 0xffffffff) >>> 0);
            return Buffer.concat([len, b, crc]);
        };
        const parts = [d.subarray(0, 8)];
        for (const [kind, data] of keep) {
            if (kind === "IEND") parts.push(chunk("IDAT", zlib.deflateSync(raw, { level: 1 })));
            parts.push(chunk(kind, data));
        }
        fs.writeFileSync(dst, Buffer.concat(parts));' "$1" "$2" "$3"
}
mkdir -p "$WORK/again" "$WORK/changed"
for f in shelf-60x40-pdf.png shelf-60x40-zpl.png; do
    recompress "$SRC/labels/examples/$f" "$WORK/again/$f" 0
    recompress "$SRC/labels/examples/$f" "$WORK/changed/$f" 0
done
recompress "$SRC/labels/examples/shelf-60x40-zpl.png" "$WORK/changed/shelf-60x40-zpl.png" 1
if cmp -s "$WORK/again/shelf-60x40-pdf.png" "$SRC/labels/examples/shelf-60x40-pdf.png"; then
    fail "the images compressed again have the same bytes: nothing tested"
else
    ok
fi
out=$(EXAMPLES=$WORK/again ENTREPOT=$ENTREPOT "$SRC/labels/examples/make.sh" --check 2>&1)
[ $? -eq 0 ] && ok || fail "the same pixels in other bytes: $out"
out=$(EXAMPLES=$WORK/changed ENTREPOT=$ENTREPOT "$SRC/labels/examples/make.sh" --check 2>&1)
[ $? -eq 1 ] && [[ "$out" == *"shelf-60x40-zpl.png is not what the code draws now ("*" pixels differ, the first at x 0, y 0)"* ]] &&
    ok || fail "one pixel changed: $out"
finish
