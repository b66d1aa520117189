// The word-vectors lab offscreen: it opens on the built-in vectors with a PCA drawn; a small vectors file loads off
// the GUI thread and a ragged one is refused with a message; the operations panel completes an analogy, names an
// unknown word, and neutralizes (after-cosine ~0, the word drawn on x = 0) and equalizes (a pair symmetric about it);
// a short t-SNE moves the points, puts its KL divergence on the curve, and runs the same again from the same seed;
// GloVe trains on a small corpus and its vectors become the lab's; clicking a word lists and highlights its
// neighbours; the plot exports as PNG, SVG and CSV; custom axes name an unknown word.
// Fixtures: tests/data/vectors-ui/ (README.md there says how they are laid out).
#include "labs/VectorsLab.hpp"
#include "labs/vectors/DebiasView.hpp"
#include "labs/vectors/OperationsPanel.hpp"
#include "labs/vectors/ScatterView.hpp"
#include "widgets/TrainingCurveView.hpp"

#include "util/Threads.hpp"

#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace unroll;

namespace {
const QString kSmall = QStringLiteral(UNROLL_TEST_DATA_DIR "/vectors-ui/small.txt");
const QString kCorpus = QStringLiteral(UNROLL_TEST_DATA_DIR "/vectors-ui/corpus.txt");
const QString kRagged = QStringLiteral(UNROLL_TEST_DATA_DIR "/vectors-ui/ragged.txt");

QVector<QPointF> positions(const ScatterView* s)
{
    QVector<QPointF> p;
    for (int i = 0; i < s->count(); ++i) p << s->position(i);
    return p;
}

double largestMove(const QVector<QPointF>& a, const QVector<QPointF>& b)
{
    double m = 0;
    for (int i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::hypot(a[i].x() - b[i].x(), a[i].y() - b[i].y()));
    return m;
}

void loadSmall(VectorsLab& lab)
{
    lab.loadVectorsFile(kSmall);
    QVERIFY(lab.waitForLoad());
    QCOMPARE(lab.vectors()->size(), 16);
}
} // namespace

class TestVectorsLab : public QObject {
    Q_OBJECT
private slots:
    void opensOnTheBuiltInVectorsWithAPcaDrawn()
    {
        VectorsLab lab;
        lab.resize(1280, 800);
        lab.show();
        QVERIFY(lab.vectors());
        QVERIFY(lab.vectors()->size() >= 1000);
        QVERIFY(lab.scatter()->count() >= 20); // the curated list
        QCOMPARE(int(lab.projection()), int(VectorsLab::Projection::Pca));
        lab.scatter()->grab(); // paints
        QVERIFY(lab.scatter()->labelsDrawn() > 0);
        // The points are spread out, not all at the origin.
        double spread = 0;
        for (int i = 0; i < lab.scatter()->count(); ++i) spread += std::abs(lab.scatter()->position(i).x());
        QVERIFY(spread > 0);
        QVERIFY(lab.message().contains("glove.6B.50d.txt"));
    }

    void loadsAFileAndRefusesARaggedOne()
    {
        VectorsLab lab;
        lab.show();
        loadSmall(lab);
        lab.setWordSource(VectorsLab::WordSource::Frequent, {}, 300);
        QCOMPARE(lab.scatter()->count(), 16);
        lab.loadVectorsFile(kRagged);
        QVERIFY(!lab.waitForLoad());
        QVERIFY2(lab.message().contains("Cannot load"), qPrintable(lab.message()));
        QVERIFY2(lab.message().contains("ragged.txt"), qPrintable(lab.message()));
        QCOMPARE(lab.vectors()->size(), 16); // unchanged
    }

    void anAnalogyShowsItsCandidates()
    {
        VectorsLab lab;
        lab.show();
        loadSmall(lab);
        auto* ops = lab.operations();
        ops->runAnalogy("man", "woman", "king");
        QTableWidget* t = ops->analogyTable();
        QVERIFY(t->rowCount() >= 3);
        // queen - king = woman - man exactly in the fixture: cosine 1 (README.md).
        QCOMPARE(t->item(0, 1)->text(), QString("queen"));
        QCOMPARE(t->item(0, 2)->text(), QString("1.0000"));
        for (int r = 0; r < t->rowCount(); ++r) // a, b and c are skipped
            QVERIFY(t->item(r, 1)->text() != "man" && t->item(r, 1)->text() != "woman" && t->item(r, 1)->text() != "king");
        ops->runSimilarity("man", "xyzzy");
        QVERIFY2(ops->similarityText().contains("xyzzy"), qPrintable(ops->similarityText()));
    }

    void neutralizeLeavesNoComponentAlongG()
    {
        VectorsLab lab;
        lab.show();
        loadSmall(lab);
        auto* ops = lab.operations();
        ops->runNeutralize("receptionist");
        QVERIFY(ops->lastNeutralizedAfter().has_value());
        QVERIFY(std::abs(*ops->lastNeutralizedAfter()) < 1e-12);
        QVERIFY(ops->debiasText().contains("receptionist"));
        lab.debiasView()->finishAnimation();
        // before: x = e.g/|g| = 0.7 (the fixture's gender value; g = woman - man = (0, 2, 0, 0)); after: 0.
        QVERIFY(std::abs(lab.debiasView()->positionOf("receptionist").x()) < 1e-12);
        ops->runEqualize("man", "woman");
        lab.debiasView()->finishAnimation();
        const double xm = lab.debiasView()->positionOf("man").x(), xw = lab.debiasView()->positionOf("woman").x();
        QVERIFY(std::abs(xm + xw) < 1e-9); // symmetric about x = 0
        QVERIFY(xw > 0);
    }

