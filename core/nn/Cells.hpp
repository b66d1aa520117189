// Recurrent cells at one time step: forward and backward, in the course's column convention.
//
// Every cell keeps its weights stacked as W = [W_a | W_x] of shape (G*n_a, n_a + n_x), acting on [a_prev; x], and a
// bias b of shape (G*n_a, 1). G gate blocks are stacked by rows in the course's order:
//   RNN  (G=1): a = tanh(Waa a_prev + Wax x + ba)                         W = [Waa | Wax]
//   LSTM (G=4): f, i, c~, o  (Hochreiter & Schmidhuber 1997, with forget gate as in the course)
//               c = f*c_prev + i*c~,  a = o*tanh(c)                       W rows = [Wf; Wi; Wc; Wo]
//   GRU  (G=3): r, u, c~  (Cho et al. 2014 in the course's form: the reset gate scales a_prev *before* the product)
//               c~ = tanh(Wc [r*a_prev; x] + bc),  a = c = u*c~ + (1-u)*a_prev   W rows = [Wr; Wu; Wc]
//   Keras GRU (G=3, reset_after=True, the default since Keras 2.3 / TF 2): z, r, h~ with a second, recurrent bias b'
//               and the reset gate applied *after* the recurrent product (Keras GRU documentation, "reset_after"):
//               z = sigmoid(Wz x + bz + Uz h_prev + b'z),  r = sigmoid(Wr x + br + Ur h_prev + b'r)
//               h~ = tanh(Wh x + bh + r*(Uh h_prev + b'h)),  h = z*h_prev + (1-z)*h~
//               Note z keeps the *old* state (the course's u weights the candidate). W = [U | W_x] with rows
//               [z; r; h], b (3 n_a, 2) = [b | b'], i.e. Keras' kernel, recurrent_kernel and bias transposed:
//               see setKerasGruWeights in Recurrent.hpp.
// Stacking lets a sequence layer compute the input projections W_x x of all T steps in one product, and each step's
// recurrent part in one more. The course's separate tensors are row (and column) blocks of W: see cellTensorNames.
//
// The step functions read and write caller-owned blocks (a sequence layer's trace) named by the view structs CellStep
// and CellStepGrad, so nothing allocates per step. Shapes: n_x inputs, n_a hidden units, m examples (columns).
#pragma once

#include "math/PackedGemm.hpp"
#include "nn/Types.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

enum class CellKind { Rnn, Gru, Lstm, GruKeras };
// Every kind, in enum order: ids for files and flags, display names.
inline constexpr std::array<std::string_view, 4> allCellKindIds = {"rnn", "gru", "lstm", "gru_keras"};
inline constexpr std::array<std::string_view, 4> allCellKindNames = {"RNN", "GRU", "LSTM", "GRU (Keras)"};
// The course's three cells (the first three kinds): what the BPTT and character-model labs offer.
inline constexpr std::array<std::string_view, 3> cellKindIds = {"rnn", "gru", "lstm"};
inline constexpr std::array<std::string_view, 3> cellKindNames = {"RNN", "GRU", "LSTM"};

inline std::string_view cellKindId(CellKind k) { return allCellKindIds[size_t(k)]; }
inline std::string_view cellKindName(CellKind k) { return allCellKindNames[size_t(k)]; }
CellKind parseCellKind(std::string_view id); // "rnn" | "gru" | "lstm" | "gru_keras", else InputError

constexpr int gateCount(CellKind k) { return k == CellKind::Rnn ? 1 : k == CellKind::Lstm ? 4 : 3; }
constexpr bool hasCellState(CellKind k) { return k == CellKind::Lstm; }
// Columns of the bias b: 2 for the Keras GRU (input bias b and recurrent bias b'), else 1.
constexpr int biasColumns(CellKind k) { return k == CellKind::GruKeras ? 2 : 1; }
// Whether a step keeps an aux buffer (n_a, m) in its trace (everything but the plain RNN).
constexpr bool hasAux(CellKind k) { return k != CellKind::Rnn; }

// Gate block names in row order ("f","i","c","o" for LSTM; "r","u","c" for GRU; "z","r","h" for the Keras GRU;
// "a" for the RNN's single block).
std::vector<std::string> gateNames(CellKind k);

// An empty (0 x 0) matrix standing for "no such buffer" (c for cells without a memory cell, b' for the course's).
template <class T> const Mat<T>& noMatrix()
{
    static const Mat<T> none;
    return none;
}
template <class T> Mat<T>& noBuffer()
{
    static Mat<T> none; // never resized: writes to a 0 x 0 block touch nothing
    return none;
}

template <class T> using ConstRef = Eigen::Ref<const Mat<T>>;

