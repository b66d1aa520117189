// .safetensors encoding and strict decoding (format in Safetensors.hpp). The decoder works on a string_view of the
// whole file and checks every length against the bytes it has before it touches them; the header JSON is parsed by
// nlohmann-json with a callback that refuses duplicate keys and nesting deeper than the format allows (so a hostile
// header cannot make us build a huge tree). Leaves out: writing any dtype but F32.
#include "io/Safetensors.hpp"

#include "io/AtomicFile.hpp"
#include "util/Error.hpp"
#include "util/ReadFile.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <set>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace unroll {
namespace {

using nlohmann::json;

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "F32 must be IEEE 754 binary32");
static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559, "F64 must be IEEE 754 binary64");

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000; // Hugging Face's MAX_HEADER_SIZE
constexpr const char* kMetadataKey = "__metadata__";
constexpr std::size_t kMaxListLength = 64; // numpy allows 32 dimensions (64 since numpy 2)

// Every dtype the format defines, so that a file we cannot read is told apart from a file that is wrong.
constexpr const char* kKnownDtypes[] = {"BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4",
                                        "F6_E2M3", "F6_E3M2", "I16", "U16", "F16", "BF16", "I32",
                                        "U32",  "F32", "F64", "I64", "U64", "C64"};

// Built with += rather than "\"" + s: GCC 12 warns falsely (-Wrestrict, bug 105329) on const char* + string.
std::string inQuotes(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
}

// "an object", "a list", "a number" ... for messages.
std::string describe(const json& v)
{
    switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "a " + std::string(v.type_name());
    }
}

