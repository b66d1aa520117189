// The trigger-word lab; see TriggerLab.hpp.
#include "labs/TriggerLab.hpp"

#include "labs/trigger/ClipPanes.hpp"
#include "labs/trigger/ClipPlayer.hpp"
#include "labs/trigger/TriggerPlots.hpp"
#include "BackgroundJob.hpp"
#include "audio/AudioFile.hpp"
#include "math/Rng.hpp"
#include "trigger/Backgrounds.hpp"
#include "util/Error.hpp"
#include "widgets/PlotExport.hpp"
#include "widgets/FormFields.hpp"
#include "widgets/MessageHtml.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

namespace unroll {

namespace {

QString thousands(qint64 n) { return QLocale(QLocale::English).toString(n); }
QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

// A held-out or training clip of the task as the panes show it (on whichever thread may read the task).
ShownClipPtr shownOf(const HeldOutClip& h, const QString& title, const SpectrogramEngine& engine, double frameSeconds)
{
    auto c = std::make_shared<ShownClip>();
    c->title = title;
    c->audio = h.clip.audio;
    setSpectrogram(*c, engine);
    c->labelled = true;
    c->labels = h.clip.labels;
    c->words = h.clip.words;
    c->probability = h.probability;
    c->frameSeconds = frameSeconds;
    return c;
}

QString heldOutTitle(int i, std::size_t n) { return QString("held-out clip %1 of %2").arg(i + 1).arg(n); }

// The snapshot function's own state (only the training thread touches it once the run has started).
struct SnapshotState {
    std::size_t sentEpochs = 0;
    int sentHeldOut = -1;
    std::chrono::steady_clock::time_point lastTraining{};
    SpectrogramEngine engine{courseSpectrogramOptions()};
};

constexpr auto kTrainingClipInterval = std::chrono::milliseconds(500);

// The built-in clips, loaded once per process (70 MB at 44.1 kHz): every lab page and every reset shares them.
std::shared_ptr<const ClipLibrary> builtinLibrary(TrainingObserver& observer)
{
    static std::mutex mutex;
    static std::shared_ptr<const ClipLibrary> cached;
    {
        const std::lock_guard lock(mutex);
        if (cached) return cached;
    }
    auto library = std::make_shared<const ClipLibrary>(
        loadBuiltinClips(kLabRate, [&observer](std::int64_t done, std::int64_t total) {
            observer.onProgress(done, total);
            return !observer.stopRequested();
        }));
    const std::lock_guard lock(mutex);
    if (!cached) cached = library;
    return cached;
}

} // namespace

struct TriggerLab::Requests {
    std::atomic<int> heldOut{-1};      // the held-out clip the page shows (-1: none)
    std::atomic<bool> training{false}; // the page shows the last training clip
};

TriggerLab::TriggerLab(QWidget* parent) : TrainingLab(parent), requests_(std::make_shared<Requests>())
{
    qRegisterMetaType<TriggerSnapshot>();
    // A step synthesizes and transforms a batch of 10 s clips: ~0.4 s on two idle cores, several times that on a busy
    // machine, so `--steps 600 --screenshot` may take longer than the default bound for a stuck run.
    training()->setStepsTimeout(std::chrono::hours(1));
    clipJob_ = new BackgroundJob(this);
    player_ = new ClipPlayer(this);
    connect(clipJob_, &BackgroundJob::progress, this, &Lab::progressChanged);
    setupTimer_ = new QTimer(this);
    setupTimer_->setSingleShot(true);
    setupTimer_->setInterval(0);
    connect(setupTimer_, &QTimer::timeout, this, &TriggerLab::startSetup);
    QWidget* controls = setupControls(); // first: the views read the detection controls
    setupScaffold(controls, setupViews(), 290);
    applySource(source_);
    newRun();
}

TriggerLab::~TriggerLab()
{
    player_->stop();
    if (setupJob_) setupJob_->cancel();
    clipJob_->cancel();
}

// --- controls --------------------------------------------------------------------------------------------------------

QWidget* TriggerLab::setupControls()
{
    const TriggerOptions d;
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 4, 0);

    auto* model = new QGroupBox(tr("Detector"));
    auto* mg = new QGridLayout(model);
    preset_ = new QComboBox;
    preset_->addItem(tr("small (ours, minutes)"), "small");
    preset_->addItem(tr("course (the notebook's)"), "course");
    preset_->setToolTip(tr("small: Conv1D 32, one GRU of 64, log-power input, ~90k parameters, trains in minutes on "
                           "two cores. course: the notebook's Conv1D 196 and two GRUs of 128, 523,329 parameters, "
                           "about 20 times slower."));
    seed_ = spin(0, 1'000'000, int(d.seed));
    seed_->setToolTip(tr("The weights, dropout and every synthesized training and held-out clip"));
    mg->addWidget(new QLabel(tr("Preset")), 0, 0);
    mg->addWidget(preset_, 0, 1, 1, 3);
    addPair(mg, 1, 0, tr("Seed"), seed_);
    v->addWidget(model);

