// TrainingLab; see TrainingLab.hpp.
#include "TrainingLab.hpp"

#include "widgets/TrainingCurveView.hpp"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QScrollArea>

namespace unroll {

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
    auto* column = new QScrollArea;
    column->setWidget(controls);
    column->setWidgetResizable(true);
    column->setFixedWidth(controlsWidth);
    column->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    column->setFrameShape(QFrame::NoFrame);
    layout->addWidget(column);
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
    newRun();
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
