// The word vectors lab's operations from the command line (the course's "Operations on word vectors"):
//   unroll-cli vectors similarity [--vectors FILE] W1 W2 [--json]                  {"similarity": x}
//   unroll-cli vectors neighbors  [--vectors FILE] WORD [--top 10] [--metric cosine|euclidean] [--json]
//                                                                                  {"neighbors": [{"word", "score"}, …]}
//   unroll-cli vectors analogy    [--vectors FILE] A B C [--top 5] [--rule course|3cosadd|3cosmul] [--json]
//                                                                                  {"candidates": [{"word", "score"}, …]}
//   unroll-cli vectors neutralize [--vectors FILE] WORD [--bias A B] [--json]      {"word", "before", "after"}
//   unroll-cli vectors equalize   [--vectors FILE] W1 W2 [--bias A B] [--rule course|paper] [--json]
//                                                                                  {"words", "before", "after"}
// Every verb also takes --limit N (load only the first N words) and --format auto|glove|word2vec|word2vec-binary.
// Without --vectors the built-in vectors are used. The bias direction is g = e_A - e_B, by default woman - man (the
// course's); neutralize and equalize print the cosine of each word with g before and after, as the course does.
// "--bias A B" takes exactly two words and is taken out of the command line before anything else is parsed, so its
// words are never mistaken for positional arguments. Words are looked up as typed, then lower-cased (the course
// lower-cases); in the output a word that is not valid UTF-8 shows U+FFFD in place of its bad bytes. The loader's
// warnings (invalid UTF-8, duplicates) go to stderr.
#include "Cli.hpp"
#include "Registry.hpp"

#include "util/Error.hpp"
#include "vectors/Operations.hpp"
#include "vectors/VectorFile.hpp"

#include <QJsonArray>

#include <cstdio>
#include <iterator>

namespace unroll::cli {

namespace {

using namespace unroll::vectors;

QString shown(const std::string& word) { return QString::fromStdString(displayWord(word)); }

template <std::size_t N> int parseId(const QString& value, const char* const (&ids)[N], const char* option)
{
    for (std::size_t i = 0; i < N; ++i)
        if (value == ids[i]) return int(i);
    QStringList known;
    for (const char* id : ids) known << id;
    throw InputError(QString("--%1 %2: expected %3").arg(option, value, known.join(", ")).toStdString());
}

// Takes "--bias A B" out of args (anywhere after the command's name); A and B, or woman/man when absent.
std::pair<std::string, std::string> takeBias(QStringList& args)
{
    std::pair<std::string, std::string> bias{"woman", "man"};
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] != "--bias" && args[i] != "-bias") continue;
        if (i + 2 >= args.size() || args[i + 1].startsWith('-') || args[i + 2].startsWith('-'))
            throw InputError("--bias takes exactly two words: --bias A B (the direction e_A - e_B)");
        bias = {args[i + 1].toStdString(), args[i + 2].toStdString()};
        args.erase(args.begin() + i, args.begin() + i + 3);
        if (args.indexOf("--bias", i) >= 0) throw InputError("--bias given twice");
        break;
    }
    return bias;
}

void addVectorOptions(QCommandLineParser& p)
{
    p.addOption({"vectors", "Word vectors: GloVe text, word2vec text or word2vec binary (default: the built-in "
                            "vectors).",
                 "FILE"});
    p.addOption({"limit", "Load only the first N words (the most frequent, in GloVe files).", "N", "0"});
    p.addOption({"format", "auto, glove, word2vec or word2vec-binary.", "FORMAT", "auto"});
}

// The positional arguments, exactly `n` of them, or InputError naming what is expected.
QStringList positionals(const QCommandLineParser& p, int n, const char* what)
{
    const QStringList pos = p.positionalArguments();
    if (pos.size() != n)
        throw InputError(QString("expected %1, got %2 argument%3%4")
                             .arg(what).arg(pos.size()).arg(pos.size() == 1 ? "" : "s")
                             .arg(pos.isEmpty() ? QString() : ": " + pos.join(' '))
                             .toStdString());
    return pos;
}

