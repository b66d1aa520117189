// Word-vector files in and out: GloVe text (no header), word2vec/fastText text (a "count dimension" header line) and
// word2vec binary, the format auto-detected.
//
//   LoadReport report;
//   WordVectors v = loadVectors("glove.6B.50d.txt", {.limit = 100000, .observer = &obs}, &report);
//   saveGloveText(v, "mine.txt");                        // atomic: a temporary file renamed over the target
//
// Strict about structure: every row must have the same number of values (the first row's, or the header's), every
// value must parse as a finite number, a header's counts must match the file; an empty file, binary garbage and a
// file over the limits are rejected. Each rejection is a FormatError naming the file, the line (binary: the byte
// offset) and what was expected. Lenient about content: a word that is not valid UTF-8 is kept byte-exact (one warning
// in the report for the whole file, with a count and the first line); a word seen twice keeps its first vector (one
// warning with a count). The parse runs in parallel chunks with std::from_chars and no allocation per line; progress
// goes to options.observer (onProgress(bytes done, bytes total)), and its stopRequested() cancels with CancelledError.
#pragma once

#include "vectors/WordVectors.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace unroll {
class TrainingObserver;
}

namespace unroll::vectors {

enum class VectorFormat { Auto, GloveText, Word2VecText, Word2VecBinary };
inline constexpr const char* vectorFormatIds[] = {"auto", "glove", "word2vec", "word2vec-binary"};

struct LoadOptions {
    VectorFormat format = VectorFormat::Auto;
    Index limit = 0;                       // > 0: only the first `limit` words (the most frequent, in GloVe files)
    std::uint64_t maxBytes = 8ull << 30;   // larger files are refused, naming the size and the limit
    int maxDimension = 4096;
    TrainingObserver* observer = nullptr;  // progress and cancellation; may be null
};

struct LoadReport {
    VectorFormat format = VectorFormat::GloveText; // what was detected
    Index duplicates = 0;                          // words seen again (their later vectors dropped)
    Index invalidUtf8 = 0;                         // words kept byte-exact that are not valid UTF-8
    std::vector<std::string> warnings;             // one line each, naming the file and the first line concerned
};

WordVectors loadVectors(const std::filesystem::path& path, const LoadOptions& options = {},
                        LoadReport* report = nullptr);
// The same, from bytes in memory (tests, the built-in resource); `sourceName` names it in messages.
WordVectors parseVectors(std::string_view bytes, const std::string& sourceName, const LoadOptions& options = {},
                         LoadReport* report = nullptr);

// GloVe text: "word v1 v2 …\n", words byte-exact. significantDigits = 0: the shortest decimal that round-trips each
// value (std::to_chars); > 0: that many significant digits (the built-in file uses 6 to stay small).
void saveGloveText(const WordVectors& vectors, const std::filesystem::path& path, int significantDigits = 0);

// The vectors shipped with Unroll (resources/data/vectors/builtin-50d.txt, see scripts/make_builtin_vectors.sh).
WordVectors builtInVectors(TrainingObserver* observer = nullptr);
std::filesystem::path builtInVectorsPath();

} // namespace unroll::vectors
