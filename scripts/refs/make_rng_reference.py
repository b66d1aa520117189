#!/usr/bin/python3
"""Writes tests/data/rng_reference.json: numpy legacy RandomState reference streams for tests/core/math/tst_rng.cpp.

Run with Debian's /usr/bin/python3 (it has numpy; the python3 first on PATH may not):
    /usr/bin/python3 scripts/refs/make_rng_reference.py

Each stream is COUNT (10^6) values from one seeded np.random.RandomState. The JSON keeps the seed, the parameters,
the first 8 values and an FNV-1a 64-bit hash over the raw little-endian bytes of all COUNT values (float64 as IEEE
bits, integers as int64), so the C++ test can check a million draws bit for bit without Python. 64-bit quantities
(hashes, bit patterns, int64 bounds) are strings, since JSON numbers are doubles.

The arrays are drawn with numpy's sized calls (fast); the script first asserts that they equal the same number of
scalar calls, which is what unroll::Rng does one value at a time.
"""
import json
import pathlib

import numpy as np

COUNT = 1_000_000
FIRST = 8
U64 = 0xFFFFFFFFFFFFFFFF
OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "rng_reference.json"


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & U64
    return h


def words(values, dtype) -> np.ndarray:
    """The values as the little-endian 8-byte words the test hashes."""
    little = "<f8" if dtype == np.float64 else "<i8"
    return np.ascontiguousarray(values).astype(little).view("<u8")


def hex64(w) -> str:
    return f"{int(w):016x}"


def readable(values, dtype):
    if dtype == np.float64:
        return ["%.17g" % v for v in values]
    return [str(int(v)) for v in values]


def stream(name, kind, seed, values, dtype, **params):
    values = np.asarray(values, dtype=dtype)
    assert values.size == COUNT, (name, values.size)
    w = words(values, np.dtype(dtype))
    return {
        "name": name, "kind": kind, "seed": seed, "count": COUNT, **params,
        "first": readable(values[:FIRST], dtype),
        "first_bits": [hex64(x) for x in w[:FIRST]],
        "fnv1a64": hex64(fnv1a64(w.tobytes())),
    }


def check_scalar_equals_sized(seed, scalar, sized, n=4096):
    a = np.random.RandomState(seed)
    b = np.random.RandomState(seed)
    one_by_one = np.array([scalar(a) for _ in range(n)])
    assert np.array_equal(one_by_one, sized(b, n)), "scalar and sized calls differ"


def p_bits(p):
    return [hex64(x) for x in np.asarray(p, dtype=np.float64).view("<u8")]