// W_a packed once per pass for the per-step products (math/PackedGemm.hpp): piece 0 is W_a (RNN, LSTM) or its top
// 2 n_a rows (the GRUs' gates), piece 1 the GRUs' bottom n_a rows (the candidate); backward holds their transposes.
template <class T> struct RecurrentPacks {
    PackedMatrix<T> forward[2], backward[2];
};
// Packs Wa (G n_a, n_a) for the forward steps or (transposed) for the backward steps of a cell of this kind.
template <class T> void packRecurrent(CellKind kind, ConstMatRef<T> Wa, bool forBackward, RecurrentPacks<T>& packs);

// The recurrent weights a step reads.
template <class T> struct RecurrentWeights {
    ConstRef<T> Wa;                      // (G n_a, n_a): the recurrent columns of W
    ConstRef<T> bRec = noMatrix<T>();    // (G n_a, 1): the Keras GRU's recurrent bias b'; empty for the others
    const RecurrentPacks<T>* packs = nullptr; // Wa pre-packed (same values), or null: Eigen's product packs per step
};

// Views of one step's forward buffers. Optional ones default to empty.
template <class T> struct CellStep {
    ConstRef<T> aPrev;                   // (n_a, m) in
    ConstRef<T> cPrev = noMatrix<T>();   // (n_a, m) in: LSTM only
    MatRef<T> z;                         // (G n_a, m) in: W_x x + b for this step. out: gate activations (row order)
    MatRef<T> aux = noBuffer<T>();       // (n_a, m) out: LSTM tanh(c); GRU r*a_prev (the c~ block's recurrent input);
                                         //   Keras GRU Uh a_prev + b'h (what r multiplies); unused for the RNN
    MatRef<T> a = noBuffer<T>();         // (n_a, m) out: hidden state
    MatRef<T> c = noBuffer<T>();         // (n_a, m) out: LSTM cell state
};

// Views of one step's backward buffers.
template <class T> struct CellStepGrad {
    ConstRef<T> da;                      // (n_a, m) in: dL/da at this step (from above plus from step t+1)
    ConstRef<T> dcNext = noMatrix<T>();  // (n_a, m) in: dL/dc from step t+1 (LSTM)
    MatRef<T> dz;                        // (G n_a, m) out: dL/d(pre-activation) of every gate block
    MatRef<T> daPrev;                    // (n_a, m) out: dL/da_prev
    MatRef<T> dcPrev = noBuffer<T>();    // (n_a, m) out: dL/dc_prev (LSTM); may share storage with dcNext
    MatRef<T> dAux = noBuffer<T>();      // (n_a, m) out: Keras GRU dL/d(Uh a_prev + b'h) = dz_h * r
};

// One step forward: fills s.z (activated), s.a, s.c, s.aux from s.z's input part, s.aPrev and s.cPrev.
template <class T> void cellForward(CellKind kind, const RecurrentWeights<T>& w, CellStep<T> s);

// Backward through one step, from the buffers cellForward filled (s) and g.da, g.dcNext; writes g.dz, g.daPrev,
// g.dcPrev (LSTM), g.dAux (Keras GRU). Parameter gradients are not touched here: see accumulateRecurrentGrad.
template <class T>
void cellBackward(CellKind kind, const RecurrentWeights<T>& w, CellStep<T> s, CellStepGrad<T> g);

// The recurrent parameters' gradients from N columns of a trace: one step, or every step of a sequence side by side
// in one product. dWa (G n_a, n_a) += dz aPrev^T, except the GRU's c~ block (recurrent input aux = r*a_prev) and the
// Keras GRU's h block (gradient dAux); dbRec (G n_a, 1, Keras GRU only) += the same row sums. Both accumulate.
template <class T> struct RecurrentGradInput {
    ConstRef<T> dz;                      // (G n_a, N)
    ConstRef<T> aPrev;                   // (n_a, N)
    ConstRef<T> aux = noMatrix<T>();     // (n_a, N): GRU
    ConstRef<T> dAux = noMatrix<T>();    // (n_a, N): Keras GRU
};
template <class T>
void accumulateRecurrentGrad(CellKind kind, const RecurrentGradInput<T>& in, MatRef<T> dWa,
                             MatRef<T> dbRec = noBuffer<T>());

// The tensor names and where each lives in the stacked (W, b): used by files, gradient checks and views.
// The course's cells use the course's names ("Wf", "bf", …; "Wax", "Waa", "ba"); the Keras GRU uses Keras' names,
// transposed: "kernel" (3 n_a, n_x), "recurrent_kernel" (3 n_a, n_a), "input_bias" and "recurrent_bias" (3 n_a, 1).
struct CellTensor {
    std::string name;
    bool isBias;             // a block of b rather than of W
    Index row, rows;         // row block
    Index col, cols;         // column block of W or b (cols = -1: to the end)
};
std::vector<CellTensor> cellTensorNames(CellKind kind, Index n_x, Index n_a);

} // namespace unroll
