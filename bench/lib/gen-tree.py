#!/usr/bin/env python3
"""Writes a deterministic source-tree-like directory: gen-tree.py DIR TOTAL_BYTES FILES [SEED].

Sizes are log-normal (many small files, a few large ones), scaled to TOTAL_BYTES. About 90 % of the files
(by count) are text assembled from a fixed pool of code-like lines (gzip shrinks them roughly 4-6x); the
rest are random bytes (images, archives) that do not compress. The same arguments always give the same tree.
"""
import os, random, sys

root, total, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
rng = random.Random(seed)

words = ["if", "else", "return", "for", "while", "class", "def", "import", "from", "self", "value", "result",
         "config", "error", "None", "true", "false", "string", "int", "list", "map", "key", "name", "path",
         "deploy", "release", "artifact", "registry", "digest", "manifest", "node", "signal", "run", "env",
         "#", "//", "{", "}", "(", ")", "=", "==", "+", "-", "*", "/", ":", ";", ",", ".", "[", "]"]
words += ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randint(3, 12))) for _ in range(2000)]
lines = []
for _ in range(20000):
    indent = " " * (4 * rng.randint(0, 4))
    lines.append((indent + " ".join(rng.choice(words) for _ in range(rng.randint(1, 14))) + "\n").encode())

raw = [rng.lognormvariate(0, 1.4) for _ in range(count)]
scale = total / sum(raw)
sizes = [max(1, int(r * scale)) for r in raw]
binary = [rng.random() < 0.10 for _ in range(count)]

dirs = []
for a in range(max(1, count // 400)):
    for b in range(rng.randint(1, 6)):
        dirs.append(f"pkg{a:03d}/mod{b}")
exts = [".py", ".java", ".go", ".md", ".yaml", ".ts", ".c", ".txt"]
os.makedirs(root, exist_ok=True)
for i, (size, is_bin) in enumerate(zip(sizes, binary)):
    d = os.path.join(root, rng.choice(dirs))
    os.makedirs(d, exist_ok=True)
    if is_bin:
        data = rng.randbytes(size)
        name = f"f{i:05d}.bin"
    else:
        parts, n = [], 0
        while n < size:
            chunk = rng.choices(lines, k=64)
            parts.extend(chunk)
            n += sum(map(len, chunk))
        data = b"".join(parts)[:size]
        name = f"f{i:05d}{rng.choice(exts)}"
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
