// Text data for the character language model: the built-in dinosaur names or the user's own file.
//
//   CharCorpus c = loadCharCorpusFile("names.txt", {.mode = TextMode::Lines, .lowercase = true});
//   c.train[0]  // "aardonyx" — one example per line; '\n' ends every example
//
// Strict about structure, lenient about content: the file must be UTF-8 text (no NUL bytes) within the size limit of
// its mode; a line's surrounding white space and a trailing '\r' are stripped and blank lines skipped; characters
// beyond the vocabulary cap become the "other" symbol. Every rejection names the file and the problem.
#pragma once

#include "text/Vocabulary.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

enum class TextMode { Lines, Continuous };
inline constexpr const char* textModeIds[] = {"lines", "continuous"};
inline constexpr const char* textModeNames[] = {"One example per line", "Continuous text"};

struct TextLoadOptions {
    TextMode mode = TextMode::Lines;
    bool lowercase = false;      // the course lower-cases the dinosaur names
    double heldOut = 0.05;       // fraction of the lines kept for validation (0 = none)
    std::uint32_t splitSeed = 0; // which lines are held out
    std::size_t maxVocabulary = 200;
    std::size_t maxBytes = 0; // 0: the mode's default (8 MB for lines, 32 MB for continuous text)
    // Lines mode: the longest line accepted, in characters (0: no limit). One example's activations grow with its
    // length; a 1 MB line would need gigabytes.
    std::size_t maxLineLength = 4096;
};

struct CharCorpus {
    std::string source;                  // the file, or "built-in dinosaur names"
    TextLoadOptions options;
    Vocabulary vocab;                    // sorted; contains '\n' (the end of an example) in Lines mode
    std::vector<std::u32string> train;   // Lines: one example each, without '\n'. Continuous: one element
    std::vector<std::u32string> validation;
    std::size_t characters = 0;          // in train + validation, newlines included in Lines mode
    std::map<char32_t, std::size_t> counts; // per character, before the cap
    std::map<std::size_t, std::size_t> lengthHistogram; // Lines: example length -> count
    std::size_t otherCount = 0;          // characters mapped to the "other" symbol by the cap
    std::int32_t newline() const { return vocab.contains(U'\n') ? vocab.indexOf(U'\n') : -1; }
};

CharCorpus loadCharCorpus(std::string_view bytes, const std::string& sourceName, const TextLoadOptions& options);
CharCorpus loadCharCorpusFile(const std::filesystem::path& path, const TextLoadOptions& options);
// The built-in dinosaur genus names (resources/data/dinosaurs.txt), lower-cased, one per line.
CharCorpus builtInDinosaurs(double heldOut = 0.05, std::uint32_t splitSeed = 0);

// Lines of a text as the model sees them: split on '\n', a trailing '\r' and surrounding white space stripped,
// blank lines skipped, optional lower-casing (the model's recorded normalisation).
std::vector<std::u32string> splitExampleLines(std::u32string_view text, bool lowercase);
// Unicode's simple lower-case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals (locale
// independent); every other character unchanged.
char32_t lowercaseChar(char32_t c);
// The bytes without a leading UTF-8 byte-order mark (EF BB BF): a marker of the encoding, not a character.
std::string_view stripUtf8Bom(std::string_view bytes);
// Throws InputError "<name>: line N has … characters; … at most maxLength" for the first longer line (0: no limit).
void checkLineLengths(std::u32string_view text, const std::string& name, std::size_t maxLength);

} // namespace unroll
