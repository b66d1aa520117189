// The Emojify lab's data: the sentence files, classes, tokenisation and the course's preprocessing functions.
#include "emojify/EmojifyData.hpp"

#include "util/Error.hpp"
#include "util/Resources.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <unordered_set>

namespace unroll::emojify {

namespace {

constexpr std::size_t kMaxLineBytes = 10'000;
constexpr std::uintmax_t kMaxFileBytes = 256u << 20;

std::string readWholeFile(const std::filesystem::path& path, const char* what)
{
    const std::string name = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InputError(name + ": no such file");
    if (std::filesystem::is_directory(path, ec)) throw InputError(name + ": is a folder, not " + what);
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw InputError(name + ": cannot be read (" + ec.message() + ")");
    if (size > kMaxFileBytes)
        throw InputError(name + ": " + std::to_string(size) + " bytes is larger than the limit of " +
                         std::to_string(kMaxFileBytes) + " bytes for " + what);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(name + ": cannot be opened");
    std::string bytes(std::size_t(size), '\0');
    in.read(bytes.data(), std::streamsize(size));
    if (std::size_t(in.gcount()) != bytes.size()) throw InputError(name + ": cannot be read to its end");
    return bytes;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Splits one CSV/TSV line into fields; a field starting with a quote runs to the closing quote ("" is a quote).
// Returns false on an unterminated quote.
bool splitFields(std::string_view line, char sep, std::vector<std::string>& fields)
{
    fields.clear();
    std::size_t i = 0;
    while (true) {
        std::string field;
        while (i < line.size() && line[i] == ' ' && sep != ' ') ++i;
        if (i < line.size() && line[i] == '"') {
            ++i;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                field += line[i++];
            }
            if (!closed) return false;
            while (i < line.size() && line[i] != sep) ++i; // anything between the quote and the separator is dropped
        } else {
            const std::size_t end = std::min(line.find(sep, i), line.size());
            field = std::string(line.substr(i, end - i));
            i = end;
        }
        fields.push_back(std::string(trim(field)));
        if (i >= line.size()) break;
        ++i; // the separator
        if (i == line.size()) {
            fields.emplace_back();
            break;
        }
    }
    return true;
}

bool parseInt(std::string_view s, long long& value)
{
    if (s.empty()) return false;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && p == s.data() + s.size();
}

struct Line {
    std::string_view text;
    int number;
};

std::vector<Line> splitLines(std::string_view bytes)
{
    std::vector<Line> lines;
    std::size_t pos = 0;
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") pos = 3; // a UTF-8 byte-order mark
    int number = 0;
    while (pos < bytes.size()) {
        std::size_t eol = bytes.find('\n', pos);
        if (eol == std::string_view::npos) eol = bytes.size();
        std::string_view line = bytes.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back({line, ++number});
        pos = eol + 1;
    }
    return lines;
}

std::string classLine(const std::string& where, std::string_view rest, std::vector<EmojiClass>& classes,
                      std::set<long long>& seen, std::vector<std::string>& fields, char sep)
{
    if (!splitFields(rest, sep, fields)) return where + ": an unterminated quote";
    long long index = 0;
    if (fields.size() < 2 || !parseInt(fields[0], index))
        return where + ": expected <index>" + std::string(1, sep) + "<name>[" + std::string(1, sep) +
               "<emoji>], the class index an integer";
    if (index < 0 || index >= 1000)
        return where + ": class index " + std::to_string(index) + " is outside 0..999";
    if (fields[1].empty()) return where + ": class " + std::to_string(index) + " has an empty name";
    if (!seen.insert(index).second) return where + ": class " + std::to_string(index) + " is named twice";
    if (classes.size() <= std::size_t(index)) classes.resize(std::size_t(index) + 1);
    classes[std::size_t(index)] = {fields[1], fields.size() > 2 ? fields[2] : std::string()};
    return {};
}

void checkClassesComplete(const std::string& name, const std::vector<EmojiClass>& classes)
{
    for (std::size_t k = 0; k < classes.size(); ++k)
        if (classes[k].name.empty())
            throw InputError(name + ": class " + std::to_string(k) + " is not named (classes must be numbered 0.." +
                             std::to_string(classes.size() - 1) + " without gaps)");
}

std::vector<EmojiClass> parseClasses(std::string_view bytes, const std::string& name)
{
    std::vector<EmojiClass> classes;
    std::set<long long> seen;
    std::vector<std::string> fields;
    for (const auto& [raw, number] : splitLines(bytes)) {
        const std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        const char sep = line.find('\t') != std::string_view::npos ? '\t' : ',';
        const std::string where = name + ": line " + std::to_string(number);
        if (std::string err = classLine(where, line, classes, seen, fields, sep); !err.empty()) throw InputError(err);
    }
    if (classes.size() < 2) throw InputError(name + ": names " + std::to_string(classes.size()) +
                                             " class(es); at least 2 are needed");
    checkClassesComplete(name, classes);
    return classes;
}

} // namespace

const std::vector<EmojiClass>& courseClasses()
{
    static const std::vector<EmojiClass> classes = {
        {"love", "\u2764\ufe0f"}, {"sports", "\u26be"}, {"happy", "\U0001F604"},
        {"sad", "\U0001F61E"},    {"food", "\U0001F374"}};
    return classes;
}

std::vector<std::int32_t> SentenceSet::labels() const
{
    std::vector<std::int32_t> out;
    out.reserve(sentences.size());
    for (const auto& s : sentences) out.push_back(s.label);
    return out;
}

std::vector<EmojiClass> loadClasses(const std::filesystem::path& path)
{
    return parseClasses(readWholeFile(path, "a classes file"), path.string());
}

SentenceSet parseSentences(std::string_view bytes, const std::string& sourceName,
                           const std::vector<EmojiClass>& givenClasses)
{
    SentenceSet set;
    set.source = sourceName;
    std::vector<EmojiClass> declared;
    std::set<long long> declaredSeen;
    std::vector<std::string> fields;
    bool sawData = false;
    char sep = 0;
    long long maxLabel = -1;
    for (const auto& [line, number] : splitLines(bytes)) {
        const std::string where = sourceName + ": line " + std::to_string(number);
        if (line.size() > kMaxLineBytes)
            throw InputError(where + ": " + std::to_string(line.size()) + " bytes is longer than the limit of " +
                             std::to_string(kMaxLineBytes) + " bytes for a line");
        const std::string_view t = trim(line);
        if (t.empty()) continue;
        if (t.front() == '#') {
            std::string_view rest = trim(t.substr(1));
            if (rest.substr(0, 6) == "class ") {
                rest = trim(rest.substr(6));
                // "# class 0 love ❤️": fields separated by spaces
                std::string joined;
                std::size_t i = 0;
                std::vector<std::string> parts;
                while (i < rest.size()) {
                    while (i < rest.size() && rest[i] == ' ') ++i;
                    const std::size_t e = std::min(rest.find(' ', i), rest.size());
                    if (e > i) parts.emplace_back(rest.substr(i, e - i));
                    i = e;
                }
                for (std::size_t p = 0; p < parts.size() && p < 3; ++p) joined += (p ? "\t" : "") + parts[p];
                if (std::string err = classLine(where, joined, declared, declaredSeen, fields, '\t'); !err.empty())
                    throw InputError(err);
            }
            continue;
        }
        if (!sep) sep = t.find('\t') != std::string_view::npos ? '\t' : ',';
        if (!splitFields(t, sep, fields)) throw InputError(where + ": an unterminated quote");
        while (fields.size() > 2 && fields.back().empty()) fields.pop_back(); // "sentence,label,," as in the course
        const std::string sepName = sep == ',' ? "comma" : "tab";
        if (fields.size() < 2)
            throw InputError(where + ": no label (expected sentence" + std::string(sep == ',' ? "," : "<tab>") +
                             "label, the label a class index)");
        if (fields.size() > 2)
            throw InputError(where + ": " + std::to_string(fields.size()) + " fields; expected 2 (sentence and label; " +
                             "quote a sentence that holds a " + sepName + ")");
        long long label = 0;
        if (!parseInt(fields[1], label)) {
            if (!sawData && set.sentences.empty()) { // a header: "sentence,label"
                sawData = true;
                continue;
            }
            throw InputError(where + ": the label \"" + fields[1] + "\" is not an integer class index");
        }
        sawData = true;
        if (label < 0) throw InputError(where + ": the label " + std::to_string(label) + " is negative");
        if (label >= 1000) throw InputError(where + ": the label " + std::to_string(label) + " is above the limit 999");
        if (fields[0].empty()) throw InputError(where + ": the sentence is empty");
        if (set.sentences.size() >= 1'000'000)
            throw InputError(where + ": more than 1000000 sentences (the limit)");
        maxLabel = std::max(maxLabel, label);
        set.sentences.push_back({fields[0], std::int32_t(label), number});
    }
    if (set.sentences.empty()) throw InputError(sourceName + ": no sentences (expected lines sentence,label)");

    if (!givenClasses.empty()) set.classes = givenClasses;
    else if (!declared.empty()) {
        checkClassesComplete(sourceName, declared);
        set.classes = declared;
    } else if (maxLabel < 5) set.classes = courseClasses();
    else
        for (long long k = 0; k <= maxLabel; ++k) set.classes.push_back({"class " + std::to_string(k), {}});
    if (set.classes.size() < 2)
        throw InputError(sourceName + ": " + std::to_string(set.classes.size()) + " class; at least 2 are needed");
    for (const auto& s : set.sentences)
        if (s.label >= std::int32_t(set.classes.size()))
            throw InputError(sourceName + ": line " + std::to_string(s.line) + ": the label " +
                             std::to_string(s.label) + " is beyond the " + std::to_string(set.classes.size()) +
                             " named classes (0.." + std::to_string(set.classes.size() - 1) + ")");
    return set;
}

SentenceSet loadSentences(const std::filesystem::path& path, const SentenceLoadOptions& options)
{
    std::vector<EmojiClass> classes;
    if (!options.classesFile.empty()) classes = loadClasses(options.classesFile);
    else {
        std::filesystem::path side = path;
        side += ".classes";
        std::error_code ec;
        if (std::filesystem::is_regular_file(side, ec)) classes = loadClasses(side);
    }
    SentenceSet set = parseSentences(readWholeFile(path, "a file of sentences"), path.string(), classes);
    if (set.sentences.size() > options.maxSentences)
        throw InputError(path.string() + ": " + std::to_string(set.sentences.size()) +
                         " sentences is more than the limit of " + std::to_string(options.maxSentences));
    return set;
}

EmojifyData builtInData()
{
    const std::vector<EmojiClass> classes = loadClasses(dataFile("emojify/classes.csv"));
    auto load = [&](const char* name) {
        const auto path = dataFile(std::string("emojify/") + name);
        return parseSentences(readWholeFile(path, "a file of sentences"), path.string(), classes);
    };
    EmojifyData data;
    data.train = load("train.csv");
    data.validation = load("validation.csv");
    data.test = load("test.csv");
    data.negations = load("negations.csv");
    return data;
}

std::vector<std::string> tokenize(std::string_view sentence)
{
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < sentence.size()) {
        while (i < sentence.size() && (sentence[i] == ' ' || sentence[i] == '\t')) ++i;
        std::size_t e = i;
        while (e < sentence.size() && sentence[e] != ' ' && sentence[e] != '\t') ++e;
        if (e > i) {
            std::string w(sentence.substr(i, e - i));
            for (char& c : w)
                if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
            tokens.push_back(std::move(w));
        }
        i = e;
    }
    return tokens;
}

