#!/usr/bin/env python3
"""Payments kept with the basket, and receipts on a network printer.

Pending payments (POST /counters/C/basket/payments, DELETE .../payments/N):
added, seen by GET (a reload of the till), refused when the basket's
rules refuse them (an unknown method, a card above what is due, an empty
basket), removed, and used by a pay that sends none. They are kept with the
basket (schema 22, who added them recorded): the server is killed (SIGKILL)
with a split payment held, started again, and the sale is finished with the
payments read back; the paid basket holds none.

A network receipt printer (--receipt-printers NAME=tcp://HOST:PORT): a
listener this test starts on loopback takes the receipt after pay and its
bytes are checked (ESC @ first, the GB18030 name, the cut GS V last); a
printer that does not answer (a closed port) is named in the answer and the
sale stands; bad tcp:// specs are refused at start."""
import os
import signal
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

V1 = "/api/v1/"


class Listener:
    """A stand-in for a network printer's raw port: takes connections on
    loopback and keeps each one's bytes, read until the sender closes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.jobs = []
        self.done = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            data = b""
            c.settimeout(20)
            try:
                while True:
                    b = c.recv(65536)
                    if not b:
                        break
                    data += b
            except OSError:
                pass
            c.close()
            self.jobs.append(data)
            self.done.set()

    def close(self):
        self.sock.close()


def closed_port():
    """A loopback port nobody listens on: bound and kept bound without
    listening, so that a connection to it is refused and no other socket
    (another test's, or the server's own outgoing one connecting to itself
    from that port) can take it while the test runs."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


L.make_store()

# ---- bad tcp:// specs are refused at start, exit 2, naming the printer
for spec in ("N1=tcp://127.0.0.1", "N1=tcp://127.0.0.1:0", "N1=tcp://127.0.0.1:70000", "N1=tcp://:9100",
             "N1=tcp://127.0.0.1:91x"):
    p = L.cli("serve", "--receipt-printers", spec, ok=False)
    check(p.returncode == 2 and "'N1'" in p.stderr and "tcp://HOST:PORT" in p.stderr,
          f"a bad network printer {spec}: {p.returncode} {p.stderr}")

lp = Listener()
dead_sock, DEAD = closed_port()
PRINTERS = ("--threads", "2", "--receipt-printers", f"NET=tcp://127.0.0.1:{lp.port},DEAD=tcp://127.0.0.1:{DEAD}")
srv = L.Server(*PRINTERS)
TOK = L.make_tokens(srv)
CASH, CLERK = TOK["cashier"], TOK["stock-clerk"]
B = V1 + "counters/P1/basket"


def req(method, path, body=None, token=CASH):
    return srv.req(method, path, body, token=token)


st, _, b = req("GET", V1 + "receipt-printers")
check(st == 200 and b == {"printers": ["NET", "DEAD"]}, f"network printers listed by name only: {st} {b}")

# ---- pending payments
st, _, b = req("POST", B, {})
check(st == 201 and b.get("payments") == [], f"a new basket has no payments: {st} {b}")
before = L.dump()
st, _, b = req("POST", B + "/payments", {"method": "cash", "amount": 1000})
check(st == 422 and L.err_field(b) == "method" and L.dump() == before, f"nothing due yet: refused {st} {b}")
st, _, b = req("POST", B + "/lines", {"code": L.NUTELLA})
total = b["total"]
rows = L.query("SELECT * FROM basket_line")
st, _, b = req("POST", B + "/payments", {"method": "cash", "amount": 1000})
CN = TOK["users"]["cashier"]
check(st == 201 and b["payments"] == [{"n": 1, "method": "cash", "amount": 1000, "added_by": CN}], f"cash added: {st} {b}")
kept = L.dump()
for body, want, field in (({"method": "cheque", "amount": 100}, 422, "method"),
                          ({"method": "card", "amount": total}, 422, "method"),  # 10.00 cash + all of it by card
                          ({"amount": 100}, 422, "method"),
                          ({"method": "card", "amount": "1"}, 422, "amount"),
                          ({"method": "card", "amount": 1, "x": 1}, 422, "x")):
    st, _, e = req("POST", B + "/payments", body)
    check(st == want and L.err_field(e) == field and L.dump() == kept, f"a bad payment {body}: {st} {e}")
for path, method in (("/payments/0", "DELETE"), ("/payments/9", "DELETE"), ("/payments/x", "DELETE"),
                     ("/payments/1", "PATCH")):
    st, _, e = req(method, B + path)
    check(st == 404, f"{method} {path}: {st} {e}")
st, _, e = req("POST", B + "/payments", {"method": "cash", "amount": 500}, token=TOK["manager"])
check(st == 409 and "basket open by" in e["error"]["message"], f"another user's basket: {st} {e}")
st, _, e = req("POST", B + "/payments", {"method": "cash"}, token=CLERK)
check(st == 403, f"a stock clerk may not: {st} {e}")
st, _, b = req("POST", B + "/payments", {"method": "card"})  # the rest by card
check(st == 201 and [p["method"] for p in b["payments"]] == ["cash", "card"], f"the rest by card: {st} {b}")
st, _, b = req("GET", B)  # a reload of the till
check(st == 200 and b["payments"] == [{"n": 1, "method": "cash", "amount": 1000, "added_by": CN},
                                      {"n": 2, "method": "card", "amount": 0, "added_by": CN}],
      f"a reload sees them: {st} {b}")
