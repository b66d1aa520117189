// A t-SNE map of word vectors from the command line (the vectors lab's projection without a display):
//   unroll-cli tsne --vectors FILE [--words FILE | --top N] [--perplexity 30] [--iterations 1000]
//                   [--exact | --theta 0.5] [--seed S] [--learning-rate X] [--random-init] [--json]
// → {"words": […], "coordinates": [[x, y], …], "kl": K, "iterations": N, "seconds": S}
// `kl` is the exact KL divergence of the final layout (Tsne::klDivergence); `seconds` is the whole command: loading,
// affinities, iterations and the KL. scripts/bench/bench_sklearn_tsne.py runs scikit-learn on the same vectors and
// scores both layouts with the same KL.
#include "Cli.hpp"
#include "Registry.hpp"

#include "train/Observer.hpp"
#include "util/Error.hpp"
#include "vectors/Tsne.hpp"
#include "vectors/VectorFile.hpp"
#include "vectors/WordVectors.hpp"

#include <QJsonArray>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <unistd.h>

namespace unroll::cli {

namespace {

using vectors::Index;

// The rows to map: the words of --words FILE (one per line, blank lines skipped), in that order.
std::vector<Index> wordsFromFile(const vectors::WordVectors& v, const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot be opened");
    std::vector<Index> rows;
    std::unordered_map<Index, int> firstLine;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        std::size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos) continue;
        const std::string word = line.substr(start);
        const Index i = v.find(word);
        if (i < 0)
            throw InputError(path + ":" + std::to_string(number) + ": unknown word '" + vectors::displayWord(word) +
                             "' (not in " + v.source() + ")");
        const auto [it, fresh] = firstLine.emplace(i, number);
        if (!fresh)
            throw InputError(path + ":" + std::to_string(number) + ": '" + vectors::displayWord(word) +
                             "' repeats line " + std::to_string(it->second));
        rows.push_back(i);
    }
    if (rows.empty()) throw InputError(path + ": no words");
    return rows;
}

// One progress line on stderr, rewritten in place, and only on a terminal.
struct ProgressLine : TrainingObserver {
    bool enabled = false;
    const char* phase = "";
    void onProgress(std::int64_t done, std::int64_t total) override
    {
        if (!enabled) return;
        std::fprintf(stderr, "\rt-SNE: %s %lld/%lld   ", phase, static_cast<long long>(done),
                     static_cast<long long>(total));
        std::fflush(stderr);
    }
    void finish()
    {
        if (enabled) std::fprintf(stderr, "\r%60s\r", "");
    }
};

