// The trigger-word lab (the "Trigger word detection" notebook of the Sequence Models course by deeplearning.ai,
// week 3): train the course's detector, or a small one of ours, from scratch on 10 s clips synthesized as it goes
// (spoken words over generated backgrounds, core/trigger), and look at what it hears. One clip at a time is shown as
// panes stacked on one time axis (ClipPanes): waveform, spectrogram, the label track, the detector's probability with
// the threshold, the detections and the audio with a chime at each, which plays through the sound card and exports
// as WAV. The clip is a held-out synthesized clip (unseen voices and backgrounds, scored after every epoch), the last
// training clip while training runs, a new clip synthesized from a seed, or any audio file. Beside them: the loss
// (training and held-out), per-frame accuracy, held-out precision and recall per epoch, and the false-reject /
// false-accept sweep over thresholds.
//
// Data flow: the task belongs to the training thread while a run goes. Its snapshots (filled on that thread between
// steps, by value) carry the epoch records and the sweep, a weight copy and every held-out probability track once an
// epoch has ended, the audio and spectrogram of the held-out clip the page asks for (an atomic request) when it asks,
// and the last training clip twice a second while the page shows it. Loading the clips and building the task, opening
// a file (read block by block through the detector's stream), synthesizing a clip and running the detector on it are
// BackgroundJobs, with progress and cancel; the page never waits for them.
#pragma once

#include "TrainingLab.hpp"
#include "labs/trigger/ShownClip.hpp"
#include "trigger/TriggerTask.hpp"

#include <QPointer>
#include <QVariant>

#include <atomic>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace unroll {

class BackgroundJob;
class ClipPanes;
class ClipPlayer;
class EpochPlot;
class SweepPlot;

using DetectorPtr = std::shared_ptr<const TriggerDetector<float>>;

// What the training thread hands the page, by value.
struct TriggerSnapshot {
    qint64 step = 0;
    std::vector<TriggerEpoch> history;
    int bestEpoch = 0; // TriggerTask::bestEpoch(): with validation, the epoch whose detector is kept
    std::vector<SweepPoint> sweep;
    // Only in the first snapshot after an epoch ended (else null): the weights it was scored with, and every held-out
    // clip's probability track.
    DetectorPtr model;
    std::shared_ptr<const std::vector<std::vector<float>>> heldOutProbability;
    // The held-out clip the page asked for (heldOutIndex), when it asked; the last training clip, when the page shows it.
    ShownClipPtr heldOutClip;
    int heldOutIndex = -1;
    ShownClipPtr trainingClip;
};

class TriggerLab : public TrainingLab {
    Q_OBJECT
public:
    enum class Source { HeldOut, Training, Synthesized, File };

    explicit TriggerLab(QWidget* parent = nullptr);
    ~TriggerLab() override;

    QString id() const override { return "trigger"; }
    QString title() const override { return "Trigger word"; }
    QString guideHtml() const override;

    void reset() override;
    void performSteps(int n) override; // waits for the task to be built first; the views show the last step after
    bool canOpenData() const override { return true; }
    void openData() override; // File > Open audio… (Ctrl+O)
    QString openDataText() const override { return tr("Open audio…"); }
    bool canSaveModel() const override { return bool(task_); }
    void saveModel() override;
    bool canOpenModel() const override { return true; }
    void openModel() override;
    QList<QAction*> exportActions() override;
    // "clip" (the panes), "training" (curves and sweep), "sweep", "heldout" (the table of held-out clips).
    bool showView(const QString& name) override;

    // For tests and scripts. Each starts background work; waitForSetup() and waitForClip() block until it ended.
    void openAudioFile(const QString& path);
    void showHeldOutClip(int index);
    void showTrainingClip();
    void synthesizeClip(std::uint32_t seed);
    void detectAgain();
    void saveModelFile(const QString& path);   // TriggerTask::saveModel (the run is stopped first)
    void openModelFile(const QString& path);   // loadTriggerDetector: the views detect with it
    bool waitForSetup();                       // the clips loaded and the task built
    bool waitForClip();                        // the last clip job ended; false when it failed
    QString message() const;                   // the message line above the views (plain text)
    Source source() const { return source_; }
    ClipPanes* panes() const { return panes_; }
    QPushButton* playButton() const { return play_; }
    EpochPlot* accuracyPlot() const { return accuracy_; }
    EpochPlot* detectionPlot() const { return detection_; }
    SweepPlot* sweepPlot() const { return sweep_; }
    QTableWidget* heldOutTable() const { return table_; }
    QTabWidget* viewTabs() const { return tabs_; }
    std::size_t epochsShown() const { return epochsShown_; }
    DetectorPtr currentModel() const { return model_; }

protected:
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& v) override;
    void showFailure(const QString& message) override;
    std::optional<Checkpoint> checkpoint() const override;
    void saveCheckpoint(const QString& path) override;

