// Loading and checking character-model data; see CharCorpus.hpp.
#include "charlm/CharCorpus.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/ReadFile.hpp"
#include "util/Resources.hpp"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>

namespace unroll {

namespace {
bool isSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\r' || c == U'\v' || c == U'\f' || c == 0xA0; }
} // namespace

std::string_view stripUtf8Bom(std::string_view bytes)
{
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    return bytes;
}

void checkLineLengths(std::u32string_view text, const std::string& name, std::size_t maxLength)
{
    // One example costs memory in proportion to its length (every step's activations are kept for BPTT), so a
    // megabyte-long "line" would need gigabytes: refuse it here, where the file and the line can be named.
    if (maxLength == 0) return;
    std::size_t start = 0, line = 1;
    while (start <= text.size()) {
        std::size_t end = text.find(U'\n', start);
        if (end == std::u32string_view::npos) end = text.size();
        if (end - start > maxLength)
            throw InputError(name + ": line " + std::to_string(line) + " has " + std::to_string(end - start) +
                             " characters; one-example-per-line mode takes lines of at most " +
                             std::to_string(maxLength) + " (use continuous mode for prose)");
        start = end + 1;
        ++line;
    }
}

char32_t lowercaseChar(char32_t c)
{
    // Unicode's simple lower-case mappings for the scripts a character model meets most, written out so that the
    // result never depends on the process's locale.
    if (c < 0x80) return c >= U'A' && c <= U'Z' ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32; // Latin-1 capitals (× excluded)
    if (c >= 0x100 && c <= 0x17F) {                         // Latin Extended-A: capital, small pairs
        if (c == 0x130) return U'i';                         // İ
        if (c == 0x178) return 0xFF;                         // Ÿ -> ÿ
        if ((c <= 0x137 || (c >= 0x14A && c <= 0x177)) && c % 2 == 0) return c + 1;
        if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && c % 2 == 1) return c + 1;
        return c;
    }
    if (c >= 0x370 && c <= 0x3FF) { // Greek
        if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
        if (c == 0x386) return 0x3AC;
        if (c >= 0x388 && c <= 0x38A) return c + 37;
        if (c == 0x38C) return 0x3CC;
        if (c == 0x38E || c == 0x38F) return c + 63;
        if (c >= 0x3D8 && c <= 0x3EF && c % 2 == 0) return c + 1;
        return c;
    }
    if (c >= 0x400 && c <= 0x52F) { // Cyrillic and its supplement
        if (c <= 0x40F) return c + 80;
        if (c <= 0x42F) return c + 32;
        if (c < 0x460) return c;
        if (c == 0x4C0) return 0x4CF;
        if (c >= 0x4C1 && c <= 0x4CE) return c % 2 == 1 ? c + 1 : c;
        if ((c <= 0x481 || (c >= 0x48A && c <= 0x4BF) || c >= 0x4D0) && c % 2 == 0) return c + 1;
        return c;
    }
    return c;
}

std::vector<std::u32string> splitExampleLines(std::u32string_view text, bool lowercase)
{
    std::vector<std::u32string> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(U'\n', start);
        if (end == std::u32string_view::npos) end = text.size();
        std::u32string_view line = text.substr(start, end - start);
        while (!line.empty() && isSpace(line.front())) line.remove_prefix(1);
        while (!line.empty() && isSpace(line.back())) line.remove_suffix(1);
        if (!line.empty()) {
            std::u32string s(line);
            if (lowercase)
                for (auto& c : s) c = lowercaseChar(c);
            lines.push_back(std::move(s));
        }
        start = end + 1;
    }
    return lines;
}