def main():
    streams = []

    # random_sample / randn. 4294967295 is the largest seed numpy accepts.
    for seed in (1, 4294967295):
        check_scalar_equals_sized(seed, lambda r: r.random_sample(), lambda r, n: r.random_sample(n))
        streams.append(stream(f"random_sample_seed{seed}", "random_sample", seed,
                              np.random.RandomState(seed).random_sample(COUNT), np.float64))
    for seed in (1, 3):
        check_scalar_equals_sized(seed, lambda r: r.randn(), lambda r, n: r.randn(n))
        streams.append(stream(f"randn_seed{seed}", "randn", seed,
                              np.random.RandomState(seed).randn(COUNT), np.float64))
    spec = np.random.RandomState(1).randn(3)
    assert list(spec) == [1.6243453636632417, -0.6117564136500754, -0.5281717522634557], "the course's seed-1 draws"

    # randint: each numpy code path. rng = high - 1 - low:
    #   0 (one value, no draw), < 2^32 masked 32-bit, == 2^32 - 1 (raw word), >= 2^32 masked 64-bit, 2^64 - 2.
    ranges = [
        ("small", 0, 10, 1),
        ("negative", -3, 4, 5),
        ("half_rejected_32bit", 0, 2**31 + 1, 7),
        ("full_32bit_word", 0, 2**32, 11),
        ("just_over_32bit", -7, 2**32 - 6, 13),
        ("wide_64bit", -(2**40), 3 * 2**40 + 7, 17),
        ("full_int64", -(2**63), 2**63 - 1, 19),
        ("single_value", 5, 6, 23),
    ]
    for label, low, high, seed in ranges:
        check_scalar_equals_sized(seed, lambda r: r.randint(low, high), lambda r, n: r.randint(low, high, size=n))
        streams.append(stream(f"randint_{label}", "randint", seed,
                              np.random.RandomState(seed).randint(low, high, size=COUNT), np.int64,
                              low=str(low), high=str(high)))

    # choice(len(p), p=p): a hand-written p, and a softmax over 27 characters (the dinosaur vocabulary size) whose
    # cumsum ends at 0.9999999999999997, not 1, so the cdf normalisation is exercised. (A float32 softmax would be
    # off by ~1e-7 and numpy would reject it: its tolerance is sqrt(float64 eps) ~ 1.5e-8.)
    p_hand = np.array([0.1, 0.2, 0.05, 0.3, 0.15, 0.2])
    logits = np.random.RandomState(42).randn(27)
    p_soft = np.exp(logits) / np.exp(logits).sum()
    assert np.cumsum(p_soft)[-1] != 1.0
    for label, p, seed in (("hand6", p_hand, 1), ("softmax27", p_soft, 2)):
        check_scalar_equals_sized(seed, lambda r: r.choice(len(p), p=p), lambda r, n: r.choice(len(p), size=n, p=p))
        streams.append(stream(f"choice_{label}", "choice", seed,
                              np.random.RandomState(seed).choice(len(p), size=COUNT, p=p), np.int64,
                              p=["%.17g" % v for v in p], p_bits=p_bits(p), p_sum="%.17g" % p.sum()))

    # shuffle: arange(n) shuffled in place COUNT / n times; the array is hashed after every shuffle.
    for n, seed in ((2, 1), (10, 2), (1000, 3), (COUNT, 4)):
        rs = np.random.RandomState(seed)
        x = np.arange(n, dtype=np.int64)
        out = np.empty(COUNT, dtype=np.int64)
        for rep in range(COUNT // n):
            rs.shuffle(x)
            out[rep * n:(rep + 1) * n] = x
        streams.append(stream(f"shuffle_arange{n}", "shuffle", seed, out, np.int64, n=n))

    # Mixed calls on one RandomState, cycling through OPS: checks that a cached gaussian survives other calls and that
    # each call consumes exactly numpy's words. Values are hashed as 8-byte words (float64 bits or int64).
    p_mixed = np.array([0.25, 0.5, 0.25])
    ops = [
        {"op": "randn"},
        {"op": "random_sample"},
        {"op": "randint", "low": "0", "high": "10"},
        {"op": "randn"},
        {"op": "randint", "low": "5", "high": "6"},
        {"op": "choice", "p": ["%.17g" % v for v in p_mixed], "p_bits": p_bits(p_mixed)},
        {"op": "randint", "low": str(-(2**40)), "high": str(2**40)},
        {"op": "randn"},
    ]
    rs = np.random.RandomState(7)
    mixed = np.empty(COUNT, dtype="<u8")
    for i in range(COUNT):
        op = ops[i % len(ops)]
        if op["op"] == "randn":
            v = np.float64(rs.randn())
        elif op["op"] == "random_sample":
            v = np.float64(rs.random_sample())
        elif op["op"] == "randint":
            v = np.int64(rs.randint(int(op["low"]), int(op["high"])))
        else:
            v = np.int64(rs.choice(len(p_mixed), p=p_mixed))
        mixed[i] = np.array([v]).view("<u8")[0]
    streams.append({
        "name": "mixed_calls", "kind": "mixed", "seed": 7, "count": COUNT, "ops": ops,
        "first_bits": [hex64(x) for x in mixed[:FIRST]],
        "fnv1a64": hex64(fnv1a64(mixed.tobytes())),
    })

    # randn(5, 10) after seed(1), all 50 values in C order (row-major).
    m = np.random.RandomState(1).randn(5, 10)
    randn_matrix = {"seed": 1, "rows": 5, "cols": 10, "values": ["%.17g" % v for v in m.ravel()],
                    "bits": [hex64(x) for x in m.ravel().view("<u8")]}

    # choice normalisation: p sums to 1 - 5e-9 (inside numpy's 1.5e-8 tolerance) and p[0] sits 1e-10 below the first
    # uniform draw u. numpy's cdf[0] = p[0] / sum(p) ends above u, so it picks 0; an unnormalised cdf would pick 1.
    seed = 1
    u = np.random.RandomState(seed).random_sample()
    p_norm = np.array([u - 1e-10, 0.0])
    p_norm[1] = (1.0 - 5e-9) - p_norm[0]
    picked = int(np.random.RandomState(seed).choice(2, p=p_norm))
    assert picked == 0 and int(np.searchsorted(np.cumsum(p_norm), u, side="right")) == 1
    choice_normalisation = {"seed": seed, "u": "%.17g" % u, "p": ["%.17g" % v for v in p_norm],
                            "p_bits": p_bits(p_norm), "p_sum": "%.17g" % p_norm.sum(), "numpy_picks": picked}

    doc = {
        "generator": "scripts/refs/make_rng_reference.py",
        "numpy_version": np.__version__,
        "hash": "FNV-1a 64 over the little-endian 8-byte words of all values (float64 IEEE bits, int64)",
        "streams": streams,
        "randn_5x10_seed1": randn_matrix,
        "choice_normalisation": choice_normalisation,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, numpy {np.__version__})")


if __name__ == "__main__":
    main()
