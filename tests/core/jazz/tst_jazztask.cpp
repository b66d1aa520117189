// The jazz model and its training (jazz/JazzTask.hpp): the course's parameter count (41,678 for 78 tokens, course
// §3.3), the course's windows (x<1> = 0, x<t+1> = y<t>), the gradient check, training lowering the loss on the built-in
// corpus, the model file, and improvisation: exactly the requested sounded notes, reproducible with a seed, argmax.
#include "jazz/JazzTask.hpp"

#include "../InputErrorOf.hpp"
#include "nn/GradCheckSuite.hpp"

#include <QTemporaryDir>
#include <QtTest>

using namespace unroll;
using namespace unroll::jazz;
using unroll::test::inputErrorOf;

namespace {

std::int64_t parameterCount(const SequenceModel<float>& model)
{
    std::int64_t n = 0;
    for (const auto& [name, value] : model.namedValues()) n += value.size();
    return n;
}

const JazzCorpus& builtIn()
{
    static const JazzCorpus corpus = loadCorpus(builtInCorpusFiles());
    return corpus;
}

} // namespace

class TestJazzTask : public QObject {
    Q_OBJECT
private slots:
    void courseParameterCount()
    {
        // djmodel with n_values = 78, n_a = 64: LSTM 4*(64*(64+78)+64) = 36,608, Dense 64*78+78 = 5,070.
        const SequenceModel<float> model(jazzModelOptions(78, 64));
        QCOMPARE(parameterCount(model), std::int64_t(41678));
    }
    void corpusIsTheBuiltInMelodies()
    {
        const auto& c = builtIn();
        QCOMPARE(c.melodies.size(), std::size_t(20));
        QCOMPARE(c.songs.size(), c.melodies.size());
        std::size_t tokens = 0;
        for (const auto& s : c.songs) tokens += s.size();
        QCOMPARE(c.ids.size(), tokens);
        for (auto id : c.ids) QVERIFY(id >= 0 && id < c.vocab.size());
    }
    void windowsFollowTheCourse()
    {
        JazzTask task(builtIn(), {.Tx = 30, .windows = 60, .epochs = 1, .seed = 0});
        QCOMPARE(task.windows().size(), std::size_t(60 * 30));
        // Every window is 30 consecutive tokens of the corpus.
        const auto& ids = builtIn().ids;
        for (int w = 0; w < 60; ++w) {
            const auto begin = task.windows().begin() + w * 30;
            QVERIFY(std::search(ids.begin(), ids.end(), begin, begin + 30) != ids.end());
        }
    }
    void gradientCheckPasses()
    {
        const GradCheckReport report = runGradCheckSuite(1, "jazz");
        QCOMPARE(report.checks.size(), std::size_t(1));
        for (const auto& c : report.checks) QVERIFY2(c.passed(), (c.name + ": " + std::to_string(c.error)).c_str());
        for (const auto& c : report.floatChecks)
            QVERIFY2(c.passed(), (c.name + " (float): " + std::to_string(c.error)).c_str());
    }
    void trainingLowersTheLoss()
    {
        JazzTask task(builtIn(), {.epochs = 30, .seed = 1});
        const double first = task.step().loss;
        // Loss at the start: about T_x * ln(V) (uniform predictions).
        QVERIFY(std::abs(first - 30 * std::log(double(builtIn().vocab.size()))) < 0.15 * first);
        StepMetrics last;
        while (!task.finished()) last = task.step();
        QVERIFY2(last.loss < 0.7 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last.loss)));
        QCOMPARE(task.history().size(), std::size_t(30));
        QVERIFY(task.history().back().accuracy > task.history().front().accuracy);
        QCOMPARE(last.learningRate, 0.01 / (1 + 0.01 * 29)); // decay per epoch
        QVERIFY(inputErrorOf([&] { task.step(); }).contains("finished"));
    }
    void improvisationIsReproducibleAndCountsNotes()
    {
        JazzTask task(builtIn(), {.hidden = 16, .epochs = 3, .seed = 2});
        while (!task.finished()) task.step();
        const ChordTrack chords = parseProgression("F7 Bb7 F7 F7 Bb7 Bb7 F7 D7 Gm7 C7 F7/D7 Gm7/C7");
        const ImproviseOptions o{.notes = 50, .temperature = 1.0, .seed = 7};
        const Improvisation a = improvise(task.model(), builtIn().vocab, chords, o);
        const Improvisation b = improvise(task.model(), builtIn().vocab, chords, o);
        QCOMPARE(a.notes.size(), std::size_t(50));
        QVERIFY(a.ids == b.ids);
        QCOMPARE(a.probabilities.size(), a.tokens.size());
        int restsInRow = 0;
        for (const auto& t : a.tokens) {
            restsInRow = t.isNote() ? 0 : restsInRow + 1;
            QVERIFY(restsInRow <= o.maxRests);
        }
        const Improvisation c = improvise(task.model(), builtIn().vocab, chords, {.notes = 50, .seed = 8});
        QVERIFY(a.ids != c.ids);
        // Argmax: each token is the most likely allowed one.
        const Improvisation g = improvise(task.model(), builtIn().vocab, chords, {.notes = 10, .temperature = 0});
        for (std::size_t i = 0; i < g.ids.size(); ++i) {
            const auto& p = g.probabilities[i];
            const auto best = std::max_element(p.begin(), p.end()) - p.begin();
            if (builtIn().vocab.token(int(best)).isNote() || i == 0) QCOMPARE(std::int64_t(g.ids[i]), std::int64_t(best));
        }
    }
    void temperatureAndTopKShapeTheDraw()
    {
        const std::vector<float> p = {0.5f, 0.3f, 0.2f};
        const std::vector<bool> all(3, true);
        auto q = adjustedDistribution(p, 1.0, 0, all);
        QVERIFY(std::abs(q[0] - 0.5) < 1e-7);
        q = adjustedDistribution(p, 1.0, 2, all);
        QCOMPARE(q[2], 0.0);
        QVERIFY(std::abs(q[0] - 0.625) < 1e-7);
        q = adjustedDistribution(p, 0.5, 0, all); // p^2 normalised: 0.25, 0.09, 0.04 over 0.38
        QVERIFY(std::abs(q[0] - 0.25 / 0.38) < 1e-7);
        q = adjustedDistribution(p, 1.0, 0, {false, true, true});
        QCOMPARE(q[0], 0.0);
        QVERIFY(std::abs(q[1] - 0.6) < 1e-7);
    }
    void modelFileRoundTrips()
    {
        JazzTask task(builtIn(), {.hidden = 8, .epochs = 1, .seed = 3});
        task.step();
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "jazz.safetensors";
        task.save(path);
        const LoadedJazzModel loaded = loadJazzModel(path);
        QCOMPARE(loaded.vocab.texts(), builtIn().vocab.texts());
        QCOMPARE(loaded.bpm, builtIn().bpm);
        const auto a = task.model().namedValues(), b = loaded.model->namedValues();
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(a[i].second == b[i].second);
    }
    void badOptionsAndTinyCorporaAreRefused()
    {
        QVERIFY(inputErrorOf([] { JazzTask(builtIn(), {.Tx = 1}); }).contains("T_x 1"));
        QVERIFY(inputErrorOf([] { JazzTask(builtIn(), {.epochs = 0}); }).contains("epochs 0"));
        JazzCorpus tiny = builtIn();
        tiny.ids.resize(10);
        QVERIFY(inputErrorOf([&] { JazzTask(tiny, {}); }).contains("hold 10 tokens, fewer than T_x + 1 = 31"));
        QVERIFY(inputErrorOf([] { loadCorpus({}); }).contains("no MIDI files"));
        QVERIFY(inputErrorOf([] { improvise(SequenceModel<float>(jazzModelOptions(3, 4)), builtIn().vocab, {}, {}); })
                    .contains("does not fit"));
    }
};

QTEST_GUILESS_MAIN(TestJazzTask)
#include "tst_jazztask.moc"
