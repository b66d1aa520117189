// The seeded examples of the Sequence Models course (deeplearning.ai, week 1) against two sources:
//   - the numbers the notebook prints (2021 values), to the digits printed there (the eight RNN/LSTM
//     examples of core/course/CourseExamples; the Dinosaur Island ones are checked in tst_coursenames);
//   - an independent numpy implementation of the same functions, every element of every array, to 1e-10
//     (tests/data/course_examples.json, written by scripts/refs/make_course_reference.py with numpy 1.24.2): the eight
//     and Dinosaur Island's clip, sample and optimize (charlm/CourseNames).
// Also the shapes and key order of the course's return values, the text (what `unroll-cli course-examples` prints)
// against numpy's own str() of the same elements, and that the comparison can fail.
#include "charlm/CourseNames.hpp"
#include "course/CourseExamples.hpp"
#include "emojify/CourseEmojify.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <cstdio>

using namespace unroll;

namespace {

// numpy prints array elements with 8 decimals and drops trailing zeros ("0.6531151" is 0.65311510).
QString printedInArray(double v)
{
    QString s = QString::asprintf("%.8f", v);
    while (s.endsWith('0')) s.chop(1);
    if (s.endsWith('.')) s += '0';
    return s;
}

// The notebook's scalar prints come from Python 2's str(), i.e. 12 significant digits ("0.172117767533").
QString printedAsScalar(double v) { return QString::asprintf("%.12g", v); }

// Every element of `actual` printed as numpy prints it equals the spec's string.
void checkArrayPrint(const char* what, std::span<const double> actual, const QStringList& printed)
{
    QCOMPARE(qsizetype(actual.size()), printed.size());
    for (qsizetype k = 0; k < printed.size(); ++k)
        QVERIFY2(printedInArray(actual[size_t(k)]) == printed[k],
                 qPrintable(QString("%1 element %2 is %3, the notebook printed %4")
                                .arg(what).arg(k).arg(actual[size_t(k)], 0, 'g', 17).arg(printed[k])));
}

void checkScalarPrint(const char* what, double actual, const char* printed)
{
    QVERIFY2(printedAsScalar(actual) == QString(printed),
             qPrintable(QString("%1 is %2, the notebook printed %3").arg(what).arg(actual, 0, 'g', 17).arg(printed)));
}

const CourseExample& find(const std::vector<CourseExample>& all, const std::string& function)
{
    for (const auto& ex : all)
        if (ex.function == function) return ex;
    throw std::out_of_range("no example " + function);
}

// The print line of the text that starts with `lhs` ("caches[1][1][3] = "), its bracketed numbers as strings.
QStringList printedNumbers(const QString& text, const QString& lhs)
{
    const qsizetype at = text.indexOf("\n" + lhs);
    if (at < 0) return {};
    const qsizetype open = text.indexOf('[', at + 1 + lhs.size()), close = text.indexOf(']', open);
    return text.mid(open + 1, close - open - 1).simplified().split(' ');
}

QJsonObject loadReference()
{
    QFile file(UNROLL_TEST_DATA_DIR "/course_examples.json");
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// A reference array (nested JSON arrays) flattened in C order, its shape found from the nesting.
struct Flat {
    std::vector<std::int64_t> shape;
    std::vector<double> data;
};
void flatten(const QJsonValue& v, std::size_t depth, Flat& out)
{
    if (!v.isArray()) {
        out.data.push_back(v.toDouble());
        return;
    }
    const QJsonArray a = v.toArray();
    if (out.shape.size() == depth) out.shape.push_back(a.size());
    for (const auto& item : a) flatten(item, depth + 1, out);
}

// The values under an object, counting those inside nested objects (clip's "maxValue_10": {…}) one by one.
qsizetype leafCount(const QJsonObject& o)
{
    qsizetype n = 0;
    for (const auto& v : o) n += v.isObject() ? leafCount(v.toObject()) : 1;
    return n;
}

// Every array of every example against the reference's "functions": one message per disagreement (missing
// function or key, shape, or the first element beyond |ours - ref| <= tol * max(1, |ref|)). A key "group/name" is
// `name` in the reference's object `group`; a 0-d array (shape ()) is a plain JSON number.
QStringList compareToReference(const std::vector<CourseExample>& ours, const QJsonObject& functions, double tol)
{
    QStringList problems;
    for (const auto& ex : ours) {
        const QString fn = QString::fromStdString(ex.function);
        if (!functions.contains(fn)) {
            problems << fn + ": missing from the reference";
            continue;
        }
        const QJsonObject refArrays = functions.value(fn).toObject();
        if (leafCount(refArrays) != qsizetype(ex.arrays.size()))
            problems << QString("%1: %2 arrays, the reference has %3")
                            .arg(fn).arg(ex.arrays.size()).arg(leafCount(refArrays));
        for (const auto& [key, a] : ex.arrays) {
            const QString name = fn + "." + QString::fromStdString(key);
            const QStringList path = QString::fromStdString(key).split('/');
            QJsonObject parent = refArrays;
            for (qsizetype k = 0; k + 1 < path.size(); ++k) parent = parent.value(path[k]).toObject();
            if (!parent.contains(path.back()) || parent.value(path.back()).isObject()) {
                problems << name + ": missing from the reference";
                continue;
            }
            Flat ref;
            flatten(parent.value(path.back()), 0, ref);
            if (ref.shape != a.shape || ref.data.size() != a.data.size()) {
                problems << name + ": shape " + QString::fromStdString(a.shapeString()) + " differs from the reference";
                continue;
            }
            for (std::size_t k = 0; k < a.data.size(); ++k) {
                if (std::abs(a.data[k] - ref.data[k]) <= tol * std::max(1.0, std::abs(ref.data[k]))) continue;
                problems << QString("%1: flat element %2 is %3, numpy gives %4")
                                .arg(name).arg(k).arg(a.data[k], 0, 'g', 17).arg(ref.data[k], 0, 'g', 17);
                break;
            }
        }
    }
    return problems;
}

// The text's lines against numpy's printed lines. Lines must be equal, except that a scalar ("x[1][2] = -1.38…")
// is printed with all 17 digits, whose last ones depend on the order of the sums: those compare to 1e-12.
QStringList compareText(const QString& ours, const QString& numpy)
{
    const QStringList a = ours.trimmed().split('\n'), b = numpy.trimmed().split('\n');
    QStringList problems;
    if (a.size() != b.size()) problems << QString("%1 lines, numpy printed %2").arg(a.size()).arg(b.size());
    for (qsizetype k = 0; k < std::min(a.size(), b.size()); ++k) {
        if (a[k] == b[k]) continue;
        const auto lhsA = a[k].section(" = ", 0, 0), lhsB = b[k].section(" = ", 0, 0);
        bool okA = false, okB = false;
        const double va = a[k].section(" = ", 1).toDouble(&okA), vb = b[k].section(" = ", 1).toDouble(&okB);
        if (lhsA == lhsB && okA && okB && std::abs(va - vb) <= 1e-12 * std::max(1.0, std::abs(vb))) continue;
        problems << QString("line %1: '%2', numpy printed '%3'").arg(k + 1).arg(a[k], b[k]);
    }
    return problems;
}

} // namespace

class TestCourseExamples : public QObject {
    Q_OBJECT
private:
    std::vector<CourseExample> examples_; // the eight of Step by Step
    std::vector<CourseExample> all_;      // … then clip, sample, optimize (Dinosaur Island): what the CLI prints
    QJsonObject reference_;

private slots:
    void initTestCase()
    {
        examples_ = runCourseExamples();
        all_ = examples_;
        for (auto& ex : runDinosaurExamples()) all_.push_back(std::move(ex));
        reference_ = loadReference();
        QVERIFY2(!reference_.isEmpty(), "tests/data/course_examples.json is missing or not JSON");
    }

