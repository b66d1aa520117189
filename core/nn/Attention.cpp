// The course's attention block; see Attention.hpp.
#include "nn/Attention.hpp"

#include "util/Error.hpp"

#include <string>

namespace unroll {

template <class T>
Attention<T>::Attention(Index n_a, Index n_s, Index n_h)
    : dense1(n_a + n_s, n_h, Activation::Tanh), dense2(n_h, 1, Activation::Relu), n_a_(n_a), n_s_(n_s)
{
}

template <class T> void Attention<T>::initialize(Rng& rng)
{
    dense1.initialize(rng);
    dense2.initialize(rng);
}

template <class T> ParamList<T> Attention<T>::parameters()
{
    return {wholeParam<T>("W1", dense1.W, dense1.dW), wholeParam<T>("b1", dense1.b, dense1.db),
            wholeParam<T>("W2", dense2.W, dense2.dW), wholeParam<T>("b2", dense2.b, dense2.db)};
}

template <class T> void Attention<T>::zeroGrads()
{
    dense1.zeroGrads();
    dense2.zeroGrads();
}

template <class T>
void Attention<T>::forward(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache) const
{
    if (m < 1 || A.rows() != n_a_ || A.cols() % m != 0 || sPrev.rows() != n_s_ || sPrev.cols() != m)
        throw InputError("attention: encoder states " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                         " and decoder state " + std::to_string(sPrev.rows()) + "x" + std::to_string(sPrev.cols()) +
                         " do not fit " + std::to_string(n_a_) + " encoder and " + std::to_string(n_s_) +
                         " decoder units with " + std::to_string(m) + " examples");
    const Index T_x = A.cols() / m;
    // RepeatVector + Concatenate: [a<t'>; s<t-1>] for every t'.
    cache.concat.resize(n_a_ + n_s_, m * T_x);
    cache.concat.topRows(n_a_) = A;
    for (Index t = 0; t < T_x; ++t) cache.concat.bottomRows(n_s_).middleCols(t * m, m) = sPrev;
    dense1.forward(cache.concat, cache.hidden);        // e: (n_h, m*T_x)
    dense2.forward(cache.hidden.Y, cache.energy);      // energies: (1, m*T_x)
    // Softmax over t' for each example: energy(0, t*m + i) read as an (m, T_x) matrix is row i = example i.
    const Eigen::Map<const Mat<T>> energies(cache.energy.Y.data(), m, T_x);
    cache.alpha = energies.transpose();                // (T_x, m)
    activateInPlace<T>(Activation::Softmax, cache.alpha);
    // context(:, i) = sum over t' of alpha(t', i) a<t'>(:, i).
    cache.context.setZero(n_a_, m);
    for (Index t = 0; t < T_x; ++t)
        cache.context.array() += A.middleCols(t * m, m).array().rowwise() * cache.alpha.row(t).array();
}

template <class T>
void Attention<T>::backward(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache,
                            ConstMatRef<T> dContext, MatRef<T> dA, Mat<T>* dsPrev)
{
    (void)sPrev;
    const Index T_x = A.cols() / m;
    // Through the weighted sum: dalpha(t', i) = dContext(:, i) . a<t'>(:, i); dA gets alpha * dContext.
    Mat<T>& dAlpha = cache.dAlpha; // (T_x, m)
    dAlpha.resize(T_x, m);
    for (Index t = 0; t < T_x; ++t) {
        auto a = A.middleCols(t * m, m);
        dAlpha.row(t) = (a.array() * dContext.array()).colwise().sum();
        dA.middleCols(t * m, m).array() += dContext.array().rowwise() * cache.alpha.row(t).array();
    }
    // Through the softmax over t', then back into the (1, m*T_x) energy layout.
    activationBackward<T>(Activation::Softmax, cache.alpha, dAlpha, dAlpha);
    cache.dEnergy.resize(1, m * T_x);
    Eigen::Map<Mat<T>>(cache.dEnergy.data(), m, T_x) = dAlpha.transpose();
    dense2.backward(cache.hidden.Y, cache.energy, cache.dEnergy, &cache.dHidden);
    dense1.backward(cache.concat, cache.hidden, cache.dHidden, &cache.dConcat);
    dA += cache.dConcat.topRows(n_a_);
    if (dsPrev) {
        dsPrev->setZero(n_s_, m);
        for (Index t = 0; t < T_x; ++t) *dsPrev += cache.dConcat.bottomRows(n_s_).middleCols(t * m, m);
    }
}

template class Attention<float>;
template class Attention<double>;

} // namespace unroll
