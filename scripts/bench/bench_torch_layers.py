#!/usr/bin/env python3
"""PyTorch reference for `unroll-cli bench layers`: the same layer, sizes and work, timed the same way.

conv1d: the trigger-word model's first layer (course §7.3: Keras Conv1D(196, 15, strides=4), 'valid', on a (5511, 101)
spectrogram), batch 8, float32. One repetition = forward + backward of the layer alone: the loss is sum(R * y) for a
fixed random R, so backward starts from dY = R and computes dW, db and (unless --no-input-grad) dX, as Unroll's
Conv1D::backward does. Reported: the median over --reps repetitions, in ms.

gru_keras: the trigger model's GRU(128) over 1,375 steps of 196, batch 8 (see gru_keras_entry).

attention_step: one decoder step of the date-translation model at batch 100 (see attention_step_entry).

Later entries are appended to LAYERS; each prints one line and one object of the "layers" list.

Run with Debian's PyTorch on OpenBLAS: OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 bench_torch_layers.py [--json]
(the CORETYPE only on an AVX-512 CPU that OpenBLAS 0.3.21 does not recognise, else it falls back to SSE kernels).
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F


def timed(once, args, per=1):
    """Runs once() args.warmup times, then args.reps times; the ms of each timed run divided by per."""
    for _ in range(args.warmup):
        once()
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        once()
        times.append((time.perf_counter() - t0) * 1e3 / per)
    return times


def conv1d_entry(args):
    Tx, n_x, n_f, k, s, m = 5511, 101, 196, 15, 4, args.batch
    T_out = (Tx - k) // s + 1
    g = torch.Generator().manual_seed(args.seed)
    x = torch.randn(m, n_x, Tx, generator=g, requires_grad=not args.no_input_grad)  # PyTorch layout (N, C, L)
    w = (torch.rand(n_f, n_x, k, generator=g) * 2 - 1).mul_(0.05).requires_grad_()
    b = torch.zeros(n_f, requires_grad=True)
    R = torch.randn(m, n_f, T_out, generator=g)

    def once():
        y = F.conv1d(x, w, b, stride=s)  # (m, n_f, T_out)
        y.backward(R)                    # dY = R, the gradient of sum(R * y)
        # Gradients accumulate like Unroll's; clear them as its zeroGrads() does (not timed separately).
        w.grad = None
        b.grad = None
        if x.grad is not None:
            x.grad = None

    times = timed(once, args)
    flops = 2 * n_f * k * n_x * m * T_out * (2 if args.no_input_grad else 3)  # forward, dW, (dX) products
    ms = statistics.median(times)
    return {"name": "conv1d", "ms": ms, "ms_min": min(times), "ms_max": max(times), "gflops": flops / ms / 1e6,
            "shape": f"m{m} T{Tx} n_x{n_x} n_f{n_f} k{k} s{s} T_out{T_out}", "input_grad": not args.no_input_grad}


def gru_keras_entry(args):
    """The trigger-word model's GRU: 128 units over 1,375 steps of 196 channels, batch 8 unless --batch is given;
    PyTorch's nn.GRU applies the reset gate after the recurrent product, as Keras' reset_after=True. Forward over all
    steps, backward from a fixed random dA at every step, with dX."""
    T, n_x, n_a, m = 1375, 196, 128, args.batch
    g = torch.Generator().manual_seed(args.seed)
    gru = torch.nn.GRU(n_x, n_a)  # (T, m, n) layout
    x = torch.randn(T, m, n_x, generator=g, requires_grad=True)
    dA = torch.randn(T, m, n_a, generator=g)

    def once():
        for p in [*gru.parameters(), x]:
            p.grad = None
        y, _ = gru(x)
        y.backward(dA)

    times = timed(once, args)
    flops = 2 * 3 * 3 * n_a * (n_x + n_a) * m * T
    ms = statistics.median(times)
    return {"name": "gru_keras", "ms": ms, "ms_min": min(times), "ms_max": max(times), "gflops": flops / ms / 1e6,
            "shape": f"m{m} T{T} n_x{n_x} n_a{n_a}", "input_grad": True}


def attention_step_entry(args):
    """One decoder step of the date-translation model (course: one_step_attention + post-attention LSTM + Dense(11,
    softmax)), batch 100 unless --batch is given: concat [a; repeat(s_prev)] -> Dense(10, tanh) -> Dense(1, relu) ->
    softmax over T_x -> context -> LSTMCell(64) -> Linear(11) -> cross-entropy (sum); backward to every parameter, A
    and s_prev. A repetition runs 20 steps; reported per step."""
    m = args.batch if args.batch_given else 100
    Tx, n_a, n_s, n_h, n_y, steps = 30, 64, 64, 10, 11, 20
    g = torch.Generator().manual_seed(args.seed)
    d1, d2 = torch.nn.Linear(n_a + n_s, n_h), torch.nn.Linear(n_h, 1)
    post, out = torch.nn.LSTMCell(n_a, n_s), torch.nn.Linear(n_s, n_y)
    A = torch.randn(m, Tx, n_a, generator=g, requires_grad=True)
    s_prev = torch.randn(m, n_s, generator=g, requires_grad=True)
    c_prev = torch.randn(m, n_s, generator=g)
    y = torch.randint(0, n_y, (m,), generator=g)
    params = [*d1.parameters(), *d2.parameters(), *post.parameters(), *out.parameters(), A, s_prev]

    def step():
        for p in params:
            p.grad = None
        concat = torch.cat([A, s_prev.unsqueeze(1).expand(-1, Tx, -1)], dim=-1)  # (m, Tx, 128)
        alpha = torch.softmax(torch.relu(d2(torch.tanh(d1(concat)))), dim=1)    # (m, Tx, 1)
        context = (alpha * A).sum(dim=1)                                        # (m, 64)
        h, _ = post(context, (s_prev, c_prev))
        F.cross_entropy(out(h), y, reduction="sum").backward()

    def once():
        for _ in range(steps):
            step()

    times = timed(once, args, per=steps)
    flops = 2 * 3 * (n_h * (n_a + n_s) * m * Tx + 4 * n_s * (n_a + n_s) * m)
    ms = statistics.median(times)
    return {"name": "attention_step", "ms": ms, "ms_min": min(times), "ms_max": max(times),
            "gflops": flops / ms / 1e6, "shape": f"m{m} T_x{Tx} n_a{n_a} n_s{n_s} n_h{n_h} n_y{n_y}",
            "input_grad": True}


LAYERS = {"conv1d": conv1d_entry, "gru_keras": gru_keras_entry, "attention_step": attention_step_entry}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layers", default=",".join(LAYERS), help="comma-separated: " + ", ".join(LAYERS))
    ap.add_argument("--batch", type=int, default=0, help="batch size (default: each layer's course batch)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    ap.add_argument("--no-input-grad", action="store_true", help="skip dX (the first layer of a model needs none)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = ap.parse_args()
    args.batch_given = args.batch > 0
    if not args.batch_given:
        args.batch = 8  # conv1d's course batch; attention_step uses 100
    if args.threads:
        torch.set_num_threads(args.threads)
    entries = []
    for name in args.layers.split(","):
        if name not in LAYERS:
            ap.error(f"unknown layer '{name}' (known: {', '.join(LAYERS)})")
        entries.append(LAYERS[name](args))
    info = {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"), "batch": args.batch if args.batch_given else None, "reps": args.reps}
    if args.json:
        print(json.dumps({"layers": entries, **info}))
    else:
        for e in entries:
            print(f"torch {e['name']}  {e['ms']:.1f} ms per forward+backward (median of {args.reps}; "
                  f"min {e['ms_min']:.1f}, max {e['ms_max']:.1f})  {e['gflops']:.1f} GFLOP/s  {e['shape']}  "
                  f"threads {info['torch_threads']}")


if __name__ == "__main__":
    main()
