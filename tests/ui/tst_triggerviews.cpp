// The trigger-word lab's stacked panes offscreen, on a made-up 3 s clip (a 1 kHz tone burst over quiet noise, one
// "activate" placed over the burst, a probability with one long plateau and one short one): every pane shares one time
// axis (set, wheel-zoomed, scrolled, clamped to the clip), the hover readout gives time, true Hz and the level in dB
// of the spectrogram cell under the pointer, the threshold (set, or its line dragged) moves the detection markers as
// core/trigger/Detection says, and the chimed audio carries a chime at each detection.
#include "labs/trigger/ClipPanes.hpp"
#include "labs/trigger/ShownClip.hpp"

#include "math/Rng.hpp"

#include <qcustomplot.h>

#include <QAction>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace unroll;

namespace {

constexpr double kSeconds = 3.0;

ShownClipPtr makeClip()
{
    auto clip = std::make_shared<ShownClip>();
    clip->title = "test clip";
    clip->audio.sampleRate = kLabRate;
    clip->audio.samples.resize(std::size_t(kSeconds * kLabRate));
    Rng rng(3);
    for (std::size_t i = 0; i < clip->audio.samples.size(); ++i) {
        const double t = double(i) / kLabRate;
        const double tone = t >= 1.0 && t < 1.5 ? 0.5 * std::sin(2 * M_PI * 1000.0 * t) : 0.0;
        clip->audio.samples[i] = float(tone + 0.001 * (rng.randomSample() - 0.5));
    }
    setSpectrogram(*clip, SpectrogramEngine(courseSpectrogramOptions()));
    clip->frameSeconds = outputStepSeconds(smallTriggerConfig());
    const auto steps = std::size_t(kSeconds / clip->frameSeconds);
    clip->labelled = true;
    clip->words.push_back({.segment = {1000, 1499}, .word = "activate", .positive = true});
    clip->labels.assign(steps, 0.0f);
    for (std::size_t i = 207; i < 257 && i < steps; ++i) clip->labels[i] = 1;
    // A plateau of 60 steps from step 200 (fires once at k = 20, at step 219), one of 10 steps from step 350 (never).
    clip->probability.assign(steps, 0.1f);
    for (std::size_t i = 200; i < 260; ++i) clip->probability[i] = 0.8f;
    for (std::size_t i = 350; i < 360; ++i) clip->probability[i] = 0.95f;
    return clip;
}

void showPanes(ClipPanes& panes)
{
    panes.resize(1000, 700);
    panes.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panes));
    panes.plot()->replot();
}

void checkShared(const ClipPanes& panes)
{
    const auto [lo, hi] = panes.timeRange();
    for (int p = 0; p < ClipPanes::kPanes; ++p) {
        const QCPRange r = panes.axisRect(ClipPanes::Pane(p))->axis(QCPAxis::atBottom)->range();
        QCOMPARE(r.lower, lo);
        QCOMPARE(r.upper, hi);
    }
    // The panes are stacked: one above the other, the same width and left edge.
    for (int p = 1; p < ClipPanes::kPanes; ++p) {
        QCOMPARE(panes.paneRect(ClipPanes::Pane(p)).left(), panes.paneRect(ClipPanes::Waveform).left());
        QCOMPARE(panes.paneRect(ClipPanes::Pane(p)).width(), panes.paneRect(ClipPanes::Waveform).width());
        QVERIFY(panes.paneRect(ClipPanes::Pane(p)).top() > panes.paneRect(ClipPanes::Pane(p - 1)).bottom());
    }
}

void wheel(ClipPanes& panes, QPoint at, int notches)
{
    QWheelEvent e(at, panes.plot()->mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(panes.plot(), &e);
}

void mouse(ClipPanes& panes, QEvent::Type type, QPoint at, Qt::MouseButton button = Qt::LeftButton)
{
    const Qt::MouseButtons buttons = type == QEvent::MouseButtonRelease || type == QEvent::MouseMove ? Qt::NoButton
                                                                                                      : Qt::MouseButtons(button);
    QMouseEvent e(type, at, panes.plot()->mapToGlobal(at), type == QEvent::MouseMove ? Qt::NoButton : button,
                  type == QEvent::MouseMove && button != Qt::NoButton ? Qt::MouseButtons(button) : buttons, Qt::NoModifier);
    QCoreApplication::sendEvent(panes.plot(), &e);
}

} // namespace

