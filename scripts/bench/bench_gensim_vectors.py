#!/usr/bin/env python3
"""gensim reference for `unroll-cli bench vectors`: loading a GloVe-format text file and a nearest-neighbour query.

load: KeyedVectors.load_word2vec_format(path, binary=False, no_header=True), the call gensim's documentation gives for
GloVe files; the best of --load-reps runs, in seconds.

neighbors: kv.most_similar(word, topn=10) over every word, the median of --queries queries (each query a different
word, chosen with the same seed), in ms. gensim normalises its vectors once, on the first call; that call is made
(and timed separately, as norms_seconds) before the timed queries, because a user repeats queries on one table.

The file: the one `unroll-cli bench vectors --keep FILE` wrote (pass it as --vectors FILE, so both programs read the
same bytes), or, without --vectors, a file made here with the same recipe: --words words (default 400,000) of
--dim values (default 50) drawn from N(0, 0.4^2) with a seed, written with 5 significant digits as GloVe's own files
are ("0.418 0.24968 -0.41242 -0.00066023"), the words distinct lower-case letter strings.

Run: OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/bench_gensim_vectors.py [--vectors FILE] [--json]
(the CORETYPE only on an AVX-512 CPU that OpenBLAS 0.3.21 does not recognise, else it falls back to SSE kernels).
"""
import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np
from gensim.models import KeyedVectors


def synthetic_word(i):
    """Distinct words of 3 to 8 letters: i in base 26, padded to at least 3 letters."""
    letters = []
    i += 26 * 26  # at least 3 letters
    while i > 0:
        i, r = divmod(i, 26)
        letters.append(chr(ord("a") + r))
    return "".join(reversed(letters))


def write_synthetic(path, words, dim, seed):
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8") as f:
        block = 10000
        for start in range(0, words, block):
            values = rng.normal(0.0, 0.4, size=(min(block, words - start), dim))
            lines = []
            for r, row in enumerate(values):
                lines.append(synthetic_word(start + r) + " " + " ".join("%.5g" % v for v in row) + "\n")
            f.write("".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vectors", help="a GloVe-format file (default: a synthetic one written to a temporary dir)")
    ap.add_argument("--words", type=int, default=400000)
    ap.add_argument("--dim", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--load-reps", type=int, default=3)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    tmp = None
    path = args.vectors
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "synthetic.txt")
        write_synthetic(path, args.words, args.dim, args.seed)

    load_times = []
    kv = None
    for _ in range(args.load_reps):
        kv = None
        t0 = time.perf_counter()
        kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
        load_times.append(time.perf_counter() - t0)

    rng = np.random.default_rng(args.seed)
    picks = rng.integers(0, len(kv.index_to_key), size=args.queries + 1)
    t0 = time.perf_counter()
    kv.most_similar(kv.index_to_key[picks[0]], topn=10)  # computes the norms once
    first = time.perf_counter() - t0
    query_times = []
    for i in picks[1:]:
        t0 = time.perf_counter()
        kv.most_similar(kv.index_to_key[i], topn=10)
        query_times.append((time.perf_counter() - t0) * 1e3)

    result = {
        "file": path if args.vectors else "synthetic",
        "words": len(kv.index_to_key),
        "dim": int(kv.vector_size),
        "load_seconds": min(load_times),
        "load_seconds_all": load_times,
        "first_query_seconds": first,
        "neighbors_ms": statistics.median(query_times),
        "gensim": __import__("gensim").__version__,
        "numpy": np.__version__,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("gensim %s: load %.3f s (best of %d), most_similar %.3f ms (median of %d; first call %.3f s)" % (
            result["gensim"], result["load_seconds"], args.load_reps, result["neighbors_ms"], args.queries, first))
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
