// Embedding: word index -> a learned (or loaded) vector, the first layer of the word-level models (Emojify, the
// skip-gram trainer). Column convention: E is (n_e, V + 1), column v the vector of word v, and the last column the
// unknown word's, so a vocabulary maps every out-of-vocabulary token to unknownId() and still gets a vector.
//
//   Embedding<float> emb(V, 50);                            // E: (50, V + 1)
//   emb.setVectors(loaded);                                 // (50, V) from a GloVe file; the unknown column = 0
//   emb.trainable = false;                                  // frozen: no parameters, no gradient (Emojify V2)
//   emb.forward(ids, Y);                                    // ids: N indices -> Y: (50, N)
//   emb.backward(ids, dY);                                  // dE(:, ids[j]) += dY(:, j)  when trainable
//
// A negative index (kNoInput: padding) gives the zero vector and receives no gradient. The forward is a gather and
// the backward a scatter-add: the one-hot product is never formed. Gradients accumulate; zeroGrads() clears them.
#pragma once

#include "nn/Params.hpp"

#include <cstdint>
#include <span>

namespace unroll {

class Rng;

template <class T> class Embedding {
public:
    Embedding() = default;
    Embedding(Index vocabularySize, Index dimension);

    Mat<T> E, dE; // (n_e, V + 1)
    bool trainable = true;

    Index vocabularySize() const { return E.cols() - 1; }
    Index dimension() const { return E.rows(); }
    std::int32_t unknownId() const { return std::int32_t(E.cols() - 1); }

    // E ~ N(0, scale^2) (the unknown column too).
    void initialize(Rng& rng, double scale = 0.1);
    // vectors: (n_e, V) loaded vectors. The unknown column becomes their mean when unknownIsMean, else 0.
    void setVectors(ConstMatRef<T> vectors, bool unknownIsMean = false);
    ParamList<T> parameters(); // "E" when trainable, nothing when frozen
    void zeroGrads();

    // ids: N indices in [0, V] (V = unknownId()) or negative (padding) -> Y: (n_e, N).
    void forward(std::span<const std::int32_t> ids, Mat<T>& Y) const;
    // dY: (n_e, N), the gradient of the forward's output. Nothing happens when frozen.
    void backward(std::span<const std::int32_t> ids, ConstMatRef<T> dY);
};

extern template class Embedding<float>;
extern template class Embedding<double>;

} // namespace unroll
