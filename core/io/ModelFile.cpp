// The Unroll model file on top of safetensors: maps ModelFile to and from string metadata and checks it on the way in
// (format, version, vocabulary); reads version 1 as version 2. Leaves out: the tensors' meaning; they pass through
// untouched.
#include "io/ModelFile.hpp"

#include "util/Error.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <set>

namespace unroll {
namespace {

using nlohmann::json;

constexpr const char* kFormatKey = "format";
constexpr const char* kVersionKey = "format_version";
constexpr const char* kKindKey = "kind";
constexpr const char* kVocabKey = "vocab";
constexpr const char* kVocabTypeKey = "vocab_type";
constexpr const char* kNormalizationKey = "normalization";

// The keys of format_version `version` that are not hyper-parameters (version 1 had no vocab_type).
bool isReservedKey(const std::string& key, int version = kModelFormatVersion)
{
    return key == kFormatKey || key == kVersionKey || key == kKindKey || key == kVocabKey ||
           key == kNormalizationKey || (version >= 2 && key == kVocabTypeKey);
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

// The length of the well-formed UTF-8 code point s starts with (1 to 4 bytes; no overlong forms, no surrogates), or
// 0 if it does not start with one.
std::size_t codePointLength(std::string_view s)
{
    if (s.empty())
        return 0;
    const auto c = static_cast<unsigned char>(s[0]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (s.size() < len)
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    const std::uint32_t minimum = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    return cp >= minimum && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) ? len : 0;
}

bool isOneCodePoint(std::string_view s) { return !s.empty() && codePointLength(s) == s.size(); }

bool isValidUtf8(std::string_view s)
{
    while (!s.empty()) {
        const std::size_t len = codePointLength(s);
        if (len == 0)
            return false;
        s.remove_prefix(len);
    }
    return true;
}

// Printable form of a vocabulary entry for messages: control characters escaped, and every byte from 0x80 on as \xHH
// when the entry is not valid UTF-8, so bad bytes stay visible and the message stays valid UTF-8.
std::string describeEntry(const std::string& s)
{
    const bool escapeHigh = !isValidUtf8(s);
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += "\\n";
        else if (c < 0x20 || c == 0x7F || (escapeHigh && c >= 0x80)) {
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
template <class Error>
void checkVocab(const std::vector<std::string>& vocab, VocabType type, const std::string& prefix)
{
    std::set<std::string> seen;
    for (std::size_t i = 0; i < vocab.size(); ++i) {
        const std::string entry = "vocab[" + std::to_string(i) + "] = " + describeEntry(vocab[i]);
        if (type == VocabType::Chars && !isOneCodePoint(vocab[i]))
            throw Error(prefix + entry + " is not exactly one character (one UTF-8 code point)");
        if (type == VocabType::Words && vocab[i].empty())
            throw Error(prefix + entry + " is empty; a word vocabulary's tokens have at least one byte");
        if (!seen.insert(vocab[i]).second)
            throw Error(prefix + entry + " appears twice; each " +
                        (type == VocabType::Chars ? "character" : "token") + " has one index");
    }
}

// The vocab metadata value: a JSON list of strings; a Words token that is not valid UTF-8 as the list of its bytes.
std::string encodeVocab(const std::vector<std::string>& vocab, VocabType type)
{
    if (type == VocabType::Chars)
        return json(vocab).dump(); // valid UTF-8: checkVocab passed
    json list = json::array();
    for (const auto& token : vocab) {
        if (isValidUtf8(token)) {
            list.push_back(token);
            continue;
        }
        json bytes = json::array();
        for (char c : token)
            bytes.push_back(static_cast<unsigned char>(c));
        list.push_back(std::move(bytes));
    }
    return list.dump();
}

} // namespace

TensorFile toTensorFile(const ModelFile& model)
{
    if (model.kind.empty())
        throw InputError("a model file needs a kind (e.g. \"charlm\"); it is empty");
    checkVocab<InputError>(model.vocab, model.vocabType, "");

    TensorFile file;
    for (const auto& [key, value] : model.hyper) {
        if (key.empty())
            throw InputError("a hyper-parameter has an empty name");
        if (isReservedKey(key))
            throw InputError("hyper-parameter " + inQuotes(key) +
                             " has the name of a reserved model-file key (format, format_version, kind, vocab_type, "
                             "vocab, normalization)");
        file.metadata[key] = value;
    }
    file.metadata[kFormatKey] = std::string(kModelFormat);
    file.metadata[kVersionKey] = std::to_string(kModelFormatVersion);
    file.metadata[kKindKey] = model.kind;
    file.metadata[kNormalizationKey] = model.normalization;
    file.metadata[kVocabTypeKey] = std::string(vocabTypeIds[size_t(model.vocabType)]);
    file.metadata[kVocabKey] = encodeVocab(model.vocab, model.vocabType);
    file.tensors = model.tensors;
    return file;
}

ModelFile modelFromTensorFile(const TensorFile& file, const std::string& sourceName)
{
    const std::string prefix = sourceName + ": ";
    const std::string supported = "this build of Unroll reads " + std::string(kVersionKey) + " " +
                                  std::to_string(kModelFormatVersion) + " (and the older 1)";
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
    if (!digits || std::stoi(v) < 1)
        fail("unknown format_version " + inQuotes(v) + "; " + supported);
    const int fileVersion = std::stoi(v);

    ModelFile model;
    const auto kind = meta.find(kKindKey);
    if (kind == meta.end() || kind->second.empty())
        fail("the model file has no \"kind\" (e.g. \"charlm\")");
    model.kind = kind->second;

    model.vocabType = VocabType::Chars; // version 1 knew only characters
    if (fileVersion >= 2) {
        const auto type = meta.find(kVocabTypeKey);
        if (type == meta.end())
            fail("the model file has no \"vocab_type\" (\"chars\" or \"words\")");
        if (type->second == vocabTypeIds[1])
            model.vocabType = VocabType::Words;
        else if (type->second != vocabTypeIds[0])
            fail("vocab_type is " + inQuotes(type->second) + ", expected \"chars\" or \"words\"");
    }
    const bool words = model.vocabType == VocabType::Words;

    const auto normalization = meta.find(kNormalizationKey);
    if (normalization == meta.end())
        fail("the model file has no \"normalization\" (e.g. \"none\", \"lowercase\")");
    model.normalization = normalization->second;

    const auto vocab = meta.find(kVocabKey);
    if (vocab == meta.end())
        fail("the model file has no \"vocab\" (a JSON list of one-character strings)");
    // A list of strings nests one level (two for a token's byte list); refusing deeper nesting early keeps a hostile
    // file from building a huge tree.
    const auto flatOnly = [&](int depth, json::parse_event_t event, json&) {
        const bool nested = event == json::parse_event_t::object_start ||
                            (event == json::parse_event_t::array_start && depth > (words ? 1 : 0));
        if (depth > 0 && nested)
            fail(words ? "vocab must be a JSON list of strings and byte lists; it nests deeper or holds objects"
                       : "vocab must be a flat JSON list of one-character strings; it nests lists or objects");
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
        const std::string where = "vocab[" + std::to_string(i) + "]";
        if (list[i].is_string()) {
            model.vocab.push_back(list[i].get<std::string>());
            continue;
        }
        if (!words || !list[i].is_array())
            fail(where + " is not a string; expected " +
                 (words ? "a string or a list of byte values" : "a one-character string"));
        std::string token;
        for (const auto& b : list[i]) {
            if (!b.is_number_integer() || b.get<std::int64_t>() < 0 || b.get<std::int64_t>() > 255)
                fail(where + " holds " + b.dump() + ", not a byte value from 0 to 255");
            token += static_cast<char>(b.get<int>());
        }
        model.vocab.push_back(std::move(token));
    }
    checkVocab<FormatError>(model.vocab, model.vocabType, prefix);

    for (const auto& [key, value] : meta)
        if (!isReservedKey(key, fileVersion))
            model.hyper.emplace(key, value);
    // Version 1 named the cell in the kind ("char-lstm"); version 2 names the lab and keeps the cell a hyper-parameter.
    if (fileVersion == 1)
        for (const auto& [oldPrefix, lab] : {std::pair{"char-", "charlm"}, std::pair{"bptt-", "bptt"}})
            if (model.kind.rfind(oldPrefix, 0) == 0 && model.kind.size() > std::strlen(oldPrefix)) {
                const std::string cell = model.kind.substr(std::strlen(oldPrefix));
                const auto stated = model.hyper.find("cell");
                if (stated != model.hyper.end() && stated->second != cell)
                    fail("kind " + inQuotes(model.kind) + " names the cell " + inQuotes(cell) +
                         " but the hyper-parameter cell is " + inQuotes(stated->second));
                model.hyper.emplace("cell", cell);
                model.kind = lab;
            }
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
