// A recurrent layer over a window of T time steps, keeping the full trace BPTT needs (and the BPTT lab shows).
//
//   RecurrentLayer<float> layer(CellKind::Lstm, n_x, n_a);
//   layer.forward(X, m, a0, c0);     // X: (n_x, m*T), step t in columns [t*m, (t+1)*m)
//   layer.backward(dA, &dX);         // dA: (n_a, m*T) = dL/da<t> from above; accumulates dW, db
//   layer.backwardLast(daT, &dX);    // or: only dL/da<T> (Keras return_sequences=False)
//
// Two ways to give the input, one trace and one cell step behind both:
//  - all steps known in advance (the char model, the BPTT stepper): beginForward(X | ids) computes W_x x + b of every
//    step in one product, then forwardStep(t) runs the cell. The fast path.
//  - one step at a time, when x<t> depends on the previous step's output (an attention decoder, the jazz model's
//    sampler): beginStepwise(m, T, a0, c0), then forwardStep(t, x_t) computes W_x x_t + b for that step only and runs
//    the same cell step. Backward mirrors it: beginBackward(), backwardStep(t, da_t, &dx_t) hands back dx<t> at step t
//    (for the layer that produced x<t>), finishBackward() adds the weight gradients of all steps in one product each.
// The BPTT stepper walks the all-at-once path step by step (forwardStep(t), backwardStep(t)) and reads the trace.
// Gradients accumulate (+=) into dW and db; zeroGrads() clears them. Truncated BPTT is done by the caller, by
// cutting a long sequence into windows and carrying the state (lastA / lastC) from one window into the next.
// Input is dense (any n_x) or class indices (one-hot, never materialised: the input product becomes a column gather
// and its gradient a scatter).
// W is read at the start of each forward (and backward): change weights between passes, not inside one.
#pragma once

#include "nn/Cells.hpp"
#include "nn/Params.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace unroll {

class Rng;

// An input index meaning "no input at this step": x<t> is the zero vector (the course feeds x<1> = 0 before the first
// character of a name). Also pads the shorter sequences of a mini-batch.
inline constexpr std::int32_t kNoInput = -1;

// How weights start: W ~ N(0, (scale / sqrt(fan_in))^2) with fan_in = n_a + n_x, biases 0, LSTM forget bias
// forgetBias (1 by default, Jozefowicz et al. 2015).
struct RecurrentInit {
    double scale = 1.0;
    double forgetBias = 1.0;
};

// Everything one pass over a window writes: the forward cache (and, for training, the backward trace). A layer keeps
// one for training and for the BPTT stepper's views; inference passes its own (RecurrentLayer::forward(..., trace)
// const), so evaluating, sampling and drawing never write into the model.
template <class T> struct RecurrentTrace {
    Index m = 0, steps = 0; // examples side by side, time steps
    bool inputIsIds = false, stepwise = false;
    Index stepsDone = 0;
    Mat<T> X;                     // (n_x, m*T) dense input (empty for ids)
    std::vector<std::int32_t> ids; // m*T class indices
    Mat<T> A, C, Z, Aux;          // see RecurrentLayer's trace accessors
    RecurrentPacks<T> packs;      // W_a packed at the start of each pass, at one thread
    bool packedForward = false, packedBackward = false;
    Mat<T> dAout, dArec, dC, dZ, dAux, daTotal;
};