class TestTriggerViews : public QObject {
    Q_OBJECT
private slots:
    void everyPaneSharesOneTimeAxis()
    {
        ClipPanes panes;
        showPanes(panes);
        panes.setClip(makeClip());
        panes.plot()->replot();
        QCOMPARE(panes.timeRange(), std::make_pair(0.0, kSeconds));
        checkShared(panes);

        QSignalSpy changed(&panes, &ClipPanes::timeRangeChanged);
        panes.setTimeRange(0.5, 1.25);
        QCOMPARE(panes.timeRange(), std::make_pair(0.5, 1.25));
        checkShared(panes);
        QCOMPARE(changed.count(), 1);

        // Past the clip's end: slid back inside, the span kept.
        panes.setTimeRange(2.5, 3.5);
        QCOMPARE(panes.timeRange(), std::make_pair(2.0, 3.0));
        // Wider than the clip: the whole clip.
        panes.setTimeRange(-4, 40);
        QCOMPARE(panes.timeRange(), std::make_pair(0.0, kSeconds));
        QVERIFY(!panes.findChild<QScrollBar*>()->isEnabled());
    }

    void wheelZoomsEveryPaneAboutThePointerAndTheScrollBarFollows()
    {
        ClipPanes panes;
        showPanes(panes);
        panes.setClip(makeClip());
        panes.plot()->replot();
        const QPoint at = panes.pointAt(ClipPanes::Spectrogram, 1.2, 3000);
        wheel(panes, at, 1);
        const auto [lo, hi] = panes.timeRange();
        QVERIFY2(hi - lo < kSeconds * 0.9, qPrintable(QString("%1 … %2").arg(lo).arg(hi)));
        QVERIFY(lo < 1.2 && hi > 1.2);
        // About the pointer: 1.2 s stays at the same fraction of the width.
        QVERIFY(std::abs((1.2 - lo) / (hi - lo) - 1.2 / kSeconds) < 0.01);
        checkShared(panes);
        auto* scroll = panes.findChild<QScrollBar*>();
        QVERIFY(scroll->isEnabled());
        QCOMPARE(scroll->value(), int(std::lround(lo * 1000)));
        scroll->setValue(0); // scrolling keeps the span
        QVERIFY(std::abs(panes.timeRange().first) < 1e-9);
        QVERIFY(std::abs(panes.timeRange().second - (hi - lo)) < 1e-3);
        checkShared(panes);

        panes.zoomAt(0.1, 0.001); // far in: no narrower than 20 ms
        QVERIFY(std::abs(panes.timeRange().second - panes.timeRange().first - 0.02) < 1e-9);
        wheel(panes, panes.paneRect(ClipPanes::Waveform).center(), -40); // far out: the whole clip
        QCOMPARE(panes.timeRange(), std::make_pair(0.0, kSeconds));
    }

    void hoverReadsTimeTrueHertzAndLevel()
    {
        ClipPanes panes;
        showPanes(panes);
        const ShownClipPtr clip = makeClip();
        panes.setClip(clip);
        panes.plot()->replot();
        // The course spectrogram at 44.1 kHz: bins 220.5 Hz apart (true Hz, not the course's 8 kHz axis).
        QCOMPARE(clip->binHz, 220.5);
        QCOMPARE(clip->db.rows(), Index(101));
        QCOMPARE(clip->db.cols(), Index(spectrogramFrames(clip->audio.size(), 200, 80)));
        const double f = 5 * 220.5; // the bin nearest 1 kHz
        const QPoint at = panes.pointAt(ClipPanes::Spectrogram, 1.25, f);
        const QString text = panes.readoutAt(at);
        const Index col = Index(std::lround((panes.axisRect(ClipPanes::Spectrogram)->axis(QCPAxis::atBottom)->pixelToCoord(at.x()) -
                                             clip->firstColumnS) / clip->columnS));
        const QString level = QString::number(double(clip->db(5, col)), 'f', 1);
        QVERIFY2(text.startsWith("1.2"), qPrintable(text));
        QVERIFY2(text.contains("1,103 Hz"), qPrintable(text));
        QVERIFY2(text.contains(level + " dB"), qPrintable(text + " / " + level));
        // The tone is loud there, the noise far below it.
        QVERIFY(clip->db(5, col) > clip->db(5, 10) + 40);
        mouse(panes, QEvent::MouseMove, at, Qt::NoButton);
        QCOMPARE(panes.readoutText(), text);
        QVERIFY(panes.readoutAt(panes.pointAt(ClipPanes::Probability, 200.5 * clip->frameSeconds, 0.5))
                    .contains("p 0.800"));
        QVERIFY(panes.readoutAt(panes.pointAt(ClipPanes::Labels, 1.2, 0.5)).contains("activate"));
        QVERIFY(panes.readoutAt(QPoint(-5, -5)).isEmpty());
    }

