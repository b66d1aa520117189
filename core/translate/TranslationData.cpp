// Pairs of strings, their symbol vocabularies and the course's fixed-length encoding; see TranslationData.hpp.
#include "translate/TranslationData.hpp"

#include "math/Rng.hpp"
#include "nn/Loss.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

namespace unroll {

namespace {

// The length of the well-formed UTF-8 sequence starting at s[i] (1..4), or 0 when the bytes there are not one
// (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, a code point above U+10FFFF).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    std::size_t len = 0;
    char32_t cp = 0, min = 0;
    if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F, min = 0x80;
    else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F, min = 0x800;
    else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07, min = 0x10000;
    else return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

std::int32_t requireSymbol(const SymbolVocab& vocab, std::string_view symbol, const char* what)
{
    if (const auto id = vocab.find(symbol)) return *id;
    throw InputError(std::string("the ") + what + " vocabulary has no " + std::string(symbol) + " symbol");
}

std::string lowerAscii(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

// Characters seen, sorted by code point (byte order of valid UTF-8 is code-point order), then the specials.
SymbolVocab vocabOf(const std::set<std::string>& characters, std::initializer_list<std::string_view> specials)
{
    std::vector<std::string> symbols(characters.begin(), characters.end());
    for (std::string_view s : specials) symbols.emplace_back(s);
    return SymbolVocab(std::move(symbols));
}

} // namespace

// --- SymbolVocab ------------------------------------------------------------------------------------------------

SymbolVocab::SymbolVocab(std::vector<std::string> symbols) : symbols_(std::move(symbols))
{
    index_.reserve(symbols_.size());
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
        if (symbols_[i].empty()) throw InputError("symbol " + std::to_string(i) + " of the vocabulary is empty");
        if (!index_.emplace(symbols_[i], std::int32_t(i)).second)
            throw InputError("the symbol \"" + symbols_[i] + "\" appears twice in the vocabulary (at " +
                             std::to_string(index_.at(symbols_[i])) + " and " + std::to_string(i) + ")");
    }
}

std::optional<std::int32_t> SymbolVocab::find(std::string_view symbol) const
{
    const auto it = index_.find(std::string(symbol));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

SymbolVocab courseSourceVocab()
{
    // nmt_utils.load_dataset: sorted(set of the characters of its 10,000 dates) + ['<unk>', '<pad>'].
    std::vector<std::string> s = {" ", ".", "/"};
    for (char c = '0'; c <= '9'; ++c) s.emplace_back(1, c);
    for (char c : std::string_view("abcdefghijlmnoprstuvwy")) s.emplace_back(1, c);
    s.emplace_back(kUnknownSymbol);
    s.emplace_back(kPadSymbol);
    return SymbolVocab(std::move(s));
}

SymbolVocab courseTargetVocab()
{
    std::vector<std::string> s = {"-"};
    for (char c = '0'; c <= '9'; ++c) s.emplace_back(1, c);
    return SymbolVocab(std::move(s));
}

// --- text -----------------------------------------------------------------------------------------------------

std::vector<std::string> utf8Characters(std::string_view text)
{
    std::vector<std::string> out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = std::max<std::size_t>(1, utf8SequenceLength(text, i));
        out.emplace_back(text.substr(i, len));
        i += len;
    }
    return out;
}

std::string normalizeSource(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == ',') continue;
        out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    }
    return out;
}

std::vector<std::int32_t> encodeSource(const SymbolVocab& vocab, std::int64_t Tx, std::string_view text)
{
    if (Tx < 1) throw InputError("Tx " + std::to_string(Tx) + " must be at least 1");
    const std::int32_t unk = requireSymbol(vocab, kUnknownSymbol, "source");
    const std::int32_t pad = requireSymbol(vocab, kPadSymbol, "source");
    const auto chars = utf8Characters(normalizeSource(text));
    std::vector<std::int32_t> ids(std::size_t(Tx), pad);
    const std::size_t n = std::min(chars.size(), std::size_t(Tx));
    for (std::size_t t = 0; t < n; ++t) ids[t] = vocab.find(chars[t]).value_or(unk);
    return ids;
}

