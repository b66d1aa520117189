// The Emojify lab's data: labelled sentences (course §5.1), their classes, tokenisation as the course does it, and
// the course's two preprocessing functions, sentence_to_avg (V1) and sentences_to_indices (V2).
//
//   SentenceSet train = loadSentences("train.csv");            // sentence,label rows; classes from the file
//   std::vector<std::string> w = tokenize("Not feeling happy");  // {"not", "feeling", "happy"}
//   Eigen::VectorXd avg = sentenceToAvg("i love you", vectors);   // mean of the known words' vectors
//
// File format (CSV or TSV, chosen by the first data line: a tab makes it TSV). One example per line, `sentence,label`
// with label an integer class index >= 0. A first line whose label field is not a number is a header and skipped.
// Trailing empty fields (`never talk to me again,3,,` as in the course's files) are ignored; a sentence holding the
// separator is quoted ("…", with "" for a quote). Empty lines are skipped. Lines starting with `#` are comments, except
// `# class <index> <name> [emoji]`, which names a class. Classes may also come from a side file `<file>.classes`
// (`<index>,<name>[,<emoji>]` per line) or an explicit classes file. Without names: a data set whose labels all lie
// in 0..4 gets the course's five classes (❤️ ⚾ 😄 😞 🍴), any other gets "class k" for k = 0..max label.
// Every rejection is an InputError naming the file, the line and what was expected (a missing label, a label that is
// not an integer, a negative label, a label beyond the named classes, an empty sentence, a line over 10,000 bytes).
//
// Tokenisation is the course's: ASCII lower-case, then split on spaces (runs of spaces and tabs give no empty
// tokens). Punctuation stays attached, as in the course ("you!" is one token).
#pragma once

#include "vectors/WordVectors.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace unroll::emojify {

struct EmojiClass {
    std::string name;  // e.g. "love"
    std::string emoji; // UTF-8, e.g. "❤️"; may be empty (then views show the name)
};

// The course's five classes: 0 ❤️ love, 1 ⚾ sports, 2 😄 happy, 3 😞 sad, 4 🍴 food.
const std::vector<EmojiClass>& courseClasses();

struct Sentence {
    std::string text;
    std::int32_t label = 0;
    int line = 0; // 1-based line in its file (0 when built in memory)
};

struct SentenceSet {
    std::vector<Sentence> sentences;
    std::vector<EmojiClass> classes; // classes.size() > every label
    std::string source;              // the file, or a name for data built in memory

    std::size_t size() const { return sentences.size(); }
    int classCount() const { return int(classes.size()); }
    std::vector<std::int32_t> labels() const;
};

struct SentenceLoadOptions {
    std::filesystem::path classesFile; // explicit classes file; empty: `# class` lines, then `<file>.classes`
    std::size_t maxSentences = 1'000'000;
};

// throws: InputError / FormatError as above.
SentenceSet loadSentences(const std::filesystem::path& path, const SentenceLoadOptions& options = {});
// The same from bytes; sourceName starts every message. `classes` (optional) names the classes.
SentenceSet parseSentences(std::string_view bytes, const std::string& sourceName,
                           const std::vector<EmojiClass>& classes = {});
// A classes file: `<index>,<name>[,<emoji>]` lines (indices 0..n-1, each once; `#` comments).
std::vector<EmojiClass> loadClasses(const std::filesystem::path& path);

// The built-in sentences (resources/data/emojify/): written for Unroll, in the course's five classes.
struct EmojifyData {
    SentenceSet train, validation, test;
    SentenceSet negations; // order-dependent sentences ("not feeling happy" -> 3), for V1 vs V2
};
EmojifyData builtInData();

// The course's tokenisation: lower-case (ASCII), split on spaces.
std::vector<std::string> tokenize(std::string_view sentence);

// sentence_to_avg (course §5.2): the mean of the vectors of the sentence's words found in `vectors` (found as
// WordVectors::find does), zeros(dimension) when none is found. Divides by the number of words found.
Eigen::VectorXd sentenceToAvg(std::string_view sentence, const vectors::WordVectors& vectors);

// sentences_to_indices (course §5.3): (m, maxLen) word indices, filled left to right with the indices (rows of
// `vectors`) of the known words; unknown words are skipped (the 2021 version), the rest is `padding`. Words beyond
// maxLen are dropped. The course pads with 0; the V2 model pads with -1 (nn/Embedding's "no input").
Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>
sentencesToIndices(const std::vector<std::string>& sentences, const vectors::WordVectors& vectors, Eigen::Index maxLen,
                   std::int32_t padding = 0);

// The words of the sentences that `vectors` does not know, each once, in order of first appearance.
std::vector<std::string> missingWords(const std::vector<Sentence>& sentences, const vectors::WordVectors& vectors);
// The longest sentence in known words (V2's max length "from the data").
Eigen::Index maxKnownLength(const std::vector<Sentence>& sentences, const vectors::WordVectors& vectors);

// Confusion matrix (n_classes, n_classes): rows the actual class, columns the predicted one (course §5.2).
Eigen::MatrixXi confusionMatrix(const std::vector<std::int32_t>& actual, const std::vector<std::int32_t>& predicted,
                                int classes);
double accuracy(const std::vector<std::int32_t>& actual, const std::vector<std::int32_t>& predicted);

} // namespace unroll::emojify
