#!/usr/bin/env python3
"""scipy and matplotlib reference for the spectrogram figure of `unroll-cli bench audio` (benchCourseSpectrogram in
core/audio/Spectrogram.cpp): the course spectrogram of 10 s of 44.1 kHz noise.

The signal: np.random.seed(0); np.random.random_sample(441000) * 2 - 1 as float32, the same numbers Unroll draws
(its Rng is numpy's legacy MT19937). The parameters: the course's graph_spectrogram ("Sequence Models", Trigger word
detection notebook), plt.specgram(x, NFFT=200, Fs=8000, noverlap=120): a 200-sample Hann window, hop 80,
one-sided power spectral density scaled by Fs = 8000, no detrending.

  matplotlib: matplotlib.mlab.specgram(x, NFFT=200, Fs=8000, noverlap=120) (the function pyplot.specgram calls,
              without the drawing)
  scipy:      scipy.signal.spectrogram(x, fs=8000, window=np.hanning(200), nperseg=200, noverlap=120,
              detrend=False, scaling='density', mode='psd') (numpy.hanning: matplotlib's symmetric window, where
              scipy's 'hann' would be periodic)

Each is run once to warm up and then --repeats times; the median seconds of each are printed as JSON, with the
output shape so the reader can see both computed the same (101, 5511) array, and the largest relative difference
between the two (they agree to float rounding).

Run: OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/spectrogram_ref.py [--repeats 20]
"""
import argparse
import json
import statistics
import time

import numpy as np
import scipy
import scipy.signal
import matplotlib
import matplotlib.mlab as mlab


def median_seconds(f, repeats):
    f()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()

    np.random.seed(0)
    x = (np.random.random_sample(441000) * 2 - 1).astype(np.float32)
    window = np.hanning(200)

    def run_scipy():
        return scipy.signal.spectrogram(x, fs=8000, window=window, nperseg=200, noverlap=120, detrend=False,
                                        scaling="density", mode="psd")[2]

    def run_matplotlib():
        return mlab.specgram(x, NFFT=200, Fs=8000, noverlap=120)[0]

    ps, pm = run_scipy(), run_matplotlib()
    result = {
        "signal": "10 s of 44.1 kHz uniform noise, numpy seed 0",
        "params": {"nfft": 200, "hop": 80, "window": "hann (numpy.hanning)", "scale_fs": 8000},
        "repeats": args.repeats,
        "scipy": {"version": scipy.__version__, "median_s": median_seconds(run_scipy, args.repeats),
                  "shape": list(ps.shape)},
        "matplotlib": {"version": matplotlib.__version__, "median_s": median_seconds(run_matplotlib, args.repeats),
                       "shape": list(pm.shape)},
        "max_rel_diff_scipy_vs_matplotlib": float(np.max(np.abs(ps - pm)) / np.max(np.abs(pm))),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