std::string numberText(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Structural validity of UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), as JSON requires.
bool isValidUtf8(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (s.size() - i < len)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const std::uint32_t minimum = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

// nlohmann's messages quote the bytes it read, which may be invalid UTF-8; keep our messages printable.
std::string printable(std::string_view s)
{
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || c < 0x20) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

void appendU64LE(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::uint64_t readU64LE(std::string_view bytes)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    return v;
}

template <class U> U readLE(const char* p)
{
    U v = 0;
    for (std::size_t i = sizeof(U); i-- > 0;)
        v = static_cast<U>((v << 8) | static_cast<unsigned char>(p[i]));
    return v;
}

// One tensor entry of the header once its fields have been checked.
struct Entry {
    std::string name;
    std::size_t elementSize = 4; // 4 for F32, 8 for F64
    std::vector<std::int64_t> shape;
    std::uint64_t count = 0;
    std::uint64_t begin = 0, end = 0;
};

// A first pass over the header that builds nothing: refuses invalid JSON (naming the byte), duplicate keys (JSON
// parsers disagree on which one wins), nesting deeper than the format's three levels (root, entry, shape) and lists
// longer than a shape can be. Only then does the plain parser build the tree, so a hostile header can neither make us
// build a huge tree nor hit the quadratic time nlohmann's callback parser takes over many entries.
class HeaderChecker : public nlohmann::json_sax<json> {
public:
    explicit HeaderChecker(std::function<void(const std::string&)> fail) : fail_(std::move(fail)) {}

    bool null() override { return element(); }
    bool boolean(bool) override { return element(); }
    bool number_integer(number_integer_t) override { return element(); }
    bool number_unsigned(number_unsigned_t) override { return element(); }
    bool number_float(number_float_t, const string_t&) override { return element(); }
    bool string(string_t&) override { return element(); }
    bool binary(binary_t&) override { return element(); }
    bool start_object(std::size_t) override { return open(true); }
    bool start_array(std::size_t) override { return open(false); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t& key) override
    {
        if (!levels_.empty() && !levels_.back().keys.insert(key).second)
            fail_("the header has the key " + inQuotes(key) + " twice in one " +
                  (levels_.size() == 1 ? std::string("header object") : std::string("entry")) +
                  "; keys must be unique");
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override
    {
        std::string message = e.what();
        if (const auto pos = message.find("] "); pos != std::string::npos)
            message.erase(0, pos + 2); // drop "[json.exception.parse_error.101] "
        const std::size_t fileByte = 8 + (position > 0 ? position - 1 : 0);
        fail_("the header is not valid JSON, error at file byte " + std::to_string(fileByte) + ": " +
              printable(message));
        return false;
    }

private:
    struct Level {
        bool isObject;
        std::set<std::string> keys;
        std::size_t elements = 0;
    };

    bool element()
    {
        if (!levels_.empty() && !levels_.back().isObject && ++levels_.back().elements > kMaxListLength)
            fail_("the header has a list of more than " + std::to_string(kMaxListLength) +
                  " elements; a shape has at most that many dimensions, data_offsets has 2");
        return true;
    }

    bool open(bool isObject)
    {
        element();
        if (levels_.size() >= 3)
            fail_("the header nests objects or lists deeper than a .safetensors header can "
                  "(root object, tensor entry, shape list)");
        levels_.push_back({isObject, {}});
        return true;
    }

    bool close()
    {
        if (!levels_.empty())
            levels_.pop_back();
        return true;
    }

    std::function<void(const std::string&)> fail_;
    std::vector<Level> levels_;
};

class Decoder {
public:
    Decoder(std::string_view bytes, const std::string& source) : bytes_(bytes), source_(source) {}

    TensorFile decode()
    {
        if (bytes_.size() < 8)
            fail("the file is " + std::to_string(bytes_.size()) +
                 " bytes long, shorter than the 8-byte header length that starts a .safetensors file");
        const std::uint64_t n = readU64LE(bytes_.substr(0, 8));
        const std::uint64_t available = bytes_.size() - 8;
        if (n > kMaxHeaderBytes)
            fail("header length " + std::to_string(n) + " (file bytes [0, 8)) is larger than the 100000000 bytes a "
                 ".safetensors header may have; this is not a .safetensors file or it is corrupt");
        if (n > available)
            fail("header length " + std::to_string(n) + " (file bytes [0, 8)) is larger than the " +
                 std::to_string(available) + " bytes that follow it; the file is truncated or not .safetensors");
        headerSize_ = n;
        const std::string_view header = bytes_.substr(8, n);
        if (header.empty() || header.front() != '{')
            fail("the header (file byte 8) must start with '{', found " +
                 (header.empty() ? std::string("an empty header") : "byte " + printable(header.substr(0, 1))));

        // nlohmann-json stops at a NUL byte as if the input ended there, which would hide anything after it.
        if (const auto nul = header.find('\0'); nul != std::string_view::npos)
            fail("the header contains a NUL byte at file byte " + std::to_string(8 + nul) +
                 "; a JSON header (and its space padding) cannot");
        const json root = parseHeader(header);
        const std::string_view buffer = bytes_.substr(8 + n);

        TensorFile file;
        std::vector<Entry> entries;
        for (const auto& [key, value] : root.items()) {
            if (key == kMetadataKey)
                file.metadata = readMetadata(value);
            else
                entries.push_back(readEntry(key, value, buffer.size()));
        }
        checkTiling(entries, buffer.size());

        for (const Entry& e : entries) {
            Tensor t;
            t.shape = e.shape;
            t.data.resize(static_cast<std::size_t>(e.count));
            const char* p = buffer.data() + e.begin;
            if (e.elementSize == 4) {
                for (std::size_t i = 0; i < t.data.size(); ++i)
                    t.data[i] = std::bit_cast<float>(readLE<std::uint32_t>(p + 4 * i));
            } else {
                for (std::size_t i = 0; i < t.data.size(); ++i) {
                    const double d = std::bit_cast<double>(readLE<std::uint64_t>(p + 8 * i));
                    if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max())
                        fail("tensor " + inQuotes(e.name) + ": F64 value " + numberText(d) + " at element " +
                             std::to_string(i) + " (file byte " + std::to_string(dataStart() + e.begin + 8 * i) +
                             ") is too large for a float");
                    t.data[i] = static_cast<float>(d);
                }
            }
            file.tensors.emplace(e.name, std::move(t));
        }
        return file;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw FormatError(source_ + ": " + what); }

    std::uint64_t dataStart() const { return 8 + headerSize_; }

    std::string fileBytes(std::uint64_t begin, std::uint64_t end) const
    {
        return "file bytes [" + std::to_string(dataStart() + begin) + ", " + std::to_string(dataStart() + end) + ")";
    }

    json parseHeader(std::string_view header) const
    {
        HeaderChecker checker([this](const std::string& what) { fail(what); });
        json::sax_parse(header.begin(), header.end(), &checker);
        return json::parse(header.begin(), header.end()); // valid now: the checker throws on any error
    }

    std::map<std::string, std::string> readMetadata(const json& value) const
    {
        if (!value.is_object())
            fail(inQuotes(kMetadataKey) + " must be an object of strings, found " + describe(value));
        std::map<std::string, std::string> out;
        for (const auto& [key, v] : value.items()) {
            if (!v.is_string())
                fail(inQuotes(kMetadataKey) + " value for key " + inQuotes(key) + " must be a string, found " +
                     describe(v) + " (structured values are stored JSON-encoded in a string)");
            out.emplace(key, v.get<std::string>());
        }
        return out;
    }

    // An unsigned JSON integer, or a message saying what it is instead.
    std::uint64_t readUnsigned(const json& v, const std::string& what) const
    {
        if (v.is_number_unsigned())
            return v.get<std::uint64_t>();
        if (v.is_number_integer())
            fail(what + " is negative (" + v.dump() + "); expected a non-negative integer");
        if (v.is_number_float())
            fail(what + " is not an integer (" + v.dump() + "); expected a non-negative integer");
        fail(what + " is " + describe(v) + "; expected a non-negative integer");
    }

    Entry readEntry(const std::string& name, const json& value, std::uint64_t bufferSize) const
    {
        const std::string where = "tensor " + inQuotes(name);
        if (!value.is_object())
            fail(where + ": the entry must be an object {\"dtype\", \"shape\", \"data_offsets\"}, found " +
                 describe(value));
        for (const auto& [key, v] : value.items())
            if (key != "dtype" && key != "shape" && key != "data_offsets")
                fail(where + ": unexpected field " + inQuotes(key) + "; an entry has only dtype, shape, data_offsets");
        for (const char* field : {"dtype", "shape", "data_offsets"})
            if (!value.contains(field))
                fail(where + ": the entry has no " + inQuotes(field) + " field");

        Entry e;
        e.name = name;

        const json& dtype = value.at("dtype");
        if (!dtype.is_string())
            fail(where + ": dtype must be a string such as \"F32\", found " + describe(dtype));
        const std::string d = dtype.get<std::string>();
        if (d == "F32")
            e.elementSize = 4;
        else if (d == "F64")
            e.elementSize = 8;
        else if (std::find_if(std::begin(kKnownDtypes), std::end(kKnownDtypes),
                              [&](const char* k) { return d == k; }) != std::end(kKnownDtypes))
            fail(where + ": dtype " + inQuotes(d) + " is not supported; Unroll reads F32 and F64");
        else
            fail(where + ": unknown dtype " + inQuotes(printable(d)) + "; Unroll reads F32 and F64");

        const json& shape = value.at("shape");
        if (!shape.is_array())
            fail(where + ": shape must be a list of non-negative integers, found " + describe(shape));
        std::uint64_t count = 1;
        bool overflow = false, empty = false;
        for (std::size_t i = 0; i < shape.size(); ++i) {
            const std::uint64_t dim = readUnsigned(shape[i], where + ": shape[" + std::to_string(i) + "]");
            if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                fail(where + ": shape[" + std::to_string(i) + "] = " + std::to_string(dim) + " is too large");
            e.shape.push_back(static_cast<std::int64_t>(dim));
            empty = empty || dim == 0;
            overflow = __builtin_mul_overflow(count, dim, &count) || overflow;
        }
        std::uint64_t needed = 0;
        overflow = __builtin_mul_overflow(count, e.elementSize, &needed) || overflow;
        if (empty) // a zero dimension empties the tensor whatever the others say
            overflow = false, count = 0, needed = 0;

        const json& offsets = value.at("data_offsets");
        if (!offsets.is_array() || offsets.size() != 2)
            fail(where + ": data_offsets must be a list [begin, end] of two integers, found " +
                 printable(offsets.dump()));
        e.begin = readUnsigned(offsets[0], where + ": data_offsets[0]");
        e.end = readUnsigned(offsets[1], where + ": data_offsets[1]");
        const std::string offsetsText = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
        if (e.begin > e.end)
            fail(where + ": " + offsetsText + " end before they begin");
        if (e.end > bufferSize)
            fail(where + ": " + offsetsText + " reach beyond the data buffer, which has " + std::to_string(bufferSize) +
                 " bytes (" + fileBytes(0, bufferSize) + ")");
        const std::uint64_t span = e.end - e.begin;
        if (overflow || needed != span)
            fail(where + ": " + offsetsText + " span " + std::to_string(span) + " bytes but shape " +
                 shapeText(e.shape) + " of " + d + " needs " +
                 (overflow ? std::string("more bytes than a 64-bit size can count")
                           : std::to_string(count) + " x " + std::to_string(e.elementSize) + " = " +
                                 std::to_string(needed) + " bytes"));
        e.count = count;
        return e;
    }

    // The tensors must tile [0, bufferSize) exactly: sorted by offset, each begins where the previous ended.
    void checkTiling(const std::vector<Entry>& entries, std::uint64_t bufferSize) const
    {
        std::vector<const Entry*> order;
        for (const Entry& e : entries)
            order.push_back(&e);
        std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
            return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
        });
        std::uint64_t cursor = 0;
        const Entry* previous = nullptr;
        for (const Entry* e : order) {
            if (e->begin > cursor)
                fail("the data buffer has a hole: " + fileBytes(cursor, e->begin) + " (buffer offsets [" +
                     std::to_string(cursor) + ", " + std::to_string(e->begin) + ")) belong to no tensor; tensor " +
                     inQuotes(e->name) + " starts at " + std::to_string(e->begin));
            if (e->begin < cursor)
                fail("tensors " + inQuotes(previous->name) + " and " + inQuotes(e->name) +
                     " overlap in the data buffer: " + inQuotes(e->name) + " starts at " + std::to_string(e->begin) +
                     " before " + inQuotes(previous->name) + " ends at " + std::to_string(cursor));
            cursor = e->end;
            previous = e;
        }
        if (cursor != bufferSize)
            fail("the data buffer has " + std::to_string(bufferSize - cursor) + " bytes after the last tensor (" +
                 fileBytes(cursor, bufferSize) + "); a .safetensors file ends where its last tensor ends");
    }

    std::string_view bytes_;
    const std::string& source_;
    std::uint64_t headerSize_ = 0;
};

