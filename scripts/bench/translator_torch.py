#!/usr/bin/env python3
"""The PyTorch reference for `unroll-cli bench translator` and `unroll-cli train translator`: the course's date
translator (Sequence Models course, "Neural machine translation with attention"; Bahdanau et al. 2015) in PyTorch.

Model, as core/translate/Translator.hpp builds it:
  a = [forward LSTM; backward LSTM](onehot(x))            bidirectional nn.LSTM(37 -> n_a 32), (m, Tx 30, 64)
  for t = 1..Ty 10, from s = c = 0:
    e       = relu(Linear(10, 1)(tanh(Linear(128, 10)([a; repeat(s)]))))   the course's one_step_attention
    alpha   = softmax of e over Tx;  context = sum_t' alpha<t'> a<t'>      (m, 64)
    s, c    = LSTMCell(64 -> n_s 64)(context, (s, c))
    logits  = Linear(64, 11)(s)
  loss = sum over the Ty steps of the cross-entropy averaged over the batch (Keras' multi-output loss).
Adam (lr 0.005, betas 0.9 / 0.999, eps 1e-7 as Keras), batch 100, the examples shuffled each epoch, the learning rate
lr / (1 + 0.01 * epoch) per epoch as TranslatorTask does. Weights start as Keras' do (Glorot-uniform kernels,
orthogonal recurrent kernels, zero biases, forget-gate bias 1) except the attention's energy bias, which starts at 1
as in Unroll's Translator::initialize (with Keras' 0 the relu'd energies can all die early; --energy-bias 0 for
Keras' start), so --train compares like with like.

Data: the pairs `unroll-cli dates --n N --seed S --json` prints (the course's generator, in C++), or a TSV file
(source<TAB>target per line) given with --data; sources are encoded with the course's human_vocab (lower-case, commas
removed, unknown characters <unk>, padded with <pad> to 30), targets with machine_vocab.

Modes:
  (default) benchmark: --epochs epochs over the first 10,000 pairs; the first warms up; prints seconds per epoch
            (median of the rest) and examples per second, as `unroll-cli bench translator --json` does.
  --train   trains --epochs (default 20) epochs on 10,000 pairs and scores greedy decoding on the next 1,000 (the
            split `unroll-cli train translator` makes of 11,000 generated dates) after each epoch: exact match and
            per-character accuracy.

Usage:
  OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/translator_torch.py --cli build/app/unroll-cli [--json]
  OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/translator_torch.py --cli build/app/unroll-cli --train
(the CORETYPE only on an AVX-512 CPU that OpenBLAS 0.3.21 does not recognise, else it falls back to SSE kernels).
"""
import argparse
import json
import math
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The course's vocabularies (nmt_utils.load_dataset): human_vocab (37) and machine_vocab (11).
HUMAN = [" ", ".", "/"] + [str(d) for d in range(10)] + list("abcdefghijlmnoprstuvwy") + ["<unk>", "<pad>"]
MACHINE = ["-"] + [str(d) for d in range(10)]
TX, TY = 30, 10


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", default="build/app/unroll-cli", help="unroll-cli, to generate the dates")
    ap.add_argument("--data", help="a TSV file of pairs instead of generated dates")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated dates and of the weights")
    ap.add_argument("--train", action="store_true", help="train and report held-out accuracy instead of timing")
    ap.add_argument("--epochs", type=int, help="epochs (default: 3 to time, 20 with --train)")
    ap.add_argument("--examples", type=int, default=10000, help="training pairs")
    ap.add_argument("--held-out", type=int, default=1000, help="--train: pairs scored after each epoch")
    ap.add_argument("--batch", type=int, default=100, help="examples per step")
    ap.add_argument("--lr", type=float, default=0.005, help="Adam's learning rate")
    ap.add_argument("--decay", type=float, default=0.01, help="per-epoch decay: lr / (1 + decay * epoch)")
    ap.add_argument("--energy-bias", type=float, default=1.0,
                    help="initial bias of the attention's Dense(1) (Unroll: 1, Keras: 0)")
    ap.add_argument("--threads", type=int, default=2,
                    help="torch.set_num_threads (0: torch's default, 1 on this machine, with OpenBLAS's own pool)")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    a = ap.parse_args()
    if a.epochs is None:
        a.epochs = 20 if a.train else 3
    for name in ("epochs", "examples", "batch"):
        if getattr(a, name) < 1:
            ap.error(f"--{name.replace('_', '-')} {getattr(a, name)}: expected a positive integer")
    if not a.train and a.epochs < 2:
        ap.error("--epochs: at least 2 to time (the first warms up)")
    return a


