// The translator lab's data from the command line:
//   unroll-cli dates --n 10 --seed 1 [--course-formats] [--json]     generated pairs: "source<TAB>target" lines,
//                                                                      or {"pairs": [{"source", "target"}, …]}
//   unroll-cli bleu --ref REF.txt --hyp HYP.txt [--tokenize chars|words] [--json]
//                                                                      corpus BLEU-4 (nltk 3.8's corpus_bleu):
//                                                                      {"bleu", "precisions": [p1..p4], "brevity_penalty"}
// bleu reads one sentence per line (UTF-8; a final newline ends the last line, "\r\n" is read as "\n"); the two
// files must have the same number of lines. The lab's training and translation verbs live in another file; the
// registry merges both registrations of the lab "translator".
#include "Cli.hpp"
#include "Registry.hpp"

#include "text/Vocabulary.hpp"
#include "translate/Bleu.hpp"
#include "translate/Dates.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

#include <filesystem>
#include <fstream>

namespace unroll::cli {

namespace {

constexpr std::int64_t kMaxBleuFileBytes = 256ll << 20;

int runDates(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"n", "How many pairs.", "N", "10"});
    p.addOption({"seed", "Seed of the generator (the same seed gives the same pairs).", "SEED", "1"});
    p.addOption({"course-formats", "Only the course's 24 formats (no abbreviated weekdays, ordinals, …)."});
    if (!parseCommandLine(p, args, "Generated dates: human-readable source and ISO target, one pair per line "
                                   "(the course's date data, 1900..2099)."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError(("unexpected argument " + p.positionalArguments().first()).toStdString());
    const auto n = std::size_t(intOption(p, "n", 1, 1'000'000));
    const auto seed = std::uint32_t(intOption(p, "seed", 0, 4294967295ll));
    const auto pairs = generateDates(n, seed, p.isSet("course-formats"));
    if (jsonRequested(p)) {
        QJsonArray list;
        for (const DatePair& d : pairs)
            list.append(QJsonObject{{"source", QString::fromStdString(d.source)},
                                    {"target", QString::fromStdString(d.target)}});
        printJson({{"pairs", list}});
    } else {
        QString text;
        for (const DatePair& d : pairs) text += QString::fromStdString(d.source + '\t' + d.target + '\n');
        printText(text);
    }
    return Ok;
}

// The lines of a UTF-8 text file: split on '\n', a trailing '\r' dropped, no empty last line for a final newline.
std::vector<std::string> readLines(const std::string& name)
{
    const std::filesystem::path path(name);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InputError(name + ": no such file");
    if (std::filesystem::is_directory(path, ec)) throw InputError(name + ": is a folder, not a text file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw InputError(name + ": cannot be read (" + ec.message() + ")");
    if (std::int64_t(size) > kMaxBleuFileBytes)
        throw InputError(name + ": " + std::to_string(size) + " bytes is larger than the limit of " +
                         std::to_string(kMaxBleuFileBytes) + " bytes");
    std::ifstream in(path, std::ios::binary);
    std::string bytes(std::size_t(size), '\0');
    if (!in.read(bytes.data(), std::streamsize(size))) throw InputError(name + ": cannot be read");
    decodeUtf8(bytes, name); // FormatError naming the byte
    std::vector<std::string> lines;
    for (std::size_t pos = 0; pos < bytes.size();) {
        std::size_t eol = bytes.find('\n', pos);
        if (eol == std::string::npos) eol = bytes.size();
        std::string line = bytes.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        pos = eol + 1;
    }
    return lines;
}

int runBleu(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"ref", "Reference translations, one sentence per line.", "REF.txt"});
    p.addOption({"hyp", "Hypotheses (the model's translations), one per line, in the same order.", "HYP.txt"});
    p.addOption({"tokenize", "chars (each character a token, spaces too) or words (split on whitespace).", "MODE",
                 "chars"});
    if (!parseCommandLine(p, args, "Corpus BLEU-4 of hypotheses against one reference each (Papineni et al. 2002; "
                                   "the same number as nltk 3.8's corpus_bleu with its defaults)."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError(("unexpected argument " + p.positionalArguments().first()).toStdString());
    if (!p.isSet("ref") || !p.isSet("hyp")) throw InputError("bleu needs --ref REF.txt and --hyp HYP.txt");
    const QString mode = p.value("tokenize");
    if (mode != "chars" && mode != "words")
        throw InputError(("--tokenize " + mode + ": expected chars or words").toStdString());
    const BleuTokens tokens = mode == "chars" ? BleuTokens::Chars : BleuTokens::Words;
    const std::string refName = p.value("ref").toStdString(), hypName = p.value("hyp").toStdString();
    const auto refLines = readLines(refName), hypLines = readLines(hypName);
    if (refLines.size() != hypLines.size())
        throw InputError(refName + " has " + std::to_string(refLines.size()) + " lines but " + hypName + " has " +
                         std::to_string(hypLines.size()) + ": one hypothesis per reference");
    std::vector<Tokens> refs, hyps;
    refs.reserve(refLines.size());
    hyps.reserve(hypLines.size());
    for (const auto& l : refLines) refs.push_back(tokenize(l, tokens));
    for (const auto& l : hypLines) hyps.push_back(tokenize(l, tokens));
    const BleuScore s = corpusBleu(refs, hyps);
    if (jsonRequested(p)) {
        QJsonArray precisions;
        for (double v : s.precisions) precisions.append(v);
        printJson({{"bleu", s.bleu}, {"precisions", precisions}, {"brevity_penalty", s.brevityPenalty}});
    } else {
        printText(QString("BLEU %1 (p1..p4 %2 %3 %4 %5, brevity penalty %6, %7 hypothesis and %8 reference tokens "
                          "in %9 lines)")
                      .arg(s.bleu, 0, 'g', 6)
                      .arg(s.precisions[0], 0, 'g', 4).arg(s.precisions[1], 0, 'g', 4)
                      .arg(s.precisions[2], 0, 'g', 4).arg(s.precisions[3], 0, 'g', 4)
                      .arg(s.brevityPenalty, 0, 'g', 4)
                      .arg(s.hypothesisLength).arg(s.referenceLength).arg(refLines.size()));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "translator",
    .title = "date translation with attention",
    .train = nullptr, // registered with the lab's training verbs (the registry merges the two)
    .benches = {},
    .verbs = {{"dates", "generated human-readable dates and their ISO form", runDates},
              {"bleu", "corpus BLEU-4 of a file of hypotheses against a file of references", runBleu}},
}};

} // namespace

} // namespace unroll::cli
