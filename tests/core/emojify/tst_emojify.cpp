// The Emojify lab's core: the course's toy examples (course §5.2, §5.3), the sentence loader and its rejections, the
// built-in data, both models (V1's initialisation against numpy, V2's gradient check and masked padding), their
// explanations and file, and short training runs that separate an easy synthetic set.
#include "emojify/CourseEmojify.hpp"
#include "emojify/EmojifyTask.hpp"

#include "../InputErrorOf.hpp"
#include "io/ModelFile.hpp"
#include "math/Rng.hpp"
#include "nn/GradCheckSuite.hpp"
#include "vectors/VectorFile.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace unroll;
using namespace unroll::emojify;
using unroll::test::inputErrorOf;

namespace {

std::shared_ptr<const WordVectors> makeVectors(const std::vector<std::pair<std::string, std::vector<double>>>& m)
{
    std::vector<std::string> words;
    vectors::VectorMatrix values(Index(m.size()), Index(m.front().second.size()));
    for (std::size_t i = 0; i < m.size(); ++i) {
        words.push_back(m[i].first);
        for (std::size_t j = 0; j < m[i].second.size(); ++j) values(Index(i), Index(j)) = m[i].second[j];
    }
    return std::make_shared<const WordVectors>(words, values, "test vectors");
}

// The course's toy word map of sentence_to_avg's test (course §5.2).
std::shared_ptr<const WordVectors> courseToyMap()
{
    return makeVectors({{"a", {3, 3}}, {"synonym_of_a", {3, 3}}, {"a_nw", {2, 4}}, {"a_s", {3, 2}},
                        {"c", {-2, 1}}, {"c_n", {-2, 2}}, {"c_ne", {-1, 2}}, {"c_e", {-1, 1}},
                        {"c_se", {-1, 0}}, {"c_s", {-2, 0}}, {"c_sw", {-3, 0}}, {"c_w", {-3, 1}},
                        {"c_nw", {-3, 2}}});
}

// An easy synthetic set: three classes, each with four words near its own direction, plus neutral words; every
// sentence holds one class word among neutral ones.
struct Synthetic {
    std::shared_ptr<const WordVectors> vectors;
    EmojifyData data;
};

Synthetic synthetic(std::uint32_t seed)
{
    Rng rng(seed);
    std::vector<std::pair<std::string, std::vector<double>>> m;
    const char* neutral[] = {"the", "a", "is", "it", "so", "very"};
    for (const char* w : neutral) {
        std::vector<double> v(6);
        for (auto& x : v) x = 0.2 * rng.randn();
        m.push_back({w, v});
    }
    for (int k = 0; k < 3; ++k)
        for (int j = 0; j < 4; ++j) {
            std::vector<double> v(6);
            for (auto& x : v) x = 0.2 * rng.randn();
            v[std::size_t(k)] += 1.5;
            m.push_back({"w" + std::to_string(k) + std::to_string(j), v});
        }
    Synthetic s;
    s.vectors = makeVectors(m);
    std::vector<EmojiClass> classes = {{"zero", ""}, {"one", ""}, {"two", ""}};
    auto make = [&](int n, const std::string& name) {
        SentenceSet set;
        set.classes = classes;
        set.source = name;
        for (int i = 0; i < n; ++i) {
            const int k = int(rng.randint(0, 3));
            std::string text = std::string(neutral[rng.randint(0, 6)]) + " w" + std::to_string(k) +
                               std::to_string(rng.randint(0, 4)) + " " + neutral[rng.randint(0, 6)];
            set.sentences.push_back({text, k, i + 1});
        }
        return set;
    };
    s.data.train = make(60, "synthetic train");
    s.data.validation = make(15, "synthetic validation");
    s.data.test = make(30, "synthetic test");
    return s;
}

std::string writeFile(const QTemporaryDir& dir, const char* name, const std::string& text)
{
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

} // namespace

class TestEmojify : public QObject {
    Q_OBJECT

private slots:
    void tokenizeLowerCasesAndSplitsOnSpaces()
    {
        QCOMPARE(tokenize("  Not  feeling\tHAPPY "), (std::vector<std::string>{"not", "feeling", "happy"}));
        QCOMPARE(tokenize("you!"), (std::vector<std::string>{"you!"}));
        QVERIFY(tokenize("   ").empty());
    }

