// The word table, its lookup and UTF-8 display; see WordVectors.hpp.
#include "vectors/WordVectors.hpp"

#include "util/Error.hpp"
#include "vectors/NeighborIndex.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <mutex>

#include <sys/mman.h>

namespace unroll::vectors {

void prepareLargeWrite(void* data, std::size_t bytes)
{
#if defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20, page = 4096;
    if (bytes < huge) return;
    const auto start = reinterpret_cast<std::uintptr_t>(data);
    const auto hugeBegin = (start + huge - 1) & ~(huge - 1), hugeEnd = (start + bytes) & ~(huge - 1);
    if (hugeEnd > hugeBegin) ::madvise(reinterpret_cast<void*>(hugeBegin), hugeEnd - hugeBegin, MADV_HUGEPAGE);
#if defined(MADV_POPULATE_WRITE)
    const auto pageBegin = (start + page - 1) & ~(page - 1), pageEnd = (start + bytes) & ~(page - 1);
    if (pageEnd > pageBegin) ::madvise(reinterpret_cast<void*>(pageBegin), pageEnd - pageBegin, MADV_POPULATE_WRITE);
#endif
#else
    (void)data;
    (void)bytes;
#endif
}

// Word -> row: open addressing over row numbers, the words themselves compared in the table's own `words_`. It holds
// no pointer into the words, so copies of a WordVectors (which copy the words) can share it.
struct WordVectors::Lookup {
    std::unique_ptr<std::int32_t[]> slots; // row, or -1 for an empty slot; a power of two, at most half full
    std::uint64_t mask = 0;

    static std::uint64_t hash(std::string_view w) { return std::hash<std::string_view>{}(w); }

    // The row of `w`, or -1.
    Index find(const std::vector<std::string>& words, std::string_view w) const
    {
        if (!slots) return -1;
        for (std::uint64_t s = hash(w) & mask;; s = (s + 1) & mask) {
            const std::int32_t row = slots[s];
            if (row < 0) return -1;
            if (words[std::size_t(row)] == w) return row;
        }
    }

