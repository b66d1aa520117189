// Linear layer and activations; see Linear.hpp.
#include "nn/Linear.hpp"

#include "math/Activations.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"

#include <cmath>
#include <string>

namespace unroll {

Activation parseActivation(std::string_view id)
{
    for (size_t i = 0; i < activationIds.size(); ++i)
        if (activationIds[i] == id) return Activation(i);
    throw InputError("unknown activation '" + std::string(id) +
                     "' (known: identity, tanh, relu, sigmoid, softmax)");
}

template <class T> void activateInPlace(Activation act, MatRef<T> Z)
{
    switch (act) {
    case Activation::Identity: break;
    case Activation::Tanh: tanhInPlace<T>(Z); break;
    case Activation::Relu: Z.array() = Z.array().max(T(0)); break;
    case Activation::Sigmoid: sigmoidInPlace<T>(Z); break;
    case Activation::Softmax: softmaxColumnsInPlace<T>(Z); break;
    }
}

template <class T> void activationBackward(Activation act, ConstMatRef<T> Y, ConstMatRef<T> dY, MatRef<T> dZ)
{
    switch (act) {
    case Activation::Identity: dZ = dY; break;
    case Activation::Tanh: dZ.array() = dY.array() * tanhGradFromOutput(Y.array()); break;
    case Activation::Relu: dZ.array() = (Y.array() > T(0)).select(dY.array(), T(0)); break;
    case Activation::Sigmoid: dZ.array() = dY.array() * sigmoidGradFromOutput(Y.array()); break;
    case Activation::Softmax:
        // The Jacobian of y = softmax(z) is diag(y) - y y^T, so dz = y * dy - y (y . dy), column by column.
        for (Index j = 0; j < Y.cols(); ++j) {
            const T dot = Y.col(j).dot(dY.col(j));
            dZ.col(j).array() = Y.col(j).array() * (dY.col(j).array() - dot);
        }
        break;
    }
}

template <class T> Linear<T>::Linear(Index n_in, Index n_out, Activation act) : activation(act)
{
    if (n_in < 1 || n_out < 1)
        throw InputError("linear layer sizes must be positive (got " + std::to_string(n_in) + " -> " +
                         std::to_string(n_out) + ")");
    W = Mat<T>::Zero(n_out, n_in);
    b = Mat<T>::Zero(n_out, 1);
    dW = Mat<T>::Zero(n_out, n_in);
    db = Mat<T>::Zero(n_out, 1);
}

template <class T> void Linear<T>::initialize(Rng& rng, double scale)
{
    W = (rng.randn(W.rows(), W.cols()) * (scale / std::sqrt(double(W.cols())))).template cast<T>();
    b.setZero();
}

template <class T> ParamList<T> Linear<T>::parameters()
{
    return {wholeParam<T>("W", W, dW), wholeParam<T>("b", b, db)};
}

template <class T> void Linear<T>::zeroGrads()
{
    dW.setZero();
    db.setZero();
}

template <class T> void Linear<T>::forward(ConstMatRef<T> X, LinearCache<T>& cache) const
{
    if (X.rows() != inputSize())
        throw InputError("linear layer expects " + std::to_string(inputSize()) + " input rows, got " +
                         std::to_string(X.rows()));
    parallelProduct(cache.Y, W, X); // (n_out, N)
    cache.Y.colwise() += b.col(0);
    activateInPlace<T>(activation, cache.Y);
}

template <class T> void Linear<T>::backward(ConstMatRef<T> X, LinearCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX)
{
    cache.dZ.resize(dY.rows(), dY.cols());
    activationBackward<T>(activation, cache.Y, dY, cache.dZ); // (n_out, N)
    parallelProductAdd(dW, cache.dZ, X.transpose()); // (n_out, n_in)
    db.col(0) += cache.dZ.rowwise().sum();
    if (dX) parallelProduct(*dX, W.transpose(), cache.dZ); // (n_in, N)
}

template void activateInPlace<float>(Activation, MatRef<float>);
template void activateInPlace<double>(Activation, MatRef<double>);
template void activationBackward<float>(Activation, ConstMatRef<float>, ConstMatRef<float>, MatRef<float>);
template void activationBackward<double>(Activation, ConstMatRef<double>, ConstMatRef<double>, MatRef<double>);
template class Linear<float>;
template class Linear<double>;

} // namespace unroll