Eigen::VectorXd sentenceToAvg(std::string_view sentence, const vectors::WordVectors& vectors)
{
    Eigen::VectorXd avg = Eigen::VectorXd::Zero(vectors.dimension());
    int count = 0;
    for (const auto& w : tokenize(sentence)) {
        const auto i = vectors.find(w);
        if (i < 0) continue;
        avg += vectors.row(i).transpose();
        ++count;
    }
    if (count > 0) avg /= double(count);
    return avg;
}

Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>
sentencesToIndices(const std::vector<std::string>& sentences, const vectors::WordVectors& vectors, Eigen::Index maxLen,
                   std::int32_t padding)
{
    if (maxLen < 1) throw InputError("max_len " + std::to_string(maxLen) + " must be at least 1");
    Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic> X(Eigen::Index(sentences.size()), maxLen);
    X.setConstant(padding);
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        Eigen::Index j = 0;
        for (const auto& w : tokenize(sentences[i])) {
            if (j >= maxLen) break;
            const auto idx = vectors.find(w);
            if (idx < 0) continue;
            X(Eigen::Index(i), j++) = std::int32_t(idx);
        }
    }
    return X;
}

std::vector<std::string> missingWords(const std::vector<Sentence>& sentences, const vectors::WordVectors& vectors)
{
    std::vector<std::string> missing;
    std::unordered_set<std::string> seen;
    for (const auto& s : sentences)
        for (auto& w : tokenize(s.text))
            if (vectors.find(w) < 0 && seen.insert(w).second) missing.push_back(std::move(w));
    return missing;
}

