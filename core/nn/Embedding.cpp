// Embedding lookup; see Embedding.hpp.
#include "nn/Embedding.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <string>

namespace unroll {

template <class T> Embedding<T>::Embedding(Index V, Index n_e)
{
    if (V < 1 || n_e < 1)
        throw InputError("an embedding needs at least one word and one dimension (got " + std::to_string(V) +
                         " words x " + std::to_string(n_e) + ")");
    E = Mat<T>::Zero(n_e, V + 1);
    dE = Mat<T>::Zero(n_e, V + 1);
}

template <class T> void Embedding<T>::initialize(Rng& rng, double scale)
{
    E = (rng.randn(E.rows(), E.cols()) * scale).template cast<T>();
}

template <class T> void Embedding<T>::setVectors(ConstMatRef<T> vectors, bool unknownIsMean)
{
    if (vectors.rows() != dimension() || vectors.cols() != vocabularySize())
        throw InputError("loaded vectors are " + std::to_string(vectors.rows()) + "-dimensional for " +
                         std::to_string(vectors.cols()) + " words; the embedding holds " +
                         std::to_string(dimension()) + " x " + std::to_string(vocabularySize()));
    E.leftCols(vocabularySize()) = vectors;
    if (unknownIsMean)
        E.col(unknownId()) = vectors.rowwise().mean();
    else
        E.col(unknownId()).setZero();
}

template <class T> ParamList<T> Embedding<T>::parameters()
{
    if (!trainable) return {};
    return {wholeParam<T>("E", E, dE)};
}

template <class T> void Embedding<T>::zeroGrads() { dE.setZero(); }

template <class T> void Embedding<T>::forward(std::span<const std::int32_t> ids, Mat<T>& Y) const
{
    Y.resize(dimension(), Index(ids.size())); // (n_e, N)
    for (Index j = 0; j < Y.cols(); ++j) {
        const std::int32_t id = ids[size_t(j)];
        if (id > unknownId())
            throw InputError("word index " + std::to_string(id) + " outside the vocabulary of " +
                             std::to_string(vocabularySize()) + " words (+1 unknown)");
        if (id < 0)
            Y.col(j).setZero();
        else
            Y.col(j) = E.col(id);
    }
}

template <class T> void Embedding<T>::backward(std::span<const std::int32_t> ids, ConstMatRef<T> dY)
{
    if (!trainable) return;
    for (Index j = 0; j < dY.cols(); ++j) {
        const std::int32_t id = ids[size_t(j)];
        if (id >= 0) dE.col(id) += dY.col(j); // a word seen twice gets both gradients
    }
}

template class Embedding<float>;
template class Embedding<double>;

} // namespace unroll