std::uint64_t checkedCount(const std::string& name, const Tensor& t)
{
    const std::int64_t count = elementCount(t.shape);
    if (static_cast<std::uint64_t>(count) != t.data.size())
        throw InputError("tensor " + inQuotes(name) + ": shape " + shapeText(t.shape) + " holds " +
                         std::to_string(count) + " values but the data has " + std::to_string(t.data.size()));
    return static_cast<std::uint64_t>(count);
}

} // namespace

std::int64_t elementCount(const std::vector<std::int64_t>& shape)
{
    std::int64_t count = 1;
    for (std::int64_t d : shape) {
        if (d < 0)
            throw InputError("shape " + shapeText(shape) + " has a negative dimension");
        if (d != 0 && count > std::numeric_limits<std::int64_t>::max() / d)
            throw InputError("shape " + shapeText(shape) + " holds more values than a 64-bit count");
        count *= d;
    }
    return count;
}

std::string encodeSafetensors(const TensorFile& file)
{
    json header = json::object();
    if (!file.metadata.empty()) {
        json meta = json::object();
        for (const auto& [key, value] : file.metadata) {
            if (!isValidUtf8(key))
                throw InputError("metadata key " + inQuotes(printable(key)) + " is not valid UTF-8");
            if (!isValidUtf8(value))
                throw InputError("metadata value for key " + inQuotes(key) + " is not valid UTF-8");
            meta[key] = value;
        }
        header[kMetadataKey] = std::move(meta);
    }
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : file.tensors) {
        if (name == kMetadataKey)
            throw InputError("a tensor cannot be named " + inQuotes(kMetadataKey) + ": the format reserves it");
        if (!isValidUtf8(name))
            throw InputError("tensor name " + inQuotes(printable(name)) + " is not valid UTF-8");
        const std::uint64_t bytes = checkedCount(name, tensor) * 4;
        header[name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }

    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' '); // pad so that the data buffer starts 8-byte aligned

    std::string out;
    out.reserve(8 + text.size() + offset);
    appendU64LE(out, text.size());
    out += text;
    for (const auto& [name, tensor] : file.tensors)
        for (float v : tensor.data) {
            const auto bits = std::bit_cast<std::uint32_t>(v);
            for (int i = 0; i < 4; ++i)
                out += static_cast<char>((bits >> (8 * i)) & 0xFF);
        }
    return out;
}

