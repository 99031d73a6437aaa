"""Two stores synced to a private head office, and store SH01's server
reading head office's chain-wide views as a reader role (serve --hq-read):
the setting of tests/hq/test_hq_views.py (the API) and
tests/web/test_web_hq.py (the page 总部). Known figures: SH01 has the
shared test store's stock (serve_lib.make_store: 榛子可可酱 IT 5000, 可口可乐
GB 5000, Pen DE 5000) and sells 榛子可可酱 twice; SH02 receives 榛子可可酱
(IT, 40, expiring in 10 days) and 可口可乐 (GB, 20) and sells one of each.
Each store records a door count (SH01 50 people in, SH02 20)."""
import datetime
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
import hq_lib as H  # noqa: E402
import serve_lib as L  # noqa: E402

SOON = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
VISITORS = {"SH01": 50, "SH02": 20}


def must(p, what):
    if p.returncode != 0:
        raise SystemExit(f"setup: {what}: {p.stderr}")
    return p


class Chain:
    def __init__(self):
        self.C = C = H.Cluster()
        self.db = {"SH01": L.DB, "SH02": os.path.join(C.dir, "sh02.db")}
        self.passfile = {code: os.path.join(C.dir, code.lower() + ".pass") for code in self.db}
        must(H.entrepot("hq", "init", "--pg", C.admin), "hq init")
        for code, name in (("SH01", "上海旗舰店"), ("SH02", "苏州店")):
            must(H.entrepot("hq", "store", "add", code, "--name", name, "--pg", C.admin, "--password-file",
                            self.passfile[code]), f"store add {code}")
        self.reader_pass = os.path.join(C.dir, "reader.pass")
        must(H.entrepot("hq", "reader", "add", "web", "--pg", C.admin, "--password-file", self.reader_pass),
             "reader add")
        self.reader_url = C.store_url("SH01").replace("entrepot_store_sh01", "entrepot_reader_web")
        L.make_store()
        self.tok = L.make_tokens()
        db2 = self.db["SH02"]
        for args in (("init", "--store", "SH02", "--name", "苏州店"), ("location", "add", "S1", "--kind", "shelf"),
                     ("product", "add", "--gtin", L.NUTELLA, "--name-zh", "榛子可可酱", "--price", "39.90",
                      "--tax-rate", "13"),
                     ("product", "add", "--gtin", L.COLA, "--name-zh", "可口可乐", "--price", "3.50",
                      "--tax-rate", "9"),
                     ("stock", "receive", "--product", L.NUTELLA, "--qty", "40", "--lot", "S2N", "--origin", "IT",
                      "--expiry", SOON, "--location", "S1"),
                     ("stock", "receive", "--product", L.COLA, "--qty", "20", "--lot", "S2K", "--origin", "GB",
                      "--expiry", "2035-01-01", "--location", "S1")):
            must(H.entrepot(*args, db=db2), " ".join(args[:2]))
        for code, codes in (("SH01", (L.NUTELLA, L.NUTELLA)), ("SH02", (L.NUTELLA, L.COLA))):
            for gtin in codes:
                must(H.entrepot("sale", "--counter", "C1", "--cashier", "王芳", "--pay", "card", gtin,
                                db=self.db[code]), f"sale {code}")
        start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:00:00Z")
        for code, n in VISITORS.items():
            must(H.entrepot("flow", "record", "--start", start, "--in", str(n), "--out", "3", "--sensor", "D1",
                            db=self.db[code]), f"flow {code}")
        for code in self.db:
            self.sync(code)

    def sync(self, code):
        must(H.entrepot("sync", "--pg", self.C.store_url(code), "--password-file", self.passfile[code],
                        db=self.db[code]), f"sync {code}")

    def server(self, *args):
        """SH01's server reading head office as the reader (args: more options)."""
        return L.Server("--threads", "2", "--hq-read", self.reader_url, "--hq-read-password-file", self.reader_pass,
                        *args)

    def report(self, *args):
        """`entrepot --json hq report ...` as head office's administrator: the rows."""
        import json
        p = must(H.entrepot("--json", "hq", "report", *args, "--pg", self.C.admin), f"hq report {args}")
        return json.loads(p.stdout or "[]")