WordVectors loadFromOptions(const QCommandLineParser& p)
{
    const LoadOptions options{.format = VectorFormat(parseId(p.value("format"), vectorFormatIds, "format")),
                              .limit = intOption(p, "limit", 0, 1LL << 40)};
    if (!p.isSet("vectors")) {
        if (p.isSet("format") || p.isSet("limit"))
            throw InputError("--format and --limit apply to --vectors FILE, not to the built-in vectors");
        return builtInVectors();
    }
    LoadReport report;
    WordVectors v = loadVectors(p.value("vectors").toStdString(), options, &report);
    for (const auto& w : report.warnings) std::fprintf(stderr, "unroll-cli: warning: %s\n", w.c_str());
    return v;
}

QJsonArray scoredJson(const WordVectors& v, const std::vector<Scored>& list)
{
    QJsonArray out;
    for (const auto& s : list) out.append(QJsonObject{{"word", shown(v.word(s.index))}, {"score", s.score}});
    return out;
}

QString scoredText(const WordVectors& v, const std::vector<Scored>& list)
{
    QString text;
    for (const auto& s : list) text += QString("%1 %2\n").arg(shown(v.word(s.index))).arg(s.score, 0, 'g', 12);
    return text;
}

int runSimilarity(const QStringList& args)
{
    QCommandLineParser p;
    addVectorOptions(p);
    p.addPositionalArgument("W1", "A word.");
    p.addPositionalArgument("W2", "Another word.");
    if (!parseCommandLine(p, args, "Cosine similarity of two words' vectors (the course's cosine_similarity).")) return Ok;
    const QStringList w = positionals(p, 2, "two words");
    const WordVectors v = loadFromOptions(p);
    const double s = cosineSimilarity(v.vector(w[0].toStdString()), v.vector(w[1].toStdString()));
    if (jsonRequested(p))
        printJson({{"similarity", s}});
    else
        printText(QString::number(s, 'g', 12));
    return Ok;
}

int runNeighbors(const QStringList& args)
{
    QCommandLineParser p;
    addVectorOptions(p);
    p.addOption({"top", "How many neighbours.", "K", "10"});
    p.addOption({"metric", "cosine (largest first) or euclidean (distances, smallest first).", "METRIC", "cosine"});
    p.addPositionalArgument("WORD", "The word whose neighbours to list (itself left out).");
    if (!parseCommandLine(p, args, "The nearest neighbours of a word among all the vectors.")) return Ok;
    const QStringList w = positionals(p, 1, "one word");
    const int top = int(intOption(p, "top", 1, 100000));
    const auto metric = Metric(parseId(p.value("metric"), metricIds, "metric"));
    const WordVectors v = loadFromOptions(p);
    const Index i = v.indexOf(w[0].toStdString());
    const auto list = nearestNeighbors(v, v.row(i).transpose(), top, metric, {i});
    if (jsonRequested(p))
        printJson({{"neighbors", scoredJson(v, list)}});
    else
        printText(scoredText(v, list));
    return Ok;
}

int runAnalogy(const QStringList& args)
{
    QCommandLineParser p;
    addVectorOptions(p);
    p.addOption({"top", "How many candidates.", "K", "5"});
    p.addOption({"rule", "course (argmax cos(e_b - e_a, e_w - e_c)), 3cosadd or 3cosmul (Levy & Goldberg 2014).",
                 "RULE", "course"});
    p.addPositionalArgument("A", "a in a : b :: c : ?");
    p.addPositionalArgument("B", "b");
    p.addPositionalArgument("C", "c");
    if (!parseCommandLine(p, args, "Complete the analogy a : b :: c : ? (a, b and c themselves are skipped).")) return Ok;
    const QStringList w = positionals(p, 3, "three words A B C");
    const int top = int(intOption(p, "top", 1, 100000));
    const auto rule = AnalogyRule(parseId(p.value("rule"), analogyRuleIds, "rule"));
    const WordVectors v = loadFromOptions(p);
    const auto list = analogy(v, w[0].toStdString(), w[1].toStdString(), w[2].toStdString(), top, rule);
    if (jsonRequested(p))
        printJson({{"candidates", scoredJson(v, list)}});
    else
        printText(scoredText(v, list));
    return Ok;
}

