// The BPTT stepper lab: an unrolled RNN / GRU / LSTM stepped forward and backward one time step at a time, every
// value and gradient visible (the course's "Building a Recurrent Neural Network - Step by Step", Sequence Models by
// deeplearning.ai, week 1; docs/bptt.md). The model is core/bptt/BpttStepper; this class only
// builds controls and views and keeps them in step with the stepper's position.
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
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QThread;
class QTimer;

namespace unroll {

class HeatmapView;
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
    QString traceCsv() const; // the values shown at the current position, one per row

private:
    QWidget* setupControls();
    QWidget* setupTransportBar();
    QWidget* setupViews();
    void setupNormPlot();
    void setupGatesTab(QTabWidget* tabs);
    void setupGradientsTab(QTabWidget* tabs);
    void setupCheckTab(QTabWidget* tabs);
    void setupCourseTab(QTabWidget* tabs);

    BpttConfig configFromControls() const;
    void showConfigInControls(const BpttConfig& c);
    void rebuildFromControls();
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
    QSlider* positionSlider_ = nullptr;
    QTimer* timer_ = nullptr;

    // views
    UnrolledGraphView* graph_ = nullptr;
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
