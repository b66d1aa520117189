#!/usr/bin/env python3
"""scikit-learn 1.2 reference for `unroll-cli tsne`: the same vectors, the same settings, the same KL measure.

    OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/bench_sklearn_tsne.py --vectors FILE --top 2000 \
        [--exact] [--seed 0] [--ours OURS.json]

Runs TSNE(n_components=2, perplexity=30, init='pca', learning_rate='auto', n_iter=1000, angle=0.5,
method='barnes_hut' or 'exact', random_state=seed) on the first --top vectors of a GloVe-format text file and times
fit_transform alone (loading the file is not counted; the `seconds` of `unroll-cli tsne` count everything). The
other parameters are scikit-learn's defaults: early exaggeration 12 for 250 iterations, momentum 0.5 then 0.8, gains
with min_gain 0.01, n_jobs=None with the gradient on every OpenMP thread.

KL: scikit-learn's own kl_divergence_ is an estimate (Barnes-Hut Z, computed at its last check), so both layouts are
scored here by one function, `kl_divergence(Y, P)`, with one P computed in numpy from the vectors:
  - Barnes-Hut (default): the sparse P of van der Maaten 2014 as both programs optimise it: squared Euclidean
    distances to the k = min(N - 1, floor(3 perplexity + 1)) nearest neighbours (exact, brute force), per point a
    binary search of beta on the entropy (scikit-learn's _binary_search_perplexity: beta from 1, doubled/halved until
    bracketed, then bisected, tolerance 1e-5 nats, at most 100 steps), then P = (P_cond + P_cond^T) / sum;
  - --exact: the dense P over all pairs, the same search over all other points, clipped below at DBL_EPSILON.
  KL(P || Q) = sum over the stored p_ij of p_ij log(p_ij / q_ij), q_ij = (1 + |y_i - y_j|^2)^-1 / Z with the exact
  Z = sum over all i != j of (1 + |y_i - y_j|^2)^-1.
This is the definition Tsne::klDivergence() uses, so the `kl` printed by `unroll-cli tsne` should agree with
`ours_kl` below to about 1e-6 (a check of both). --ours takes the JSON of `unroll-cli tsne --json` run on the same
vectors and scores its coordinates with the same function.

Prints one JSON object: n, seconds (fit_transform), kl (this KL of scikit-learn's layout), sklearn_kl_estimate (its
kl_divergence_), n_iter (scikit-learn's n_iter_, which may stop early), and with --ours: ours_kl, ours_seconds,
ours_kl_reported.
"""
import argparse
import json
import time

import numpy as np


def load_glove(path, top):
    words, rows = [], []
    with open(path, "rb") as f:
        for line in f:
            if top and len(rows) >= top:
                break
            parts = line.rstrip(b"\n").split(b" ")
            words.append(parts[0])
            rows.append([float(v) for v in parts[1:] if v])
    return words, np.asarray(rows, dtype=np.float64)


def squared_distances(X):
    sq = np.einsum("ij,ij->i", X, X)
    D = sq[:, None] + sq[None, :] - 2.0 * (X @ X.T)
    np.maximum(D, 0.0, out=D)
    np.fill_diagonal(D, 0.0)
    return D


def conditional_p(sqd, perplexity, tol=1e-5, steps=100):
    """Rows of p_{j|i} from rows of squared distances (one row per point, the point itself excluded)."""
    n = sqd.shape[0]
    target = np.log(perplexity)
    beta = np.ones(n)
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    P = np.zeros_like(sqd)
    active = np.ones(n, dtype=bool)
    for _ in range(steps):
        if not active.any():
            break
        a = np.flatnonzero(active)
        Pa = np.exp(-sqd[a] * beta[a, None])
        s = Pa.sum(axis=1)
        s[s == 0.0] = 1e-8
        Pa /= s[:, None]
        P[a] = Pa
        entropy = np.log(s) + beta[a] * (sqd[a] * Pa).sum(axis=1)
        diff = entropy - target
        done = np.abs(diff) <= tol
        up = (diff > 0) & ~done
        down = (diff <= 0) & ~done
        ia, ib = a[up], a[down]
        lo[ia] = beta[ia]
        beta[ia] = np.where(np.isinf(hi[ia]), beta[ia] * 2.0, (beta[ia] + hi[ia]) / 2.0)
        hi[ib] = beta[ib]
        beta[ib] = np.where(np.isinf(lo[ib]), beta[ib] / 2.0, (beta[ib] + lo[ib]) / 2.0)
        active[a[done]] = False
    return P


