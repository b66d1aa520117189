// RecurrentLayer: the sequence loop around the cell steps of Cells.cpp. See Recurrent.hpp.
#include "nn/Recurrent.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"

#include <cmath>
#include <string>

namespace unroll {

template <class T>
RecurrentLayer<T>::RecurrentLayer(CellKind kind, Index n_x, Index n_a) : kind_(kind), n_x_(n_x), n_a_(n_a)
{
    if (n_x < 1 || n_a < 1)
        throw InputError("recurrent layer sizes must be positive (n_x = " + std::to_string(n_x) +
                         ", n_a = " + std::to_string(n_a) + ")");
    const Index G = gates();
    W = Mat<T>::Zero(G * n_a, n_a + n_x);
    b = Mat<T>::Zero(G * n_a, 1);
    dW = Mat<T>::Zero(W.rows(), W.cols());
    db = Mat<T>::Zero(b.rows(), 1);
}

template <class T> void RecurrentLayer<T>::initialize(Rng& rng, const RecurrentInit& init)
{
    const double sd = init.scale / std::sqrt(double(n_a_ + n_x_));
    W = (rng.randn(W.rows(), W.cols()) * sd).template cast<T>();
    b.setZero();
    if (kind_ == CellKind::Lstm) b.topRows(n_a_).setConstant(T(init.forgetBias));
}

template <class T> ParamList<T> RecurrentLayer<T>::parameters()
{
    return {wholeParam<T>("W", W, dW), wholeParam<T>("b", b, db)};
}

template <class T> ParamList<T> RecurrentLayer<T>::namedTensors()
{
    ParamList<T> out;
    for (const auto& t : cellTensorNames(kind_, n_x_, n_a_)) {
        if (t.isBias)
            out.push_back({t.name, &b, &db, t.row, 0, t.rows, 1});
        else
            out.push_back({t.name, &W, &dW, t.row, t.col, t.rows, t.cols});
    }
    return out;
}

template <class T> void RecurrentLayer<T>::zeroGrads()
{
    dW.setZero();
    db.setZero();
}

template <class T> void RecurrentLayer<T>::prepare(Index m, Index T_steps, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    if (m < 1 || T_steps < 1) throw InputError("a sequence needs at least one step and one example");
    if (a0.rows() != n_a_ || a0.cols() != m)
        throw InputError("initial state a0 is " + std::to_string(a0.rows()) + " x " + std::to_string(a0.cols()) +
                         ", expected " + std::to_string(n_a_) + " x " + std::to_string(m));
    m_ = m;
    T_ = T_steps;
    const Index N = m * T_steps, G = gates();
    A_.resize(n_a_, N + m); // Eigen's resize keeps the buffer when the size does not change
    A_.leftCols(m) = a0;
    if (hasCellState(kind_)) {
        if (c0.rows() != n_a_ || c0.cols() != m) throw InputError("initial cell state c0 has the wrong shape");
        C_.resize(n_a_, N + m);
        C_.leftCols(m) = c0;
    } else {
        C_.resize(0, 0);
    }
    Z_.resize(G * n_a_, N);
    Aux_.resize(kind_ == CellKind::Rnn ? 0 : n_a_, kind_ == CellKind::Rnn ? 0 : N);
}

template <class T>
void RecurrentLayer<T>::beginForward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    if (X.rows() != n_x_ || m < 1 || X.cols() % m != 0)
        throw InputError("input is " + std::to_string(X.rows()) + " x " + std::to_string(X.cols()) +
                         ", expected " + std::to_string(n_x_) + " rows and a multiple of m = " + std::to_string(m) +
                         " columns");
    prepare(m, X.cols() / m, a0, c0);
    inputIsIds_ = false;
    X_ = X;
    // The input part of every step at once: Z = W_x X + b.
    parallelProduct(Z_, W.rightCols(n_x_), X);
    Z_.colwise() += b.col(0);
}

