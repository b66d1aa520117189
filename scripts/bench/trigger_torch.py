#!/usr/bin/env python3
"""PyTorch reference for `unroll-cli bench audio`: the trigger-word detector of the course ("Sequence Models", the
Trigger word detection notebook, § "Model") written in PyTorch with Keras' semantics, timed as Unroll times it.

The model (the course preset; --preset small for Unroll's small one):
  Conv1D(196, 15, strides=4) 'valid' -> BatchNorm -> ReLU -> Dropout(0.8)
  GRU(128) -> Dropout(0.8) -> BatchNorm -> GRU(128) -> Dropout(0.8) -> BatchNorm -> Dropout(0.8)
  Dense(1, sigmoid) per step, binary cross-entropy averaged over batch x steps
PyTorch's GRU is Keras' reset_after=True variant (r multiplies W_hn h + b_hn; two bias vectors) and has the same
523,329 values (checked below). BatchNorm: eps 1e-3, momentum 0.01 (PyTorch's convention for Keras' 0.99),
statistics over batch x time. Keras' initialisers (glorot-uniform kernels, orthogonal recurrent kernels, zero biases).

Timed, float32, torch.set_num_threads(--threads, default 2):
  train_step_s  one Adam(1e-3) step at batch 8 on (8, 101, 5511) spectrograms: zero_grad, forward, loss, backward,
                step (the input needs no gradient, as in Unroll)
  inference_s   eval mode, no_grad, one 10 s clip (1, 101, 5511) -> 1375 probabilities
Medians over --reps runs after --warmup runs. Run with Debian's PyTorch on OpenBLAS:
  OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/trigger_torch.py --json
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "course": dict(filters=196, kernel=15, stride=4, gru1=128, gru2=128, dropout=0.8, log=False),
    "small": dict(filters=32, kernel=15, stride=4, gru1=64, gru2=0, dropout=0.25, log=True),
}


class Detector(nn.Module):
    def __init__(self, n_freq, filters, kernel, stride, gru1, gru2, dropout, log):
        super().__init__()
        self.log = log
        self.conv = nn.Conv1d(n_freq, filters, kernel, stride=stride)
        self.conv_norm = nn.BatchNorm1d(filters, eps=1e-3, momentum=0.01)
        self.gru1 = nn.GRU(filters, gru1, batch_first=True)
        self.norm1 = nn.BatchNorm1d(gru1, eps=1e-3, momentum=0.01)
        self.gru2 = nn.GRU(gru1, gru2, batch_first=True) if gru2 else None
        self.norm2 = nn.BatchNorm1d(gru2, eps=1e-3, momentum=0.01) if gru2 else None
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(gru2 or gru1, 1)
        for m in self.modules():  # Keras' initialisers
            if isinstance(m, (nn.Conv1d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.GRU):
                for name, p in m.named_parameters():
                    if "weight_ih" in name:
                        nn.init.xavier_uniform_(p)
                    elif "weight_hh" in name:
                        for g in range(3):
                            nn.init.orthogonal_(p.data[g * p.shape[1]:(g + 1) * p.shape[1]])
                    else:
                        nn.init.zeros_(p)

    @staticmethod
    def norm(bn, h):  # BatchNorm over channels of a (batch, time, channels) tensor
        return bn(h.transpose(1, 2)).transpose(1, 2)

    def forward(self, x):  # x: (batch, n_freq, Tx) power -> logits (batch, Ty)
        if self.log:
            x = torch.log(x + 1e-10)
        h = self.drop(F.relu(self.conv_norm(self.conv(x))))  # (batch, filters, Ty)
        h, _ = self.gru1(h.transpose(1, 2))                     # (batch, Ty, gru1)
        h = self.norm(self.norm1, self.drop(h))
        if self.gru2 is not None:
            h, _ = self.gru2(h)
            h = self.drop(self.norm(self.norm2, self.drop(h)))
        return self.out(h).squeeze(-1)


def median_seconds(once, warmup, reps):
    for _ in range(warmup):
        once()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=sorted(PRESETS), nargs="*", default=["small", "course"])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    result = {"inference_s": {}, "train_step_s": {}, "threads": args.threads, "torch": torch.__version__}
    for preset in args.preset:
        model = Detector(101, **PRESETS[preset])
        if preset == "course":
            total = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers()
                                                                       if b.dtype.is_floating_point)
            assert total == 523329, total  # the notebook's "Total params: 523,329"
        Tx, m = 5511, args.batch
        x = torch.exp(torch.randn(m, 101, Tx) * 3 - 7)  # spectrogram-like power, as Unroll's bench
        Ty = (Tx - 15) // 4 + 1
        y = (torch.rand(m, Ty) < 0.1).float()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def train_step():
            model.train()
            opt.zero_grad(set_to_none=True)
            loss = F.binary_cross_entropy_with_logits(model(x), y)
            loss.backward()
            opt.step()

        clip = x[:1].clone()

        def infer():
            model.eval()
            with torch.no_grad():
                torch.sigmoid(model(clip))

        result["train_step_s"][preset] = median_seconds(train_step, args.warmup, args.reps)
        result["inference_s"][preset] = median_seconds(infer, args.warmup, args.reps)
        if not args.json:
            print(f"{preset}: train step (batch {m}) {result['train_step_s'][preset]:.4f} s, "
                  f"inference (one 10 s clip) {result['inference_s'][preset]:.4f} s")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