    // --- (1) the notebook's printed numbers (2021 values) ------------------------------------------------------

    void rnnCellForwardPrintsTheNotebooksNumbers()
    {
        const auto& ex = find(examples_, "rnn_cell_forward");
        checkArrayPrint("a_next[4]", ex.array("a_next").lastAxis({4}),
                        {"0.59584544", "0.18141802", "0.61311866", "0.99808218", "0.85016201", "0.99980978",
                         "-0.18887155", "0.99815551", "0.6531151", "0.82872037"});
        checkArrayPrint("yt_pred[1]", ex.array("yt_pred").lastAxis({1}),
                        {"0.9888161", "0.01682021", "0.21140899", "0.36817467", "0.98988387", "0.88945212",
                         "0.36920224", "0.9966312", "0.9982559", "0.17746526"});
    }

    void rnnForwardPrintsTheNotebooksNumbers()
    {
        const auto& ex = find(examples_, "rnn_forward");
        checkArrayPrint("a[4][1]", ex.array("a").lastAxis({4, 1}),
                        {"-0.99999375", "0.77911235", "-0.99861469", "-0.99833267"});
        checkArrayPrint("y_pred[1][3]", ex.array("y_pred").lastAxis({1, 3}),
                        {"0.79560373", "0.86224861", "0.11118257", "0.81515947"});
        // caches[1][1][3] is x[1][3], our draw of x (3,10,4): checked through the printed line.
        const QString text = QString::fromStdString(courseExamplesText({ex}));
        QCOMPARE(printedNumbers(text, "caches[1][1][3] = "),
                 QStringList({"-1.1425182", "-0.34934272", "-0.20889423", "0.58662319"}));
        QVERIFY(text.contains("\nlen(caches) = 2\n"));
    }

