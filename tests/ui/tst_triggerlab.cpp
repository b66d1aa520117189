// The trigger-word lab offscreen, on a tiny configuration (3 held-out clips, batches of 2, 2 epochs of 2 steps), so
// every test takes seconds: an opened WAV (written by core's writer into a temporary folder) is read through the
// detector's stream, its spectrogram shown with the course's 101 bins; a file longer than 10 s at another rate is
// resampled and streamed, with as many probabilities as one pass over its spectrogram gives; a file that is not audio
// is refused with its name in the message; a few training steps put points on the loss curve, the per-epoch plots and
// the sweep, and the held-out clip's probability in the panes; the threshold box and the panes agree; the play button
// is enabled exactly when the machine has an audio output; the model saved by the lab opens again.
#include "labs/TriggerLab.hpp"
#include "labs/trigger/ClipPanes.hpp"
#include "labs/trigger/ClipPlayer.hpp"
#include "labs/trigger/TriggerPlots.hpp"
#include "widgets/TrainingCurveView.hpp"

#include "audio/AudioFile.hpp"

#include <QDoubleSpinBox>
#include <QFile>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace unroll;

namespace {

QSpinBox* spinBox(TriggerLab& lab, const char* name)
{
    auto* s = lab.findChild<QSpinBox*>(name);
    if (!s) qFatal("no spin box %s", name);
    return s;
}

void useTinySettings(TriggerLab& lab)
{
    spinBox(lab, "heldOut")->setValue(3);
    spinBox(lab, "batch")->setValue(2);
    spinBox(lab, "stepsPerEpoch")->setValue(2);
    spinBox(lab, "epochs")->setValue(2);
    QVERIFY(lab.waitForSetup());
}

// seconds of a tone that comes and goes over quiet noise, at rate.
AudioClip toneClip(double seconds, int rate)
{
    AudioClip a;
    a.sampleRate = rate;
    a.samples.resize(std::size_t(seconds * rate));
    for (std::size_t i = 0; i < a.samples.size(); ++i) {
        const double t = double(i) / rate;
        const double on = std::fmod(t, 2.0) < 0.6 ? 0.3 : 0.0;
        a.samples[i] = float(on * std::sin(2 * M_PI * 660 * t) + 0.002 * std::sin(2 * M_PI * 97 * t));
    }
    return a;
}

} // namespace

class TestTriggerLab : public QObject {
    Q_OBJECT
private slots:
    void openedClipShowsItsSpectrogramAndDetections()
    {
        TriggerLab lab;
        lab.resize(1400, 900);
        lab.show();
        useTinySettings(lab);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("tones.wav");
        writeWav(path.toStdString(), toneClip(3.0, kLabRate));
        lab.openAudioFile(path);
        QVERIFY2(lab.waitForClip(), qPrintable(lab.message()));
        QCOMPARE(lab.source(), TriggerLab::Source::File);
        const ShownClipPtr clip = lab.panes()->clip();
        QVERIFY(clip);
        QCOMPARE(clip->title, QString("tones.wav"));
        QVERIFY(!clip->labelled);
        QCOMPARE(clip->audio.size(), std::int64_t(3 * kLabRate));
        QCOMPARE(clip->db.rows(), Index(101));
        const auto frames = spectrogramFrames(clip->audio.size(), 200, 80);
        QCOMPARE(clip->db.cols(), Index(frames));
        // The detector ran (untrained weights): one probability per output step of the whole spectrogram.
        QCOMPARE(std::int64_t(clip->probability.size()), (frames - 15) / 4 + 1);
        QVERIFY(lab.message().contains("tones.wav"));
        // The tone's bin (660 Hz is bin 3 of 220.5 Hz) is loud while it sounds, quiet in the gaps.
        const Index on = Index((0.3 - clip->firstColumnS) / clip->columnS), off = Index((1.2 - clip->firstColumnS) / clip->columnS);
        QVERIFY(clip->db(3, on) > clip->db(3, off) + 30);
        // Detections follow the threshold box (0 fires on any k steps: at least one).
        lab.findChild<QDoubleSpinBox*>("threshold")->setValue(0.0);
        QCOMPARE(lab.panes()->threshold(), 0.0);
        QVERIFY(!lab.panes()->detectionTimes().empty());
        QVERIFY(lab.panes()->chimedAudio().samples != clip->audio.samples);
        lab.panes()->setThreshold(1.0); // and the box follows the panes (the dragged line)
        QCOMPARE(lab.findChild<QDoubleSpinBox*>("threshold")->value(), 1.0);
    }

    void longFileAtAnotherRateIsStreamed()
    {
        TriggerLab lab;
        useTinySettings(lab);
        QTemporaryDir dir;
        const QString path = dir.filePath("long.wav");
        writeWav(path.toStdString(), toneClip(12.0, 22050));
        lab.openAudioFile(path);
        QVERIFY2(lab.waitForClip(), qPrintable(lab.message()));
        const ShownClipPtr clip = lab.panes()->clip();
        QCOMPARE(clip->audio.sampleRate, kLabRate);
        QVERIFY(std::abs(clip->audio.seconds() - 12.0) < 0.01);
        const auto frames = spectrogramFrames(clip->audio.size(), 200, 80);
        QCOMPARE(std::int64_t(clip->probability.size()), (frames - 15) / 4 + 1);
        // Equal to one pass over the whole clip (the stream carries its state across blocks).
        const auto whole = probabilityOf(*lab.currentModel(), clip->audio, SpectrogramEngine(courseSpectrogramOptions()));
        QCOMPARE(whole.size(), clip->probability.size());
        for (std::size_t i = 0; i < whole.size(); i += 97) QVERIFY(std::abs(whole[i] - clip->probability[i]) < 1e-4f);
    }