    void aShortTsneMovesThePointsAndDrawsTheKl()
    {
        VectorsLab lab;
        lab.show();
        loadSmall(lab);
        lab.setWordSource(VectorsLab::WordSource::Frequent, {}, 16);
        lab.setProjection(VectorsLab::Projection::Tsne);
        const auto before = positions(lab.scatter());
        lab.performSteps(20);
        QCOMPARE(lab.stepsDone(), qint64(20));
        const auto after = positions(lab.scatter());
        QVERIFY(largestMove(before, after) > 0);
        const auto runs = lab.curve()->runIds();
        QVERIFY(!runs.empty());
        QCOMPARE(int(lab.curve()->series(runs[0]).arrivals()), 20);
        // The same seed: the same animation.
        lab.reset();
        lab.performSteps(20);
        QCOMPARE(largestMove(after, positions(lab.scatter())), 0.0);
    }

    void trainingMovesTheWordsAndEndsWithTheTrainedVectors()
    {
        // One thread: with more, GloVe's threads update shared vectors without locks (Hogwild, as the reference
        // implementations do; EmbeddingTraining.hpp), a race by design that ThreadSanitizer would rightly report.
        // What this test watches under TSan is the lab's own threading: the worker, snapshots, the hand-over.
        // tst_embeddingtraining checks that two threads still recover the planted structure.
        setThreadCount(1);
        struct Restore {
            ~Restore() { useDefaultThreads(); }
        } restore;
        VectorsLab lab;
        lab.show();
        lab.loadCorpusFile(kCorpus);
        QVERIFY(lab.waitForCorpus());
        lab.setTrainingSettings(true, 8, 2, 5); // GloVe, 8 dimensions, 2 epochs of 20 steps
        lab.startTraining(false);
        lab.performSteps(10);
        QCOMPARE(lab.stepsDone(), qint64(10));
        QVERIFY(lab.scatter()->count() >= 20); // the corpus's words (the curated ones are not in it)
        const auto early = positions(lab.scatter());
        QVERIFY(largestMove(QVector<QPointF>(early.size()), early) > 0); // projected, not all at the origin
        const auto runs = lab.curve()->runIds();
        QCOMPARE(int(lab.curve()->series(runs[0]).arrivals()), 10);
        lab.performSteps(30); // to the end: the trained vectors become the lab's
        QTRY_VERIFY(lab.vectors() && lab.vectors()->dimension() == 8);
        QVERIFY(lab.vectors()->find("queen") >= 0);
        QVERIFY(lab.message().contains("Training done"));
    }

    void clickingAWordListsAndHighlightsItsNeighbours()
    {
        VectorsLab lab;
        lab.resize(1280, 800);
        lab.show();
        loadSmall(lab);
        lab.setWordSource(VectorsLab::WordSource::Frequent, {}, 16);
        QVERIFY(QTest::qWaitForWindowExposed(&lab));
        ScatterView* s = lab.scatter();
        int king = -1;
        for (int i = 0; i < s->count(); ++i)
            if (s->label(i) == "king") king = i;
        QVERIFY(king >= 0);
        QTest::mouseClick(s, Qt::LeftButton, {}, s->toWidget(s->position(king)).toPoint());
        QCOMPARE(s->selected(), king);
        QVERIFY(!s->highlighted().isEmpty()); // its neighbours among the words shown
        QVERIFY(lab.operations()->neighborTable()->rowCount() > 0);
        QCOMPARE(lab.operations()->currentIndex(), 1);
    }

    void exportsThePlotAsPngSvgAndCsv()
    {
        VectorsLab lab;
        lab.resize(1280, 800);
        lab.show();
        loadSmall(lab);
        lab.setWordSource(VectorsLab::WordSource::Frequent, {}, 16);
        QTemporaryDir dir;
        QString error;
        QVERIFY2(lab.scatter()->exportPng(dir.filePath("w.png"), {600, 400}, 1.0, &error), qPrintable(error));
        QCOMPARE(QImage(dir.filePath("w.png")).size(), QSize(600, 400));
        QVERIFY2(lab.scatter()->exportSvg(dir.filePath("w.svg"), {600, 400}, &error), qPrintable(error));
        QFile svg(dir.filePath("w.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray svgText = svg.readAll();
        QVERIFY(svgText.startsWith("<?xml"));
        QVERIFY(svgText.contains(">queen</text>"));
        QVERIFY2(lab.scatter()->exportCsv(dir.filePath("w.csv"), &error), qPrintable(error));
        QFile csv(dir.filePath("w.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 17); // a header and the 16 words
        QVERIFY(lines[1].startsWith("man,"));
    }

    void customAxesNameAnUnknownWord()
    {
        VectorsLab lab;
        lab.show();
        loadSmall(lab);
        lab.setWordSource(VectorsLab::WordSource::Typed, {"man", "woman", "boy", "girl", "cat"});
        lab.setProjection(VectorsLab::Projection::CustomAxes); // x: man -> woman, y: bad -> good (unknown here)
        QVERIFY2(lab.message().contains("bad"), qPrintable(lab.message()));
    }
};

QTEST_MAIN(TestVectorsLab)
#include "tst_vectorslab.moc"
