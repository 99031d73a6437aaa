#!/usr/bin/env bash
# Hostile input for the database and its files: --db values that are not an
# entrepot database, init and demo refusals that must leave no file behind,
# outputs aimed at the database, its WAL or its key, and output that cannot
# be written (full disk, closed pipe). Every refusal names the value and
# leaves every file as it was.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
DB=$ENTREPOT_DB
export ENTREPOT_NOW=2025-06-01T08:00:00Z
export ENTREPOT_TODAY=2025-06-01
cd "$WORK" || exit 1

# untouched FILE STATUS "message" -- ARGS...: like expect, and FILE (which
# is not the test database) must be byte for byte the same afterwards, with
# no -wal, -shm or -journal made beside it that was not there before.
untouched() {
    local file=$1 before after beside
    shift
    beside=$(ls -d "$file"-wal "$file"-shm "$file"-journal 2>/dev/null)
    before=$(if [ -d "$file" ]; then ls -A "$file"; else cksum <"$file"; fi)
    expect "$@"
    after=$(if [ -d "$file" ]; then ls -A "$file"; else cksum <"$file"; fi)
    if [ "$before" != "$after" ]; then
        fail "entrepot ${*:4}: $file changed"
    elif [ "$beside" != "$(ls -d "$file"-wal "$file"-shm "$file"-journal 2>/dev/null)" ]; then
        fail "entrepot ${*:4}: files were made beside $file"
    else
        ok
    fi
}

