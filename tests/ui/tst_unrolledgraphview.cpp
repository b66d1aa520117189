// Tests for ui/widgets/UnrolledGraphView: node geometry (one column per step, x at the bottom, L on top), clicks and
// hover readouts that name the step, node, cell and the exact value the model holds, not-computed nodes, LSTM cell
// state, size hints that grow with T, exports, and that the backward pass draws something.
#include "widgets/UnrolledGraphView.hpp"

#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace unroll;
using Node = UnrolledGraphView::Node;

namespace {

// Deterministic values in (-1, 1) that differ between steps, rows and columns.
GraphMatrix makeMatrix(int rows, int cols, int seed) {
    GraphMatrix g;
    g.rows = rows;
    g.cols = cols;
    g.values.resize(std::size_t(rows) * std::size_t(cols));
    for (int i = 0; i < rows * cols; ++i) g.values[std::size_t(i)] = float(0.9 * std::sin(0.7 * seed + 1.3 * i));
    return g;
}

struct Shape {
    int T = 6, nX = 3, nA = 5, nY = 4, m = 1;
    bool lstm = false;
    int forwardDone = 6, backwardDone = 0;
};

// The model the BPTT lab would hand over at this position: forward values for 0 … forwardDone-1, gradients for the
// last backwardDone steps.
UnrolledGraphModel makeModel(const Shape& s) {
    UnrolledGraphModel model;
    model.cellName = s.lstm ? QStringLiteral("LSTM") : QStringLiteral("RNN");
    model.hasCellState = s.lstm;
    model.recurrentWeights = s.lstm ? QStringList{"Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo"}
                                    : QStringList{"Waa", "Wax", "ba"};
    model.outputWeights = {"Wya", "by"};
    model.forwardDone = s.forwardDone;
    model.backwardDone = s.backwardDone;
    model.currentStep = s.backwardDone > 0 ? s.T - s.backwardDone : s.forwardDone - 1;
    for (int t = 0; t < s.T; ++t) {
        UnrolledStep step;
        step.x = makeMatrix(s.nX, s.m, 100 + t);
        if (t < s.forwardDone) {
            step.a = makeMatrix(s.nA, s.m, 200 + t);
            if (s.lstm) step.c = makeMatrix(s.nA, s.m, 300 + t);
            step.yHat = makeMatrix(s.nY, s.m, 400 + t);
            for (float& v : step.yHat.values) v = std::abs(v); // probabilities-ish in [0, 1]
            step.loss = 1.0 + 0.1 * t;
        }
        if (s.forwardDone == s.T && t >= s.T - s.backwardDone) {
            step.da = makeMatrix(s.nA, s.m, 500 + t);
            step.daFromLossNorm = 0.5 / (t + 1);
            step.daFromNextNorm = t + 1 < s.T ? 0.3 * std::pow(0.5, s.T - 1 - t) : 0.0;
        }
        model.steps.push_back(step);
    }
    return model;
}

void showAndWait(QWidget& w) {
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

QPoint centre(const QRect& r) { return r.center(); }

} // namespace

class TestUnrolledGraphView : public QObject {
    Q_OBJECT

private slots:
    void nodeRectsRunLeftToRightAndBottomToTop() {
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 6, .forwardDone = 6, .backwardDone = 2}));
        view.resize(view.sizeHint());
        const std::vector<Node> kinds{Node::Input, Node::Hidden, Node::Output, Node::Loss, Node::Gradient};
        for (int t = 0; t < 6; ++t) {
            for (Node k : kinds) QVERIFY2(!view.nodeRect(t, k).isEmpty(), qPrintable(QStringLiteral("step %1 node %2").arg(t).arg(k)));
            // Bottom to top: x, a, ŷ, L (y grows downwards).
            QVERIFY(view.nodeRect(t, Node::Input).top() > view.nodeRect(t, Node::Hidden).bottom());
            QVERIFY(view.nodeRect(t, Node::Hidden).top() > view.nodeRect(t, Node::Output).bottom());
            QVERIFY(view.nodeRect(t, Node::Output).top() > view.nodeRect(t, Node::Loss).bottom());
            // da sits beside a, right of it.
            QVERIFY(view.nodeRect(t, Node::Gradient).left() > view.nodeRect(t, Node::Hidden).right());
            if (t > 0) {
                for (Node k : kinds) QVERIFY(view.nodeRect(t, k).left() > view.nodeRect(t - 1, k).right());
                // Every column, da included, is left of the next one.
                QVERIFY(view.nodeRect(t, Node::Hidden).left() > view.nodeRect(t - 1, Node::Gradient).right());
            }
            // Everything lies inside the widget.
            for (Node k : kinds) QVERIFY(view.rect().contains(view.nodeRect(t, k)));
        }
        QVERIFY(view.nodeRect(-1, Node::Hidden).isNull());
        QVERIFY(view.nodeRect(6, Node::Hidden).isNull());
    }

    void lstmHasCellStateRectsAndRnnDoesNot() {
        UnrolledGraphView rnn;
        rnn.setModel(makeModel({.T = 4, .forwardDone = 4}));
        rnn.resize(rnn.sizeHint());
        for (int t = 0; t < 4; ++t) QVERIFY(rnn.nodeRect(t, Node::CellState).isNull());

        UnrolledGraphView lstm;
        lstm.setModel(makeModel({.T = 4, .lstm = true, .forwardDone = 4}));
        lstm.resize(lstm.sizeHint());
        for (int t = 0; t < 4; ++t) {
            const QRect c = lstm.nodeRect(t, Node::CellState);
            QVERIFY(!c.isEmpty());
            // c<t> between x<t> and a<t>: a<t> = o ⊙ tanh c<t>.
            QVERIFY(lstm.nodeRect(t, Node::Input).top() > c.bottom());
            QVERIFY(c.top() > lstm.nodeRect(t, Node::Hidden).bottom());
            if (t > 0) QVERIFY(c.left() > lstm.nodeRect(t - 1, Node::CellState).right());
        }
        QCOMPARE(lstm.readoutAt(lstm.cellCenter(2, Node::CellState, 1, 0)),
                 QStringLiteral("c⟨3⟩ unit 1, example 0: %1").arg(QString::number(makeMatrix(5, 1, 302).values[1], 'g', 4)));
    }

    void clickingANodeEmitsItsStepAndKind() {
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 5, .lstm = true, .forwardDone = 5, .backwardDone = 2}));
        view.resize(view.sizeHint());
        showAndWait(view);
        QSignalSpy clicked(&view, &UnrolledGraphView::nodeClicked);
        const std::vector<std::pair<int, Node>> targets{{0, Node::Input},  {1, Node::Hidden}, {2, Node::CellState},
                                                        {3, Node::Output}, {4, Node::Loss},   {4, Node::Gradient}};
        for (const auto& [step, node] : targets) {
            QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, centre(view.nodeRect(step, node)));
            QVERIFY(!clicked.isEmpty());
            const QList<QVariant> args = clicked.takeFirst();
            QCOMPARE(args.at(0).toInt(), step);
            QCOMPARE(args.at(1).value<UnrolledGraphView::Node>(), node);
            QCOMPARE(view.selectedStep(), step);
        }
        // Between nodes nothing is clicked.
        const QRect a0 = view.nodeRect(0, Node::Hidden), x0 = view.nodeRect(0, Node::Input);
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, QPoint(a0.left() - 2, (a0.bottom() + x0.top()) / 2));
        QCOMPARE(clicked.count(), 0);
    }

    void readoutGivesTheExactValueOfTheCell() {
        Shape shape{.T = 6, .nA = 6, .m = 3, .forwardDone = 6, .backwardDone = 2};
        UnrolledGraphModel model = makeModel(shape);
        model.steps[4].a.values[3 * 3 + 0] = 0.4231f;  // a<5>, unit 3, example 0
        model.steps[4].a.values[5 * 3 + 2] = -0.0917f; // a<5>, unit 5, example 2
        model.steps[5].da.values[1 * 3 + 1] = 0.0123f;
        model.steps[2].yHat.values[2 * 3 + 1] = 0.75f;
        model.steps[1].x.values[0] = 1.0f;
        model.steps[3].targetLabel = QStringLiteral("e");
        UnrolledGraphView view;
        view.setModel(model);
        view.resize(view.sizeHint());
        QCOMPARE(view.readoutAt(view.cellCenter(4, Node::Hidden, 3, 0)), QStringLiteral("a⟨5⟩ unit 3, example 0: 0.4231"));
        QCOMPARE(view.readoutAt(view.cellCenter(4, Node::Hidden, 5, 2)), QStringLiteral("a⟨5⟩ unit 5, example 2: -0.0917"));
        QCOMPARE(view.readoutAt(view.cellCenter(5, Node::Gradient, 1, 1)), QStringLiteral("da⟨6⟩ unit 1, example 1: 0.0123"));
        QCOMPARE(view.readoutAt(view.cellCenter(2, Node::Output, 2, 1)), QStringLiteral("ŷ⟨3⟩ class 2, example 1: 0.75"));
        QCOMPARE(view.readoutAt(view.cellCenter(1, Node::Input, 0, 0)), QStringLiteral("x⟨2⟩ component 0, example 0: 1"));
        QCOMPARE(view.readoutAt(centre(view.nodeRect(3, Node::Loss))), QStringLiteral("L⟨4⟩ = 1.3 (target “e”)"));
        // Every cell of a node reads its own value: walk the corners too.
        const GraphMatrix& a = model.steps[4].a;
        for (int r : {0, a.rows - 1}) {
            for (int c : {0, a.cols - 1}) {
                const QString expected = QString::number(a.values[std::size_t(r * a.cols + c)], 'g', 4);
                QVERIFY(view.readoutAt(view.cellCenter(4, Node::Hidden, r, c)).endsWith(QStringLiteral(": ") + expected));
            }
        }
        QVERIFY(view.readoutAt(QPoint(1, 1)).isEmpty());

        // Hover: the readout follows the mouse and names the step.
        showAndWait(view);
        QSignalSpy hovered(&view, &UnrolledGraphView::stepHovered);
        QSignalSpy readout(&view, &UnrolledGraphView::readoutChanged);
        QTest::mouseMove(&view, view.cellCenter(4, Node::Hidden, 3, 0));
        QTRY_VERIFY(!hovered.isEmpty());
        QCOMPARE(hovered.last().at(0).toInt(), 4);
        QVERIFY(!readout.isEmpty());
        QCOMPARE(readout.last().at(0).toString(), QStringLiteral("a⟨5⟩ unit 3, example 0: 0.4231"));
    }

    void notComputedNodesReadOutAsNotComputed() {
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 6, .forwardDone = 3}));
        view.resize(view.sizeHint());
        QCOMPARE(view.readoutAt(centre(view.nodeRect(4, Node::Hidden))), QStringLiteral("a⟨5⟩: not computed yet"));
        QCOMPARE(view.readoutAt(centre(view.nodeRect(3, Node::Output))), QStringLiteral("ŷ⟨4⟩: not computed yet"));
        QCOMPARE(view.readoutAt(centre(view.nodeRect(5, Node::Loss))), QStringLiteral("L⟨6⟩: not computed yet"));
        QVERIFY(view.readoutAt(centre(view.nodeRect(2, Node::Hidden))).startsWith(QStringLiteral("a⟨3⟩ unit")));
        // The input is known before the forward pass reaches it.
        QVERIFY(view.readoutAt(centre(view.nodeRect(5, Node::Input))).startsWith(QStringLiteral("x⟨6⟩ component")));

        // Values the model still holds beyond the position are not shown as computed.
        UnrolledGraphModel stale = makeModel({.T = 6, .forwardDone = 6, .backwardDone = 2});
        stale.forwardDone = 6;
        stale.backwardDone = 1;
        view.setModel(stale);
        QCOMPARE(view.readoutAt(centre(view.nodeRect(4, Node::Gradient))), QStringLiteral("da⟨5⟩: not computed yet"));
        QVERIFY(view.readoutAt(centre(view.nodeRect(5, Node::Gradient))).startsWith(QStringLiteral("da⟨6⟩ unit")));
    }

    void sizeHintGrowsWithTheNumberOfSteps() {
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 5, .forwardDone = 5}));
        const QSize five = view.sizeHint();
        view.setModel(makeModel({.T = 40, .forwardDone = 40}));
        const QSize forty = view.sizeHint();
        QVERIFY(forty.width() > five.width());
        QVERIFY(forty.width() >= 40 * 90);                      // a column is at least ~90 px wide
        QVERIFY(view.minimumSizeHint().width() >= 40 * 90);     // so a scroll area scrolls instead of squeezing
        QVERIFY(forty.height() >= 400 && forty.height() <= 760); // fits a laptop screen
        view.resize(forty);
        QVERIFY(view.nodeRect(39, Node::Gradient).right() < view.width());

        view.setPresentationMode(true);
        QVERIFY(view.sizeHint().width() > forty.width());
    }

    void tallNodesShrinkToFitTheHeight() {
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 8, .nX = 40, .nA = 32, .nY = 40, .m = 4, .lstm = true, .forwardDone = 8}));
        view.resize(view.sizeHint().width(), 560);
        QVERIFY(view.nodeRect(0, Node::Input).bottom() < 560);
        QVERIFY(view.nodeRect(0, Node::Loss).top() > 0);
        // Cells stay distinct: the last row is its own cell.
        QVERIFY(view.readoutAt(view.cellCenter(0, Node::Hidden, 31, 3)).startsWith(QStringLiteral("a⟨1⟩ unit 31, example 3:")));
    }

    void exportPngHasTheWidgetsSize() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 6, .forwardDone = 6, .backwardDone = 3}));
        view.resize(900, 640);
        const QString png = dir.filePath(QStringLiteral("graph.png"));
        QString error;
        QVERIFY2(view.exportPng(png, &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(900, 640));
        QVERIFY(view.exportPng(dir.filePath(QStringLiteral("graph2x.png")), &error, 2.0));
        QCOMPARE(QImage(dir.filePath(QStringLiteral("graph2x.png"))).size(), QSize(1800, 1280));

        const QString pdf = dir.filePath(QStringLiteral("graph.pdf"));
        QVERIFY2(view.exportPdf(pdf, &error), qPrintable(error));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        QVERIFY(file.size() > 2000);

        QVERIFY(!view.exportPng(dir.filePath(QStringLiteral("missing/dir/graph.png")), &error));
        QVERIFY(error.contains(QStringLiteral("missing/dir")));
    }

    void backwardGradientsAreDrawn() {
        const UnrolledGraphModel withGrad = makeModel({.T = 6, .forwardDone = 6, .backwardDone = 3});
        UnrolledGraphModel without = withGrad;
        without.backwardDone = 0;
        UnrolledGraphView view;
        view.resize(900, 640);
        view.setModel(without);
        const QImage before = view.grab().toImage();
        view.setModel(withGrad);
        const QImage after = view.grab().toImage();
        QCOMPARE(before.size(), after.size());
        QVERIFY(before != after);
        // The orange arrow from L<6> down to da<6> runs between the loss box and the da frame.
        const QRect loss = view.nodeRect(5, Node::Loss), da = view.nodeRect(5, Node::Gradient);
        const QRect lane(da.left(), loss.bottom() + 2, da.width(), da.top() - loss.bottom() - 4);
        auto warmPixels = [&](const QImage& image) {
            int n = 0;
            for (int y = lane.top(); y <= lane.bottom(); ++y) {
                for (int x = lane.left(); x <= lane.right(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    if (c.red() > 180 && c.green() < 170 && c.blue() < 90) ++n;
                }
            }
            return n;
        };
        QCOMPARE(warmPixels(before), 0);
        QVERIFY(warmPixels(after) > 20);
        // And the readout of the arrow names its norm.
        QVERIFY(view.readoutAt(QPoint(view.nodeRect(5, Node::Gradient).center().x(), lane.center().y()))
                    .contains(QStringLiteral("from the loss at t = 6")));
    }

    void repaintOfALongSequenceIsFast() {
        UnrolledGraphView view;
        view.setModel(makeModel({.T = 40, .nX = 8, .nA = 32, .nY = 8, .m = 4, .forwardDone = 40, .backwardDone = 20}));
        view.resize(view.sizeHint());
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 5; ++i) (void)view.render();
        // The target is well under 30 ms a frame; the bound is loose for slow CI machines and sanitizers.
        QVERIFY2(timer.elapsed() / 5 < 150, qPrintable(QStringLiteral("%1 ms per frame").arg(timer.elapsed() / 5.0)));
    }
};

QTEST_MAIN(TestUnrolledGraphView)
#include "tst_unrolledgraphview.moc"
