// The main window offscreen: every lab page opens, the transport drives the current lab, reset returns to step 0,
// presentation mode scales the font, and an unknown lab is refused.
#include "Lab.hpp"
#include "MainWindow.hpp"
#include "labs/HomeLab.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QAction>
#include <QApplication>
#include <QTest>

using namespace unroll;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void everyLabPageOpens()
    {
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        w.show();
        QVERIFY(!labRegistry().isEmpty());
        for (const auto& info : labRegistry()) {
            QVERIFY2(w.openLab(info.id), qPrintable(info.id));
            QVERIFY(w.currentLab());
            QCOMPARE(w.currentLab()->id(), info.id);
            QVERIFY(!w.currentLab()->guideHtml().isEmpty());
        }
        QVERIFY(!w.openLab("no-such-lab"));
    }

    // File → Open names what the lab opens, and greys out where it opens nothing.
    void openActionSaysWhatTheLabOpens()
    {
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        w.show();
        QVERIFY(w.openLab("trigger"));
        QCOMPARE(w.openDataAction()->text(), QString("Open audio…"));
        QVERIFY(w.openDataAction()->isEnabled());
        QVERIFY(w.openLab("vectors"));
        QCOMPARE(w.openDataAction()->text(), QString("Open vectors…"));
        QVERIFY(w.openLab("charlm"));
        QCOMPARE(w.openDataAction()->text(), QString("Open data…"));
        QVERIFY(w.openLab("home"));
        QVERIFY(!w.openDataAction()->isEnabled());
    }

    void homeTrainsForTheRequestedSteps()
    {
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        w.show();
        QVERIFY(w.openLab("home"));
        auto* home = qobject_cast<HomeLab*>(w.currentLab());
        QVERIFY(home);
        home->performSteps(12);
        QCOMPARE(home->stepsDone(), qint64(12));
        const auto runs = home->curve()->runIds();
        QCOMPARE(int(runs.size()), 1);
        QCOMPARE(int(home->curve()->series(runs[0]).arrivals()), 12);
        QCOMPARE(home->heatmap()->rows(), 32); // hidden units
        QCOMPARE(home->heatmap()->cols(), 16); // the window
        QCOMPARE(home->heatmap()->columnLabels().size(), 16);
    }

    void transportActionsDriveTheLab()
    {
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        w.show();
        auto* home = qobject_cast<HomeLab*>(w.currentLab());
        QVERIFY(home && w.playAction()->isEnabled());
        w.stepAction()->trigger();
        QTRY_COMPARE(home->stepsDone(), qint64(1));
        w.stepAction()->trigger();
        QTRY_COMPARE(home->stepsDone(), qint64(2));
        QTest::qWait(50);
        QCOMPARE(home->stepsDone(), qint64(2)); // stepping leaves the run paused
        w.playAction()->trigger();
        QTRY_VERIFY(home->isPlaying());
        QTRY_VERIFY(home->stepsDone() > 5);
        QTRY_COMPARE(w.playAction()->text(), QString("Pause"));
        w.playAction()->trigger(); // pause
        QTRY_VERIFY(!home->isPlaying());
        w.resetAction()->trigger();
        QCOMPARE(home->stepsDone(), qint64(0));
        QCOMPARE(int(home->curve()->series(home->curve()->runIds()[0]).arrivals()), 0);
    }

    // Regression (issue 7): the lab read its task's step count on the GUI thread while the training thread stepped
    // it. Play, step and play again while a run goes; under ThreadSanitizer (scripts/unroll.sh tsan) any such read
    // is reported.
    void transportWhileARunGoesReadsNothingOfTheTask()
    {
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        auto* home = qobject_cast<HomeLab*>(w.currentLab());
        home->play();
        QTRY_VERIFY(home->stepsDone() > 3);
        for (int k = 0; k < 5; ++k) {
            home->play();     // already playing: goes on
            home->stepOnce(); // pauses after one more step
            home->play();
        }
        QTRY_VERIFY(home->isPlaying());
        home->pause();
        QTRY_VERIFY(!home->isPlaying());
        const qint64 held = home->stepsDone();
        QVERIFY(held > 3);
        home->reset();
        QCOMPARE(home->stepsDone(), qint64(0));
    }

    void resetRestartsFromTheSameWeights()
    {
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        auto* home = qobject_cast<HomeLab*>(w.currentLab());
        home->performSteps(5);
        const auto first = home->curve()->series(home->curve()->runIds()[0]).samples();
        home->reset();
        home->performSteps(5);
        const auto second = home->curve()->series(home->curve()->runIds()[0]).samples();
        QCOMPARE(first.size(), second.size());
        for (size_t i = 0; i < first.size(); ++i) QCOMPARE(first[i].raw, second[i].raw);
    }

    void presentationModeEnlargesTheFont()
    {
        const double before = QApplication::font().pointSizeF();
        MainWindow w(MainWindow::Options{.restoreSettings = false});
        w.setPresentationMode(true);
        QVERIFY(QApplication::font().pointSizeF() > before * 1.3);
        w.setPresentationMode(false);
        QCOMPARE(QApplication::font().pointSizeF(), before);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
