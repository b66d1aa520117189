// The course's attention block; see Attention.hpp.
#include "nn/Attention.hpp"

#include "math/Activations.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"

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
void Attention<T>::backwardToEnergies(ConstMatRef<T> A, Index m, AttentionCache<T>& cache, ConstMatRef<T> dContext,
                                      MatRef<T> dA) const
{
    const Index T_x = A.cols() / m;
    // Through the weighted sum: dalpha(t', i) = dContext(:, i) . a<t'>(:, i); dA gets alpha * dContext.
    Mat<T>& dAlpha = cache.dAlpha; // (T_x, m)
    dAlpha.resize(T_x, m);
    for (Index t = 0; t < T_x; ++t) {
        auto a = A.middleCols(t * m, m);
        dAlpha.row(t) = (a.array() * dContext.array()).colwise().sum();
        dA.middleCols(t * m, m).array() += dContext.array().rowwise() * cache.alpha.row(t).array();
    }
    // Through the softmax over t', then into the (1, m*T_x) energy layout.
    activationBackward<T>(Activation::Softmax, cache.alpha, dAlpha, dAlpha);
    cache.dEnergy.resize(1, m * T_x);
    Eigen::Map<Mat<T>>(cache.dEnergy.data(), m, T_x) = dAlpha.transpose();
}

template <class T>
void Attention<T>::backward(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache,
                            ConstMatRef<T> dContext, MatRef<T> dA, Mat<T>* dsPrev)
{
    (void)sPrev;
    const Index T_x = A.cols() / m;
    backwardToEnergies(A, m, cache, dContext, dA);
    dense2.backward(cache.hidden.Y, cache.energy, cache.dEnergy, &cache.dHidden);
    dense1.backward(cache.concat, cache.hidden, cache.dHidden, &cache.dConcat);
    dA += cache.dConcat.topRows(n_a_);
    if (dsPrev) {
        dsPrev->setZero(n_s_, m);
        for (Index t = 0; t < T_x; ++t) *dsPrev += cache.dConcat.bottomRows(n_s_).middleCols(t * m, m);
    }
}

template <class T> void Attention<T>::precompute(ConstMatRef<T> A, Index m, Mat<T>& K) const
{
    if (m < 1 || A.rows() != n_a_ || A.cols() % m != 0 || A.cols() == 0)
        throw InputError("attention: encoder states " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                         " do not fit " + std::to_string(n_a_) + " encoder units with " + std::to_string(m) +
                         " examples");
    parallelProduct(K, dense1.W.leftCols(n_a_), A); // (n_h, m*T_x)
    K.colwise() += dense1.b.col(0);
}

template <class T>
void Attention<T>::forwardStep(ConstMatRef<T> A, ConstMatRef<T> K, Index m, ConstMatRef<T> sPrev,
                               AttentionCache<T>& cache) const
{
    const Index n_h = dense1.outputSize();
    if (m < 1 || A.rows() != n_a_ || A.cols() % m != 0 || sPrev.rows() != n_s_ || sPrev.cols() != m ||
        K.rows() != n_h || K.cols() != A.cols())
        throw InputError("attention: encoder states " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                         ", keys " + std::to_string(K.rows()) + "x" + std::to_string(K.cols()) +
                         " and decoder state " + std::to_string(sPrev.rows()) + "x" + std::to_string(sPrev.cols()) +
                         " do not fit " + std::to_string(n_a_) + " encoder, " + std::to_string(n_s_) + " decoder and " +
                         std::to_string(n_h) + " hidden units with " + std::to_string(m) + " examples");
    const Index T_x = A.cols() / m;
    // e = tanh(K + W1s s<t-1>), the decoder's part repeated over the T_x blocks.
    cache.sProj.noalias() = dense1.W.rightCols(n_s_) * sPrev; // (n_h, m)
    Mat<T>& e = cache.hidden.Y;
    e.resize(n_h, m * T_x);
    for (Index t = 0; t < T_x; ++t) e.middleCols(t * m, m) = K.middleCols(t * m, m) + cache.sProj;
    // As one contiguous vector: through a Ref, Eigen would vectorise each column of n_h = 10 rows on its own (none).
    Eigen::Map<Vec<T>> flat(e.data(), e.size());
    flat.array() = flat.array().tanh();
    // energies = relu(W2 e + b2): (1, m*T_x).
    cache.energy.Y.noalias() = dense2.W * e;
    cache.energy.Y.array() = (cache.energy.Y.array() + dense2.b(0, 0)).max(T(0));
    const Eigen::Map<const Mat<T>> energies(cache.energy.Y.data(), m, T_x);
    cache.alpha = energies.transpose(); // (T_x, m)
    softmaxColumnsInPlace<T>(cache.alpha);
    cache.context.setZero(n_a_, m);
    for (Index t = 0; t < T_x; ++t)
        cache.context.array() += A.middleCols(t * m, m).array().rowwise() * cache.alpha.row(t).array();
}

template <class T>
void Attention<T>::backwardStep(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache,
                                ConstMatRef<T> dContext, MatRef<T> dA, MatRef<T> dK, Mat<T>* dsPrev)
{
    const Index T_x = A.cols() / m, n_h = dense1.outputSize();
    backwardToEnergies(A, m, cache, dContext, dA);
    // Through the relu into the energies' pre-activation (1, m*T_x), then dense2.
    cache.dEnergy.array() = (cache.energy.Y.array() > T(0)).select(cache.dEnergy.array(), T(0));
    const Mat<T>& e = cache.hidden.Y;
    dense2.dW.noalias() += cache.dEnergy * e.transpose(); // (1, n_h)
    dense2.db(0, 0) += cache.dEnergy.sum();
    // dL/d(pre-activation of e) = (W2^T dEnergy) * (1 - e^2): (n_h, m*T_x). K and W1s s<t-1> both feed it.
    cache.dHidden.noalias() = dense2.W.transpose() * cache.dEnergy;
    cache.dHidden.array() *= tanhGradFromOutput(e.array());
    dK += cache.dHidden;
    cache.dHiddenSum.setZero(n_h, m);
    for (Index t = 0; t < T_x; ++t) cache.dHiddenSum += cache.dHidden.middleCols(t * m, m);
    dense1.dW.rightCols(n_s_).noalias() += cache.dHiddenSum * sPrev.transpose();
    if (dsPrev) dsPrev->noalias() = dense1.W.rightCols(n_s_).transpose() * cache.dHiddenSum;
}

template <class T> void Attention<T>::finishBackward(ConstMatRef<T> A, ConstMatRef<T> dK, MatRef<T> dA)
{
    parallelProductAdd(dense1.dW.leftCols(n_a_), dK, A.transpose()); // (n_h, n_a)
    dense1.db.col(0) += dK.rowwise().sum();
    parallelProductAdd(dA, dense1.W.leftCols(n_a_).transpose(), dK); // (n_a, m*T_x)
}

template class Attention<float>;
template class Attention<double>;

} // namespace unroll
