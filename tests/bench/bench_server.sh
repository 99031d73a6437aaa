#!/usr/bin/env bash
# The store server under wrk, each figure beside its floor measured in the
# same run (not in ctest; short runs):
#  1. GTIN lookup over keep-alive, 64 connections, beside the health route;
#  2. checkouts from 16 counters (five lines each) beside the bare
#     single-row durable SQLite commit rate on the same disk;
#  3. resident memory with 200 open connections.
#   tests/bench/bench_server.sh ENTREPOT_BIN [SECONDS]
# BENCH_OUTBOX=off (a measuring switch, never for a store): the outbox
# triggers of schema 17 are dropped from the bench's own database first, to
# measure what head office's outbox costs a sale (nothing is synced then).
set -euo pipefail
bin=$(realpath "$1")
secs=${2:-5}
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
db=$dir/store.db

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" --db "$db" demo --commodities 8000 >/dev/null
"$bin" --db "$db" location add BENCH --kind shelf >/dev/null
codes=(3017620422003 5000112548167 4006381333931 4901234567894 8712345678906)
for c in "${codes[@]}"; do
    "$bin" --db "$db" product add --gtin "$c" --name-zh "基准 $c" --price 1.00 --tax-rate 13 >/dev/null
    "$bin" --db "$db" stock receive --product "$c" --qty 1000000000 --lot "B$c" --origin FR --location BENCH >/dev/null
done
printf "%s\n" "bench-password-1" | "$bin" --db "$db" user add bench --role manager --password-stdin >/dev/null
token=$("$bin" --db "$db" token add --user bench --device bench 2>/dev/null)
if [ "${BENCH_OUTBOX:-on}" = off ]; then
    sqlite3 "$db" "$(sqlite3 "$db" "SELECT group_concat('DROP TRIGGER ' || name, '; ') FROM sqlite_master
                                    WHERE type = 'trigger' AND name LIKE 'sync\_%' ESCAPE '\' AND name NOT LIKE 'sync\_outbox\_%' ESCAPE '\'")"
    echo "outbox triggers: off ($(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync%'") left: the outbox's own guards)"
fi

mkfifo "$dir/ready"
t0=$(date +%s%N)
"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads 2 >"$dir/ready" 2>"$dir/log" &
pid=$!
read -r line <"$dir/ready"
t1=$(date +%s%N)
echo "start: $(( (t1 - t0) / 1000000 )) ms from exec to \"$line\" (target < 1 s)"
port=${line##*:}
url=http://127.0.0.1:$port/api/v1
gtin=$(sqlite3 "$db" "SELECT gtin FROM product WHERE gtin IS NOT NULL AND gtin != '' LIMIT 1 OFFSET 4000")

rate() { sed -n 's/^Requests\/sec: *//p'; }
bad() { sed -n 's/^ *Non-2xx or 3xx responses: *//p' | grep . || echo 0; }
p99() { awk '$1 == "99%" { print $2 }'; }
wrk -t2 -c64 -d"${secs}s" --latency "$url/health" >"$dir/health"
wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url/products/$gtin" >"$dir/gtin"
h=$(rate <"$dir/health") g=$(rate <"$dir/gtin")
echo "health:        $h req/s, p99 $(p99 <"$dir/health"), non-2xx $(bad <"$dir/health")"
echo "GTIN lookup:   $g req/s, p99 $(p99 <"$dir/gtin"), non-2xx $(bad <"$dir/gtin") (target >= 10000 req/s, p99 < 10 ms)"
echo "lookup/health: $(awk -v g="$g" -v h="$h" 'BEGIN { printf "%.2f", g / h }')"

# The floor: one row per durable transaction, as fast as SQLite goes here.
floor=$(python3 - "$dir/bare.db" "$secs" <<'EOF'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=FULL")
con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
n, t0 = 0, time.monotonic()
while time.monotonic() - t0 < float(sys.argv[2]):
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO t(v) VALUES ('sale')")
    con.execute("COMMIT")
    n += 1
print(f"{n / (time.monotonic() - t0):.0f}")
EOF
)
before=$(sqlite3 "$db" "SELECT count(*) FROM sale")
cat >"$dir/sale.lua" <<EOF
local n = 0
request = function()
  n = n + 1
  local body = '{"counter":"W' .. (n % 16) .. '","lines":[{"code":"${codes[0]}"},{"code":"${codes[1]}"},' ..
    '{"code":"${codes[2]}"},{"code":"${codes[3]}"},{"code":"${codes[4]}"}],"payments":[{"method":"cash"}]}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, body)
end
EOF
# CPU time of each server thread (ns, /proc schedstat), before and after:
# what a sale costs the writer thread does not depend on the machine's load
# the way the rate does.
cpu() { for t in /proc/"$pid"/task/*; do echo "${t##*/} $(cut -d' ' -f1 "$t/schedstat")"; done; }
cpu >"$dir/cpu0"
wrk -t2 -c16 -d"${secs}s" --latency -s "$dir/sale.lua" "$url/sales" >"$dir/sales"
cpu >"$dir/cpu1"
s=$(rate <"$dir/sales")
non2xx=$(bad <"$dir/sales")
echo "bare durable single-row commits: $floor /s"
echo "checkouts, 16 counters x 5 lines: $s sales/s, p99 $(p99 <"$dir/sales"), non-2xx $non2xx (target >= the bare rate, p99 < 20 ms)"
echo "sales/bare commits: $(awk -v s="$s" -v f="$floor" 'BEGIN { printf "%.2f", s / f }')"
sold=$(( $(sqlite3 "$db" "SELECT count(*) FROM sale") - before ))
LC_ALL=C join "$dir/cpu0" "$dir/cpu1" | awk -v n="$sold" '{ d = $3 - $2; all += d; if (d > top) top = d }
    END { printf "CPU per sale: %.0f us in the busiest thread (the writer), %.0f us in the whole server\n",
          top / n / 1000, all / n / 1000 }'

# 200 open connections, each with a request answered and kept alive.
rss=$(python3 - "$port" "$pid" <<'EOF'
import socket, sys
port, pid = int(sys.argv[1]), sys.argv[2]
socks = []
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
for s in socks:
    s.recv(4096)
for line in open(f"/proc/{pid}/status"):
    if line.startswith("VmRSS"):
        print(line.split()[1])
EOF
)
echo "resident memory with 200 open connections: $((rss / 1024)) MB (target < 100 MB)"
kill -TERM "$pid"
wait "$pid" && pid=
tail -1 "$dir/log"
after=$(sqlite3 "$db" "SELECT count(*) FROM sale")
journal=$(sqlite3 "$db" "SELECT count(*) FROM journal WHERE kind = 'SALE'")
echo "sales written: $((after - before)); SALE records in the journal: $journal"
"$bin" --db "$db" check >/dev/null && echo "entrepot check: clean"
