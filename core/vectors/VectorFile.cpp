// Word-vector files in and out; see VectorFile.hpp.
//
// How a text file is read, fast (a 400,000 x 50 GloVe file, 170 MB, is 20 million numbers):
//   1. the bytes: the file mapped read-only, no copy (with a limit, only the prefix holding the lines wanted is used);
//   2. the shape: the header, if any, and the first row give the dimension; the body is cut into ~1 MB chunks at line
//      ends, and a parallel pass counts each chunk's lines (memchr), so every chunk knows its first row and line;
//   3. the values: a parallel pass parses each chunk's lines with std::from_chars straight into their rows of the
//      preallocated (words, dimension) matrix, and the words into their slots of a presized vector of strings. The
//      only allocation per line is a word longer than std::string's inline buffer (15 bytes). A line of the usual
//      shape ("word v1 ... vD\n", single spaces) is parsed in one pass; any other goes to a careful parser that
//      accepts CRLF, tabs and runs of spaces and otherwise names what is wrong;
//   4. the words: one sequential pass drops later duplicates, then the table's lookup is built.
// The large fresh allocations are prepared with huge pages (NeighborIndex.hpp, prepareLargeWrite): on this project's
// virtual machines first-touch page faults on 4 KB pages cost as much as the whole parse.
// A chunk that finds an error stops and records it; chunks before it still finish, so the error reported is always the
// first in the file, whatever the threads' timing. Progress and cancellation are handled on the calling thread only
// (the observer may not be thread-safe): it reports and checks between the lines of the chunks it parses itself, and
// a cancel stops the other threads at their next chunk.
#include "vectors/VectorFile.hpp"

#include "io/AtomicFile.hpp"
#include "train/Observer.hpp"
#include "util/Error.hpp"
#include "util/Resources.hpp"
#include "util/Threads.hpp"
#include "vectors/NeighborIndex.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace unroll::vectors {

