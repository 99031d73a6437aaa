#!/usr/bin/env python3
"""Reads an .xlsx back with the standard library (zipfile, xml) and checks it
against the CSV the same command prints.

usage: xlsx_check.py FILE.xlsx FILE.csv [COLUMN=TYPE ...]

Checks: one sheet; the header row frozen (pane at A2), in Chinese where the
column is one entrepot names; every CSV row is a sheet row; a cell is a
number exactly where its CSV text is a number of a numeric column, holding
the double nearest that decimal and as many decimals in its format as the
text has; a date column's cells are dates (serials formatted as dates) equal
to the text; text cells equal the text; an empty CSV field is an empty cell.
COLUMN=TYPE (n number, d date, t datetime, s text) names the type expected of
each non-empty cell of a column. Prints "ok ROWS" or what is wrong (exit 1).
"""
import csv
import datetime
import decimal
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EPOCH = datetime.datetime(1899, 12, 30)


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_styles(z):
    root = ET.fromstring(z.read("xl/styles.xml"))
    fmts = {int(f.get("numFmtId")): f.get("formatCode") for f in root.findall("m:numFmts/m:numFmt", NS)}
    builtin = {0: "General", 1: "0", 2: "0.00", 14: "m/d/yy"}
    xfs = []
    for xf in root.findall("m:cellXfs/m:xf", NS):
        fid = int(xf.get("numFmtId", "0"))
        xfs.append(fmts.get(fid, builtin.get(fid, "?")))
    return xfs


def read_sheet(path):
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    sheets = wb.findall("m:sheets/m:sheet", NS)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    xfs = read_styles(z)
    ws = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    pane = ws.find("m:sheetViews/m:sheetView/m:pane", NS)
    widths = [float(c.get("width")) for c in ws.findall("m:cols/m:col", NS)]
    rows = []
    for row in ws.findall("m:sheetData/m:row", NS):
        cells = {}
        for c in row.findall("m:c", NS):
            t = c.get("t", "n")
            fmt = xfs[int(c.get("s", "0"))]
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
                cells[col_index(c.get("r"))] = ("s", v, fmt)
            elif t == "s":
                cells[col_index(c.get("r"))] = ("s", shared[int(c.find("m:v", NS).text)], fmt)
            else:
                cells[col_index(c.get("r"))] = ("n", c.find("m:v", NS).text, fmt)
        rows.append(cells)
    return [s.get("name") for s in sheets], pane, widths, rows


def is_date_format(fmt):
    return "yy" in fmt and "d" in fmt


def check(xlsx, csvfile, want):
    names, pane, widths, rows = read_sheet(xlsx)
    errors = []
    if len(names) != 1:
        errors.append("sheets: %r" % names)
    if pane is None or pane.get("topLeftCell") != "A2" or pane.get("state") != "frozen":
        errors.append("the header row is not frozen")
    with open(csvfile, encoding="utf-8-sig", newline="") as f:
        data = list(csv.reader(f))
    head = data[0]
    if len(widths) != len(head) or min(widths) < 6:
        errors.append("column widths %r" % widths)
    hrow = rows[0]
    for i, key in enumerate(head):
        t, v, _ = hrow.get(i, ("", "", ""))
        if t != "s" or not re.search(r"[\u4e00-\u9fff]", v):
            errors.append("header %s is %r, not Chinese" % (key, v))
    if len(rows) != len(data):
        errors.append("%d sheet rows for %d CSV rows" % (len(rows), len(data)))
    for r, (srow, crow) in enumerate(zip(rows[1:], data[1:]), start=2):
        for i, text in enumerate(crow):
            cell = srow.get(i)
            key = head[i]
            if text == "":
                if cell is not None:
                    errors.append("row %d %s: %r for an empty field" % (r, key, cell))
                continue
            if cell is None:
                errors.append("row %d %s: no cell for %r" % (r, key, text))
                continue
            t, v, fmt = cell
            kind = "s" if t == "s" else ("d" if is_date_format(fmt) and "h" not in fmt else
                                         "t" if is_date_format(fmt) else "n")
            if key in want and kind != want[key] and not (want[key] != "s" and kind == "s"
                                                          and not re.match(r"^-?[0-9]", text)):
                errors.append("row %d %s: %r is %s, want %s" % (r, key, text, kind, want[key]))
            if kind == "s":
                if v != text:
                    errors.append("row %d %s: text %r, CSV %r" % (r, key, v, text))
            elif kind == "n":
                # The cell holds the double nearest the exact decimal (the
                # writer divides integers once, a correctly rounded step).
                if float(v) != float(decimal.Decimal(text)):
                    errors.append("row %d %s: %s, CSV %s" % (r, key, v, text))
                places = len(text.split(".")[1]) if "." in text else 0
                shown = len(fmt.split(".")[1]) if "." in fmt else 0
                if places != shown and not (places == 0 and fmt == "General"):
                    errors.append("row %d %s: format %r for %s" % (r, key, fmt, text))
            else:
                when = EPOCH + datetime.timedelta(days=float(v))
                when = when + datetime.timedelta(microseconds=500)  # the serial's last bit
                shown = when.strftime("%Y-%m-%d" if kind == "d" else "%Y-%m-%d %H:%M:%S" if ":ss" in fmt
                                      else "%Y-%m-%d %H:%M")
                if shown != text.replace("T", " ").rstrip("Z"):
                    errors.append("row %d %s: date %s, CSV %s" % (r, key, shown, text))
    if errors:
        print("\n".join(errors[:20]))
        return 1
    print("ok %d" % (len(rows) - 1))
    return 0


def dump(xlsx):
    """Prints each cell as REF TYPE VALUE FORMAT, for the shell test's greps."""
    names, _, _, rows = read_sheet(xlsx)
    print("sheet %s" % names[0])
    for r, cells in enumerate(rows, start=1):
        for i in sorted(cells):
            t, v, fmt = cells[i]
            print("%s%d %s %s %s" % (chr(65 + i) if i < 26 else "?", r, t, v, fmt))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--dump":
        dump(sys.argv[2])
        sys.exit(0)
    want = dict(a.split("=", 1) for a in sys.argv[3:])
    sys.exit(check(sys.argv[1], sys.argv[2], want))