int runTsneCommand(const QStringList& args)
{
    const auto start = std::chrono::steady_clock::now();
    QCommandLineParser p;
    p.addOption({"vectors", "Word vectors (GloVe text, word2vec text or binary).", "FILE"});
    p.addOption({"words", "Map these words, one per line (default: every word, or --top).", "FILE"});
    p.addOption({"top", "Map the first N words of the vectors file.", "N"});
    p.addOption({"perplexity", "Effective number of neighbours (default 30).", "P", "30"});
    p.addOption({"iterations", "Gradient descent iterations (default 1000).", "N", "1000"});
    p.addOption({"exact", "Exact O(N^2) gradient (theta 0)."});
    p.addOption({"theta", "Barnes-Hut accuracy (default 0.5; 0: exact).", "T", "0.5"});
    p.addOption({"seed", "Seed of the neighbour tree and of --random-init (default 0).", "S", "0"});
    p.addOption({"learning-rate", "Learning rate (default: 'auto', max(N / 48, 50)).", "X"});
    p.addOption({"early-exaggeration", "Early exaggeration factor for the first 250 iterations (default 12).", "X", "12"});
    p.addOption({"exaggeration-iterations", "Iterations with early exaggeration.", "N", "250"});
    p.addOption({"momentum-switch", "Iteration where the momentum goes from 0.5 to 0.8.", "N", "250"});
    p.addOption({"random-init", "Gaussian initial layout from the seed instead of PCA."});
    if (!parseCommandLine(p, args,
                          "t-SNE map of word vectors (van der Maaten & Hinton 2008; Barnes-Hut: van der Maaten 2014), "
                          "with scikit-learn 1.2's defaults. Input similarities from Euclidean distances between the "
                          "vectors as loaded."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    if (!p.isSet("vectors")) throw InputError("--vectors is required");
    if (p.isSet("words") && p.isSet("top")) throw InputError("--words and --top exclude each other");
    if (p.isSet("exact") && p.isSet("theta")) throw InputError("--exact and --theta exclude each other");

    vectors::TsneOptions o;
    o.perplexity = doubleOption(p, "perplexity", 1e-3, 1e6);
    o.iterations = int(intOption(p, "iterations", 0, 100000000));
    o.theta = p.isSet("exact") ? 0.0 : doubleOption(p, "theta", 0, 10);
    o.seed = std::uint64_t(intOption(p, "seed", 0, 4294967295LL));
    o.learningRate = p.isSet("learning-rate") ? doubleOption(p, "learning-rate", 1e-6, 1e9) : 0.0;
    o.earlyExaggeration = doubleOption(p, "early-exaggeration", 1e-3, 1e6);
    o.exaggerationIterations = int(intOption(p, "exaggeration-iterations", 0, 100000000));
    o.momentumSwitchIteration = int(intOption(p, "momentum-switch", 0, 100000000));
    o.pcaInit = !p.isSet("random-init");
    const Index top = p.isSet("top") ? Index(intOption(p, "top", 4, 100000000)) : 0;

    const bool json = jsonRequested(p);
    ProgressLine progress;
    progress.enabled = !json && isatty(fileno(stderr));
    const std::string path = p.value("vectors").toStdString();
    progress.phase = "loading";
    vectors::LoadReport report;
    const vectors::WordVectors v = vectors::loadVectors(path, {.limit = top, .observer = &progress}, &report);
    for (const auto& w : report.warnings) // on stderr, so a JSON document on stdout stays clean
        std::fprintf(stderr, "unroll-cli: warning: %s\n", w.c_str());

    std::vector<Index> rows;
    if (p.isSet("words")) {
        rows = wordsFromFile(v, p.value("words").toStdString());
    } else {
        rows.resize(std::size_t(v.size()));
        for (Index i = 0; i < v.size(); ++i) rows[std::size_t(i)] = i;
    }
    Eigen::MatrixXd points(Index(rows.size()), v.dimension());
    for (std::size_t k = 0; k < rows.size(); ++k) points.row(Index(k)) = v.row(rows[k]);

    progress.phase = "affinities";
    vectors::Tsne t(points, o, &progress);
    progress.phase = "iteration";
    while (!t.finished()) {
        t.step(10);
        progress.onProgress(t.iteration(), o.iterations);
    }
    const double kl = t.klDivergence();
    progress.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const Eigen::MatrixXd& y = t.embedding();
    if (json) {
        QJsonArray words, coordinates;
        for (std::size_t k = 0; k < rows.size(); ++k) {
            words.append(QString::fromStdString(vectors::displayWord(v.word(rows[k]))));
            coordinates.append(QJsonArray{y(Index(k), 0), y(Index(k), 1)});
        }
        printJson({{"words", words},
                   {"coordinates", coordinates},
                   {"kl", kl},
                   {"iterations", t.iteration()},
                   {"seconds", seconds}});
    } else {
        QString text;
        for (std::size_t k = 0; k < rows.size(); ++k)
            text += QString("%1\t%2\t%3\n")
                        .arg(QString::fromStdString(vectors::displayWord(v.word(rows[k]))))
                        .arg(y(Index(k), 0), 0, 'g', 9)
                        .arg(y(Index(k), 1), 0, 'g', 9);
        printText(text);
        std::fprintf(stderr, "t-SNE of %lld words: KL %.6f after %d iterations, %.2f s\n",
                     static_cast<long long>(rows.size()), kl, t.iteration(), seconds);
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "vectors",
    .title = "word vectors",
    .train = nullptr, // the training command's file registers the lab's train
    .benches = {},
    .verbs = {{"tsne", "t-SNE map of word vectors (exact or Barnes-Hut) with its KL divergence", runTsneCommand}},
}};

} // namespace

} // namespace unroll::cli