private:
    struct HeldOutInfo {
        std::vector<PlacedWord> words;
        std::vector<float> labels;
    };
    struct Requests; // what the page asks of the snapshot function (atomics)

    QWidget* setupControls();
    QWidget* setupViews();
    QWidget* setupClipTab();
    QWidget* setupTrainingTab();
    QWidget* setupSweepTab();
    QWidget* setupHeldOutTab();
    TriggerOptions optionsFromControls() const;
    void settingsChanged();
    void startSetup();
    void detectionChanged(); // threshold or k: the panes, the table and the sweep's marker at once
    void setMessage(const QString& html);
    void refreshSummary();
    void refreshHeldOutTable();
    void refreshClipControls();
    void showClip(ShownClipPtr clip);
    // The shown clip with a new probability track (the view stays where it is).
    void updateProbability(std::vector<float> probability, double frameSeconds);
    void setSource(Source source);   // and show that source's clip (loading it when there is none)
    void applySource(Source source); // the chooser, the requests and which buttons show; nothing loads
    void readTaskNow(); // with no run going: the shown held-out or training clip straight from the task
    bool startClipJob(const QString& what);
    void togglePlayback();

    // The run.
    std::shared_ptr<const ClipLibrary> library_;
    std::shared_ptr<const ClipSplit> split_;
    std::shared_ptr<TriggerTask> task_; // null while it is being built, or when the settings were refused
    std::shared_ptr<Requests> requests_;
    int setupGeneration_ = 0;
    bool settingsPending_ = false;
    std::vector<HeldOutInfo> heldOutInfo_;
    std::shared_ptr<const std::vector<std::vector<float>>> heldOutProbability_;
    double frameSeconds_ = 0;
    int runEpochs_ = 0;
    qint64 latestStep_ = 0;
    std::size_t epochsShown_ = 0;
    int heldOutRun_ = -1;
    std::vector<TriggerEpoch> history_;

    // What the views show.
    DetectorPtr model_;
    bool openedModel_ = false;
    QString openedModelName_;
    Source source_ = Source::HeldOut;
    int heldOutIndex_ = 0;
    ShownClipPtr shown_;
    ShownClipPtr synthClip_, fileClip_; // the last of each, to go back to
    QPointer<BackgroundJob> setupJob_; // the latest; deletes itself when it ends
    QTimer* setupTimer_ = nullptr;
    TriggerOptions setupOptions_;
    BackgroundJob* clipJob_ = nullptr;
    bool lastClipOk_ = false;
    ClipPlayer* player_ = nullptr;
    QList<QAction*> exports_;

    // Controls.
    QComboBox* preset_ = nullptr;
    QSpinBox *seed_ = nullptr, *epochs_ = nullptr, *stepsPerEpoch_ = nullptr, *batch_ = nullptr, *heldOut_ = nullptr;
    QDoubleSpinBox* lr_ = nullptr;
    QDoubleSpinBox* threshold_ = nullptr;
    QSpinBox* consecutive_ = nullptr;
    QLabel *summary_ = nullptr, *pendingNote_ = nullptr;
    // Views.
    QLabel* message_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QComboBox* sourceBox_ = nullptr;
    QSpinBox* heldOutPick_ = nullptr;
    QSpinBox* clipSeed_ = nullptr;
    QPushButton *newClip_ = nullptr, *openFile_ = nullptr, *detect_ = nullptr, *play_ = nullptr, *cancelClip_ = nullptr;
    QCheckBox* withChimes_ = nullptr;
    QDoubleSpinBox *dbLow_ = nullptr, *dbHigh_ = nullptr;
    QComboBox* maxFrequency_ = nullptr;
    QLabel* clipInfo_ = nullptr;
    ClipPanes* panes_ = nullptr;
    EpochPlot *accuracy_ = nullptr, *detection_ = nullptr;
    SweepPlot *sweep_ = nullptr, *sweepLarge_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* tableSummary_ = nullptr;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::TriggerSnapshot)
