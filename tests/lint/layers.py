#!/usr/bin/env python3
"""Fails when two library modules call each other, directly or round a loop.
Usage: layers.py LIB.a ... (the library archives). Each object's undefined
symbols are matched to the object that defines them (nm); objects are grouped
into modules by file name (README, "How the library is laid out")."""
import collections
import re
import subprocess
import sys
import tempfile

# File-name prefixes of each module, most specific first; the rest is core.
MODULES = [("open", "open"), ("label_data", "label"), ("label_db", "label"), ("label_", "label-render"),
           ("check", "check"), ("journal", "journal"), ("sales", "sales"), ("flow", "sales"),
           ("stock", "stock"), ("location", "stock"), ("catalog", "catalog"), ("scan", "scan"),
           ("reprint", "reprint"), ("demo", "demo"), ("supplier", "purchase"), ("purchase", "purchase")]
# No exception: the catalogue asks the stock through a hook set at open (open.c).
ALLOWED = set()


def module(obj):
    for prefix, name in MODULES:
        if obj.startswith(prefix):
            return name
    return "core"


def graph(archives):
    defs, undef = {}, collections.defaultdict(set)
    for a in archives:
        out = subprocess.run(["nm", "-A", a], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            where, _, rest = line.rpartition(":")
            obj = where.rsplit(":", 1)[-1]
            f = rest.split()
            if len(f) == 3 and f[1] in "TDBR":
                defs[f[2]] = obj
            elif len(f) == 2 and f[0] == "U":
                undef[obj].add(f[1])
    edges = collections.defaultdict(set)
    for obj, syms in undef.items():
        for s in syms:
            if s in defs and module(obj) != module(defs[s]):
                edges[module(obj)].add(module(defs[s]))
    return edges


def cycles(edges):
    def reach(a):
        seen, todo = set(), [a]
        while todo:
            for b in edges.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen
    return sorted({tuple(sorted((a, b))) for a in list(edges) for b in reach(a) if a != b and a in reach(b)})


def self_test():
    looped = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    return cycles(looped) == [("a", "b"), ("a", "c"), ("b", "c")] and cycles({"a": {"b"}}) == []


def main(archives):
    if not self_test() or not archives:
        print("layers.py: the checker's own test failed, or no archive given")
        return 2
    edges = graph(archives)
    bad = [c for c in cycles(edges) if c not in ALLOWED]
    for a, b in bad:
        print(f"modules {a} and {b} call each other (directly or round a loop)")
    if len(edges) < 5:
        print("layers.py: fewer than 5 modules call others: the archives were not read")
        return 2
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
