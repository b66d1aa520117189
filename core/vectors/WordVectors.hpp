// A table of word vectors: the words (byte strings, kept exactly as read) and one row of values per word.
//
//   WordVectors v = loadVectors("glove.6B.50d.txt", {});      // vectors/VectorFile.hpp
//   Eigen::VectorXd g = v.vector("woman") - v.vector("man");  // throws InputError("unknown word 'xyz'") if absent
//   Index i = v.find("king");                                  // -1 if absent
//
// Values are double: the course's numbers (cosine_similarity(father, mother) = 0.890903844289, …) are computed on the
// float64 values numpy parses from the text, and we reproduce them to the last printed digit. Scans over every word
// (nearest neighbours, analogies) read a normalised float copy built once, on first use, thread-safely
// (vectors/Operations.hpp). A WordVectors is immutable after construction, so any number of threads may read it.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace unroll::vectors {

using Index = std::int64_t;
// (words, dimension), one word per row.
using VectorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct NeighborIndex; // the normalised float copy for scans (Operations.cpp)

class WordVectors {
public:
    WordVectors() = default;
    // words.size() must equal values.rows() and words must be distinct and non-empty (InputError otherwise).
    WordVectors(std::vector<std::string> words, VectorMatrix values, std::string source = {});

    Index size() const { return Index(words_.size()); }
    int dimension() const { return int(values_.cols()); }
    bool empty() const { return words_.empty(); }
    const std::string& source() const { return source_; } // the file, or "built-in vectors"

    const std::vector<std::string>& words() const { return words_; }
    const std::string& word(Index i) const { return words_[std::size_t(i)]; }
    const VectorMatrix& values() const { return values_; }
    auto row(Index i) const { return values_.row(i); }

    // Exact lookup first, then the ASCII-lower-cased word (the course lower-cases its inputs). -1 if absent.
    Index find(std::string_view word) const;
    Index indexOf(std::string_view word) const;         // throws InputError("unknown word 'xyz'")
    Eigen::VectorXd vector(std::string_view word) const; // a copy of its row, as a column vector

    // The shared scan structure (built on first call; later calls and other threads get the same one).
    const NeighborIndex& neighborIndex() const;

private:
    std::vector<std::string> words_;
    VectorMatrix values_;
    std::string source_;
    struct Lookup;
    struct LazyIndex;
    std::shared_ptr<const Lookup> lookup_; // word -> row
    std::shared_ptr<LazyIndex> lazy_;      // the NeighborIndex, built once
};

// A word as JSON or a terminal shows it: valid UTF-8 unchanged, each invalid byte sequence replaced by U+FFFD.
std::string displayWord(std::string_view bytes);
bool isValidUtf8(std::string_view bytes);

} // namespace unroll::vectors
