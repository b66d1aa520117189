// The Unroll model file on top of safetensors: maps ModelFile to and from string metadata and checks it on the way in
// (format, version, vocabulary). Leaves out: the tensors' meaning; they pass through untouched.
#include "io/ModelFile.hpp"

#include "util/Error.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace unroll {
namespace {

using nlohmann::json;

constexpr const char* kFormatKey = "format";
constexpr const char* kVersionKey = "format_version";
constexpr const char* kKindKey = "kind";
constexpr const char* kVocabKey = "vocab";
constexpr const char* kNormalizationKey = "normalization";

bool isReservedKey(const std::string& key)
{
    return key == kFormatKey || key == kVersionKey || key == kKindKey || key == kVocabKey ||
           key == kNormalizationKey;
}

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

// True if s is exactly one well-formed UTF-8 code point (1 to 4 bytes; no overlong forms, no surrogates).
bool isOneCodePoint(std::string_view s)
{
    if (s.empty())
        return false;
    const auto c = static_cast<unsigned char>(s[0]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80)
        return s.size() == 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07;
    else
        return false;
    if (s.size() != len)
        return false;
    for (std::size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[k]);
        if ((cc & 0xC0) != 0x80)
            return false;
        cp = (cp << 6) | (cc & 0x3F);
    }
    const std::uint32_t minimum = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    return cp >= minimum && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

// Printable form of a vocabulary entry for messages: JSON escapes control characters and bad bytes stay visible.
std::string describeEntry(const std::string& s)
{
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += "\\n";
        else if (c < 0x20 || c == 0x7F) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else
            out += ch;
    }
    return out + "\"";
}

// Throws `Error` (InputError on save, FormatError on load) with `prefix` if the vocabulary is malformed.
template <class Error> void checkVocab(const std::vector<std::string>& vocab, const std::string& prefix)
{
    std::set<std::string> seen;
    for (std::size_t i = 0; i < vocab.size(); ++i) {
        if (!isOneCodePoint(vocab[i]))
            throw Error(prefix + "vocab[" + std::to_string(i) + "] = " + describeEntry(vocab[i]) +
                        " is not exactly one character (one UTF-8 code point)");
        if (!seen.insert(vocab[i]).second)
            throw Error(prefix + "vocab[" + std::to_string(i) + "] = " + describeEntry(vocab[i]) +
                        " appears twice; each character has one index");
    }
}

} // namespace

TensorFile toTensorFile(const ModelFile& model)
{
    if (model.kind.empty())
        throw InputError("a model file needs a kind (e.g. \"char-rnn\"); it is empty");
    checkVocab<InputError>(model.vocab, "");

    TensorFile file;
    for (const auto& [key, value] : model.hyper) {
        if (key.empty())
            throw InputError("a hyper-parameter has an empty name");
        if (isReservedKey(key))
            throw InputError("hyper-parameter " + inQuotes(key) +
                             " has the name of a reserved model-file key (format, format_version, kind, vocab, "
                             "normalization)");
        file.metadata[key] = value;
    }
    file.metadata[kFormatKey] = std::string(kModelFormat);
    file.metadata[kVersionKey] = std::to_string(kModelFormatVersion);
    file.metadata[kKindKey] = model.kind;
    file.metadata[kNormalizationKey] = model.normalization;
    file.metadata[kVocabKey] = json(model.vocab).dump(); // valid UTF-8: checkVocab passed
    file.tensors = model.tensors;
    return file;
}

ModelFile modelFromTensorFile(const TensorFile& file, const std::string& sourceName)
{
    const std::string prefix = sourceName + ": ";
    const std::string supported = "this build of Unroll reads " + std::string(kVersionKey) + " " +
                                  std::to_string(kModelFormatVersion);
    const auto fail = [&](const std::string& what) { throw FormatError(prefix + what); };
    const auto& meta = file.metadata;

    const auto format = meta.find(kFormatKey);
    if (format == meta.end())
        fail("not an Unroll model file: its __metadata__ has no \"format\" key (expected \"format\": " +
             inQuotes(kModelFormat) + ", " + supported + ")");
    if (format->second != kModelFormat)
        fail("not an Unroll model file: format is " + inQuotes(format->second) + ", expected " +
             inQuotes(kModelFormat));

    const auto version = meta.find(kVersionKey);
    if (version == meta.end())
        fail("the model file has no \"format_version\"; " + supported);
    const std::string& v = version->second;
    const bool digits = !v.empty() && v.size() <= 9 && v.find_first_not_of("0123456789") == std::string::npos &&
                        (v.size() == 1 || v[0] != '0');
    if (digits && std::stoi(v) > kModelFormatVersion)
        fail("format_version " + v + " is newer than " + supported + "; a newer Unroll is needed to load it");
    if (!digits || std::stoi(v) != kModelFormatVersion)
        fail("unknown format_version " + inQuotes(v) + "; " + supported);

    ModelFile model;
    const auto kind = meta.find(kKindKey);
    if (kind == meta.end() || kind->second.empty())
        fail("the model file has no \"kind\" (e.g. \"char-rnn\")");
    model.kind = kind->second;

    const auto normalization = meta.find(kNormalizationKey);
    if (normalization == meta.end())
        fail("the model file has no \"normalization\" (e.g. \"none\", \"lowercase\")");
    model.normalization = normalization->second;

    const auto vocab = meta.find(kVocabKey);
    if (vocab == meta.end())
        fail("the model file has no \"vocab\" (a JSON list of one-character strings)");
    // A list of strings nests one level; refusing deeper nesting early keeps a hostile file from building a huge tree.
    const auto flatOnly = [&](int depth, json::parse_event_t event, json&) {
        if (depth > 0 && (event == json::parse_event_t::array_start || event == json::parse_event_t::object_start))
            fail("vocab must be a flat JSON list of one-character strings; it nests lists or objects");
        return true;
    };
    // nlohmann-json takes a NUL byte for the end of input; a raw NUL is never valid JSON.
    const bool hasNul = vocab->second.find('\0') != std::string::npos;
    const json list = hasNul ? json(json::value_t::discarded)
                             : json::parse(vocab->second, flatOnly, /*allow_exceptions=*/false);
    if (!list.is_array())
        fail("vocab must be a JSON-encoded list of one-character strings, e.g. [\"a\",\"b\"]; found " +
             std::string(list.is_discarded() ? "text that is not JSON" : "JSON that is not a list"));
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string())
            fail("vocab[" + std::to_string(i) + "] is not a string; expected a one-character string");
        model.vocab.push_back(list[i].get<std::string>());
    }
    checkVocab<FormatError>(model.vocab, prefix);

    for (const auto& [key, value] : meta)
        if (!isReservedKey(key))
            model.hyper.emplace(key, value);
    model.tensors = file.tensors;
    return model;
}

void saveModel(const std::filesystem::path& path, const ModelFile& model)
{
    writeSafetensors(path, toTensorFile(model));
}

ModelFile loadModel(const std::filesystem::path& path)
{
    return modelFromTensorFile(readSafetensors(path), path.string());
}

std::string recurrentTensorName(std::string_view base, int layer, int layers)
{
    if (layers < 1 || layer < 0 || layer >= layers)
        throw InputError("layer " + std::to_string(layer) + " does not exist in a model of " + std::to_string(layers) +
                         " layers");
    if (layers == 1)
        return std::string(base);
    return "layer" + std::to_string(layer) + "." + std::string(base);
}

} // namespace unroll
