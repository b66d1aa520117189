// Recurrent cells at one time step: forward and backward, in the course's column convention.
//
// Every cell keeps its weights stacked as W = [W_a | W_x] of shape (G*n_a, n_a + n_x), acting on [a_prev; x], and a
// bias b of shape (G*n_a, 1). G gate blocks are stacked by rows in the course's order:
//   RNN  (G=1): a = tanh(Waa a_prev + Wax x + ba)                         W = [Waa | Wax]
//   LSTM (G=4): f, i, c~, o  (Hochreiter & Schmidhuber 1997, with forget gate as in the course)
//               c = f*c_prev + i*c~,  a = o*tanh(c)                       W rows = [Wf; Wi; Wc; Wo]
//   GRU  (G=3): r, u, c~  (Cho et al. 2014 in the course's form: the reset gate scales a_prev *before* the product)
//               c~ = tanh(Wc [r*a_prev; x] + bc),  a = c = u*c~ + (1-u)*a_prev   W rows = [Wr; Wu; Wc]
// Stacking lets a sequence layer compute the input projections W_x x of all T steps in one product, and each step's
// recurrent part in one more. The course's separate tensors are row (and column) blocks of W: see cellTensorNames.
//
// The step functions write into caller-owned blocks (a sequence layer's trace), so nothing allocates per step.
// Shapes: n_x inputs, n_a hidden units, m examples (columns).
#pragma once

#include "nn/Types.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

enum class CellKind { Rnn, Gru, Lstm };
inline constexpr std::array<std::string_view, 3> cellKindIds = {"rnn", "gru", "lstm"};
inline constexpr std::array<std::string_view, 3> cellKindNames = {"RNN", "GRU", "LSTM"};

inline std::string_view cellKindId(CellKind k) { return cellKindIds[size_t(k)]; }
inline std::string_view cellKindName(CellKind k) { return cellKindNames[size_t(k)]; }
CellKind parseCellKind(std::string_view id); // "rnn" | "gru" | "lstm", else InputError

constexpr int gateCount(CellKind k) { return k == CellKind::Rnn ? 1 : k == CellKind::Gru ? 3 : 4; }
constexpr bool hasCellState(CellKind k) { return k == CellKind::Lstm; }

// Gate block names in row order ("f","i","c","o" for LSTM; "r","u","c" for GRU; "a" for the RNN's single block).
std::vector<std::string> gateNames(CellKind k);

// One step. Buffers (all views into caller storage):
//   z     (G n_a, m)  in: W_x x + b for this step.  out: gate activations, blocks in row order.
//   aPrev (n_a, m), cPrev (n_a, m) (LSTM only; ignored otherwise)
//   a     (n_a, m) out: hidden state.  c (n_a, m) out: LSTM cell state (unused otherwise).
//   aux   (n_a, m) out: LSTM tanh(c); GRU r*a_prev (the recurrent input of the c~ block); unused for RNN.
//   Wa    (G n_a, n_a): the recurrent columns of W.
template <class T>
void cellForward(CellKind kind, MatRef<T> z, ConstMatRef<T> Wa, ConstMatRef<T> aPrev, ConstMatRef<T> cPrev,
                 MatRef<T> a, MatRef<T> c, MatRef<T> aux);

// Backward through one step, from the cache cellForward left.
//   da     (n_a, m): dL/da at this step (from the output above plus from step t+1).
//   dcNext (n_a, m): dL/dc from step t+1 (LSTM only).
// out:
//   dz     (G n_a, m): dL/d(pre-activation) of every gate block — what the parameter gradients are built from.
//   daPrev (n_a, m): dL/da_prev.  dcPrev (n_a, m): dL/dc_prev (LSTM only).
// Parameter gradients are not touched here: see accumulateCellGrads.
template <class T>
void cellBackward(CellKind kind, ConstMatRef<T> z, ConstMatRef<T> Wa, ConstMatRef<T> aPrev, ConstMatRef<T> cPrev,
                  ConstMatRef<T> aux, ConstMatRef<T> da, ConstMatRef<T> dcNext, MatRef<T> dz, MatRef<T> daPrev,
                  MatRef<T> dcPrev);

// dW_a += dz aPrev^T, except the GRU's c~ block, whose recurrent input is aux = r*a_prev.
// Works on one step or, with the columns of many steps side by side, on a whole sequence in one product.
//   dWa (G n_a, n_a), dz (G n_a, N), aPrev (n_a, N), aux (n_a, N).
template <class T>
void accumulateRecurrentGrad(CellKind kind, MatRef<T> dWa, ConstMatRef<T> dz, ConstMatRef<T> aPrev,
                             ConstMatRef<T> aux);

// The course's tensor names and where each lives in the stacked (W, b): used by files, gradient checks and views.
struct CellTensor {
    std::string name;
    bool isBias;             // a block of b (n_a, 1) rather than of W
    Index row, rows;         // row block
    Index col, cols;         // column block of W (cols = -1: to the end)
};
std::vector<CellTensor> cellTensorNames(CellKind kind, Index n_x, Index n_a);

} // namespace unroll