def affinities(X, perplexity, exact):
    """(rows, cols, values) of the symmetric P, each unordered pair stored in both directions."""
    n = X.shape[0]
    D = squared_distances(X)
    if exact:
        off = ~np.eye(n, dtype=bool)
        sqd = D[off].reshape(n, n - 1)
        Pc = conditional_p(sqd, perplexity)
        P = np.zeros((n, n))
        P[off] = Pc.ravel()
        P = P + P.T
        P = np.maximum(P / max(P.sum(), np.finfo(float).eps), np.finfo(float).eps)
        np.fill_diagonal(P, 0.0)
        r, c = np.nonzero(off)
        return r, c, P[r, c]
    k = min(n - 1, int(3.0 * perplexity + 1))
    np.fill_diagonal(D, np.inf)
    nbr = np.argpartition(D, k - 1, axis=1)[:, :k]
    sqd = np.take_along_axis(D, nbr, axis=1)
    Pc = conditional_p(sqd, perplexity)
    # P + P^T with duplicate (i, j) entries summed: accumulate into a dict-free dense-by-key array.
    rows = np.concatenate([np.repeat(np.arange(n), k), nbr.ravel()])
    cols = np.concatenate([nbr.ravel(), np.repeat(np.arange(n), k)])
    vals = np.concatenate([Pc.ravel(), Pc.ravel()])
    key = rows.astype(np.int64) * n + cols
    uniq, inv = np.unique(key, return_inverse=True)
    summed = np.bincount(inv, weights=vals)
    summed /= max(summed.sum(), np.finfo(float).eps)
    return uniq // n, uniq % n, summed


def kl_divergence(Y, P):
    """sum over the stored p_ij of p log(p / q), q from the exact Student-t normalisation Z over all pairs."""
    Y = np.asarray(Y, dtype=np.float64)
    r, c, p = P
    Z = 0.0
    for start in range(0, Y.shape[0], 1024):  # blocks bound the memory at 10k+ points
        block = Y[start:start + 1024]
        d = ((block[:, None, :] - Y[None, :, :]) ** 2).sum(axis=2)
        Z += (1.0 / (1.0 + d)).sum() - block.shape[0]  # minus the diagonal's 1s
    num = 1.0 / (1.0 + ((Y[r] - Y[c]) ** 2).sum(axis=1))
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] * Z / num[mask])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vectors", required=True)
    ap.add_argument("--top", type=int, default=0, help="the first N vectors of the file (0: all)")
    ap.add_argument("--perplexity", type=float, default=30.0)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ours", help="JSON of `unroll-cli tsne --json` on the same vectors, scored the same way")
    args = ap.parse_args()

    from sklearn.manifold import TSNE

    words, X = load_glove(args.vectors, args.top)
    tsne = TSNE(n_components=2, perplexity=args.perplexity, init="pca", learning_rate="auto",
                n_iter=args.iterations, method="exact" if args.exact else "barnes_hut", angle=0.5,
                random_state=args.seed)
    t0 = time.perf_counter()
    Y = tsne.fit_transform(X)
    seconds = time.perf_counter() - t0

    P = affinities(X, args.perplexity, args.exact)
    out = {"n": int(X.shape[0]), "seconds": seconds, "kl": kl_divergence(Y, P),
           "sklearn_kl_estimate": float(tsne.kl_divergence_), "n_iter": int(tsne.n_iter_) + 1}
    if args.ours:
        with open(args.ours, encoding="utf-8") as f:
            ours = json.load(f)
        if len(ours["coordinates"]) != X.shape[0]:
            raise SystemExit("--ours has %d points, the vectors %d" % (len(ours["coordinates"]), X.shape[0]))
        out["ours_kl"] = kl_divergence(np.asarray(ours["coordinates"]), P)
        out["ours_seconds"] = ours["seconds"]
        out["ours_kl_reported"] = ours["kl"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