    void sentenceToAvgMatchesTheCourseToyCases()
    {
        // course §5.2 (the 2021 notebook's sentence_to_avg_test)
        const auto map = courseToyMap();
        const Eigen::VectorXd a = sentenceToAvg("a a_nw c_w a_s", *map);
        QCOMPARE(a(0), 1.25);
        QCOMPARE(a(1), 2.5);
        QCOMPARE(sentenceToAvg("love", *map), Eigen::VectorXd::Zero(2).eval());
        const Eigen::VectorXd c = sentenceToAvg("c_se foo a a_nw c_w a_s deeplearning c_nw", *map);
        QVERIFY(std::abs(c(0) - 0.1666667) < 1e-7);
        QCOMPARE(c(1), 2.0);
    }

    void sentencesToIndicesMatchesTheCourseToyCases()
    {
        // course §5.3: vocabulary i, like, learning, deep, machine, love, smile, ´0.= indexed 0..7, max_len 4
        std::vector<std::pair<std::string, std::vector<double>>> m;
        for (const char* w : {"i", "like", "learning", "deep", "machine", "love", "smile", "\u00b40.="})
            m.push_back({w, {0.0}});
        const auto vocab = makeVectors(m);
        const auto X = sentencesToIndices({"I like deep learning", "deep \u00b40.= love machine",
                                           "machine learning smile"}, *vocab, 4);
        Eigen::Matrix<std::int32_t, 3, 4> expected;
        expected << 0, 1, 3, 2, 3, 7, 5, 4, 4, 2, 6, 0;
        QCOMPARE(X.rows(), 3);
        QCOMPARE(X.cols(), 4);
        QVERIFY(X == expected);
        // unknown words are skipped, the rest padded
        QVERIFY((sentencesToIndices({"foo like"}, *vocab, 3, -1).row(0).array() ==
                 Eigen::Array<std::int32_t, 1, 3>(1, -1, -1)).all());
    }