    auto* train = new QGroupBox(tr("Training"));
    auto* tg = new QGridLayout(train);
    epochs_ = spin(1, 10'000, d.epochs);
    epochs_->setToolTip(tr("After each epoch the held-out clips are scored"));
    stepsPerEpoch_ = spin(1, 100'000, int(d.stepsPerEpoch), 10);
    stepsPerEpoch_->setToolTip(tr("Steps per epoch; each step synthesizes a fresh batch of 10 s clips"));
    batch_ = spin(1, 1024, int(d.batch));
    batch_->setToolTip(tr("Clips per step"));
    lr_ = doubleSpin(0.00001, 1, d.optimizer.learningRate, 5, 0.0005);
    lr_->setToolTip(tr("Adam's learning rate"));
    heldOut_ = spin(1, 2000, int(d.heldOut), 10);
    heldOut_->setToolTip(tr("Held-out clips (10 s each; voices and backgrounds training never hears), synthesized once"));
    addPair(tg, 0, 0, tr("Epochs"), epochs_);
    addPair(tg, 0, 1, tr("Steps"), stepsPerEpoch_);
    addPair(tg, 1, 0, tr("Batch"), batch_);
    addPair(tg, 1, 1, tr("Held out"), heldOut_);
    addPair(tg, 2, 0, tr("Rate"), lr_);
    v->addWidget(train);

    auto* detect = new QGroupBox(tr("Detection"));
    auto* dg = new QGridLayout(detect);
    threshold_ = doubleSpin(0, 1, d.detection.threshold, 2, 0.05);
    threshold_->setToolTip(tr("A step counts when its probability is at or above this (drag the red line in the "
                              "probability pane too)"));
    consecutive_ = spin(1, 500, d.detection.consecutive);
    consecutive_->setToolTip(tr("A detection fires after this many consecutive steps at or above the threshold "
                                "(the course's 2021 code: 20 steps, 145 ms), and re-arms once the probability falls "
                                "below it"));
    addPair(dg, 0, 0, tr("Threshold"), threshold_);
    addPair(dg, 0, 1, tr("k"), consecutive_);
    auto* note = new QLabel(tr("The panes, the held-out table and the sweep follow at once; the per-epoch held-out "
                               "scores use the values the run started with."));
    note->setWordWrap(true);
    note->setStyleSheet("color: #4c566a; font-size: 9pt;");
    dg->addWidget(note, 1, 0, 1, 4);
    v->addWidget(detect);

    pendingNote_ = new QLabel(tr("Reset (Ctrl+R) to train with the new settings."));
    pendingNote_->setWordWrap(true);
    pendingNote_->setStyleSheet("color: #8a5a00;");
    pendingNote_->hide();
    v->addWidget(pendingNote_);

    auto* sum = new QGroupBox(tr("Summary"));
    auto* sv = new QVBoxLayout(sum);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sv->addWidget(summary_);
    v->addWidget(sum);
    v->addStretch(1);

    const std::pair<QWidget*, const char*> names[] = {
        {preset_, "preset"},    {seed_, "seed"},         {epochs_, "epochs"},       {stepsPerEpoch_, "stepsPerEpoch"},
        {batch_, "batch"},      {lr_, "learningRate"},   {heldOut_, "heldOut"},     {threshold_, "threshold"},
        {consecutive_, "consecutive"}};
    for (const auto& [w, name] : names) w->setObjectName(name);
    for (QSpinBox* s : {seed_, epochs_, stepsPerEpoch_, batch_, heldOut_})
        connect(s, &QSpinBox::valueChanged, this, &TriggerLab::settingsChanged);
    connect(lr_, &QDoubleSpinBox::valueChanged, this, &TriggerLab::settingsChanged);
    connect(preset_, &QComboBox::currentIndexChanged, this, &TriggerLab::settingsChanged);
    connect(threshold_, &QDoubleSpinBox::valueChanged, this, &TriggerLab::detectionChanged);
    connect(consecutive_, &QSpinBox::valueChanged, this, &TriggerLab::detectionChanged);
    return box;
}

QWidget* TriggerLab::setupViews()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(4);
    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setStyleSheet("background: #eef1f6; border-radius: 4px; padding: 4px 8px;");
    message_->hide();
    v->addWidget(message_);
    tabs_ = new QTabWidget;
    tabs_->addTab(setupClipTab(), tr("Clip"));
    tabs_->addTab(setupTrainingTab(), tr("Training"));
    tabs_->addTab(setupSweepTab(), tr("Threshold sweep"));
    tabs_->addTab(setupHeldOutTab(), tr("Held-out clips"));
    v->addWidget(tabs_, 1);
    return box;
}

QWidget* TriggerLab::setupClipTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);
    v->setSpacing(4);

    auto* row = new QHBoxLayout;
    sourceBox_ = new QComboBox;
    sourceBox_->addItem(tr("Held-out clip"), int(Source::HeldOut));
    sourceBox_->addItem(tr("Last training clip"), int(Source::Training));
    sourceBox_->addItem(tr("Synthesized clip"), int(Source::Synthesized));
    sourceBox_->addItem(tr("Audio file"), int(Source::File));
    sourceBox_->setObjectName("source");
    sourceBox_->setToolTip(tr("Which clip the panes show"));
    row->addWidget(sourceBox_);
    heldOutPick_ = spin(1, 1, 1);
    heldOutPick_->setPrefix(tr("clip "));
    heldOutPick_->setObjectName("heldOutPick");
    heldOutPick_->setToolTip(tr("Which held-out clip (voices and backgrounds training never hears)"));
    row->addWidget(heldOutPick_);
    newClip_ = new QPushButton(tr("New clip"));
    newClip_->setToolTip(tr("Synthesize a 10 s clip from the held-out voices with this seed, and detect in it"));
    clipSeed_ = spin(0, 1'000'000, 1);
    clipSeed_->setPrefix(tr("seed "));
    clipSeed_->setObjectName("clipSeed");
    row->addWidget(newClip_);
    row->addWidget(clipSeed_);
    openFile_ = new QPushButton(tr("Open audio…"));
    openFile_->setToolTip(tr("Any file libsndfile reads (WAV, FLAC, OGG, MP3, …), any rate, up to 10 minutes (Ctrl+O)"));
    row->addWidget(openFile_);
    detect_ = new QPushButton(tr("Detect again"));
    detect_->setToolTip(tr("Run the latest weights (or an opened model) over this clip"));
    row->addWidget(detect_);
    cancelClip_ = new QPushButton(tr("Cancel"));
    cancelClip_->setToolTip(tr("Stop reading the file (or synthesizing, or detecting)"));
    cancelClip_->hide();
    row->addWidget(cancelClip_);
    clipInfo_ = new QLabel;
    clipInfo_->setWordWrap(true);
    clipInfo_->setStyleSheet("color: #2e3440;");
    row->addWidget(clipInfo_, 1);
    v->addLayout(row);

    auto* row2 = new QHBoxLayout;
    play_ = new QPushButton(tr("▶ Play"));
    play_->setObjectName("play");
    withChimes_ = new QCheckBox(tr("with chimes"));
    withChimes_->setChecked(true);
    withChimes_->setToolTip(tr("Play the clip with a chime at every detection (the course's chime_on_activate)"));
    row2->addWidget(play_);
    row2->addWidget(withChimes_);
    row2->addSpacing(12);
    row2->addWidget(new QLabel(tr("Levels")));
    dbLow_ = doubleSpin(-300, 200, -100, 0, 5);
    dbHigh_ = doubleSpin(-300, 200, 0, 0, 5);
    dbLow_->setSuffix(tr(" dB"));
    dbHigh_->setSuffix(tr(" dB"));
    dbLow_->setToolTip(tr("The level drawn darkest in the spectrogram"));
    dbHigh_->setToolTip(tr("The level drawn brightest"));
    dbLow_->setObjectName("dbLow");
    dbHigh_->setObjectName("dbHigh");
    row2->addWidget(dbLow_);
    row2->addWidget(new QLabel(QString::fromUtf8("…")));
    row2->addWidget(dbHigh_);
    maxFrequency_ = new QComboBox;
    for (const auto& [text, hz] : {std::pair{tr("to 22 kHz"), 0}, std::pair{tr("to 11 kHz"), 11025},
                                   std::pair{tr("to 8 kHz"), 8000}, std::pair{tr("to 4 kHz"), 4000}})
        maxFrequency_->addItem(text, hz);
    maxFrequency_->setObjectName("maxFrequency");
    maxFrequency_->setCurrentIndex(1); // speech and the built-in words' band; the rest is a click away
    maxFrequency_->setToolTip(tr("The spectrogram's frequency range (the built-in words were recorded at 16 kHz: "
                                 "above 8 kHz there is only background)"));
    row2->addWidget(maxFrequency_);
    row2->addStretch(1);
    v->addLayout(row2);

    panes_ = new ClipPanes;
    panes_->setMaxFrequency(maxFrequency_->currentData().toDouble());
    panes_->setDetectionOptions({.threshold = threshold_->value(), .consecutive = consecutive_->value()});
    v->addWidget(panes_, 1);

    if (!ClipPlayer::outputAvailable()) {
        play_->setEnabled(false);
        play_->setToolTip(ClipPlayer::unavailableReason());
    } else {
        play_->setToolTip(tr("Play from the cursor (click a pane to move it); Space while the panes have the focus"));
    }

    connect(sourceBox_, &QComboBox::currentIndexChanged, this,
            [this] { setSource(Source(sourceBox_->currentData().toInt())); });
    connect(heldOutPick_, &QSpinBox::valueChanged, this, [this](int n) { showHeldOutClip(n - 1); });
    connect(newClip_, &QPushButton::clicked, this, [this] { synthesizeClip(std::uint32_t(clipSeed_->value())); });
    connect(openFile_, &QPushButton::clicked, this, &TriggerLab::openData);
    connect(detect_, &QPushButton::clicked, this, &TriggerLab::detectAgain);
    connect(cancelClip_, &QPushButton::clicked, clipJob_, &BackgroundJob::cancel);
    connect(clipJob_, &BackgroundJob::finished, cancelClip_, &QWidget::hide);
    connect(play_, &QPushButton::clicked, this, &TriggerLab::togglePlayback);
    connect(panes_, &ClipPanes::playToggleRequested, this, [this] {
        if (play_->isEnabled()) togglePlayback();
    });
    connect(panes_, &ClipPanes::seekRequested, this, [this](double s) {
        const bool playing = player_->isPlaying();
        player_->stop();
        panes_->setPlayCursor(s);
        if (playing) togglePlayback();
    });
    connect(player_, &ClipPlayer::positionChanged, panes_, &ClipPanes::setPlayCursor);
    connect(player_, &ClipPlayer::stopped, this, [this] {
        play_->setText(tr("▶ Play"));
        if (!player_->error().isEmpty()) setMessage(errorHtml(html(player_->error())));
    });
    connect(panes_, &ClipPanes::thresholdChanged, this, [this](double t) {
        if (std::abs(threshold_->value() - t) > 1e-9) threshold_->setValue(t); // the line was dragged
    });
    connect(panes_, &ClipPanes::detectionsChanged, this, &TriggerLab::refreshClipControls);
    connect(maxFrequency_, &QComboBox::currentIndexChanged, this,
            [this] { panes_->setMaxFrequency(maxFrequency_->currentData().toDouble()); });
    connect(dbLow_, &QDoubleSpinBox::valueChanged, this, [this] { panes_->setDbRange(dbLow_->value(), dbHigh_->value()); });
    connect(dbHigh_, &QDoubleSpinBox::valueChanged, this, [this] { panes_->setDbRange(dbLow_->value(), dbHigh_->value()); });
    return w;
}

