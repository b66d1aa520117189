#!/usr/bin/python3
"""Writes tests/data/course_examples.json: the seeded examples of the Sequence Models course
(deeplearning.ai, week 1 notebooks), computed by numpy.

Run with Debian's /usr/bin/python3 (it has numpy; the python3 first on PATH may not):
    /usr/bin/python3 scripts/refs/make_course_reference.py

An independent reference for tests/core/course/tst_courseexamples.cpp and tests/core/charlm/tst_coursenames.cpp:
- the eight functions of "Building a Recurrent Neural Network - Step by Step" (rnn_cell_forward ... lstm_backward)
  written again here from the formulas of the notebook (the 2021 corrected LSTM backward), run on the seeded
  draws of the notebook in their 2021 draw orders (rnn_cell_backward draws Wax before Waa; lstm_backward does not
  draw Wy, by but sets them to zero, and its da has 4 steps while x has 7);
- the three learner functions of "Dinosaur Island" (clip, sample, optimize) from the notebook (utils.py's
  rnn_forward / rnn_backward / update_parameters, the 2021 clip with its deep copy), run on the seeded tests of
  the 2021 notebook (clip_test with mValue 10 and 5, sample_test with seed 24, optimize_test), using
  np.random exactly as the course does (np.random.seed(counter + seed) before each np.random.choice).
Nothing here comes from the C++ code.

Output: {"generator", "numpy", "functions": {name: {key: nested list in numpy's shape}}, "printed": [lines],
"sample_v3a", "array_str_samples", "scalar_str_samples"}.
"functions" has the same layout as `unroll-cli course-examples --json`: one object per function, the full arrays
under the keys of the course's return values, numbers with 17 significant digits; clip holds one object per maxValue
("maxValue_10", "maxValue_5"), sample's "indices" are integers, optimize's "loss" is a number. "printed" is what the
notebooks' test cells print (numpy's own str() of the same elements; for the Dinosaur tests, their print() calls
captured, without the leading blank line of clip_test's first "\nGradients for mValue=10"), which the C++ text output
must equal line for line. "sample_v3a" is the v3a notebook's sample test (seed 2) as numpy 1.24 computes it: its tail
depends on the order of the sums (the model is chaotic), see tst_coursenames. The samples are numpy's str() of a few
more arrays and scalars (values as 17-digit strings), to check the C++ formatter where the course's lines do not reach
(scientific notation, wrapping, no negative value).

Leaves out: the caches (only the x they carry is printed), the Adam helpers, the hidden-grader tests, the
Dinosaur training loop model(), which needs dinos.txt.
"""
import contextlib
import copy
import io
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "course_examples.json"


# --- rnn_utils.py (the notebook) -------------------------------------------------------------------------------
def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --- the learner's functions (the notebook) ------------------------------------------------------------------
def rnn_cell_forward(xt, a_prev, p):
    # xt (n_x, m), a_prev (n_a, m) -> a_next (n_a, m), yt_pred (n_y, m)
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    yt_pred = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, p)


def rnn_forward(x, a0, p):
    # x (n_x, m, T_x), a0 (n_a, m) -> a (n_a, m, T_x), y_pred (n_y, m, T_x)
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt
        caches.append(cache)
    return a, y_pred, (caches, x)


def lstm_cell_forward(xt, a_prev, c_prev, p):
    # xt (n_x, m), a_prev, c_prev (n_a, m) -> a_next, c_next (n_a, m), yt_pred (n_y, m)
    concat = np.concatenate((a_prev, xt), axis=0)  # (n_a + n_x, m)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)