    void lstmCellForwardPrintsTheNotebooksNumbers()
    {
        const auto& ex = find(examples_, "lstm_cell_forward");
        checkArrayPrint("a_next[4]", ex.array("a_next").lastAxis({4}),
                        {"-0.66408471", "0.0036921", "0.02088357", "0.22834167", "-0.85575339", "0.00138482",
                         "0.76566531", "0.34631421", "-0.00215674", "0.43827275"});
        checkArrayPrint("c_next[2]", ex.array("c_next").lastAxis({2}),
                        {"0.63267805", "1.00570849", "0.35504474", "0.20690913", "-1.64566718", "0.11832942",
                         "0.76449811", "-0.0981561", "-0.74348425", "-0.26810932"});
        checkArrayPrint("yt[1]", ex.array("yt_pred").lastAxis({1}),
                        {"0.79913913", "0.15986619", "0.22412122", "0.15606108", "0.97057211", "0.31146381",
                         "0.00943007", "0.12666353", "0.39380172", "0.07828381"});
        // cache[1][3]: cache = (a_next, c_next, …), so this is c_next[3].
        checkArrayPrint("cache[1][3]", ex.array("c_next").lastAxis({3}),
                        {"-0.16263996", "1.03729328", "0.72938082", "-0.54101719", "0.02752074", "-0.30821874",
                         "0.07651101", "-1.03752894", "1.41219977", "-0.37647422"});
        QVERIFY(QString::fromStdString(courseExamplesText({ex})).contains("\nlen(cache) = 10\n"));
    }

    void lstmForwardPrintsTheNotebooksNumbers()
    {
        const auto& ex = find(examples_, "lstm_forward");
        const double a = ex.array("a").at({4, 3, 6});
        checkScalarPrint("a[4][3][6]", a, "0.172117767533");
        // The TF2-era notebooks print 0.17211776753291672; numpy 1.24 here gives …663 (the sums' order): 15 digits.
        QVERIFY2(std::abs(a - 0.17211776753291672) < 1e-15, qPrintable(QString::number(a, 'g', 17)));
        checkScalarPrint("y[1][4][3]", ex.array("y").at({1, 4, 3}), "0.95087346185");
        checkScalarPrint("c[1][2][1]", ex.array("c").at({1, 2, 1}), "-0.855544916718");
        const QString text = QString::fromStdString(courseExamplesText({ex}));
        QCOMPARE(printedNumbers(text, "caches[1][1][1] = "),
                 QStringList({"0.82797464", "0.23009474", "0.76201118", "-0.22232814", "-0.20075807", "0.18656139",
                              "0.41005165"}));
        QVERIFY(text.contains("\nlen(caches) = 2\n"));
    }

    void rnnCellBackwardPrintsThe2021Numbers()
    {
        const auto& ex = find(examples_, "rnn_cell_backward"); // 2021 (Wax drawn before Waa)
        checkScalarPrint("dxt[1][2]", ex.array("dxt").at({1, 2}), "-1.3872130506");
        checkScalarPrint("da_prev[2][3]", ex.array("da_prev").at({2, 3}), "-0.152399493774");
        checkScalarPrint("dWax[3][1]", ex.array("dWax").at({3, 1}), "0.410772824935");
        checkScalarPrint("dWaa[1][2]", ex.array("dWaa").at({1, 2}), "1.15034506685");
        checkArrayPrint("dba[4]", ex.array("dba").lastAxis({4}), {"0.20023491"});
    }