QWidget* TriggerLab::setupTrainingTab()
{
    auto* w = new QWidget;
    auto* grid = new QGridLayout(w);
    grid->setContentsMargins(4, 4, 4, 4);
    grid->setSpacing(6);
    curve()->setTitle(tr("Loss"));
    curve()->setValueLabel(tr("binary cross-entropy"));
    curve()->setPlaceholderText(tr("Press Play (Space) to train"));
    curve()->setControlsVisible(false);
    // Unsmoothed: an average over the held-out loss's few epoch points would lag them by epochs (the context menu's
    // "Show controls" brings the smoothing back).
    curve()->setSmoothing({.mode = SmoothingMode::Ema, .emaWeight = 0.0});
    accuracy_ = new EpochPlot(EpochPlot::Kind::FrameAccuracy);
    detection_ = new EpochPlot(EpochPlot::Kind::Detection);
    sweep_ = new SweepPlot;
    grid->addWidget(curve(), 0, 0);
    grid->addWidget(accuracy_, 0, 1);
    grid->addWidget(detection_, 1, 0);
    grid->addWidget(sweep_, 1, 1);
    for (int i = 0; i < 2; ++i) {
        grid->setRowStretch(i, 1);
        grid->setColumnStretch(i, 1);
    }
    return w;
}

QWidget* TriggerLab::setupSweepTab()
{
    sweepLarge_ = new SweepPlot;
    return sweepLarge_;
}

