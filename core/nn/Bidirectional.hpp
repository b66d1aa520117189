// A bidirectional recurrent layer (Schuster & Paliwal 1997): one layer reads the sequence forward, another reads it
// backward, and their outputs are stacked by rows at each step — Keras' Bidirectional(..., merge_mode='concat',
// return_sequences=True), the attention model's pre-attention encoder.
//
//   Bidirectional<float> bi(CellKind::Lstm, n_x, n_a);
//   bi.forward(X, m);        // X: (n_x, m*T) -> bi.outputs(): (2 n_a, m*T), rows [a_fwd<t>; a_bwd<t>]
//   bi.backward(dY, &dX);    // dY: (2 n_a, m*T); accumulates both layers' dW, db; dX assigned
//
// Both directions start from zero states; all m sequences have the same length T (no per-example lengths). The
// backward layer runs on the time-reversed input, and its outputs are reversed back, so row block 2 at step t is the
// backward reader's state after it has read x<T-1> .. x<t>.
// The input is dense or class indices (one-hot, never materialised: each direction gathers columns of its W_x, see
// Recurrent.hpp); inference passes its own BidirectionalTrace and leaves the layer untouched.
#pragma once

#include "nn/Recurrent.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace unroll {

// One pass's buffers for inference (Bidirectional::forward(..., trace) const).
template <class T> struct BidirectionalTrace {
    RecurrentTrace<T> forward, backward;
    std::vector<std::int32_t> idsReversed;
    Mat<T> zeros;
    Mat<T> Y; // (2 n_a, m*T): the outputs, as outputs() of a training pass
};

template <class T> class Bidirectional {
public:
    Bidirectional() = default;
    Bidirectional(CellKind kind, Index n_x, Index n_a);

    RecurrentLayer<T> forwardLayer, backwardLayer;

    Index inputSize() const { return forwardLayer.inputSize(); }
    Index hiddenSize() const { return forwardLayer.hiddenSize(); } // per direction; outputs have 2 n_a rows
    void initialize(Rng& rng, const RecurrentInit& init = {});
    ParamList<T> parameters();   // "forward.W", "forward.b", "backward.W", "backward.b"
    ParamList<T> namedTensors(); // the cells' named tensors, prefixed "forward." / "backward."
    Index parameterCount() const { return forwardLayer.parameterCount() + backwardLayer.parameterCount(); }
    void zeroGrads();

    // X: (n_x, m*T), step t in columns [t*m, (t+1)*m). Output: outputs() (2 n_a, m*T).
    void forward(ConstMatRef<T> X, Index m);
    // ids: m*T class indices in [0, n_x) or kNoInput, step-major (example i of step t at t*m + i).
    void forward(std::span<const std::int32_t> ids, Index m);
    // The same passes into the caller's trace (outputs in trace.Y), the layer untouched: any number of concurrent
    // readers.
    void forward(std::span<const std::int32_t> ids, Index m, BidirectionalTrace<T>& trace) const;
    const Mat<T>& outputs() const { return Y_; }
    // dY: (2 n_a, m*T) = dL/d outputs. dX (optional): dL/dX (n_x, m*T), the two directions' sum (assigned); empty
    // (0 x 0) after an ids forward, whose input has no gradient.
    void backward(ConstMatRef<T> dY, Mat<T>* dX = nullptr);

private:
    Index m_ = 0, T_ = 0;
    bool ids_ = false;
    std::vector<std::int32_t> idsRev_;
    Mat<T> Xrev_, Y_, dYrev_, dXf_, dXb_, zeros_; // buffers sized once per shape
};

// Reverses the order of the T column blocks of width m: block t of out = block T-1-t of in. in, out: (n, m*T).
template <class T> void reverseSteps(ConstMatRef<T> in, Index m, MatRef<T> out);

extern template class Bidirectional<float>;
extern template class Bidirectional<double>;

} // namespace unroll
