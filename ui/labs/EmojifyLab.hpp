// The Emojify lab (course §5, the "Emojify" assignment of the Sequence Models course by deeplearning.ai, week 2):
// label short sentences with one of five emoji by two models trained side by side on the same sentences — V1, the
// average of the words' vectors into a softmax, and V2, a two-layer LSTM over the words — and see why each decides as
// it does. The page shows both models' loss and train / test accuracy per epoch on one plot; a sentence typed in the
// box gets both models' class probabilities beside the emoji; "Why" shows V1's pull of every word on every class
// (W·e_w / n), words the vectors do not know struck out, and V2's decision after each prefix with its LSTM's hidden
// states over the words; the confusion matrices of both models on the test set list their sentences on a click, and
// the sentences one model gets right and the other wrong are listed side by side ("not feeling happy").
// The work is core/emojify; TrainingLab runs the training; this class builds the page.
//
// Data flow: the task belongs to the training thread while a run goes. Its snapshots (filled on that thread between
// steps, by value) carry immutable copies of both models (a model whose epoch count did not change keeps its copy),
// the epoch records, and each model's labels of the test and order-dependent sentences. The typed sentence is
// predicted and explained on the GUI thread with the snapshot's copies, never with the task's live models (a
// keystroke's whole refresh, inference and every view redrawn, took about 12 ms with n_a = 128 on the shared 2-core
// machine). Files (sentences, vectors, models) are read and written on a BackgroundJob, with progress and cancel, so
// the page stays live.
#pragma once

#include "TrainingLab.hpp"
#include "emojify/EmojifyTask.hpp"

#include <QVariant>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QTimer;

namespace unroll {

class BackgroundJob;
class EmojifyEpochPlot;
class HeatmapView;
class PrefixPlot;
class ProbabilityBars;
class WordChips;

// Immutable copies of a run's models, shared by the views (and by the snapshots: a model that did not change since
// the last snapshot is the same copy, so V2's weights are not copied again for each of V1's 350 epochs after it).
struct EmojifyModelCopies {
    std::vector<emojify::EmojiClass> classes;
    std::shared_ptr<const emojify::WordVectors> vectors;
    std::shared_ptr<const emojify::AverageEmojifier> v1;       // null without V1
    std::shared_ptr<const emojify::LstmEmojifier<float>> v2;   // null without V2
};
using EmojifyModelsPtr = std::shared_ptr<const EmojifyModelCopies>;

// What the training thread hands the page, by value.
struct EmojifySnapshot {
    qint64 step = 0;
    EmojifyModelsPtr models; // copies of both models as they are after this step
    std::vector<emojify::EmojifyEpoch> history1, history2;
    std::vector<std::int32_t> test1, test2; // each model's labels of the test set (empty when it has no model)
    std::vector<std::int32_t> order1, order2; // … and of the order-dependent sentences (data.negations)
};

class EmojifyLab : public TrainingLab {
    Q_OBJECT
public:
    explicit EmojifyLab(QWidget* parent = nullptr);
    ~EmojifyLab() override;

    QString id() const override { return "emojify"; }
    QString title() const override { return "Emojify"; }
    QString guideHtml() const override;

    void performSteps(int n) override; // and the views show the last step's models when it returns
    bool canOpenData() const override { return true; }
    void openData() override; // a CSV / TSV of sentence,label (Ctrl+O)
    bool canSaveModel() const override { return bool(models_); }
    void saveModel() override;
    bool canOpenModel() const override { return true; }
    void openModel() override;
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;
    // "sentence" (the typed sentence's probabilities; also "probabilities"), "why", "confusion", "misclassified",
    // "data".
    bool showView(const QString& name) override;

    // For tests and scripted use. The file operations run off the GUI thread; waitForFile() blocks until the last one
    // ended and says whether it succeeded.
    void loadDataFile(const QString& path);
    void loadVectorsFile(const QString& path, qint64 limit = 0);
    void useBuiltInData();
    void useBuiltInVectors();
    void saveModelFile(const QString& path);
    void openModelFile(const QString& path);
    bool exportPredictions(const QString& path, QString* error = nullptr) const;
    QString predictionsCsv() const; // the test set: sentence, label, each model's label, emoji and probabilities
    bool waitForFile();
    void cancelFile();
    QString message() const; // the message line above the views (plain text)