QWidget* TriggerLab::setupHeldOutTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);
    tableSummary_ = new QLabel;
    tableSummary_->setWordWrap(true);
    v->addWidget(tableSummary_);
    table_ = new QTableWidget;
    table_->setColumnCount(6);
    table_->setHorizontalHeaderLabels({tr("clip"), tr("words (trigger words in bold in the panes)"), tr("trigger words"),
                                       tr("detections"), tr("hits"), tr("false accepts")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    v->addWidget(table_, 1);
    connect(table_, &QTableWidget::cellClicked, this, [this](int row, int) {
        showHeldOutClip(row);
        tabs_->setCurrentIndex(0);
    });
    return w;
}

TriggerOptions TriggerLab::optionsFromControls() const
{
    TriggerOptions o;
    o.model = triggerPreset(preset_->currentData().toString().toStdString());
    o.seed = std::uint32_t(seed_->value());
    o.epochs = epochs_->value();
    o.stepsPerEpoch = stepsPerEpoch_->value();
    o.batch = batch_->value();
    o.optimizer.learningRate = lr_->value();
    o.heldOut = heldOut_->value();
    o.detection = {.threshold = threshold_->value(), .consecutive = consecutive_->value()};
    return o;
}

void TriggerLab::settingsChanged()
{
    if (!training()->isActive() && stepsDone() == 0) {
        newRun(); // nothing trained yet: nothing to lose
        return;
    }
    settingsPending_ = true;
    pendingNote_->show();
    refreshSummary();
}

void TriggerLab::detectionChanged()
{
    panes_->setDetectionOptions({.threshold = threshold_->value(), .consecutive = consecutive_->value()});
    sweep_->setThreshold(threshold_->value());
    sweepLarge_->setThreshold(threshold_->value());
    refreshHeldOutTable();
}

// --- the run ---------------------------------------------------------------------------------------------------------

// No run is going (TrainingLab's promise). The task is built on a BackgroundJob: loading the built-in clips and
// synthesizing the held-out set take seconds.
void TriggerLab::newRun()
{
    player_->stop();
    ++setupGeneration_; // a task still being built is not used
    if (setupJob_) setupJob_->cancel();
    setupTimer_->stop();
    task_.reset();
    heldOutInfo_.clear();
    heldOutProbability_.reset();
    history_.clear();
    epochsShown_ = 0;
    latestStep_ = 0;
    settingsPending_ = false;
    pendingNote_->hide();
    resetCurve(tr("training (each step)"));
    heldOutRun_ = curve()->addRun(tr("held-out (each epoch)"));
    accuracy_->setHistory({});
    detection_->setHistory({});
    sweep_->setSweep({}, 0);
    sweepLarge_->setSweep({}, 0);
    if (source_ == Source::HeldOut || source_ == Source::Training) {
        shown_.reset();
        panes_->clear();
    }
    refreshHeldOutTable();

    TriggerOptions options;
    try {
        options = optionsFromControls();
    } catch (const std::exception& e) {
        setMessage(errorHtml(tr("<b>These settings cannot train:</b> %1").arg(html(QString::fromUtf8(e.what())))));
        return;
    }
    runEpochs_ = options.epochs;
    frameSeconds_ = outputStepSeconds(options.model);
    refreshSummary();
    setupOptions_ = options;
    setMessage(library_ ? tr("Synthesizing %1 held-out clips…").arg(options.heldOut)
                        : tr("Loading the built-in word clips and synthesizing %1 held-out clips…").arg(options.heldOut));
    setupTimer_->start(); // several settings changed at once build one task
}

// The task from setupOptions_ on a job of its own (a job being cancelled may still be finishing its task).
void TriggerLab::startSetup()
{
    setupTimer_->stop();
    const int generation = setupGeneration_;
    const TriggerOptions options = setupOptions_;
    struct Result {
        std::shared_ptr<const ClipLibrary> library;
        std::shared_ptr<TriggerTask> task;
    };
    auto result = std::make_shared<Result>();
    result->library = library_;
    setupJob_ = new BackgroundJob(this);
    connect(setupJob_, &BackgroundJob::progress, this, &Lab::progressChanged);
    connect(setupJob_, &BackgroundJob::finished, setupJob_, &QObject::deleteLater);
    setupJob_->start(
        [result, options](TrainingObserver& observer) {
            if (!result->library) result->library = builtinLibrary(observer);
            if (observer.stopRequested()) throw CancelledError();
            observer.onProgress(0, 0);
            result->task = std::make_shared<TriggerTask>(*result->library, options);
        },
        [this, result, generation](BackgroundJob::Outcome outcome, const QString& error) {
            if (result->library && !library_) {
                library_ = result->library;
                split_ = std::make_shared<const ClipSplit>(splitByVoice(*library_));
            }
            emit progressChanged(1, 1);
            if (generation != setupGeneration_ || outcome == BackgroundJob::Outcome::Cancelled) return;
            if (outcome == BackgroundJob::Outcome::Failed) {
                setMessage(errorHtml(tr("<b>These settings cannot train:</b> %1").arg(html(error))));
                emit transportChanged();
                return;
            }
            task_ = result->task;
            // No run can have started while the task was null: the GUI thread may read it here.
            heldOutInfo_.clear();
            for (const auto& h : task_->heldOut()) heldOutInfo_.push_back({h.clip.words, h.clip.labels});
            if (!openedModel_) model_ = std::make_shared<const TriggerDetector<float>>(task_->model().copyWeights());
            {
                const QSignalBlocker block(heldOutPick_);
                heldOutPick_->setRange(1, std::max(1, int(heldOutInfo_.size())));
            }
            // The first held-out clip with two trigger words or more: something to detect.
            int pick = 0;
            for (std::size_t i = 0; i < heldOutInfo_.size(); ++i) {
                const auto n = std::count_if(heldOutInfo_[i].words.begin(), heldOutInfo_[i].words.end(),
                                             [](const PlacedWord& w) { return w.positive; });
                if (n >= 2) {
                    pick = int(i);
                    break;
                }
            }
            heldOutIndex_ = pick;
            {
                const QSignalBlocker block(heldOutPick_);
                heldOutPick_->setValue(pick + 1);
            }
            setMessage({});
            refreshSummary();
            refreshHeldOutTable();
            setSource(source_);
            emit transportChanged();
        });
}

TrainingRun TriggerLab::nextRun()
{
    if (!task_) return {};
    const qint64 done = task_->stepsDone();
    auto state = std::make_shared<SnapshotState>();
    state->sentEpochs = task_->history().size();
    const double frameSeconds = frameSeconds_;
    return {task_, done, std::max<qint64>(0, task_->totalSteps() - done),
            [task = task_, requests = requests_, state, frameSeconds] {
                TriggerSnapshot s;
                s.step = task->stepsDone();
                s.history = task->history();
                s.bestEpoch = task->bestEpoch();
                s.sweep = task->sweep();
                const auto& heldOut = task->heldOut();
                if (s.history.size() != state->sentEpochs) {
                    state->sentEpochs = s.history.size();
                    s.model = std::make_shared<const TriggerDetector<float>>(task->model().copyWeights());
                    auto tracks = std::make_shared<std::vector<std::vector<float>>>();
                    for (const auto& h : heldOut) tracks->push_back(h.probability);
                    s.heldOutProbability = tracks;
                }
                const int want = requests->heldOut.load();
                if (want >= 0 && want < int(heldOut.size()) && want != state->sentHeldOut) {
                    state->sentHeldOut = want;
                    s.heldOutIndex = want;
                    s.heldOutClip = shownOf(heldOut[size_t(want)], heldOutTitle(want, heldOut.size()), state->engine,
                                            frameSeconds);
                }
                const auto now = std::chrono::steady_clock::now();
                if (requests->training.load() && s.step > 0 && now - state->lastTraining >= kTrainingClipInterval) {
                    state->lastTraining = now;
                    s.trainingClip = shownOf(task->lastTrainingClip(),
                                             QString("training clip of step %1").arg(s.step), state->engine,
                                             frameSeconds);
                }
                return QVariant::fromValue(std::move(s));
            }};
}

void TriggerLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<TriggerSnapshot>();
    latestStep_ = s.step;
    if (s.model) {
        if (openedModel_) openedModel_ = false; // training goes on: the views follow the task's weights again
        model_ = s.model;
    }
    if (s.heldOutProbability) {
        heldOutProbability_ = s.heldOutProbability;
        if (source_ == Source::HeldOut && shown_ && shown_->title == heldOutTitle(heldOutIndex_, heldOutInfo_.size()) &&
            std::size_t(heldOutIndex_) < heldOutProbability_->size())
            updateProbability((*heldOutProbability_)[size_t(heldOutIndex_)], frameSeconds_);
        if ((source_ == Source::Synthesized || source_ == Source::File) && shown_ && shown_->seconds() <= 60 &&
            !clipJob_->isRunning())
            detectAgain(); // the new weights on the clip shown
    }
    if (s.history.size() != epochsShown_) {
        history_ = s.history;
        accuracy_->setHistory(history_);
        detection_->setHistory(history_);
        for (std::size_t e = epochsShown_; e < history_.size(); ++e)
            curve()->addPoint(heldOutRun_, double(history_[e].step), training()->elapsedSeconds(), history_[e].heldOutLoss);
        curve()->replotIfDirty();
        epochsShown_ = history_.size();
        sweep_->setSweep(s.sweep, int(epochsShown_));
        sweepLarge_->setSweep(s.sweep, int(epochsShown_));
        refreshHeldOutTable();
    }
    if (s.heldOutClip && source_ == Source::HeldOut && s.heldOutIndex == heldOutIndex_ &&
        !(shown_ && shown_->title == s.heldOutClip->title)) {
        // A clip whose epoch's probabilities arrived after it was copied: the latest track.
        if (heldOutProbability_ && std::size_t(heldOutIndex_) < heldOutProbability_->size() &&
            (*heldOutProbability_)[size_t(heldOutIndex_)].size() != s.heldOutClip->probability.size()) {
            auto c = std::make_shared<ShownClip>(*s.heldOutClip);
            c->probability = (*heldOutProbability_)[size_t(heldOutIndex_)];
            showClip(c);
        } else {
            showClip(s.heldOutClip);
        }
    }
    if (s.trainingClip && source_ == Source::Training) showClip(s.trainingClip);

    QString status = tr("Step %1 · epoch %2 of %3").arg(thousands(s.step)).arg(std::min<int>(int(history_.size()) + 1, runEpochs_)).arg(runEpochs_);
    if (!history_.empty()) {
        // Once training has finished with validation, the detector is the best epoch's: its scores.
        const bool chosen = s.bestEpoch > 0 && int(history_.size()) >= runEpochs_ &&
                            s.bestEpoch <= int(history_.size());
        const TriggerEpoch& e = chosen ? history_[size_t(s.bestEpoch - 1)] : history_.back();
        if (chosen) status += tr(" · kept epoch %1 (lowest validation loss)").arg(s.bestEpoch);
        status += tr(" · held-out recall %1, precision %2, %3 false accepts per hour")
                      .arg(percent(e.heldOut.recall()), percent(e.heldOut.precision()))
                      .arg(e.heldOut.falseAcceptsPerHour(), 0, 'f', 1);
    }
    emit statusMessage(status);
}

