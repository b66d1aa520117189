#!/usr/bin/env python3
"""Reference values for tests/core/nn/tst_recurrent.cpp (kerasGruMatchesNumpyReference).

A Keras GRU(reset_after=True) written out in numpy, following the equations of Keras' GRUCell (recurrent_activation
sigmoid, activation tanh). Inputs and weights are small fixed numbers (not random) so the test can spell them out.
Run: /usr/bin/python3 scripts/refs/keras_gru_reference.py
"""
import numpy as np

n_x, n_a, m, T = 3, 2, 2, 3
# Keras layout, columns in gate order z, r, h.
kernel = (np.arange(n_x * 3 * n_a).reshape(n_x, 3 * n_a) % 7 - 3) / 5.0       # (n_x, 3 n_a)
recurrent = (np.arange(n_a * 3 * n_a).reshape(n_a, 3 * n_a) % 5 - 2) / 4.0     # (n_a, 3 n_a)
bias = np.array([[0.1, -0.2, 0.3, -0.1, 0.05, 0.2],                            # input bias
                 [-0.3, 0.25, 0.15, 0.4, -0.05, -0.35]])                       # recurrent bias
x = (np.arange(T * m * n_x).reshape(T, m, n_x) % 11 - 5) / 6.0                 # x[t, example, feature]
h = np.array([[0.2, -0.1], [0.0, 0.3]])                                        # h0[example, unit]


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


for t in range(T):
    mx = x[t] @ kernel + bias[0]
    mh = h @ recurrent + bias[1]
    z = sigmoid(mx[:, :n_a] + mh[:, :n_a])
    r = sigmoid(mx[:, n_a:2 * n_a] + mh[:, n_a:2 * n_a])
    hh = np.tanh(mx[:, 2 * n_a:] + r * mh[:, 2 * n_a:])
    h = z * h + (1 - z) * hh
    print(f"h<{t + 1}>[example, unit] =", np.array2string(h, precision=17, separator=", "))

print("kernel =", kernel.tolist())
print("recurrent_kernel =", recurrent.tolist())
print("x =", x.tolist())
