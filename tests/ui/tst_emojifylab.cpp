// The Emojify lab offscreen, on the built-in sentences and vectors with small models (V1 5 epochs, V2 3 epochs of an
// LSTM of 16 units), so every test takes a moment: a typed sentence gets both models' class probabilities and V1's
// word chips; a few epochs put points of both models on the plot; a click on a confusion cell lists exactly that
// cell's test sentences; the emoji font decides between emoji and class names (both paths); the views' models are
// copies that training does not touch; a bad CSV is refused naming its file and line; saved models open again and
// predict the same.
#include "labs/EmojifyLab.hpp"
#include "labs/emojify/EmojiText.hpp"
#include "labs/emojify/EpochPlot.hpp"
#include "labs/emojify/Views.hpp"
#include "widgets/HeatmapView.hpp"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace unroll;

namespace {

QSpinBox* spinBox(EmojifyLab& lab, const char* name)
{
    auto* s = lab.findChild<QSpinBox*>(name);
    if (!s) qFatal("no spin box %s", name);
    return s;
}

void useSmallSettings(EmojifyLab& lab)
{
    spinBox(lab, "v1Epochs")->setValue(5);
    spinBox(lab, "v2Epochs")->setValue(3);
    spinBox(lab, "n_a")->setValue(16);
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

double sum(const Eigen::VectorXd& p) { return p.sum(); }

} // namespace

class TestEmojifyLab : public QObject {
    Q_OBJECT
private slots:
    void emojiFontDecidesBetweenEmojiAndName()
    {
        QVERIFY(emojiFontAvailable(QStringList{"DejaVu Sans", "Noto Color Emoji"}));
        QVERIFY(emojiFontAvailable(QStringList{"noto color emoji"}));
        QVERIFY(!emojiFontAvailable(QStringList{"DejaVu Sans", "Noto Sans"}));
        QVERIFY(!emojiFontAvailable(QStringList{}));

        const auto& course = emojify::courseClasses();
        QCOMPARE(course.size(), std::size_t(5));
        const ClassText withFont = classText(course[3], 3, true);
        QVERIFY(withFont.emoji);
        QCOMPARE(withFont.text, QString::fromStdString(course[3].emoji));
        const ClassText without = classText(course[3], 3, false);
        QVERIFY(!without.emoji);
        QCOMPARE(without.text, QString::fromStdString(course[3].name));
        QCOMPARE(classText({"", ""}, 7, true).text, QString("class 7")); // unnamed, no emoji: its index
        QVERIFY(!classText({"dogs", ""}, 5, true).emoji);                 // named, no emoji: its name

        // The bars: the emoji label carries the colour emoji font explicitly; without it, the name in text.
        ProbabilityBars colour;
        colour.setClasses(course, true);
        QCOMPARE(colour.classLabel(3)->text(), QString::fromStdString(course[3].emoji));
        QCOMPARE(colour.classLabel(3)->font().family(), QString("Noto Color Emoji"));
        ProbabilityBars plain;
        plain.setClasses(course, false);
        QCOMPARE(plain.classLabel(3)->text(), QString::fromStdString(course[3].name));
        QVERIFY(plain.classLabel(3)->font().family() != QString("Noto Color Emoji"));
    }

    void typingShowsBothModelsProbabilities()
    {
        EmojifyLab lab;
        useSmallSettings(lab);
        lab.performSteps(2);
        QLineEdit* input = lab.inputBox();
        input->clear();
        QCOMPARE(lab.probabilityBars()->probabilities(0).size(), Eigen::Index(5)); // an empty sentence predicts too
        QTest::keyClicks(input, "i love you");
        QCOMPARE(input->text(), QString("i love you"));
        const Eigen::VectorXd p1 = lab.probabilityBars()->probabilities(0);
        const Eigen::VectorXd p2 = lab.probabilityBars()->probabilities(1);
        QCOMPARE(p1.size(), Eigen::Index(5));
        QCOMPARE(p2.size(), Eigen::Index(5));
        QVERIFY(std::abs(sum(p1) - 1) < 1e-6);
        QVERIFY(std::abs(sum(p2) - 1) < 1e-5);
        // The same numbers as the models the views hold (the snapshot's copies).
        QVERIFY((p1 - lab.currentModels()->v1->predict("i love you").probabilities).cwiseAbs().maxCoeff() < 1e-12);
        QCOMPARE(lab.wordChips()->chipCount(), 3);

        // Updated as you type: another sentence, other numbers; an unknown word is struck out (no class).
        input->clear();
        QTest::keyClicks(input, "food is qqzzxy");
        QVERIFY((lab.probabilityBars()->probabilities(0) - p1).cwiseAbs().maxCoeff() > 1e-6);
        QCOMPARE(lab.wordChips()->chipCount(), 3);
        QCOMPARE(lab.wordChips()->strongestClass(2), -1);
        QVERIFY(lab.wordChips()->strongestClass(0) >= 0);
        QVERIFY(lab.wordChips()->strongestClass(1) >= 0);
        QVERIFY(lab.wordChips()->chipTooltip(2).contains("not in the word vectors"));
        // The contributions table: the words, then b and the logits.
        QCOMPARE(lab.contributionTable()->rowCount(), 3 + 2);
        QCOMPARE(lab.prefixPlot()->barCount(), 2); // V2 steps over the two known words
        QCOMPARE(lab.hiddenHeatmap()->rows(), 2);
        QCOMPARE(lab.hiddenHeatmap()->cols(), 16);
    }

