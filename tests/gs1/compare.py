#!/usr/bin/env python3
"""
Compares `entrepot scan --strict` with GS1's reference, the GS1 Barcode
Syntax Engine (github.com/gs1/gs1-syntax-engine), on a corpus this script
generates: bracketed element strings, AIM-prefixed scan data with GS
separators and GS1 Digital Link URIs, valid and mutated. Not part of the
test suite: it needs the engine, built outside the project.

usage: compare.py LIBGS1ENCODERS.so ENTREPOT [--n N] [--seed S] [--show K] [--counter]

Prints the verdict agreement (overall and per form), whether the AIs read
agree where both accept, and K examples of each kind of difference.
"""
import argparse
import ctypes
import json
import random
import subprocess
import sys
from collections import Counter, defaultdict

GS = "\x1d"


def check_digit(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        total += int(c) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def num(r, n):
    return "".join(r.choice("0123456789") for _ in range(n))


def keyed(r, n):
    """n digits ending in a GS1 check digit, starting with a plausible prefix."""
    body = r.choice(["950110", "400638", "690123", "301762", "761234"]) + num(r, n - 7)
    return body + check_digit(body)


def text(r, lo, hi, alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-./"):
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def yymmdd(r, day00=False):
    y, m = r.randint(20, 35), r.randint(1, 12)
    d = r.randint(0 if day00 else 1, 28)
    return "%02d%02d%02d" % (y, m, d)


def hhmi(r):
    return "%02d%02d" % (r.randint(0, 23), r.randint(0, 59))


# Valid values, one generator per AI the corpus uses.
VALUES = {
    "00": lambda r: keyed(r, 18), "01": lambda r: keyed(r, 14), "02": lambda r: keyed(r, 14),
    "10": lambda r: text(r, 1, 20), "11": yymmdd, "13": yymmdd, "15": lambda r: yymmdd(r, True),
    "17": lambda r: yymmdd(r, True), "20": lambda r: num(r, 2), "21": lambda r: text(r, 1, 20),
    "22": lambda r: text(r, 1, 20), "235": lambda r: text(r, 1, 28), "240": lambda r: text(r, 1, 30),
    "241": lambda r: text(r, 1, 30), "250": lambda r: text(r, 1, 30), "253": lambda r: keyed(r, 13) + text(r, 0, 17),
    "254": lambda r: text(r, 1, 20), "255": lambda r: keyed(r, 13) + num(r, r.randint(0, 12)),
    "30": lambda r: num(r, r.randint(1, 8)), "37": lambda r: num(r, r.randint(1, 8)),
    "3103": lambda r: num(r, 6), "3102": lambda r: num(r, 6), "3302": lambda r: num(r, 6),
    "3922": lambda r: num(r, r.randint(1, 15)), "3932": lambda r: r.choice(["978", "840", "156"]) + num(r, r.randint(1, 15)),
    "3902": lambda r: num(r, r.randint(1, 15)), "3940": lambda r: num(r, 4),
    "400": lambda r: text(r, 1, 30), "401": lambda r: num(r, 6) + text(r, 0, 20), "402": lambda r: keyed(r, 17),
    "403": lambda r: text(r, 1, 30), "410": lambda r: keyed(r, 13), "414": lambda r: keyed(r, 13),
    "415": lambda r: keyed(r, 13), "422": lambda r: r.choice(["156", "276", "250", "840", "380"]),
    "426": lambda r: r.choice(["156", "276"]), "7003": lambda r: yymmdd(r) + hhmi(r),
    "7007": lambda r: yymmdd(r) + r.choice(["", yymmdd(r)]), "8003": lambda r: "0" + keyed(r, 13) + text(r, 0, 16),
    "8004": lambda r: num(r, 7) + text(r, 0, 20), "8006": lambda r: keyed(r, 14) + "0102",
    "8008": lambda r: yymmdd(r) + r.choice(["%02d" % r.randint(0, 23), hhmi(r), hhmi(r) + "%02d" % r.randint(0, 59)]),
    "8017": lambda r: keyed(r, 18), "8019": lambda r: num(r, r.randint(1, 10)), "8020": lambda r: text(r, 1, 25),
    "90": lambda r: text(r, 1, 30), "91": lambda r: text(r, 1, 90), "99": lambda r: text(r, 1, 90),
    "7240": lambda r: text(r, 1, 20), "4330": lambda r: num(r, 6) + r.choice(["", "-"]),
}

# Valid combinations: a key and companions it allows (each used or not).
TEMPLATES = [
    ("01", ["10", "21", "17", "15", "11", "13", "3103", "422", "7003", "8008", "90", "91", "240", "22", "20", "7007", "250"]),
    ("01", ["10", "17", "30", "3922", "99", "241"]),
    ("01", ["235", "10", "17", "3103", "3932", "30"]),
    ("00", ["02", "37", "10", "17", "3302", "400", "403", "4330"]),
    ("415", ["8020", "3902"]),
    ("414", ["254"]),
    ("8006", ["10", "21", "17"]),
    ("253", []), ("255", ["3940"]), ("401", []), ("402", []), ("8003", []), ("8004", ["7240"]), ("8017", ["8019"]),
]

# Which AIs come in sets: (37) needs (00) and (02); (02) needs (37); (250) needs (21)...
FIXUPS = {"37": ["00", "02"], "02": ["37"], "250": ["21"], "8020": ["415"], "3902": ["8020"], "3922": ["30"],
          "3932": ["30"], "3940": ["255"], "7240": ["01"], "8019": ["8017"], "254": ["414"]}
DL_KEYS = {"01": "22,10,21|235", "00": "", "414": "254|7040", "415": "8020", "8006": "22,10,21", "253": "",
           "255": "", "401": "", "402": "", "8003": "", "8004": "7040", "8017": "8019"}
PREDEFINED = {"00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "11": 6, "12": 6, "13": 6, "14": 6, "15": 6, "16": 6,
              "17": 6, "18": 6, "19": 6, "20": 2, "31": 6, "32": 6, "33": 6, "34": 6, "35": 6, "36": 6, "41": 13}


def valid_set(r):
    key, companions = r.choice(TEMPLATES)
    ais = [key] + [a for a in companions if r.random() < 0.35]
    if "235" in ais and "21" in ais:
        ais.remove("21")
    changed = True
    while changed:
        changed = False
        for a in list(ais):
            for need in FIXUPS.get(a, []):
                if need not in ais:
                    ais.append(need)
                    changed = True
    return [(a, VALUES[a](r)) for a in ais]


def mutate(r, els):
    """One kind of mistake; returns (elements, label)."""
    els = list(els)
    kind = r.choice(["drop-key", "exclude", "check-digit", "date", "time", "gcp", "zero", "unknown", "length",
                     "currency", "char", "8008-len", "country"])
    i = r.randrange(len(els))
    if kind == "drop-key" and len(els) > 1:
        els.pop(0)
    elif kind == "exclude":
        extra = r.choice([("37", "5"), ("255", keyed(r, 13)), ("3102", "000100"), ("426", "156"), ("02", keyed(r, 14))])
        if extra[0] == "3102":
            els.append(("3103", "000200"))
        if extra[0] == "426":
            els.append(("422", "276"))
        els.append(extra)
    elif kind == "check-digit":
        a, v = els[0]
        if v[-1].isdigit():
            els[0] = (a, v[:-1] + str((int(v[-1]) + 1) % 10))
    elif kind == "date":
        els.append(("17", r.choice(["261332", "260230", "261300", "250229", "261131"])))
    elif kind == "time":
        els.append(("7003", r.choice(["2601322359", "2602301200", "2601012400", "2601011260", "2600011200"])))
    elif kind == "8008-len":
        els.append(("8008", r.choice(["260101123", "26010112345", "26010012", "2601012512"])))
    elif kind == "gcp":
        els = [("401", r.choice(["ABCD12", "12AB34", "1X3456"]))] if r.random() < 0.5 else \
              [("8004", r.choice(["12AB", "ABC123456", "123"]))]
    elif kind == "zero":
        els = [("8003", "1" + keyed(r, 13))]
    elif kind == "unknown":
        els.append((r.choice(["244", "04", "7012", "4400", "8099", "3944", "23", "7099"]), num(r, 6)))
    elif kind == "length":
        a, v = els[i]
        els[i] = (a, v + r.choice(["1", "A"]) if r.random() < 0.5 else v[:-1] or "1")
    elif kind == "currency":
        els.append(("3932", r.choice(["191", "694", "931", "932", "924", "396", "999"]) + "1234"))
        if not any(a == "30" for a, _ in els):
            els.append(("30", "1"))
    elif kind == "char":
        els.append(("10", r.choice(["AB|1", "A B", "AB~", "A^B", "AB%20"])))
    elif kind == "country":
        els.append(("422", r.choice(["999", "000", "191", "276"])))
    return els, kind


def bracketed(els):
    return "".join("(%s)%s" % (a, v) for a, v in els)


def scan_data(r, els, mutate_gs):
    aim = r.choice(["]C1", "]d2", "]Q3", "]e0"])
    out = aim
    if mutate_gs == "gs-after-prefix":
        out += GS
    for k, (a, v) in enumerate(els):
        if k > 0 and PREDEFINED.get(els[k - 1][0][:2]) is None:
            out += GS + (GS if mutate_gs == "double-gs" and k == 1 else "")
        out += a + v
    return out


def pct(v):
    return "".join(c if c.isalnum() or c in "-._~" else "%%%02X" % ord(c) for c in v)


def digital_link(r, els, mut):
    host = r.choice(["https://id.gs1.org", "https://example.com/shop", "http://a.b.cn"])
    key = els[0][0]
    if key not in DL_KEYS:
        return None
    quals = DL_KEYS[key].split("|")[0].split(",") if DL_KEYS[key] else []
    path = "/%s/%s" % (key, pct(els[0][1]))
    query = []
    for a, v in els[1:]:
        if a in quals and mut != "qualifier-in-query":
            continue
        query.append((a, v))
    for q in quals:  # qualifiers in the path, in their order
        for a, v in els[1:]:
            if a == q and mut != "qualifier-in-query":
                path += "/%s/%s" % (a, pct(v))
    if mut == "zero-suppressed" and key == "01" and els[0][1].startswith("0"):
        path = path.replace("/01/0", "/01/", 1)
    if mut == "short-name" and key == "01":
        path = path.replace("/01/", "/gtin/", 1).replace("/10/", "/lot/").replace("/21/", "/ser/")
    if mut == "bad-escape":
        path += "/10/AB%2"
    if mut == "not-attribute":
        query.append(("21", "S1"))
    if mut == "unknown-query":
        query.append(("7012", "AB"))
    uri = host + path
    qs = ["%s=%s" % (a, pct(v)) for a, v in query]
    if r.random() < 0.3:
        qs.append("linkType=gs1:pip")
    if qs:
        uri += "?" + "&".join(qs)
    return uri


# More of the table, one AI at a time beside the key it needs: "AI:spec",
# spec N<n> fixed digits, N..<n> up to n digits, X..<n> up to n characters,
# D date YYMMDD, T date and time, P percent-encoded text; the key (00 or 01).
FIELDS = ("01 20:N2 240:X..30 241:X..30 242:N..6 243:X..20 30:N..8 3100:N6 3205:N6 3560:N6 3950:N6 "
          "3910:N..15 422:N3 423:N..15 424:N3 425:N..15 7001:N13 7002:X..30 7005:X..12 7006:D 7008:X..3 "
          "7009:X..10 7010:X..2 7011:T 7030:N3X 710:X..20 711:X..20 717:X..20 7230:X..30 7240:X..20 8001:N14 "
          "8005:N6 8009:X..50 8012:X..20 8013:X..25 8200:X..70 90:X..30 95:X..90 7041:X..4 7241:N2 "
          "00 4300:P 4302:P 4307:X2 4308:X..30 4309:N20 4321:N1 4324:T 4326:D 4330:N6 403:X..30 8009:X..50 "
          "3300:N6 3370:N6 3460:N6").split()


def field_set(r):
    key, items = None, []
    for tok in FIELDS:
        if ":" not in tok:
            key = tok
        else:
            items.append((key, tok))
    key, tok = r.choice(items)
    ai, spec = tok.split(":")
    if spec == "D":
        v = yymmdd(r) if r.random() < 0.7 else r.choice(["261332", "260229", "240229", "260100"])
    elif spec == "T":
        v = yymmdd(r) + (hhmi(r) if r.random() < 0.7 else r.choice(["2400", "1260", "0099"]))
    elif spec == "P":
        v = text(r, 1, 30) + r.choice(["", "%20", "%2", "%G1", "%41"])
    elif spec == "N3X":
        v = r.choice(["156", "276", "999", "000"]) + text(r, 1, 27)
    elif spec.startswith("N.."):
        v = num(r, r.randint(1, int(spec[3:]) + 1))
    elif spec.startswith("N"):
        k = int(spec[1:])
        v = num(r, k + r.choice([0, 0, 0, 0, 1, -1]) if k > 1 else k)
    elif spec.startswith("X.."):
        v = text(r, 1, int(spec[3:]) + 1, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-./abc")
    else:
        v = text(r, int(spec[1:]), int(spec[1:]), "ABCDEFGHJKLMNPQRSTUVWXYZ")
    return [(key, VALUES[key](r)), (ai, v)]


def corpus(n, seed):
    r = random.Random(seed)
    items = []
    while len(items) < n:
        els = valid_set(r)
        label = "valid"
        if r.random() < 0.25:
            els, label = field_set(r), "field"
        elif r.random() < 0.5:
            els, label = mutate(r, els)
        form = r.choice(["bracketed", "scan", "link"])
        if form == "bracketed":
            items.append((form, label, bracketed(els)))
        elif form == "scan":
            mut = r.choice(["", "", "", "gs-after-prefix", "double-gs"]) if label == "valid" else ""
            if "|" in bracketed(els):
                continue
            items.append((form, mut or label, scan_data(r, els, mut)))
        else:
            mut = r.choice(["", "", "qualifier-in-query", "zero-suppressed", "short-name", "bad-escape",
                            "not-attribute", "unknown-query"]) if label == "valid" else ""
            uri = digital_link(r, els, mut)
            if uri:
                items.append((form, mut or label, uri))
    return items


class Engine:
    def __init__(self, path):
        lib = ctypes.CDLL(path)
        lib.gs1_encoder_init.restype = ctypes.c_void_p
        lib.gs1_encoder_init.argtypes = [ctypes.c_void_p]
        for f in ("setDataStr", "setAIdataStr", "setScanData"):
            fn = getattr(lib, "gs1_encoder_" + f)
            fn.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            fn.restype = ctypes.c_bool
        lib.gs1_encoder_getErrMsg.restype = ctypes.c_char_p
        lib.gs1_encoder_getErrMsg.argtypes = [ctypes.c_void_p]
        lib.gs1_encoder_getHRI.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p))]
        self.lib, self.ctx = lib, lib.gs1_encoder_init(None)

    def check(self, form, s):
        b = s.encode()
        if form == "bracketed":
            ok = self.lib.gs1_encoder_setAIdataStr(self.ctx, b)
        elif form == "scan":
            ok = self.lib.gs1_encoder_setScanData(self.ctx, b)
        else:
            ok = self.lib.gs1_encoder_setDataStr(self.ctx, b)
        if not ok:
            return False, self.lib.gs1_encoder_getErrMsg(self.ctx).decode(errors="replace"), None
        hri = ctypes.POINTER(ctypes.c_char_p)()
        k = self.lib.gs1_encoder_getHRI(self.ctx, ctypes.byref(hri))
        ais = []
        for i in range(k):
            h = hri[i].decode()
            a, _, v = h.partition(") ")
            ais.append((a.lstrip("("), v))
        return True, "", sorted(ais)


