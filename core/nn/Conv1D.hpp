// Conv1D: a 'valid' 1-D convolution over time (a cross-correlation, as Keras' and PyTorch's), the first layer of the
// course's trigger-word model (course §7.3: Conv1D(196, 15, strides=4) on a (5511, 101) spectrogram -> 1375 steps).
//
//   Conv1D<float> conv(101, {.filters = 196, .kernel = 15, .stride = 4});  // W (196, 15*101), b (196, 1)
//   conv.initialize(rng);
//   Conv1DCache<float> cache;
//   conv.forward(X, m, cache);               // X: (n_x, m*T) -> cache.Y: (n_f, m*T_out)
//   conv.backward(X, cache, dY, &dX);        // dW, db += ...;  dX assigned
//
// Sequence layout of the core (Types.hpp): step t of example i is column t*m + i, for the input (n_x, m*T) and the
// output (n_f, m*T_out) alike, with T_out = (T - k) / s + 1 (integer division: trailing input steps that do not fill a
// window are not used, and their gradient is 0).
//
//   y<t>_i = b + sum_{j < k} W_j x<t*s + j>_i,    W_j = W.middleCols(j*n_x, n_x): (n_f, n_x)
//
// computed as ONE matrix product over unfolded windows (im2col): column t*m + i of cache.cols (k*n_x, m*T_out) stacks
// the k input columns of window (t, i), x<t*s>_i on top, so Y = W cols + b. Backward is the two transposed products,
// dW += dY cols^T and dcols = W^T dY, and dX gathers dcols back onto the input steps (col2im: each input step sums the
// blocks of the windows that cover it).
//
// Keras stores the kernel as (k, n_x, n_f): kernel[j][c][f] = W(f, j*n_x + c). kerasKernel() / setKerasKernel() convert
// in numpy's row-major order, so a Keras `layer.get_weights()[0].ravel()` loads directly; the bias is the same (n_f).
//
// forward is const: it writes only into the caller's cache, whose buffers keep their size between calls of the same
// shape (no allocation after the first; Eigen's product still allocates its small packing blocks). backward accumulates
// (+=) into dW and db, which zeroGrads() clears, and assigns dX.
//
// Leaves out: padding ('same'), dilation, groups.
#pragma once

#include "nn/Params.hpp"

#include <span>
#include <vector>

namespace unroll {

class Rng;

// The defaults are the trigger-word model's layer.
struct Conv1DOptions {
    Index filters = 196; // n_f, the output channels
    Index kernel = 15;   // k, the window length in steps
    Index stride = 4;    // s, the steps between window starts
};

template <class T> struct Conv1DCache {
    Index m = 0, T_in = 0, T_out = 0; // the forward's batch, input and output lengths
    Mat<T> cols;  // (k*n_x, m*T_out): the unfolded windows, one per output column
    Mat<T> Y;     // (n_f, m*T_out): the output
    Mat<T> dcols; // (k*n_x, m*T_out): backward's scratch, dL/dcols
    Mat<T> dWT;   // (k*n_x, n_f): backward's scratch, this call's dW transposed
};

template <class T> class Conv1D {
public:
    Conv1D() = default;
    // requires: n_x, filters, kernel, stride >= 1, else InputError.
    explicit Conv1D(Index n_x, Conv1DOptions options = {});

    Mat<T> W, b, dW, db; // W, dW: (n_f, k*n_x), column j*n_x + c = input channel c at window offset j; b, db: (n_f, 1)
    Index kernel = 1, stride = 1;

    Index inputSize() const { return kernel > 0 ? W.cols() / kernel : 0; } // n_x
    Index filters() const { return W.rows(); }                             // n_f
    // T_out = (T_in - k) / s + 1; InputError when T_in < k (the window would not fit once).
    Index outputLength(Index T_in) const;

    // Keras' glorot_uniform: W ~ U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), fan_in = k*n_x, fan_out = k*n_f;
    // drawn with rng.randomSample() in Keras' (k, n_x, n_f) row-major order; b = 0.
    void initialize(Rng& rng);
    ParamList<T> parameters(); // "W", "b"
    void zeroGrads();

    // The kernel in Keras' (k, n_x, n_f) layout, row-major: element (j, c, f) at (j*n_x + c)*n_f + f.
    std::vector<T> kerasKernel() const;
    // W from a Keras-layout kernel (as kerasKernel()); InputError unless kernel.size() == k*n_x*n_f.
    void setKerasKernel(std::span<const T> kernelValues);

    // X: (n_x, m*T) -> cache.Y: (n_f, m*T_out), cache.cols filled. InputError on a wrong row count, m < 1, a column
    // count that is not a multiple of m, or T < k.
    void forward(ConstMatRef<T> X, Index m, Conv1DCache<T>& cache) const;
    // X: the forward's input (n_x, m*T); dY: (n_f, m*T_out). dX (optional): (n_x, m*T), assigned.
    void backward(ConstMatRef<T> X, Conv1DCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX);
};

extern template class Conv1D<float>;
extern template class Conv1D<double>;

} // namespace unroll