namespace {

constexpr std::size_t kChunkBytes = 1 << 20;     // the parallel passes' unit of work
constexpr std::size_t kMaxBinaryWord = 1 << 16;  // a binary record's word longer than this means a misaligned file

std::string shown(std::string_view bytes, std::size_t max = 40)
{
    std::string s = displayWord(bytes.substr(0, max));
    if (bytes.size() > max) s += "...";
    return "'" + s + "'";
}

std::string bytesText(std::uint64_t n)
{
    char buf[64];
    if (n >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", double(n) / double(1ull << 30));
    else if (n >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", double(n) / double(1ull << 20));
    else std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
    return buf;
}

bool isSeparator(char c) { return c == ' ' || c == '\t'; }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Progress in bytes of the file (or of the bytes given) parsed.
struct Progress {
    TrainingObserver* observer = nullptr;
    std::uint64_t total = 0;

    void report(std::uint64_t done) const
    {
        if (observer && total > 0) observer->onProgress(std::int64_t(std::min(done, total)), std::int64_t(total));
    }
    bool stop() const { return observer && observer->stopRequested(); }
};

// The file's bytes: a read-only mapping (no copy; the pages come from the page cache as the parse touches them, read
// ahead by the kernel), or a view of the caller's bytes. `complete` is false when --limit let the loader look at a
// prefix only (the header's count cannot be checked then).
// A mapping is the one way a file that another process truncates while we parse it could stop the program (SIGBUS);
// that trade is made for speed: reading 170 MB into a buffer costs a copy and page faults on the buffer, measured
// about a third of the whole load.
struct Bytes {
    void* mapping = nullptr;
    std::size_t mappedSize = 0;
    std::string_view view;
    bool complete = true;
    Bytes() = default;
    Bytes(const Bytes&) = delete;
    Bytes& operator=(const Bytes&) = delete;
    ~Bytes()
    {
        if (mapping) ::munmap(mapping, mappedSize);
    }
};

[[noreturn]] void failAt(const std::string& name, std::int64_t line, const std::string& what)
{
    throw FormatError(name + ": line " + std::to_string(line) + ": " + what);
}
[[noreturn]] void failAtByte(const std::string& name, std::uint64_t offset, const std::string& what)
{
    throw FormatError(name + ": byte offset " + std::to_string(offset) + ": " + what);
}

// ---------------------------------------------------------------------------------------------------------------------
// One line of text: "word v1 v2 ... vD". Separators are runs of spaces or tabs; a trailing '\r' (CRLF files) and
// trailing separators (fastText's .vec files end each line with a space) are allowed.

// std::from_chars, with a leading '+' accepted ("+0.5" is a number, though no vector file writes it), after an exact
// shortcut for the plain decimals vector files hold ("-0.044457", "4.0071", "1e-05"): at most 19 digits m and a
// decimal exponent k with |k| <= 22 and m <= 2^53 give m * 10^k or m / 10^-k, one IEEE operation on two exactly
// representable doubles, hence the correctly rounded value, which is what from_chars returns too (Clinger 1990; the
// first fast path of fast_float). Anything else (more digits, large exponents, "inf", "nan", malformed text) goes to
// std::from_chars itself, so values and end pointers are from_chars' own; tst_vectorfile compares the two on random
// and edge-case tokens. Measured 25% faster than from_chars alone on GloVe-like numbers.
std::from_chars_result parseDouble(const char* p, const char* e, double& out)
{
    if (p + 1 < e && *p == '+' && !isSeparator(p[1]) && p[1] != '-' && p[1] != '+') ++p;
    static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char* q = p;
    const bool negative = q < e && *q == '-';
    if (negative) ++q;
    // Every digit goes into m (leading zeros add nothing); more than 19 could overflow: from_chars then.
    std::uint64_t m = 0;
    const char* digits = q;
    for (unsigned d; q < e && (d = unsigned(*q - '0')) < 10; ++q) m = m * 10 + d;
    std::ptrdiff_t count = q - digits, fraction = 0;
    if (q < e && *q == '.') {
        const char* f = ++q;
        for (unsigned d; q < e && (d = unsigned(*q - '0')) < 10; ++q) m = m * 10 + d;
        fraction = q - f;
        count += fraction;
    }
    if (count == 0 || count > 19) return std::from_chars(p, e, out);
    int exponent = 0;
    if (q < e && (*q == 'e' || *q == 'E')) {
        const char* x = q + 1;
        const bool negativeExponent = x < e && *x == '-';
        if (x < e && (*x == '-' || *x == '+')) ++x;
        const char* first = x;
        for (unsigned d; x < e && (d = unsigned(*x - '0')) < 10 && x - first < 4; ++x) exponent = exponent * 10 + int(d);
        if (x == first || (x < e && unsigned(*x - '0') < 10)) return std::from_chars(p, e, out);
        if (negativeExponent) exponent = -exponent;
        q = x;
    }
    const std::ptrdiff_t k = exponent - fraction;
    if (m > (std::uint64_t(1) << 53) || k < -22 || k > 22) return std::from_chars(p, e, out);
    const double v = k < 0 ? double(m) / pow10[-k] : double(m) * pow10[k];
    out = negative ? -v : v;
    return {q, std::errc()};
}

} // namespace

namespace detail {
// For tst_vectorfile: the number parser the loader uses.
std::from_chars_result parseVectorValue(const char* first, const char* last, double& value)
{
    return parseDouble(first, last, value);
}
} // namespace detail

namespace {

struct RowError {
    bool failed = false;
    std::string what;
};

int countFields(const char* p, const char* e)
{
    int n = 0;
    while (p < e) {
        while (p < e && isSeparator(*p)) ++p;
        if (p == e) break;
        ++n;
        while (p < e && !isSeparator(*p)) ++p;
    }
    return n;
}

const char* trimLineEnd(const char* p, const char* e)
{
    while (e > p && (e[-1] == '\r' || isSeparator(e[-1]))) --e;
    return e;
}

// Parses [p, e) (without its '\n') into word and out[0..dim). Returns false with a message in *error.
bool parseRow(const char* p, const char* e, int dim, const char* dimSource, double* out, std::string_view* word,
              RowError* error)
{
    e = trimLineEnd(p, e);
    if (p == e) {
        error->what = "an empty line; expected a word and " + std::to_string(dim) + " values";
        return false;
    }
    const char* q = p;
    while (q < e && !isSeparator(*q)) ++q;
    if (q == p) {
        error->what = "the line starts with a space; expected a word and " + std::to_string(dim) + " values";
        return false;
    }
    *word = std::string_view(p, std::size_t(q - p));
    for (int j = 0; j < dim; ++j) {
        while (q < e && isSeparator(*q)) ++q;
        if (q == e) {
            error->what = std::to_string(j) + " value" + (j == 1 ? "" : "s") + " after the word " + shown(*word) +
                          "; expected " + std::to_string(dim) + " (" + dimSource + ")";
            return false;
        }
        const char* start = q;
        const auto [ptr, ec] = parseDouble(q, e, out[j]);
        if (ec != std::errc() || (ptr < e && !isSeparator(*ptr))) {
            const char* tokenEnd = start;
            while (tokenEnd < e && !isSeparator(*tokenEnd)) ++tokenEnd;
            const std::string_view token(start, std::size_t(tokenEnd - start));
            error->what = "value " + std::to_string(j + 1) + " of " + shown(*word) + " is " + shown(token) +
                          (ec == std::errc::result_out_of_range ? ", out of the range of a double"
                                                                : ", not a number");
            return false;
        }
        if (!std::isfinite(out[j])) {
            error->what = "value " + std::to_string(j + 1) + " of " + shown(*word) + " is " +
                          shown(std::string_view(start, std::size_t(ptr - start))) + "; expected a finite number";
            return false;
        }
        q = ptr;
    }
    while (q < e && isSeparator(*q)) ++q;
    if (q != e) {
        error->what = std::to_string(countFields(p, e) - 1) + " values after the word " + shown(*word) +
                      "; expected " + std::to_string(dim) + " (" + dimSource + ")";
        return false;
    }
    return true;
}

// The common case in one pass, without looking for the line's end first: "word v1 v2 ... vD\n" with single spaces.
// Returns the start of the next line, or nullptr for anything else (tabs, runs of spaces, CRLF, trailing spaces, a
// problem): parseRow then handles the line, leniently or with the message.
const char* parseRowFast(const char* p, const char* end, int dim, double* out, std::string_view* word)
{
    const char* q = p;
    while (q < end && *q != ' ' && *q != '\n' && *q != '\t' && *q != '\r') ++q;
    if (q == p || q == end || *q != ' ') return nullptr;
    *word = std::string_view(p, std::size_t(q - p));
    for (int j = 0; j < dim; ++j) {
        ++q; // the space
        const auto [ptr, ec] = parseDouble(q, end, out[j]);
        if (ec != std::errc() || ptr == q || !std::isfinite(out[j])) return nullptr;
        q = ptr;
        if (q < end && *q != (j + 1 < dim ? ' ' : '\n')) return nullptr;
        if (q == end && j + 1 < dim) return nullptr;
    }
    return q < end ? q + 1 : end;
}

// ---------------------------------------------------------------------------------------------------------------------
// Format detection.

struct Layout {
    VectorFormat format = VectorFormat::GloveText;
    std::size_t bodyOffset = 0; // first byte after the header line (or after a byte-order mark)
    std::int64_t bodyFirstLine = 1;
    std::int64_t headerCount = -1; // word2vec: the header's word count
    int dimension = 0;             // from the header, or (GloVe) the first row
};

bool parseCount(std::string_view token, std::uint64_t* value)
{
    if (token.empty()) return false;
    for (char c : token)
        if (c < '0' || c > '9') return false;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *value);
    return ec == std::errc() && ptr == token.data() + token.size();
}

std::vector<std::string_view> lineTokens(std::string_view line, std::size_t max)
{
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < line.size() && tokens.size() <= max) {
        while (i < line.size() && isSeparator(line[i])) ++i;
        if (i == line.size()) break;
        const std::size_t start = i;
        while (i < line.size() && !isSeparator(line[i])) ++i;
        tokens.push_back(line.substr(start, i - start));
    }
    return tokens;
}

std::string_view firstLine(std::string_view bytes, std::size_t from)
{
    const std::size_t nl = bytes.find('\n', from);
    std::string_view line = bytes.substr(from, (nl == std::string_view::npos ? bytes.size() : nl) - from);
    while (!line.empty() && (line.back() == '\r' || isSeparator(line.back()))) line.remove_suffix(1);
    return line;
}

// Does the first record after a header look like word2vec binary? It does when it does not parse as a text row of
// `dimension` values and its first bytes hold control characters (raw float32 bytes almost always do; text never).
bool looksBinary(std::string_view bytes, std::size_t body, int dimension)
{
    const std::string_view line = firstLine(bytes, body);
    std::vector<double> values(std::size_t(std::max(dimension, 1)));
    std::string_view word;
    RowError error;
    if (parseRow(line.data(), line.data() + line.size(), dimension, "", values.data(), &word, &error)) return false;
    const std::size_t end = std::min(bytes.size(), body + 4096 + std::size_t(dimension) * 4);
    for (std::size_t i = body; i < end; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
    }
    return false;
}

Layout detectLayout(std::string_view bytes, const std::string& name, const LoadOptions& options)
{
    Layout l;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") l.bodyOffset = 3; // a UTF-8 byte-order mark
    std::size_t firstNonSpace = l.bodyOffset;
    while (firstNonSpace < bytes.size() && isSpace(bytes[firstNonSpace])) ++firstNonSpace;
    if (firstNonSpace == bytes.size())
        throw FormatError(name + ": " + (bytes.empty() ? "an empty file" : "only whitespace") +
                          "; expected word vectors (GloVe text, word2vec text or word2vec binary)");

    // A header is a first line of exactly two unsigned integers: "count dimension".
    const std::string_view line1 = firstLine(bytes, l.bodyOffset);
    const auto tokens = lineTokens(line1, 2);
    std::uint64_t count = 0, dim = 0;
    const bool header = tokens.size() == 2 && parseCount(tokens[0], &count) && parseCount(tokens[1], &dim);
    const bool wantsHeader = options.format == VectorFormat::Word2VecText || options.format == VectorFormat::Word2VecBinary;
    if (wantsHeader && !header)
        failAt(name, 1, "expected a header \"count dimension\" (word2vec format), found " + shown(line1));
    if (header && options.format != VectorFormat::GloveText) {
        if (dim == 0) failAt(name, 1, "the header's dimension is 0; expected at least 1");
        if (dim > std::uint64_t(options.maxDimension))
            failAt(name, 1, "the header's dimension " + std::to_string(dim) + " is over the limit of " +
                                std::to_string(options.maxDimension));
        if (count == 0) failAt(name, 1, "the header announces 0 words; expected at least one");
        if (count > (1ull << 40)) failAt(name, 1, "the header's count " + std::to_string(count) + " is implausible");
        l.headerCount = std::int64_t(count);
        l.dimension = int(dim);
        const std::size_t nl = bytes.find('\n', l.bodyOffset);
        if (nl == std::string_view::npos)
            failAt(name, 1, "a header announcing " + std::to_string(count) + " words, and nothing after it");
        l.bodyOffset = nl + 1;
        l.bodyFirstLine = 2;
        if (options.format == VectorFormat::Auto)
            l.format = looksBinary(bytes, l.bodyOffset, l.dimension) ? VectorFormat::Word2VecBinary
                                                                     : VectorFormat::Word2VecText;
        else
            l.format = options.format;
        return l;
    }
    l.format = VectorFormat::GloveText;
    // GloVe: the first row sets the dimension.
    const int fields = countFields(line1.data(), line1.data() + line1.size());
    if (fields < 2)
        failAt(name, 1, "a line of " + std::to_string(fields) + " field" + (fields == 1 ? "" : "s") +
                            "; expected a word followed by its values (GloVe), or a header \"count dimension\"");
    if (fields - 1 > options.maxDimension)
        failAt(name, 1, std::to_string(fields - 1) + " values; the limit is " + std::to_string(options.maxDimension) +
                            " (LoadOptions::maxDimension)");
    l.dimension = fields - 1;
    return l;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading.

struct FileHandle {
    int fd = -1;
    ~FileHandle()
    {
        if (fd >= 0) ::close(fd);
    }
};

// Maps the file. With limit > 0 and a text format, the view ends after the line holding the `limit`-th row, so loading
// the 10,000 most frequent words of a 400,000-word file touches ~4 MB of it.
void mapFile(Bytes& b, const std::filesystem::path& path, const std::string& name, const LoadOptions& options)
{
    FileHandle f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) throw InputError(name + ": cannot be opened (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw InputError(name + ": cannot be read (" + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) throw InputError(name + ": is a directory, not a file of word vectors");
    if (!S_ISREG(st.st_mode)) throw InputError(name + ": not a regular file");
    const auto size = std::uint64_t(st.st_size);
    if (size > options.maxBytes)
        throw FormatError(name + ": " + bytesText(size) + " is over the limit of " + bytesText(options.maxBytes) +
                          " (LoadOptions::maxBytes)");
    if (size == 0) return; // an empty view; detectLayout names the problem
    void* m = ::mmap(nullptr, std::size_t(size), PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (m == MAP_FAILED) throw InputError(name + ": cannot be mapped (" + std::strerror(errno) + ")");
    b.mapping = m;
    b.mappedSize = std::size_t(size);
    b.view = std::string_view(static_cast<const char*>(m), std::size_t(size));
    if (options.limit <= 0) {
        // Start reading the whole file now (a no-op when it is in the page cache). Not MADV_SEQUENTIAL: that lets
        // the kernel drop pages once read, and the next load of the same file would go to the disk again.
        ::madvise(m, std::size_t(size), MADV_WILLNEED);
#ifdef MADV_POPULATE_READ
        // Map every page now, in 16 MB steps (a cancel is seen between them), rather than one page fault per 64 KB
        // during the parse: faults are expensive on virtual machines. Where the kernel lacks it, faults it is.
        constexpr std::size_t step = std::size_t(16) << 20;
        for (std::size_t at = 0; at < std::size_t(size); at += step) {
            if (::madvise(static_cast<char*>(m) + at, std::min(step, std::size_t(size) - at), MADV_POPULATE_READ) != 0)
                break;
            if (options.observer && options.observer->stopRequested()) throw CancelledError();
        }
#endif
        return;
    }
    const Layout l = detectLayout(b.view, name, options);
    if (l.format == VectorFormat::Word2VecBinary) return;
    std::int64_t needed = options.limit + (l.bodyFirstLine - 1);
    const char* p = b.view.data();
    const char* end = p + b.view.size();
    while (needed > 0) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
        if (!nl) return; // fewer lines than the limit: the whole file
        p = nl + 1;
        --needed;
    }
    if (p < end) {
        b.view = std::string_view(b.view.data(), std::size_t(p - b.view.data()));
        b.complete = false;
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Text (GloVe and word2vec text).

struct Chunk {
    std::size_t begin = 0, end = 0; // byte range within the body; ends right after a '\n' (the last: at the body's end)
    std::int64_t lines = 0;         // rows in it
    std::int64_t firstRow = 0;      // = its first line's row
    // Filled by the parse:
    std::int64_t invalidUtf8 = 0, firstInvalidRow = -1;
    bool failed = false;
    std::int64_t errorRow = 0;
    std::string error;
};

struct ParsedRows {
    std::vector<std::string> words;
    VectorMatrix values;
    std::int64_t invalidUtf8 = 0;
    std::int64_t firstInvalidRow = -1;
};

// Runs body(chunk) over all chunks in parallel (each chunk claimed by one thread); calls `onCaller` regularly on the
// calling thread only. Chunks after `stopAfter` (set by a failing chunk) and all chunks after a cancel are skipped.
template <class Body>
void forEachChunk(std::vector<Chunk>& chunks, const Progress& progress, std::uint64_t progressFrom, Body&& body)
{
    const auto caller = std::this_thread::get_id();
    std::atomic<std::int64_t> failedChunk{std::int64_t(chunks.size())};
    std::atomic<bool> cancelled{false};
    std::atomic<std::uint64_t> bytesDone{0};
    const auto n = std::int64_t(chunks.size());
    parallelFor(
        n,
        [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t c = begin; c < end; ++c) {
                if (cancelled.load(std::memory_order_relaxed) || c > failedChunk.load(std::memory_order_relaxed))
                    return;
                Chunk& chunk = chunks[std::size_t(c)];
                body(chunk);
                if (chunk.failed) {
                    std::int64_t cur = failedChunk.load();
                    while (c < cur && !failedChunk.compare_exchange_weak(cur, c)) {}
                }
                bytesDone += chunk.end - chunk.begin;
                if (std::this_thread::get_id() == caller) {
                    progress.report(progressFrom + bytesDone.load());
                    if (progress.stop()) cancelled = true;
                }
            }
        },
        // One pool chunk per ~1 MB chunk: threads claim them dynamically, so a slow thread holds up one chunk at most.
        int((n + threadCount() - 1) / std::max(1, threadCount())));
    if (cancelled) throw CancelledError();
}

ParsedRows parseText(std::string_view bytes, bool complete, const Layout& layout, const std::string& name,
                     const LoadOptions& options, const Progress& progress)
{
    // The body, without trailing whitespace (a final newline, blank lines at the end).
    std::string_view body = bytes.substr(layout.bodyOffset);
    while (!body.empty() && isSpace(body.back())) body.remove_suffix(1);
    if (body.empty())
        failAt(name, layout.bodyFirstLine, "no vectors after the header; it announces " +
                                               std::to_string(layout.headerCount) + " words");

    // Cut at line ends.
    std::vector<Chunk> chunks;
    for (std::size_t at = 0; at < body.size();) {
        std::size_t end = std::min(body.size(), at + kChunkBytes);
        if (end < body.size()) {
            const std::size_t nl = body.find('\n', end - 1);
            end = nl == std::string_view::npos ? body.size() : nl + 1;
        }
        Chunk chunk;
        chunk.begin = at;
        chunk.end = end;
        chunks.push_back(std::move(chunk));
        at = end;
    }
    // Pass 1: lines (memchr: the C library's vectorised scan).
    parallelFor(std::int64_t(chunks.size()), [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t c = b; c < e; ++c) {
            Chunk& ch = chunks[std::size_t(c)];
            const char* p = body.data() + ch.begin;
            const char* end = body.data() + ch.end;
            std::int64_t lines = 0;
            while (const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)))) {
                ++lines;
                p = nl + 1;
            }
            ch.lines = lines + (ch.end == body.size() ? 1 : 0); // the last line has no '\n' (trimmed above)
        }
    });
    std::int64_t rows = 0;
    for (Chunk& ch : chunks) {
        ch.firstRow = rows;
        rows += ch.lines;
    }
    if (layout.headerCount >= 0 && complete && (options.limit <= 0 || options.limit >= rows)) {
        if (rows > layout.headerCount)
            failAt(name, layout.bodyFirstLine + layout.headerCount,
                   "more lines than the header's count of " + std::to_string(layout.headerCount) + " words (" +
                       std::to_string(rows) + " lines of vectors)");
        if (rows < layout.headerCount)
            failAt(name, 1, "the header announces " + std::to_string(layout.headerCount) + " words but the file has " +
                                std::to_string(rows) + " lines of vectors");
    }
    const std::int64_t wanted = options.limit > 0 ? std::min<std::int64_t>(options.limit, rows) : rows;

