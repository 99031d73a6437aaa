#!/usr/bin/env python3
"""Server-Sent Events (GET /api/v1/events): a write by another client is
seen on the stream after its commit, a refused write never; ids go up and
Last-Event-ID resumes where the client left off, or says "reset" when that
cannot be done; keep-alive comments; a token or session is needed; the
number of streams is limited; SIGTERM ends open streams and the server exits
0. Each wait is a read on the stream with a timeout, never a sleep."""
import http.client
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import serve_lib as L  # noqa: E402
from serve_lib import check  # noqa: E402

L.make_store()
srv = L.Server("--threads", "2", "--events-keepalive", "1")
TOK = L.make_tokens()
V1 = "/api/v1/"


class Stream:
    """One event stream, read a line at a time."""

    def __init__(self, token=None, last=None):
        self.c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
        h = {"Accept": "text/event-stream"}
        if token:
            h["Authorization"] = "Bearer " + token
        if last is not None:
            h["Last-Event-ID"] = str(last)
        self.c.request("GET", V1 + "events", headers=h)
        self.r = self.c.getresponse()
        self.status = self.r.status
        self.ctype = self.r.getheader("Content-Type", "")

    def next(self, want_comment=False):
        """The next event as (id, type, data), or the next comment."""
        ev = {}
        while True:
            line = self.r.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if line.startswith(":") and want_comment:
                return line
            if line == "":
                if "event" in ev or "data" in ev:
                    return ev.get("id"), ev.get("event"), json.loads(ev.get("data", "null"))
                continue
            k, _, v = line.partition(": ")
            ev[k] = v

    def close(self):
        self.c.close()


def adjust(delta, token=TOK["stock-clerk"]):
    st, _, b = srv.req("POST", V1 + "stock/adjust",
                       {"product": L.PEN, "lot": "P1", "location": "S2", "delta": delta, "reason": "found" if delta > 0 else "loss"}, token=token)
    if st != 200 and delta > -10 ** 6:
        print("adjust:", st, b)
    return st


# No stream without a token or session.
st, _, b = srv.req("GET", V1 + "events")
check(st == 401, f"events without a token: {st}")

for role in L.ROLES:  # the role table's row for the stream: any user
    x = Stream(TOK[role])
    check(x.status == 200, f"{role} may follow the events: {x.status}")
    x.close()
st, _, b = srv.req("GET", V1 + "events", token="ent_" + "A" * 43)
check(st == 401, f"events with an unknown token: {st}")

s = Stream(TOK["auditor"])
check(s.status == 200 and s.ctype.startswith("text/event-stream"), f"stream: {s.status} {s.ctype}")
check(adjust(-1) == 200, "a write")
e1 = s.next()
check(e1 is not None and e1[1] == "stock" and e1[2].get("product") == L.PEN
      and e1[2].get("by") == TOK["users"]["stock-clerk"], f"the write's event: {e1}")

# A refused write publishes nothing: the next event is the next good write.
check(adjust(-10 ** 9) == 409, "a refused write")
check(adjust(+1) == 200, "another write")
e2 = s.next()
check(e2 is not None and int(e2[0]) == int(e1[0]) + 1 and e2[2].get("location") == "S2",
      f"the refused write left no event: {e1} then {e2}")

# A price change is published as "price" (clients showing prices refetch).
st, _, b = srv.req("PATCH", V1 + "products/" + L.PEN, {"price": 1234}, token=TOK["manager"])
check(st == 200, f"a price change: {st} {b}")
e3 = s.next()
check(e3 is not None and e3[1] == "price" and e3[2].get("product") == L.PEN
      and e3[2].get("by") == TOK["users"]["manager"], f"the price change's event: {e3}")

# Keep-alive: an idle stream gets a comment (--events-keepalive 1).
c = s.next(want_comment=True)
check(c == ": keep-alive", f"keep-alive comment: {c!r}")
s.close()

# Resume: the events after Last-Event-ID, in order.
check(adjust(-2) == 200 and adjust(-3) == 200, "two writes while away")
s = Stream(TOK["cashier"], last=e2[0])
a, b = s.next(), s.next()
check(a and b and int(a[0]) == int(e2[0]) + 1 and int(b[0]) == int(e2[0]) + 2, f"resumed: {a} {b}")
s.close()

# An id this run never gave (an earlier run's, or nonsense): reset.
for last in ("1", "x", str(10 ** 18)):
    s = Stream(TOK["cashier"], last=last)
    e = s.next()
    check(e is not None and e[1] == "reset", f"Last-Event-ID {last}: {e}")
    s.close()

# Writes made with the CLI beside the server reach the streams too ("outside":
# true, "by" the operating-system user the CLI records), once each.
s = Stream(TOK["manager"])
L.cli("stock", "receive", "--product", L.MATCHA, "--qty", "12", "--lot", "M1", "--origin", "JP", "--expiry",
      "2035-01-31", "--location", "B1")
e = s.next()
check(e is not None and e[1] == "stock" and e[2].get("product") == "0" + L.MATCHA and e[2].get("location") == "B1"
      and e[2].get("what") == "receive" and e[2].get("outside") is True and e[2].get("by")
      and e[2].get("by") != TOK["users"]["stock-clerk"], f"a CLI stock receive's event: {e}")
# The server's own write is published once: by the writer, not again as from outside.
check(adjust(-1) == 200, "a server write after the CLI's")
w = s.next()
check(w is not None and w[1] == "stock" and w[2].get("by") == TOK["users"]["stock-clerk"] and "outside" not in w[2],
      f"the server's own event: {w}")
L.cli("stock", "adjust", "--product", L.MATCHA, "--lot", "M1", "--location", "B1", "--qty", "2", "--reason", "damage")
e = s.next()
check(e is not None and e[2].get("outside") is True and e[2].get("what") == "adjust" and int(e[0]) == int(w[0]) + 1,
      f"the next event is the CLI's adjustment, the server's write was not published twice: {e}")

# A price change with the CLI: "price", and the labels it queued.
L.cli("product", "edit", L.COLA, "--price", "4.00")
e, q = s.next(), s.next()
check(e is not None and e[1] == "price" and e[2].get("product") == "0" + L.COLA and e[2].get("outside") is True,
      f"a CLI price change's event: {e}")
check(q is not None and q[1] == "labels" and q[2].get("what") == "queued" and q[2].get("product") == "0" + L.COLA,
      f"the label it queued: {q}")

# The label queue: a clear is an event.
st = srv.req("DELETE", V1 + "labels/queue", token=TOK["label-clerk"])[0]
e = s.next()
check(st == 200 and e and e[1] == "labels" and e[2].get("queue") == "cleared", f"queue event: {st} {e}")

check(srv.stop() == 0, "the server stops")

# At most --events-max streams: the next is 503 with Retry-After. (A stream
# the client closed holds its place until the next keep-alive finds it gone.)
srv = L.Server("--threads", "2", "--events-max", "3")
s = Stream(TOK["auditor"])
more = [Stream(TOK["auditor"]) for _ in range(2)]
check(all(x.status == 200 for x in more), "three streams")
extra = Stream(TOK["auditor"])
check(extra.status == 503 and extra.r.getheader("Retry-After"), f"a fourth stream: {extra.status}")
extra.close()

# SIGTERM with streams open: they end, the server exits 0.
t0 = time.monotonic()
check(srv.stop(signal.SIGTERM) == 0, "the server stops with streams open")
check(time.monotonic() - t0 < 20, "and does not wait for the streams")
for x in [s] + more:
    x.close()
check("/api/v1/events 200" in srv.log_text(), "the stream is in the log")
L.finish()
