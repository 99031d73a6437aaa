"""Checks the structure of a PDF entrepot wrote itself (issue 16's writer):
every cross-reference entry points at its object, the trailer's /Size
counts them, /Count names the pages, and every stream's /Length is the
number of bytes between `stream` and `endstream`.
usage: pdf_check.py FILE PAGES   (prints what is wrong; exit 1 then)"""
import re
import sys
import zlib

data = open(sys.argv[1], "rb").read()
want_pages = int(sys.argv[2])
bad = []
start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
m = re.match(rb"xref\n0 (\d+)\n", data[start:])
if not m:
    sys.exit("no cross-reference table at startxref")
n = int(m.group(1))
pos = start + m.end()
for i in range(n):
    entry = data[pos + 20 * i:pos + 20 * (i + 1)]
    if len(entry) != 20 or not entry.endswith(b" \n"):
        bad.append(f"xref entry {i} is not 20 bytes")
        continue
    if i == 0:
        continue
    off = int(entry[:10])
    if not data[off:].startswith(b"%d 0 obj\n" % i):
        bad.append(f"xref entry {i} points at {data[off:off + 12]!r}")
if not re.search(rb"/Size %d/" % n, data):
    bad.append("the trailer's /Size is not the number of objects")
count = re.search(rb"/Type/Pages/Count (\d+)", data)
if not count or int(count.group(1)) != want_pages:
    bad.append(f"/Count {count and count.group(1)!r}, want {want_pages}")
for s in re.finditer(rb"<</Length (\d+)/Filter/FlateDecode[^>]*>>\nstream\n", data):
    length = int(s.group(1))
    body = data[s.end():s.end() + length]
    if data[s.end() + length:s.end() + length + 10] != b"\nendstream":
        bad.append(f"a stream's /Length {length} does not end at endstream")
    else:
        zlib.decompress(body)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
