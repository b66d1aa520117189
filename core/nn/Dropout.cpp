// Inverted dropout with a seeded mask; see Dropout.hpp.
#include "nn/Dropout.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <cstdio>
#include <string>

namespace unroll {

template <class T> Dropout<T>::Dropout(double rate) : rate_(rate)
{
    if (!(rate >= 0 && rate < 1)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", rate);
        throw InputError("dropout rate " + std::string(buf) + " must be in [0, 1) (the fraction dropped)");
    }
}

template <class T> void Dropout<T>::forward(ConstMatRef<T> X, DropoutCache<T>& cache, Mode mode, Rng& rng) const
{
    cache.mode = mode;
    cache.Y.resize(X.rows(), X.cols());
    if (mode == Mode::Infer) {
        cache.mask.resize(0, 0);
        cache.Y = X;
        return;
    }
    const T keep = T(1 / (1 - rate_));
    cache.mask.resize(X.rows(), X.cols());
    T* mask = cache.mask.data();
    for (Index i = 0; i < cache.mask.size(); ++i) mask[i] = rng.randomSample() < rate_ ? T(0) : keep;
    cache.Y.array() = X.array() * cache.mask.array();
}

template <class T>
void Dropout<T>::backward(ConstMatRef<T> X, const DropoutCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX) const
{
    const Index n = cache.Y.rows(), N = cache.Y.cols();
    if (X.rows() != n || X.cols() != N || dY.rows() != n || dY.cols() != N)
        throw InputError("dropout backward: input (" + std::to_string(X.rows()) + ", " + std::to_string(X.cols()) +
                         ") and dY (" + std::to_string(dY.rows()) + ", " + std::to_string(dY.cols()) +
                         ") must both be the forward's (" + std::to_string(n) + ", " + std::to_string(N) + ")");
    if (!dX) return;
    if (cache.mode == Mode::Infer)
        *dX = dY;
    else
        *dX = (dY.array() * cache.mask.array()).matrix();
}

template class Dropout<float>;
template class Dropout<double>;

} // namespace unroll