    void thresholdMovesTheDetectionMarkers()
    {
        ClipPanes panes;
        showPanes(panes);
        const ShownClipPtr clip = makeClip();
        panes.setDetectionOptions({.threshold = 0.5, .consecutive = 20});
        panes.setClip(clip);
        panes.plot()->replot();
        // The plateau of 60 steps fires once, at its 20th step; the short one never (10 < k).
        QCOMPARE(panes.detectionTimes().size(), std::size_t(1));
        QCOMPARE(panes.detectionTimes()[0], 219 * clip->frameSeconds);
        QCOMPARE(panes.detectionHits(), std::vector<bool>{true}); // over the word "activate"
        QVERIFY(panes.detectionsCsv().contains(",219,0.5,20,yes"));
        // The chime is in the chimed audio from the detection on, and nothing changed before it.
        const auto at = std::size_t(panes.detectionTimes()[0] * kLabRate);
        const AudioClip& chimed = panes.chimedAudio();
        QCOMPARE(chimed.size(), clip->audio.size());
        QVERIFY(std::equal(chimed.samples.begin(), chimed.samples.begin() + std::ptrdiff_t(at), clip->audio.samples.begin()));
        double diff = 0;
        for (std::size_t i = at; i < at + 4410; ++i) diff += std::abs(chimed.samples[i] - clip->audio.samples[i]);
        QVERIFY(diff > 1);

        QSignalSpy moved(&panes, &ClipPanes::detectionsChanged);
        panes.setThreshold(0.9); // above the long plateau: nothing fires
        QVERIFY(panes.detectionTimes().empty());
        QVERIFY(moved.count() >= 1);
        QCOMPARE(panes.chimedAudio().samples, clip->audio.samples);
        panes.setDetectionOptions({.threshold = 0.9, .consecutive = 5}); // k 5: the short plateau fires
        QCOMPARE(panes.detectionTimes().size(), std::size_t(1));
        QCOMPARE(panes.detectionTimes()[0], 354 * clip->frameSeconds);
        QCOMPARE(panes.detectionHits(), std::vector<bool>{false}); // no trigger word there: a false accept

        // Drag the threshold line from 0.9 down to 0.5: both plateaus fire (k = 5).
        QSignalSpy threshold(&panes, &ClipPanes::thresholdChanged);
        const QPoint from = panes.pointAt(ClipPanes::Probability, 0.5, 0.9);
        const QPoint to = panes.pointAt(ClipPanes::Probability, 0.5, 0.5);
        mouse(panes, QEvent::MouseButtonPress, from);
        mouse(panes, QEvent::MouseMove, to, Qt::LeftButton);
        mouse(panes, QEvent::MouseButtonRelease, to);
        QVERIFY2(std::abs(panes.threshold() - 0.5) <= 0.021, qPrintable(QString::number(panes.threshold())));
        QVERIFY(threshold.count() >= 1);
        QCOMPARE(panes.detectionTimes().size(), std::size_t(2));
        QCOMPARE(panes.timeRange(), std::make_pair(0.0, kSeconds)); // the drag moved the line, not the view
    }

    void clickAsksToSeekAndTheCursorRunsDownEveryPane()
    {
        ClipPanes panes;
        showPanes(panes);
        panes.setClip(makeClip());
        panes.plot()->replot();
        QSignalSpy seek(&panes, &ClipPanes::seekRequested);
        const QPoint at = panes.pointAt(ClipPanes::Waveform, 2.0, 0);
        mouse(panes, QEvent::MouseButtonPress, at);
        mouse(panes, QEvent::MouseButtonRelease, at);
        QCOMPARE(seek.count(), 1);
        QVERIFY(std::abs(seek.first().at(0).toDouble() - 2.0) < 0.01);
        panes.setPlayCursor(1.5);
        QCOMPARE(panes.playCursor(), 1.5);
        QVERIFY(panes.spectrogramCsv().startsWith("time_s,0_Hz_dB,220.5_Hz_dB"));
    }


    void keysOnThePanesPlayAndZoomBeforeTheWindowsShortcuts()
    {
        ClipPanes panes;
        // The window's Space (the app's training transport) must give way while the panes have the focus.
        QAction train(&panes);
        train.setShortcut(Qt::Key_Space);
        panes.addAction(&train);
        QSignalSpy trained(&train, &QAction::triggered);
        showPanes(panes);
        panes.setClip(makeClip());
        panes.plot()->setFocus();
        QSignalSpy toggle(&panes, &ClipPanes::playToggleRequested);
        QTest::keyClick(panes.plot(), Qt::Key_Space);
        QCOMPARE(toggle.count(), 1);
        QCOMPARE(trained.count(), 0);
        QTest::keyClick(panes.plot(), Qt::Key_Plus);
        QVERIFY(panes.timeRange().second - panes.timeRange().first < kSeconds * 0.75);
        QTest::keyClick(panes.plot(), Qt::Key_0);
        QCOMPARE(panes.timeRange(), std::make_pair(0.0, kSeconds));
    }
};

QTEST_MAIN(TestTriggerViews)
#include "tst_triggerviews.moc"
