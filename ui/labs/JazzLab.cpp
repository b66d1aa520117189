// The jazz lab's page; see JazzLab.hpp.
#include "labs/JazzLab.hpp"

#include "labs/jazz/PianoRoll.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace unroll {

namespace {
const char* kProgression = "F7 Bb7 F7 F7 Bb7 Bb7 F7 D7 Gm7 C7 F7/D7 Gm7/C7";
}

JazzLab::JazzLab(QWidget* parent) : TrainingLab(parent)
{
    try {
        corpus_ = jazz::loadCorpus(jazz::builtInCorpusFiles());
    } catch (const std::exception& e) {
        loadError_ = QString::fromUtf8(e.what());
    }
    auto* controls = new QWidget;
    auto* form = new QFormLayout(controls);
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 100000);
    epochs_->setValue(100);
    seed_ = new QSpinBox;
    seed_->setRange(0, 1000000);
    notes_ = new QSpinBox;
    notes_->setRange(1, 1000);
    notes_->setValue(50);
    notes_->setObjectName("notes");
    temperature_ = new QDoubleSpinBox;
    temperature_->setRange(0, 5);
    temperature_->setSingleStep(0.1);
    temperature_->setValue(1.0);
    temperature_->setToolTip(tr("0 takes the most likely token every step (the course's argmax)"));
    auto* improvise = new QPushButton(tr("Improvise again"));
    info_ = new QLabel;
    info_->setWordWrap(true);
    form->addRow(tr("Epochs"), epochs_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(tr("Notes"), notes_);
    form->addRow(tr("Temperature"), temperature_);
    form->addRow(improvise);
    form->addRow(info_);
    connect(improvise, &QPushButton::clicked, this, &JazzLab::improviseNow);
    connect(epochs_, &QSpinBox::valueChanged, this, [this] { reset(); });
    connect(seed_, &QSpinBox::valueChanged, this, [this] { reset(); });

    auto* views = new QWidget;
    auto* column = new QVBoxLayout(views);
    trainingRoll_ = new JazzPianoRoll(tr("Training melody"));
    trainingRoll_->setObjectName("trainingRoll");
    improvisationRoll_ = new JazzPianoRoll(tr("Improvisation over a blues in F"));
    improvisationRoll_->setObjectName("improvisationRoll");
    column->addWidget(curve(), 2);
    column->addWidget(trainingRoll_, 2);
    column->addWidget(improvisationRoll_, 2);
    setupScaffold(controls, views);
    newRun();
}

QString JazzLab::guideHtml() const
{
    return tr("<h3>Jazz improvisation</h3><p>The course's \"Improvise a Jazz Solo with an LSTM Network\": an LSTM "
              "(n_a = 64) learns windows of 30 melody tokens from 20 built-in tunes; each token is a note (its pitch "
              "relative to the chord's root and its length) or a rest. After every epoch the latest model improvises "
              "over a 12-bar blues in F, feeding each sampled token back as its next input.</p>");
}

void JazzLab::newRun()
{
    task_.reset();
    model_.reset();
    QString refused = loadError_;
    if (refused.isEmpty()) {
        try {
            task_ = std::make_shared<jazz::JazzTask>(corpus_, jazz::JazzOptions{.epochs = epochs_->value(),
                                                                                .seed = std::uint32_t(seed_->value())});
        } catch (const std::exception& e) {
            refused = QString::fromUtf8(e.what());
        }
    }
    resetCurve(tr("loss"));
    if (!corpus_.melodies.empty())
        trainingRoll_->setMelody(corpus_.melodies.front().notes, corpus_.melodies.front().chords);
    improvisationRoll_->setMelody({}, {});
    info_->setText(refused.isEmpty() ? tr("%1 tunes, %2 tokens, vocabulary %3")
                                           .arg(corpus_.melodies.size()).arg(corpus_.ids.size())
                                           .arg(corpus_.vocab.size())
                                     : refused);
}

TrainingRun JazzLab::nextRun()
{
    if (!task_) return {};
    const qint64 done = qint64(task_->history().size());
    return {task_, done, std::max<qint64>(0, task_->options().epochs - done), [task = task_] {
                return QVariant::fromValue(JazzSnapshot{task->modelSnapshot(), int(task->history().size())});
            }};
}

void JazzLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<JazzSnapshot>();
    if (!s.model) return;
    model_ = s.model;
    improviseNow();
}

void JazzLab::improviseNow()
{
    if (!model_) return;
    try {
        const auto looped = jazz::loopProgression(jazz::parseProgression(kProgression), 64 * 12 * 16); // 64 choruses
        const auto solo = jazz::improvise(*model_, corpus_.vocab, looped,
                                          {.notes = notes_->value(), .temperature = temperature_->value(),
                                           .seed = std::uint32_t(seed_->value())});
        improvisationRoll_->setMelody(solo.notes, looped);
    } catch (const std::exception& e) {
        info_->setText(QString::fromUtf8(e.what()));
    }
}

} // namespace unroll