    // Builds the table; the first row seen twice is reported in *duplicate (its earlier row in *first).
    static std::shared_ptr<Lookup> build(const std::vector<std::string>& words, Index* duplicate, Index* first)
    {
        auto l = std::make_shared<Lookup>();
        const std::uint64_t capacity = std::bit_ceil(std::max<std::uint64_t>(16, 2 * words.size()));
        l->slots = std::make_unique_for_overwrite<std::int32_t[]>(capacity);
        prepareLargeWrite(l->slots.get(), capacity * sizeof(std::int32_t));
        std::fill_n(l->slots.get(), capacity, -1);
        l->mask = capacity - 1;
        *duplicate = -1;
        for (std::size_t i = 0; i < words.size(); ++i) {
            std::uint64_t s = hash(words[i]) & l->mask;
            for (; l->slots[s] >= 0; s = (s + 1) & l->mask) {
                if (words[std::size_t(l->slots[s])] == words[i]) {
                    *duplicate = Index(i);
                    *first = l->slots[s];
                    return l;
                }
            }
            l->slots[s] = std::int32_t(i);
        }
        return l;
    }
};

struct WordVectors::LazyIndex {
    std::once_flag once;
    std::unique_ptr<NeighborIndex> index;
};

WordVectors::WordVectors(std::vector<std::string> words, VectorMatrix values, std::string source)
    : words_(std::move(words)), values_(std::move(values)), source_(std::move(source))
{
    const std::string where = source_.empty() ? std::string("word vectors") : source_;
    if (words_.size() >= (std::size_t(1) << 31))
        throw InputError(where + ": " + std::to_string(words_.size()) + " words; the limit is 2^31 - 1");
    if (Index(words_.size()) != values_.rows())
        throw InputError(where + ": " + std::to_string(words_.size()) + " words but " +
                         std::to_string(values_.rows()) + " rows of values; expected one row per word");
    for (std::size_t i = 0; i < words_.size(); ++i)
        if (words_[i].empty()) throw InputError(where + ": word " + std::to_string(i + 1) + " is empty");
    Index duplicate = -1, first = -1;
    lookup_ = Lookup::build(words_, &duplicate, &first);
    if (duplicate >= 0)
        throw InputError(where + ": the word '" + displayWord(words_[std::size_t(duplicate)]) + "' appears twice (" +
                         std::to_string(first + 1) + ". and " + std::to_string(duplicate + 1) +
                         ". word); expected distinct words");
    lazy_ = std::make_shared<LazyIndex>();
}

Index WordVectors::find(std::string_view word) const
{
    if (!lookup_) return -1;
    const Index exact = lookup_->find(words_, word);
    if (exact >= 0) return exact;
    bool hasUpper = false;
    for (char c : word) hasUpper |= (c >= 'A' && c <= 'Z');
    if (!hasUpper) return -1;
    std::string lower(word);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return lookup_->find(words_, lower);
}

Index WordVectors::indexOf(std::string_view word) const
{
    const Index i = find(word);
    if (i < 0) throw InputError("unknown word '" + displayWord(word) + "'");
    return i;
}

Eigen::VectorXd WordVectors::vector(std::string_view word) const { return values_.row(indexOf(word)).transpose(); }

const NeighborIndex& WordVectors::neighborIndex() const
{
    if (!lazy_) { // a default-constructed (empty) table
        static const NeighborIndex empty{};
        return empty;
    }
    std::call_once(lazy_->once, [this] { lazy_->index = std::make_unique<NeighborIndex>(buildNeighborIndex(values_)); });
    return *lazy_->index;
}

namespace {

// The length of the well-formed UTF-8 sequence at s[i], or 0 and in *bad the length of the maximal ill-formed part to
// replace by one U+FFFD (Unicode's "maximal subpart" practice, as Python's errors='replace' and browsers do).
std::size_t utf8Sequence(std::string_view s, std::size_t i, std::size_t* bad)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF; // the range allowed for the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
    else if (b0 == 0xE0) len = 3, lo = 0xA0;             // no overlongs
    else if (b0 >= 0xE1 && b0 <= 0xEC) len = 3;
    else if (b0 == 0xED) len = 3, hi = 0x9F;             // no surrogates
    else if (b0 >= 0xEE && b0 <= 0xEF) len = 3;
    else if (b0 == 0xF0) len = 4, lo = 0x90;             // no overlongs
    else if (b0 >= 0xF1 && b0 <= 0xF3) len = 4;
    else if (b0 == 0xF4) len = 4, hi = 0x8F;             // nothing above U+10FFFF
    else {
        *bad = 1;
        return 0;
    }
    std::size_t k = 1;
    for (; k < std::size_t(len); ++k) {
        if (i + k >= s.size()) break;
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
    }
    if (k == std::size_t(len)) return k;
    *bad = k;
    return 0;
}

} // namespace

bool isValidUtf8(std::string_view bytes)
{
    std::size_t i = 0;
    while (i < bytes.size()) {
        // Eight ASCII bytes at a time: most words are plain ASCII.
        if (i + 8 <= bytes.size()) {
            std::uint64_t chunk;
            std::memcpy(&chunk, bytes.data() + i, 8);
            if ((chunk & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        std::size_t bad = 0;
        const std::size_t n = utf8Sequence(bytes, i, &bad);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string displayWord(std::string_view bytes)
{
    if (isValidUtf8(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    std::size_t i = 0;
    while (i < bytes.size()) {
        std::size_t bad = 0;
        const std::size_t n = utf8Sequence(bytes, i, &bad);
        if (n > 0) {
            out.append(bytes.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD
            i += bad;
        }
    }
    return out;
}

} // namespace unroll::vectors
