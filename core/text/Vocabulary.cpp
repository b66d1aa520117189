// UTF-8 and the character vocabulary; see Vocabulary.hpp.
#include "text/Vocabulary.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <map>

namespace unroll {

std::u32string decodeUtf8(std::string_view s, const std::string& sourceName)
{
    std::u32string out;
    out.reserve(s.size());
    size_t i = 0;
    auto bad = [&](size_t at) {
        throw FormatError(sourceName + ": invalid UTF-8 at byte " + std::to_string(at) +
                          " (the text must be UTF-8 encoded)");
    };
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        int len = 0;
        char32_t cp = 0, min = 0;
        if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F, min = 0x80;
        else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F, min = 0x800;
        else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07, min = 0x10000;
        else bad(i);
        if (i + size_t(len) > s.size()) bad(i);
        for (int k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + size_t(k)]);
            if ((b & 0xC0) != 0x80) bad(i);
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) bad(i);
        out.push_back(cp);
        i += size_t(len);
    }
    return out;
}

std::string encodeUtf8(char32_t c)
{
    std::string out;
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
    return out;
}

std::string encodeUtf8(std::u32string_view s)
{
    std::string out;
    for (char32_t c : s) out += encodeUtf8(c);
    return out;
}

Vocabulary Vocabulary::fromSymbols(std::vector<char32_t> symbols)
{
    Vocabulary v;
    v.symbols_ = std::move(symbols);
    for (size_t i = 0; i < v.symbols_.size(); ++i)
        if (!v.index_.emplace(v.symbols_[i], std::int32_t(i)).second)
            throw InputError("vocabulary lists a character twice");
    return v;
}

Vocabulary Vocabulary::fromText(std::u32string_view text, std::size_t maxSize)
{
    std::map<char32_t, std::size_t> counts;
    for (char32_t c : text) ++counts[c];
    return fromCounts(counts, maxSize);
}

Vocabulary Vocabulary::fromCounts(const std::map<char32_t, std::size_t>& counts, std::size_t maxSize)
{
    std::vector<char32_t> symbols;
    if (maxSize == 0 || counts.size() <= maxSize) {
        for (const auto& [c, n] : counts) symbols.push_back(c);
    } else {
        std::vector<std::pair<std::size_t, char32_t>> byCount;
        for (const auto& [c, n] : counts) byCount.emplace_back(n, c);
        std::stable_sort(byCount.begin(), byCount.end(), [](auto& a, auto& b) { return a.first > b.first; });
        // kOther stands for the cut characters; a text's own U+FFFD (a decoder's replacement mark) joins them
        // rather than taking a second index.
        for (std::size_t k = 0; symbols.size() + 1 < maxSize && k < byCount.size(); ++k)
            if (byCount[k].second != kOther) symbols.push_back(byCount[k].second);
        symbols.push_back(kOther);
        std::sort(symbols.begin(), symbols.end());
    }
    return fromSymbols(std::move(symbols));
}

std::vector<std::string> Vocabulary::symbolsUtf8() const
{
    std::vector<std::string> out;
    for (char32_t c : symbols_) out.push_back(encodeUtf8(c));
    return out;
}

std::int32_t Vocabulary::indexOf(char32_t c) const
{
    if (auto it = index_.find(c); it != index_.end()) return it->second;
    if (auto it = index_.find(kOther); it != index_.end()) return it->second;
    throw InputError("character U+" + std::to_string(std::uint32_t(c)) + " is not in the vocabulary");
}

std::vector<std::int32_t> Vocabulary::encode(std::u32string_view text) const
{
    std::vector<std::int32_t> out;
    out.reserve(text.size());
    for (char32_t c : text) out.push_back(indexOf(c));
    return out;
}

std::u32string Vocabulary::decode(const std::vector<std::int32_t>& ids) const
{
    std::u32string out;
    for (auto id : ids) out.push_back(symbol(id));
    return out;
}

} // namespace unroll
