#!/usr/bin/env python3
"""The project's independent verifier of a journal export, written from the
README's "Sales journal" section alone (not from the code): reads the JSON
export or the CSV set (its folder or manifest.csv), rebuilds every body from
the exported fields (never from "body"), and checks hashes, the chain, seals,
signatures through the key chain, QR payloads, grand totals, each closing's
sums and range (day closings tile the journal; a month or year closing covers
its day closings) and each period_end in the export's time zone.
Prints "seq: reason" per bad record and a summary; exit 0 clean, 1 bad."""
import base64
import csv
import datetime
import hashlib
import json
import os
import sys
import zoneinfo

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

MOVES = ("SALE", "RETURN", "VOID")


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def load_json(path):
    doc = json.load(open(path, encoding="utf-8"))
    return doc["store"], doc["time_zone"], doc["records"]


def load_csv_set(path):
    folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
    rows = lambda name: list(csv.DictReader(open(os.path.join(folder, name), encoding="utf-8", newline="")))
    for m in rows("manifest.csv"):
        data = open(os.path.join(folder, m["file"]), "rb").read()
        if hashlib.sha256(data).hexdigest() != m["sha256"]:
            sys.exit("%s does not match manifest.csv" % m["file"])
    store = rows("store.csv")[0]
    recs, by_seq = [], {}
    for r in rows("records.csv"):
        for k in ("seq", "total", "grand_total", "first_seq", "last_seq", "training"):
            r[k] = int(r[k])
        r.update(taxes=[], payments=[], lines=[], counts={})
        if not r["public_key"]:
            del r["public_key"]
        recs.append(r)
        by_seq[r["seq"]] = r
    for t in rows("taxes.csv"):
        by_seq[int(t["seq"])]["taxes"].append({k: int(t[k]) for k in ("rate", "gross", "tax")})
    for p in rows("payments.csv"):
        by_seq[int(p["seq"])]["payments"].append({"method": p["method"], "amount": int(p["amount"])})
    for l in rows("lines.csv"):
        d = {k: l[k] for k in ("code", "lot", "name")}
        d.update({k: int(l[k]) for k in ("line", "qty", "unit_price", "discount", "amount", "rate")})
        by_seq[int(l["seq"])]["lines"].append(d)
    for c in rows("counts.csv"):
        by_seq[int(c["seq"])]["counts"][c["kind"]] = int(c["n"])
    return store["store"], store["time_zone"], recs


def der_of(pem):
    k = serialization.load_pem_public_key(pem.encode())
    return k, k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def body(store, r, der_hex):
    out = ["entrepot-journal 1", "store=" + store]
    for k, v in [("seq", r["seq"]), ("prev", r["prev_hash"]), ("uuid", r["uuid"]), ("kind", r["kind"]),
                 ("time", r["time"]), ("signer", r["key_id"]), ("counter", r["counter"]),
                 ("cashier", r["cashier"]), ("ref", r["ref"]), ("currency", r["currency"]),
                 ("total", r["total"]), ("grand_total", r["grand_total"]), ("event", r["event"]),
                 ("note", r["note"]), ("pubkey", der_hex), ("period", r["period"]),
                 ("period_end", r["period_end"]), ("first_seq", r["first_seq"]),
                 ("last_seq", r["last_seq"]), ("training", r["training"])]:
        out.append("%s=%s" % (k, v))
    for t in sorted(r["taxes"], key=lambda t: t["rate"]):
        out.append("tax=%d\t%d\t%d" % (t["rate"], t["gross"], t["tax"]))
    for p in sorted(r["payments"], key=lambda p: p["method"].encode()):
        out.append("pay=%s\t%d" % (p["method"], p["amount"]))
    for l in r["lines"]:
        out.append("line=%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d" % (l["line"], l["code"], l["lot"], l["name"],
                   l["qty"], l["unit_price"], l["discount"], l["amount"], l["rate"]))
    for k in sorted(r.get("counts", {}), key=lambda k: k.encode()):
        out.append("count=%s\t%d" % (k, r["counts"][k]))
    out.append("end")
    return ("\n".join(out) + "\n").encode()


