// TrainingLab; see TrainingLab.hpp.
#include "TrainingLab.hpp"

#include "widgets/TrainingCurveView.hpp"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

#include <array>
#include <cmath>

namespace unroll {

namespace {
// The slider's notches, in steps per second; the last is "as fast as possible".
constexpr std::array<double, 12> kSpeeds{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 0};
QString speedText(double rate)
{
    return rate <= 0 ? QString("as fast as possible") : QString("%1 steps/s").arg(rate);
}
} // namespace

TrainingLab::TrainingLab(QWidget* parent) : Lab(parent)
{
    curve_ = new TrainingCurveView(this); // the lab's layout places it
    training_ = new LabTraining(this, curve_, [this] {
        TrainingRun run = nextRun();
        if (run.task) unsaved_ = true;
        return run;
    });
    connect(training_, &LabTraining::snapshotReady, this, [this](const QVariant& s) { showSnapshot(s); });
    connect(training_, &LabTraining::failed, this, [this](const QString& message) { showFailure(message); });

    transportBar_ = new QWidget(this);
    transportBar_->setObjectName("transportBar");
    auto* v = new QVBoxLayout(transportBar_);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(4);
    auto* row = new QHBoxLayout;
    row->setSpacing(6);
    row->addWidget(new QLabel("Speed"));
    speed_ = new QSlider(Qt::Horizontal);
    speed_->setRange(0, int(kSpeeds.size()) - 1);
    speed_->setPageStep(1);
    speed_->setToolTip("Steps per second while playing; at the right end, as fast as possible. A single step (→) "
                       "is always immediate.");
    row->addWidget(speed_, 1);
    speedLabel_ = new QLabel;
    speedLabel_->setMinimumWidth(speedLabel_->fontMetrics().horizontalAdvance("2000 steps/s") + 4);
    row->addWidget(speedLabel_);
    v->addLayout(row);
    runState_ = new QLabel;
    runState_->setObjectName("runState");
    runState_->setWordWrap(true);
    runState_->setStyleSheet("QLabel#runState { background: #fff4d6; color: #4a3b00; border-radius: 4px; "
                             "padding: 4px 6px; }");
    runState_->hide();
    v->addWidget(runState_);
    connect(speed_, &QSlider::valueChanged, this, [this](int i) {
        const double rate = kSpeeds[size_t(std::clamp(i, 0, int(kSpeeds.size()) - 1))];
        speedLabel_->setText(rate <= 0 ? QString("max") : QString("%1/s").arg(rate));
        speedLabel_->setToolTip(speedText(rate));
        training_->setStepsPerSecond(rate);
    });
    setStepsPerSecond(kWatchingStepsPerSecond);

    connect(training_, &LabTraining::targetReached, this, [this](qint64 steps) {
        done_ = doneText(steps);
        showRunState();
        emit statusMessage(done_);
    });
    connect(training_, &LabTraining::transportChanged, this, [this] {
        if (training_->isPlaying() && !done_.isEmpty()) {
            done_.clear(); // a new run goes: e.g. after raising the iterations
            showRunState();
        }
    });
}

void TrainingLab::setStepsPerSecond(double rate)
{
    // The nearest notch: "as fast as possible" for rate <= 0, else the closest rate on a log scale.
    int best = int(kSpeeds.size()) - 1;
    if (rate > 0) {
        double bestDistance = 1e300;
        for (int i = 0; i + 1 < int(kSpeeds.size()); ++i) {
            const double d = std::abs(std::log(kSpeeds[size_t(i)] / rate));
            if (d < bestDistance) bestDistance = d, best = i;
        }
    }
    if (speed_->value() == best) training_->setStepsPerSecond(kSpeeds[size_t(best)]);
    speed_->setValue(best);
}

double TrainingLab::stepsPerSecond() const { return training_->stepsPerSecond(); }

QString TrainingLab::doneText(qint64 steps) const
{
    return QString("Done: %1 steps — Reset to run again.").arg(QLocale(QLocale::English).toString(steps));
}

void TrainingLab::setChangesPending(bool pending)
{
    if (pending_ == pending) return;
    pending_ = pending;
    showRunState();
    if (pending) emit statusMessage("Changes pending — Reset (Ctrl+R) to apply them: a new run from the settings.");
}

void TrainingLab::showRunState()
{
    QStringList lines;
    if (pending_) lines << "Changes pending — Reset (Ctrl+R) to apply.";
    if (!done_.isEmpty()) lines << done_;
    runState_->setText(lines.join("\n"));
    runState_->setVisible(!lines.isEmpty());
}

TrainingLab::~TrainingLab()
{
    // The derived lab is already gone: what the run still delivers must reach only the curve, not showSnapshot().
    disconnect(training_, nullptr, this, nullptr);
    training_->stopAndWait();
}

void TrainingLab::setupScaffold(QWidget* controls, QWidget* views, int controlsWidth)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    auto* left = new QWidget;
    left->setFixedWidth(controlsWidth);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(6);
    leftLayout->addWidget(transportBar_); // stays in view above the scrolling controls
    auto* column = new QScrollArea;
    column->setWidget(controls);
    column->setWidgetResizable(true);
    column->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    column->setFrameShape(QFrame::NoFrame);
    leftLayout->addWidget(column, 1);
    layout->addWidget(left);
    layout->addWidget(views, 1);
}

int TrainingLab::resetCurve(const QString& runName)
{
    unsaved_ = false;
    return training_->resetCurve(runName);
}

qint64 TrainingLab::stepsDone() const { return training_->stepsShown(); }
bool TrainingLab::isPlaying() const { return training_->isPlaying(); }
void TrainingLab::play() { training_->play(); }
void TrainingLab::pause() { training_->pause(); }
void TrainingLab::stepOnce() { training_->stepOnce(); }
void TrainingLab::performSteps(int n) { training_->performSteps(n); }

void TrainingLab::reset()
{
    training_->stopAndWait();
    pending_ = false;
    done_.clear();
    newRun();
    showRunState();
    emit transportChanged();
}

void TrainingLab::setPresentationMode(bool on) { curve_->setPresentationMode(on); }

bool TrainingLab::maybeKeepWork()
{
    const auto offer = checkpoint();
    if (!offer || !unsaved_) return true;
    // Stopped, not paused: the step count is then exact and the checkpoint may read the task. Play goes on from here.
    training_->stopAndWait();
    const qint64 steps = training_->stepsShown();
    if (steps == 0) return true;
    const auto answer = QMessageBox::question(
        this, "Keep the training run?",
        QString("%1 has trained for %2 steps. Save a checkpoint to continue it later%3?")
            .arg(offer->what).arg(steps).arg(offer->resumeHint),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Discard) return true;
    const QString path =
        QFileDialog::getSaveFileName(this, "Save a checkpoint", offer->defaultFile, "safetensors (*.safetensors)");
    if (path.isEmpty()) return false;
    try {
        saveCheckpoint(path);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Save a checkpoint", QString::fromUtf8(e.what()));
        return false;
    }
    unsaved_ = false;
    return true;
}

} // namespace unroll