    // Pass 2: parse straight into the rows.
    ParsedRows out;
    const int dim = layout.dimension;
    out.words.reserve(std::size_t(wanted));
    prepareLargeWrite(out.words.data(), std::size_t(wanted) * sizeof(std::string));
    out.words.resize(std::size_t(wanted));
    out.values.resize(wanted, dim);
    prepareLargeWrite(out.values.data(), std::size_t(out.values.size()) * sizeof(double));
    const char* dimSource = layout.headerCount >= 0 ? "the header's dimension" : "the first line's count";
    std::vector<Chunk> used;
    for (Chunk& ch : chunks)
        if (ch.firstRow < wanted) used.push_back(ch);
    forEachChunk(used, progress, layout.bodyOffset, [&](Chunk& ch) {
        const char* p = body.data() + ch.begin;
        const char* chunkEnd = body.data() + ch.end;
        const std::int64_t lastRow = std::min(ch.firstRow + ch.lines, wanted);
        RowError error;
        const auto fail = [&](std::int64_t row, std::string what) {
            ch.failed = true;
            ch.errorRow = row;
            ch.error = std::move(what);
        };
        for (std::int64_t row = ch.firstRow; row < lastRow; ++row) {
            double* values = out.values.row(row).data();
            std::string_view word;
            const char* next = parseRowFast(p, chunkEnd, dim, values, &word);
            if (!next) {
                const char* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(chunkEnd - p)));
                const char* lineEnd = nl ? nl : chunkEnd;
                // A NUL byte means binary data, whatever field it lands in: say so rather than "not a number".
                if (const void* nul = std::memchr(p, 0, std::size_t(lineEnd - p)))
                    return fail(row, "a NUL byte (byte offset " +
                                         std::to_string(layout.bodyOffset + std::size_t(static_cast<const char*>(nul) -
                                                                                         body.data())) +
                                         "): this is a binary file, not word vectors in text");
                if (!parseRow(p, lineEnd, dim, dimSource, values, &word, &error)) return fail(row, std::move(error.what));
                next = nl ? nl + 1 : chunkEnd;
            }
            if (std::memchr(word.data(), 0, word.size()))
                return fail(row, "a NUL byte in the word (byte offset " +
                                     std::to_string(layout.bodyOffset + std::size_t(word.data() - body.data()) +
                                                    std::size_t(static_cast<const char*>(
                                                                    std::memchr(word.data(), 0, word.size())) -
                                                                word.data())) +
                                     "): this is a binary file, not word vectors in text");
            if (!isValidUtf8(word)) {
                if (ch.invalidUtf8++ == 0) ch.firstInvalidRow = row;
            }
            out.words[std::size_t(row)].assign(word);
            p = next;
        }
    });
    for (const Chunk& ch : used)
        if (ch.failed) failAt(name, layout.bodyFirstLine + ch.errorRow, ch.error);
    for (const Chunk& ch : used) {
        if (ch.invalidUtf8 > 0 && out.firstInvalidRow < 0) out.firstInvalidRow = ch.firstInvalidRow;
        out.invalidUtf8 += ch.invalidUtf8;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// word2vec binary: after the header line, records "word " + dimension little-endian float32 (+ an optional '\n',
// which the original word2vec writes and gensim skips as leading newlines of the next word).

float loadFloat32(const char* p)
{
    std::uint32_t bits;
    std::memcpy(&bits, p, 4);
    if constexpr (std::endian::native == std::endian::big) bits = __builtin_bswap32(bits);
    return std::bit_cast<float>(bits);
}

ParsedRows parseBinary(std::string_view bytes, const Layout& layout, const std::string& name,
                       const LoadOptions& options, const Progress& progress)
{
    const int dim = layout.dimension;
    const std::size_t vectorBytes = std::size_t(dim) * 4;
    const std::size_t body = bytes.size() - layout.bodyOffset;
    // Each record needs at least one byte of word, a space and its floats: a count beyond that cannot be right, and
    // must not size the allocation.
    const std::uint64_t possible = body / (vectorBytes + 2);
    if (std::uint64_t(layout.headerCount) > possible && options.limit <= 0)
        failAtByte(name, bytes.size(), "the file ends after at most " + std::to_string(possible) + " records of " +
                                           std::to_string(dim) + " float32 values; the header announces " +
                                           std::to_string(layout.headerCount));
    std::int64_t wanted = layout.headerCount;
    if (options.limit > 0) wanted = std::min<std::int64_t>(wanted, options.limit);
    wanted = std::min<std::int64_t>(wanted, std::int64_t(possible) + 1);
    ParsedRows out;
    out.words.resize(std::size_t(wanted));
    out.values.resize(wanted, dim);
    std::size_t at = layout.bodyOffset;
    for (std::int64_t r = 0; r < wanted; ++r) {
        if ((r & 0xFFFF) == 0xFFFF) {
            progress.report(at);
            if (progress.stop()) throw CancelledError();
        }
        while (at < bytes.size() && (bytes[at] == '\n' || bytes[at] == '\r')) ++at;
        const std::string recordName = "record " + std::to_string(r + 1) + " of " + std::to_string(layout.headerCount);
        if (at == bytes.size())
            failAtByte(name, at, "the file ends before " + recordName + "; the header announces " +
                                     std::to_string(layout.headerCount) + " words");
        const std::size_t wordStart = at;
        const std::size_t limit = std::min(bytes.size(), at + kMaxBinaryWord);
        while (at < limit && bytes[at] != ' ') {
            const auto c = static_cast<unsigned char>(bytes[at]);
            if (c < 0x20 && c != '\t')
                failAtByte(name, at, "a control byte (" + std::to_string(c) + ") in the word of " + recordName +
                                         "; expected \"word \" then " + std::to_string(dim) +
                                         " float32 values (is the file word2vec binary, and not truncated?)");
            ++at;
        }
        if (at == limit)
            failAtByte(name, wordStart, at == bytes.size()
                                            ? "the file ends inside the word of " + recordName
                                            : "no space after the word of " + recordName + " within " +
                                                  std::to_string(kMaxBinaryWord) + " bytes; expected \"word \" then " +
                                                  std::to_string(dim) + " float32 values");
        if (at == wordStart) failAtByte(name, at, recordName + " has an empty word");
        const std::string_view word = bytes.substr(wordStart, at - wordStart);
        ++at; // the space
        if (bytes.size() - at < vectorBytes)
            failAtByte(name, at, "the file ends inside the vector of " + recordName + " (" + shown(word) +
                                     "): expected " + std::to_string(dim) + " float32 values (" +
                                     std::to_string(vectorBytes) + " bytes), found " +
                                     std::to_string(bytes.size() - at) + " bytes");
        double* row = out.values.row(r).data();
        for (int j = 0; j < dim; ++j) {
            const float v = loadFloat32(bytes.data() + at + std::size_t(j) * 4);
            if (!std::isfinite(v))
                failAtByte(name, at + std::size_t(j) * 4, "value " + std::to_string(j + 1) + " of " + shown(word) +
                                                              " is " + (std::isnan(v) ? "NaN" : "infinite") +
                                                              "; expected a finite number");
            row[j] = double(v);
        }
        at += vectorBytes;
        if (!isValidUtf8(word)) {
            if (out.invalidUtf8++ == 0) out.firstInvalidRow = r;
        }
        out.words[std::size_t(r)].assign(word);
    }
    if (options.limit <= 0 || options.limit >= layout.headerCount) {
        std::size_t rest = at;
        while (rest < bytes.size() && isSpace(bytes[rest])) ++rest;
        if (rest < bytes.size())
            failAtByte(name, rest, std::to_string(bytes.size() - rest) + " bytes after the header's " +
                                       std::to_string(layout.headerCount) + " records; expected the end of the file");
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------------

std::string rowPlace(const Layout& layout, std::int64_t row)
{
    if (layout.format == VectorFormat::Word2VecBinary) return "record " + std::to_string(row + 1);
    return "line " + std::to_string(layout.bodyFirstLine + row);
}

// Drops later duplicates (keeping each word's first vector) with an open-addressing set over row numbers.
void dropDuplicates(ParsedRows& rows, const Layout& layout, const std::string& name, LoadReport* report)
{
    const std::size_t n = rows.words.size();
    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * n));
    const std::size_t mask = capacity - 1;
    const auto slots = std::make_unique_for_overwrite<std::int32_t[]>(capacity);
    prepareLargeWrite(slots.get(), capacity * sizeof(std::int32_t));
    std::fill_n(slots.get(), capacity, -1);
    std::vector<char> keep(n, 1);
    std::int64_t duplicates = 0, firstDuplicate = -1;
    const std::hash<std::string_view> hash;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& w = rows.words[i];
        std::size_t s = hash(w) & mask;
        for (; slots[s] >= 0; s = (s + 1) & mask)
            if (rows.words[std::size_t(slots[s])] == w) break;
        if (slots[s] >= 0) {
            keep[i] = 0;
            if (duplicates++ == 0) firstDuplicate = std::int64_t(i);
        } else {
            slots[s] = std::int32_t(i);
        }
    }
    if (duplicates == 0) return;
    const std::string firstWord = rows.words[std::size_t(firstDuplicate)];
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!keep[i]) continue;
        if (kept != i) {
            rows.words[kept] = std::move(rows.words[i]);
            rows.values.row(std::int64_t(kept)) = rows.values.row(std::int64_t(i));
        }
        ++kept;
    }
    rows.words.resize(kept);
    rows.values.conservativeResize(std::int64_t(kept), rows.values.cols());
    if (report) {
        report->duplicates = duplicates;
        report->warnings.push_back(name + ": " + std::to_string(duplicates) + " duplicate word" +
                                   (duplicates == 1 ? "" : "s") + ", each word's first vector kept (the first repeat on " +
                                   rowPlace(layout, firstDuplicate) + ": " + shown(firstWord) + ")");
    }
}