def load_pairs(a, n):
    if a.data:
        pairs = []
        with open(a.data, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not line or line.startswith("#"):
                    continue
                if "\t" not in line:
                    sys.exit(f"{a.data}: line {number}: no tab between source and target")
                pairs.append(tuple(line.split("\t", 1)))
        if len(pairs) < n:
            sys.exit(f"{a.data}: {len(pairs)} pairs, {n} needed")
        return pairs[:n]
    out = subprocess.run([a.cli, "dates", "--n", str(n), "--seed", str(a.seed), "--json"], check=True,
                         capture_output=True, text=True).stdout
    doc = json.loads(out)
    rows = doc["pairs"] if isinstance(doc, dict) else doc
    return [(r["source"], r["target"]) if isinstance(r, dict) else (r[0], r[1]) for r in rows]


def encode(pairs):
    """The course's string_to_int for sources; targets must be 10 characters of machine_vocab."""
    index = {c: i for i, c in enumerate(HUMAN)}
    target_index = {c: i for i, c in enumerate(MACHINE)}
    X = torch.full((len(pairs), TX), index["<pad>"], dtype=torch.long)
    Y = torch.zeros((len(pairs), TY), dtype=torch.long)
    for k, (source, target) in enumerate(pairs):
        s = source.lower().replace(",", "")[:TX]
        for j, ch in enumerate(s):
            X[k, j] = index.get(ch, index["<unk>"])
        if len(target) != TY:
            sys.exit(f"pair {k + 1}: target {target!r} is not {TY} characters")
        Y[k] = torch.tensor([target_index[ch] for ch in target])
    return X, Y


def keras_lstm_init(weight_ih, weight_hh, bias_ih, bias_hh, n):
    """Glorot-uniform input kernel, orthogonal recurrent kernel, zero bias with the forget gate's at 1 (PyTorch's
    gate order i, f, g, o). PyTorch's LSTM adds two bias vectors where Keras has one: bias_hh stays zero and frozen,
    so the model has the course's 52,960 trainable parameters and the same function."""
    nn.init.xavier_uniform_(weight_ih)
    for g in range(4):  # Keras draws one orthogonal (n, 4n) kernel; per-gate blocks are as good a start
        nn.init.orthogonal_(weight_hh.data[g * n:(g + 1) * n])
    nn.init.zeros_(bias_ih)
    bias_ih.data[n:2 * n] = 1.0
    nn.init.zeros_(bias_hh)
    bias_hh.requires_grad_(False)


class Translator(nn.Module):
    def __init__(self, n_a=32, n_s=64, n_h=10, energy_bias=1.0):
        super().__init__()
        self.n_s = n_s
        self.encoder = nn.LSTM(len(HUMAN), n_a, batch_first=True, bidirectional=True)
        self.densor1 = nn.Linear(2 * n_a + n_s, n_h)
        self.densor2 = nn.Linear(n_h, 1)
        self.decoder = nn.LSTMCell(2 * n_a, n_s)
        self.output = nn.Linear(n_s, len(MACHINE))
        e = self.encoder
        keras_lstm_init(e.weight_ih_l0, e.weight_hh_l0, e.bias_ih_l0, e.bias_hh_l0, n_a)
        keras_lstm_init(e.weight_ih_l0_reverse, e.weight_hh_l0_reverse, e.bias_ih_l0_reverse, e.bias_hh_l0_reverse, n_a)
        d = self.decoder
        keras_lstm_init(d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh, n_s)
        for layer in (self.densor1, self.densor2, self.output):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
        nn.init.constant_(self.densor2.bias, energy_bias)

    def forward(self, x):
        """x: (m, Tx) symbol ids -> logits (Ty, m, 11), attention (Ty, m, Tx)."""
        m = x.shape[0]
        a, _ = self.encoder(F.one_hot(x, len(HUMAN)).float())  # (m, Tx, 2 n_a)
        s = a.new_zeros(m, self.n_s)
        c = a.new_zeros(m, self.n_s)
        logits, alphas = [], []
        for _ in range(TY):
            concat = torch.cat([a, s.unsqueeze(1).expand(-1, TX, -1)], dim=-1)           # (m, Tx, 128)
            energies = F.relu(self.densor2(torch.tanh(self.densor1(concat)))).squeeze(-1)  # (m, Tx)
            alpha = torch.softmax(energies, dim=1)
            context = torch.bmm(alpha.unsqueeze(1), a).squeeze(1)                          # (m, 2 n_a)
            s, c = self.decoder(context, (s, c))
            logits.append(self.output(s))
            alphas.append(alpha)
        return torch.stack(logits), torch.stack(alphas)


def loss_of(logits, y):
    """Sum over the Ty steps of the batch-mean cross-entropy. logits (Ty, m, 11), y (m, Ty)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.t().reshape(-1), reduction="sum") / y.shape[0]


def train_epoch(model, opt, X, Y, batch, generator):
    order = torch.randperm(X.shape[0], generator=generator)
    total, steps = torch.zeros(()), 0
    for b in range(0, X.shape[0], batch):
        idx = order[b:b + batch]
        logits, _ = model(X[idx])
        loss = loss_of(logits, Y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.detach()
        steps += 1
    return float(total) / steps


@torch.no_grad()
def score(model, X, Y):
    logits, _ = model(X)
    pred = logits.argmax(-1).t()  # (m, Ty)
    return float((pred == Y).all(dim=1).float().mean()), float((pred == Y).float().mean())


def main():
    a = parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    n_held = a.held_out if a.train else 0
    pairs = load_pairs(a, a.examples + n_held)
    X, Y = encode(pairs)
    Xtr, Ytr = X[:a.examples], Y[:a.examples]
    model = Translator(energy_bias=a.energy_bias)
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(trainable, lr=a.lr, betas=(0.9, 0.999), eps=1e-7)
    generator = torch.Generator().manual_seed(a.seed)
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "examples": a.examples,
            "batch": a.batch, "parameters": sum(p.numel() for p in trainable)}

    epochs = []
    for e in range(a.epochs):
        for group in opt.param_groups:
            group["lr"] = a.lr / (1 + a.decay * e)
        t0 = time.perf_counter()
        loss = train_epoch(model, opt, Xtr, Ytr, a.batch, generator)
        seconds = time.perf_counter() - t0
        record = {"epoch": e + 1, "loss": loss, "seconds": seconds, "learning_rate": a.lr / (1 + a.decay * e)}
        if a.train:
            record["exact_match"], record["char_accuracy"] = score(model, X[a.examples:], Y[a.examples:])
        epochs.append(record)
        if not a.json:
            extra = (f", exact match {100 * record['exact_match']:.1f}%, char accuracy "
                     f"{100 * record['char_accuracy']:.1f}%") if a.train else ""
            print(f"epoch {e + 1}/{a.epochs}: loss {loss:.4f}{extra}, {seconds:.2f} s", file=sys.stderr)

    if a.train:
        out = {**info, "held_out": n_held, "epochs": epochs, "exact_match": epochs[-1]["exact_match"],
               "char_accuracy": epochs[-1]["char_accuracy"]}
    else:
        timed = [r["seconds"] for r in epochs[1:]]
        sec = statistics.median(timed)
        out = {**info, "sec_per_epoch": sec, "examples_per_s": a.examples / sec, "epoch_seconds": timed,
               "final_loss": epochs[-1]["loss"]}
    if a.json:
        print(json.dumps(out, indent=1))
    elif a.train:
        print(f"torch {info['torch']}, {info['threads']} threads: held-out exact match "
              f"{100 * out['exact_match']:.1f}% after {a.epochs} epochs")
    else:
        print(f"torch {info['torch']}, {info['threads']} threads: {out['sec_per_epoch']:.3f} s per epoch, "
              f"{out['examples_per_s']:.0f} examples/s (median of {len(timed)} after a warm-up)")


if __name__ == "__main__":
    main()
