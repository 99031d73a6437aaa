#!/usr/bin/env bash
# entrepot user / token: users and roles, API tokens, and who made each write.
# Hostile input is refused with its exit status and a message naming what was
# wrong, the database left exactly as it was; no secret reaches the database
# file, a message or the command line.
source "$(dirname "$0")/lib.sh"

# jqtrue WHAT FILTER -- ARGS...: entrepot ARGS' JSON output makes FILTER true.
jqtrue() {
    local what=$1 filter=$2 got
    shift 3
    got=$("$ENTREPOT" "$@" | jq "$filter" 2>&1)
    [ "$got" = "true" ] && ok || fail "$what: $got"
}

HUGE=$(head -c 5000 /dev/zero | tr '\0' x)
ME=$(id -un)
PW="$WORK/pw"
printf 'secret 密码 one\n' >"$PW"
printf 'short\n' >"$WORK/short"
printf '\n' >"$WORK/empty"
printf 'abc\0defghijk\n' >"$WORK/nul"
printf 'caf\xe9 password\n' >"$WORK/latin1"
head -c 1100 /dev/zero | tr '\0' p >"$WORK/long"
printf 'crlf password\r\n' >"$WORK/crlf"

expect 0 "created" -- init --store SH01 --name "测试店" --no-key
# The cheapest password cost the setting allows, to keep the test short; the
# production cost is checked by the unit test.
sqlite3 "$ENTREPOT_DB" "INSERT INTO setting(key, value) VALUES ('password.scrypt_log2n', '10')"

expect 0 "user boss added by $ME" -- user add boss --role manager --display 王经理 --password-file "$PW"
expect 0 "user ann added by $ME" -- user add ann --role cashier --password-stdin <"$PW"
expect 0 "user li.wei_2-b added" -- user add li.wei_2-b --role supervisor --display 李伟 --password-file "$WORK/crlf"

# ---- hostile user input --------------------------------------------------
refused 2 "user add needs the login name" -- user add --role cashier --password-file "$PW"
refused 2 "user add needs --role" -- user add bob --password-file "$PW"
refused 2 "--role 'boss' is not a role: cashier, supervisor" -- user add bob --role boss --password-file "$PW"
refused 2 "--role is empty" -- user add bob --role '' --password-file "$PW"
refused 2 "--display is empty" -- user add bob --role cashier --display '' --password-file "$PW"
refused 2 "user add needs the password: --password-stdin or --password-file" -- user add bob --role cashier
refused 2 "--password is refused: \`ps\` and the shell's history would show it; give --password-stdin or --password-file FILE" \
    -- user add bob --role cashier --password hunter22
out=$("$ENTREPOT" user edit boss --password hunter22 2>&1)
[[ "$out" == *"--password is refused"* && "$out" != *hunter22* ]] && ok || fail "user edit --password: $out"
refused 2 "give the password once" -- user add bob --role cashier --password-stdin --password-file "$PW"
refused 2 "the password is too short: 5 bytes, at least 8" -- user add bob --role cashier --password-file "$WORK/short"
refused 2 "the password is too short: 0 bytes, at least 8" -- user add bob --role cashier --password-file "$WORK/empty"
refused 2 "the password is too short: 0 bytes" -- user add bob --role cashier --password-stdin </dev/null
refused 2 "holds a NUL byte" -- user add bob --role cashier --password-file "$WORK/nul"
refused 2 "the password is not valid UTF-8 text" -- user add bob --role cashier --password-file "$WORK/latin1"
refused 2 "is too long: at most 1024 bytes" -- user add bob --role cashier --password-file "$WORK/long"
refused 3 "password file $WORK/missing cannot be read: No such file or directory" -- user add bob --role cashier --password-file "$WORK/missing"
refused 2 "login name 'Bob' has capital letters" -- user add Bob --role cashier --password-file "$PW"
refused 2 "login name '王芳' may hold only a-z, 0-9" -- user add 王芳 --role cashier --password-file "$PW"
refused 2 "login name 'a b' may hold only" -- user add 'a b' --role cashier --password-file "$PW"
refused 2 "login name 'a\\xFF' may hold only" -- user add $'a\xff' --role cashier --password-file "$PW"
refused 2 "login name 'xxxx" -- user add "$HUGE" --role cashier --password-file "$PW"
refused 2 "display name is too long: 5000 bytes, at most 200" -- user add bob --role cashier --display "$HUGE" --password-file "$PW"
refused 2 "display name is not valid UTF-8 text" -- user add bob --role cashier --display $'\xff' --password-file "$PW"
refused 2 "display name holds a control character" -- user add bob --role cashier --display $'a\tb' --password-file "$PW"
refused 2 "user 'ann' already exists" -- user add ann --role cashier --password-file "$PW"
refused 2 "--unlock is for user edit" -- user add bob --role cashier --unlock --password-file "$PW"
refused 2 "nothing to change" -- user edit ann
refused 2 "no user 'nobody'" -- user edit nobody --display X
refused 2 "too many arguments" -- user edit ann bob --display X
refused 1 "boss is the last active manager: another role would leave nobody" -- user edit boss --role cashier
refused 1 "boss is the last active manager: retiring it would leave nobody" -- user retire boss
refused 2 "no user 'nobody' (see \`entrepot user list --all\`" -- user retire nobody
refused 2 "user: unknown action 'delete'" -- user delete ann

# The password never shows: not in a message, not in the database file.
out=$("$ENTREPOT" user add bob --role cashier --password-file "$WORK/latin1" 2>&1)
[[ "$out" != *caf* ]] && ok || fail "a message quotes the password: $out"