template <class T>
void RecurrentLayer<T>::beginForward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0,
                                     ConstMatRef<T> c0)
{
    if (m < 1 || ids.empty() || ids.size() % size_t(m) != 0)
        throw InputError("input of " + std::to_string(ids.size()) + " indices is not a multiple of m = " +
                         std::to_string(m));
    for (auto id : ids)
        if (id < kNoInput || id >= n_x_)
            throw InputError("input index " + std::to_string(id) + " outside the vocabulary of " +
                             std::to_string(n_x_));
    prepare(m, Index(ids.size()) / m, a0, c0);
    inputIsIds_ = true;
    ids_.assign(ids.begin(), ids.end());
    X_.resize(0, 0);
    // W_x onehot(id) is column id of W_x; kNoInput is the zero vector (the course's x<1> = 0 before a name).
    for (Index j = 0; j < Index(ids.size()); ++j)
        if (ids[size_t(j)] == kNoInput)
            Z_.col(j) = b.col(0);
        else
            Z_.col(j) = W.col(n_a_ + ids[size_t(j)]) + b.col(0);
}

template <class T> void RecurrentLayer<T>::forwardStep(Index t)
{
    const Index m = m_, n = n_a_;
    const auto cols = [&](auto& M, Index block) { return M.middleCols(block * m, m); };
    auto noCell = A_.middleCols(0, m); // a harmless stand-in for c when the cell has none
    cellForward<T>(kind_, cols(Z_, t), W.leftCols(n), cols(A_, t), hasCellState(kind_) ? cols(C_, t) : noCell,
                   cols(A_, t + 1), hasCellState(kind_) ? cols(C_, t + 1) : noCell,
                   kind_ == CellKind::Rnn ? noCell : cols(Aux_, t));
}

template <class T>
void RecurrentLayer<T>::forward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    beginForward(X, m, a0, c0);
    for (Index t = 0; t < T_; ++t) forwardStep(t);
}

template <class T>
void RecurrentLayer<T>::forward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    beginForward(ids, m, a0, c0);
    for (Index t = 0; t < T_; ++t) forwardStep(t);
}

template <class T> void RecurrentLayer<T>::beginBackward(ConstMatRef<T> dA)
{
    if (dA.rows() != n_a_ || dA.cols() != m_ * T_)
        throw InputError("dA has the wrong shape for the last forward pass");
    dAout_ = dA;
    dArec_.setZero(n_a_, m_ * (T_ + 1));
    if (hasCellState(kind_))
        dC_.setZero(n_a_, m_ * (T_ + 1));
    else
        dC_.resize(0, 0);
    dZ_.resize(Z_.rows(), Z_.cols());
    daTotal_.resize(n_a_, m_);
}

template <class T> void RecurrentLayer<T>::backwardStep(Index t)
{
    const Index m = m_, n = n_a_;
    const auto cols = [&](auto& M, Index block) { return M.middleCols(block * m, m); };
    daTotal_ = cols(dAout_, t) + cols(dArec_, t + 1);
    const bool lstm = hasCellState(kind_);
    auto noCell = daTotal_.leftCols(m);
    cellBackward<T>(kind_, cols(Z_, t), W.leftCols(n), cols(A_, t), lstm ? cols(C_, t) : noCell,
                    kind_ == CellKind::Rnn ? noCell : cols(Aux_, t), daTotal_, lstm ? cols(dC_, t + 1) : noCell,
                    cols(dZ_, t), cols(dArec_, t), lstm ? cols(dC_, t) : cols(dArec_, t));
}

template <class T> void RecurrentLayer<T>::finishBackward(Mat<T>* dX)
{
    const Index N = m_ * T_, n = n_a_;
    // Parameter gradients of all steps in one product each.
    accumulateRecurrentGrad<T>(kind_, dW.leftCols(n), dZ_, A_.leftCols(N),
                               kind_ == CellKind::Rnn ? A_.leftCols(N) : Aux_.leftCols(N));
    db.col(0) += dZ_.rowwise().sum();
    if (inputIsIds_) {
        for (Index j = 0; j < N; ++j)
            if (ids_[size_t(j)] != kNoInput) dW.col(n + ids_[size_t(j)]) += dZ_.col(j);
        if (dX) dX->resize(0, 0);
    } else {
        parallelProductAdd(dW.rightCols(n_x_), dZ_, X_.transpose());
        if (dX) parallelProduct(*dX, W.rightCols(n_x_).transpose(), dZ_);
    }
}

template <class T> void RecurrentLayer<T>::backward(ConstMatRef<T> dA, Mat<T>* dX)
{
    beginBackward(dA);
    for (Index t = T_ - 1; t >= 0; --t) backwardStep(t);
    finishBackward(dX);
}

template class RecurrentLayer<float>;
template class RecurrentLayer<double>;

} // namespace unroll