    void badFileIsRefusedNamingIt()
    {
        TriggerLab lab;
        useTinySettings(lab);
        QTemporaryDir dir;
        const QString path = dir.filePath("notes.wav");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are not samples");
        f.close();
        lab.openAudioFile(path);
        QVERIFY(!lab.waitForClip());
        QVERIFY2(lab.message().contains("notes.wav"), qPrintable(lab.message()));
        QVERIFY(lab.message().startsWith("Cannot open the audio file"));
        lab.openAudioFile(dir.filePath("missing.flac"));
        QVERIFY(!lab.waitForClip());
        QVERIFY2(lab.message().contains("missing.flac"), qPrintable(lab.message()));
    }

    void trainingStepsUpdateTheCurvesAndTheHeldOutClip()
    {
        TriggerLab lab;
        lab.resize(1400, 900);
        lab.show();
        useTinySettings(lab);
        QCOMPARE(lab.source(), TriggerLab::Source::HeldOut);
        QCOMPARE(lab.heldOutTable()->rowCount(), 3);
        QVERIFY(lab.panes()->clip()); // the held-out clip, before any step: no probability yet
        QVERIFY(lab.panes()->clip()->labelled);
        QVERIFY(lab.panes()->clip()->probability.empty());

        lab.performSteps(4); // two epochs
        QCOMPARE(lab.stepsDone(), qint64(4));
        const std::vector<int> runs = lab.curve()->runIds();
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(lab.curve()->series(runs[0]).size(), std::size_t(4));
        QCOMPARE(lab.curve()->series(runs[1]).size(), std::size_t(2)); // held-out loss per epoch
        QCOMPARE(lab.accuracyPlot()->pointsShown(), 2);
        QCOMPARE(lab.detectionPlot()->pointsShown(), 2);
        QCOMPARE(lab.sweepPlot()->pointsShown(), 19);
        QCOMPARE(lab.epochsShown(), std::size_t(2));
        const ShownClipPtr clip = lab.panes()->clip();
        QVERIFY(clip && clip->labelled);
        QCOMPARE(lab.panes()->clip()->labels.size(), std::size_t(1375));
        QCOMPARE(lab.panes()->readoutAt(QPoint(-1, -1)), QString()); // nothing under no pane
        QCOMPARE(clip->probability.size(), std::size_t(1375)); // the held-out clip's at the last evaluation
        QVERIFY(lab.heldOutTable()->item(0, 3)->text() != QString::fromUtf8("–"));

        lab.showTrainingClip();
        QCOMPARE(lab.source(), TriggerLab::Source::Training);
        QVERIFY(lab.panes()->clip()->title.startsWith("training clip of step 4"));
        QCOMPARE(lab.panes()->clip()->probability.size(), std::size_t(1375));

        lab.showHeldOutClip(2);
        QCOMPARE(lab.panes()->clip()->title, QString("held-out clip 3 of 3"));
        QCOMPARE(lab.panes()->clip()->probability.size(), std::size_t(1375));

        lab.synthesizeClip(7);
        QVERIFY2(lab.waitForClip(), qPrintable(lab.message()));
        QCOMPARE(lab.panes()->clip()->title, QString("synthesized clip, seed 7"));
        QCOMPARE(lab.panes()->clip()->probability.size(), std::size_t(1375));

        QTemporaryDir dir;
        const QString model = dir.filePath("trigger.safetensors");
        lab.saveModelFile(model);
        QVERIFY(QFile::exists(model));
        lab.openModelFile(model);
        QVERIFY2(lab.message().contains("trigger.safetensors"), qPrintable(lab.message()));
        QVERIFY(lab.waitForClip()); // the synthesized clip detected again with the opened model
        lab.openModelFile(dir.filePath("nothing.safetensors"));
        QVERIFY(lab.message().contains("nothing.safetensors"));

        for (const char* view : {"clip", "training", "sweep", "heldout"}) QVERIFY(lab.showView(view));
        QVERIFY(!lab.showView("spectrum"));
    }

    void playIsEnabledExactlyWithAnAudioOutput()
    {
        TriggerLab lab;
        QPushButton* play = lab.playButton();
        QCOMPARE(play->isEnabled(), ClipPlayer::outputAvailable());
        if (!ClipPlayer::outputAvailable()) QVERIFY(play->toolTip().contains("no audio output"));
        // What the sink is fed: 16-bit little-endian PCM, clipped.
        AudioClip c;
        c.sampleRate = kLabRate;
        c.samples = {0.0f, 0.5f, -1.0f, 2.0f};
        const QByteArray pcm = ClipPlayer::int16Pcm(c);
        QCOMPARE(pcm.size(), 8);
        const auto sample = [&pcm](int i) { return std::int16_t(std::uint8_t(pcm[2 * i]) | (std::uint8_t(pcm[2 * i + 1]) << 8)); };
        QCOMPARE(sample(0), std::int16_t(0));
        QCOMPARE(sample(1), std::int16_t(16384));
        QCOMPARE(sample(2), std::int16_t(-32768));
        QCOMPARE(sample(3), std::int16_t(32767));
        QCOMPARE(ClipPlayer::int16Pcm(c, 2.0 / kLabRate).size(), 4); // from the cursor on
    }
};

QTEST_MAIN(TestTriggerLab)
#include "tst_triggerlab.moc"