void TriggerLab::showFailure(const QString& message)
{
    setMessage(errorHtml(tr("<b>Training stopped:</b> %1").arg(html(message))));
}

bool TriggerLab::waitForSetup()
{
    if (setupTimer_->isActive()) startSetup();
    if (setupJob_) setupJob_->waitForFinished();
    return bool(task_);
}

void TriggerLab::performSteps(int n)
{
    waitForSetup();
    TrainingLab::performSteps(n);
    readTaskNow(); // the views show the last step
}

void TriggerLab::reset()
{
    TrainingLab::reset();
    emit statusMessage(tr("A new run from the settings on the left."));
}

std::optional<TrainingLab::Checkpoint> TriggerLab::checkpoint() const
{
    return Checkpoint{tr("The trigger-word detector"), tr(" (unroll-cli detect --model FILE reads it)"),
                      "trigger.safetensors"};
}

void TriggerLab::saveCheckpoint(const QString& path)
{
    if (task_) task_->saveModel(path.toStdString());
}

// With no run going: the task may be read. The shown held-out or training clip as the task has it now, the latest
// weights and held-out tracks.
void TriggerLab::readTaskNow()
{
    if (!task_ || training()->isActive()) return;
    training()->stopAndWait(); // joins a run that has just ended
    if (!openedModel_) model_ = std::make_shared<const TriggerDetector<float>>(task_->model().copyWeights());
    auto tracks = std::make_shared<std::vector<std::vector<float>>>();
    for (const auto& h : task_->heldOut()) tracks->push_back(h.probability);
    heldOutProbability_ = tracks;
    const SpectrogramEngine engine(courseSpectrogramOptions());
    const auto& heldOut = task_->heldOut();
    if (source_ == Source::HeldOut && heldOutIndex_ >= 0 && heldOutIndex_ < int(heldOut.size())) {
        if (shown_ && shown_->title == heldOutTitle(heldOutIndex_, heldOut.size()))
            updateProbability(heldOut[size_t(heldOutIndex_)].probability, frameSeconds_); // the view stays
        else
            showClip(shownOf(heldOut[size_t(heldOutIndex_)], heldOutTitle(heldOutIndex_, heldOut.size()), engine,
                             frameSeconds_));
    } else if (source_ == Source::Training) {
        if (task_->stepsDone() > 0)
            showClip(shownOf(task_->lastTrainingClip(), tr("training clip of step %1").arg(task_->stepsDone()), engine,
                             frameSeconds_));
        else
            setMessage(tr("No training step yet: the clip of each step shows here while training runs."));
    }
    refreshHeldOutTable();
}

// --- the clip --------------------------------------------------------------------------------------------------------

void TriggerLab::applySource(Source source)
{
    source_ = source;
    {
        const QSignalBlocker block(sourceBox_);
        sourceBox_->setCurrentIndex(sourceBox_->findData(int(source)));
    }
    requests_->training = source == Source::Training;
    requests_->heldOut = source == Source::HeldOut ? heldOutIndex_ : -1;
    heldOutPick_->setVisible(source == Source::HeldOut);
    clipSeed_->setVisible(source == Source::Synthesized);
    newClip_->setVisible(source == Source::Synthesized);
    openFile_->setVisible(source == Source::File);
    detect_->setVisible(source == Source::Synthesized || source == Source::File);
}

void TriggerLab::setSource(Source source)
{
    applySource(source);
    switch (source) {
    case Source::HeldOut: showHeldOutClip(heldOutIndex_); break;
    case Source::Training:
        if (!training()->isActive()) readTaskNow();
        else if (!shown_ || !shown_->title.startsWith("training"))
            setMessage(tr("The clip of the next training step shows here."));
        break;
    case Source::Synthesized:
        if (synthClip_) showClip(synthClip_);
        else synthesizeClip(std::uint32_t(clipSeed_->value()));
        break;
    case Source::File:
        if (fileClip_) {
            showClip(fileClip_);
        } else {
            panes_->clear();
            shown_.reset();
            refreshClipControls();
            setMessage(tr("Open an audio file (Ctrl+O): any format libsndfile reads, any rate, up to 10 minutes."));
        }
        break;
    }
}

