// Training word vectors: the corpus loader (tokens, counts, order, limits and its messages), the co-occurrence count,
// and GloVe and skip-gram recovering structure planted in a small synthetic corpus: three topics whose words co-occur
// only within their topic (plus a few words common to all), generated here from a fixed seed. After training, the
// words of a topic must be closer to each other (cosine) than to the other topics' words, and each word's nearest
// neighbour must be in its own topic. Runs are on one thread (reproducible; Hogwild races would also trip
// ThreadSanitizer) except parallelTrainingRecovers, which uses two.
#include "../InputErrorOf.hpp"
#include "vectors/EmbeddingTraining.hpp"

#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <Eigen/Core>

#include <fstream>
#include <random>

using namespace unroll;
using namespace unroll::vectors;

namespace {

constexpr int kTopics = 3, kWordsPerTopic = 8;

std::string topicWord(int topic, int k) { return std::string(1, char('a' + topic)) + std::to_string(k); }

// Sentences of 6-12 words, each from one topic, with a shared word ("the", "of") mixed in now and then.
std::string plantedText(int sentences, std::uint32_t seed)
{
    std::mt19937 rng(seed); // raw mt19937 output (specified by the standard), not a distribution (not portable)
    std::string text;
    for (int s = 0; s < sentences; ++s) {
        const int topic = int(rng() % kTopics);
        const int length = 6 + int(rng() % 7);
        for (int i = 0; i < length; ++i) {
            if (i > 0) text += ' ';
            const auto r = rng() % 10;
            if (r == 0)
                text += "the";
            else if (r == 1)
                text += "of";
            else
                text += topicWord(topic, int(rng() % kWordsPerTopic));
        }
        text += '\n';
    }
    return text;
}

struct Separation {
    double within = 0, between = 0;
    double neighbourInTopic = 0; // fraction of topic words whose nearest topic-word neighbour shares their topic
};

Separation separation(const EmbeddingTrainer& t)
{
    const Corpus& c = t.corpus();
    std::vector<Index> ids;
    std::vector<int> topic;
    for (int g = 0; g < kTopics; ++g)
        for (int k = 0; k < kWordsPerTopic; ++k) {
            const auto it = std::find(c.words.begin(), c.words.end(), topicWord(g, k));
            if (it == c.words.end()) throw std::runtime_error("word missing from the corpus");
            ids.push_back(Index(it - c.words.begin()));
            topic.push_back(g);
        }
    VectorMatrix m = t.rows(ids);
    m.rowwise().normalize();
    const Eigen::MatrixXd cos = m * m.transpose();
    Separation s;
    int nWithin = 0, nBetween = 0, good = 0;
    for (Index i = 0; i < cos.rows(); ++i) {
        Index best = -1;
        for (Index j = 0; j < cos.cols(); ++j) {
            if (i == j) continue;
            if (topic[std::size_t(i)] == topic[std::size_t(j)]) {
                s.within += cos(i, j);
                ++nWithin;
            } else {
                s.between += cos(i, j);
                ++nBetween;
            }
            if (best < 0 || cos(i, j) > cos(i, best)) best = j;
        }
        good += topic[std::size_t(best)] == topic[std::size_t(i)];
    }
    s.within /= nWithin;
    s.between /= nBetween;
    s.neighbourInTopic = double(good) / double(cos.rows());
    return s;
}

// Mean step loss of the first and the last epoch.
std::pair<double, double> trainAll(EmbeddingTrainer& t)
{
    double first = 0, last = 0;
    const Index per = t.stepsPerEpoch();
    for (Index k = 0; k < t.totalSteps(); ++k) {
        const double loss = t.step().loss;
        if (k < per) first += loss / double(per);
        if (k >= t.totalSteps() - per) last += loss / double(per);
    }
    return {first, last};
}

struct StopAfter : TrainingObserver {
    int calls = 0, limit = 0;
    explicit StopAfter(int n) : limit(n) {}
    bool stopRequested() override { return ++calls > limit; }
};

} // namespace

using unroll::test::inputErrorOf;

