// Renders ZPL files to PNG with zpl-renderer-js (the zebrash engine built
// to WebAssembly), an implementation independent of entrepot's:
//   node render.mjs FILE.zpl WIDTH_MM HEIGHT_MM DOTS_PER_MM OUT_PREFIX [...]
// writes OUT_PREFIX-1.png, -2.png, ... one per label (^XA...^XZ), for each
// group of five arguments (one process: loading the engine takes a second).
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
if (args.length === 0 || args.length % 5 !== 0) {
    console.error("usage: node render.mjs FILE.zpl WIDTH_MM HEIGHT_MM DOTS_PER_MM OUT_PREFIX [...]");
    process.exit(2);
}
const { ready } = require("zpl-renderer-js");
const { api } = await ready;
for (let a = 0; a < args.length; a += 5) {
    const [input, width, height, dpmm, prefix] = args.slice(a, a + 5);
    const zpl = fs.readFileSync(input, "utf8");
    const images = await api.zplToBase64MultipleAsync(zpl, +width, +height, +dpmm);
    images.forEach((b64, i) => fs.writeFileSync(`${prefix}-${i + 1}.png`, Buffer.from(b64, "base64")));
    console.log(`${input}: ${images.length}`);
}
