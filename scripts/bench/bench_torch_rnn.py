#!/usr/bin/env python3
"""The PyTorch reference for `unroll-cli bench rnn`: the same character-model training work, the same flags.

Model: one-hot(V) -> nn.RNN / nn.GRU / nn.LSTM (H, one layer, batch_first) -> nn.Linear(H, V) -> softmax cross-entropy
(mean over the B*T predictions). Data: B streams of 100*T + 1 uniform random characters, read in windows of T with the
hidden state carried (detached: truncated BPTT) and reset when the streams wrap. Each step: forward, backward,
element-wise gradient clipping at 5, then Adam (lr 2e-3) or SGD (lr 0.1). 20 warm-up steps, then --reps repetitions
of --steps steps; throughput = B*T characters per step over the wall time of a repetition.

Prints one text line (median, min and max characters per second, GFLOP/s), then one JSON document with the keys of
`unroll-cli bench rnn --json` (name, chars_per_s, chars_per_s_min, chars_per_s_max, chars_per_s_reps, flops_per_char,
gflops, final_loss, threads) plus the torch version. flops_per_char counts the forward and backward matrix products
exactly as core/train/RnnBench.cpp does, so GFLOP/s compare directly.

Usage:
  OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/bench_torch_rnn.py --cell lstm --hidden 128 \
      --batch 32 --seq 50 --vocab 65 --opt adam [--steps 100] [--reps 5] [--threads K] [--seed 0]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cell", choices=sorted(CELLS), default="rnn", help="rnn, gru or lstm")
    ap.add_argument("--hidden", type=int, default=100, help="hidden units H")
    ap.add_argument("--batch", type=int, default=1, help="batch size B")
    ap.add_argument("--seq", type=int, default=25, help="BPTT window T")
    ap.add_argument("--vocab", type=int, default=27, help="vocabulary V")
    ap.add_argument("--opt", choices=["adam", "sgd"], default="adam", help="adam (lr 2e-3) or sgd (lr 0.1)")
    ap.add_argument("--steps", type=int, default=300, help="steps per repetition")
    ap.add_argument("--reps", type=int, default=5, help="repetitions (the median is reported)")
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the data and the weights")
    a = ap.parse_args()
    for name in ("hidden", "batch", "seq", "steps", "reps"):
        if getattr(a, name) < 1:
            ap.error(f"--{name} {getattr(a, name)}: expected a positive integer")
    if a.vocab < 2:
        ap.error(f"--vocab {a.vocab}: expected at least 2")
    return a


class CharModel(nn.Module):
    def __init__(self, cell, vocab, hidden):
        super().__init__()
        self.vocab = vocab
        self.rnn = CELLS[cell](vocab, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, h):
        # x: (B, T) character ids -> logits: (B, T, V); h: the carried state (None: zeros)
        y, h = self.rnn(F.one_hot(x, self.vocab).float(), h)
        return self.out(y), h


def detach(h):
    return tuple(s.detach() for s in h) if isinstance(h, tuple) else h.detach()


def flops_per_char(cell, V, H):
    g = GATES[cell]
    forward = 2 * g * H * (V + H) + 2 * V * H  # gate products and the output layer
    backward = 2 * forward - 2 * g * H * V     # weight and input gradients, less the one-hot input's
    return forward + backward


def main():
    a = parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    V, H, B, T = a.vocab, a.hidden, a.batch, a.seq

    model = CharModel(a.cell, V, H)
    if a.opt == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
    data = torch.randint(0, V, (B, 100 * T + 1))
    state = {"h": None, "p": 0, "loss": torch.tensor(float("nan"))}

    def run(n):
        for _ in range(n):
            p = state["p"]
            if p + T + 1 > data.shape[1]:
                p, state["h"] = 0, None
            x, y = data[:, p:p + T], data[:, p + 1:p + T + 1]
            logits, h = model(x, state["h"])
            state["h"] = detach(h)
            loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_value_(model.parameters(), 5.0)
            opt.step()
            state["p"] = p + T
            state["loss"] = loss.detach()  # read once at the end: .item() every step would add a sync

    run(20)  # warm-up
    rates = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        run(a.steps)
        rates.append(a.steps * B * T / (time.perf_counter() - t0))
    median = statistics.median(rates)
    fpc = flops_per_char(a.cell, V, H)
    threads = torch.get_num_threads()
    name = f"torch_{a.cell}_H{H}_B{B}_T{T}_V{V}_{a.opt}_thr{threads}"
    print(f"{name}  {median:.0f} chars/s (median of {a.reps}; min {min(rates):.0f}, max {max(rates):.0f})  "
          f"{median * fpc / 1e9:.2f} GFLOP/s")
    print(json.dumps({"name": name, "chars_per_s": median, "chars_per_s_min": min(rates),
                      "chars_per_s_max": max(rates), "chars_per_s_reps": rates, "flops_per_char": fpc,
                      "gflops": median * fpc / 1e9, "final_loss": float(state["loss"]), "threads": threads,
                      "torch": torch.__version__}, indent=2))


if __name__ == "__main__":
    main()
