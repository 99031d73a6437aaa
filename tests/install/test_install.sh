#!/usr/bin/env bash
# `cmake --install --prefix /usr` into a temporary DESTDIR, as a Debian
# package is made, then use only what was installed:
# build programs with `pkg-config --cflags --libs entrepot` (shared and static)
# and entrepot-label, run them, run the installed entrepot and entrepot-label,
# format the man page, and check that the shared objects export exactly the
# functions the installed headers declare.
set -euo pipefail
: "${ENT_BUILD_DIR:?}" "${ENT_LIBDIR:?}" "${ENT_BINDIR:?}" "${ENT_INCLUDEDIR:?}"
: "${ENT_DATADIR:?}" "${ENT_MANDIR:?}" "${CC:?}" "${ENT_VERSION:?}"
ENT_TEST_CFLAGS=${ENT_TEST_CFLAGS:-} # the sanitizer flags of an ENT_SANITIZE build
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
R=$T/root
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

DESTDIR=$R cmake --install "$ENT_BUILD_DIR" --prefix /usr >"$T/install.log" || { cat "$T/install.log"; exit 1; }
# The GNUInstallDirs folders, relative to the prefix.
ENT_DATADIR=/usr/$ENT_DATADIR ENT_MANDIR=/usr/$ENT_MANDIR
lib=$R/usr/$ENT_LIBDIR bin=$R/usr/$ENT_BINDIR inc=$R/usr/$ENT_INCLUDEDIR
for f in "$lib/libentrepot.so.0" "$lib/libentrepot.so" "$lib/libentrepot.a" "$lib/libentrepot-label.so.0" \
    "$lib/libentrepot-label.so" "$lib/libentrepot-label.a" "$lib/pkgconfig/entrepot.pc" \
    "$lib/pkgconfig/entrepot-label.pc" "$inc/entrepot/entrepot.h" "$bin/entrepot" "$bin/entrepot-label" \
    "$R$ENT_DATADIR/entrepot/labels/shelf-60x40.label" "$R$ENT_DATADIR/entrepot/labels/a4-l7160.sheet" \
    "$R$ENT_MANDIR/man1/entrepot.1"; do
    [ -e "$f" ] || fail "not installed: ${f#"$R"}"
done
for l in entrepot entrepot-label; do
    soname=$(objdump -p "$lib/lib$l.so" | awk '$1 == "SONAME" {print $2}')
    [ "$soname" = "lib$l.so.0" ] && ok "SONAME $soname" || fail "lib$l.so: SONAME '$soname', not lib$l.so.0"
done

# Exports: exactly the ENT_API functions of the installed headers.
grep -ho 'ENT_API[^(]*(' "$inc"/entrepot/*.h | grep -o 'ent_[a-z0-9_]*($' | tr -d '(' | sort -u >"$T/declared"
: >"$T/exported"
for l in entrepot entrepot-label; do
    nm -D --defined-only "$lib/lib$l.so" | awk '{print $3}' | sort -u >"$T/exp-$l"
    cat "$T/exp-$l" >>"$T/exported"
    extra=$(comm -23 "$T/exp-$l" "$T/declared" | tr '\n' ' ')
    [ -z "$extra" ] && ok "lib$l.so exports $(wc -l <"$T/exp-$l") declared functions" ||
        fail "lib$l.so exports what include/entrepot/ does not declare: $extra"
done
missing=$(sort -u "$T/exported" | comm -13 - "$T/declared" | tr '\n' ' ')
[ -z "$missing" ] && ok "every declared function is exported" || fail "declared but not exported: $missing"

# Programs against the installed headers and libraries only.
export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$R
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
cflags=$(pkg-config --cflags entrepot)
libs=$(pkg-config --libs entrepot)
case "$cflags $libs" in *"$R"*) ;; *) fail "pkg-config does not point into the install: $cflags $libs" ;; esac
$CC $ENT_TEST_CFLAGS -std=c17 -Wall -Wextra -Werror -o "$T/consumer" "$here/consumer.c" $cflags $libs
out=$(LD_LIBRARY_PATH=$lib "$T/consumer" "$T/a.db")
want="entrepot $ENT_VERSION: 04006381333931 Highlighter DE 1250 CNY"
[ "$out" = "$want" ] && ok "shared: $out" || fail "shared consumer printed '$out', not '$want'"
# ldd's output is kept first: grep -q would close the pipe early, and with
# pipefail ldd's SIGPIPE would fail the test at random.
deps=$(LD_LIBRARY_PATH=$lib ldd "$T/consumer")
[[ "$deps" == *"libentrepot.so.0 => $lib/"* ]] ||
    fail "the consumer does not load the installed libentrepot.so.0"
# Static: the archive alone in the first -L folder, the rest from Libs.private.
mkdir "$T/static" && cp "$lib/libentrepot.a" "$T/static/"
$CC $ENT_TEST_CFLAGS -std=c17 -Wall -Wextra -Werror -o "$T/consumer_static" "$here/consumer.c" $cflags -L"$T/static" \
    $(pkg-config --static --libs entrepot)
out=$("$T/consumer_static" "$T/b.db")
[ "$out" = "$want" ] && ok "static: $out" || fail "static consumer printed '$out', not '$want'"
deps=$(ldd "$T/consumer_static")
[[ "$deps" == *libentrepot* ]] && fail "the static consumer still needs libentrepot.so"
$CC $ENT_TEST_CFLAGS -std=c17 -Wall -Wextra -Werror -o "$T/consumer_label" "$here/consumer_label.c" \
    $(pkg-config --cflags --libs entrepot-label)
out=$(LD_LIBRARY_PATH=$lib "$T/consumer_label" "$R$ENT_DATADIR/entrepot/labels" a4-l7160)
[ "$out" = "a4-l7160: 21 per page" ] && ok "label renderer: $out" || fail "consumer_label printed '$out'"

# The installed programs, from a folder with no labels, finding their templates.
cd "$T"
unset ENTREPOT_LABELS
out=$("$bin/entrepot" --version)
[ "$out" = "entrepot $ENT_VERSION" ] && ok "installed entrepot --version" || fail "--version printed '$out'"
cp "$R$ENT_DATADIR/entrepot/labels/item-40x30.label" "$R$ENT_DATADIR/entrepot/labels/only-installed.label"
out=$("$bin/entrepot" label templates)
line=$(grep 'only-installed.label$' <<<"$out" || true)
[[ "$line" == *" $bin/"*"/entrepot/labels/only-installed.label" ]] &&
    ok "installed entrepot label templates reads the installed labels folder" ||
    fail "entrepot label templates did not list the installed folder: $out"

# The man page: groff parses it without a warning, and it holds every command.
page=$R$ENT_MANDIR/man1/entrepot.1
if groff -k -man -Tutf8 -ww -z "$page" 2>"$T/groff.err" && [ ! -s "$T/groff.err" ]; then
    ok "groff formats entrepot.1 without warnings"
else
    fail "groff: $(cat "$T/groff.err")"
fi
text=$(groff -k -man -Tutf8 -P-c "$page" 2>/dev/null)
for c in init stock label sale report backup; do
    grep -q "entrepot $c" <<<"$text" || fail "the man page lacks entrepot $c"
done

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all install checks passed"
