// Bidirectional: two recurrent layers, one on the reversed sequence; see Bidirectional.hpp.
#include "nn/Bidirectional.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <string>

namespace unroll {

template <class T> void reverseSteps(ConstMatRef<T> in, Index m, MatRef<T> out)
{
    const Index T_ = in.cols() / m;
    for (Index t = 0; t < T_; ++t) out.middleCols(t * m, m) = in.middleCols((T_ - 1 - t) * m, m);
}

template <class T>
Bidirectional<T>::Bidirectional(CellKind kind, Index n_x, Index n_a)
    : forwardLayer(kind, n_x, n_a), backwardLayer(kind, n_x, n_a)
{
}

template <class T> void Bidirectional<T>::initialize(Rng& rng, const RecurrentInit& init)
{
    forwardLayer.initialize(rng, init);
    backwardLayer.initialize(rng, init);
}

template <class T> ParamList<T> Bidirectional<T>::parameters()
{
    auto out = prefixed(forwardLayer.parameters(), "forward.");
    auto b = prefixed(backwardLayer.parameters(), "backward.");
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

template <class T> ParamList<T> Bidirectional<T>::namedTensors()
{
    auto out = prefixed(forwardLayer.namedTensors(), "forward.");
    auto b = prefixed(backwardLayer.namedTensors(), "backward.");
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

template <class T> void Bidirectional<T>::zeroGrads()
{
    forwardLayer.zeroGrads();
    backwardLayer.zeroGrads();
}

template <class T> void Bidirectional<T>::forward(ConstMatRef<T> X, Index m)
{
    if (m < 1 || X.cols() % m != 0 || X.cols() == 0)
        throw InputError("bidirectional input has " + std::to_string(X.cols()) +
                         " columns, not a positive multiple of m = " + std::to_string(m));
    const Index n = hiddenSize(), N = X.cols();
    m_ = m;
    T_ = N / m;
    ids_ = false;
    zeros_.setZero(n, m);
    forwardLayer.forward(X, m, zeros_, zeros_);
    Xrev_.resize(X.rows(), N);
    reverseSteps<T>(X, m, Xrev_);
    backwardLayer.forward(Xrev_, m, zeros_, zeros_);
    Y_.resize(2 * n, N);
    Y_.topRows(n) = forwardLayer.outputs();
    reverseSteps<T>(backwardLayer.outputs(), m, Y_.bottomRows(n));
}

namespace {

// ids of m sequences of T steps, the steps in reverse order (what the backward reader reads).
void reverseIds(std::span<const std::int32_t> ids, Index m, std::vector<std::int32_t>& out)
{
    if (m < 1 || ids.empty() || ids.size() % size_t(m) != 0)
        throw InputError("bidirectional input of " + std::to_string(ids.size()) +
                         " indices is not a positive multiple of m = " + std::to_string(m));
    const Index T_ = Index(ids.size()) / m;
    out.resize(ids.size());
    for (Index t = 0; t < T_; ++t)
        std::copy_n(ids.begin() + (T_ - 1 - t) * m, m, out.begin() + t * m);
}

} // namespace

template <class T> void Bidirectional<T>::forward(std::span<const std::int32_t> ids, Index m)
{
    reverseIds(ids, m, idsRev_);
    const Index n = hiddenSize(), N = Index(ids.size());
    m_ = m;
    T_ = N / m;
    ids_ = true;
    zeros_.setZero(n, m);
    forwardLayer.forward(ids, m, zeros_, zeros_);
    backwardLayer.forward(idsRev_, m, zeros_, zeros_);
    Y_.resize(2 * n, N);
    Y_.topRows(n) = forwardLayer.outputs();
    reverseSteps<T>(backwardLayer.outputs(), m, Y_.bottomRows(n));
}

template <class T>
void Bidirectional<T>::forward(std::span<const std::int32_t> ids, Index m, BidirectionalTrace<T>& tr) const
{
    reverseIds(ids, m, tr.idsReversed);
    const Index n = hiddenSize(), N = Index(ids.size());
    tr.zeros.setZero(n, m);
    forwardLayer.forward(ids, m, tr.zeros, tr.zeros, tr.forward);
    backwardLayer.forward(tr.idsReversed, m, tr.zeros, tr.zeros, tr.backward);
    tr.Y.resize(2 * n, N);
    tr.Y.topRows(n) = tr.forward.A.rightCols(N);
    reverseSteps<T>(tr.backward.A.rightCols(N), m, tr.Y.bottomRows(n));
}

template <class T> void Bidirectional<T>::backward(ConstMatRef<T> dY, Mat<T>* dX)
{
    const Index n = hiddenSize();
    if (dY.rows() != 2 * n || dY.cols() != m_ * T_)
        throw InputError("dY is " + std::to_string(dY.rows()) + " x " + std::to_string(dY.cols()) + ", expected " +
                         std::to_string(2 * n) + " x " + std::to_string(m_ * T_));
    forwardLayer.backward(dY.topRows(n), dX ? &dXf_ : nullptr);
    dYrev_.resize(n, dY.cols());
    reverseSteps<T>(dY.bottomRows(n), m_, dYrev_);
    backwardLayer.backward(dYrev_, dX ? &dXb_ : nullptr);
    if (dX && ids_) {
        dX->resize(0, 0);
    } else if (dX) {
        dX->resize(dXf_.rows(), dXf_.cols());
        reverseSteps<T>(dXb_, m_, *dX);
        *dX += dXf_;
    }
}

template void reverseSteps<float>(ConstMatRef<float>, Index, MatRef<float>);
template void reverseSteps<double>(ConstMatRef<double>, Index, MatRef<double>);
template class Bidirectional<float>;
template class Bidirectional<double>;

} // namespace unroll
