// The character language model lab (course-spec §2, "Dinosaur Island"; Karpathy's char-rnn): train on the built-in
// dinosaur names or any text, watch the loss and a feed of samples, sample one character at a time with the softmax
// on screen, and see the text coloured by a hidden unit. The work is core/charlm; this class builds the views.
#pragma once

#include "Lab.hpp"
#include "charlm/CharLmTask.hpp"

#include <QVariant>

#include <memory>

class QCheckBox;
class QComboBox;
class QCPBars;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTextBrowser;

namespace unroll {

class CharSampler;
class HeatmapView;
class LabTraining;
class TrainingCurveView;
struct TrainingRun;

// What the training thread hands the page, by value (the model is an immutable copy).
struct CharLmSnapshot {
    qint64 step = 0;
    double smoothedLoss = 0;
    std::shared_ptr<const SequenceModel<float>> model;
    QStringList samples;        // non-empty when the step crossed a "sample every" mark
    qint64 samplesStep = 0;
    double validationNats = -1;        // with the samples, when there is held-out data: in the curve's unit
    double validationNatsPerChar = -1; // the same, per predicted character
};

class CharLmLab : public Lab {
    Q_OBJECT
public:
    explicit CharLmLab(QWidget* parent = nullptr);
    ~CharLmLab() override;

    QString id() const override { return "charlm"; }
    QString title() const override { return "Character model"; }
    QString guideHtml() const override;

    bool hasTransport() const override { return true; }
    bool isPlaying() const override;
    void play() override;
    void pause() override;
    void stepOnce() override;
    void reset() override;
    void performSteps(int n) override;
    bool canOpenData() const override { return true; }
    void openData() override;
    bool canSaveModel() const override { return true; }
    void saveModel() override;
    bool canOpenModel() const override { return true; }
    void openModel() override;
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;
    bool maybeKeepWork() override;

    // For tests.
    void setCorpus(CharCorpus corpus); // new data: a new run
    const CharCorpus& corpus() const { return corpus_; }
    qint64 stepsDone() const;
    TrainingCurveView* curve() const { return curve_; }
    QPlainTextEdit* sampleFeed() const { return feed_; }
    QCustomPlot* softmaxPlot() const { return softmax_; }
    HeatmapView* hiddenHeatmap() const { return hiddenMap_; }
    void sampleNextCharacter(); // one step of the sampling view
    QString sampledText() const;

private:
    QWidget* setupControls();
    QWidget* setupSamplingTab();
    QWidget* setupHiddenTab();
    QWidget* setupDataTab();
    void setupSoftmaxPlot();
    CharLmOptions optionsFromControls() const;
    void newRun();
    TrainingRun nextRun();
    void showSnapshot(const QVariant& v);
    void useModel(std::shared_ptr<const SequenceModel<float>> model); // for sampling and the hidden-state view
    void restartSampler();
    void refreshSoftmax(int chosen);
    void refreshHidden();
    void refreshDataSummary();

    CharCorpus corpus_;
    std::shared_ptr<CharLmTask> task_;
    LabTraining* training_ = nullptr;
    std::shared_ptr<const SequenceModel<float>> model_; // the latest snapshot (or an opened model)
    Vocabulary modelVocab_;
    std::unique_ptr<CharSampler> sampler_;
    int validRun_ = -1;
    bool unsaved_ = false;

    // controls
    QLabel* dataLabel_ = nullptr;
    QComboBox *cell_ = nullptr, *optimizer_ = nullptr, *mode_ = nullptr;
    QSpinBox *hidden_ = nullptr, *layers_ = nullptr, *batch_ = nullptr, *sampleEvery_ = nullptr, *seed_ = nullptr;
    QSpinBox* iterations_ = nullptr;
    QDoubleSpinBox *lr_ = nullptr, *clip_ = nullptr;
    QLabel* rateLabel_ = nullptr;
    // views
    TrainingCurveView* curve_ = nullptr;
    QPlainTextEdit* feed_ = nullptr;
    QLineEdit* prime_ = nullptr;
    QSlider* temperature_ = nullptr;
    QLabel* temperatureLabel_ = nullptr;
    QSpinBox* topK_ = nullptr;
    QCheckBox* greedy_ = nullptr;
    QLabel* sampleText_ = nullptr;
    QCustomPlot* softmax_ = nullptr;
    QCPBars* bars_ = nullptr;
    QCPBars* chosenBar_ = nullptr;
    QLineEdit* hiddenText_ = nullptr;
    QSpinBox* unit_ = nullptr;
    QPushButton* rankUnits_ = nullptr;
    QLabel* coloured_ = nullptr;
    HeatmapView* hiddenMap_ = nullptr;
    QTextBrowser* dataSummary_ = nullptr;
    QList<QAction*> exports_;
    bool exportsComplete_ = false;
    std::uint32_t sampleSeed_ = 0;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::CharLmSnapshot)