    void fewEpochsUpdateTheCurves()
    {
        EmojifyLab lab;
        useSmallSettings(lab);
        QCOMPARE(lab.epochPlot()->pointsShown(0), 0);
        lab.performSteps(2);
        QCOMPARE(lab.epochPlot()->pointsShown(0), 2);
        QCOMPARE(lab.epochPlot()->pointsShown(1), 2);
        lab.performSteps(2);
        QCOMPARE(lab.epochPlot()->pointsShown(0), 4);
        QCOMPARE(lab.epochPlot()->pointsShown(1), 3); // V2 has 3 epochs; V1 goes on
        QCOMPARE(lab.stepsDone(), qint64(4));
        const auto& h = lab.epochPlot()->history(0);
        QCOMPARE(h.back().epoch, 4);
        QVERIFY(h.back().loss < h.front().loss); // V1's SGD lowers its loss
        QVERIFY(lab.epochPlot()->toCsv().count('\n') == 1 + 4 + 3);
        lab.performSteps(5); // only one more: the run's end
        QCOMPARE(lab.stepsDone(), qint64(5));
    }

    void snapshotModelsAreCopiesTrainingLeavesAlone()
    {
        EmojifyLab lab;
        useSmallSettings(lab);
        lab.performSteps(1);
        const EmojifyModelsPtr before = lab.currentModels();
        QVERIFY(before && before->v1 && before->v2);
        const Eigen::MatrixXd W = before->v1->W;
        lab.performSteps(2);
        QVERIFY(lab.currentModels() != before);
        QVERIFY(lab.currentModels()->v1.get() != before->v1.get());
        QCOMPARE(before->v1->W, W);                                // the old copy is untouched
        QVERIFY((lab.currentModels()->v1->W - W).norm() > 0);      // the new one learned
    }

    void confusionCellClickListsItsSentences()
    {
        EmojifyLab lab;
        useSmallSettings(lab);
        lab.resize(1400, 900);
        lab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&lab));
        lab.performSteps(3);
        QVERIFY(lab.showView("confusion"));
        QCoreApplication::processEvents();