    void courseExamplesMatchTheNumpyReference()
    {
        // tests/data/course_examples.json, "functions": the course's sentence_to_avg and sentences_to_indices run by
        // numpy (scripts/refs/make_course_reference.py) on the same toy cases.
        QFile file(UNROLL_TEST_DATA_DIR "/course_examples.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject functions = QJsonDocument::fromJson(file.readAll()).object().value("functions").toObject();
        const auto examples = runEmojifyExamples();
        QCOMPARE(examples.size(), std::size_t(2));
        int compared = 0;
        for (const auto& ex : examples) {
            const QJsonObject ref = functions.value(QString::fromStdString(ex.function)).toObject();
            QVERIFY2(!ref.isEmpty(), ex.function.c_str());
            for (const auto& [key, array] : ex.arrays) {
                QJsonArray flat = ref.value(QString::fromStdString(key)).toArray();
                if (!flat.isEmpty() && flat.first().isArray()) {
                    QJsonArray rows = flat;
                    flat = {};
                    for (const auto& row : rows)
                        for (const auto& v : row.toArray()) flat.append(v);
                }
                QCOMPARE(qsizetype(array.data.size()), flat.size());
                for (qsizetype i = 0; i < flat.size(); ++i) {
                    QVERIFY(std::abs(array.data[std::size_t(i)] - flat[i].toDouble()) < 1e-15);
                    ++compared;
                }
            }
        }
        QCOMPARE(compared, 6 + 12);
    }

    void loaderReadsTheCourseFormats()
    {
        // no header, trailing empty fields as in train_emoji.csv
        auto set = parseSentences("never talk to me again,3,,\nfood is life,4,\n", "a.csv");
        QCOMPARE(set.size(), std::size_t(2));
        QCOMPARE(set.sentences[0].text, std::string("never talk to me again"));
        QCOMPARE(set.sentences[0].label, 3);
        QCOMPARE(set.sentences[1].line, 2);
        QCOMPARE(set.classCount(), 5); // labels in 0..4: the course's five classes
        QCOMPARE(set.classes[4].emoji, std::string("\U0001F374"));
        // header, TSV, quotes, CRLF, blank lines
        set = parseSentences("sentence\tlabel\r\nhi there\t1\r\n\r\n\"a, b\"\t0\r\n", "b.tsv");
        QCOMPARE(set.size(), std::size_t(2));
        QCOMPARE(set.sentences[1].text, std::string("a, b"));
        // any number of classes, named in the file
        set = parseSentences("# class 0 cold \u2744\ufe0f\n# class 1 warm\n# class 2 hot\nice,0\nsun,2\n", "c.csv");
        QCOMPARE(set.classCount(), 3);
        QCOMPARE(set.classes[0].name, std::string("cold"));
        QCOMPARE(set.classes[0].emoji, std::string("\u2744\ufe0f"));
        QCOMPARE(set.classes[1].emoji, std::string());
        // unnamed labels above 4
        set = parseSentences("x,0\ny,6\n", "d.csv");
        QCOMPARE(set.classCount(), 7);
        QCOMPARE(set.classes[6].name, std::string("class 6"));
    }

    void loaderReadsASideClassesFile()
    {
        QTemporaryDir dir;
        const std::string data = writeFile(dir, "mine.csv", "up,0\ndown,1\n");
        writeFile(dir, "mine.csv.classes", "# index,name,emoji\n0,up,\u2b06\n1,down,\u2b07\n");
        const auto set = loadSentences(data);
        QCOMPARE(set.classCount(), 2);
        QCOMPARE(set.classes[1].name, std::string("down"));
        QCOMPARE(set.classes[1].emoji, std::string("\u2b07"));
    }

    void loaderRejectsBadRowsNamingFileAndLine()
    {
        auto err = [](const std::string& text) {
            return inputErrorOf([&] { parseSentences(text, "bad.csv"); });
        };
        QCOMPARE(err("ok,1\njust a sentence\n"),
                 QString("bad.csv: line 2: no label (expected sentence,label, the label a class index)"));
        QCOMPARE(err("ok,1\nfoo,two\n"), QString("bad.csv: line 2: the label \"two\" is not an integer class index"));
        QCOMPARE(err("ok,1\nfoo,-1\n"), QString("bad.csv: line 2: the label -1 is negative"));
        QCOMPARE(err("ok,1\n,2\n"), QString("bad.csv: line 2: the sentence is empty"));
        QVERIFY(err("ok,1\na,b,2\n").startsWith("bad.csv: line 2: 3 fields; expected 2"));
        QCOMPARE(err("ok,1\n\"open,2\n"), QString("bad.csv: line 2: an unterminated quote"));
        QCOMPARE(err("sentence,label\n"), QString("bad.csv: no sentences (expected lines sentence,label)"));
        QCOMPARE(err("# class 0 a\n# class 1 b\nx,0\ny,2\n"),
                 QString("bad.csv: line 4: the label 2 is beyond the 2 named classes (0..1)"));
        QCOMPARE(err("# class 0 a\n# class 2 b\nx,0\n"),
                 QString("bad.csv: class 1 is not named (classes must be numbered 0..2 without gaps)"));
        QCOMPARE(err(std::string(10001, 'x') + ",1\n"),
                 QString("bad.csv: line 1: 10003 bytes is longer than the limit of 10000 bytes for a line"));
        QCOMPARE(inputErrorOf([] { loadSentences("/nonexistent/x.csv"); }),
                 QString("/nonexistent/x.csv: no such file"));
        QTemporaryDir dir;
        const std::string classes = writeFile(dir, "c.classes", "0,a\n0,b\n");
        QCOMPARE(inputErrorOf([&] { loadClasses(classes); }), QString::fromStdString(classes) + ": line 2: class 0 is named twice");
    }

    void builtInDataIsSplitLikeTheCourse()
    {
        const EmojifyData d = builtInData();
        QCOMPARE(d.train.size(), std::size_t(130));
        QCOMPARE(d.test.size(), std::size_t(56));
        QCOMPARE(d.validation.size(), std::size_t(28));
        QCOMPARE(d.negations.size(), std::size_t(30));
        QCOMPARE(d.train.classCount(), 5);
        QCOMPARE(d.train.classes[3].name, std::string("sad"));
        for (const auto* set : {&d.train, &d.validation, &d.test}) {
            const auto labels = set->labels();
            for (int k = 0; k < 5; ++k) QVERIFY(std::count(labels.begin(), labels.end(), k) > 0);
        }
        // The test set holds the course's "not feeling happy" (3).
        const auto& t = d.test.sentences;
        QVERIFY(std::any_of(t.begin(), t.end(), [](const Sentence& s) { return s.text == "not feeling happy" && s.label == 3; }));
        // Coverage: the built-in vectors know every word but the three kept to show missing words.
        const auto vectors = vectors::builtInVectors();
        std::vector<Sentence> all = d.train.sentences;
        for (const auto* set : {&d.validation, &d.test, &d.negations})
            all.insert(all.end(), set->sentences.begin(), set->sentences.end());
        auto missing = missingWords(all, vectors);
        std::sort(missing.begin(), missing.end());
        QCOMPARE(missing, (std::vector<std::string>{"adore", "dearly", "lol"}));
        QVERIFY(maxKnownLength(d.train.sentences, vectors) >= 6);
    }

    void averageModelStartsLikeNumpy()
    {
        // np.random.seed(1); W = np.random.randn(5, 50) / np.sqrt(50): W[0][0] = 1.6243453636632417 / sqrt(50),
        // W[0][1] = -0.6117564136500754 / sqrt(50) (numpy 1.24.2)
        const auto vectors = std::make_shared<const WordVectors>(vectors::builtInVectors());
        AverageEmojifier v1(vectors, 5);
        Rng rng(1);
        v1.initialize(rng);
        QCOMPARE(v1.W.rows(), 5);
        QCOMPARE(v1.W.cols(), 50);
        QCOMPARE(v1.W(0, 0), 1.6243453636632417 / std::sqrt(50.0));
        QCOMPARE(v1.W(0, 1), -0.6117564136500754 / std::sqrt(50.0));
        QVERIFY(v1.b.isZero());
    }

    void averageModelMatchesNumpyOnTheBuiltInData()
    {
        // scripts/refs/emojify_v1_reference.py (numpy 1.24.2): the course's model() with np.random.seed(1) on the
        // built-in sentences and vectors. Mean loss after epoch 1: 1.5821581298676763, after epoch 100:
        // 0.51093198910641513; accuracies after 100: train 0.869231, validation 0.892857, test 0.750000.
        EmojifyOptions o;
        o.variant = Variant::V1;
        o.v1.epochs = 100;
        EmojifyTask task(builtInData(), std::make_shared<const WordVectors>(vectors::builtInVectors()), o);
        while (!task.finished()) task.step();
        const auto& h = task.history(Variant::V1);
        QVERIFY(std::abs(h.front().loss - 1.5821581298676763) < 1e-12);
        QVERIFY(std::abs(h.back().loss - 0.51093198910641513) < 1e-12);
        QCOMPARE(h.back().trainAccuracy, 113.0 / 130);
        QCOMPARE(h.back().validationAccuracy, 25.0 / 28);
        QCOMPARE(h.back().testAccuracy, 42.0 / 56);
        QVERIFY(task.v2() == nullptr);
    }

    void averageModelFollowsTheCourseGradient()
    {
        // One SGD step on one example by hand: z = W avg + b, a = softmax(z), W -= lr (a - y) avg^T.
        const auto map = courseToyMap();
        AverageEmojifier v1(map, 3);
        Rng rng(3);
        v1.initialize(rng);
        const Eigen::MatrixXd W0 = v1.W;
        const Eigen::VectorXd avg = sentenceToAvg("a c_w", *map);
        Eigen::VectorXd z = W0 * avg;
        Eigen::VectorXd a = (z.array() - z.maxCoeff()).exp();
        a /= a.sum();
        const double loss = v1.trainEpoch({{"a c_w", 2, 1}}, 0.5);
        QVERIFY(std::abs(loss + std::log(a(2))) < 1e-12);
        a(2) -= 1;
        QVERIFY((v1.W - (W0 - 0.5 * a * avg.transpose())).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((v1.b + 0.5 * a).cwiseAbs().maxCoeff() < 1e-12);
    }

    void averageExplanationSumsToTheLogits()
    {
        const auto map = courseToyMap();
        AverageEmojifier v1(map, 3);
        Rng rng(2);
        v1.initialize(rng);
        v1.b << 0.1, -0.2, 0.3;
        const auto e = v1.explain("a foo c_w c_w");
        QCOMPARE(e.tokens.size(), std::size_t(4));
        QCOMPARE(e.known, (std::vector<bool>{true, false, true, true}));
        QVERIFY(e.contributions.col(1).isZero());
        // W e_a / 3 for "a" (n = 3 known words)
        QVERIFY((e.contributions.col(0) - v1.W * map->vector("a") / 3).cwiseAbs().maxCoeff() < 1e-12);
        const Eigen::VectorXd p = v1.probabilities("a foo c_w c_w");
        QVERIFY((e.probabilities - p).cwiseAbs().maxCoeff() < 1e-12);
        Eigen::VectorXd z = e.contributions.rowwise().sum() + e.bias;
        z = (z.array() - z.maxCoeff()).exp();
        QVERIFY((z / z.sum() - p).cwiseAbs().maxCoeff() < 1e-12);
    }

    void lstmGradientCheckPasses()
    {
        const GradCheckReport report = runGradCheckSuite(1, "emojify_v2");
        QCOMPARE(report.checks.size(), std::size_t(2));
        for (const auto& c : report.checks) QVERIFY2(c.passed(), (c.name + ": " + std::to_string(c.error)).c_str());
        for (const auto& c : report.floatChecks)
            QVERIFY2(c.passed(), (c.name + " (float): " + std::to_string(c.error)).c_str());
    }

    void lstmPaddingIsMasked()
    {
        // A sentence's probabilities do not depend on how far its batch is padded or what else is in it.
        const auto s = synthetic(4);
        LstmEmojifier<double> v2(s.vectors, {.classes = 3, .hidden = 5, .maxLength = 8});
        Rng rng(7);
        v2.initialize(rng);
        const MatD alone = v2.probabilities(v2.encode({"the w01 is"}));
        const MatD padded = v2.probabilities(v2.encode({"a w21 is very so it the", "the w01 is", "nothing known"}, 8));
        QVERIFY((alone.col(0) - padded.col(1)).cwiseAbs().maxCoeff() < 1e-14);
        // training loss in Infer mode matches the inference path
        MatD P;
        const std::vector<std::int32_t> labels = {2, 0, 1};
        v2.forwardBackward(v2.encode({"a w21 is very so it the", "the w01 is", "nothing known"}, 8), labels,
                           Mode::Infer, rng, false, &P);
        QVERIFY((P - padded).cwiseAbs().maxCoeff() < 1e-14);
        // explain: the last prefix is the prediction; one step per known word
        const auto e = v2.explain("The foo w01 is");
        QCOMPARE(e.steps, (std::vector<int>{0, -1, 1, 2}));
        QCOMPARE(e.prefixProbabilities.cols(), 3);
        QCOMPARE(e.hidden1.rows(), 5);
        QCOMPARE(e.hidden2.cols(), 3);
        QVERIFY((e.probabilities - alone.col(0)).cwiseAbs().maxCoeff() < 1e-14);
        QCOMPARE(v2.explain("nothing known").prefixProbabilities.cols(), 0);
    }

    void shortTrainingSeparatesAnEasySet()
    {
        const auto s = synthetic(11);
        EmojifyOptions o;
        o.v1.epochs = 60;
        o.v1.learningRate = 0.1;
        o.v2.epochs = 25;
        o.v2.hidden = 8;
        o.v2.batch = 8;
        o.v2.learningRate = 0.01;
        EmojifyTask task(s.data, s.vectors, o);
        QCOMPARE(task.totalSteps(), 60);
        QCOMPARE(task.maxLength(), 3);
        const auto before = task.confusion(Variant::V2, s.data.test);
        QCOMPARE(before.sum(), 30);
        while (!task.finished()) task.step();
        QCOMPARE(task.history(Variant::V1).size(), std::size_t(60));
        QCOMPARE(task.history(Variant::V2).size(), std::size_t(25));
        const auto& h1 = task.history(Variant::V1);
        const auto& h2 = task.history(Variant::V2);
        QVERIFY(h1.back().loss < h1.front().loss);
        QVERIFY(h2.back().loss < h2.front().loss);
        QVERIFY2(h1.back().testAccuracy >= 0.95, std::to_string(h1.back().testAccuracy).c_str());
        QVERIFY2(h2.back().testAccuracy >= 0.95, std::to_string(h2.back().testAccuracy).c_str());
        const auto C = task.confusion(Variant::V2, s.data.test);
        QCOMPARE(C.sum(), 30);
        QVERIFY(C.trace() >= 29);
        QVERIFY_THROWS_EXCEPTION(InputError, task.step());
    }

    void modelsSurviveTheFile()
    {
        const auto s = synthetic(5);
        EmojifyOptions o;
        o.v1.epochs = 3;
        o.v2.epochs = 2;
        o.v2.hidden = 4;
        o.v2.trainableEmbedding = true;
        EmojifyTask task(s.data, s.vectors, o);
        while (!task.finished()) task.step();
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.safetensors").toStdString();
        task.saveModels(path);
        const EmojifyModels loaded = loadEmojifyModels(path);
        QCOMPARE(loaded.classes.size(), std::size_t(3));
        QCOMPARE(loaded.classes[2].name, std::string("two"));
        QVERIFY(loaded.v1 && loaded.v2);
        QCOMPARE(loaded.v2->config().maxLength, 3);
        QVERIFY(loaded.v2->config().trainableEmbedding);
        for (const char* text : {"the w12 is", "w01 w22", "nothing"}) {
            const auto a = task.v1()->predict(text), b = loaded.v1->predict(text);
            QVERIFY((a.probabilities - b.probabilities).cwiseAbs().maxCoeff() < 1e-6);
            const auto c = task.v2()->predict(text), d = loaded.v2->predict(text);
            QVERIFY((c.probabilities - d.probabilities).cwiseAbs().maxCoeff() < 1e-6);
        }
        // the predictions as CSV: a header, one row per sentence, probabilities that read back
        const std::string csv = predictionsCsv(loaded, {{"the w12 is", 1, 1}, {"a, b \"c\"", -1, 2}});
        const auto lines = QString::fromStdString(csv).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QString("sentence,label,v1,v1_emoji,v1_p0,v1_p1,v1_p2,v2,v2_emoji,v2_p0,v2_p1,v2_p2"));
        const QStringList row = lines[1].split(',');
        QCOMPARE(row.size(), 12);
        QCOMPARE(row[0], QString("the w12 is"));
        QCOMPARE(row[2].toInt(), loaded.v1->predict("the w12 is").label);
        QCOMPARE(row[3], QString::fromStdString(loaded.classes[std::size_t(row[2].toInt())].name));
        QCOMPARE(row[4].toDouble(), loaded.v1->predict("the w12 is").probabilities(0));
        QVERIFY(lines[2].startsWith("\"a, b \"\"c\"\"\",,"));
        // a model file of another lab is refused by name
        ModelFile other;
        other.kind = "charlm";
        other.vocab = {"a", "b"};
        const std::string otherPath = dir.filePath("o.safetensors").toStdString();
        saveModel(otherPath, other);
        QCOMPARE(inputErrorOf([&] { loadEmojifyModels(otherPath); }),
                 QString::fromStdString(otherPath) + ": holds a \"charlm\" model, not an emojify model");
    }

    void taskRejectsBadOptions()
    {
        const auto s = synthetic(1);
        EmojifyOptions o;
        o.v2.batch = 0;
        QCOMPARE(inputErrorOf([&] { EmojifyTask(s.data, s.vectors, o); }),
                 QString("batch size 0 must be at least 1"));
        o = {};
        o.v2.dropout = 1;
        QCOMPARE(inputErrorOf([&] { EmojifyTask(s.data, s.vectors, o); }),
                 QString("dropout rate 1 must be in [0, 1)"));
        QCOMPARE(inputErrorOf([] { parseVariant("v3"); }), QString("unknown variant \"v3\" (known: v1, v2, both)"));
        EmojifyData bad = s.data;
        bad.test.sentences[0].label = 7;
        o = {};
        QVERIFY(inputErrorOf([&] { EmojifyTask(bad, s.vectors, o); }).contains("beyond the training data's 3 classes"));
    }
};

QTEST_GUILESS_MAIN(TestEmojify)
#include "tst_emojify.moc"