Eigen::Index maxKnownLength(const std::vector<Sentence>& sentences, const vectors::WordVectors& vectors)
{
    Eigen::Index longest = 0;
    for (const auto& s : sentences) {
        Eigen::Index n = 0;
        for (const auto& w : tokenize(s.text)) n += vectors.find(w) >= 0;
        longest = std::max(longest, n);
    }
    return longest;
}

Eigen::MatrixXi confusionMatrix(const std::vector<std::int32_t>& actual, const std::vector<std::int32_t>& predicted,
                                int classes)
{
    if (actual.size() != predicted.size())
        throw InputError("confusion matrix: " + std::to_string(actual.size()) + " labels but " +
                         std::to_string(predicted.size()) + " predictions");
    Eigen::MatrixXi C = Eigen::MatrixXi::Zero(classes, classes);
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (actual[i] < 0 || actual[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
            throw InputError("confusion matrix: class " + std::to_string(std::max(actual[i], predicted[i])) +
                             " is outside 0.." + std::to_string(classes - 1));
        ++C(actual[i], predicted[i]);
    }
    return C;
}

double accuracy(const std::vector<std::int32_t>& actual, const std::vector<std::int32_t>& predicted)
{
    if (actual.empty() || actual.size() != predicted.size()) return 0;
    std::size_t right = 0;
    for (std::size_t i = 0; i < actual.size(); ++i) right += actual[i] == predicted[i];
    return double(right) / double(actual.size());
}

} // namespace unroll::emojify