CharCorpus loadCharCorpus(std::string_view bytes, const std::string& name, const TextLoadOptions& o)
{
    const size_t limit = o.maxBytes ? o.maxBytes : (o.mode == TextMode::Lines ? 8u << 20 : 32u << 20);
    if (bytes.empty()) throw InputError(name + ": the file is empty");
    if (bytes.size() > limit)
        throw InputError(name + ": " + std::to_string(bytes.size() >> 20) + " MB is too large for " +
                         (o.mode == TextMode::Lines ? "one-example-per-line" : "continuous-text") + " mode (limit " +
                         std::to_string(limit >> 20) + " MB)");
    if (const auto nul = bytes.find('\0'); nul != std::string_view::npos)
        throw InputError(name + ": a NUL byte at offset " + std::to_string(nul) +
                         ": this looks like a binary file, not text");
    if (!(o.heldOut >= 0 && o.heldOut < 0.5)) throw InputError("held-out fraction must be in [0, 0.5)");
    std::u32string text = decodeUtf8(stripUtf8Bom(bytes), name);

    CharCorpus c;
    c.source = name;
    c.options = o;
    std::vector<std::u32string> examples;
    if (o.mode == TextMode::Lines) {
        checkLineLengths(text, name, o.maxLineLength);
        examples = splitExampleLines(text, o.lowercase);
        if (examples.empty()) throw InputError(name + ": no non-blank lines");
        if (examples.size() < 2 && o.heldOut > 0) throw InputError(name + ": at least two lines are needed");
    } else {
        if (o.lowercase)
            for (auto& ch : text) ch = lowercaseChar(ch);
        if (text.size() < 2) throw InputError(name + ": too little text");
        examples.push_back(std::move(text));
    }
    for (const auto& e : examples)
        for (char32_t ch : e) ++c.counts[ch];
    if (o.mode == TextMode::Lines) c.counts[U'\n'] += examples.size();

    // Vocabulary: every character, or the most frequent ones plus "other" when there are too many.
    c.vocab = Vocabulary::fromCounts(c.counts, c.counts.size() > o.maxVocabulary ? o.maxVocabulary : 0);
    for (const auto& [ch, n] : c.counts)
        if (!c.vocab.contains(ch) || (ch == Vocabulary::kOther && c.counts.size() > o.maxVocabulary))
            c.otherCount += n;
    if (c.vocab.size() < 2) throw InputError(name + ": the text needs at least two different characters");

    if (o.mode == TextMode::Lines) {
        for (const auto& e : examples) ++c.lengthHistogram[e.size()];
        std::vector<size_t> order(examples.size());
        std::iota(order.begin(), order.end(), size_t(0));
        const size_t held = size_t(double(examples.size()) * o.heldOut);
        if (held > 0) {
            Rng rng(o.splitSeed);
            rng.shuffle(std::span<size_t>(order));
        }
        std::vector<bool> isHeld(examples.size(), false);
        for (size_t k = 0; k < held; ++k) isHeld[order[order.size() - 1 - k]] = true;
        for (size_t i = 0; i < examples.size(); ++i)
            (isHeld[i] ? c.validation : c.train).push_back(examples[i]);
    } else {
        // The last held-out fraction of a continuous text validates.
        const size_t cut = size_t(double(examples[0].size()) * (1 - o.heldOut));
        c.train.push_back(examples[0].substr(0, cut));
        if (cut < examples[0].size()) c.validation.push_back(examples[0].substr(cut));
    }
    for (const auto& e : c.train) c.characters += e.size() + (o.mode == TextMode::Lines ? 1 : 0);
    for (const auto& e : c.validation) c.characters += e.size() + (o.mode == TextMode::Lines ? 1 : 0);
    return c;
}

CharCorpus loadCharCorpusFile(const std::filesystem::path& path, const TextLoadOptions& o)
{
    const size_t limit = o.maxBytes ? o.maxBytes : (o.mode == TextMode::Lines ? 8u << 20 : 32u << 20);
    const std::string what = o.mode == TextMode::Lines ? "one-example-per-line mode" : "continuous-text mode";
    return loadCharCorpus(readFileBounded(path, limit, what), path.filename().string(), o);
}

CharCorpus builtInDinosaurs(double heldOut, std::uint32_t splitSeed)
{
    auto c = loadCharCorpusFile(dataFile("dinosaurs.txt"),
                                {.mode = TextMode::Lines, .lowercase = true, .heldOut = heldOut,
                                 .splitSeed = splitSeed});
    c.source = "built-in dinosaur names";
    return c;
}

} // namespace unroll
