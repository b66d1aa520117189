// The corpus loader of EmbeddingTraining.hpp: a text file becomes word ids, rare words removed, sentence ends marked.
#include "vectors/EmbeddingTraining.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace unroll::vectors {

namespace {

// Progress and cancellation are checked once per this many bytes: often enough for a responsive cancel, rarely
// enough to cost nothing.
constexpr std::size_t kCheckEvery = 1 << 20;

bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string withCommas(std::uint64_t n)
{
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

void checkStop(TrainingObserver* observer)
{
    if (observer && observer->stopRequested()) throw CancelledError();
}

} // namespace

Corpus corpusFromText(std::string_view text, const std::string& sourceName, const CorpusOptions& options)
{
    if (text.size() > options.maxBytes)
        throw InputError(sourceName + ": " + withCommas(text.size()) + " bytes, over the limit of " +
                         withCommas(options.maxBytes) + " bytes");
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        throw FormatError(sourceName + ": a NUL byte at offset " + std::to_string(nul) +
                          ": a binary file, not text");
    if (options.minCount < 1) throw InputError("minimum count " + std::to_string(options.minCount) + ": must be >= 1");
    if (options.maxVocabulary < 0)
        throw InputError("maximum vocabulary " + std::to_string(options.maxVocabulary) + ": must be >= 0");

    // Lower-casing (ASCII only, as the header says) works on a copy, so the views into it are the words.
    std::string folded;
    if (options.lowercase) {
        folded.assign(text);
        for (char& c : folded)
            if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
        text = folded;
    }

    // Pass 1: every token gets a provisional id in order of first appearance; the text becomes those ids with
    // sentence ends. A word's provisional id is its rank in "first appearance", the header's tie-break.
    std::unordered_map<std::string_view, std::int32_t> ids;
    ids.reserve(1 << 16);
    std::vector<std::string_view> firstSeen;
    std::vector<std::int64_t> rawCounts;
    std::vector<std::int32_t> raw;
    raw.reserve(text.size() / 5);
    std::size_t nextCheck = kCheckEvery;
    bool sentenceOpen = false;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        if (i >= nextCheck) {
            checkStop(options.observer);
            if (options.observer) options.observer->onProgress(std::int64_t(i), std::int64_t(n));
            nextCheck = i + kCheckEvery;
        }
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (isSpace(c)) {
            if (c == '\n' && sentenceOpen) {
                raw.push_back(Corpus::kSentenceEnd);
                sentenceOpen = false;
            }
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < n && !isSpace(static_cast<unsigned char>(text[j]))) ++j;
        const std::string_view word = text.substr(i, j - i);
        auto [it, inserted] = ids.try_emplace(word, std::int32_t(firstSeen.size()));
        if (inserted) {
            if (firstSeen.size() >= std::size_t(INT32_MAX))
                throw InputError(sourceName + ": more than " + withCommas(INT32_MAX) + " distinct words");
            firstSeen.push_back(word);
            rawCounts.push_back(0);
        }
        ++rawCounts[std::size_t(it->second)];
        raw.push_back(it->second);
        sentenceOpen = true;
        i = j;
    }
    checkStop(options.observer);
    if (options.observer) options.observer->onProgress(std::int64_t(n), std::int64_t(n));
    if (firstSeen.empty()) throw FormatError(sourceName + ": no words (the file is empty or only white space)");

    // The vocabulary: words reaching minCount, by descending count, ties by first appearance; at most maxVocabulary.
    std::vector<std::int32_t> order(firstSeen.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int32_t a, std::int32_t b) { return rawCounts[std::size_t(a)] > rawCounts[std::size_t(b)]; });
    std::size_t kept = 0;
    while (kept < order.size() && rawCounts[std::size_t(order[kept])] >= options.minCount) ++kept;
    if (kept == 0)
        throw InputError(sourceName + ": no word occurs at least " + std::to_string(options.minCount) +
                         " times (the minimum count; the most frequent word, '" +
                         std::string(firstSeen[std::size_t(order[0])]) + "', occurs " +
                         std::to_string(rawCounts[std::size_t(order[0])]) + " times)");
    if (options.maxVocabulary > 0) kept = std::min(kept, std::size_t(options.maxVocabulary));

    Corpus corpus;
    corpus.source = sourceName;
    corpus.rawTokens = 0;
    for (auto c : rawCounts) corpus.rawTokens += c;
    std::vector<std::int32_t> newId(firstSeen.size(), -2);
    corpus.words.reserve(kept);
    corpus.counts.reserve(kept);
    for (std::size_t r = 0; r < kept; ++r) {
        const auto old = std::size_t(order[r]);
        newId[old] = std::int32_t(r);
        corpus.words.emplace_back(firstSeen[old]);
        corpus.counts.push_back(rawCounts[old]);
    }

    // Pass 2: the text in new ids. Rare words vanish (windows reach over them, as in word2vec and GloVe); a sentence
    // left empty leaves no mark.
    corpus.tokens.reserve(raw.size());
    bool open = false;
    for (const std::int32_t t : raw) {
        if (t == Corpus::kSentenceEnd) {
            if (open) corpus.tokens.push_back(Corpus::kSentenceEnd);
            open = false;
            continue;
        }
        const std::int32_t id = newId[std::size_t(t)];
        if (id < 0) continue;
        corpus.tokens.push_back(id);
        open = true;
    }
    if (open) corpus.tokens.push_back(Corpus::kSentenceEnd);
    corpus.tokens.shrink_to_fit();
    return corpus;
}

Corpus loadCorpus(const std::filesystem::path& path, const CorpusOptions& options)
{
    const std::string name = path.string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(name + ": a directory, not a text file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw InputError(name + ": cannot be read (" + ec.message() + ")");
    if (size > options.maxBytes)
        throw InputError(name + ": " + withCommas(size) + " bytes, over the limit of " + withCommas(options.maxBytes) +
                         " bytes");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(name + ": cannot be opened");

    // Read in blocks so a large file reports progress and can be cancelled while it loads; tokenising reports again.
    std::string text;
    text.resize(std::size_t(size));
    std::size_t done = 0;
    while (done < text.size()) {
        checkStop(options.observer);
        const std::size_t chunk = std::min<std::size_t>(16u << 20, text.size() - done);
        in.read(text.data() + done, std::streamsize(chunk));
        const auto got = std::size_t(in.gcount());
        done += got;
        if (got < chunk) break;
    }
    text.resize(done);
    return corpusFromText(text, name, options);
}

} // namespace unroll::vectors