    void rnnBackwardPrintsTheNotebooksNumbers()
    {
        const auto& ex = find(examples_, "rnn_backward");
        checkArrayPrint("dx[1][2]", ex.array("dx").lastAxis({1, 2}),
                        {"-2.07101689", "-0.59255627", "0.02466855", "0.01483317"});
        checkScalarPrint("da0[2][3]", ex.array("da0").at({2, 3}), "-0.314942375127");
        checkScalarPrint("dWax[3][1]", ex.array("dWax").at({3, 1}), "11.2641044965");
        checkScalarPrint("dWaa[1][2]", ex.array("dWaa").at({1, 2}), "2.30333312658");
        checkArrayPrint("dba[4]", ex.array("dba").lastAxis({4}), {"-0.74747722"});
    }

    void lstmCellBackwardPrintsTheNotebooksNumbers()
    {
        const auto& ex = find(examples_, "lstm_cell_backward");
        checkScalarPrint("dxt[1][2]", ex.array("dxt").at({1, 2}), "3.23055911511");
        checkScalarPrint("da_prev[2][3]", ex.array("da_prev").at({2, 3}), "-0.0639621419711");
        checkScalarPrint("dc_prev[2][3]", ex.array("dc_prev").at({2, 3}), "0.797522038797");
        checkScalarPrint("dWf[3][1]", ex.array("dWf").at({3, 1}), "-0.147954838164");
        checkScalarPrint("dWi[1][2]", ex.array("dWi").at({1, 2}), "1.05749805523");
        checkScalarPrint("dWc[3][1]", ex.array("dWc").at({3, 1}), "2.30456216369");
        checkScalarPrint("dWo[1][2]", ex.array("dWo").at({1, 2}), "0.331311595289");
        checkArrayPrint("dbf[4]", ex.array("dbf").lastAxis({4}), {"0.18864637"});
        checkArrayPrint("dbi[4]", ex.array("dbi").lastAxis({4}), {"-0.40142491"});
        checkArrayPrint("dbc[4]", ex.array("dbc").lastAxis({4}), {"0.25587763"});
        checkArrayPrint("dbo[4]", ex.array("dbo").lastAxis({4}), {"0.13893342"});
    }

    void lstmBackwardPrintsThe2021Numbers()
    {
        const auto& ex = find(examples_, "lstm_backward"); // 2021 (Wy, by zeros, not drawn)
        checkArrayPrint("dx[1][2]", ex.array("dx").lastAxis({1, 2}),
                        {"0.00218254", "0.28205375", "-0.48292508", "-0.43281115"});
        checkScalarPrint("da0[2][3]", ex.array("da0").at({2, 3}), "0.312770310257");
        checkScalarPrint("dWf[3][1]", ex.array("dWf").at({3, 1}), "-0.0809802310938");
        checkScalarPrint("dWi[1][2]", ex.array("dWi").at({1, 2}), "0.40512433093");
        checkScalarPrint("dWc[3][1]", ex.array("dWc").at({3, 1}), "-0.0793746735512");
        checkScalarPrint("dWo[1][2]", ex.array("dWo").at({1, 2}), "0.038948775763");
        checkArrayPrint("dbf[4]", ex.array("dbf").lastAxis({4}), {"-0.15745657"});
        checkArrayPrint("dbi[4]", ex.array("dbi").lastAxis({4}), {"-0.50848333"});
        checkArrayPrint("dbc[4]", ex.array("dbc").lastAxis({4}), {"-0.42510818"});
        checkArrayPrint("dbo[4]", ex.array("dbo").lastAxis({4}), {"-0.17958196"});
    }

    // --- (2) every element against the numpy reference --------------------------------------------------------

