#!/usr/bin/env python3
"""Fails when a string literal in the library names a command-line option
("--lot") or an entrepot command ("`entrepot location list`"): the library
says what is wrong in the store's words, and a front end says what to type
(enum ent_hint). Usage: lib_words.py DIR|FILE ... (a folder: its *.c and *.h)

Adjacent literals are joined (C concatenates them), macro names between them
are kept as {NAME}; comments and character constants are skipped."""
import glob
import os
import re
import sys

# "entrepot" as the name of the file format or of the program's version,
# never as a command to type.
ALLOWED = re.compile(r"entrepot (database|receipt payload|writes)|this entrepot \(")
FLAGGED = re.compile(r"--[a-z]|entrepot [a-z]|`entrepot")
MACRO = re.compile(r"[A-Z_][A-Z0-9_]*")


def literals(src):
    """Yields (line, text) for each run of adjacent string literals."""
    i, n, line = 0, len(src), 1
    run, run_line = None, 0
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r\\":
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            line += src.count("\n", i, j)
            i = j + 2
        elif c in "\"'":
            j, buf = i + 1, []
            while src[j] != c:
                step = 2 if src[j] == "\\" else 1
                buf.append(src[j:j + step])
                j += step
            if c == "'":
                if run is not None:
                    yield run_line, run
                run = None
            elif run is None:
                run, run_line = "".join(buf), line
            else:
                run += "".join(buf)
            i = j + 1
        else:
            m = MACRO.match(src, i) if run is not None else None
            if m:  # "ENT1" J_SEAL_PREFIX "|": still one literal
                run += "{" + m.group(0) + "}"
                i = m.end()
                continue
            if run is not None:
                yield run_line, run
                run = None
            i += 1
    if run is not None:
        yield run_line, run


def offending(src):
    return [(ln, s) for ln, s in literals(src) if FLAGGED.search(ALLOWED.sub("", s))]


def self_test():
    """The checker must catch what it exists to catch, and pass the allowed."""
    bad = 'x = entx_fail(db, 1, "several lots: name one "\n "with --lot");\ny("see `entrepot location list`");'
    good = ('/* "--lot" */ entx_fail(db, 1, "%s is not an entrepot database", p); c = \'"\';\n'
            'f("not an entrepot receipt payload (" PREFIX "|)");')
    return [ln for ln, _ in offending(bad)] == [1, 3] and offending(good) == []


def main(paths):
    if not self_test():
        print("lib_words.py: the checker's own test failed")
        return 2
    found = 0
    files = []
    for p in paths:
        files += sorted(glob.glob(os.path.join(p, "*.[ch]"))) if os.path.isdir(p) else [p]
    if not files:
        print("lib_words.py: no files to check")
        return 2
    for path in files:
        with open(path, encoding="utf-8") as f:
            for ln, s in offending(f.read()):
                print(f"{path}:{ln}: names a command or option: \"{s}\"")
                found += 1
    if found:
        print(f"{found} library string(s) name the command line: say what is wrong, and give the "
              "front end an ENT_HINT_* for what to type (src/cli/util.c words it)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
