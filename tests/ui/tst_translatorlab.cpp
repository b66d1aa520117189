// The date-translation lab offscreen, on a small configuration (a few hundred generated dates, n_a = 8, n_s = 16,
// batches of 25), so every test takes a moment: training puts points on the loss curve and, after each epoch, on the
// held-out plot and in the held-out table; a typed date gets a Ty x Tx attention map whose rows sum to 1, labelled
// with the input characters and the output symbols; the "training so far" slider replays earlier weights; the beam
// panel follows its width; a click on a held-out row puts its source in the box; a bad TSV file is refused with its
// line named and the data kept; a saved model opens again and translates the same.
#include "labs/TranslatorLab.hpp"
#include "labs/translator/BeamPanel.hpp"
#include "labs/translator/MetricsPlot.hpp"
#include "labs/translator/ThinnedHistory.hpp"
#include "labs/translator/ValidationTable.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <cmath>

using namespace unroll;

namespace {

constexpr int kStepsPerEpoch = 8; // 200 training pairs in batches of 25

QSpinBox* spinBox(TranslatorLab& lab, const char* name)
{
    auto* s = lab.findChild<QSpinBox*>(name);
    if (!s) qFatal("no spin box %s", name);
    return s;
}

// Small and quick: 200 training pairs, 40 held out, a tiny model, 3 epochs of 8 steps.
void useSmallSettings(TranslatorLab& lab, bool baseline = false)
{
    spinBox(lab, "examples")->setValue(200);
    spinBox(lab, "heldOut")->setValue(40);
    spinBox(lab, "n_a")->setValue(8);
    spinBox(lab, "n_s")->setValue(16);
    spinBox(lab, "n_h")->setValue(6);
    spinBox(lab, "batch")->setValue(25);
    spinBox(lab, "epochs")->setValue(3);
    lab.findChild<QCheckBox*>("baseline")->setChecked(baseline);
    QCOMPARE(lab.data().pairs.size(), std::size_t(240));
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestTranslatorLab : public QObject {
    Q_OBJECT
private slots:
    void historyStaysBoundedAndEven()
    {
        ThinnedHistory<int> h(10);
        for (int step = 0; step <= 1000; ++step) h.add(step, step);
        QVERIFY(h.size() <= 10);
        QCOMPARE(h.at(0).step, std::int64_t(0));    // the first is kept
        QCOMPARE(h.back().step, std::int64_t(1000)); // and the newest
        for (std::size_t i = 1; i + 1 < h.size(); ++i) // evenly spread: equal gaps before the newest
            QCOMPARE(h.at(i).step - h.at(i - 1).step, h.at(1).step - h.at(0).step);
        QCOMPARE(h.at(h.nearest(10'000)).step, std::int64_t(1000));
        h.add(5, 5); // a step before the newest: a new run
        QCOMPARE(h.size(), std::size_t(1));
    }

    void aFlatMapIsRecognised()
    {
        MatF alpha = MatF::Constant(10, 30, 1.0f / 30);
        QVERIFY(isFlatAttention(alpha));
        alpha(3, 7) += 0.01f;
        alpha(3, 8) -= 0.01f;
        QVERIFY(!isFlatAttention(alpha));
        QVERIFY(!isFlatAttention(MatF())); // no attention at all is not a dead one
    }

    void trainingFillsTheCurveThePlotAndTheTable()
    {
        TranslatorLab lab;
        lab.resize(1280, 800);
        lab.show();
        useSmallSettings(lab, /*baseline=*/true);
        lab.performSteps(2 * kStepsPerEpoch);
        QCOMPARE(lab.stepsDone(), qint64(2 * kStepsPerEpoch));
        const auto runs = lab.curve()->runIds();
        QCOMPARE(int(runs.size()), 2); // each batch, and the baseline's epoch means
        QCOMPARE(int(lab.curve()->series(runs[0]).arrivals()), 2 * kStepsPerEpoch);
        QCOMPARE(int(lab.curve()->series(runs[1]).arrivals()), 2);
        QCOMPARE(lab.metricsPlot()->epochsShown(), 2);
        QCOMPARE(lab.metricsPlot()->epochsShown(/*baseline=*/true), 2);
        QVERIFY(lab.metricsPlot()->toCsv().count('\n') == 5); // a header and 2 epochs of each model
        QCOMPARE(lab.heldOutModel()->rowCount(), 40);
        QVERIFY(lab.heldOutModel()->hasBaseline());
        QCOMPARE(lab.heldOutModel()->toCsv().count('\n'), 41);
        // The weights the views use are those of the last step.
        QCOMPARE(lab.shownStep(), qint64(2 * kStepsPerEpoch));

        // Regression: a step into the next epoch drew that epoch at 0 % (the task keeps a record of the epoch in
        // progress, with no scores yet); only finished epochs are drawn, and the table stays the last epoch's.
        lab.performSteps(1);
        QCOMPARE(lab.metricsPlot()->epochsShown(), 2);
        QCOMPARE(lab.metricsPlot()->history().back().step, std::int64_t(2 * kStepsPerEpoch));
        QCOMPARE(lab.heldOutModel()->rowCount(), 40);
        lab.performSteps(kStepsPerEpoch - 1);
        QCOMPARE(lab.metricsPlot()->epochsShown(), 3);
        QCOMPARE(lab.metricsPlot()->history().back().step, std::int64_t(3 * kStepsPerEpoch));
    }

    void aTypedDateGetsItsAttentionMap()
    {
        TranslatorLab lab;
        lab.show();
        useSmallSettings(lab);
        lab.performSteps(kStepsPerEpoch);
        HeatmapView* map = lab.heatmap();
        QCOMPARE(lab.inputBox()->text(), QString("tuesday 09 oct 1993"));
        QCOMPARE(map->rows(), 10); // Ty
        QCOMPARE(map->cols(), 30); // Tx
        QTest::keyClicks(lab.inputBox(), "", Qt::NoModifier); // focus
        lab.inputBox()->clear();
        QTest::keyClicks(lab.inputBox(), "Saturday 9 May 2018");
        QCOMPARE(map->rows(), 10);
        QCOMPARE(map->cols(), 30);
        // Columns: the normalised input, then padding; rows: the output symbols, one per step.
        QCOMPARE(map->columnLabels().size(), 30);
        QCOMPARE(map->columnLabels().mid(0, 8).join(""), QString("saturday"));
        QCOMPARE(map->rowLabels().size(), 10);
        QCOMPARE(map->rowLabels().join(""), lab.translation());
        for (int r = 0; r < map->rows(); ++r) {
            double sum = 0;
            for (int c = 0; c < map->cols(); ++c) {
                QVERIFY(map->value(r, c) >= 0.0);
                sum += map->value(r, c);
            }
            QVERIFY2(std::abs(sum - 1.0) < 1e-4, qPrintable(QString("row %1 sums to %2").arg(r).arg(sum)));
        }
        QCOMPARE(map->rangeLower(), 0.0); // a colour bar fixed to [0, 1]
        QCOMPARE(map->rangeUpper(), 1.0);
        // Hovering a row highlights it.
        emit map->cellHovered(3, 5);
        QCOMPARE(map->highlightedRow(), 3);
    }

    void theSliderReplaysEarlierWeights()
    {
        TranslatorLab lab;
        lab.show();
        useSmallSettings(lab);
        lab.performSteps(3 * kStepsPerEpoch);
        QVERIFY(lab.historySize() >= 2); // the untrained model and at least the last snapshot
        QSlider* slider = lab.historySlider();
        QCOMPARE(slider->value(), slider->maximum()); // following the latest
        const double latest = lab.heatmap()->value(0, 0);
        slider->setValue(0);
        QCOMPARE(lab.shownStep(), qint64(0));
        // The untrained model's attention is nearly uniform; the trained one's is not the same map.
        double spread = 0;
        for (int c = 0; c < lab.heatmap()->cols(); ++c) spread = std::max(spread, std::abs(lab.heatmap()->value(0, c) - 1.0 / 30));
        QVERIFY2(spread < 0.05, qPrintable(QString::number(spread)));
        QVERIFY(lab.heatmap()->value(0, 0) != latest);
        slider->setValue(slider->maximum());
        QCOMPARE(lab.shownStep(), qint64(3 * kStepsPerEpoch));
        QCOMPARE(lab.heatmap()->value(0, 0), latest);
    }

    void theBeamPanelFollowsItsWidth()
    {
        TranslatorLab lab;
        lab.show();
        useSmallSettings(lab);
        lab.performSteps(kStepsPerEpoch);
        QVERIFY(lab.showView("beam"));
        BeamPanel* beam = lab.beamPanel();
        QCOMPARE(beam->beamWidth(), 3);
        QCOMPARE(beam->finalTable()->rowCount(), 3);
        QCOMPARE(beam->stepsTree()->topLevelItemCount(), 10); // one per output step
        QCOMPARE(beam->stepsTree()->topLevelItem(9)->childCount(), 3);
        beam->setBeamWidth(5);
        QCOMPARE(beam->finalTable()->rowCount(), 5);
        QCOMPARE(beam->stepsTree()->topLevelItem(9)->childCount(), 5);
        beam->setBeamWidth(1); // greedy
        QCOMPARE(beam->finalTable()->rowCount(), 1);
        QCOMPARE(beam->finalTable()->item(0, 0)->text(), lab.translation());
        // Candidates come best first.
        beam->setBeamWidth(4);
        auto logProb = [beam](int r) { return beam->finalTable()->item(r, 1)->text().replace(QChar(0x2212), '-').toDouble(); };
        for (int r = 1; r < beam->finalTable()->rowCount(); ++r) QVERIFY(logProb(r - 1) >= logProb(r));
        QVERIFY(logProb(0) < 0);
        QVERIFY(beam->summaryText().contains("greedy"));
    }

    void clickingAHeldOutRowTranslatesIt()
    {
        TranslatorLab lab;
        lab.resize(1280, 800);
        lab.show();
        useSmallSettings(lab);
        lab.performSteps(kStepsPerEpoch);
        QVERIFY(lab.showView("table"));
        QTableView* table = lab.heldOutTable();
        QVERIFY(QTest::qWaitForWindowExposed(&lab));
        QCOMPARE(table->model()->rowCount(), 40);
        table->sortByColumn(ValidationTableModel::Source, Qt::DescendingOrder);
        const QModelIndex index = table->model()->index(2, ValidationTableModel::Source);
        const QString source = index.data().toString();
        QVERIFY(!source.isEmpty());
        const QRect cell = table->visualRect(index);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(lab.inputBox()->text(), source);
        QCOMPARE(lab.viewTabs()->currentIndex(), 0); // its attention
        const int n = std::min<int>(int(source.size()), 30);
        QCOMPARE(lab.heatmap()->columnLabels().mid(0, n).join(""), source.left(n)); // sources are stored normalised
    }

    void aBadFileNamesItsLineAndKeepsTheData()
    {
        TranslatorLab lab;
        lab.show();
        useSmallSettings(lab);
        QTemporaryDir dir;
        const QString bad = dir.filePath("bad.tsv");
        QVERIFY(writeFile(bad, "source\ttarget\n9 may 1998\t1998-05-09\nno separator here\n8 sep 1999\t1999-09-08\n"));
        lab.loadDataFile(bad);
        QVERIFY(!lab.waitForFile());
        QVERIFY2(lab.message().contains("bad.tsv: line 3"), qPrintable(lab.message()));
        QVERIFY2(lab.message().contains("unchanged"), qPrintable(lab.message()));
        QCOMPARE(lab.data().pairs.size(), std::size_t(240));

        // A good file replaces the data and its vocabularies.
        const QString good = dir.filePath("numbers.tsv");
        QByteArray text = "source\ttarget\n";
        const char* words[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        for (int i = 0; i < 60; ++i) // "three five" -> "53": targets of 1 and 2 characters, so <end> ends them
            text += QByteArray(words[i % 10]) + " " + words[i / 10] + "\t" + QByteArray::number(i) + "\n";
        QVERIFY(writeFile(good, text));
        lab.loadDataFile(good);
        QVERIFY2(lab.waitForFile(), qPrintable(lab.message()));
        QCOMPARE(lab.data().pairs.size(), std::size_t(60));
        QVERIFY(lab.currentModel());
        QCOMPARE(lab.currentModel()->config().targetVocab, std::int64_t(lab.data().target.size()));
        QVERIFY(lab.data().targetEnd);
        QCOMPARE(lab.data().Ty, std::int64_t(3));
        lab.performSteps(3);
        lab.inputBox()->setText("four two");
        QCOMPARE(lab.heatmap()->cols(), int(lab.data().Tx));
        // Rows: the output symbols up to and including <end> (drawn ⟨end⟩), at most Ty of them.
        const QStringList rows = lab.heatmap()->rowLabels();
        QVERIFY(rows.size() >= 1 && rows.size() <= 3);
        QCOMPARE(lab.heatmap()->rows(), int(rows.size()));
        QCOMPARE(QStringList(rows).join("").remove(QString::fromUtf8("\u27e8end\u27e9")), lab.translation());
    }

    void aSavedModelOpensAndTranslatesTheSame()
    {
        TranslatorLab lab;
        lab.show();
        useSmallSettings(lab);
        lab.performSteps(2 * kStepsPerEpoch);
        lab.inputBox()->setText("3 may 1979");
        const QString before = lab.translation();
        QVERIFY(!before.isEmpty());
        const double alpha = lab.heatmap()->value(2, 3);
        QTemporaryDir dir;
        const QString path = dir.filePath("translator.safetensors");
        lab.saveModelFile(path);
        QVERIFY2(lab.waitForFile(), qPrintable(lab.message()));

        TranslatorLab other; // untrained, other settings: the file brings its own
        other.show();
        other.inputBox()->setText("3 may 1979");
        other.openModelFile(path);
        QVERIFY2(other.waitForFile(), qPrintable(other.message()));
        QCOMPARE(other.translation(), before);
        QCOMPARE(other.currentModel()->config().n_a, Index(8));
        QCOMPARE(other.heatmap()->value(2, 3), alpha);

        other.openModelFile(dir.filePath("missing.safetensors"));
        QVERIFY(!other.waitForFile());
        QVERIFY(other.message().contains("missing.safetensors"));
        QCOMPARE(other.translation(), before); // the opened model stays
    }
};

QTEST_MAIN(TestTranslatorLab)
#include "tst_translatorlab.moc"