def lstm_forward(x, a0, p):
    # x (n_x, m, T_x), a0 (n_a, m) -> a, c (n_a, m, T_x), y (n_y, m, T_x)
    n_x, m, T_x = x.shape
    n_y, n_a = p["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    a_next = a0
    c_next = np.zeros((n_a, m))
    caches = []
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, p = cache
    dtanh = da_next * (1 - a_next ** 2)
    return {
        "dxt": p["Wax"].T @ dtanh,
        "da_prev": p["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


def rnn_backward(da, caches):
    # da (n_a, m, T_x); T_x comes from da.shape
    caches, x = caches
    a1, a0, x1, p = caches[0]
    n_a, m, T_x = da.shape
    n_x = x1.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt = g["da_prev"]
        dWax += g["dWax"]
        dWaa += g["dWaa"]
        dba += g["dba"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def lstm_cell_backward(da_next, dc_next, cache):
    # The corrected 2021 equations of the notebook.
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    common = da_next * ot * (1 - tanh_c ** 2) + dc_next
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = common * it * (1 - cct ** 2)
    dit = common * cct * it * (1 - it)
    dft = common * c_prev * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": common * ft,
        "dWf": dft @ concat.T, "dWi": dit @ concat.T, "dWc": dcct @ concat.T, "dWo": dot @ concat.T,
        "dbf": np.sum(dft, axis=1, keepdims=True), "dbi": np.sum(dit, axis=1, keepdims=True),
        "dbc": np.sum(dcct, axis=1, keepdims=True), "dbo": np.sum(dot, axis=1, keepdims=True),
    }


def lstm_backward(da, caches):
    # da (n_a, m, T_x); T_x comes from da.shape, so only caches[0 .. T_x) are used.
    caches, x = caches
    a1, c1, a0, c0, f1, i1, cc1, o1, x1, p = caches[0]
    n_a, m, T_x = da.shape
    n_x = x1.shape[0]
    dx = np.zeros((n_x, m, T_x))
    grads = {k: np.zeros((n_a, n_a + n_x)) for k in ("dWf", "dWi", "dWc", "dWo")}
    grads.update({k: np.zeros((n_a, 1)) for k in ("dbf", "dbi", "dbc", "dbo")})
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt = g["da_prev"]
        dc_prevt = g["dc_prev"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, **grads}


# --- the seeded tests (the notebook, 2021 draw orders) ---------------------------------------------------------
def rnn_params(wax_first):
    p = {}
    for k in (("Wax", "Waa") if wax_first else ("Waa", "Wax")):
        p[k] = np.random.randn(5, 3) if k == "Wax" else np.random.randn(5, 5)
    p["Wya"] = np.random.randn(2, 5)
    p["ba"] = np.random.randn(5, 1)
    p["by"] = np.random.randn(2, 1)
    return p


def lstm_params(draw_output):
    p = {}
    for g in ("f", "i", "o", "c"):  # the notebook's draw order
        p["W" + g] = np.random.randn(5, 5 + 3)
        p["b" + g] = np.random.randn(5, 1)
    if draw_output:
        p["Wy"] = np.random.randn(2, 5)
        p["by"] = np.random.randn(2, 1)
    else:
        p["Wy"] = np.zeros((2, 5))
        p["by"] = np.zeros((2, 1))
    return p


def examples():
    """[(function, [(key, array)], [printed lines])] in the notebook's order."""
    out = []

    def shape_line(name, arr):
        return f"{name}.shape = {arr.shape}"

    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    p = rnn_params(wax_first=False)
    a_next, yt_pred, _ = rnn_cell_forward(xt, a_prev, p)
    out.append(("rnn_cell_forward", [("a_next", a_next), ("yt_pred", yt_pred)], [
        f"a_next[4] = {a_next[4]}", shape_line("a_next", a_next),
        f"yt_pred[1] = {yt_pred[1]}", shape_line("yt_pred", yt_pred)]))

    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    p = rnn_params(wax_first=False)
    a, y_pred, caches = rnn_forward(x, a0, p)
    out.append(("rnn_forward", [("a", a), ("y_pred", y_pred)], [
        f"a[4][1] = {a[4][1]}", shape_line("a", a),
        f"y_pred[1][3] = {y_pred[1][3]}", shape_line("y_pred", y_pred),
        f"caches[1][1][3] = {caches[1][1][3]}", f"len(caches) = {len(caches)}"]))

    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    c_prev = np.random.randn(5, 10)
    p = lstm_params(draw_output=True)
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    out.append(("lstm_cell_forward", [("a_next", a_next), ("c_next", c_next), ("yt_pred", yt)], [
        f"a_next[4] = {a_next[4]}", shape_line("a_next", a_next),
        f"c_next[2] = {c_next[2]}", shape_line("c_next", c_next),
        f"yt[1] = {yt[1]}", shape_line("yt", yt),
        f"cache[1][3] = {cache[1][3]}", f"len(cache) = {len(cache)}"]))

    np.random.seed(1)
    x = np.random.randn(3, 10, 7)
    a0 = np.random.randn(5, 10)
    p = lstm_params(draw_output=True)
    a, y, c, caches = lstm_forward(x, a0, p)
    out.append(("lstm_forward", [("a", a), ("y", y), ("c", c)], [
        f"a[4][3][6] = {a[4][3][6]}", shape_line("a", a),
        f"y[1][4][3] = {y[1][4][3]}", shape_line("y", y),
        f"caches[1][1][1] = {caches[1][1][1]}",
        f"c[1][2][1] = {c[1][2][1]}", f"len(caches) = {len(caches)}"]))

    def grad_lines(g, picks):
        lines = []
        for key, index in picks:
            value = g[key][index]
            lines.append(f"{key}{''.join(f'[{i}]' for i in index)} = {value}")
            lines.append(shape_line(key, g[key]))
        return lines

    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    p = rnn_params(wax_first=True)
    a_next, yt, cache = rnn_cell_forward(xt, a_prev, p)
    da_next = np.random.randn(5, 10)
    g = rnn_cell_backward(da_next, cache)
    keys = ("dxt", "da_prev", "dWax", "dWaa", "dba")
    out.append(("rnn_cell_backward", [(k, g[k]) for k in keys], grad_lines(g, [
        ("dxt", (1, 2)), ("da_prev", (2, 3)), ("dWax", (3, 1)), ("dWaa", (1, 2)), ("dba", (4,))])))

    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    p = rnn_params(wax_first=True)
    a, y, caches = rnn_forward(x, a0, p)
    da = np.random.randn(5, 10, 4)
    g = rnn_backward(da, caches)
    keys = ("dx", "da0", "dWax", "dWaa", "dba")
    out.append(("rnn_backward", [(k, g[k]) for k in keys], grad_lines(g, [
        ("dx", (1, 2)), ("da0", (2, 3)), ("dWax", (3, 1)), ("dWaa", (1, 2)), ("dba", (4,))])))

    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    c_prev = np.random.randn(5, 10)
    p = lstm_params(draw_output=True)
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    da_next = np.random.randn(5, 10)
    dc_next = np.random.randn(5, 10)
    g = lstm_cell_backward(da_next, dc_next, cache)
    keys = ("dxt", "da_prev", "dc_prev", "dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo")
    out.append(("lstm_cell_backward", [(k, g[k]) for k in keys], grad_lines(g, [
        ("dxt", (1, 2)), ("da_prev", (2, 3)), ("dc_prev", (2, 3)), ("dWf", (3, 1)), ("dWi", (1, 2)),
        ("dWc", (3, 1)), ("dWo", (1, 2)), ("dbf", (4,)), ("dbi", (4,)), ("dbc", (4,)), ("dbo", (4,))])))

    np.random.seed(1)
    x = np.random.randn(3, 10, 7)
    a0 = np.random.randn(5, 10)
    p = lstm_params(draw_output=False)
    a, y, c, caches = lstm_forward(x, a0, p)
    da = np.random.randn(5, 10, 4)
    g = lstm_backward(da, caches)
    keys = ("dx", "da0", "dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo")
    out.append(("lstm_backward", [(k, g[k]) for k in keys], grad_lines(g, [
        ("dx", (1, 2)), ("da0", (2, 3)), ("dWf", (3, 1)), ("dWi", (1, 2)), ("dWc", (3, 1)), ("dWo", (1, 2)),
        ("dbf", (4,)), ("dbi", (4,)), ("dbc", (4,)), ("dbo", (4,))])))
    return out


# --- Dinosaur Island: utils.py and the learner's functions (the notebook) ---------------------------------------
def rnn_step_forward(p, a_prev, x):
    # x (n_x, 1), a_prev (n_a, 1) -> a_next (n_a, 1), p_t (n_y, 1)
    a_next = np.tanh(np.dot(p["Wax"], x) + np.dot(p["Waa"], a_prev) + p["b"])
    p_t = softmax(np.dot(p["Wya"], a_next) + p["by"])
    return a_next, p_t


def dino_rnn_forward(X, Y, a0, p, vocab_size=27):
    # X, Y: T_x indices (X[t] None: a zero input) -> summed loss (not averaged), cache
    x, a, y_hat = {}, {}, {}
    a[-1] = np.copy(a0)
    loss = 0
    for t in range(len(X)):
        x[t] = np.zeros((vocab_size, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t], y_hat[t] = rnn_step_forward(p, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    return loss, (y_hat, a, x)


def dino_rnn_backward(X, Y, p, cache):
    y_hat, a, x = cache
    g = {"dWax": np.zeros_like(p["Wax"]), "dWaa": np.zeros_like(p["Waa"]), "dWya": np.zeros_like(p["Wya"]),
         "db": np.zeros_like(p["b"]), "dby": np.zeros_like(p["by"]), "da_next": np.zeros_like(a[0])}
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1  # dy = y_hat - onehot(Y[t])
        g["dWya"] += np.dot(dy, a[t].T)
        g["dby"] += dy
        da = np.dot(p["Wya"].T, dy) + g["da_next"]
        daraw = (1 - a[t] * a[t]) * da
        g["db"] += daraw
        g["dWax"] += np.dot(daraw, x[t].T)
        g["dWaa"] += np.dot(daraw, a[t - 1].T)
        g["da_next"] = np.dot(p["Waa"].T, daraw)
    return g, a


def update_parameters(p, g, lr):
    for k in ("Wax", "Waa", "Wya", "b", "by"):
        p[k] += -lr * g["d" + k]
    return p


def clip(gradients, maxValue):
    # The 2021 version: a deep copy, every entry clipped in place, the five course keys returned.
    gradients = copy.deepcopy(gradients)
    for k in gradients:
        np.clip(gradients[k], -maxValue, maxValue, out=gradients[k])
    return {k: gradients[k] for k in ("dWaa", "dWax", "dWya", "db", "dby")}


def sample(p, char_to_ix, seed):
    Waa, Wax, Wya, by, b = p["Waa"], p["Wax"], p["Wya"], p["by"], p["b"]
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    newline_character = char_to_ix["\n"]
    while idx != newline_character and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        y = softmax(np.dot(Wya, a) + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(len(y)), p=np.squeeze(y))
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


def optimize(X, Y, a_prev, p, learning_rate=0.01):
    loss, cache = dino_rnn_forward(X, Y, a_prev, p)
    g, a = dino_rnn_backward(X, Y, p, cache)
    g = clip(g, 5)
    update_parameters(p, g, learning_rate)
    return loss, g, a[len(X) - 1]


CHARS = ["\n"] + [chr(ord("a") + i) for i in range(26)]
CHAR_TO_IX = {c: i for i, c in enumerate(CHARS)}
IX_TO_CHAR = dict(enumerate(CHARS))


def captured(fn):
    """The lines fn() prints."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue().split("\n")[:-1]


def sample_parameters(seed, vocab_size=27, n_a=100):
    np.random.seed(seed)
    Wax, Waa, Wya = np.random.randn(n_a, vocab_size), np.random.randn(n_a, n_a), np.random.randn(vocab_size, n_a)
    b, by = np.random.randn(n_a, 1), np.random.randn(vocab_size, 1)
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


def dinosaur_examples():
    """[(function, [(key, value)], [printed lines])]; a value is an array, a number, a list of ints or a group."""
    out = []

    groups, lines = [], []
    for mValue in (10, 5):  # clip_test(clip, 10); clip_test(clip, 5)
        def clip_test():
            print(f"\nGradients for mValue={mValue}")
            np.random.seed(3)
            dWax = np.random.randn(5, 3) * 10
            dWaa = np.random.randn(5, 5) * 10
            dWya = np.random.randn(2, 5) * 10
            db = np.random.randn(5, 1) * 10
            dby = np.random.randn(2, 1) * 10
            gradients = {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, "db": db, "dby": dby}
            g2 = clip(gradients, mValue)
            print("gradients[\"dWaa\"][1][2] =", g2["dWaa"][1][2])
            print("gradients[\"dWax\"][3][1] =", g2["dWax"][3][1])
            print("gradients[\"dWya\"][1][2] =", g2["dWya"][1][2])
            print("gradients[\"db\"][4] =", g2["db"][4])
            print("gradients[\"dby\"][1] =", g2["dby"][1])
            groups.append((f"maxValue_{mValue}", [(k, g2[k]) for k in ("dWaa", "dWax", "dWya", "db", "dby")]))
        lines += captured(clip_test)
    out.append(("clip", groups, lines[1:]))  # without the blank line before the first "Gradients for"

    result = {}

    def sample_test():  # 2021: np.random.seed(24)
        p = sample_parameters(24)
        indices = sample(p, CHAR_TO_IX, 0)
        print("Sampling:")
        print("list of sampled indices:\n", indices)
        print("list of sampled characters:\n", [IX_TO_CHAR[i] for i in indices])
        result["indices"] = [int(i) for i in indices]
    lines = captured(sample_test)
    out.append(("sample", [("indices", result["indices"])], lines))

    def optimize_test():
        np.random.seed(1)
        vocab_size, n_a = 27, 100
        a_prev = np.random.randn(n_a, 1)
        Wax, Waa, Wya = np.random.randn(n_a, vocab_size), np.random.randn(n_a, n_a), np.random.randn(vocab_size, n_a)
        b, by = np.random.randn(n_a, 1), np.random.randn(vocab_size, 1)
        p = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}
        X = [12, 3, 5, 11, 22, 3]
        Y = [4, 14, 11, 22, 25, 26]
        loss, g, a_last = optimize(X, Y, a_prev, p, learning_rate=0.01)
        print("Loss =", loss)
        print("gradients[\"dWaa\"][1][2] =", g["dWaa"][1][2])
        print("np.argmax(gradients[\"dWax\"]) =", np.argmax(g["dWax"]))
        print("gradients[\"dWya\"][1][2] =", g["dWya"][1][2])
        print("gradients[\"db\"][4] =", g["db"][4])
        print("gradients[\"dby\"][1] =", g["dby"][1])
        print("a_last[4] =", a_last[4])
        result["optimize"] = [("loss", float(loss))] + [(k, g[k]) for k in ("dWaa", "dWax", "dWya", "db", "dby")] + \
            [("a_last", a_last)]
    lines = captured(optimize_test)
    out.append(("optimize", result["optimize"], lines))
    return out


# --- Emojify (Sequence Models, week 2): the notebooks' toy tests of the two preprocessing functions -------------
def sentence_to_avg(sentence, word_to_vec_map):
    words = sentence.lower().split()
    any_word = list(word_to_vec_map.keys())[0]
    avg = np.zeros(word_to_vec_map[any_word].shape)
    count = 0
    for w in words:
        if w in word_to_vec_map:
            avg += word_to_vec_map[w]
            count += 1
    if count > 0:
        avg = avg / count
    return avg


def sentences_to_indices(X, word_to_index, max_len):
    m = X.shape[0]
    X_indices = np.zeros((m, max_len))
    for i in range(m):
        j = 0
        for w in X[i].lower().split():
            if w in word_to_index:  # 2021: unknown words are skipped
                X_indices[i, j] = word_to_index[w]
                j = j + 1
                if j == max_len:
                    break
    return X_indices


def emojify_examples():
    """[(function, [(key, array)])]: not printed (the C++ prints its own lines); arrays only."""
    word_to_vec_map = {"a": [3, 3], "synonym_of_a": [3, 3], "a_nw": [2, 4], "a_s": [3, 2], "c": [-2, 1],
                       "c_n": [-2, 2], "c_ne": [-1, 2], "c_e": [-1, 1], "c_se": [-1, 0], "c_s": [-2, 0],
                       "c_sw": [-3, 0], "c_w": [-3, 1], "c_nw": [-3, 2]}
    word_to_vec_map = {k: np.array(v, dtype=np.float64) for k, v in word_to_vec_map.items()}
    sentences = ["a a_nw c_w a_s", "love", "c_se foo a a_nw c_w a_s deeplearning c_nw"]
    avgs = [("avg_%d" % (i + 1), sentence_to_avg(s, word_to_vec_map)) for i, s in enumerate(sentences)]
    words = ["i", "like", "learning", "deep", "machine", "love", "smile", "\u00b40.="]
    word_to_index = {w: i for i, w in enumerate(words)}
    X1 = np.array(["I like deep learning", "deep \u00b40.= love machine", "machine learning smile"])
    return [("sentence_to_avg", avgs),
            ("sentences_to_indices", [("X1_indices", sentences_to_indices(X1, word_to_index, max_len=4))])]


def sample_v3a():
    """The v3a notebook's sample test: np.random.seed(2), otherwise as 2021's."""
    return [int(i) for i in sample(sample_parameters(2), CHAR_TO_IX, 0)]


# --- how numpy prints: samples for the C++ formatter, including cases the course lines do not reach --------------
def format_samples():
    np.random.seed(2)
    arrays = [
        np.random.randn(12),                         # wraps at 75 columns, signs
        np.abs(np.random.randn(7)),                  # no negative: no sign column
        np.array([1.0, 2.0, -3.0]),                  # integers: "1." with the point kept
        np.array([0.5, 0.25, 0.125, 1e-9]),          # a tiny value: scientific for all
        np.array([1.5e-05, -2.25e-07, 3.0e-06]),     # scientific, padded mantissas
        np.array([1234.5678901234, 0.5]),            # ratio above 1e3: scientific
        np.array([123456.789012345, -7.25, 99.0]),   # wide integer parts
        np.array([0.0, -0.0, 1.0 / 3.0]),            # zeros
        np.random.randn(25) * 10,                    # several lines
        np.array([-0.74747722]),
    ]
    scalars = [0.17211776753291663, -1.3872130506020928, 11.264104496527775, 1.0, 0.0, 1e-05, 1.5e-05, -2.5e-07,
               123456789.0, 1e16, 0.0001, 0.1, 2.0 / 3.0]
    return ([{"values": ["%.17g" % v for v in a], "str": str(a)} for a in arrays],
            [{"value": "%.17g" % v, "str": str(np.float64(v))} for v in scalars])


# --- compact JSON: one line per array, 17 significant digits ---------------------------------------------------
def nested(arr):
    if arr.ndim == 1:
        return "[" + ",".join("%.17g" % v for v in arr) + "]"
    return "[" + ",".join(nested(sub) for sub in arr) + "]"


def json_value(value, indent):
    """An array (nested lists), a float, a list of ints, or a group [(key, value)] (an object)."""
    if isinstance(value, float):
        return "%.17g" % value
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        pad = " " * (indent + 2)
        body = ",\n".join(f'{pad}"{k}": {json_value(v, indent + 2)}' for k, v in value)
        return "{\n" + body + "\n" + " " * indent + "}"
    if isinstance(value, list):
        return "[" + ",".join(str(int(v)) for v in value) + "]"
    return nested(np.asarray(value, dtype=np.float64))


def main():
    ex = examples() + dinosaur_examples()
    parts = [f'  "{name}": {json_value(arrays, 2)}' for name, arrays, _ in ex]
    parts += [f'  "{name}": {json_value(arrays, 2)}' for name, arrays in emojify_examples()]
    printed = []
    for name, _, lines in ex:
        printed.append(name)
        printed.extend(lines)
        printed.append("")
    array_samples, scalar_samples = format_samples()
    text = ('{\n"generator": "scripts/refs/make_course_reference.py",\n'
            f'"numpy": "{np.__version__}",\n'
            '"functions": {\n' + ",\n".join(parts) + "\n},\n"
            '"printed": ' + json.dumps(printed, indent=0) + ",\n"
            '"sample_v3a": ' + json.dumps(sample_v3a()) + ",\n"
            '"array_str_samples": ' + json.dumps(array_samples, indent=0) + ",\n"
            '"scalar_str_samples": ' + json.dumps(scalar_samples, indent=0) + "\n}\n")
    json.loads(text)  # well-formed
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text)} bytes)")
    for line in printed:
        print(line)


if __name__ == "__main__":
    main()
