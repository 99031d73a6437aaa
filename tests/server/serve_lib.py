"""Helpers for the server tests: a store made with the CLI, a server started
on 127.0.0.1 port 0 (its real port read from its "listening on" line: no
race, no sleep), requests with http.client, and a small pass/fail tally."""
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

ENTREPOT = os.environ["ENTREPOT"]
WORK = tempfile.mkdtemp(prefix="ent-serve-")
DB = os.path.join(WORK, "store.db")
PASS = 0
FAIL = 0

# GTINs with valid check digits.
NUTELLA, COLA, PEN, MATCHA, SCRIPT = "3017620422003", "5000112548167", "4006381333931", "4901234567894", "8712345678906"
SCRIPT_NAME = "<script>alert('x')</script> 奶酪"
PASSWORD = "correct horse 1"
ROLES = ["cashier", "supervisor", "stock-clerk", "label-clerk", "manager", "auditor"]


def check(cond, what):
    global PASS, FAIL
    if cond:
        PASS += 1
    else:
        FAIL += 1
        print("FAIL:", what, flush=True)
    return cond


def finish():
    print(f"{PASS} passed, {FAIL} failed")
    shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(1 if FAIL else 0)


def cli(*args, env=None, ok=True, stdin=None):
    e = dict(os.environ)
    e.pop("ENTREPOT_NOW", None)
    if env:
        e.update(env)
    p = subprocess.run([ENTREPOT, "--db", DB, *args], capture_output=True, text=True, env=e, input=stdin)
    if ok and p.returncode != 0:
        raise SystemExit(f"setup failed: entrepot {' '.join(args)}: {p.stderr}")
    return p


def dump():
    """The database as SQL text, to show that a refusal changed nothing.
    A token's or session's last use is left out: the server records it on
    its writer after answering the request that used the credential
    (writer_touch, at most once a minute), so it may land during a later
    request; it is the credential's access record, not what a request wrote."""
    src = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    con = sqlite3.connect(":memory:")
    try:
        src.backup(con)
        con.execute("UPDATE api_token SET last_used = NULL")
        con.execute("UPDATE user_session SET last_seen = created_at")
        return "\n".join(con.iterdump())
    finally:
        con.close()
        src.close()


def query(sql, *args):
    con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def make_store():
    cli("init", "--store", "SH01", "--name", "测试商店")
    for code, kind in (("S1", "shelf"), ("S2", "shelf"), ("B1", "backroom"), ("Q1", "quarantine")):
        cli("location", "add", code, "--kind", kind)
    cli("product", "add", "--gtin", NUTELLA, "--name-zh", "榛子可可酱", "--price", "39.90", "--tax-rate", "13")
    cli("product", "add", "--gtin", COLA, "--name-zh", "可口可乐", "--price", "3.50", "--tax-rate", "9")
    cli("product", "add", "--gtin", PEN, "--name-en", "Pen", "--price", "8.50", "--tax-rate", "13")
    cli("product", "add", "--gtin", MATCHA, "--name-zh", "抹茶", "--price", "25.00", "--tax-rate", "13")
    cli("product", "add", "--gtin", SCRIPT, "--name-zh", SCRIPT_NAME, "--price", "60.00", "--tax-rate", "9")
    cli("stock", "receive", "--product", NUTELLA, "--qty", "5000", "--lot", "N1", "--origin", "IT", "--expiry",
        "2035-06-30", "--location", "S1")
    cli("stock", "receive", "--product", COLA, "--qty", "5000", "--lot", "K1", "--origin", "GB", "--expiry",
        "2035-03-01", "--location", "S1")
    cli("stock", "receive", "--product", PEN, "--qty", "5000", "--lot", "P1", "--origin", "DE", "--location", "S2")


class Server:
    def __init__(self, *args, db=None):
        self.log = open(os.path.join(WORK, "server.log"), "ab")
        e = dict(os.environ)
        e.pop("ENTREPOT_NOW", None)
        self.p = subprocess.Popen([ENTREPOT, "serve", "--db", db or DB, "--listen", "127.0.0.1:0", *args],
                                  stdout=subprocess.PIPE, stderr=self.log, env=e)
        line = self.p.stdout.readline().decode()
        if not line.startswith("listening on 127.0.0.1:"):
            raise SystemExit(f"the server did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])

    def conn(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def req(self, method, path, body=None, token=None, cookie=None, csrf=None, raw=None, ctype="application/json",
            headers=None, conn=None):
        """(status, headers dict, parsed JSON or text)."""
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
        if data is not None and ctype:
            h["Content-Type"] = ctype
        if token:
            h["Authorization"] = "Bearer " + token
        if cookie:
            h["Cookie"] = cookie
        if csrf:
            h["X-CSRF-Token"] = csrf
        c = conn or self.conn()
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if conn is None:
            c.close()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return r.status, hdrs, parsed

    def stop(self, sig=signal.SIGTERM):
        self.p.send_signal(sig)
        rc = self.p.wait(timeout=60)
        self.p.stdout.close()
        self.log.close()
        return rc

    def log_text(self):
        with open(os.path.join(WORK, "server.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")


def err_code(body):
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def err_field(body):
    return body.get("error", {}).get("field") if isinstance(body, dict) else None


def err_facts(body):
    return (body.get("error", {}).get("facts") or {}) if isinstance(body, dict) else {}


def make_tokens(srv=None):
    """A user per role (named after it, password PASSWORD) and an API token
    for each, made with the CLI. Cheap scrypt for the tests (the setting the
    library documents for slow devices and tests)."""
    con = sqlite3.connect(DB)
    con.execute("INSERT OR REPLACE INTO setting(key, value) VALUES ('password.scrypt_log2n', '10')")
    con.commit()
    con.close()
    t = {"users": {}}
    for r in ROLES:
        name = r + ".1"
        if not query("SELECT 1 FROM user_account WHERE name = ?", name):
            cli("user", "add", name, "--role", r, "--display", "用户 " + r, "--password-stdin", stdin=PASSWORD + "\n")
        t[r] = cli("token", "add", "--user", name, "--device", "test " + r).stdout.strip()
        t["users"][r] = name
    return t
