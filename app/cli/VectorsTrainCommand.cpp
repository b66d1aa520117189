// Training word vectors from the command line (the vectors lab's training, without a display):
//   unroll-cli vectors train --corpus FILE --method glove|sgns [--dim 50] [--epochs E] [--window W] [--min-count N]
//                            [--max-vocab N] [--seed S] [--threads N] --out FILE [--digits D] [--json]
//   unroll-cli bench sgns --corpus FILE [--threads N] [--epochs E] [--json]
//       (skip-gram throughput with gensim's Word2Vec(vector_size=50, window=5, sg=1, negative=5, sample=1e-5,
//        min_count=5) settings; scripts/bench/bench_gensim_word2vec.py is the same run in gensim)
// Progress goes to stderr. Ctrl-C stops at the next step boundary and still writes --out with the vectors so far.
#include "Cli.hpp"
#include "Registry.hpp"

#include "util/Error.hpp"
#include "util/Threads.hpp"
#include "vectors/EmbeddingTraining.hpp"
#include "vectors/VectorFile.hpp"

#include <QJsonArray>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

namespace unroll::cli {

namespace {

using namespace unroll::vectors;

std::atomic<bool> g_interrupted{false};
extern "C" void onTrainVectorsInterrupt(int) { g_interrupted = true; }

// Progress on stderr: a line rewritten in place, at most a few times a second.
class Progress : public TrainingObserver {
public:
    explicit Progress(bool quiet) : quiet_(quiet) {}
    ~Progress() override { done(); } // an error message then starts on a line of its own
    bool stopRequested() override { return g_interrupted.load(); }
    void onProgress(std::int64_t done, std::int64_t total) override
    {
        if (total > 0) show(QString("%1 %2%").arg(label_).arg(100.0 * double(done) / double(total), 0, 'f', 0));
    }
    void setLabel(const QString& label) { label_ = label; }
    void show(const QString& text, bool force = false)
    {
        if (quiet_) return;
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        std::fprintf(stderr, "\r%-78s", text.toUtf8().constData());
        std::fflush(stderr);
        open_ = true;
    }
    void done()
    {
        if (open_) std::fprintf(stderr, "\n");
        open_ = false;
    }

private:
    bool quiet_;
    bool open_ = false; // a progress line is on the terminal without its newline
    QString label_;
    std::chrono::steady_clock::time_point last_{};
};

// Per-epoch loss (the mean of its steps' losses) and time, plus the live progress line.
class EpochLog : public Progress {
public:
    EpochLog(const EmbeddingTrainer& t, bool quiet) : Progress(quiet), trainer_(t) {}
    void onStep(const StepMetrics& m) override
    {
        const Index per = trainer_.stepsPerEpoch();
        sum_ += m.loss;
        ++stepsInEpoch_;
        const auto epoch = (m.step - 1) / per + 1;
        const bool last = m.step % per == 0;
        show(QString("epoch %1/%2  step %3/%4  loss %5  lr %6")
                 .arg(epoch).arg(trainer_.epochs()).arg((m.step - 1) % per + 1).arg(per)
                 .arg(sum_ / double(stepsInEpoch_), 0, 'f', 5).arg(m.learningRate, 0, 'g', 3),
             last);
        if (last) {
            epochs.append(QJsonObject{{"epoch", double(epoch)},
                                      {"loss", sum_ / double(stepsInEpoch_)},
                                      {"seconds", m.seconds - epochStart_}});
            epochStart_ = m.seconds;
            sum_ = 0;
            stepsInEpoch_ = 0;
        }
    }
    QJsonArray epochs;

private:
    const EmbeddingTrainer& trainer_;
    double sum_ = 0, epochStart_ = 0;
    int stepsInEpoch_ = 0;
};

int trainVectors(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"corpus", "The text to train on: words separated by white space, one sentence per line.", "FILE"});
    p.addOption({"method", "glove or sgns (skip-gram with negative sampling).", "METHOD", "glove"});
    p.addOption({"dim", "Dimensions of the vectors.", "N", "50"});
    p.addOption({"epochs", "Passes over the text (default: glove 15, sgns 5).", "E"});
    p.addOption({"window", "Context window (default: glove 10, sgns 5).", "W"});
    p.addOption({"min-count", "Drop words seen fewer times.", "N", "5"});
    p.addOption({"max-vocab", "Keep only the N most frequent words (0: all).", "N", "0"});
    p.addOption({"negative", "sgns: noise words per pair.", "K", "5"});
    p.addOption({"sample", "sgns: sub-sampling threshold t of frequent words.", "T", "1e-5"});
    p.addOption({"x-max", "glove: weighting cut-off (0: 100 for 1e8 tokens or more, else 10).", "X", "0"});
    p.addOption({"lr", "Learning rate (default: glove 0.05, sgns 0.025).", "X"});
    p.addOption({"seed", "Seed of the initial vectors and of the sampling.", "S", "1"});
    p.addOption({"out", "Write the vectors here (GloVe text format).", "FILE"});
    p.addOption({"digits", "Significant digits written per value (0: enough to round-trip).", "D", "0"});
    if (!parseCommandLine(p, args, "Train word vectors on a text file with GloVe or skip-gram with negative "
                                   "sampling, and save them as GloVe text."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    if (!p.isSet("corpus")) throw InputError("--corpus is required");
    if (!p.isSet("out")) throw InputError("--out is required");
    const QString method = p.value("method");
    if (method != "glove" && method != "sgns")
        throw InputError(("--method " + method + ": expected glove or sgns").toStdString());
    const bool glove = method == "glove";
    const int dim = int(intOption(p, "dim", 1, 4096));
    const int epochs = p.isSet("epochs") ? int(intOption(p, "epochs", 1, 100000)) : (glove ? 15 : 5);
    const int window = p.isSet("window") ? int(intOption(p, "window", 1, 1000)) : (glove ? 10 : 5);
    const auto minCount = intOption(p, "min-count", 1, 1000000000);
    const auto maxVocab = intOption(p, "max-vocab", 0, 100000000);
    const auto seed = std::uint64_t(intOption(p, "seed", 0, 4294967295LL));
    const int digits = int(intOption(p, "digits", 0, 17));
    const bool json = jsonRequested(p);
    const std::string out = p.value("out").toStdString();

    std::signal(SIGINT, onTrainVectorsInterrupt);
    Progress loading(false);
    loading.setLabel("reading " + p.value("corpus"));
    const auto t0 = std::chrono::steady_clock::now();
    Corpus corpus;
    try {
        corpus = loadCorpus(p.value("corpus").toStdString(),
                            {.minCount = minCount, .maxVocabulary = maxVocab, .observer = &loading});
    } catch (const CancelledError&) {
        loading.done();
        std::signal(SIGINT, SIG_DFL);
        std::fprintf(stderr, "interrupted while reading the corpus; nothing written\n");
        return BadInput;
    }
    loading.show(QString("%1: %2 words, %3 tokens").arg(p.value("corpus")).arg(corpus.words.size())
                     .arg(corpus.rawTokens), true);
    loading.done();

    std::unique_ptr<EmbeddingTrainer> trainer;
    if (glove) {
        GloveOptions o{.dimension = dim, .window = window, .epochs = epochs, .seed = seed};
        o.xMax = doubleOption(p, "x-max", 0, 1e12);
        if (p.isSet("lr")) o.learningRate = doubleOption(p, "lr", 1e-9, 10);
        Progress counting(false);
        counting.setLabel("counting co-occurrences");
        try {
            trainer = std::make_unique<GloveTrainer>(corpus, o, &counting);
        } catch (const CancelledError&) {
            counting.done();
            std::signal(SIGINT, SIG_DFL);
            std::fprintf(stderr, "interrupted while counting; nothing written\n");
            return BadInput;
        }
        counting.show(QString("%1 non-zero co-occurrences").arg(static_cast<GloveTrainer&>(*trainer).cooccurrenceEntries()),
                      true);
        counting.done();
    } else {
        SkipGramOptions o{.dimension = dim, .window = window, .epochs = epochs, .seed = seed};
        o.negative = int(intOption(p, "negative", 0, 100));
        o.sample = doubleOption(p, "sample", 0, 1);
        if (p.isSet("lr")) o.learningRate = doubleOption(p, "lr", 1e-9, 10);
        trainer = std::make_unique<SkipGramTrainer>(corpus, o);
    }

    EpochLog log(*trainer, false);
    const RunResult r = runTraining(*trainer, log, {.steps = trainer->totalSteps()});
    log.done();
    std::signal(SIGINT, SIG_DFL);
    saveGloveText(trainer->vectors(), out, digits);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (json) {
        printJson({{"method", method},
                   {"words", double(trainer->corpus().words.size())},
                   {"tokens", double(trainer->corpus().rawTokens)},
                   {"epochs", log.epochs},
                   {"interrupted", r.status == RunStatus::Cancelled},
                   {"training_seconds", r.seconds},
                   {"seconds", seconds},
                   {"out", QString::fromStdString(out)}});
    } else {
        printText(QString("%1: %2 words x %3 dimensions, %4 epochs in %5 s%6; written to %7")
                      .arg(method).arg(trainer->corpus().words.size()).arg(dim).arg(log.epochs.size())
                      .arg(r.seconds, 0, 'f', 1).arg(r.status == RunStatus::Cancelled ? " (interrupted)" : "")
                      .arg(QString::fromStdString(out)));
    }
    return Ok;
}

int benchSgns(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"corpus", "The text (one sentence per line).", "FILE"});
    p.addOption({"epochs", "Passes over the text.", "E", "1"});
    if (!parseCommandLine(p, args, "Skip-gram training throughput in words per second, with the settings of "
                                   "gensim's Word2Vec(vector_size=50, window=5, sg=1, negative=5, sample=1e-5, "
                                   "min_count=5); words are the corpus's tokens before rare words are dropped, as "
                                   "gensim counts them."))
        return Ok;
    if (!p.isSet("corpus")) throw InputError("--corpus is required");
    const int epochs = int(intOption(p, "epochs", 1, 1000));
    const auto t0 = std::chrono::steady_clock::now();
    const Corpus corpus = loadCorpus(p.value("corpus").toStdString(), {.minCount = 5});
    const auto t1 = std::chrono::steady_clock::now();
    SkipGramTrainer trainer(corpus, {.dimension = 50, .window = 5, .negative = 5, .sample = 1e-5, .epochs = epochs});
    const auto t2 = std::chrono::steady_clock::now();
    double loss = 0;
    for (Index k = 0; k < trainer.totalSteps(); ++k) loss = trainer.step().loss;
    const auto t3 = std::chrono::steady_clock::now();
    const double vocabSeconds = std::chrono::duration<double>(t2 - t0).count();
    const double trainSeconds = std::chrono::duration<double>(t3 - t2).count();
    (void)t1;
    const double wordsPerSecond = double(corpus.rawTokens) * epochs / trainSeconds;
    if (jsonRequested(p)) {
        printJson({{"corpus", p.value("corpus")},
                   {"raw_words", double(corpus.rawTokens)},
                   {"vocabulary", double(corpus.words.size())},
                   {"epochs", epochs},
                   {"threads", threadCount()},
                   {"vocab_seconds", vocabSeconds},
                   {"train_seconds", trainSeconds},
                   {"words_per_second", wordsPerSecond},
                   {"last_loss", loss}});
    } else {
        printText(QString("sgns: %1 words/s (%2 words x %3 epochs in %4 s on %5 threads; vocabulary %6 s)")
                      .arg(wordsPerSecond, 0, 'f', 0).arg(corpus.rawTokens).arg(epochs).arg(trainSeconds, 0, 'f', 2)
                      .arg(threadCount()).arg(vocabSeconds, 0, 'f', 2));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "vectors",
    .title = "word vectors (GloVe and skip-gram training, similarity, analogies, debiasing, projections)",
    .train = trainVectors,
    .benches = {{"sgns", "skip-gram training throughput in words per second (against gensim's Word2Vec)", benchSgns}},
    .verbs = {},
}};

} // namespace

} // namespace unroll::cli
