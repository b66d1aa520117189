// What the GloVe and skip-gram trainers share (private to Glove.cpp and SkipGram.cpp): float parameter rows padded to
// a multiple of 16 floats and aligned to 64 bytes, so every row starts on a cache line and the inner loops run whole
// SIMD registers with no remainder (50 dimensions are stored as 64; the padding stays zero, so it changes no dot
// product); a small fast RNG; the conversion of rows to WordVectors.
#pragma once

#include "vectors/EmbeddingTraining.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace unroll::vectors::detail_training {

constexpr int kRowAlign = 16; // floats: one 64-byte cache line

inline int paddedDimension(int dimension) { return (dimension + kRowAlign - 1) / kRowAlign * kRowAlign; }

// rows x stride floats, 64-byte aligned, zero-initialised.
class FloatRows {
public:
    FloatRows() = default;
    FloatRows(Index rows, int dimension)
        : rows_(rows), dimension_(dimension), stride_(paddedDimension(dimension))
    {
        const std::size_t bytes = std::size_t(rows) * std::size_t(stride_) * sizeof(float);
        data_.reset(static_cast<float*>(::operator new[](bytes == 0 ? 64 : bytes, std::align_val_t(64))));
        std::fill_n(data_.get(), std::size_t(rows) * std::size_t(stride_), 0.0f);
    }
    float* row(Index i) { return data_.get() + std::size_t(i) * std::size_t(stride_); }
    const float* row(Index i) const { return data_.get() + std::size_t(i) * std::size_t(stride_); }
    Index rows() const { return rows_; }
    int dimension() const { return dimension_; }
    int stride() const { return stride_; }

private:
    struct Free {
        void operator()(float* p) const { ::operator delete[](p, std::align_val_t(64)); }
    };
    Index rows_ = 0;
    int dimension_ = 0;
    int stride_ = 0;
    std::unique_ptr<float[], Free> data_;
};

// word2vec's linear congruential generator (next = next * 25214903917 + 11, the Java/drand48 multiplier), mixed
// once at seeding so that nearby seeds (seed, step, chunk) start far apart. Fast enough to draw per training pair.
class FastRng {
public:
    explicit FastRng(std::uint64_t seed) : state_(mix(seed)) {}
    std::uint64_t next()
    {
        state_ = state_ * 25214903917ull + 11ull;
        return state_;
    }
    // Uniform in [0, 1) from the high bits (the low bits of an LCG are weak).
    float uniform() { return float(next() >> 40) * (1.0f / 16777216.0f); }
    // Uniform in [0, n) for n < 2^32.
    std::uint32_t below(std::uint32_t n) { return std::uint32_t(((next() >> 32) * std::uint64_t(n)) >> 32); }

    static std::uint64_t mix(std::uint64_t z) // splitmix64's finaliser
    {
        z += 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    static std::uint64_t combine(std::uint64_t a, std::uint64_t b) { return mix(a ^ mix(b + 0x632be59bd9b4e019ull)); }

private:
    std::uint64_t state_;
};

// Rows (optionally the sum of two tables, GloVe's W + W~) as WordVectors / a VectorMatrix.
VectorMatrix gatherRows(const FloatRows& a, const FloatRows* b, const std::vector<Index>& words);
WordVectors toWordVectors(const Corpus& corpus, const FloatRows& a, const FloatRows* b);

} // namespace unroll::vectors::detail_training
