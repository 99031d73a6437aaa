// Whether two PNG images have the same pixels, whatever their bytes:
//   node same-pixels.mjs A.png B.png
// exit 0 when they have (same size, every pixel's colour the same), 1 when not
// (saying how many pixels differ and where the first is), 2 when a file is not
// a PNG this reads (8 bits a channel, grey, RGB, grey+alpha or RGBA, not
// interlaced: what pdftoppm and zpl-renderer-js write). make.sh --check
// compares so: the same picture compressed by another zlib or libpng, or
// with other metadata, is the same picture.
import fs from "node:fs";
import zlib from "node:zlib";

function pixels(path) {
  const d = fs.readFileSync(path);
  if (d.length < 8 || d.subarray(0, 8).compare(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])) !== 0) {
    throw new Error(`${path}: not a PNG`);
  }
  let w = 0, h = 0, depth = 0, type = -1, interlace = 0;
  const idat = [];
  for (let i = 8; i + 8 <= d.length;) {
    const n = d.readUInt32BE(i), kind = d.toString("latin1", i + 4, i + 8);
    if (kind === "IHDR") {
      [w, h, depth, type, interlace] = [d.readUInt32BE(i + 8), d.readUInt32BE(i + 12), d[i + 16], d[i + 17], d[i + 20]];
    } else if (kind === "IDAT") {
      idat.push(d.subarray(i + 8, i + 8 + n));
    }
    i += 12 + n;
  }
  const ch = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  if (depth !== 8 || !ch || interlace) {
    throw new Error(`${path}: a PNG of depth ${depth}, colour type ${type}, interlace ${interlace} (not read here)`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat)), stride = w * ch;
  if (raw.length < h * (stride + 1)) throw new Error(`${path}: its image data is short`);
  const rgba = Buffer.alloc(w * h * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? line[x - ch] : 0, b = prev[x], c = x >= ch ? prev[x - ch] : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const e = a + b - c, pa = Math.abs(e - a), pb = Math.abs(e - b), pc = Math.abs(e - c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw new Error(`${path}: row ${y} has filter ${f}`);
      line[x] = (line[x] + p) & 255;
    }
    for (let x = 0; x < w; x++) {
      const s = line.subarray(x * ch, x * ch + ch), o = (y * w + x) * 4;
      const [r, g, bl] = ch >= 3 ? [s[0], s[1], s[2]] : [s[0], s[0], s[0]];
      rgba[o] = r, rgba[o + 1] = g, rgba[o + 2] = bl, rgba[o + 3] = ch === 2 ? s[1] : ch === 4 ? s[3] : 255;
    }
    prev = line;
  }
  return { w, h, rgba };
}

const [pa, pb] = process.argv.slice(2);
if (!pb) {
  console.error("usage: node same-pixels.mjs A.png B.png");
  process.exit(2);
}
let A, B;
try {
  [A, B] = [pixels(pa), pixels(pb)];
} catch (e) {
  console.error(`same-pixels: ${e.message}`);
  process.exit(2);
}
if (A.w !== B.w || A.h !== B.h) {
  console.log(`${pa} is ${A.w}x${A.h} pixels, ${pb} ${B.w}x${B.h}`);
  process.exit(1);
}
let differ = 0, first = -1;
for (let i = 0; i < A.w * A.h; i++) {
  if (A.rgba.readUInt32BE(i * 4) !== B.rgba.readUInt32BE(i * 4)) {
    if (first < 0) first = i;
    differ++;
  }
}
if (differ) {
  console.log(`${differ} of ${A.w * A.h} pixels differ, the first at x ${first % A.w}, y ${Math.floor(first / A.w)}`);
  process.exit(1);
}