WordVectors parseBytes(std::string_view bytes, bool complete, const std::string& name, const std::string& source,
                       const LoadOptions& options, LoadReport* report, Progress& progress)
{
    if (options.limit < 0) throw InputError(name + ": limit " + std::to_string(options.limit) + " is negative");
    if (options.maxDimension < 1)
        throw InputError(name + ": maxDimension " + std::to_string(options.maxDimension) + " is below 1");
    if (bytes.size() > options.maxBytes)
        throw FormatError(name + ": " + bytesText(bytes.size()) + " is over the limit of " +
                          bytesText(options.maxBytes) + " (LoadOptions::maxBytes)");
    progress.total = bytes.size();
    if (progress.stop()) throw CancelledError();
    const Layout layout = detectLayout(bytes, name, options);
    ParsedRows rows = layout.format == VectorFormat::Word2VecBinary
                          ? parseBinary(bytes, layout, name, options, progress)
                          : parseText(bytes, complete, layout, name, options, progress);
    LoadReport local;
    LoadReport& r = report ? *report : local;
    r = LoadReport{};
    r.format = layout.format;
    if (rows.invalidUtf8 > 0) {
        r.invalidUtf8 = rows.invalidUtf8;
        r.warnings.push_back(name + ": " + std::to_string(rows.invalidUtf8) + " word" +
                             (rows.invalidUtf8 == 1 ? " is" : "s are") + " not valid UTF-8, kept byte-exact (the first on " +
                             rowPlace(layout, rows.firstInvalidRow) + ": " +
                             shown(rows.words[std::size_t(rows.firstInvalidRow)]) + ")");
    }
    dropDuplicates(rows, layout, name, &r);
    progress.report(progress.total);
    return WordVectors(std::move(rows.words), std::move(rows.values), source);
}

} // namespace

