// The jazz lab's page offscreen: it loads the built-in corpus and shows a training melody at once, trains a few epochs
// (the loss curve grows, the loss falls) and shows an improvisation of the requested number of notes after them.
#include "labs/JazzLab.hpp"
#include "labs/jazz/PianoRoll.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QSpinBox>
#include <QTest>

using namespace unroll;

class TestJazzLab : public QObject {
    Q_OBJECT
private slots:
    void trainsAndImprovises()
    {
        JazzLab lab;
        lab.resize(1200, 800);
        lab.show();
        QVERIFY(lab.trainingRoll()->noteCount() > 40);
        QCOMPARE(lab.improvisationRoll()->noteCount(), 0);
        lab.performSteps(3);
        QCOMPARE(lab.stepsDone(), qint64(3));
        QTRY_COMPARE(lab.improvisationRoll()->noteCount(), 50);
        // Fewer notes asked: the next improvisation has them.
        auto* notes = lab.findChild<QSpinBox*>("notes");
        QVERIFY(notes);
        notes->setValue(12);
        lab.performSteps(1);
        QTRY_COMPARE(lab.improvisationRoll()->noteCount(), 12);
    }
};

QTEST_MAIN(TestJazzLab)
#include "tst_jazzlab.moc"