        const auto& test = lab.data().test;
        const auto actual = test.labels();
        const auto& predicted = lab.testPredictions(0);
        QCOMPARE(predicted.size(), actual.size());
        const Eigen::MatrixXi cm = emojify::confusionMatrix(actual, predicted, 5);
        // The busiest cell of V1's matrix.
        int r = 0, c = 0;
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 5; ++j)
                if (cm(i, j) > cm(r, c)) r = i, c = j;
        HeatmapView* map = lab.confusionMap(0);
        QCOMPARE(map->value(r, c), double(cm(r, c)));
        map->plot()->replot();
        const QPoint at = map->cellCenter(r, c);
        QCOMPARE(map->cellAt(at), (HeatmapView::Cell{r, c}));
        QTest::mouseClick(map->plot(), Qt::LeftButton, {}, at);
        QTableWidget* table = lab.confusionSentences();
        QCOMPARE(table->rowCount(), cm(r, c));
        const QString actualName = className(emojify::courseClasses()[std::size_t(r)], r);
        const QString predictedName = className(emojify::courseClasses()[std::size_t(c)], c);
        for (int row = 0; row < table->rowCount(); ++row) {
            QCOMPARE(table->item(row, 1)->text(), actualName);
            QCOMPARE(table->item(row, 2)->text(), predictedName);
        }
        // The sentences are the test set's of that cell, in order.
        int row = 0;
        for (std::size_t i = 0; i < test.sentences.size(); ++i)
            if (actual[i] == r && predicted[i] == c)
                QCOMPARE(table->item(row++, 0)->text(), QString::fromStdString(test.sentences[i].text));

        // The misclassified list counts what the two prediction vectors say.
        int eitherWrong = 0;
        for (std::size_t i = 0; i < actual.size(); ++i)
            eitherWrong += lab.testPredictions(0)[i] != actual[i] || lab.testPredictions(1)[i] != actual[i];
        lab.findChild<QComboBox*>("misclassifiedFilter")->setCurrentIndex(3); // "either is wrong"
        QCOMPARE(lab.misclassifiedTable()->rowCount(), eitherWrong);
        // The order-dependent sentences, labelled by both models too: the list holds those either gets wrong.
        const auto& order = lab.data().negations.sentences;
        QVERIFY(!order.empty());
        QCOMPARE(lab.orderPredictions(0).size(), order.size());
        QCOMPARE(lab.orderPredictions(1).size(), order.size());
        int orderWrong = 0;
        for (std::size_t i = 0; i < order.size(); ++i)
            orderWrong += lab.orderPredictions(0)[i] != order[i].label || lab.orderPredictions(1)[i] != order[i].label;
        lab.findChild<QComboBox*>("misclassifiedSet")->setCurrentIndex(1);
        QCOMPARE(lab.misclassifiedTable()->rowCount(), orderWrong);
    }

    void badCsvIsRefusedNamingFileAndLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("mine.csv");
        QVERIFY(writeFile(path, "sentence,label\ni love you,0\nlets play,one\n"));
        EmojifyLab lab;
        const std::size_t trainBefore = lab.data().train.size();
        lab.loadDataFile(path);
        QVERIFY(!lab.waitForFile());
        QVERIFY2(lab.message().contains("mine.csv") && lab.message().contains("line 3"), qPrintable(lab.message()));
        QCOMPARE(lab.data().train.size(), trainBefore); // the data is unchanged

        // A good file: the last 30% held out (as the command line does), classes from the labels.
        QByteArray good;
        for (int i = 0; i < 12; ++i) good += QByteArray("sentence number ") + QByteArray::number(i) + "," + QByteArray::number(i % 2) + "\n";
        QVERIFY(writeFile(dir.filePath("two.csv"), good));
        lab.loadDataFile(dir.filePath("two.csv"));
        QVERIFY(lab.waitForFile());
        QCOMPARE(lab.data().train.size() + lab.data().test.size(), std::size_t(12));
        QCOMPARE(lab.data().test.size(), std::size_t(3));
        QCOMPARE(lab.data().test.sentences.front().text, std::string("sentence number 9"));
        QCOMPARE(lab.data().train.classCount(), 5); // labels 0..1 without names: the course's five classes
    }

    void vectorsFileLoadsOffTheGuiThreadAndBadOnesAreNamed()
    {
        QTemporaryDir dir;
        // A few of the built-in sentences' words in 3 dimensions: the others are then missing, and say so.
        QVERIFY(writeFile(dir.filePath("tiny.txt"), "love 1 0 0\nball 0 1 0\nhappy 0 0 1\nsad 0 0 -1\nfood 1 1 0\n"));
        EmojifyLab lab;
        useSmallSettings(lab);
        lab.loadVectorsFile(dir.filePath("tiny.txt"));
        QVERIFY(lab.waitForFile());
        QVERIFY2(lab.message().contains("Loaded 5 vectors of 3 values"), qPrintable(lab.message()));
        QCOMPARE(lab.currentModels()->vectors->size(), std::int64_t(5));
        lab.inputBox()->setText("i love food");
        QCOMPARE(lab.wordChips()->strongestClass(0), -1); // "i" is not among the five
        QVERIFY(lab.wordChips()->strongestClass(1) >= 0);
        lab.performSteps(1); // trains on them
        QCOMPARE(lab.stepsDone(), qint64(1));

        QVERIFY(writeFile(dir.filePath("bad.txt"), "love 1 0 0\nball 0 1\n"));
        lab.loadVectorsFile(dir.filePath("bad.txt"));
        QVERIFY(!lab.waitForFile());
        QVERIFY2(lab.message().contains("bad.txt") && lab.message().contains("line 2"), qPrintable(lab.message()));
        QCOMPARE(lab.currentModels()->vectors->size(), std::int64_t(5)); // unchanged
    }

    void savedModelsOpenAndPredictTheSame()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("emojify.safetensors");
        EmojifyLab lab;
        useSmallSettings(lab);
        lab.performSteps(2);
        lab.inputBox()->setText("food is ready");
        const Eigen::VectorXd p1 = lab.probabilityBars()->probabilities(0);
        const Eigen::VectorXd p2 = lab.probabilityBars()->probabilities(1);
        lab.saveModelFile(path);
        QVERIFY(lab.waitForFile());
        QString error;
        QVERIFY2(lab.exportPredictions(dir.filePath("p.csv"), &error), qPrintable(error));
        QFile csv(dir.filePath("p.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray predictions = csv.readAll();
        QCOMPARE(predictions.count('\n'), qsizetype(1 + lab.data().test.size()));
        QVERIFY(predictions.startsWith("sentence,label,v1,v1_emoji,v1_p0,"));
        QVERIFY(predictions.contains(",v2,v2_emoji,v2_p0,"));

        EmojifyLab other;
        other.openModelFile(path);
        QVERIFY(other.waitForFile());
        other.inputBox()->setText("food is ready");
        // The file holds float32 (V1 trains in double): equal to float precision.
        QVERIFY((other.probabilityBars()->probabilities(0) - p1).cwiseAbs().maxCoeff() < 1e-5);
        QVERIFY((other.probabilityBars()->probabilities(1) - p2).cwiseAbs().maxCoeff() < 1e-5);

        // Not a model: refused with the file named.
        QVERIFY(writeFile(dir.filePath("junk.safetensors"), "not a model at all"));
        other.openModelFile(dir.filePath("junk.safetensors"));
        QVERIFY(!other.waitForFile());
        QVERIFY2(other.message().contains("junk.safetensors"), qPrintable(other.message()));
    }
};

QTEST_MAIN(TestEmojifyLab)
#include "tst_emojifylab.moc"
