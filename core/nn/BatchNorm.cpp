// Batch normalisation per channel; see BatchNorm.hpp.
#include "nn/BatchNorm.hpp"

#include "util/Error.hpp"

#include <cstdio>
#include <string>

namespace unroll {

namespace {
std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
} // namespace

template <class T> BatchNorm<T>::BatchNorm(Index n, BatchNormOptions opts) : options(opts)
{
    if (n < 1) throw InputError("batchnorm size " + std::to_string(n) + " must be at least 1");
    if (!(opts.epsilon > 0)) throw InputError("batchnorm epsilon " + num(opts.epsilon) + " must be above 0");
    if (!(opts.momentum >= 0 && opts.momentum <= 1))
        throw InputError("batchnorm momentum " + num(opts.momentum) + " must be in [0, 1]");
    gamma = Mat<T>::Ones(n, 1);
    beta = Mat<T>::Zero(n, 1);
    dgamma = Mat<T>::Zero(n, 1);
    dbeta = Mat<T>::Zero(n, 1);
    movingMean = Mat<T>::Zero(n, 1);
    movingVar = Mat<T>::Ones(n, 1);
}

template <class T> ParamList<T> BatchNorm<T>::parameters()
{
    return {wholeParam<T>("gamma", gamma, dgamma), wholeParam<T>("beta", beta, dbeta)};
}

template <class T> void BatchNorm<T>::zeroGrads()
{
    dgamma.setZero();
    dbeta.setZero();
}

template <class T> void BatchNorm<T>::forward(ConstMatRef<T> X, BatchNormCache<T>& cache, Mode mode) const
{
    if (X.rows() != size())
        throw InputError("batchnorm expects " + std::to_string(size()) + " rows (channels), got " +
                         std::to_string(X.rows()));
    if (X.cols() < 1) throw InputError("batchnorm input has 0 columns, needs at least 1");
    const Index N = X.cols();
    cache.mode = mode;
    cache.xhat.resize(X.rows(), N);
    if (mode == Mode::Train) {
        cache.mean = X.rowwise().sum() / T(N);                                // (n, 1)
        cache.xhat = X.colwise() - cache.mean.col(0);                         // x - mu
        cache.var = cache.xhat.rowwise().squaredNorm() / T(N);                // (n, 1), biased
    } else {
        cache.mean = movingMean;
        cache.var = movingVar;
        cache.xhat = X.colwise() - cache.mean.col(0);
    }
    cache.invStd = (cache.var.array() + T(options.epsilon)).rsqrt();
    cache.xhat.array().colwise() *= cache.invStd.col(0).array();             // (n, N)
    cache.Y.resize(X.rows(), N);
    cache.Y.array() = (cache.xhat.array().colwise() * gamma.col(0).array()).colwise() + beta.col(0).array();
}

template <class T> void BatchNorm<T>::updateMovingStatistics(const BatchNormCache<T>& cache)
{
    if (cache.mode != Mode::Train || cache.mean.rows() != size())
        throw InputError("batchnorm moving statistics update needs the cache of a train-mode forward");
    const T mom = T(options.momentum);
    movingMean = mom * movingMean + (T(1) - mom) * cache.mean;
    movingVar = mom * movingVar + (T(1) - mom) * cache.var;
}

template <class T>
void BatchNorm<T>::backward(ConstMatRef<T> X, BatchNormCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX)
{
    const Index N = cache.xhat.cols();
    if (X.rows() != size() || X.cols() != N || dY.rows() != size() || dY.cols() != N)
        throw InputError("batchnorm backward: input (" + std::to_string(X.rows()) + ", " + std::to_string(X.cols()) +
                         ") and dY (" + std::to_string(dY.rows()) + ", " + std::to_string(dY.cols()) +
                         ") must both be the forward's (" + std::to_string(size()) + ", " + std::to_string(N) + ")");
    dgamma.col(0) += (dY.array() * cache.xhat.array()).rowwise().sum().matrix(); // (n, 1)
    dbeta.col(0) += dY.rowwise().sum();
    if (!dX) return;
    dX->resize(size(), N);
    const Eigen::Array<T, Eigen::Dynamic, 1> scale = gamma.col(0).array() * cache.invStd.col(0).array(); // (n, 1)
    if (cache.mode == Mode::Infer) {
        dX->array() = dY.array().colwise() * scale;
        return;
    }
    // dx = gamma invStd (dy - mean(dy) - xhat mean(dy xhat)), the paper's formula with dxhat = gamma dy folded in.
    const Mat<T> meanDy = dY.rowwise().sum() / T(N);                                             // (n, 1)
    const Mat<T> meanDyXhat = (dY.array() * cache.xhat.array()).rowwise().sum().matrix() / T(N); // (n, 1)
    cache.dxhat.resize(size(), N);
    cache.dxhat.array() = (dY.array().colwise() - meanDy.col(0).array()) -
                          cache.xhat.array().colwise() * meanDyXhat.col(0).array();
    dX->array() = cache.dxhat.array().colwise() * scale;
}

template class BatchNorm<float>;
template class BatchNorm<double>;

} // namespace unroll