void TriggerLab::showHeldOutClip(int index)
{
    if (source_ != Source::HeldOut) applySource(Source::HeldOut);
    if (!task_) return;
    heldOutIndex_ = std::clamp(index, 0, std::max(0, int(heldOutInfo_.size()) - 1));
    {
        const QSignalBlocker block(heldOutPick_);
        heldOutPick_->setValue(heldOutIndex_ + 1);
    }
    requests_->heldOut = heldOutIndex_;
    if (training()->isActive() && !training()->isPlaying())
        training()->stopAndWait(); // paused: no snapshot would come; stopped, the task may be read (Play goes on)
    if (!training()->isActive()) readTaskNow();
    else setMessage(tr("Held-out clip %1 shows with the next training step.").arg(heldOutIndex_ + 1));
}

void TriggerLab::showTrainingClip() { setSource(Source::Training); }

void TriggerLab::showClip(ShownClipPtr clip)
{
    if (message_->text().contains("shows with the next") || message_->text().contains("shows here")) setMessage({});
    shown_ = std::move(clip);
    if (player_->isPlaying()) player_->stop();
    panes_->setClip(shown_);
    panes_->setPlayCursor(-1);
    {
        const QSignalBlocker a(dbLow_), b(dbHigh_);
        dbLow_->setValue(panes_->dbRange().first);
        dbHigh_->setValue(panes_->dbRange().second);
    }
    refreshClipControls();
}

void TriggerLab::updateProbability(std::vector<float> probability, double frameSeconds)
{
    if (!shown_) return;
    auto updated = std::make_shared<ShownClip>(*shown_);
    updated->probability = std::move(probability);
    updated->frameSeconds = frameSeconds;
    if (synthClip_ == shown_) synthClip_ = updated;
    if (fileClip_ == shown_) fileClip_ = updated;
    shown_ = updated;
    panes_->updateClip(shown_);
    refreshClipControls();
}

void TriggerLab::refreshClipControls()
{
    if (!shown_) {
        clipInfo_->clear();
        return;
    }
    const auto& times = panes_->detectionTimes();
    const auto& hits = panes_->detectionHits();
    QString text = QString("<b>%1</b> · %2 s · ").arg(html(shown_->title)).arg(shown_->seconds(), 0, 'f', 1);
    if (shown_->probability.empty()) {
        text += tr("not run through the detector");
    } else if (shown_->labelled) {
        const auto positives = std::count_if(shown_->words.begin(), shown_->words.end(), [](const PlacedWord& w) { return w.positive; });
        const auto hit = std::count(hits.begin(), hits.end(), true);
        text += tr("%1 of %2 trigger words found, %3 false accepts").arg(hit).arg(positives).arg(qint64(times.size()) - hit);
    } else {
        text += tr("%n detection(s)", nullptr, int(times.size()));
    }
    if (openedModel_) text += tr(" · model %1").arg(html(openedModelName_));
    clipInfo_->setText(text);
}

bool TriggerLab::startClipJob(const QString& what)
{
    if (clipJob_->isRunning()) {
        clipJob_->cancel();
        clipJob_->waitForFinished();
    }
    Q_UNUSED(what);
    lastClipOk_ = false;
    cancelClip_->show();
    return true;
}

bool TriggerLab::waitForClip()
{
    clipJob_->waitForFinished();
    return lastClipOk_;
}

void TriggerLab::synthesizeClip(std::uint32_t seed)
{
    if (!split_ || !model_) {
        setMessage(tr("The word clips are still loading."));
        return;
    }
    applySource(Source::Synthesized);
    {
        const QSignalBlocker block(clipSeed_);
        clipSeed_->setValue(int(seed));
    }
    if (!startClipJob(tr("synthesize"))) return;
    auto result = std::make_shared<ShownClip>();
    setMessage(tr("Synthesizing a clip from the held-out voices (seed %1)…").arg(seed));
    clipJob_->start(
        [result, seed, split = split_, model = model_](TrainingObserver&) {
            // The held-out side's voices and a generated background, as the held-out clips are made.
            Rng rng(seed);
            const ClipLibrary& side = split->heldOut;
            const AudioClip background = randomBackground(kCourseClipMs / 1000.0, side.sampleRate, rng, side.negatives);
            const SynthesizedClip clip = createTrainingExample(background, side.positives, side.negatives, rng);
            const SpectrogramEngine engine(courseSpectrogramOptions());
            result->title = QString("synthesized clip, seed %1").arg(seed);
            result->audio = clip.audio;
            setSpectrogram(*result, engine);
            result->labelled = true;
            result->labels = clip.labels;
            result->words = clip.words;
            result->probability = probabilityOf(*model, clip.audio, engine);
            result->frameSeconds = outputStepSeconds(model->config());
        },
        [this, result](BackgroundJob::Outcome outcome, const QString& error) {
            emit progressChanged(1, 1);
            if (outcome == BackgroundJob::Outcome::Failed)
                setMessage(errorHtml(tr("<b>Cannot synthesize the clip:</b> %1").arg(html(error))));
            if (outcome != BackgroundJob::Outcome::Done) return;
            lastClipOk_ = true;
            synthClip_ = result;
            if (source_ != Source::Synthesized) return;
            setMessage({});
            showClip(result);
        });
}

void TriggerLab::openData()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open audio"), {}, tr("Audio (*.wav *.flac *.ogg *.oga *.opus *.mp3 *.aiff *.aif *.au);;All files (*)"));
    if (!path.isEmpty()) openAudioFile(path);
}

void TriggerLab::openAudioFile(const QString& path)
{
    if (!model_) waitForSetup();
    if (!startClipJob(tr("open"))) return;
    auto result = std::make_shared<ShownClip>();
    setMessage(tr("Reading %1 and running the detector over it…").arg(html(QFileInfo(path).fileName())));
    clipJob_->start(
        [result, file = path.toStdString(), model = model_](TrainingObserver& observer) {
            *result = analyzeAudioFile(file, model.get(), observer);
        },
        [this, result, path](BackgroundJob::Outcome outcome, const QString& error) {
            emit progressChanged(1, 1);
            if (outcome == BackgroundJob::Outcome::Cancelled) {
                setMessage(tr("Stopped reading %1.").arg(html(QFileInfo(path).fileName())));
                return;
            }
            if (outcome == BackgroundJob::Outcome::Failed) {
                QString text = error;
                if (!text.contains(QFileInfo(path).fileName())) text = path + ": " + text;
                setMessage(errorHtml(tr("<b>Cannot open the audio file:</b> %1").arg(html(text))));
                return;
            }
            lastClipOk_ = true;
            fileClip_ = result;
            applySource(Source::File);
            setMessage(tr("<b>%1</b>: %2 s, read block by block through the detector's stream; no labels (a file "
                          "has no truth to score against).")
                           .arg(html(QFileInfo(path).fileName()))
                           .arg(result->seconds(), 0, 'f', 1));
            tabs_->setCurrentIndex(0);
            showClip(result);
        });
}