    void everyArrayMatchesTheNumpyReference()
    {
        const QJsonObject functions = reference_.value("functions").toObject();
        QCOMPARE(functions.size(), qsizetype(11 + 2)); // + Emojify's sentence_to_avg and sentences_to_indices
        QStringList problems = compareToReference(all_, functions, 1e-10);
        problems += compareToReference(runEmojifyExamples(), functions, 1e-15);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    // --- (3) shapes and key order: the course's return values --------------------------------------------

    void shapesAndKeysAreTheCourses()
    {
        using Shape = std::vector<std::int64_t>;
        const Shape s3x10{3, 10}, s5x10{5, 10}, s2x10{2, 10}, s5x1{5, 1}, s5x8{5, 8};
        const std::vector<std::pair<std::string, std::vector<std::pair<std::string, Shape>>>> table = {
            {"rnn_cell_forward", {{"a_next", s5x10}, {"yt_pred", s2x10}}},
            {"rnn_forward", {{"a", {5, 10, 4}}, {"y_pred", {2, 10, 4}}}},
            {"lstm_cell_forward", {{"a_next", s5x10}, {"c_next", s5x10}, {"yt_pred", s2x10}}},
            {"lstm_forward", {{"a", {5, 10, 7}}, {"y", {2, 10, 7}}, {"c", {5, 10, 7}}}},
            {"rnn_cell_backward",
             {{"dxt", s3x10}, {"da_prev", s5x10}, {"dWax", {5, 3}}, {"dWaa", {5, 5}}, {"dba", s5x1}}},
            {"rnn_backward", {{"dx", {3, 10, 4}}, {"da0", s5x10}, {"dWax", {5, 3}}, {"dWaa", {5, 5}}, {"dba", s5x1}}},
            {"lstm_cell_backward",
             {{"dxt", s3x10}, {"da_prev", s5x10}, {"dc_prev", s5x10}, {"dWf", s5x8}, {"dWi", s5x8}, {"dWc", s5x8},
              {"dWo", s5x8}, {"dbf", s5x1}, {"dbi", s5x1}, {"dbc", s5x1}, {"dbo", s5x1}}},
            {"lstm_backward",
             {{"dx", {3, 10, 4}}, {"da0", s5x10}, {"dWf", s5x8}, {"dWi", s5x8}, {"dWc", s5x8}, {"dWo", s5x8},
              {"dbf", s5x1}, {"dbi", s5x1}, {"dbc", s5x1}, {"dbo", s5x1}}},
        };
        QCOMPARE(examples_.size(), table.size());
        for (std::size_t f = 0; f < table.size(); ++f) {
            const auto& ex = examples_[f];
            QCOMPARE(ex.function, table[f].first);
            QCOMPARE(ex.arrays.size(), table[f].second.size());
            for (std::size_t k = 0; k < ex.arrays.size(); ++k) {
                QCOMPARE(ex.arrays[k].first, table[f].second[k].first);
                QVERIFY2(ex.arrays[k].second.shape == table[f].second[k].second,
                         qPrintable(QString::fromStdString(ex.function + "." + ex.arrays[k].first + " has shape " +
                                                           ex.arrays[k].second.shapeString())));
                std::size_t n = 1;
                for (auto d : ex.arrays[k].second.shape) n *= std::size_t(d);
                QCOMPARE(ex.arrays[k].second.data.size(), n);
            }
        }
    }

    void dinosaurShapesAndKeysAreTheCourses()
    {
        // Dinosaur Island: clip returns dWaa, dWax, dWya, db, dby; optimize returns loss, those, a[len(X) - 1].
        using Shape = std::vector<std::int64_t>;
        const std::vector<std::pair<std::string, Shape>> clipped = {
            {"dWaa", {5, 5}}, {"dWax", {5, 3}}, {"dWya", {2, 5}}, {"db", {5, 1}}, {"dby", {2, 1}}};
        const std::vector<std::pair<std::string, std::vector<std::pair<std::string, Shape>>>> table = {
            {"clip", {}},
            {"sample", {{"indices", {22}}}},
            {"optimize",
             {{"loss", {}}, {"dWaa", {100, 100}}, {"dWax", {100, 27}}, {"dWya", {27, 100}}, {"db", {100, 1}},
              {"dby", {27, 1}}, {"a_last", {100, 1}}}},
        };
        auto expected = table;
        for (const char* group : {"maxValue_10/", "maxValue_5/"})
            for (const auto& [key, shape] : clipped) expected[0].second.emplace_back(group + key, shape);
        QCOMPARE(all_.size(), std::size_t(11));
        for (std::size_t f = 0; f < expected.size(); ++f) {
            const auto& ex = all_[8 + f];
            QCOMPARE(ex.function, expected[f].first);
            QCOMPARE(ex.arrays.size(), expected[f].second.size());
            for (std::size_t k = 0; k < ex.arrays.size(); ++k) {
                QCOMPARE(ex.arrays[k].first, expected[f].second[k].first);
                QVERIFY2(ex.arrays[k].second.shape == expected[f].second[k].second,
                         qPrintable(QString::fromStdString(ex.function + "." + ex.arrays[k].first + " has shape " +
                                                           ex.arrays[k].second.shapeString())));
                QCOMPARE(ex.arrays[k].second.integer, ex.function == "sample");
            }
        }
        QCOMPARE(all_[10].array("loss").shapeString(), std::string("()")); // numpy's 0-d array
    }

    // --- (4) the comparison can fail ---------------------------------------------------------------------------

    void referenceComparisonReportsAPerturbedValue()
    {
        const QJsonObject functions = reference_.value("functions").toObject();
        auto perturbed = examples_;
        auto& dWo = perturbed[7].arrays[5]; // lstm_backward dWo
        QCOMPARE(dWo.first, std::string("dWo"));
        dWo.second.data[13] += 1e-9; // ten times the tolerance
        const QStringList problems = compareToReference(perturbed, functions, 1e-10);
        QCOMPARE(problems.size(), qsizetype(1));
        QVERIFY2(problems[0].startsWith("lstm_backward.dWo: flat element 13"), qPrintable(problems[0]));
        // A wrong shape (a transposed array) and a missing key are reported too.
        auto transposed = examples_;
        std::swap(transposed[4].arrays[2].second.shape[0], transposed[4].arrays[2].second.shape[1]);
        transposed[0].arrays.pop_back();
        QCOMPARE(compareToReference(transposed, functions, 1e-10).size(), qsizetype(2));
        // A value inside a group ("maxValue_5/dby") and a scalar (optimize's loss) are compared too.
        auto dinos = std::vector<CourseExample>(all_.begin() + 8, all_.end());
        QCOMPARE(dinos[0].arrays[9].first, std::string("maxValue_5/dby"));
        dinos[0].arrays[9].second.data[1] = 4.999;
        dinos[2].arrays[0].second.data[0] += 1e-6;
        const QStringList dinoProblems = compareToReference(dinos, functions, 1e-10);
        QCOMPARE(dinoProblems.size(), qsizetype(2));
        QVERIFY2(dinoProblems[0].startsWith("clip.maxValue_5/dby: flat element 1"), qPrintable(dinoProblems[0]));
        QVERIFY2(dinoProblems[1].startsWith("optimize.loss: flat element 0"), qPrintable(dinoProblems[1]));
    }

    void textComparisonReportsAWrongDigit()
    {
        const QString numpy = reference_.value("printed").toVariant().toStringList().join('\n');
        QString ours = QString::fromStdString(courseExamplesText(all_));
        QVERIFY(compareText(ours, numpy).isEmpty());
        ours.replace("0.59584544", "0.59584545");
        QCOMPARE(compareText(ours, numpy).size(), qsizetype(1));
    }

    // --- the text: what the notebook prints, against numpy's own str() -----------------------------------------

    void textEqualsNumpysPrints()
    {
        const QString numpy = reference_.value("printed").toVariant().toStringList().join('\n');
        QVERIFY(!numpy.isEmpty());
        const QString ours = QString::fromStdString(courseExamplesText(all_));
        const QStringList problems = compareText(ours, numpy);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QVERIFY(ours.startsWith("rnn_cell_forward\na_next[4] = [ 0.59584544  0.18141802  0.61311866  0.99808218  "
                                "0.85016201  0.99980978\n -0.18887155  0.99815551  0.6531151   0.82872037]\n"
                                "a_next.shape = (5, 10)\n"));
    }

    void arrayStringsEqualNumpysStr()
    {
        // numpy's str() of arrays the course's lines do not reach: scientific notation, no negative, zeros, wrapping.
        const QJsonArray samples = reference_.value("array_str_samples").toArray();
        QVERIFY(samples.size() >= 8);
        for (const auto& s : samples) {
            std::vector<double> values;
            for (const auto& v : s.toObject().value("values").toArray()) values.push_back(v.toString().toDouble());
            const QString expected = s.toObject().value("str").toString();
            QCOMPARE(QString::fromStdString(numpyArrayString(values)), expected);
        }
        for (const auto& s : reference_.value("scalar_str_samples").toArray()) {
            const double v = s.toObject().value("value").toString().toDouble();
            QCOMPARE(QString::fromStdString(numpyScalarString(v)), s.toObject().value("str").toString());
        }
    }

    void badIndexThrowsNamingTheShape()
    {
        const auto& a = find(examples_, "rnn_forward").array("a");
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, a.at({5, 0, 0}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, a.lastAxis({4}));
        try {
            a.at({0, 10, 0});
            QFAIL("an index outside the shape was accepted");
        } catch (const std::out_of_range& e) {
            QCOMPARE(QString(e.what()), QString("index [0][10][0] outside shape (5, 10, 4)"));
        }
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, find(examples_, "rnn_forward").array("c"));
    }
};

QTEST_GUILESS_MAIN(TestCourseExamples)
#include "tst_courseexamples.moc"