TensorFile decodeSafetensors(std::string_view bytes, const std::string& sourceName)
{
    return Decoder(bytes, sourceName).decode();
}

void writeSafetensors(const std::filesystem::path& path, const TensorFile& file)
{
    writeFileAtomically(path, encodeSafetensors(file));
}

TensorFile readSafetensors(const std::filesystem::path& path)
{
    return decodeSafetensors(readFileBounded(path, kMaxSafetensorsBytes, "a model file"), path.string());
}

namespace {

template <class T> Tensor tensorFromMatrixImpl(const Eigen::Ref<const Eigen::Matrix<T, -1, -1>>& m)
{
    Tensor t;
    t.shape = {static_cast<std::int64_t>(m.rows()), static_cast<std::int64_t>(m.cols())};
    t.data.resize(static_cast<std::size_t>(m.size()));
    // Row-major: element (i, j) goes to i*cols + j.
    std::size_t k = 0;
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const T v = m(i, j);
            if constexpr (!std::is_same_v<T, float>)
                if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max())
                    throw InputError("value " + numberText(static_cast<double>(v)) + " at (" + std::to_string(i) +
                                     ", " + std::to_string(j) + ") is too large to store as a float");
            t.data[k++] = static_cast<float>(v);
        }
    return t;
}

} // namespace

