#!/usr/bin/env python3
"""Deterministic fixture trees for bench/run.sh.

  make_tree.py files ROOT --files N --dirs D --seed S      N small files spread over D directories
  make_tree.py incident ROOT --versions V --logs L --seed S  an incident-shaped base_dir
  make_tree.py history - --commits C --files N --seed S      a git fast-import stream of C commits on N files
"""
import sys
import argparse
import os
import random
import time


def files(root, n, dirs, seed):
    rnd = random.Random(seed)
    for d in range(dirs):
        os.makedirs(os.path.join(root, "d%02d" % (d % 100), "d%05d" % d), exist_ok=True)
    for i in range(n):
        d = i % dirs
        path = os.path.join(root, "d%02d" % (d % 100), "d%05d" % d, "f%07d" % i)
        with open(path, "wb") as out:
            out.write(b"x" * rnd.randint(0, 8192))


def incident(root, versions, logs, seed):
    rnd = random.Random(seed)
    now = time.time()
    for v in range(1, versions + 1):
        d = os.path.join(root, "models", "versions", "v%05d" % v)
        os.makedirs(d, exist_ok=True)
        for name in ("weights.bin", "config.json"):
            with open(os.path.join(d, name), "wb") as out:
                out.write(b"w" * rnd.randint(1, 4096))
        age = now - 86400 * 30 + v * 60
        for name in ("weights.bin", "config.json", ""):
            os.utime(os.path.join(d, name) if name else d, (age, age))
    for t in ("db", "ckpt"):
        for i in range(1, 11):
            p = os.path.join(root, "models", "backups", "%s_202511%02d.tar" % (t, i))
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as out:
                out.write(b"b" * 1024)
            age = now - 86400 * (30 - i)
            os.utime(p, (age, age))
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    for i in range(logs):
        p = os.path.join(root, "logs", "run%06d.log" % i)
        with open(p, "wb") as out:
            out.write(b"l" * rnd.randint(0, 2048))
        age = now - rnd.randint(0, 86400 * 20)
        os.utime(p, (age, age))
    os.makedirs(os.path.join(root, "current_model"), exist_ok=True)


def history(commits, nfiles, seed):
    """Source files of 200 lines; each commit rewrites three lines in each of five files."""
    rnd = random.Random(seed)
    out = sys.stdout.buffer
    content = [["line %d of file %d %.12f\n" % (i, f, rnd.random()) for i in range(200)] for f in range(nfiles)]
    for c in range(1, commits + 1):
        out.write(b"commit refs/heads/main\ncommitter bench <b@example.com> %d +0000\n" % (1600000000 + c * 60))
        msg = b"commit %d" % c
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        touched = range(nfiles) if c == 1 else [rnd.randrange(nfiles) for _ in range(5)]
        for f in touched:
            lines = content[f]
            for _ in range(3):
                lines[rnd.randrange(len(lines))] = "changed in %d %.12f\n" % (c, rnd.random())
            data = "".join(lines).encode()
            out.write(b"M 100644 inline src/f%04d.py\ndata %d\n%s\n" % (f, len(data), data))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["files", "incident", "history"])
    ap.add_argument("root")
    ap.add_argument("--files", type=int, default=200000)
    ap.add_argument("--dirs", type=int, default=20000)
    ap.add_argument("--versions", type=int, default=1000)
    ap.add_argument("--logs", type=int, default=100000)
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.kind == "files":
        files(a.root, a.files, a.dirs, a.seed)
    elif a.kind == "history":
        history(a.commits, a.files, a.seed)
    else:
        incident(a.root, a.versions, a.logs, a.seed)


if __name__ == "__main__":
    main()