WordVectors parseVectors(std::string_view bytes, const std::string& sourceName, const LoadOptions& options,
                         LoadReport* report)
{
    Progress progress{.observer = options.observer};
    return parseBytes(bytes, true, sourceName, sourceName, options, report, progress);
}

WordVectors loadVectors(const std::filesystem::path& path, const LoadOptions& options, LoadReport* report)
{
    const std::string name = path.string();
    Progress progress{.observer = options.observer};
    Bytes bytes;
    mapFile(bytes, path, name, options);
    return parseBytes(bytes.view, bytes.complete, name, name, options, report, progress);
}

void saveGloveText(const WordVectors& vectors, const std::filesystem::path& path, int significantDigits)
{
    if (significantDigits < 0 || significantDigits > 17)
        throw InputError("significant digits " + std::to_string(significantDigits) +
                         ": expected 0 (shortest exact) or 1 to 17");
    if (vectors.empty()) throw InputError(path.string() + ": no vectors to save");
    for (Index i = 0; i < vectors.size(); ++i) {
        const std::string& w = vectors.word(i);
        for (char c : w)
            if (isSpace(c) || c == '\0')
                throw InputError(path.string() + ": the word " + shown(w) +
                                 " contains whitespace, which GloVe text cannot hold");
    }
    // Rows are formatted in parallel blocks, then joined into the one buffer the atomic write takes.
    const Index n = vectors.size();
    const int dim = vectors.dimension();
    const Index blockRows = 4096;
    const Index blocks = (n + blockRows - 1) / blockRows;
    std::vector<std::string> parts(static_cast<std::size_t>(blocks));
    parallelFor(blocks, [&](std::int64_t b0, std::int64_t b1) {
        char buf[64];
        for (std::int64_t b = b0; b < b1; ++b) {
            std::string& s = parts[std::size_t(b)];
            const Index r1 = std::min(n, (b + 1) * blockRows);
            for (Index r = b * blockRows; r < r1; ++r) {
                s += vectors.word(r);
                const double* row = vectors.values().row(r).data();
                for (int j = 0; j < dim; ++j) {
                    const double v = row[j];
                    const auto res = significantDigits == 0
                                         ? std::to_chars(buf, buf + sizeof buf, v)
                                         : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general,
                                                         significantDigits);
                    s += ' ';
                    s.append(buf, res.ptr);
                }
                s += '\n';
            }
        }
    });
    std::size_t total = 0;
    for (const auto& p : parts) total += p.size();
    std::string all;
    all.reserve(total);
    for (auto& p : parts) {
        all += p;
        std::string().swap(p);
    }
    writeFileAtomically(path, all);
}

std::filesystem::path builtInVectorsPath() { return dataFile("vectors/builtin-50d.txt"); }

WordVectors builtInVectors(TrainingObserver* observer)
{
    const std::filesystem::path path = builtInVectorsPath();
    Progress progress{.observer = observer};
    const LoadOptions options{.observer = observer};
    Bytes bytes;
    mapFile(bytes, path, path.string(), options);
    return parseBytes(bytes.view, bytes.complete, path.string(), "built-in vectors", options, nullptr, progress);
}

} // namespace unroll::vectors
