#!/usr/bin/env python3
"""Writes a seeded Gaussian mixture as a GloVe-format text file: the input of the t-SNE benchmark at any size.

    /usr/bin/python3 scripts/bench/make_cluster_vectors.py --n 5000 --dim 50 --clusters 20 --seed 0 --out c5k.txt

N points in `dim` dimensions, words w0 .. w{N-1}, one line each: "w17 0.123456 -1.5 ...". Point i belongs to
cluster i % clusters (so any prefix, e.g. --top N on the command line, holds every cluster). Cluster centres are
drawn from N(0, spread^2 I) and points from N(centre, I): with the defaults (spread 1.5, 50 dimensions) the
clusters overlap partly, as word neighbourhoods do, rather than being trivially separable. numpy's legacy
RandomState with the given seed, so the file is the same on every machine; values are written with 6 significant
digits (as the built-in vectors are).
"""
import argparse

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of points (words)")
    ap.add_argument("--dim", type=int, default=50)
    ap.add_argument("--clusters", type=int, default=20)
    ap.add_argument("--spread", type=float, default=1.5, help="standard deviation of the cluster centres")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    rng = np.random.RandomState(args.seed)
    centres = rng.randn(args.clusters, args.dim) * args.spread
    labels = np.arange(args.n) % args.clusters
    points = centres[labels] + rng.randn(args.n, args.dim)
    with open(args.out, "w", encoding="utf-8") as f:
        for i in range(args.n):
            f.write("w%d %s\n" % (i, " ".join("%.6g" % v for v in points[i])))


if __name__ == "__main__":
    main()