# nothing_made DIR STATUS "message" -- ARGS...: like expect, run in the empty
# folder DIR, which must still be empty afterwards.
nothing_made() {
    local dir=$1 left
    shift
    (cd "$dir" && expect "$@"; exit "$FAIL") || FAIL=$((FAIL + 1))
    left=$(ls -A "$dir")
    if [ -n "$left" ]; then
        fail "entrepot ${*:4}: left behind: $left"
        rm -rf "${dir:?}"/* "${dir:?}"/.[!.]*
    else
        ok
    fi
    PASS=$((PASS + 1))
}

# full STATUS "message" -- ARGS...: standard output is a full disk.
full() {
    local want=$1 text=$2 out status
    shift 3
    out=$("$E" "$@" 2>&1 >/dev/full)
    status=$?
    if [ "$status" -ne "$want" ] || [[ "$out" != *"$text"* ]]; then
        fail "entrepot $* >/dev/full: exit $status, want $want, output: $out"
    else
        ok
    fi
}

# closed STATUS "message" -- ARGS...: standard output is a pipe whose reader
# has already gone (closed before entrepot starts, so no race).
closed() {
    local want=$1 text=$2 out
    shift 3
    out=$(python3 - "$E" "$@" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
print(p.returncode, p.stderr.decode(errors="replace"))
PY
)
    if [[ "$out" != "$want "*"$text"* ]]; then
        fail "entrepot $* | (closed): want $want and '$text', got: $out"
    else
        ok
    fi
}

"$E" init --store SH01 --name "上海进口商品馆" >/dev/null || fail "init"
"$E" location add A-01 --kind shelf >/dev/null
"$E" product add --gtin 3017620422003 --name-zh 榛子可可酱 --origin IT --net-content "750 g" --price 39.90 >/dev/null
"$E" stock receive --product 3017620422003 --qty 5 --lot L1 --origin IT --declaration 201812345678901234 \
    --expiry 2026-06-01 --location A-01 >/dev/null || fail "receive"

# ---- --db values that are not an entrepot database -------------------------
: >empty.db
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1); PRAGMA user_version = 3;"
printf 'name,price\ntea,1\n' >text.db
mkdir folder.db
cp "$DB" negative.db
sqlite3 negative.db "PRAGMA journal_mode = DELETE; PRAGMA user_version = -3;" >/dev/null
for cmd in "check" "product list" "stock levels" "store show" "store edit --name x --user u" \
    "journal export" "backup b.db" "location add B-01 --kind shelf" "report sales"; do
    # shellcheck disable=SC2086
    {
        untouched empty.db 2 "empty.db is an empty file, not an entrepot database" -- --db empty.db $cmd
        untouched other.db 2 "other.db is an SQLite database of another program, not an entrepot database" -- \
            --db other.db $cmd
        untouched text.db 2 "text.db is not an entrepot database (it is not an SQLite file)" -- --db text.db $cmd
        untouched folder.db 2 "folder.db is a folder, not an entrepot database" -- --db folder.db $cmd
        untouched negative.db 3 "schema version -3, which no entrepot writes" -- --db negative.db $cmd
        nothing_made "$(mktemp -d)" 2 "missing.db: no such database" -- --db missing.db $cmd
    }
done
untouched negative.db 2 "schema version -3, which no entrepot writes" -- --db negative.db journal verify
[ -e b.db ] && fail "a backup was made from a file that is not an entrepot database"
untouched empty.db 2 "empty.db is an empty file, not an entrepot database" -- --db empty.db init --store S --name n
untouched other.db 2 "SQLite database of another program" -- --db other.db init --store S --name n
untouched other.db 2 "SQLite database of another program" -- --db other.db demo --commodities 5
untouched folder.db 2 "is a folder" -- --db folder.db demo --commodities 5
refused 2 "--db needs the path of the database" -- --db
long=$(printf 'x%.0s' {1..5000})
refused 3 "File name too long" -- --db "$long.db" check
# A long Chinese path (2 folders of 60 characters): messages keep whole characters.
zh=$(printf '库%.0s' {1..60})
zh="$zh/$zh"
out=$("$E" --db "$zh/x.db" check 2>&1)
[ $? -eq 2 ] && [[ "$out" == *"x.db: no such database"* ]] && printf '%s' "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null &&
    ok || fail "long Chinese --db: $out"
mkdir -p "$zh" && "$E" --db "$zh/x.db" init --store S --name "${zh:0:60}" >/dev/null 2>&1 && ok || fail "init in $zh"
out=$("$E" --db "$zh/x.db" backup "$zh/x.db" 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null && ok || fail "backup onto itself: $out"
refused 2 "--db needs the path of the database" -- --db= check
refused 2 "--db needs the path of the database" -- --db "" check
refused 2 "--json takes no value" -- --json=1 check
refused 2 "unknown option '--dbx'" -- --dbx check

# ---- init and demo refusals leave nothing behind --------------------------
D=$(mktemp -d)
for tz in Asia/Shangai Asia posix zone.tab Asia/./Shanghai ../x posix/Asia/Shanghai right/UTC /etc/passwd \
    "Asia/Shanghai/" "Asia//Shanghai" " UTC" tzdata.zi; do
    nothing_made "$D" 2 "time zone '$tz' is not a known IANA zone" -- --db new.db init --store S --name n --tz "$tz"
    nothing_made "$D" 2 "time zone '$tz' is not a known IANA zone" -- --db new.db demo --commodities 3 --tz "$tz"
done
nothing_made "$D" 2 "time zone is not valid UTF-8 text" -- --db new.db init --store S --name n --tz $'\xff'
nothing_made "$D" 2 "currency 'XYZ' is not an ISO 4217 code" -- --db new.db init --store S --name n --currency XYZ
nothing_made "$D" 2 "currency is not valid UTF-8 text" -- --db new.db init --store S --name n --currency $'\xff'
nothing_made "$D" 2 "currency is too long" -- --db new.db init --store S --name n --currency EURO
nothing_made "$D" 2 "store code is required" -- --db new.db init --store "" --name n
nothing_made "$D" 2 "store name is not valid UTF-8 text" -- --db new.db init --store S --name $'\xff'
nothing_made "$D" 2 "store name is too long" -- --db new.db init --store S --name "$(printf '%0201d' 0)"
nothing_made "$D" 2 "init needs --store CODE and --name NAME" -- --db new.db init --store S
nothing_made "$D" 2 "--tz needs a value" -- --db new.db init --store S --name n --tz
nothing_made "$D" 2 "--today '2025-02-30' is not a date" -- --db new.db demo --today 2025-02-30
nothing_made "$D" 2 "--today 'tomorrow' is not a date" -- --db new.db demo --today tomorrow
for n in -5 0 x "" 10000001 99999999999999999999 1.5 $'\xff'; do
    nothing_made "$D" 2 "the demo makes from 1 to 10000000 commodities" -- --db new.db demo --commodities "$n"
done
nothing_made "$D" 2 "--seed '-1' must be a whole number" -- --db new.db demo --seed -1
nothing_made "$D" 2 "--store and --name go together" -- --db new.db demo --store S
nothing_made "$D" 2 "currency 'XYZ' is not an ISO 4217 code" -- --db new.db demo --commodities 3 --currency XYZ
# The key's name is taken: the store is not made either.
: >"$D/new.db.key"
expect 2 "already exists: a key file is never overwritten" -- --db "$D/new.db" init --store S --name n
[ "$(ls -A "$D")" = "new.db.key" ] && ok || fail "init with a taken key name left: $(ls -A "$D")"
rm -f "$D/new.db.key"
nothing_made "$D" 2 "--seed 'x' must be a whole number" -- --db new.db demo --seed x
nothing_made "$D" 2 "--seed '99999999999999999999999' is too large: the most is 18446744073709551615" -- --db new.db demo \
    --seed 99999999999999999999999
nothing_made "$D" 2 "unexpected argument 'extra'" -- --db new.db init --store S --name n extra
nothing_made "$D" 2 "unknown option '--bogus'" -- --db new.db demo --bogus
nothing_made "$D" 2 "--no-key takes no value" -- --db new.db init --store S --name n --no-key=1
nothing_made "$D" 2 "missing.pass: No such file or directory" -- --db new.db init --store S --name n \
    --passphrase-file missing.pass
: >"$D/../empty.pass"
nothing_made "$D" 2 "the passphrase is empty" -- --db new.db init --store S --name n \
    --passphrase-file ../empty.pass
# --key naming an existing file (here the test database): refused, nothing made, the file intact.
before=$(sqlite3 "$DB" .dump)
nothing_made "$D" 2 "already exists: a key file is never overwritten" -- --db new.db init --store S --name n \
    --key "$DB"
[ "$before" = "$(sqlite3 "$DB" .dump)" ] && ok || fail "init --key onto the database changed it"
# A folder that does not exist.
expect 3 "nodir/new.db: No such file or directory" -- --db "$D/nodir/new.db" init --store S --name n
# Success leaves the database and its key, and no staging folder.
expect 0 "created" -- --db "$D/ok.db" init --store S --name n --tz Europe/Paris
expect 0 "demo centre ready" -- --db "$D/demo.db" demo --commodities 3 --tz UTC
[ -z "$(ls -A "$D" | grep -v -e '^ok\.db' -e '^demo\.db')" ] && ok || fail "left in $D: $(ls -A "$D")"
expect 0 "Europe/Paris" -- --db "$D/ok.db" store show
expect 0 "\"signing_key\"" -- --json --db "$D/json.db" demo --commodities 3
[ -f "$D/json.db.key" ] && ok || fail "demo --json made no signing key"

# ---- check, backup, store: arguments ---------------------------------------
refused 2 "unexpected argument 'extra'" -- check extra
refused 2 "backup needs the FILE to write" -- backup
refused 2 "too many arguments: at most 1, 'b.db' is one more" -- backup a.db b.db
refused 2 "--replace takes no value" -- backup --replace=1 a.db
refused 2 "no output file given" -- backup ""
refused 2 "store needs show or edit" -- store
refused 2 "store: unknown action 'delete'" -- store delete
refused 2 "unexpected argument 'x'" -- store show x
refused 2 "store edit needs --name, --address or --phone" -- store edit --user 王
refused 2 "unknown option '--currency'" -- store edit --currency EUR --user 王
refused 2 "unknown option '--tz'" -- store edit --tz UTC --user 王
refused 2 "--name needs a value" -- store edit --name
refused 2 "store name is required" -- store edit --name "" --user 王
refused 2 "store name is not valid UTF-8 text" -- store edit --name $'\xff' --user 王
refused 2 "store name is too long: 201 bytes, at most 200" -- store edit --name "$(printf '%0201d' 0)" --user 王
refused 2 "store address is too long: 301 bytes, at most 300" -- store edit --address "$(printf '%0301d' 0)" \
    --user 王
refused 2 "store address holds a control character (byte 2)" -- store edit --address $'a\tb' --user 王
refused 2 "store address is not valid UTF-8 text" -- store edit --address $'\xe4\xb8' --user 王
refused 2 "store phone 'abc' is not a telephone number" -- store edit --phone abc --user 王
refused 2 "store phone '---' is not a telephone number" -- store edit --phone --- --user 王
refused 2 "store phone is too long: 33 characters, at most 32" -- store edit --phone "$(printf '%033d' 0)" --user 王
refused 2 "store phone is not valid UTF-8 text" -- store edit --phone $'\xff' --user 王
refused 2 "user is not valid UTF-8 text" -- store edit --name 新店 --user $'\xff'
refused 2 "user is too long: 65 bytes, at most 64" -- store edit --name 新店 --user "$(printf '%065d' 0)"
USER='' ENTREPOT_USER='' refused 2 "say who makes the change: --user NAME" -- store edit --name 新店
expect 0 "store details changed by 王经理" -- store edit --name 新店 --phone "+86 21 5555 0101" --user 王经理
expect 0 "changed     2025-06-01T08:00:00Z by 王经理" -- store show

# ---- outputs onto the database, its WAL, its key ---------------------------
for target in "$DB" "$DB-wal" "$DB-shm" "$DB.key" "$WORK/./test.db" "../$(basename "$WORK")/test.db"; do
    refused 2 "entrepot will not write over it" -- product export "$target"
    refused 2 "entrepot will not write over it" -- journal export --out "$target"
    refused 2 "entrepot will not write over it" -- backup "$target"
    refused 2 "entrepot will not write over it" -- backup --replace "$target"
    refused 2 "entrepot will not write over it" -- sale --counter C1 --cashier 李 --pay cash --escpos "$target" \
        3017620422003
done
export ENTREPOT_LABELS="${ENT_SOURCE_DIR:-$(dirname "$0")/../..}/labels"
for target in "$DB" "$DB-wal" "$DB.key"; do
    for fmt in pdf png svg zpl; do
        refused 2 "entrepot will not write over it" -- label print --template shelf-60x40 --format $fmt \
            --out "$target" 3017620422003
    done
done
expect 0 "wrote 1 label" -- label print --template shelf-60x40 --format png --out shelf.png 3017620422003
expect 0 "wrote 1 label" -- label print --template shelf-60x40 --format png --out shelf.png 3017620422003
[ "$(ls -A | grep -c shelf)" = 1 ] && ok || fail "label print left temporary files: $(ls -A)"
full 3 "writing to standard output failed" -- label print --template shelf-60x40 --format zpl 3017620422003
# A job of several PNG pages writes lab-1.png, lab-2.png: here lab-1.png is a database.
"$E" --db lab-1.png demo --commodities 3 >/dev/null 2>&1 || fail "demo into lab-1.png"
codes=$("$E" --db lab-1.png --csv product list | awk -F, 'NR > 1 && NR < 4 { print $1 }')
# shellcheck disable=SC2086
untouched lab-1.png 2 "lab-1.png is the database (lab-1.png): entrepot will not write over it" -- --db lab-1.png \
    label print --template shelf-60x40 --format png --out lab.png $codes
ln -s "$DB" link.db
refused 2 "entrepot will not write over it" -- product export link.db
ENTREPOT_KEY="$WORK/elsewhere.key" refused 2 "is the signing key" -- product export "$WORK/elsewhere.key"
refused 2 "':memory:' is not a file name" -- backup :memory:
refused 2 "'file:x.db' is not a file name" -- backup file:x.db
refused 2 "other.db already exists: choose a new file name" -- backup other.db
refused 2 "nodir/b.db: the folder does not exist" -- backup nodir/b.db
refused 2 "folder.db is a folder" -- backup folder.db
refused 2 "cannot write nodir/p.csv: its folder does not exist" -- product export nodir/p.csv
expect 0 "backed up" -- backup --replace other.db
expect 0 "ok: integrity check passed" -- --db other.db check
ls -A | grep -q '\.XXXXXX\|other\.db\.' && fail "temporary files left: $(ls -A)" || ok

# ---- output that cannot be written -----------------------------------------
for cmd in "check" "product list" "stock levels" "store show" "version" "--help" "report sales" \
    "journal verify" "product export" "journal export" "stock history 3017620422003" "location list"; do
    # shellcheck disable=SC2086
    full 3 "writing to standard output failed" -- $cmd
    # shellcheck disable=SC2086
    closed 3 "writing to standard output failed" -- $cmd
done
full 3 "writing to standard output failed" -- --json product list
refused 3 "writing /dev/full failed: No space left on device" -- product export /dev/full
refused 3 "writing /dev/full failed: No space left on device" -- journal export --out /dev/full
# The till stops at its first line that cannot be shown.
out=$(printf 'help\nhelp\n' | "$E" counter --counter C1 --cashier 李 2>&1 >/dev/full)
[ $? -eq 3 ] && [[ "$out" == *"the counter's output cannot be written"* ]] && ok || fail "counter >/dev/full: $out"
[ -c /dev/full ] && ok || fail "/dev/full is gone"

finish