check(L.query("SELECT * FROM basket_line") == rows, "the basket's lines are unchanged by its payments")
check(L.query("SELECT method, amount, added_by FROM basket_payment ORDER BY id") == [("cash", 1000, CN), ("card", 0, CN)]
      and L.query("SELECT updated_by FROM basket") == [(CN,)],
      "the payments are kept with the basket, who added them recorded")
st, _, b = req("DELETE", B + "/payments/1")
check(st == 200 and b["payments"] == [{"n": 1, "method": "card", "amount": 0, "added_by": CN}],
      f"the cash taken back: {st} {b}")
check(L.query("SELECT method FROM basket_payment") == [("card",)], "and gone from the database")
st, _, e = req("DELETE", B + "/payments/2")
check(st == 404, f"no payment 2 now: {st} {e}")
req("DELETE", B + "/payments/1")
kept = L.dump()
st, _, e = req("POST", B + "/pay", {})
check(st == 422 and L.err_field(e) == "payments" and L.dump() == kept, f"nothing to pay with: {st} {e}")
st, _, e = req("POST", B + "/pay", {"payments": []})
check(st == 422 and L.err_field(e) == "payments", f"an empty list: {st} {e}")
req("POST", B + "/payments", {"method": "cash", "amount": 2000})
req("POST", B + "/payments", {"method": "wallet"})
st, _, held = req("GET", B)

# ---- the server killed mid-basket, with the split payment held: both read back
srv.p.send_signal(signal.SIGKILL)
srv.p.wait()
srv.p.stdout.close()
srv.log.close()
srv = L.Server(*PRINTERS)
st, _, b = req("GET", B)
check(st == 200 and b["payments"] == held["payments"] and len(held["payments"]) == 2 and b["lines"] == held["lines"]
      and b["due"] == held["due"], f"after a restart the basket holds its lines and payments: {st} {b} vs {held}")
# ---- pay with the held payments, the receipt to the network printer
st, _, s = req("POST", B + "/pay", {"printer": "NET", "columns": 32})
check(st == 201 and s.get("printed", {}).get("printer") == "NET", f"paid with the held payments, printed: {st} {s}")
pays = L.query("SELECT p.method, p.amount FROM sale_pay p JOIN sale s ON s.id = p.sale_id WHERE s.receipt = ? "
               "ORDER BY p.method", s.get("receipt"))
check(pays == [("cash", 2000), ("wallet", total - 2000)], f"the sale's payments are the held ones: {pays}")
st, _, b = req("GET", B)
check(st == 200 and b["payments"] == [] and b["lines"] == [], f"the paid basket holds no payments: {st} {b}")
check(L.query("SELECT count(*) FROM basket_payment") == [(0,)], "the sale removed the kept payments")
check(lp.done.wait(10), "the printer got a connection")
paper = lp.jobs[0] if lp.jobs else b""
check(len(paper) == s.get("printed", {}).get("bytes") and paper.startswith(b"\x1b@")
      and "榛子可可酱".encode("gb18030") in paper and b"\x1dV" in paper[-8:] and b"REPRINT" not in paper,
      f"the printer's bytes: ESC @ ... the name ... GS V (cut): {len(paper)} {paper[:8]!r} {paper[-8:]!r}")
lp.done.clear()
st, _, c = req("POST", V1 + f"sales/{s['receipt']}/print", {"printer": "NET"})
check(st == 200 and lp.done.wait(10) and len(lp.jobs) == 2 and b"REPRINT" in lp.jobs[1], f"a copy on the network: {st} {c}")

# ---- a printer that does not answer: named, the sale stands
st, _, c = req("POST", V1 + f"sales/{s['receipt']}/print", {"printer": "DEAD"})
check(st == 502 and L.err_code(c) == "printer" and "'DEAD' does not answer" in c["error"]["message"],
      f"a copy to a printer that does not answer: {st} {c}")
req("POST", B + "/lines", {"code": L.COLA})
req("POST", B + "/payments", {"method": "cash"})
st, _, s2 = req("POST", B + "/pay", {"printer": "DEAD"})
check(st == 201 and "DEAD" in s2.get("print_error", "") and "does not answer" in s2.get("print_error", "")
      and "printed" not in s2 and L.query("SELECT count(*) FROM sale WHERE receipt = ?", s2.get("receipt")) == [(1,)],
      f"the printer not answering after pay: the sale stands, the answer says so: {st} {s2}")
check(srv.stop() == 0, "the server stops")
lp.close()
dead_sock.close()
check(L.cli("check", ok=False).returncode == 0, "check is clean after")
L.finish()