void TriggerLab::detectAgain()
{
    if (!shown_ || !model_) return;
    if (!startClipJob(tr("detect"))) return;
    auto probability = std::make_shared<std::vector<float>>();
    const ShownClipPtr clip = shown_;
    clipJob_->start(
        [probability, clip, model = model_](TrainingObserver&) {
            *probability = probabilityOf(*model, clip->audio, SpectrogramEngine(courseSpectrogramOptions()));
        },
        [this, probability, clip](BackgroundJob::Outcome outcome, const QString& error) {
            emit progressChanged(1, 1);
            if (outcome == BackgroundJob::Outcome::Failed)
                setMessage(errorHtml(tr("<b>Cannot run the detector:</b> %1").arg(html(error))));
            if (outcome != BackgroundJob::Outcome::Done || shown_ != clip) return;
            lastClipOk_ = true;
            updateProbability(std::move(*probability), outputStepSeconds(model_->config()));
        });
}

void TriggerLab::togglePlayback()
{
    if (player_->isPlaying()) {
        player_->stop();
        return;
    }
    if (!shown_) return;
    const double from = panes_->playCursor() >= 0 && panes_->playCursor() < shown_->seconds() - 0.05 ? panes_->playCursor() : 0.0;
    if (player_->play(withChimes_->isChecked() ? panes_->chimedAudio() : shown_->audio, from)) {
        play_->setText(tr("■ Stop"));
    } else {
        setMessage(errorHtml(html(player_->error())));
    }
}

// --- summary and the held-out table ----------------------------------------------------------------------------------

void TriggerLab::refreshSummary()
{
    TriggerOptions o;
    try {
        o = optionsFromControls();
    } catch (const std::exception&) {
        return;
    }
    QString text = "<table cellspacing=0 cellpadding=1>";
    auto row = [&text](const QString& what, const QString& value) {
        text += QString("<tr><td>%1&nbsp;&nbsp;</td><td align=right>%2</td></tr>").arg(what, value);
    };
    row(tr("parameters"), thousands(triggerParameterCount(o.model)));
    row(tr("GFLOP per example"), QString::number(triggerTrainingFlops(o.model) / 1e9, 'f', 2));
    row(tr("steps"), thousands(o.stepsPerEpoch * o.epochs));
    row(tr("training clips"), thousands(o.stepsPerEpoch * o.epochs * o.batch));
    row(tr("held-out audio"), tr("%1 min").arg(double(o.heldOut) * 10 / 60, 0, 'f', 1));
    row(tr("output step"), tr("%1 ms").arg(1000 * outputStepSeconds(o.model), 0, 'f', 2));
    if (library_)
        row(tr("word clips"), tr("%1 + %2").arg(library_->positives.size()).arg(library_->negatives.size()));
    text += "</table>";
    if (settingsPending_) text += tr("<i>(the settings on the left, at the next reset)</i>");
    summary_->setText(text);
}

void TriggerLab::refreshHeldOutTable()
{
    const int n = int(heldOutInfo_.size());
    table_->setRowCount(n);
    const DetectionOptions rule{.threshold = threshold_->value(), .consecutive = consecutive_->value()};
    DetectionScore total;
    const bool scored = heldOutProbability_ && heldOutProbability_->size() == std::size_t(n) && n > 0 &&
                        !(*heldOutProbability_)[0].empty();
    for (int i = 0; i < n; ++i) {
        const HeldOutInfo& info = heldOutInfo_[size_t(i)];
        QStringList words;
        std::int64_t positives = 0;
        for (const PlacedWord& w : info.words) {
            words << QString("%1 (%2 s)").arg(QString::fromStdString(w.word)).arg(w.segment.startMs / 1000.0, 0, 'f', 1);
            positives += w.positive;
        }
        QString detections = "–", hits = "–", falseAccepts = "–";
        if (scored) {
            const auto& p = (*heldOutProbability_)[size_t(i)];
            const auto times = triggerTimes(detectTriggers(p, rule), frameSeconds_);
            const DetectionScore s = scoreDetections(times, info.words, kCourseClipMs / 1000.0);
            total += s;
            detections = QString::number(times.size());
            hits = QString::number(s.hits);
            falseAccepts = QString::number(s.falseAccepts);
        }
        const QString cells[6] = {QString::number(i + 1), words.join(", "), QString::number(positives), detections, hits,
                                  falseAccepts};
        for (int c = 0; c < 6; ++c) {
            auto* item = table_->item(i, c);
            if (!item) {
                item = new QTableWidgetItem;
                if (c != 1) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table_->setItem(i, c, item);
            }
            item->setText(cells[c]);
        }
    }
    if (n == 0) tableSummary_->setText(tr("The held-out clips appear here once they are synthesized."));
    else if (!scored)
        tableSummary_->setText(tr("%1 held-out clips (10 s each, voices and backgrounds training never hears): they "
                                  "are scored after each epoch. Click a row to see the clip.").arg(n));
    else
        tableSummary_->setText(tr("At threshold %1 and k = %2: recall %3 (%4 of %5 trigger words), precision %6, %7 "
                                  "false accepts (%8 per hour). Click a row to see the clip.")
                                   .arg(rule.threshold, 0, 'f', 2)
                                   .arg(rule.consecutive)
                                   .arg(percent(total.recall()))
                                   .arg(total.hits)
                                   .arg(total.positives)
                                   .arg(percent(total.precision()))
                                   .arg(total.falseAccepts)
                                   .arg(total.falseAcceptsPerHour(), 0, 'f', 1));
}

void TriggerLab::setMessage(const QString& text)
{
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

QString TriggerLab::message() const
{
    QTextDocument doc;
    doc.setHtml(message_->text());
    return doc.toPlainText();
}

// --- models and exports ----------------------------------------------------------------------------------------------

void TriggerLab::saveModel()
{
    if (!task_) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the detector"), "trigger.safetensors",
                                                      tr("safetensors (*.safetensors)"));
    if (!path.isEmpty()) saveModelFile(path);
}

void TriggerLab::saveModelFile(const QString& path)
{
    if (!task_) {
        setMessage(tr("Nothing to save yet."));
        return;
    }
    // Stopped, not paused: the task may then be read (Play goes on from here). A small file: written at once.
    training()->stopAndWait();
    try {
        task_->saveModel(path.toStdString());
    } catch (const std::exception& e) {
        setMessage(errorHtml(tr("<b>Cannot save the detector:</b> %1").arg(html(QString::fromUtf8(e.what())))));
        return;
    }
    markSaved();
    emit transportChanged();
    emit statusMessage(tr("Saved %1 (unroll-cli detect --model reads it)").arg(path));
}