def run_entrepot(path, items, strict):
    data = "".join(s + "\n" for _, _, s in items).encode()
    args = [path, "--json", "scan", "--no-db"] + (["--strict"] if strict else [])
    p = subprocess.run(args, input=data, capture_output=True)
    res = json.loads(p.stdout)
    if len(res) != len(items):
        sys.exit("entrepot answered %d codes of %d" % (len(res), len(items)))
    out = []
    for o in res:
        if "error" in o:
            out.append((False, o["error"], None))
        else:
            out.append((True, "", sorted((a["ai"], a["value"]) for a in o.get("ais", []))))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("engine")
    ap.add_argument("entrepot")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--counter", action="store_true", help="entrepot without --strict (the counter's tolerances)")
    a = ap.parse_args()
    items = corpus(a.n, a.seed)
    eng = Engine(a.engine)
    ours = run_entrepot(a.entrepot, items, not a.counter)
    agree, total, same_ais, both_ok = Counter(), Counter(), 0, 0
    diffs = defaultdict(list)
    for (form, label, s), (ok, msg, ais) in zip(items, ours):
        eok, emsg, eais = eng.check(form, s)
        total[form] += 1
        if ok == eok:
            agree[form] += 1
            if ok:
                both_ok += 1
                same_ais += ais == eais
                if ais != eais:
                    diffs[(form, label, "both accept, AIs differ")].append((s, str(ais), str(eais)))
        else:
            diffs[(form, label, "entrepot accepts" if ok else "engine accepts")].append((s, msg, emsg))
    n, k = sum(total.values()), sum(agree.values())
    print("%s, corpus %d (seed %d): verdicts agree on %d (%.2f%%)" % ("counter" if a.counter else "--strict", n, a.seed, k, 100.0 * k / n))
    for form in sorted(total):
        print("  %-9s %5d of %5d (%.2f%%)" % (form, agree[form], total[form], 100.0 * agree[form] / total[form]))
    print("both accept %d; same AIs and values in %d" % (both_ok, same_ais))
    for key, lst in sorted(diffs.items(), key=lambda kv: -len(kv[1])):
        print("%5d  %s / %s: %s" % (len(lst), key[0], key[1], key[2]))
        for s, msg, emsg in lst[: a.show]:
            print("         %r\n           entrepot: %s\n           engine:   %s" % (s, msg, emsg))


if __name__ == "__main__":
    main()
