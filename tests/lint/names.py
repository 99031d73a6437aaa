#!/usr/bin/env python3
"""Fails when a global name of the library is neither public nor marked internal.
Usage: names.py LIB.a ... -- LIB.so ... (the archives, then the shared objects).
Every global symbol the archives define must be exported by a shared object
and named ent_..., or be hidden and named entx_... (README, "How the library
is laid out"): an unmarked extern may clash with a program's own names."""
import subprocess
import sys


def symbols(path, dynamic):
    args = ["nm", "-g", "--defined-only"] + (["-D"] if dynamic else []) + [path]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return {f[2] for f in (line.split() for line in out.splitlines()) if len(f) == 3 and f[1] in "TDBRV"}


def problems(defined, exported):
    bad = []
    for s in sorted(defined):
        if s.startswith("__"):
            continue  # the compiler's and sanitizers' own (__odr_asan.x), reserved names
        if s in exported and not s.startswith("ent_"):
            bad.append(f"{s} is exported but not named ent_...")
        elif s not in exported and not s.startswith("entx_"):
            bad.append(f"{s} is global but neither exported nor named entx_...")
    return bad


def self_test():
    return (problems({"ent_a", "entx_b", "__odr_asan.entx_b"}, {"ent_a"}) == [] and
            len(problems({"ent_a", "sales_x", "entx_c"}, {"entx_c"})) == 3)


def main(argv):
    if "--" not in argv or not self_test():
        print("names.py: the checker's own test failed, or no '--' between archives and shared objects")
        return 2
    cut = argv.index("--")
    defined = set().union(*[symbols(a, False) for a in argv[:cut]])
    exported = set().union(*[symbols(s, True) for s in argv[cut + 1:]])
    if len(defined) < 100 or len(exported) < 100:
        print("names.py: fewer than 100 names read: the libraries were not read")
        return 2
    bad = problems(defined, exported)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
