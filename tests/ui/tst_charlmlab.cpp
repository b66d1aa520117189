// The character-model lab offscreen: a few hundred training steps update the curve and the sample feed; the
// sampling view draws characters and shows the softmax; the hidden-state view follows the typed text; the guide says
// what the held-out curve measures for the data loaded.
#include "labs/CharLmLab.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QCheckBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <qcustomplot.h>

using namespace unroll;

class TestCharLmLab : public QObject {
    Q_OBJECT
private slots:
    void trainingUpdatesTheCurveAndTheFeed()
    {
        CharLmLab lab;
        lab.resize(1200, 800);
        lab.show();
        QCOMPARE(int(lab.corpus().vocab.size()), 27);
        for (auto* s : lab.findChildren<QSpinBox*>())
            if (s->value() == 1000 && s->minimum() == 10) s->setValue(100); // sample every 100 steps
        lab.performSteps(400);
        QCOMPARE(lab.stepsDone(), qint64(400));
        const auto runs = lab.curve()->runIds();
        QVERIFY(!runs.empty());
        QCOMPARE(int(lab.curve()->series(runs[0]).arrivals()), 400);
        QVERIFY(lab.sampleFeed()->toPlainText().contains("Iteration: "));
        QVERIFY(lab.sampleFeed()->toPlainText().split('\n').size() > 8); // a header and seven names at least
    }

    void samplingShowsTheSoftmax()
    {
        CharLmLab lab;
        lab.show();
        lab.performSteps(50);
        const QString before = lab.sampledText();
        lab.sampleNextCharacter();
        QVERIFY(lab.sampledText() != before);
        auto* bars = qobject_cast<QCPBars*>(lab.softmaxPlot()->plottable(0));
        QVERIFY(bars);
        double sum = 0;
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) sum += it->value;
        auto* chosen = qobject_cast<QCPBars*>(lab.softmaxPlot()->plottable(1));
        QCOMPARE(chosen->data()->size(), 1); // the drawn character, highlighted
        sum += chosen->data()->constBegin()->value;
        QVERIFY(std::abs(sum - 1.0) < 1e-6);
    }

    // Regression (issue 7): the softmax after a greedy draw showed the tempered distribution, not the one the draw
    // used (greedy takes the most likely character: all the mass is on it).
    void aGreedyDrawShowsAllTheMassOnTheDrawnCharacter()
    {
        CharLmLab lab;
        lab.show();
        lab.performSteps(30);
        QCheckBox* greedy = nullptr;
        for (auto* c : lab.findChildren<QCheckBox*>())
            if (c->text().startsWith("greedy")) greedy = c;
        QVERIFY(greedy);
        greedy->setChecked(true);
        auto* bars = qobject_cast<QCPBars*>(lab.softmaxPlot()->plottable(0));
        auto* chosen = qobject_cast<QCPBars*>(lab.softmaxPlot()->plottable(1));
        QCOMPARE(chosen->data()->size(), 0); // the next draw's distribution: nothing drawn yet
        lab.sampleNextCharacter();
        QCOMPARE(chosen->data()->size(), 1);
        QCOMPARE(chosen->data()->constBegin()->value, 1.0);
        double rest = 0;
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) rest += it->value;
        QCOMPARE(rest, 0.0);
    }

    // Regression (issue 7): the guide called the held-out curve "per character" for names, where it is per name.
    void theGuideSaysWhatTheHeldOutCurveMeasures()
    {
        CharLmLab lab;
        QVERIFY(!lab.corpus().validation.empty());
        QString guide = lab.guideHtml(); // the built-in names, one per line
        QVERIFY(guide.contains("held-out names"));
        QVERIFY(guide.contains("nats per name"));
        QVERIFY(!guide.contains("in nats per character"));
        std::string text;
        for (int k = 0; k < 40; ++k) text += "the quick brown fox jumps over the lazy dog. ";
        lab.setCorpus(loadCharCorpus(text, "prose", {.mode = TextMode::Continuous, .heldOut = 0.1}));
        QVERIFY(!lab.corpus().validation.empty());
        guide = lab.guideHtml();
        QVERIFY(guide.contains("held-out text"));
        QVERIFY(guide.contains("in nats per character"));
        QVERIFY(!guide.contains("nats per name"));
    }

    void hiddenStateFollowsTheText()
    {
        CharLmLab lab;
        lab.show();
        lab.performSteps(20);
        QLineEdit* text = nullptr;
        for (auto* e : lab.findChildren<QLineEdit*>())
            if (e->text() == "tyrannosaurus") text = e;
        QVERIFY(text);
        QCOMPARE(lab.hiddenHeatmap()->cols(), 13);
        QCOMPARE(lab.hiddenHeatmap()->rows(), 50);
        text->setText("Allosaurus"); // lower-cased like the training data
        QCOMPARE(lab.hiddenHeatmap()->cols(), 10);
        text->setText("t-rex"); // '-' is not in the vocabulary: explained, not crashed
        QCOMPARE(lab.hiddenHeatmap()->cols(), 0);
    }
};

QTEST_MAIN(TestCharLmLab)
#include "tst_charlmlab.moc"