class TestEmbeddingTraining : public QObject {
    Q_OBJECT
private slots:
    void init() { setThreadCount(1); }
    void cleanupTestCase() { useDefaultThreads(); }

    void corpusTokensCountsAndOrder()
    {
        // "b" and "a" both occur 3 times: ties keep first appearance (b first); "c" twice; "d" once (dropped).
        const Corpus c = corpusFromText("b a B\tc\r\n\n a d  c\fa b\n", "mem", {.minCount = 2});
        QCOMPARE(c.words, (std::vector<std::string>{"b", "a", "c"}));
        QCOMPARE(c.counts, (std::vector<std::int64_t>{3, 3, 2}));
        QCOMPARE(c.rawTokens, std::int64_t(9));
        const auto E = Corpus::kSentenceEnd;
        // Line 1: b a b c; the empty line leaves no mark; line 3: a (d dropped) c a b.
        QCOMPARE(c.tokens, (std::vector<std::int32_t>{0, 1, 0, 2, E, 1, 2, 1, 0, E}));
        QCOMPARE(c.source, std::string("mem"));

        const Corpus kept = corpusFromText("b a B c a c", "mem", {.minCount = 1, .lowercase = false});
        QCOMPARE(kept.words, (std::vector<std::string>{"a", "c", "b", "B"}));
        QCOMPARE(kept.tokens.back(), E); // the text's end closes its last sentence

        const Corpus top = corpusFromText("x y y z z z", "mem", {.minCount = 1, .maxVocabulary = 2});
        QCOMPARE(top.words, (std::vector<std::string>{"z", "y"}));
        QCOMPARE(top.tokens, (std::vector<std::int32_t>{1, 1, 0, 0, 0, E}));

        // Bytes are kept: UTF-8 and punctuation are part of a token; only ASCII letters fold.
        const Corpus bytes = corpusFromText("Été, été, ÉTÉ,", "mem", {.minCount = 1});
        QCOMPARE(bytes.words, (std::vector<std::string>{"Été,", "été,", "ÉtÉ,"}));
    }

    void corpusRejectsBadInput()
    {
        QTemporaryDir dir;
        const auto path = [&](const char* name, const std::string& bytes) {
            const std::string p = dir.filePath(name).toStdString();
            std::ofstream(p, std::ios::binary) << bytes;
            return p;
        };
        const std::string empty = path("empty.txt", "");
        QVERIFY(inputErrorOf([&] { loadCorpus(empty); }).contains("empty.txt: no words"));
        QVERIFY_THROWS_EXCEPTION(FormatError, loadCorpus(path("blank.txt", " \n\t\n")));

        const QString rare = inputErrorOf([&] { loadCorpus(path("rare.txt", "a b c a\n"), {.minCount = 5}); });
        QVERIFY2(rare.contains("rare.txt") && rare.contains("at least 5 times") && rare.contains("'a', occurs 2"),
                 qPrintable(rare));

        const QString big = inputErrorOf([&] { loadCorpus(path("big.txt", "one two three\n"), {.maxBytes = 10}); });
        QVERIFY2(big.contains("big.txt") && big.contains("14 bytes") && big.contains("limit of 10 bytes"),
                 qPrintable(big));
        QVERIFY(inputErrorOf([&] { corpusFromText("one two three", "text", {.maxBytes = 10}); }).contains("limit of 10"));

        const std::string nul = path("nul.bin", std::string("abc de\0f", 8));
        QVERIFY_THROWS_EXCEPTION(FormatError, loadCorpus(nul));
        QVERIFY(inputErrorOf([&] { loadCorpus(nul); }).contains("nul.bin: a NUL byte at offset 6"));

        QVERIFY(inputErrorOf([&] { loadCorpus(dir.filePath("missing.txt").toStdString()); }).contains("missing.txt"));
        QVERIFY(!inputErrorOf([&] { corpusFromText("a", "t", {.minCount = 0}); }).isEmpty());
    }

    void corpusCancels()
    {
        StopAfter stop(0);
        QVERIFY_THROWS_EXCEPTION(CancelledError, corpusFromText(plantedText(10, 1), "t", {.observer = &stop}));
    }

