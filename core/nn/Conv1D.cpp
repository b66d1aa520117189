// Conv1D as one GEMM over unfolded windows; see Conv1D.hpp.
#include "nn/Conv1D.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"
#include "util/Threads.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace unroll {

namespace {

std::string str(Index v) { return std::to_string(v); }

} // namespace

template <class T> Conv1D<T>::Conv1D(Index n_x, Conv1DOptions options) : kernel(options.kernel), stride(options.stride)
{
    if (n_x < 1 || options.filters < 1)
        throw InputError("conv1d sizes must be positive (got " + str(n_x) + " input channels, " + str(options.filters) +
                         " filters)");
    if (options.kernel < 1) throw InputError("conv1d kernel " + str(options.kernel) + " must be at least 1");
    if (options.stride < 1) throw InputError("conv1d stride " + str(options.stride) + " must be at least 1");
    W = Mat<T>::Zero(options.filters, options.kernel * n_x);
    b = Mat<T>::Zero(options.filters, 1);
    dW = Mat<T>::Zero(options.filters, options.kernel * n_x);
    db = Mat<T>::Zero(options.filters, 1);
}

template <class T> Index Conv1D<T>::outputLength(Index T_in) const
{
    if (T_in < kernel)
        throw InputError("conv1d input of " + str(T_in) + " steps is shorter than the kernel of " + str(kernel) +
                         " steps");
    return (T_in - kernel) / stride + 1;
}

template <class T> void Conv1D<T>::initialize(Rng& rng)
{
    const double limit = std::sqrt(6.0 / double(kernel * inputSize() + kernel * filters()));
    std::vector<T> values(size_t(W.size()));
    for (auto& v : values) v = T((2 * rng.randomSample() - 1) * limit);
    setKerasKernel(values);
    b.setZero();
}

template <class T> ParamList<T> Conv1D<T>::parameters()
{
    return {wholeParam<T>("W", W, dW), wholeParam<T>("b", b, db)};
}

template <class T> void Conv1D<T>::zeroGrads()
{
    dW.setZero();
    db.setZero();
}

// Keras (k, n_x, n_f) row-major puts (j, c, f) at (j*n_x + c)*n_f + f: read as a row-major (k*n_x, n_f) matrix it is
// W^T, since W's column index is j*n_x + c.
template <class T> std::vector<T> Conv1D<T>::kerasKernel() const
{
    return rowMajorValues<T>(W.transpose());
}

template <class T> void Conv1D<T>::setKerasKernel(std::span<const T> kernelValues)
{
    if (Index(kernelValues.size()) != W.size())
        throw InputError("conv1d Keras kernel has " + str(Index(kernelValues.size())) + " values, expected k*n_x*n_f = " +
                         str(kernel) + "*" + str(inputSize()) + "*" + str(filters()) + " = " + str(W.size()));
    using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    W = Eigen::Map<const RowMajor>(kernelValues.data(), W.cols(), W.rows()).transpose();
}

template <class T> void Conv1D<T>::forward(ConstMatRef<T> X, Index m, Conv1DCache<T>& cache) const
{
    const Index n_x = inputSize(), k = kernel, s = stride;
    if (X.rows() != n_x)
        throw InputError("conv1d expects " + str(n_x) + " input rows (channels), got " + str(X.rows()));
    if (m < 1) throw InputError("conv1d batch size " + str(m) + " must be at least 1");
    if (X.cols() % m != 0)
        throw InputError("conv1d input has " + str(X.cols()) + " columns, not a multiple of the batch size " + str(m));
    const Index T_in = X.cols() / m, T_out = outputLength(T_in), K = k * n_x;
    cache.m = m;
    cache.T_in = T_in;
    cache.T_out = T_out;
    cache.cols.resize(K, m * T_out); // a no-op for the same shape
    // Unfold: the window (t, i) is the k input columns t*s*m + i, (t*s + 1)*m + i, ...: copy each (n_x contiguous
    // values) into column t*m + i, offset j*n_x. Raw pointers: the index arithmetic is the bounds check.
    const T* x = X.data();
    const Index ldx = X.outerStride();
    T* cols = cache.cols.data();
    parallelFor(T_out, [&](std::int64_t t0, std::int64_t t1) {
        for (Index t = t0; t < t1; ++t)
            for (Index i = 0; i < m; ++i) {
                T* dst = cols + (t * m + i) * K;
                const T* src = x + ((t * s) * m + i) * ldx;
                for (Index j = 0; j < k; ++j) std::copy_n(src + j * m * ldx, n_x, dst + j * n_x);
            }
    });
    cache.Y.resize(filters(), m * T_out);
    parallelProduct(cache.Y, W, cache.cols); // (n_f, K) (K, m*T_out) -> (n_f, m*T_out)
    cache.Y.colwise() += b.col(0);
}

template <class T>
void Conv1D<T>::backward(ConstMatRef<T> X, Conv1DCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX)
{
    const Index n_x = inputSize(), k = kernel, s = stride, m = cache.m, T_out = cache.T_out, K = k * n_x;
    if (X.rows() != n_x || X.cols() != m * cache.T_in)
        throw InputError("conv1d backward: input is (" + str(X.rows()) + ", " + str(X.cols()) +
                         "), the forward's was (" + str(n_x) + ", " + str(m * cache.T_in) + ")");
    if (dY.rows() != filters() || dY.cols() != m * T_out)
        throw InputError("conv1d backward: dY is (" + str(dY.rows()) + ", " + str(dY.cols()) + "), expected (" +
                         str(filters()) + ", " + str(m * T_out) + ")");
    // dW += dY cols^T, computed transposed: Eigen's kernel runs 20-30% faster on (K, n_f) = (K, m*T_out)(m*T_out, n_f),
    // whose 1515 result rows fill its row blocks, than on (n_f, K) with 196 (measured at the course sizes, float).
    cache.dWT.resize(K, filters());
    parallelProduct(cache.dWT, cache.cols, dY.transpose()); // (K, m*T_out) (m*T_out, n_f) -> (K, n_f)
    dW += cache.dWT.transpose();
    db.col(0) += dY.rowwise().sum();
    if (!dX) return;
    cache.dcols.resize(K, m * T_out);
    parallelProduct(cache.dcols, W.transpose(), dY); // (K, n_f) (n_f, m*T_out) -> (K, m*T_out)
    // col2im as a gather: input step u is covered by the windows t with t*s <= u < t*s + k, at offset j = u - t*s;
    // each dX column is written once (steps no window covers get 0), so input steps split freely across threads.
    dX->resize(n_x, m * cache.T_in);
    const T* dcols = cache.dcols.data();
    T* dx = dX->data();
    parallelFor(cache.T_in, [&](std::int64_t u0, std::int64_t u1) {
        for (Index u = u0; u < u1; ++u) {
            const Index tFirst = u < k ? 0 : (u - k) / s + 1; // the smallest t with t*s + k > u
            const Index tLast = std::min(u / s, T_out - 1);
            for (Index i = 0; i < m; ++i) {
                Eigen::Map<Vec<T>> out(dx + (u * m + i) * n_x, n_x);
                out.setZero();
                for (Index t = tFirst; t <= tLast; ++t)
                    out += Eigen::Map<const Vec<T>>(dcols + (t * m + i) * K + (u - t * s) * n_x, n_x);
            }
        }
    });
}

template class Conv1D<float>;
template class Conv1D<double>;

} // namespace unroll
