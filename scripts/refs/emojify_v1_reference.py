#!/usr/bin/env python3
"""The course's Emojify V1 (Emojify_v2a.ipynb, `model`) in numpy on Unroll's built-in sentences and vectors.

Prints the mean training loss and the train / validation / test / negation accuracies after epochs 1, 100, 200, 300
and 400 with np.random.seed(1), as tst_emojify (averageModelMatchesNumpyOnTheBuiltInData) expects them:
    OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/refs/emojify_v1_reference.py [VECTORS]
The course's loop: W = randn(n_y, n_h) / sqrt(n_h), b = 0; per example in file order z = W avg + b, a = softmax(z),
dz = a - y, W -= lr dz avg^T, b -= lr dz (lr 0.01). The course prints the last example's cost; this prints the mean.
"""
import csv
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "resources" / "data" / "emojify"
VECTORS = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "data" / "vectors" / "builtin-50d.txt"


def read_vectors(path):
    m = {}
    with open(path, encoding="utf8") as f:
        for line in f:
            p = line.rstrip().split(" ")
            m.setdefault(p[0], np.array(p[1:], dtype=np.float64))
    return m


def load(name):
    rows = list(csv.reader(open(DATA / name, encoding="utf8")))[1:]
    return [r[0] for r in rows], np.array([int(r[1]) for r in rows])


def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum()


def main():
    m = read_vectors(VECTORS)
    n_h = len(next(iter(m.values())))

    def avg(s):
        ws = [m[w] for w in s.lower().split() if w in m]
        return np.mean(ws, axis=0) if ws else np.zeros(n_h)

    X, Y = load("train.csv")
    sets = [load(n) for n in ("train.csv", "validation.csv", "test.csv", "negations.csv")]
    np.random.seed(1)
    W = np.random.randn(5, n_h) / np.sqrt(n_h)
    b = np.zeros(5)

    def accuracy(Xs, Ys):
        return np.mean([np.argmax(W @ avg(s) + b) == y for s, y in zip(Xs, Ys)])

    for t in range(400):
        total = 0.0
        for s, y in zip(X, Y):
            a_ = avg(s)
            p = softmax(W @ a_ + b)
            total += -np.log(p[y])
            dz = p.copy()
            dz[y] -= 1
            W -= 0.01 * np.outer(dz, a_)
            b -= 0.01 * dz
        if t + 1 in (1, 100, 200, 300, 400):
            print("epoch %d loss %.17g" % (t + 1, total / len(X)),
                  "accuracy train %.6f validation %.6f test %.6f negations %.6f" % tuple(accuracy(*s) for s in sets))


if __name__ == "__main__":
    main()
