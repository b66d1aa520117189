// The date translation lab (the "Neural machine translation with attention" notebook of the Sequence Models course
// by deeplearning.ai, week 3; Bahdanau et al. 2015, with the baseline of Sutskever et al. 2014 and Cho et al. 2014
// beside it): train the course's translator from human-readable dates to ISO dates, or on any file of pairs, and
// watch the loss, the held-out exact match, per-character accuracy and BLEU (Papineni et al. 2002) per epoch; type
// any date and see its translation and attention map as training goes, replay how that map changed ("watch the
// diagonal emerge"), run beam search step by step, and browse the held-out answers. The work is core/translate;
// TrainingLab runs the training; this class builds the page.
//
// Data flow: the task belongs to the training thread while a run goes. Its snapshots (filled on that thread between
// steps, by value) carry weight copies (Translator::copyWeights: immutable, ~53k floats), the epoch records, and the
// held-out report only when an epoch has ended. Every view here translates with such a copy on the GUI thread (one
// input takes well under a millisecond); a bounded history of copies (ThinnedHistory) drives the replay slider. Files
// (pairs, models) are read and written on a BackgroundJob, so the page stays live.
#pragma once

#include "TrainingLab.hpp"
#include "labs/translator/ThinnedHistory.hpp"
#include "translate/TranslatorTask.hpp"

#include <QVariant>

#include <memory>
#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSlider;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTimer;

namespace unroll {

class BackgroundJob;
class BeamPanel;
class HeatmapView;
class MetricsPlot;
class ValidationFilter;
class ValidationTableModel;

using TranslatorPtr = std::shared_ptr<const Translator<float>>;

// What the training thread hands the page, by value.
struct TranslatorSnapshot {
    qint64 step = 0;
    int epochs = 0; // finished
    double learningRate = 0;
    TranslatorPtr model, baseline; // weight copies (baseline: null without one)
    std::vector<EpochRecord> history, baselineHistory;
    // The held-out translations, only in the first snapshot after an epoch ended (else null).
    std::shared_ptr<const ValidationReport> report, baselineReport;
};

// Every row of an attention map (Ty, Tx) the same weight 1/Tx: the attention's ReLU scores are all 0 (dead).
bool isFlatAttention(const MatF& attention);

class TranslatorLab : public TrainingLab {
    Q_OBJECT
public:
    explicit TranslatorLab(QWidget* parent = nullptr);
    ~TranslatorLab() override;

    QString id() const override { return "translator"; }
    QString title() const override { return "Date translation"; }
    QString guideHtml() const override;

    void reset() override;
    void performSteps(int n) override; // and the views show the last step's weights when it returns
    bool canOpenData() const override { return true; }
    void openData() override; // a TSV / CSV file of pairs (Ctrl+O)
    bool canSaveModel() const override { return bool(model_); }
    void saveModel() override;
    bool canOpenModel() const override { return true; }
    void openModel() override;
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;
    // "heatmap" (the attention map, also "attention"), "beam", "table", "data".
    bool showView(const QString& name) override;

    // For tests and scripted use. The file operations run off the GUI thread; waitForFile() blocks until the last one
    // ended and says whether it succeeded.
    void loadDataFile(const QString& path);
    void useGeneratedDates();
    void saveModelFile(const QString& path);
    void openModelFile(const QString& path);
    bool waitForFile();
    const TranslationData& data() const { return *data_; }
    QString message() const; // the message line above the views (plain text)
    TranslatorPtr currentModel() const { return model_; }

    QLineEdit* inputBox() const { return input_; }
    QString translation() const { return translation_; } // of the input box's text, by the model the slider picks
    HeatmapView* heatmap() const { return heatmap_; }
    QSlider* historySlider() const { return slider_; }
    std::size_t historySize() const { return history_.size(); }
    qint64 shownStep() const; // the training step of the weights the views use
    MetricsPlot* metricsPlot() const { return metrics_; }
    BeamPanel* beamPanel() const { return beam_; }
    QTableView* heldOutTable() const { return table_; }
    ValidationTableModel* heldOutModel() const { return tableModel_; }
    QTabWidget* viewTabs() const { return tabs_; }

protected:
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& v) override;
    void showFailure(const QString& message) override;

private:
    enum class Source { Generated, File };