Tensor tensorFromMatrix(const Eigen::Ref<const Eigen::MatrixXf>& m) { return tensorFromMatrixImpl<float>(m); }
Tensor tensorFromMatrix(const Eigen::Ref<const Eigen::MatrixXd>& m) { return tensorFromMatrixImpl<double>(m); }

template <class T> Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> matrixFromTensor(const Tensor& t)
{
    if (t.shape.size() != 1 && t.shape.size() != 2)
        throw InputError("a tensor of shape " + shapeText(t.shape) + " is not a matrix: expected 1 or 2 dimensions");
    const std::int64_t count = elementCount(t.shape);
    if (static_cast<std::uint64_t>(count) != t.data.size())
        throw InputError("a tensor of shape " + shapeText(t.shape) + " must hold " + std::to_string(count) +
                         " values, it has " + std::to_string(t.data.size()));
    const Eigen::Index rows = t.shape[0];
    const Eigen::Index cols = t.shape.size() == 2 ? t.shape[1] : 1;
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> m(rows, cols);
    std::size_t k = 0;
    for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < cols; ++j)
            m(i, j) = static_cast<T>(t.data[k++]);
    return m;
}

template Eigen::MatrixXf matrixFromTensor<float>(const Tensor&);
template Eigen::MatrixXd matrixFromTensor<double>(const Tensor&);

} // namespace unroll