# ---- edit, list, retire ----------------------------------------------------
expect 0 "user ann changed by $ME" -- user edit ann --display 安娜 --role supervisor
expect 0 "user ann changed" -- user edit ann --password-file "$PW" --unlock
jqtrue "list" 'length == 3 and .[0].user == "ann" and .[0].display == "安娜" and .[0].role == "supervisor"
    and .[0].status == "active" and .[0].failures == 0 and .[0].changed_by == "'"$ME"'"' -- --json user list
expect 0 "王经理" -- user list
expect 0 "user ann retired by $ME" -- user retire ann
refused 1 "user ann is already retired" -- user retire ann
refused 1 "user ann is retired: it cannot be changed" -- user edit ann --display X
jqtrue "list without retired" 'length == 2' -- --json user list
jqtrue "list --all" 'length == 3 and (.[] | select(.user == "ann") | .status) == "retired"' -- --json user list --all

# ---- tokens ----------------------------------------------------------------
T=$("$ENTREPOT" token add --user li.wei_2-b --device "收货枪 7" 2>"$WORK/err")
[[ "$T" =~ ^ent_[A-Za-z0-9_-]{43}$ ]] && ok || fail "token secret '$T'"
grep -q "it is not shown again" "$WORK/err" && ok || fail "no warning: $(cat "$WORK/err")"
jqtrue "token add --json" '.id == 2 and .user == "boss" and (.secret | test("^ent_"))' -- --json token add --user boss --device script
jqtrue "token list" 'length == 2 and .[0].user == "li.wei_2-b" and .[0].device == "收货枪 7" and .[0].created_by == "'"$ME"'"
    and ([.[] | keys[]] | index("secret") == null)' -- --json token list
refused 2 "token add needs --user and --device" -- token add --user boss
refused 2 "--device is empty" -- token add --user boss --device ''
refused 2 "device is too long" -- token add --user boss --device "$HUGE"
refused 2 "device holds a control character" -- token add --user boss --device $'a\nb'
refused 2 "no user 'nobody' (see \`entrepot user list --all\`; \`entrepot user add\` makes one)" -- token add --user nobody --device x
refused 1 "user 'ann' is retired: it gets no API tokens" -- token add --user ann --device x
expect 0 "API token 1 revoked by $ME" -- token revoke 1
refused 1 "API token 1 was already revoked" -- token revoke 1
refused 2 "no API token 99 (see \`entrepot token list --all\`)" -- token revoke 99
refused 2 "token id 'x' is not a whole number" -- token revoke x
# The secret pasted for the id: refused without showing any of it.
refused 2 "token id 'ent_***' is not a whole number" -- token revoke "$T"
refused 2 "token id '0' is too small" -- token revoke 0
refused 2 "token revoke needs the token's id" -- token revoke
jqtrue "token list hides revoked" 'length == 1' -- --json token list
jqtrue "token list --all" 'length == 2 and .[0].revoked != ""' -- --json token list --all

# No secret is stored in clear: not the passwords, not the token.
sqlite3 "$ENTREPOT_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for secret in "secret 密码 one" "crlf password" "$T" "${T#ent_}"; do
    if grep -aqF -- "$secret" "$ENTREPOT_DB"; then fail "secret '$secret' stored in clear"; else ok; fi
done
grep -aqF "王经理" "$ENTREPOT_DB" && ok || fail "the grep cannot see the database's text"

# ---- every write says who ------------------------------------------------
expect 0 "added 3017620422003" -- product add --gtin 3017620422003 --name-zh 榛子可可酱 --price 39.90
expect 0 "changed" -- product edit 3017620422003 --price 35.90 --name-en "Hazelnut spread"
expect 0 "retired" -- product retire 3017620422003
jqtrue "product history" 'length == 4 and .[0].field == "added" and .[0].new == "39.90" and .[0].user == "'"$ME"'"
    and ([.[] | select(.field == "price")][0] | .old == "39.90" and .new == "35.90")
    and .[3].field == "retired"' -- --json product history 3017620422003
jqtrue "price history" 'length == 2 and .[1].new == "35.90"' -- --json product history 3017620422003 --price
refused 2 "no commodity has the code '4006381333931'" -- product history 4006381333931
refused 2 "product history needs the CODE" -- product history
expect 0 "added location A-1" -- location add A-1
expect 0 "" -- location add A-2
test "$(sqlite3 "$ENTREPOT_DB" "SELECT created_by FROM location WHERE code = 'A-1'")" = "$ME" && ok || fail "location author"
expect 0 "" -- product add --sku PEN --name-en Pen --price 8.50
expect 0 "received" -- stock receive --product PEN --qty 5 --lot L1 --origin DE --location A-1
expect 0 "" -- stock move --product PEN --from A-1 --to A-2 --qty 2 --user 张三
jqtrue "stock history users" '[.[].user] | sort == (["'"$ME"'", "张三", "张三"] | sort)' -- --json stock history PEN
expect 0 "added" -- product add --gtin 4006381333931 --name-zh 铅笔 --price 8.50 --origin DE
expect 0 "wrote 1 label" -- label print 4006381333931 --template shelf-60x40 --out "$WORK/pen.pdf"
test "$(sqlite3 "$ENTREPOT_DB" "SELECT user || '|' || template || '|' || labels || '|' || destination FROM label_print")" \
    = "$ME|shelf-60x40|1|$WORK/pen.pdf" && ok || fail "label print not recorded: $(sqlite3 "$ENTREPOT_DB" "SELECT * FROM label_print")"

finish