int runNeutralize(const QStringList& input)
{
    QStringList args = input;
    const auto [biasA, biasB] = takeBias(args);
    QCommandLineParser p;
    addVectorOptions(p);
    p.addPositionalArgument("WORD", "The word to neutralize.");
    p.addPositionalArgument("[--bias A B]", "The bias direction e_A - e_B (default: woman man).");
    if (!parseCommandLine(p, args, "Neutralize a word: remove its component along the bias direction g "
                                   "(the course's e - (e.g / |g|^2) g); prints its cosine with g before and after."))
        return Ok;
    const QStringList w = positionals(p, 1, "one word");
    const WordVectors v = loadFromOptions(p);
    const Eigen::VectorXd g = pairDirection(v, biasA, biasB);
    const Eigen::VectorXd e = v.vector(w[0].toStdString());
    const double before = cosineSimilarity(e, g), after = cosineSimilarity(neutralize(e, g), g);
    const QString word = shown(v.word(v.indexOf(w[0].toStdString())));
    if (jsonRequested(p))
        printJson({{"word", word}, {"before", before}, {"after", after}});
    else
        printText(QString("%1: cosine with g before %2, after %3").arg(word).arg(before, 0, 'g', 12).arg(after, 0, 'g', 12));
    return Ok;
}

int runEqualize(const QStringList& input)
{
    QStringList args = input;
    const auto [biasA, biasB] = takeBias(args);
    QCommandLineParser p;
    addVectorOptions(p);
    p.addOption({"rule", "course (the course's notebook) or paper (Bolukbasi et al. 2016, on unit vectors).", "RULE",
                 "course"});
    p.addPositionalArgument("W1", "The first word of the pair.");
    p.addPositionalArgument("W2", "The second word.");
    p.addPositionalArgument("[--bias A B]", "The bias direction e_A - e_B (default: woman man).");
    if (!parseCommandLine(p, args, "Equalize a pair of words about the bias direction g; prints each word's cosine "
                                   "with g before and after."))
        return Ok;
    const QStringList w = positionals(p, 2, "two words");
    const auto rule = EqualizeRule(parseId(p.value("rule"), equalizeRuleIds, "rule"));
    const WordVectors v = loadFromOptions(p);
    const Eigen::VectorXd g = pairDirection(v, biasA, biasB);
    const Eigen::VectorXd e1 = v.vector(w[0].toStdString()), e2 = v.vector(w[1].toStdString());
    const auto [n1, n2] = equalize(e1, e2, g, rule);
    const QString w1 = shown(v.word(v.indexOf(w[0].toStdString()))), w2 = shown(v.word(v.indexOf(w[1].toStdString())));
    const double b1 = cosineSimilarity(e1, g), b2 = cosineSimilarity(e2, g);
    const double a1 = cosineSimilarity(n1, g), a2 = cosineSimilarity(n2, g);
    if (jsonRequested(p)) {
        printJson({{"words", QJsonArray{w1, w2}}, {"before", QJsonArray{b1, b2}}, {"after", QJsonArray{a1, a2}}});
    } else {
        printText(QString("cosine with g before: %1 %2, %3 %4\ncosine with g after:  %1 %5, %3 %6")
                      .arg(w1).arg(b1, 0, 'g', 12).arg(w2).arg(b2, 0, 'g', 12).arg(a1, 0, 'g', 12)
                      .arg(a2, 0, 'g', 12));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "vectors",
    .title = "word vectors (GloVe, word2vec): similarity, analogies, debiasing, projections",
    .train = nullptr,
    .benches = {},
    .verbs = {{"similarity", "cosine similarity of two words", runSimilarity},
              {"neighbors", "the nearest neighbours of a word (cosine or Euclidean)", runNeighbors},
              {"analogy", "a : b :: c : ? with the top candidates (course rule, 3CosAdd, 3CosMul)", runAnalogy},
              {"neutralize", "remove a word's bias component (cosines with g before and after)", runNeutralize},
              {"equalize", "equalize a pair about the bias direction (cosines before and after)", runEqualize}},
}};

} // namespace

} // namespace unroll::cli