    const emojify::EmojifyData& data() const { return *data_; }
    EmojifyModelsPtr currentModels() const { return models_; }
    QLineEdit* inputBox() const { return input_; }
    ProbabilityBars* probabilityBars() const { return bars_; }
    EmojifyEpochPlot* epochPlot() const { return epochs_; }
    WordChips* wordChips() const { return chips_; }
    QTableWidget* contributionTable() const { return contributions_; }
    PrefixPlot* prefixPlot() const { return prefixes_; }
    HeatmapView* hiddenHeatmap() const { return hidden_; }
    HeatmapView* confusionMap(int model) const { return confusion_[model ? 1 : 0]; }
    QTableWidget* confusionSentences() const { return cellTable_; }
    QTableWidget* misclassifiedTable() const { return wrongTable_; }
    QTabWidget* viewTabs() const { return tabs_; }
    // Each model's test-set labels as the views show them (empty without that model).
    const std::vector<std::int32_t>& testPredictions(int model) const { return model ? test2_ : test1_; }
    const std::vector<std::int32_t>& orderPredictions(int model) const { return model ? order2_ : order1_; }
    // Lists the test sentences of confusion cell (actual, predicted) of model 0 (V1) or 1 (V2), as a click does.
    void showConfusionCell(int model, int actual, int predicted);

protected:
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& v) override;
    void showFailure(const QString& message) override;
    std::optional<Checkpoint> checkpoint() const override;
    void saveCheckpoint(const QString& path) override; // the models as the views have them (no run going)

private:
    QWidget* setupControls();
    QWidget* setupViews();
    QWidget* setupWhyTab();
    QWidget* setupConfusionTab();
    QWidget* setupMisclassifiedTab();
    emojify::EmojifyOptions optionsFromControls() const;
    void settingsChanged();
    void setMessage(const QString& html);
    void setData(std::shared_ptr<const emojify::EmojifyData> data, const QString& note);
    void setVectors(std::shared_ptr<const emojify::WordVectors> vectors, const QString& note);
    void refreshSummary();
    void refreshDataTab();
    void refreshSentence();      // the typed sentence: bars and why
    void refreshConfusion();     // both matrices and the misclassified list, from test1_/test2_
    void refreshMisclassified();
    void refreshAll();
    bool startFileJob(const QString& what);
    void showFileProgress(qint64 done, qint64 total);
    const std::vector<emojify::EmojiClass>& classes() const;

    // Data, vectors and the run.
    std::shared_ptr<const emojify::EmojifyData> data_, builtInData_;
    std::shared_ptr<const emojify::WordVectors> vectors_, builtInVectors_;
    QString dataNote_, vectorsNote_;
    std::shared_ptr<emojify::EmojifyTask> task_; // null when refused
    bool settingsPending_ = false;
    bool emojiFont_ = false;

    // What the views show: the latest copies (or an opened model).
    EmojifyModelsPtr models_;
    bool openedModel_ = false;
    qint64 latestStep_ = 0;
    std::vector<emojify::EmojifyEpoch> history1_, history2_;
    std::vector<std::int32_t> test1_, test2_, order1_, order2_;
    int cellModel_ = -1, cellActual_ = -1, cellPredicted_ = -1;

    BackgroundJob* fileJob_ = nullptr;
    bool lastFileOk_ = false;
    QTimer* refreshTimer_ = nullptr;

    // Controls.
    QLabel *dataLabel_ = nullptr, *vectorsLabel_ = nullptr;
    QProgressBar* fileBar_ = nullptr;
    QPushButton* cancelFile_ = nullptr;
    QSpinBox* vectorLimit_ = nullptr;
    QComboBox* variant_ = nullptr;
    QSpinBox *v1Epochs_ = nullptr, *v2Epochs_ = nullptr, *hidden_a_ = nullptr, *batch_ = nullptr, *seed_ = nullptr;
    QDoubleSpinBox *v1Rate_ = nullptr, *v2Rate_ = nullptr, *dropout_ = nullptr;
    QCheckBox* trainable_ = nullptr;
    QLabel* pendingNote_ = nullptr;
    QLabel* summary_ = nullptr;
    // Views.
    QLabel* message_ = nullptr;
    EmojifyEpochPlot* epochs_ = nullptr;
    QLineEdit* input_ = nullptr;
    QLabel* verdict_ = nullptr;
    ProbabilityBars* bars_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QLabel* whyNote_ = nullptr;
    WordChips* chips_ = nullptr;
    QTableWidget* contributions_ = nullptr;
    PrefixPlot* prefixes_ = nullptr;
    QComboBox* hiddenLayer_ = nullptr;
    HeatmapView* hidden_ = nullptr;
    HeatmapView* confusion_[2] = {};
    QLabel* confusionNote_ = nullptr;
    QTableWidget* cellTable_ = nullptr;
    QLabel* cellNote_ = nullptr;
    QComboBox* wrongFilter_ = nullptr;
    QComboBox* wrongSet_ = nullptr; // the test set, or the order-dependent sentences
    QTableWidget* wrongTable_ = nullptr;
    QLabel* wrongNote_ = nullptr;
    QTextBrowser* dataView_ = nullptr;
    QList<QAction*> exports_;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::EmojifySnapshot)