    QWidget* setupControls();
    QWidget* setupViews();
    QWidget* setupAttentionTab();
    QWidget* setupTableTab();
    QWidget* setupDataTab();
    TranslatorOptions optionsFromControls() const;
    void settingsChanged();       // applies at once while nothing has trained, else at the next reset
    void setMessage(const QString& html);
    void refreshSummary();
    void refreshDataTab();
    void refreshHistorySlider();  // range and position after the history changed
    void refreshInference();      // the translation, the heatmap, the beam: for the input and the slider's weights
    void refreshBeam();
    void highlightOutput(int row);
    void renderOutput();
    TranslatorPtr selectedModel() const; // the slider's weights (the latest when it is at its end)
    bool startFileJob(const QString& what);

    // Data and the run.
    Source source_ = Source::Generated;
    std::shared_ptr<const TranslationData> data_, generated_, fileData_;
    std::size_t generatedCount_ = 0;
    std::uint32_t generatedSeed_ = 0;
    std::shared_ptr<TranslatorTask> task_; // null when the settings were refused
    bool settingsPending_ = false;

    // What the views show: the latest weight copies (or an opened model), their vocabularies, their history.
    TranslatorPtr model_, baseline_;
    SymbolVocab sourceVocab_, targetVocab_;
    SymbolVocab runSourceVocab_, runTargetVocab_; // the task's (the views' again after an opened model)
    int runEpochs_ = 0;
    QString heatmapTitle_;
    ThinnedHistory<TranslatorPtr> history_{150};
    bool followLatest_ = true;
    qint64 selectedStep_ = 0;
    bool openedModel_ = false;
    qint64 latestStep_ = 0;
    std::size_t epochsShown_ = 0, baselineEpochsShown_ = 0;
    int baselineRun_ = -1;
    QString translation_;
    QStringList outputSymbols_;  // the heatmap's rows
    QString expectedSource_, expectedTarget_; // a held-out pair put in the input box by a click
    bool beamDirty_ = true;
    int highlightRow_ = -1;

    BackgroundJob* fileJob_ = nullptr;
    bool lastFileOk_ = false;
    QTimer* replay_ = nullptr;
    QTimer* refreshTimer_ = nullptr;

    // Controls.
    QRadioButton *generatedRadio_ = nullptr, *fileRadio_ = nullptr;
    QSpinBox *examples_ = nullptr, *heldOut_ = nullptr, *dataSeed_ = nullptr;
    QLabel* fileLabel_ = nullptr;
    QCheckBox *attention_ = nullptr, *trainBaseline_ = nullptr, *feedPrevious_ = nullptr;
    QSpinBox *n_a_ = nullptr, *n_s_ = nullptr, *n_h_ = nullptr;
    QSpinBox *epochs_ = nullptr, *batch_ = nullptr, *seed_ = nullptr;
    QDoubleSpinBox *lr_ = nullptr, *decay_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* pendingNote_ = nullptr;
    // Views.
    QLabel* message_ = nullptr;
    MetricsPlot* metrics_ = nullptr;
    QLineEdit* input_ = nullptr;
    QLabel* output_ = nullptr;
    QLabel* baselineOutput_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    HeatmapView* heatmap_ = nullptr;
    QLabel* heatmapNote_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* sliderLabel_ = nullptr;
    QPushButton* replayButton_ = nullptr;
    BeamPanel* beam_ = nullptr;
    QTableView* table_ = nullptr;
    ValidationTableModel* tableModel_ = nullptr;
    ValidationFilter* tableFilter_ = nullptr;
    QLabel* tableSummary_ = nullptr;
    QTextBrowser* dataView_ = nullptr;
    QList<QAction*> exports_;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::TranslatorSnapshot)