void TriggerLab::openModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a detector"), {},
                                                      tr("safetensors (*.safetensors);;All files (*)"));
    if (!path.isEmpty()) openModelFile(path);
}

void TriggerLab::openModelFile(const QString& path)
{
    std::unique_ptr<TriggerDetector<float>> model;
    try {
        model = loadTriggerDetector(path.toStdString());
        if (model->config().nFreq != 101)
            throw InputError(path.toStdString() + ": the detector reads " + std::to_string(model->config().nFreq) +
                             " frequency rows; the lab's spectrogram has 101");
    } catch (const std::exception& e) {
        QString text = QString::fromUtf8(e.what());
        if (!text.contains(QFileInfo(path).fileName())) text = path + ": " + text;
        setMessage(errorHtml(tr("<b>Cannot open the detector:</b> %1").arg(html(text))));
        return;
    }
    model_ = DetectorPtr(std::move(model));
    openedModel_ = true;
    openedModelName_ = QFileInfo(path).fileName();
    setMessage(tr("Opened <b>%1</b>: synthesized clips and audio files are detected with it (training goes on with "
                  "its own weights; the held-out clips show the run's).")
                   .arg(html(openedModelName_)));
    if (shown_ && (source_ == Source::Synthesized || source_ == Source::File)) detectAgain();
    refreshClipControls();
}

QList<QAction*> TriggerLab::exportActions()
{
    if (!exports_.isEmpty()) return exports_;
    exports_ << makeExportAction(this, tr("Panes as PNG…"), "PNG", "trigger-panes",
                                 [this](const QString& f, QString* e) { return panes_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Spectrogram as PNG…"), "PNG", "spectrogram",
                                 [this](const QString& f, QString* e) { return panes_->exportSpectrogramPng(f, 2.0, e); });
    exports_ << makeExportAction(this, tr("Spectrogram as CSV…"), "CSV", "spectrogram", [this](const QString& f, QString* e) {
        return saveTextAtomically(f, panes_->spectrogramCsv(), e);
    });
    exports_ << makeExportAction(this, tr("Chimed audio as WAV…"), "WAV", "chimed", [this](const QString& f, QString* e) {
        if (!shown_) {
            if (e) *e = tr("No clip is shown.");
            return false;
        }
        try {
            writeWav(f.toStdString(), panes_->chimedAudio());
        } catch (const std::exception& ex) {
            if (e) *e = QString::fromUtf8(ex.what());
            return false;
        }
        return true;
    });
    exports_ << makeExportAction(this, tr("Detections as CSV…"), "CSV", "detections", [this](const QString& f, QString* e) {
        return saveTextAtomically(f, panes_->detectionsCsv(), e);
    });
    exports_ << makeExportAction(this, tr("Loss curve as PNG…"), "PNG", "loss",
                                 [this](const QString& f, QString* e) { return curve()->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Loss curve as CSV…"), "CSV", "loss",
                                 [this](const QString& f, QString* e) { return curve()->exportCsv(f, e); });
    exports_ << makeExportAction(this, tr("Held-out scores per epoch as CSV…"), "CSV", "held-out scores",
                                 [this](const QString& f, QString* e) { return detection_->exportCsv(f, e); });
    exports_ << makeExportAction(this, tr("Threshold sweep as PNG…"), "PNG", "threshold sweep",
                                 [this](const QString& f, QString* e) { return sweepLarge_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Threshold sweep as CSV…"), "CSV", "threshold sweep",
                                 [this](const QString& f, QString* e) { return sweepLarge_->exportCsv(f, e); });
    return exports_;
}

bool TriggerLab::showView(const QString& name)
{
    if (name == "clip") tabs_->setCurrentIndex(0);
    else if (name == "training") tabs_->setCurrentIndex(1);
    else if (name == "sweep") tabs_->setCurrentIndex(2);
    else if (name == "heldout") tabs_->setCurrentIndex(3);
    else return false;
    return true;
}

QString TriggerLab::guideHtml() const
{
    return tr(
        "<h2>Trigger word detection</h2>"
        "<p>A detector listens to audio and fires when it hears a chosen word, here <i>activate</i>: the "
        "<i>Trigger word detection</i> assignment of the Sequence Models course (week 3). Audio at 44.1 kHz becomes a "
        "spectrogram (200-sample Hann windows every 80 samples: 5,511 frames of 101 frequencies for 10 s); a 1-D "
        "convolution (kernel 15, stride 4) turns it into 1,375 steps, GRUs read them in order, and a sigmoid gives the "
        "probability, at each step, that the word <i>has just ended</i>.</p>"
        "<p><b>Training data</b> is synthesized as training goes, as in the course: 10 s of background, up to four "
        "<i>activate</i>s and up to two other words pasted at random non-overlapping times, and a label track of 50 "
        "ones (0.36 s) right after each <i>activate</i>. The words are the built-in clips spoken by several voices; "
        "the <b>held-out clips</b> use voices and backgrounds training never hears, and are scored after every "
        "epoch.</p>"
        "<p><b>The panes</b> share one time axis (wheel: zoom; drag: scroll; a click puts the play cursor): the "
        "waveform, the spectrogram (hover for time, frequency in true Hz and level in dB; the course's plots label "
        "their axis as if the audio were at 8 kHz, ours read the real frequencies), the label track with the words, "
        "the probability with the threshold (drag the red line), the detections and the audio with a chime at each. "
        "A detection fires after <i>k</i> consecutive steps at or above the threshold and re-arms only once the "
        "probability falls below it (the course's chime_on_activate resets its counter instead, and chimes again on a "
        "long plateau). Green markers are hits on an <i>activate</i>, red ones false accepts.</p>"
        "<p><b>Scores</b>: per-frame accuracy is misleading (a detector that always says 0 scores about 90 %), so the "
        "lab also scores detections: recall (trigger words found), precision, and false accepts per hour. The sweep "
        "plots the false rejects against the false accepts per hour for thresholds from 0.05 to 0.95: a lower "
        "threshold misses fewer words and fires more often by mistake.</p>"
        "<p><b>Your own audio</b>: File → Open audio (Ctrl+O) reads any file libsndfile reads, mixes it to mono, "
        "resamples it to 44.1 kHz and runs the detector over it block by block. Save the detector with Ctrl+S; "
        "<code>unroll-cli detect --model FILE audio.wav --chime out.wav</code> reads it.</p>"
        "<p><b>Keys</b> (with the panes focused): Space plays or stops, + and − zoom, 0 shows the whole clip, ← and → "
        "scroll. Elsewhere Space plays or pauses training.</p>");
}

} // namespace unroll
