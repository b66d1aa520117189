// What the two trainers of EmbeddingTraining.hpp share: reading float parameter rows out as double WordVectors.
// The trainers themselves are in Glove.cpp and SkipGram.cpp, the corpus loader in Corpus.cpp.
#include "vectors/EmbeddingTrainingInternal.hpp"

#include "util/Error.hpp"

namespace unroll::vectors::detail_training {

VectorMatrix gatherRows(const FloatRows& a, const FloatRows* b, const std::vector<Index>& words)
{
    VectorMatrix out(Index(words.size()), a.dimension());
    for (std::size_t r = 0; r < words.size(); ++r) {
        const Index w = words[r];
        if (w < 0 || w >= a.rows())
            throw InputError("word index " + std::to_string(w) + " out of range (the vocabulary has " +
                             std::to_string(a.rows()) + " words)");
        const float* x = a.row(w);
        const float* y = b ? b->row(w) : nullptr;
        for (int k = 0; k < a.dimension(); ++k) out(Index(r), k) = double(x[k]) + (y ? double(y[k]) : 0.0);
    }
    return out;
}

WordVectors toWordVectors(const Corpus& corpus, const FloatRows& a, const FloatRows* b)
{
    std::vector<Index> all(corpus.words.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = Index(i);
    return WordVectors(corpus.words, gatherRows(a, b, all), corpus.source);
}

} // namespace unroll::vectors::detail_training
