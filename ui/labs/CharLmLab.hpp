// The character language model lab (the "Dinosaur Island" notebook of the Sequence Models course by deeplearning.ai,
// week 1; Karpathy's char-rnn): train on the built-in dinosaur names or any text, watch the loss and a feed of
// samples, sample one character at a time with the softmax on screen, and see the text coloured by a hidden unit. The
// work is core/charlm; TrainingLab runs the training; this class builds the views.
#pragma once

#include "TrainingLab.hpp"
#include "charlm/CharLmTask.hpp"
#include "charlm/Sampling.hpp"

#include <QVariant>

#include <memory>
#include <vector>

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

class CharLmLab : public TrainingLab {
    Q_OBJECT
public:
    explicit CharLmLab(QWidget* parent = nullptr);
    ~CharLmLab() override; // out of line: CharSampler is complete there

    QString id() const override { return "charlm"; }
    QString title() const override { return "Character model"; }
    QString guideHtml() const override;

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

    // For tests.
    void setCorpus(CharCorpus corpus); // new data: a new run
    const CharCorpus& corpus() const { return corpus_; }
    QPlainTextEdit* sampleFeed() const { return feed_; }
    QCustomPlot* softmaxPlot() const { return softmax_; }
    HeatmapView* hiddenHeatmap() const { return hiddenMap_; }
    void sampleNextCharacter(); // one step of the sampling view
    QString sampledText() const;
    QLabel* samplingWeightsLabel() const { return samplingWeights_; } // "Weights after step 1,200"
    QLabel* hiddenWeightsLabel() const { return hiddenWeights_; }
    QLineEdit* hiddenText() const { return hiddenText_; }
    QComboBox* modeCombo() const { return mode_; }
    QComboBox* cellCombo() const { return cell_; }
    QComboBox* optimizerCombo() const { return optimizer_; }
    QDoubleSpinBox* learningRate() const { return lr_; }
    QLabel* dataLabel() const { return dataLabel_; }
    QTextBrowser* dataSummary() const { return dataSummary_; }
    CellKind trainingCell() const { return trainingCell_; } // the cell of the model being trained
    int labelledSoftmaxTicks() const { return labelledTicks_; } // characters named under the softmax bars
    const std::vector<int>& labelledSoftmaxIndices() const { return labelledIndices_; } // which, in order
    // The suggested optimizer and learning rate for a cell on data read in a mode: the course's SGD 0.01 for the RNN
    // on names, Adam where SGD learns too slowly to watch (see the guide).
    static std::pair<OptimizerKind, double> suggestedOptimizer(CellKind cell, TextMode mode);

protected:
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& v) override;
    void showFailure(const QString& message) override;
    QString doneText(qint64 steps) const override;
    std::optional<Checkpoint> checkpoint() const override;
    void saveCheckpoint(const QString& path) override;

private:
    QWidget* setupControls();
    QWidget* setupViews();
    QWidget* setupSamplingTab();
    QWidget* setupHiddenTab();
    QWidget* setupDataTab();
    void setupSoftmaxPlot();
    CharLmOptions optionsFromControls() const;
    // For sampling and the hidden-state view; step: the step whose weights these are (-1: opened from a file).
    void useModel(std::shared_ptr<const SequenceModel<float>> model, qint64 step);
    void restartSampler();
    void settingChanged();               // a model or training setting: applies at once, or is pending
    void applySuggestedOptimizer();      // for the cell and mode now chosen
    CharCorpus loadData(TextMode mode) const; // the current data source read in a mode
    void showWeightsStep();
    SamplingOptions samplingOptions() const;      // from the sampling controls
    std::vector<double> drawDistribution() const; // what the next draw uses (needs a sampler)
    void refreshSoftmax();                        // shows drawDistribution(), nothing highlighted
    void showDistribution(const std::vector<double>& p, int chosen); // chosen >= 0: that bar highlighted
    void refreshHidden();
    void refreshDataSummary();

    CharCorpus corpus_;
    std::string dataPath_; // the file the data came from; empty: the built-in dinosaur names
    qint64 modelStep_ = 0; // the step of model_'s weights (-1: opened from a file)
    QString modelFile_;    // when opened from a file
    CellKind trainingCell_ = CellKind::Rnn;
    std::shared_ptr<CharLmTask> task_; // null when the settings were refused
    std::shared_ptr<const SequenceModel<float>> model_; // the latest snapshot (or an opened model)
    Vocabulary modelVocab_;
    std::unique_ptr<CharSampler> sampler_;
    int validRun_ = -1;

    // controls
    QLabel* dataLabel_ = nullptr;
    QComboBox *cell_ = nullptr, *optimizer_ = nullptr, *mode_ = nullptr;
    QSpinBox *hidden_ = nullptr, *layers_ = nullptr, *batch_ = nullptr, *sampleEvery_ = nullptr, *seed_ = nullptr;
    QSpinBox* iterations_ = nullptr;
    QDoubleSpinBox *lr_ = nullptr, *clip_ = nullptr;
    QLabel* rateLabel_ = nullptr;
    QLabel* samplingWeights_ = nullptr;
    QLabel* hiddenWeights_ = nullptr;
    // views
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
    int labelledTicks_ = 0;
    std::vector<int> labelledIndices_;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::CharLmSnapshot)