std::vector<std::int32_t> encodeTarget(const SymbolVocab& vocab, std::int64_t Ty, std::string_view text)
{
    const auto chars = utf8Characters(text);
    const auto end = vocab.find(kEndSymbol);
    const std::size_t needed = chars.size() + (end ? 1 : 0);
    if (Ty < 0 || needed > std::size_t(Ty))
        throw InputError("the target \"" + std::string(text) + "\" needs " + std::to_string(needed) +
                         " symbols" + (end ? " with <end>" : "") + ", more than Ty = " + std::to_string(Ty));
    std::vector<std::int32_t> ids(std::size_t(Ty), kNoTarget);
    for (std::size_t t = 0; t < chars.size(); ++t) {
        const auto id = vocab.find(chars[t]);
        if (!id)
            throw InputError("the target \"" + std::string(text) + "\" has the character \"" + chars[t] +
                             "\", which is not in the target vocabulary");
        ids[t] = *id;
    }
    if (end) ids[chars.size()] = *end;
    return ids;
}

std::string decodeTarget(const SymbolVocab& vocab, const std::vector<std::int32_t>& ids)
{
    const auto end = vocab.find(kEndSymbol);
    std::string out;
    for (const std::int32_t id : ids) {
        if (id == kNoTarget || (end && id == *end)) break;
        if (id < 0 || std::size_t(id) >= vocab.size())
            throw InputError("symbol id " + std::to_string(id) + " is outside the target vocabulary of " +
                             std::to_string(vocab.size()));
        out += vocab.symbol(id);
    }
    return out;
}

// --- data -----------------------------------------------------------------------------------------------------

TranslationData courseDateData(std::size_t n, std::uint32_t seed)
{
    TranslationData d;
    d.pairs = generateDates(n, seed);
    for (DatePair& p : d.pairs) p.source = normalizeSource(p.source);
    d.source = courseSourceVocab();
    d.target = courseTargetVocab();
    d.Tx = 30;
    d.Ty = 10;
    d.targetEnd = false;
    d.randomOrder = true;
    d.sourceName = "generated dates (seed " + std::to_string(seed) + ")";
    return d;
}