template <class T> class RecurrentLayer {
public:
    RecurrentLayer() = default;
    RecurrentLayer(CellKind kind, Index n_x, Index n_a);

    CellKind kind() const { return kind_; }
    Index inputSize() const { return n_x_; }
    Index hiddenSize() const { return n_a_; }
    int gates() const { return gateCount(kind_); }

    // Parameters: W (G n_a, n_a + n_x) = [W_a | W_x], b (G n_a, 1) — (G n_a, 2) = [b | b'] for the Keras GRU;
    // gradients of the same shapes.
    Mat<T> W, b, dW, db;

    void initialize(Rng& rng, const RecurrentInit& init = {});
    ParamList<T> parameters();   // the whole buffers: "W", "b" (what optimizers step)
    ParamList<T> namedTensors(); // the course's tensors as blocks: "Wf", "bf", … / "Wax", "Waa", "ba" (Keras GRU:
                                 // "kernel", "recurrent_kernel", "input_bias", "recurrent_bias")
    // The same tensors' values, read through a const layer (writing a model file from a const model).
    std::vector<std::pair<std::string, Mat<T>>> namedValues() const;
    Index parameterCount() const { return W.size() + b.size(); }
    void zeroGrads();

    // --- forward -------------------------------------------------------------------------------------------
    // X: (n_x, m*T) dense input, or ids: m*T class indices in [0, n_x) or kNoInput. a0, c0: (n_a, m); c0 ignored
    // unless LSTM.
    void forward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0);
    void forward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0);
    void beginForward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0);
    void beginForward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0);
    void forwardStep(Index t); // requires steps 0..t-1 done
    // The same passes into a caller's trace, leaving the layer untouched (inference: a const model, any number of
    // concurrent readers). trace.A etc. hold what A() etc. would.
    void forward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0, RecurrentTrace<T>& trace) const;
    void forward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0,
                 RecurrentTrace<T>& trace) const;
    // Step-wise input: T steps of m examples whose inputs arrive one step at a time.
    void beginStepwise(Index m, Index steps, ConstMatRef<T> a0, ConstMatRef<T> c0);
    // x_t: (n_x, m), the input of step t; requires steps 0..t-1 done (else InputError). Its output: stepA(t).
    void forwardStep(Index t, ConstMatRef<T> x_t);
    auto stepA(Index t) const { return trace_.A.middleCols((t + 1) * trace_.m, trace_.m); } // a<t+1>, the output of step t: (n_a, m)
    auto stepC(Index t) const { return trace_.C.middleCols((t + 1) * trace_.m, trace_.m); }

    // --- backward ------------------------------------------------------------------------------------------
    // dA: (n_a, m*T), dL/da<t> from the layer above (the output layer or the next stacked layer).
    // dX (optional): set to dL/dX (n_x, m*T) for a dense input (the layer below's dA).
    void backward(ConstMatRef<T> dA, Mat<T>* dX = nullptr);
    // Last state out: only daT = dL/da<T> (n_a, m) (and for an LSTM optionally dcT = dL/dc<T>), no (n_a, m*T) of
    // zeros from the caller. Also the way to pass a gradient into the final state (the state handed on).
    void backwardLast(ConstMatRef<T> daT, Mat<T>* dX = nullptr, ConstMatRef<T> dcT = noMatrix<T>());
    void beginBackward(ConstMatRef<T> dA);
    void beginBackwardLast(ConstMatRef<T> daT, ConstMatRef<T> dcT = noMatrix<T>());
    void backwardStep(Index t); // requires steps T-1..t+1 done
    void finishBackward(Mat<T>* dX = nullptr);
    // Step-wise backward: beginBackward() (nothing from above yet), then for t = T-1..0 backwardStep(t, da_t, &dx_t)
    // with da_t = dL/da<t+1> from above (n_a, m); dx_t (optional) is set to dL/dx<t> (n_x, m, dense input only).
    void beginBackward();
    void backwardStep(Index t, ConstMatRef<T> da_t, Mat<T>* dx_t);

    // --- trace (valid after forward / backward) ---------------------------------------------------------------
    Index batch() const { return trace_.m; }
    Index steps() const { return trace_.steps; }
    // Columns [t*m, (t+1)*m) of A and C hold a<t> and c<t> for t = 0..T, with a<0> = a0: step s (0-based) writes
    // block s+1. Z: activated gates of step s in block s; Aux: tanh(c) (LSTM) or r*a_prev (GRU) of step s.
    const Mat<T>& A() const { return trace_.A; }
    const Mat<T>& C() const { return trace_.C; }
    const Mat<T>& Z() const { return trace_.Z; }
    const Mat<T>& Aux() const { return trace_.Aux; }
    auto lastA() const { return trace_.A.rightCols(trace_.m); }
    auto lastC() const { return trace_.C.rightCols(trace_.m); }
    auto outputs() const { return trace_.A.rightCols(trace_.m * trace_.steps); } // a<1..T>: (n_a, m*T), the next layer's input
    // Backward trace. dAout: dL/da<t> from above (block s for step s). dArec: dL/da<t> arriving through the
    // recurrence, indexed like A (block s+1 from step s+1; block 0 is dL/da0). The total at step s is their sum.
    // dZ: dL/d(gate pre-activations) of step s; dC indexed like C (LSTM). dAux: Keras GRU dL/d(Uh a_prev + b'h).
    const Mat<T>& dAout() const { return trace_.dAout; }
    const Mat<T>& dArec() const { return trace_.dArec; }
    const Mat<T>& dZ() const { return trace_.dZ; }
    const Mat<T>& dC() const { return trace_.dC; }
    const Mat<T>& dAux() const { return trace_.dAux; }
    auto da0() const { return trace_.dArec.leftCols(trace_.m); }
    auto dc0() const { return trace_.dC.leftCols(trace_.m); }
    bool inputIsIndices() const { return trace_.inputIsIds; }
    const Mat<T>& X() const { return trace_.X; }
    const std::vector<std::int32_t>& inputIds() const { return trace_.ids; }

private:
    void prepare(Index m, Index steps, ConstMatRef<T> a0, ConstMatRef<T> c0, RecurrentTrace<T>& tr) const;
    void beginForward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0, RecurrentTrace<T>& tr) const;
    void beginForward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0,
                      RecurrentTrace<T>& tr) const;
    void forwardStep(RecurrentTrace<T>& tr, Index t) const;
    void prepareBackward();
    CellStep<T> step(RecurrentTrace<T>& tr, Index t) const;
    RecurrentWeights<T> recurrentWeights(const RecurrentTrace<T>& tr) const;

    CellKind kind_ = CellKind::Rnn;
    Index n_x_ = 0, n_a_ = 0;
    RecurrentTrace<T> trace_; // the training pass's, read by the accessors above
};

// Keras GRU weights (reset_after=True) in Keras' layout, columns in gate order z, r, h:
//   kernel (n_x, 3 n_a), recurrent_kernel (n_a, 3 n_a), bias (2, 3 n_a) = [input bias; recurrent bias].
// The layer stores them transposed: W = [recurrent_kernel^T | kernel^T], b = bias^T.
template <class T> struct KerasGruWeights {
    Mat<T> kernel, recurrentKernel, bias;
};
// Loads Keras-ordered weights into a CellKind::GruKeras layer; InputError if the kind or a shape does not fit.
template <class T>
void setKerasGruWeights(RecurrentLayer<T>& layer, ConstMatRef<T> kernel, ConstMatRef<T> recurrentKernel,
                        ConstMatRef<T> bias);
template <class T> KerasGruWeights<T> kerasGruWeights(const RecurrentLayer<T>& layer);

extern template class RecurrentLayer<float>;
extern template class RecurrentLayer<double>;

} // namespace unroll
