// The BPTT stepper lab: an unrolled RNN / GRU / LSTM stepped forward and backward one time step at a time, every
// value and gradient visible (the course's "Building a Recurrent Neural Network - Step by Step", Sequence Models by
// deeplearning.ai, week 1; docs/bptt.md). The model is core/bptt/BpttStepper; this class only
// builds controls and views and keeps them in step with the stepper's position.
// Layout: settings (with one-click presets) on the left; on the right the transport, the unrolled graph's pinned
// header above the scrolling graph, and the tabs below. Every heatmap numbers units and steps from 1, as the
// equations do. Nothing runs while nothing plays (the play timer is the lab's only timer).
#pragma once

#include "Lab.hpp"
#include "bptt/BpttStepper.hpp"

#include <QPointer>

#include <memory>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QScrollArea;
class QSlider;
class QSplitter;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QThread;
class QTimer;

namespace unroll {

class HeatmapView;
class UnrolledGraphHeader;
class UnrolledGraphView;

class BpttLab : public Lab {
    Q_OBJECT
public:
    explicit BpttLab(QWidget* parent = nullptr);
    ~BpttLab() override;

    QString id() const override { return "bptt"; }
    QString title() const override { return "BPTT stepper"; }
    QString guideHtml() const override;

    bool hasTransport() const override { return true; }
    bool isPlaying() const override;
    void play() override;
    void pause() override;
    void stepOnce() override;
    void reset() override;
    void performSteps(int n) override;
    bool canOpenData() const override { return true; }
    void openData() override; // a text file as the input sequence
    bool canSaveModel() const override { return true; }
    void saveModel() override; // the weights as safetensors
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;
    // Views: "flow", "gates", "gradients", "check", "equations", "course" (a tab); "vanishing", "exploding",
    // "lstm" (a preset, run to the end of its backward pass).
    bool showView(const QString& name) override;

    // One-click presets that show the three regimes (docs/bptt.md): RNN at s = 0.5 (vanishing), RNN with 32 units
    // at s = 8 (exploding), LSTM with forget bias 3 (the gradient survives 29 steps).
    static constexpr int kPresetCount = 3;
    static QString presetName(int i);
    static BpttConfig presetConfig(int i);
    void applyPreset(int i);

    // For tests and scripts: the configuration, the model and the views.
    void setConfig(const BpttConfig& config); // rebuilds the stepper (position 0) and the controls
    const BpttConfig& config() const { return stepper_->config(); }
    const BpttStepper& stepper() const { return *stepper_; }
    void setPosition(Index p);
    UnrolledGraphView* graph() const { return graph_; }
    QCustomPlot* gradientPlot() const { return normPlot_; }
    QTableWidget* gradCheckTable() const { return checkTable_; }
    QTextBrowser* equations() const { return equations_; }
    QString positionText() const;
    QString verdictText() const;   // "vanishing", "stable" or "exploding", as shown beside the ratio
    QString checkNoteText() const; // the words under the gradient-check table (why a row failed)
    HeatmapView* gatesView() const { return gates_; }
    HeatmapView* gradientsView() const { return grads_; }
    QTabWidget* tabs() const { return tabs_; }
    QSplitter* splitter() const { return split_; }
    QString traceCsv() const; // the values shown at the current position, one per row

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* setupControls();
    QWidget* setupPresets();
    void fitControlsWidth(); // the settings panel as wide as its content plus a scroll bar (fonts change it)
    // Opens values large in a dialog of their own (a node of the graph, the gates, a parameter gradient); the
    // dialog takes the view.
    void showLargeHeatmap(const QString& windowTitle, HeatmapView* view);
    QWidget* setupTransportBar();
    QWidget* setupViews();
    void setupNormPlot();
    void setupGatesTab(QTabWidget* tabs);
    void setupGradientsTab(QTabWidget* tabs);
    void setupCheckTab(QTabWidget* tabs);
    void setupCourseTab(QTabWidget* tabs);

    BpttConfig configFromControls() const;
    void showConfigInControls(const BpttConfig& c);
    // fromTextField: the text was edited (a too-short text is an error, the model stays); otherwise a T longer than
    // the text allows is clamped to it, with a message.
    void rebuildFromControls(bool fromTextField = false);
    void refresh();        // every view from the stepper's current position
    void refreshGraph();
    void refreshNormPlot();
    void refreshGates();
    void refreshGradients();
    void refreshEquations();
    void runGradCheck();
    void showCourseExample();
    Index focusStep() const; // the step the last transport action touched

    std::unique_ptr<BpttStepper> stepper_;
    bool updatingControls_ = false;
    Index hoveredStep_ = -1; // the unrolled graph's step under the mouse (-1: none)

    // controls
    QComboBox *cell_ = nullptr, *clipMode_ = nullptr, *courseCombo_ = nullptr;
    QSpinBox *hidden_ = nullptr, *steps_ = nullptr, *batch_ = nullptr, *seed_ = nullptr;
    QDoubleSpinBox *initScale_ = nullptr, *forgetBias_ = nullptr, *clipValue_ = nullptr;
    QRadioButton *randomInput_ = nullptr, *textInput_ = nullptr;
    QLineEdit* text_ = nullptr;
    QSlider* speed_ = nullptr;
    QLabel* positionLabel_ = nullptr;
    QLabel* errorLabel_ = nullptr;
    QScrollArea* controlsScroll_ = nullptr;
    QWidget* controlsBox_ = nullptr;
    QSlider* positionSlider_ = nullptr;
    QTimer* timer_ = nullptr;

    // views
    UnrolledGraphView* graph_ = nullptr;
    UnrolledGraphHeader* graphHeader_ = nullptr;
    QSplitter* split_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QLabel* verdictLabel_ = nullptr;
    QLabel* checkNote_ = nullptr;
    QScrollArea* graphScroll_ = nullptr;
    QCustomPlot* normPlot_ = nullptr;
    QLabel* clipLabel_ = nullptr;
    HeatmapView* gates_ = nullptr;
    QComboBox* gateCombo_ = nullptr;
    HeatmapView* grads_ = nullptr;
    QComboBox* gradTensor_ = nullptr;
    QCheckBox* gradThisStep_ = nullptr;
    QTableWidget* checkTable_ = nullptr;
    QPointer<QThread> gradCheckThread_; // the running gradient check, if any (it deletes itself when done)
    static constexpr int kGradCheckExitWaitMs = 10000;
    QPushButton* checkButton_ = nullptr;
    QTextBrowser* equations_ = nullptr;
    QSpinBox* unit_ = nullptr;
    QTextBrowser* course_ = nullptr;
    QList<QAction*> exports_;
    bool exportsComplete_ = false;
};

} // namespace unroll