TranslationData loadPairFile(const std::filesystem::path& path, const PairFileOptions& options)
{
    const std::string name = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InputError(name + ": no such file");
    if (std::filesystem::is_directory(path, ec)) throw InputError(name + ": is a folder, not a file of pairs");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw InputError(name + ": cannot be read (" + ec.message() + ")");
    if (std::int64_t(size) > options.maxBytes)
        throw InputError(name + ": " + std::to_string(size) + " bytes is larger than the limit of " +
                         std::to_string(options.maxBytes) + " bytes for a file of pairs");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(name + ": cannot be opened");
    std::string bytes(std::size_t(size), '\0');
    in.read(bytes.data(), std::streamsize(size));
    if (std::size_t(in.gcount()) != bytes.size()) throw InputError(name + ": cannot be read to its end");

    std::string ext = lowerAscii(path.extension().string());
    const char sep = ext == ".csv" ? ',' : '\t';
    const std::string sepName = sep == ',' ? "comma" : "tab";

    TranslationData data;
    data.sourceName = name;
    std::set<std::string> sourceChars, targetChars;
    std::size_t shortestTarget = SIZE_MAX, longestTarget = 0, longestSource = 0;
    std::int64_t lineCount = 0;
    bool firstRow = true;
    std::size_t pos = 0;
    if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3; // a UTF-8 byte-order mark
    while (pos < bytes.size()) {
        std::size_t eol = bytes.find('\n', pos);
        if (eol == std::string::npos) eol = bytes.size();
        const std::size_t lineStart = pos;
        std::string_view line(bytes.data() + pos, eol - pos);
        pos = eol + 1;
        ++lineCount;
        const std::string where = name + ": line " + std::to_string(lineCount);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        for (std::size_t i = 0; i < line.size();) {
            const std::size_t len = utf8SequenceLength(line, i);
            if (len == 0)
                throw FormatError(where + ": invalid UTF-8 at byte " + std::to_string(lineStart + i) +
                                  " of the file (the file must be UTF-8 encoded)");
            i += len;
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue; // empty or blank
        if (line.front() == '#') continue;
        const std::size_t cut = line.find(sep);
        if (cut == std::string_view::npos)
            throw InputError(where + ": no " + sepName + " between source and target (a line is source" +
                             (sep == ',' ? "," : "<tab>") + "target)");
        const std::string_view rawSource = line.substr(0, cut), target = line.substr(cut + 1);
        if (firstRow) {
            firstRow = false;
            if (lowerAscii(rawSource) == "source" && lowerAscii(target) == "target") continue;
        }
        const std::string source = normalizeSource(rawSource);
        if (source.empty()) throw InputError(where + ": the source is empty");
        if (target.empty()) throw InputError(where + ": the target is empty");
        const auto sc = utf8Characters(source), tc = utf8Characters(target);
        if (std::int64_t(sc.size()) > options.maxLength)
            throw InputError(where + ": the source has " + std::to_string(sc.size()) +
                             " characters, more than the limit of " + std::to_string(options.maxLength));
        if (std::int64_t(tc.size()) > options.maxLength)
            throw InputError(where + ": the target has " + std::to_string(tc.size()) +
                             " characters, more than the limit of " + std::to_string(options.maxLength));
        if (std::int64_t(data.pairs.size()) >= options.maxRows)
            throw InputError(name + ": more than " + std::to_string(options.maxRows) + " rows (the limit)");
        sourceChars.insert(sc.begin(), sc.end());
        targetChars.insert(tc.begin(), tc.end());
        longestSource = std::max(longestSource, sc.size());
        longestTarget = std::max(longestTarget, tc.size());
        shortestTarget = std::min(shortestTarget, tc.size());
        data.pairs.push_back({source, std::string(target)});
    }
    if (data.pairs.empty())
        throw InputError(name + ": the file has no valid row (" + std::to_string(lineCount) +
                         (lineCount == 1 ? " line" : " lines") + ", all empty, comments or the header)");

    data.targetEnd = shortestTarget != longestTarget;
    data.Tx = std::int64_t(longestSource);
    data.Ty = std::int64_t(longestTarget) + (data.targetEnd ? 1 : 0);
    data.source = vocabOf(sourceChars, {kUnknownSymbol, kPadSymbol});
    data.target = data.targetEnd ? vocabOf(targetChars, {kEndSymbol}) : vocabOf(targetChars, {});

    // Sources that appear with more than one target: not an error (a model can still learn the rest), but worth
    // saying, since no model can get them all right.
    std::vector<std::size_t> order(data.pairs.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return data.pairs[a].source < data.pairs[b].source; });
    std::size_t conflicting = 0;
    for (std::size_t k = 0; k < order.size();) {
        std::size_t j = k + 1;
        bool differ = false;
        while (j < order.size() && data.pairs[order[j]].source == data.pairs[order[k]].source) {
            differ |= data.pairs[order[j]].target != data.pairs[order[k]].target;
            ++j;
        }
        conflicting += differ ? 1 : 0;
        k = j;
    }
    if (conflicting > 0)
        data.warnings.push_back(name + ": " + std::to_string(conflicting) +
                                " sources appear with different targets (after lower-casing and removing commas)");
    return data;
}

DataSplit splitHeldOut(const TranslationData& data, std::size_t heldOut, std::uint32_t seed)
{
    const std::size_t n = data.pairs.size();
    if (heldOut >= n)
        throw InputError("holding out " + std::to_string(heldOut) + " of " + std::to_string(n) +
                         " pairs leaves none to train on");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    if (!data.randomOrder) {
        Rng rng(seed);
        rng.shuffle(std::span<std::size_t>(order));
    }
    DataSplit split;
    split.train.reserve(n - heldOut);
    split.heldOut.reserve(heldOut);
    for (std::size_t k = 0; k < n; ++k) (k < n - heldOut ? split.train : split.heldOut).push_back(data.pairs[order[k]]);
    return split;
}

} // namespace unroll
