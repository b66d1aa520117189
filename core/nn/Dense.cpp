// Dense softmax output layer; see Dense.hpp.
#include "nn/Dense.hpp"

#include "math/Activations.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"

#include <cmath>
#include <string>

namespace unroll {

template <class T> Dense<T>::Dense(Index n_in, Index n_out)
{
    if (n_in < 1 || n_out < 1) throw InputError("dense layer sizes must be positive");
    Wya = Mat<T>::Zero(n_out, n_in);
    by = Mat<T>::Zero(n_out, 1);
    dWya = Mat<T>::Zero(n_out, n_in);
    dby = Mat<T>::Zero(n_out, 1);
}

template <class T> void Dense<T>::initialize(Rng& rng, double scale)
{
    Wya = (rng.randn(Wya.rows(), Wya.cols()) * (scale / std::sqrt(double(Wya.cols())))).template cast<T>();
    by.setZero();
}

template <class T> ParamList<T> Dense<T>::parameters()
{
    return {wholeParam<T>("Wya", Wya, dWya), wholeParam<T>("by", by, dby)};
}

template <class T> void Dense<T>::zeroGrads()
{
    dWya.setZero();
    dby.setZero();
}

template <class T> void Dense<T>::forward(ConstMatRef<T> A)
{
    if (A.rows() != inputSize()) throw InputError("dense layer input has the wrong number of rows");
    A_ = A;
    parallelProduct(P_, Wya, A);
    P_.colwise() += by.col(0);
    softmaxColumnsInPlace<T>(P_);
}

template <class T> double Dense<T>::loss(std::span<const std::int32_t> targets) const
{
    if (Index(targets.size()) != P_.cols()) throw InputError("one target per column is needed");
    for (auto y : targets)
        if (y < kNoTarget || y >= outputSize())
            throw InputError("target " + std::to_string(y) + " outside the " + std::to_string(outputSize()) +
                             " classes");
    return crossEntropySum<T>(P_, targets);
}

template <class T> void Dense<T>::backward(std::span<const std::int32_t> targets, T scale, Mat<T>* dA)
{
    // d(-ln p_y)/dz = p - onehot(y): the softmax and the cross-entropy together.
    dY_ = P_;
    for (Index j = 0; j < dY_.cols(); ++j) {
        if (targets[size_t(j)] == kNoTarget)
            dY_.col(j).setZero();
        else
            dY_(targets[size_t(j)], j) -= T(1);
    }
    dY_ *= scale;
    parallelProductAdd(dWya, dY_, A_.transpose());
    dby.col(0) += dY_.rowwise().sum();
    if (dA) parallelProduct(*dA, Wya.transpose(), dY_);
}

template class Dense<float>;
template class Dense<double>;

} // namespace unroll
