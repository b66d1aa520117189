// What a translator reads and writes: pairs of short strings, their two character vocabularies, and the encoding of a
// string into a fixed number of symbol indices (the course's string_to_int).
//
//   TranslationData d = courseDateData(10000, 1);        // generated dates, the course's vocabularies, Tx 30, Ty 10
//   TranslationData u = loadPairFile("numbers.tsv");       // the user's pairs: vocabularies, Tx and Ty from the file
//   std::vector<std::int32_t> x = encodeSource(d, "Saturday 9 May 2018");   // Tx indices, <pad> at the end
//
// Normalisation (sources, everywhere: training, translating, the GUI's text box): ASCII letters lower-cased, commas
// removed (the course's string_to_int); other characters are kept as they are. Targets are not normalised.
// Symbols are single UTF-8 characters plus the specials: the source vocabulary ends with "<unk>" (any character it
// does not have) and "<pad>" (after the end of the input, up to Tx); a target vocabulary of strings of different
// lengths ends with "<end>", written after each target (so Ty is the longest target + 1, and the positions after
// <end> are not scored). The course's dates all have 10 characters: no <end>, Ty = 10.
#pragma once

#include "translate/Dates.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace unroll {

inline constexpr std::string_view kUnknownSymbol = "<unk>";
inline constexpr std::string_view kPadSymbol = "<pad>";
inline constexpr std::string_view kEndSymbol = "<end>";

// An ordered list of symbols (UTF-8 strings), each with its index.
class SymbolVocab {
public:
    SymbolVocab() = default;
    explicit SymbolVocab(std::vector<std::string> symbols); // InputError on an empty or repeated symbol

    std::size_t size() const { return symbols_.size(); }
    const std::string& symbol(std::int32_t index) const { return symbols_[std::size_t(index)]; }
    const std::vector<std::string>& symbols() const { return symbols_; }
    std::optional<std::int32_t> find(std::string_view symbol) const; // nullopt when absent

    friend bool operator==(const SymbolVocab& a, const SymbolVocab& b) { return a.symbols_ == b.symbols_; }

private:
    std::vector<std::string> symbols_;
    std::unordered_map<std::string, std::int32_t> index_;
};

// The course's vocabularies: human_vocab (37: ' ', '.', '/', '0'-'9', 'a'…'y' without k, q, x, z, "<unk>", "<pad>")
// and machine_vocab (11: '-', '0'-'9').
SymbolVocab courseSourceVocab();
SymbolVocab courseTargetVocab();

// Splits UTF-8 text into characters (one code point each; an invalid byte is a character of its own).
std::vector<std::string> utf8Characters(std::string_view text);
std::string normalizeSource(std::string_view text); // ASCII lower-case, commas removed

struct TranslationData {
    std::vector<DatePair> pairs;  // source already normalised; target as given
    SymbolVocab source, target;
    std::int64_t Tx = 30, Ty = 10;
    bool targetEnd = false;       // target vocabulary has <end> (targets of different lengths)
    bool randomOrder = false;     // pairs already in random order (generated): splitHeldOut keeps their order
    std::string sourceName;       // "generated dates (seed 1)" or the file's path, for messages and the GUI
    std::vector<std::string> warnings; // e.g. "numbers.tsv: 3 rows longer than 60 characters truncated"
};

// n generated dates (generateDates(n, seed)) with the course's vocabularies, Tx = 30, Ty = 10.
TranslationData courseDateData(std::size_t n, std::uint32_t seed);

struct PairFileOptions {
    std::int64_t maxRows = 1'000'000;     // more valid rows: InputError naming the limit
    std::int64_t maxLength = 200;         // characters of a source or target (after normalisation); longer: error
    std::int64_t maxBytes = 256ll << 20;  // a larger file: InputError naming its size and the limit
};

// A TSV (.tsv, .txt, or any name: split on the first tab) or CSV (.csv: split on the first comma) file of
// source / target pairs, one per line, UTF-8 (else FormatError naming the line and byte). Empty lines and lines
// starting with '#' are skipped. A line with no separator, or an empty source or target, is an InputError naming the
// file and the line; so is a file with no valid row. A first line "source<sep>target" (any case) is a header and
// skipped. Tx = the longest normalised source, Ty = the longest target (+1 for <end> when lengths differ).
// The source vocabulary: the characters seen, sorted by code point, then <unk>, <pad>; the target's: the same, then
// <end> when needed.
TranslationData loadPairFile(const std::filesystem::path& path, const PairFileOptions& options = {});

// The course's string_to_int: normalise, split into characters, truncate to Tx, map each to its index (<unk> when
// absent), pad with <pad> to Tx. Exactly Tx indices.
std::vector<std::int32_t> encodeSource(const SymbolVocab& vocab, std::int64_t Tx, std::string_view text);
// The target's indices, then <end> if the vocabulary has it, then kNoTarget (nn/Loss.hpp) up to Ty. A character
// outside the vocabulary, or a target longer than Ty, is an InputError.
std::vector<std::int32_t> encodeTarget(const SymbolVocab& vocab, std::int64_t Ty, std::string_view text);
// The symbols of ids up to (not including) <end> or a kNoTarget, joined.
std::string decodeTarget(const SymbolVocab& vocab, const std::vector<std::int32_t>& ids);

// Splits data into training pairs and held-out pairs: the last `heldOut` pairs when data.randomOrder (the generator's
// order is random), else (a file) after a seeded shuffle. heldOut >= pairs.size() leaves none for training: InputError.
struct DataSplit {
    std::vector<DatePair> train, heldOut;
};
DataSplit splitHeldOut(const TranslationData& data, std::size_t heldOut, std::uint32_t seed);

} // namespace unroll