def period_end(period, tz):
    """The local midnight after the period, in UTC."""
    kind, _, when = period.partition(":")
    parts = [int(x) for x in when.split("-")]
    if kind == "day":
        d = datetime.date(*parts) + datetime.timedelta(days=1)
    elif kind == "month":
        y, m = parts
        d = datetime.date(y + m // 12, m % 12 + 1, 1)
    else:
        d = datetime.date(parts[0] + 1, 1, 1)
    local = datetime.datetime(d.year, d.month, d.day, tzinfo=zoneinfo.ZoneInfo(tz))
    return local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sums(recs, first, last):
    """What a closing of first..last holds: per rate, per method, total, training, counts."""
    taxes, pays, counts, total, training = {}, {}, {}, 0, 0
    for r in recs:
        if not first <= r["seq"] <= last:
            continue
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
        if r["kind"] == "TRAINING":
            training += r["total"]
        if r["kind"] not in MOVES:
            continue
        total += r["total"]
        for t in r["taxes"]:
            g, x = taxes.get(t["rate"], (0, 0))
            taxes[t["rate"]] = (g + t["gross"], x + t["tax"])
        for p in r["payments"]:
            pays[p["method"]] = pays.get(p["method"], 0) + p["amount"]
    return taxes, pays, counts, total, training


def check_closing(r, recs, tz, day_closes, problems):
    if r["period_end"] != period_end(r["period"], tz):
        problems.append("period_end %s, the period ends at %s in %s" % (r["period_end"], period_end(r["period"], tz), tz))
    if r["period"].startswith("day:"):
        want = (day_closes[-1]["seq"] + 1 if day_closes else 1, r["seq"] - 1)
    else:  # month or year: from its first day closing's first record to its last day closing
        prefix = "day:" + r["period"].split(":")[1] + ("-" if r["period"].startswith("month:") else "")
        days = [c for c in day_closes if c["period"].startswith(prefix)]
        want = (days[0]["first_seq"], days[-1]["seq"]) if days else (r["seq"], r["seq"] - 1)
    if (r["first_seq"], r["last_seq"]) != want:
        problems.append("covers %d..%d, not %d..%d" % (r["first_seq"], r["last_seq"], *want))
    taxes, pays, counts, total, training = sums(recs, r["first_seq"], r["last_seq"])
    got_t = {t["rate"]: (t["gross"], t["tax"]) for t in r["taxes"]}
    got_p = {p["method"]: p["amount"] for p in r["payments"]}
    if (got_t, got_p, r.get("counts", {}), r["total"], r["training"]) != (taxes, pays, counts, total, training):
        problems.append("the closing does not add up")


def main(path):
    store, tz, recs = (load_csv_set if os.path.isdir(path) or path.endswith("manifest.csv") else load_json)(path)
    recs = sorted(recs, key=lambda r: r["seq"])
    prev, gt, cur, keys, bad, day_closes, closings = "0" * 64, 0, None, {}, 0, [], 0
    for i, r in enumerate(recs):
        problems = []
        key, der = der_of(r["public_key"]) if "public_key" in r else (None, b"")
        b = body(store, r, der.hex())
        h = hashlib.sha256(b).digest()
        seal = "ENT1|%s|%d|%s|%s|%d|%s|%s" % (store, r["seq"], r["kind"], r["time"], r["total"], r["currency"], b64(h))
        sig = bytes.fromhex(r["signature"])
        if r["seq"] != i + 1:
            problems.append("seq %d where %d belongs" % (r["seq"], i + 1))
        if h.hex() != r["hash"] or r["prev_hash"] != prev:
            problems.append("hash or chain")
        if key is not None and r["kind"] in ("START", "EVENT"):
            cur = hashlib.sha256(der).hexdigest()
            keys[cur] = key
        if r["key_id"] != cur or cur is None:
            problems.append("not signed by the current key")
        else:
            try:
                keys[cur].verify(utils.encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                                            int.from_bytes(sig[32:], "big")),
                                 seal.encode(), ec.ECDSA(hashes.SHA256()))
            except Exception:
                problems.append("bad signature")
        if r["kind"] in MOVES:
            gt += r["total"]
        if r["grand_total"] != gt or r["qr"] != seal + "|" + b64(sig):
            problems.append("grand total or QR payload")
        if r["kind"] == "KEY":  # hands over after itself
            cur = hashlib.sha256(der).hexdigest()
            keys[cur] = key
        if r["kind"] == "CLOSE":
            closings += 1
            check_closing(r, recs, tz, day_closes, problems)
            if r["period"].startswith("day:"):
                day_closes.append(r)
        if problems:
            print("%d: %s" % (r["seq"], "; ".join(problems)))
            bad += 1
        prev = h.hex()
    print("independent verifier: %d records, %d closings, %d bad" % (len(recs), closings, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
