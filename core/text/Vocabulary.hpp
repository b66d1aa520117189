// Text as the models see it: strict UTF-8 decoding and a character vocabulary.
//
// Decoding is strict about structure (an invalid byte sequence is an error naming the file and byte offset), since a
// character model trained on mojibake is a silent wrong answer. The vocabulary is the sorted set of characters
// present, optionally capped to the most frequent with one "other" symbol standing for the rest.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace unroll {

// Throws FormatError("<sourceName>: invalid UTF-8 at byte 1234") on malformed input (overlongs and surrogates too).
std::u32string decodeUtf8(std::string_view bytes, const std::string& sourceName);
std::string encodeUtf8(char32_t c);
std::string encodeUtf8(std::u32string_view s);

class Vocabulary {
public:
    static constexpr char32_t kOther = U'\uFFFD'; // stands for every character cut by the cap

    Vocabulary() = default;
    // Characters of `text`, sorted by code point (so '\n' comes first, as in the course's dinosaur vocabulary).
    // maxSize > 0 keeps the maxSize - 1 most frequent characters plus kOther.
    static Vocabulary fromText(std::u32string_view text, std::size_t maxSize = 0);
    static Vocabulary fromCounts(const std::map<char32_t, std::size_t>& counts, std::size_t maxSize = 0);
    static Vocabulary fromSymbols(std::vector<char32_t> symbols);

    std::size_t size() const { return symbols_.size(); }
    char32_t symbol(std::int32_t index) const { return symbols_[std::size_t(index)]; }
    const std::vector<char32_t>& symbols() const { return symbols_; }
    std::vector<std::string> symbolsUtf8() const;
    bool contains(char32_t c) const { return index_.count(c) > 0; }
    // The index of c; characters outside the vocabulary map to kOther if present, else throw InputError.
    std::int32_t indexOf(char32_t c) const;
    std::vector<std::int32_t> encode(std::u32string_view text) const;
    std::u32string decode(const std::vector<std::int32_t>& ids) const;

private:
    std::vector<char32_t> symbols_;
    std::unordered_map<char32_t, std::int32_t> index_;
};

} // namespace unroll