    void cooccurrenceWindowsStopAtSentenceEnds()
    {
        // "a b" and "c d" on separate lines: 2 ordered pairs each, none across the line break.
        const Corpus c = corpusFromText("a b\nc d\n", "t", {.minCount = 1});
        QCOMPARE(GloveTrainer(c, {.dimension = 4, .window = 5}).cooccurrenceEntries(), Index(4));
        // "a b c": (a,b), (b,c) at distance 1, (a,c) at 2, each both ways.
        const Corpus one = corpusFromText("a b c\n", "t", {.minCount = 1});
        QCOMPARE(GloveTrainer(one, {.dimension = 4, .window = 5}).cooccurrenceEntries(), Index(6));
        // Window 1: (a,c) is out of reach.
        QCOMPARE(GloveTrainer(one, {.dimension = 4, .window = 1}).cooccurrenceEntries(), Index(4));
        // A text whose sentences are single words has nothing to fit.
        const Corpus lonely = corpusFromText("a\nb\na\n", "lonely", {.minCount = 1});
        QVERIFY(inputErrorOf([&] { GloveTrainer(lonely, {}); }).contains("lonely"));
    }

    void gloveRecoversTopics()
    {
        const Corpus c = corpusFromText(plantedText(3000, 7), "planted", {.minCount = 1});
        GloveTrainer t(c, {.dimension = 16, .window = 5, .epochs = 25, .seed = 3, .stepsPerEpoch = 5});
        const auto [first, last] = trainAll(t);
        QVERIFY2(last < 0.5 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        const Separation s = separation(t);
        QVERIFY2(s.within > s.between + 0.4,
                 qPrintable(QString("within %1, between %2").arg(s.within).arg(s.between)));
        QCOMPARE(s.neighbourInTopic, 1.0);
        QCOMPARE(t.vectors().size(), Index(c.words.size()));
        QCOMPARE(t.vectors().dimension(), 16);
    }

    void skipGramRecoversTopics()
    {
        const Corpus c = corpusFromText(plantedText(3000, 7), "planted", {.minCount = 1});
        // Sub-sampling at t = 1e-5 would drop almost every token of a 30k-token text; 1e-3 keeps most.
        SkipGramTrainer t(c, {.dimension = 16, .window = 5, .sample = 1e-3, .epochs = 5, .seed = 3,
                              .stepsPerEpoch = 10});
        const auto [first, last] = trainAll(t);
        QVERIFY2(last < 0.8 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        const Separation s = separation(t);
        QVERIFY2(s.within > s.between + 0.4,
                 qPrintable(QString("within %1, between %2").arg(s.within).arg(s.between)));
        QCOMPARE(s.neighbourInTopic, 1.0);
    }

    void parallelTrainingRecovers()
    {
        setThreadCount(2);
        const Corpus c = corpusFromText(plantedText(3000, 11), "planted", {.minCount = 1});
        SkipGramTrainer sg(c, {.dimension = 16, .sample = 1e-3, .epochs = 5, .stepsPerEpoch = 10});
        trainAll(sg);
        GloveTrainer gl(c, {.dimension = 16, .window = 5, .epochs = 25, .stepsPerEpoch = 5});
        trainAll(gl);
        for (const EmbeddingTrainer* t : {static_cast<const EmbeddingTrainer*>(&sg), static_cast<const EmbeddingTrainer*>(&gl)}) {
            const Separation s = separation(*t);
            QVERIFY2(s.within > s.between + 0.4,
                     qPrintable(QString("within %1, between %2").arg(s.within).arg(s.between)));
        }
    }

    void sameSeedSameVectors()
    {
        const Corpus c = corpusFromText(plantedText(500, 5), "planted", {.minCount = 1});
        const std::vector<Index> all = [&] {
            std::vector<Index> v(c.words.size());
            for (std::size_t i = 0; i < v.size(); ++i) v[i] = Index(i);
            return v;
        }();
        auto sgns = [&](std::uint64_t seed) {
            SkipGramTrainer t(c, {.dimension = 8, .sample = 1e-3, .epochs = 2, .seed = seed, .stepsPerEpoch = 4});
            trainAll(t);
            return t.rows(all);
        };
        auto glove = [&](std::uint64_t seed) {
            GloveTrainer t(c, {.dimension = 8, .epochs = 2, .seed = seed, .stepsPerEpoch = 4});
            trainAll(t);
            return t.rows(all);
        };
        QVERIFY(sgns(4) == sgns(4));
        QVERIFY(sgns(4) != sgns(5));
        QVERIFY(glove(4) == glove(4));
        QVERIFY(glove(4) != glove(5));
    }

    void stepsAndMetrics()
    {
        const Corpus c = corpusFromText(plantedText(200, 3), "planted", {.minCount = 1});
        SkipGramTrainer t(c, {.dimension = 8, .sample = 1e-3, .epochs = 3, .stepsPerEpoch = 7});
        QCOMPARE(t.totalSteps(), Index(21));
        std::int64_t words = 0;
        double lastRate = 1;
        for (int k = 0; k < 7; ++k) {
            const StepMetrics m = t.step();
            words += m.examples;
            QVERIFY(m.learningRate < lastRate && m.learningRate > 0);
            QVERIFY(m.loss > 0); // pairs were trained
            lastRate = m.learningRate;
        }
        // One epoch consumes every word of the text once (sentence ends are not words).
        std::int64_t tokens = 0;
        for (auto w : c.tokens) tokens += w >= 0;
        QCOMPARE(words, tokens);

        GloveTrainer g(c, {.dimension = 8, .epochs = 2, .stepsPerEpoch = 3});
        std::int64_t entries = 0;
        for (int k = 0; k < 3; ++k) entries += g.step().examples;
        QCOMPARE(entries, std::int64_t(g.cooccurrenceEntries()));
    }

    void cancelStopsTraining()
    {
        const Corpus c = corpusFromText(plantedText(200, 3), "planted", {.minCount = 1});
        SkipGramTrainer t(c, {.dimension = 8, .epochs = 3, .stepsPerEpoch = 10});
        StopAfter stop(4); // runTraining asks twice per step
        const RunResult r = runTraining(t, stop, {.steps = t.totalSteps()});
        QCOMPARE(r.status, RunStatus::Cancelled);
        QCOMPARE(r.stepsDone, std::int64_t(2));
        StopAfter stopCounting(0);
        QVERIFY_THROWS_EXCEPTION(CancelledError, GloveTrainer(c, {}, &stopCounting));
    }

    void rejectsBadOptions()
    {
        const Corpus c = corpusFromText(plantedText(20, 3), "planted", {.minCount = 1});
        QVERIFY(inputErrorOf([&] { SkipGramTrainer(c, {.dimension = 0}); }).contains("dimension 0"));
        QVERIFY(inputErrorOf([&] { SkipGramTrainer(c, {.window = 0}); }).contains("window 0"));
        QVERIFY(inputErrorOf([&] { GloveTrainer(c, {.epochs = 0}); }).contains("epochs 0"));
        QVERIFY(inputErrorOf([&] { GloveTrainer t(c, {}); t.rows({Index(c.words.size())}); }).contains("out of range"));
    }

    void subSamplingThatLeavesNoPairIsAnErrorNotALossOfZero()
    {
        // 24 tokens and t = 1e-5: every word is kept with probability ~0.015 or less, so no (word, context) pair
        // survives an epoch; a curve of zeros would be a silent wrong answer.
        const Corpus c = corpusFromText("the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n"
                                        "the cat saw the dog\n", "tiny.txt", {.minCount = 1});
        SkipGramTrainer t(c, {.dimension = 8, .sample = 1e-5, .epochs = 2, .seed = 1, .stepsPerEpoch = 4});
        QString error;
        try {
            for (int i = 0; i < 8; ++i) t.step();
        } catch (const InputError& e) {
            error = QString::fromStdString(e.what());
        }
        QVERIFY2(error.contains("t = 1e-05") && error.contains("--sample"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingTraining)
#include "tst_embeddingtraining.moc"
