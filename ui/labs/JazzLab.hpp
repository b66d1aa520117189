// The jazz lab's page (minimal): the course's LSTM trained live on the built-in MIDI corpus, the loss curve, a piano
// roll of a training melody and one of an improvisation sampled from the latest model after every epoch.
// Leaves out (to come): opening MIDI files, playback, export, the softmax per step, "continue from this phrase".
#pragma once

#include "TrainingLab.hpp"

#include "jazz/JazzTask.hpp"

#include <QMetaType>

class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace unroll {

class JazzPianoRoll;

struct JazzSnapshot {
    std::shared_ptr<const SequenceModel<float>> model; // a copy, after `epoch` epochs
    int epoch = 0;
};

class JazzLab : public TrainingLab {
    Q_OBJECT
public:
    explicit JazzLab(QWidget* parent = nullptr);
    QString id() const override { return "jazz"; }
    QString title() const override { return tr("Jazz"); }
    QString guideHtml() const override;
    JazzPianoRoll* trainingRoll() const { return trainingRoll_; }
    JazzPianoRoll* improvisationRoll() const { return improvisationRoll_; }

protected:
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& snapshot) override;

private:
    void improviseNow();

    jazz::JazzCorpus corpus_;
    QString loadError_;
    std::shared_ptr<jazz::JazzTask> task_;
    std::shared_ptr<const SequenceModel<float>> model_;
    QSpinBox *epochs_ = nullptr, *seed_ = nullptr, *notes_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QLabel* info_ = nullptr;
    JazzPianoRoll *trainingRoll_ = nullptr, *improvisationRoll_ = nullptr;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::JazzSnapshot)
