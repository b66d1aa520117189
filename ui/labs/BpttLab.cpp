// The BPTT stepper lab; see BpttLab.hpp.
#include "labs/BpttLab.hpp"

#include "course/CourseExamples.hpp"
#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"
#include "text/Vocabulary.hpp"
#include "util/Error.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/NameCombo.hpp"
#include "widgets/PlotExport.hpp"
#include "widgets/UnrolledGraphView.hpp"

#include <qcustomplot.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QDeadlineTimer>
#include <QEvent>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

namespace {

GraphMatrix toGraph(const MatD& m)
{
    return GraphMatrix{int(m.rows()), int(m.cols()), rowMajorValues<float>(m)};
}

QString qs(std::u32string_view s) { return QString::fromStdString(encodeUtf8(s)); }

QString showChar(const QString& c)
{
    if (c == " ") return QString::fromUtf8("\u2423");
    if (c == "\n") return QString::fromUtf8("\u21b5");
    return c;
}

QString num(double v) { return QString::number(v, 'f', 4); }

// A wrapped explanatory line that never widens the window: a fixed minimum width, the height follows the text.
QLabel* noteLabel(const QString& text = {})
{
    auto* l = new QLabel(text);
    l->setWordWrap(true);
    l->setMinimumWidth(120);
    return l;
}

struct Preset {
    const char* name;
    const char* tip;
    BpttConfig config;
};

// The three regimes at T = 30 with random input (n_x = 4), seed 1; their ratios are in docs/bptt.md and the tests.
const std::array<Preset, 3>& presets()
{
    static const std::array<Preset, 3> p = {{
        {"Vanishing: RNN, s = 0.5",
         "RNN, 32 units, T = 30, init scale 0.5: tanh'·Waa shrinks the gradient at every step back",
         BpttConfig{.cell = CellKind::Rnn, .hidden = 32, .steps = 30, .initScale = 0.5, .seed = 1}},
        {"Exploding: RNN, 32 units, s = 8",
         "RNN, 32 units, T = 30, init scale 8: large recurrent weights amplify the gradient at every step back",
         BpttConfig{.cell = CellKind::Rnn, .hidden = 32, .steps = 30, .initScale = 8, .seed = 1}},
        {"LSTM keeps the gradient",
         "LSTM, 32 units, T = 30, init scale 0.5 (as the vanishing RNN), forget bias 3: the cell state's additive "
         "path (forget gate ≈ σ(3) ≈ 0.95) carries the gradient back",
         BpttConfig{.cell = CellKind::Lstm, .hidden = 32, .steps = 30, .initScale = 0.5, .forgetBias = 3, .seed = 1}},
    }};
    return p;
}

const char* kGateLong[3][4] = {{"a⟨t⟩ = tanh(z)", "", "", ""},
                               {"Γr reset gate", "Γu update gate", "c̃ candidate", ""},
                               {"Γf forget gate", "Γi update gate", "c̃ candidate", "Γo output gate"}};

} // namespace

BpttLab::BpttLab(QWidget* parent) : Lab(parent)
{
    timer_ = new QTimer(this);
    connect(timer_, &QTimer::timeout, this, [this] {
        if (stepper_->position() >= stepper_->maxPosition()) {
            pause();
            return;
        }
        setPosition(stepper_->position() + 1);
    });

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    controlsScroll_ = new QScrollArea;
    controlsBox_ = setupControls();
    controlsScroll_->setWidget(controlsBox_);
    controlsScroll_->setWidgetResizable(true);
    controlsScroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    controlsScroll_->setFrameShape(QFrame::NoFrame);
    layout->addWidget(controlsScroll_);
    fitControlsWidth();
    auto* right = new QVBoxLayout;
    right->addWidget(setupTransportBar());
    right->addWidget(setupViews(), 1);
    layout->addLayout(right, 1);

    setConfig(BpttConfig{.cell = CellKind::Lstm, .hidden = 5, .steps = 8, .seed = 1, .text = U"hello, unroll!"});
}

BpttLab::~BpttLab()
{
    // A gradient check still running touches nothing of the lab; give it a moment to end before the app goes on.
    if (gradCheckThread_) gradCheckThread_->wait(QDeadlineTimer(kGradCheckExitWaitMs));
}

// --- controls ---------------------------------------------------------------------------------------------------

QWidget* BpttLab::setupControls()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 4, 0);
    v->addWidget(setupPresets());

    auto* model = new QGroupBox("Model");
    auto* mf = new QFormLayout(model);
    cell_ = comboFromNames(cellKindNames);
    hidden_ = new QSpinBox;
    hidden_->setRange(1, 32);
    steps_ = new QSpinBox;
    steps_->setRange(2, 40);
    batch_ = new QSpinBox;
    batch_->setRange(1, 8);
    initScale_ = new QDoubleSpinBox;
    initScale_->setRange(0.05, 20);
    initScale_->setSingleStep(0.25);
    initScale_->setDecimals(2);
    initScale_->setToolTip("Weights drawn with standard deviation s / √(n_a + n_x); biases 0");
    forgetBias_ = new QDoubleSpinBox;
    forgetBias_->setRange(-10, 10);
    forgetBias_->setSingleStep(0.5);
    forgetBias_->setToolTip("LSTM only: the forget gate's bias (1 keeps the cell state by default)");
    seed_ = new QSpinBox;
    seed_->setRange(0, 1000000);
    mf->addRow("Cell", cell_);
    mf->addRow("Hidden units n_a", hidden_);
    mf->addRow("Steps T", steps_);
    mf->addRow("Init scale s", initScale_);
    mf->addRow("Forget bias", forgetBias_);
    mf->addRow("Seed", seed_);
    v->addWidget(model);

    auto* input = new QGroupBox("Input");
    auto* iv = new QVBoxLayout(input);
    textInput_ = new QRadioButton("Text, one character per step");
    textInput_->setToolTip("Characters one-hot; at each step the next character is the target");
    text_ = new QLineEdit;
    text_->setPlaceholderText("at least T + 1 characters");
    auto* open = new QPushButton("Open text file…");
    connect(open, &QPushButton::clicked, this, &BpttLab::openData);
    randomInput_ = new QRadioButton("Random vectors x⟨t⟩ ~ N(0, 1)");
    auto* batchRow = new QHBoxLayout;
    batchRow->addWidget(new QLabel("Batch m"));
    batchRow->addWidget(batch_);
    iv->addWidget(textInput_);
    iv->addWidget(text_);
    iv->addWidget(open);
    iv->addWidget(randomInput_);
    iv->addLayout(batchRow);
    v->addWidget(input);

    auto* clip = new QGroupBox("Gradient clipping");
    auto* cf = new QFormLayout(clip);
    clipMode_ = comboFromNames(clipModeNames);
    clipValue_ = new QDoubleSpinBox;
    clipValue_->setRange(0.01, 1000);
    clipValue_->setValue(5);
    cf->addRow("Mode", clipMode_);
    cf->addRow("Threshold", clipValue_);
    v->addWidget(clip);

    auto* course = new QGroupBox("Course examples");
    auto* cv = new QVBoxLayout(course);
    courseCombo_ = new QComboBox;
    for (const char* f : {"rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
                          "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"})
        courseCombo_->addItem(f);
    auto* show = new QPushButton("Show the notebook's numbers");
    connect(show, &QPushButton::clicked, this, &BpttLab::showCourseExample);
    cv->addWidget(noteLabel("The seeded cases of “Building an RNN step by step”, computed here:"));
    cv->addWidget(courseCombo_);
    cv->addWidget(show);
    v->addWidget(course);

    errorLabel_ = noteLabel();
    errorLabel_->setStyleSheet("color: #b3261e;");
    v->addWidget(errorLabel_);
    v->addStretch(1);

    const auto rebuild = [this] {
        if (!updatingControls_) rebuildFromControls();
    };
    connect(cell_, &QComboBox::currentIndexChanged, this, rebuild);
    // Typing "30" must not first build T = 3: a spin box applies on Enter, focus out or its arrows.
    for (QSpinBox* s : {hidden_, steps_, batch_, seed_}) {
        s->setKeyboardTracking(false);
        connect(s, &QSpinBox::valueChanged, this, rebuild);
    }
    for (QDoubleSpinBox* s : {initScale_, forgetBias_, clipValue_}) {
        s->setKeyboardTracking(false);
        connect(s, &QDoubleSpinBox::valueChanged, this, rebuild);
    }
    connect(clipMode_, &QComboBox::currentIndexChanged, this, rebuild);
    connect(text_, &QLineEdit::textChanged, this, [this] {
        if (!updatingControls_) rebuildFromControls(true);
    });
    connect(textInput_, &QRadioButton::toggled, this, rebuild);
    return box;
}

QWidget* BpttLab::setupPresets()
{
    auto* group = new QGroupBox("Presets");
    auto* v = new QVBoxLayout(group);
    v->setSpacing(4);
    for (int i = 0; i < kPresetCount; ++i) {
        auto* b = new QPushButton(presetName(i));
        b->setToolTip(QString::fromUtf8(presets()[size_t(i)].tip));
        connect(b, &QPushButton::clicked, this, [this, i] { applyPreset(i); });
        v->addWidget(b);
    }
    return group;
}

QString BpttLab::presetName(int i) { return QString::fromUtf8(presets().at(size_t(i)).name); }

BpttConfig BpttLab::presetConfig(int i) { return presets().at(size_t(i)).config; }

void BpttLab::applyPreset(int i)
{
    setConfig(presetConfig(i));
    setPosition(stepper_->maxPosition()); // the whole pass, so every view has its numbers
    tabs_->setCurrentIndex(0);            // the gradient flow is what a preset is about
    emit statusMessage(QString("%1: ratio %2, %3").arg(presetName(i)).arg(stepper_->gradNormRatio(), 0, 'e', 1)
                           .arg(verdictText()));
}

void BpttLab::fitControlsWidth()
{
    if (!controlsScroll_) return;
    // As wide as the widest unwrapped control (wrapped notes have a small minimum) and a scroll bar, so that a
    // scroll bar appearing on a short window never covers a spin box.
    const int content = std::max(controlsBox_->minimumSizeHint().width(), fontMetrics().averageCharWidth() * 34);
    controlsScroll_->setFixedWidth(content + style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 6);
}

void BpttLab::changeEvent(QEvent* event)
{
    Lab::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) fitControlsWidth();
}

QWidget* BpttLab::setupTransportBar()
{
    auto* bar = new QWidget;
    auto* rows = new QVBoxLayout(bar);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(2);
    auto* h = new QHBoxLayout;
    rows->addLayout(h);
    // Icons from the style (every font has them); the text names the button for tests and screen readers.
    auto button = [&](const QString& text, QStyle::StandardPixmap icon, const QString& tip, auto fn) {
        auto* b = new QToolButton;
        b->setText(text);
        b->setIcon(style()->standardIcon(icon));
        b->setToolButtonStyle(Qt::ToolButtonIconOnly);
        b->setToolTip(tip);
        b->setMinimumWidth(34);
        connect(b, &QToolButton::clicked, this, fn);
        h->addWidget(b);
    };
    button("⏮", QStyle::SP_MediaSkipBackward, "Jump to the start (before the first forward step)",
           [this] { setPosition(0); });
    button("◀", QStyle::SP_MediaSeekBackward, "One step back (Shift+Left)",
           [this] { setPosition(stepper_->position() - 1); });
    button("▶", QStyle::SP_MediaSeekForward, "One step on: forward, then backward (Right)", [this] { stepOnce(); });
    button("⏭", QStyle::SP_MediaSkipForward, "Jump to the end (backward pass complete)",
           [this] { setPosition(stepper_->maxPosition()); });
    auto* back = new QAction(this);
    back->setShortcut(QKeySequence("Shift+Left"));
    connect(back, &QAction::triggered, this, [this] { setPosition(stepper_->position() - 1); });
    addAction(back);
    positionSlider_ = new QSlider(Qt::Horizontal);
    positionSlider_->setToolTip("Position in the forward-then-backward pass");
    positionSlider_->setMinimumWidth(120);
    connect(positionSlider_, &QSlider::valueChanged, this, [this](int p) {
        if (!updatingControls_) setPosition(p);
    });
    h->addWidget(positionSlider_, 1);
    h->addWidget(new QLabel("Speed"));
    speed_ = new QSlider(Qt::Horizontal);
    speed_->setRange(1, 20);
    speed_->setValue(4);
    speed_->setFixedWidth(90);
    speed_->setToolTip("Steps per second while playing");
    connect(speed_, &QSlider::valueChanged, this, [this](int v) { timer_->setInterval(1000 / v); });
    timer_->setInterval(250);
    h->addWidget(speed_);
    // The position text on a line of its own, wrapped: it never squeezes the slider nor widens the window.
    positionLabel_ = noteLabel();
    positionLabel_->setStyleSheet("font-weight: 600;");
    rows->addWidget(positionLabel_);
    return bar;
}

QWidget* BpttLab::setupViews()
{
    auto* split = split_ = new QSplitter(Qt::Vertical);
    graph_ = new UnrolledGraphView;
    // Title, legends and colour scales pinned above the graph: they stay in view while it scrolls.
    auto* top = new QWidget;
    auto* tv = new QVBoxLayout(top);
    tv->setContentsMargins(0, 0, 0, 0);
    tv->setSpacing(0);
    graphHeader_ = new UnrolledGraphHeader(graph_);
    tv->addWidget(graphHeader_);
    auto* scroll = graphScroll_ = new QScrollArea;
    scroll->setWidget(graph_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    tv->addWidget(scroll, 1);
    split->addWidget(top);
    connect(graph_, &UnrolledGraphView::stepHovered, this, [this](int step) {
        hoveredStep_ = step;
        refreshGates();
    });
    connect(graph_, &UnrolledGraphView::nodeClicked, this, [this](int step, UnrolledGraphView::Node node) {
        // Open the clicked node large, with hover readout and export.
        MatD m;
        QString what;
        const Index t = step;
        switch (node) {
        case UnrolledGraphView::Node::Input: m = stepper_->x(t), what = "x"; break;
        case UnrolledGraphView::Node::Hidden: m = stepper_->a(t), what = "a"; break;
        case UnrolledGraphView::Node::CellState: m = stepper_->c(t), what = "c"; break;
        case UnrolledGraphView::Node::Output: m = stepper_->yHat(t), what = "ŷ"; break;
        case UnrolledGraphView::Node::Gradient: m = stepper_->daTotal(t), what = "∂L/∂a"; break;
        default: return;
        }
        if (!stepper_->forwardComputed(t) ||
            (node == UnrolledGraphView::Node::Gradient && !stepper_->backwardComputed(t)))
            return;
        auto* heat = new HeatmapView;
        heat->setIndexBase(1);
        heat->setTitle(QString("%1⟨%2⟩  (%3 × %4)").arg(what).arg(t + 1).arg(m.rows()).arg(m.cols()));
        heat->setAxisLabels("unit", "example");
        heat->setColorMap(node == UnrolledGraphView::Node::Output ? ColorMap::Viridis : ColorMap::Diverging);
        if (node == UnrolledGraphView::Node::Output)
            heat->setFixedRange(0, 1);
        else
            heat->setSymmetricRange(true);
        heat->setData(std::span<const double>(rowMajorValues<double>(m)), int(m.rows()), int(m.cols()));
        showLargeHeatmap(QString("%1⟨%2⟩").arg(what).arg(t + 1), heat);
    });

    auto* tabs = tabs_ = new QTabWidget;
    auto* flow = new QWidget;
    auto* fv = new QVBoxLayout(flow);
    fv->setContentsMargins(4, 4, 4, 4);
    normPlot_ = new QCustomPlot;
    setupNormPlot();
    clipLabel_ = noteLabel();
    verdictLabel_ = new QLabel;
    verdictLabel_->setToolTip(QString("The ratio ‖∂L⟨T⟩/∂a⟨1⟩‖ / ‖∂L⟨T⟩/∂a⟨T⟩‖: vanishing below %1, exploding above "
                                      "%2, stable in between")
                                  .arg(kVanishingBelow).arg(kExplodingAbove));
    auto* verdictRow = new QHBoxLayout;
    verdictRow->addWidget(verdictLabel_, 0, Qt::AlignTop);
    verdictRow->addWidget(clipLabel_, 1);
    fv->addWidget(normPlot_, 1);
    fv->addLayout(verdictRow);
    // Short tab names: all six stay in the bar at 1,024 px and in presentation mode; the tooltips say more.
    tabs->addTab(flow, "Flow");
    tabs->setTabToolTip(0, "Gradient flow: ‖∂L⟨T⟩/∂a⟨t⟩‖ per step on a log scale, vanishing and exploding");
    setupGatesTab(tabs);
    setupGradientsTab(tabs);
    setupCheckTab(tabs);
    auto* eq = new QWidget;
    auto* ev = new QVBoxLayout(eq);
    auto* unitRow = new QHBoxLayout;
    unitRow->addWidget(new QLabel("Unit"));
    unit_ = new QSpinBox;
    unit_->setRange(1, 1);
    connect(unit_, &QSpinBox::valueChanged, this, [this] { refreshEquations(); });
    unitRow->addWidget(unit_);
    unitRow->addWidget(noteLabel("(example 1; the step is the one the transport last touched)"), 1);
    ev->addLayout(unitRow);
    equations_ = new QTextBrowser;
    ev->addWidget(equations_, 1);
    tabs->addTab(eq, "Equations");
    tabs->setTabToolTip(tabs->count() - 1, "One unit's forward and backward numbers at the current step");
    setupCourseTab(tabs);
    split->addWidget(tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({660, 270}); // the unrolled graph gets its full height at T <= 10
    split->setChildrenCollapsible(false);
    // Gates and parameter gradients are matrices: a short pane would make them tiny, so it grows to half.
    connect(tabs, &QTabWidget::currentChanged, this, [this](int index) {
        QWidget* page = tabs_->widget(index);
        if (!page || (!page->isAncestorOf(gates_) && !page->isAncestorOf(grads_))) return;
        const QList<int> sizes = split_->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        if (total > 0 && sizes.value(1) < total / 2) split_->setSizes({total - total / 2, total / 2});
    });
    return split;
}

void BpttLab::setupNormPlot()
{
    auto* p = normPlot_;
    p->yAxis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerLog> log(new QCPAxisTickerLog);
    log->setTickCount(3); // a label every few decades keeps a short plot readable
    log->setSubTickCount(0);
    p->yAxis->setTicker(log);
    p->yAxis->setNumberFormat("eb");
    p->yAxis->setNumberPrecision(0);
    p->xAxis->setLabel("time step t");
    // Whole steps only: no tick at 0.5 or 1.5.
    QSharedPointer<QCPAxisTickerFixed> steps(new QCPAxisTickerFixed);
    steps->setTickStep(1.0);
    steps->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    p->xAxis->setTicker(steps);
    p->yAxis->setLabel("norm"); // short: the pane can be low (presentation mode)
    p->addGraph();
    p->setMinimumSize(240, 140); // not QCustomPlot's hint: its legend row would set the window's minimum width
    p->graph(0)->setName("‖∂L⟨T⟩/∂a⟨t⟩‖ (the last step's loss)");
    // Both curves stay visible where they coincide (always at t = T): a wide solid line with open circles under a
    // thin dashed one with crosses.
    p->graph(0)->setPen(QPen(QColor(0xD5, 0x5E, 0x00), 3.5));
    p->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0xD5, 0x5E, 0x00), 2),
                                                 Qt::white, 9));
    p->addGraph();
    p->graph(1)->setName("‖∂L/∂a⟨t⟩‖ (the total loss)");
    p->graph(1)->setPen(QPen(QColor(0x00, 0x72, 0xB2), 1.6, Qt::DashLine));
    p->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(QColor(0x00, 0x72, 0xB2), 1.6),
                                                 Qt::NoBrush, 7));
    // The legend sits in its own row above the axes, so it never hides a curve.
    p->legend->setVisible(true);
    p->legend->setBorderPen(Qt::NoPen);
    p->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(0, 0.001);
    p->xAxis->grid()->setPen(QPen(QColor(0xe6, 0xe6, 0xe6)));
    p->yAxis->grid()->setPen(QPen(QColor(0xe6, 0xe6, 0xe6)));
    auto* cursor = new QCPItemStraightLine(p);
    cursor->setObjectName("cursor");
    cursor->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
    p->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* png =
        makeExportAction(this, "Gradient-flow plot as PNG…", "PNG", "gradient flow",
                         [this](const QString& f, QString* e) { return savePlotPng(normPlot_, f, {}, 2.0, e); });
    auto* pdf = makeExportAction(this, "Gradient-flow plot as PDF…", "PDF", "gradient flow",
                                 [this](const QString& f, QString* e) {
                                     return savePlotPdf(normPlot_, f, {}, "Gradient flow", e);
                                 });
    p->addAction(png);
    p->addAction(pdf);
    exports_ << png << pdf;
}

void BpttLab::setupGatesTab(QTabWidget* tabs)
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel("Show"));
    gateCombo_ = new QComboBox;
    row->addWidget(gateCombo_);
    row->addStretch(1);
    auto* large = new QPushButton("Open large");
    large->setToolTip("The gates in a window of their own");
    row->addWidget(large);
    v->addLayout(row);
    v->addWidget(noteLabel("Over all steps, example 1: ▸ marks the current step, ◆ the step under the mouse."));
    gates_ = new HeatmapView;
    gates_->setIndexBase(1);
    gates_->setAxisLabels("unit", "time step");
    gates_->setColumnLabelsOnTop(false);
    v->addWidget(gates_, 1);
    connect(gateCombo_, &QComboBox::currentIndexChanged, this, [this] { refreshGates(); });
    connect(large, &QPushButton::clicked, this, [this] {
        auto* copy = new HeatmapView;
        copy->setIndexBase(1);
        copy->setAxisLabels("unit", "time step");
        copy->setColumnLabelsOnTop(false);
        copy->setColorMap(gates_->colorMap());
        copy->setFixedRange(gates_->rangeLower(), gates_->rangeUpper());
        copy->setColorBarLabel(gateCombo_->currentText());
        copy->setTitle(gateCombo_->currentText() + " over all steps (example 1)");
        std::vector<double> values;
        for (int r = 0; r < gates_->rows(); ++r)
            for (int c = 0; c < gates_->cols(); ++c) values.push_back(gates_->value(r, c));
        copy->setData(std::span<const double>(values), gates_->rows(), gates_->cols());
        copy->setColumnLabels(gates_->columnLabels());
        showLargeHeatmap(gateCombo_->currentText(), copy);
    });
    tabs->addTab(w, "Gates");
    tabs->setTabToolTip(tabs->count() - 1, "Gate activations over all steps");
}

void BpttLab::setupGradientsTab(QTabWidget* tabs)
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel("Tensor"));
    gradTensor_ = new QComboBox;
    row->addWidget(gradTensor_);
    gradThisStep_ = new QCheckBox("only the current step's contribution");
    row->addWidget(gradThisStep_);
    row->addStretch(1);
    auto* large = new QPushButton("Open large");
    large->setToolTip("This gradient in a window of their own");
    row->addWidget(large);
    v->addLayout(row);
    grads_ = new HeatmapView;
    grads_->setIndexBase(1);
    grads_->setColorMap(ColorMap::Diverging);
    grads_->setSymmetricRange(true);
    grads_->setColorBarLabel("gradient");
    v->addWidget(grads_, 1);
    connect(gradTensor_, &QComboBox::currentIndexChanged, this, [this] { refreshGradients(); });
    connect(gradThisStep_, &QCheckBox::toggled, this, [this] { refreshGradients(); });
    connect(large, &QPushButton::clicked, this, [this] {
        auto* copy = new HeatmapView;
        copy->setIndexBase(1);
        copy->setColorMap(ColorMap::Diverging);
        copy->setSymmetricRange(true);
        copy->setColorBarLabel("gradient");
        copy->setTitle(grads_->property("title").toString());
        std::vector<double> values;
        for (int r = 0; r < grads_->rows(); ++r)
            for (int c = 0; c < grads_->cols(); ++c) values.push_back(grads_->value(r, c));
        if (grads_->rows() > 0) copy->setData(std::span<const double>(values), grads_->rows(), grads_->cols());
        showLargeHeatmap("d" + gradTensor_->currentText(), copy);
    });
    tabs->addTab(w, "∂L/∂W");
    tabs->setTabToolTip(tabs->count() - 1, "Parameter gradients: summed over the steps done, or one step's share");
}

void BpttLab::setupCheckTab(QTabWidget* tabs)
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    checkButton_ = new QPushButton("Run gradient check");
    checkButton_->setToolTip("Central differences (h = 1e-5, double) against backpropagation, for every tensor");
    connect(checkButton_, &QPushButton::clicked, this, &BpttLab::runGradCheck);
    row->addWidget(checkButton_);
    row->addWidget(noteLabel("relative error = ‖num − ana‖ / (‖num‖ + ‖ana‖); below 1e-7 passes"), 1);
    v->addLayout(row);
    checkTable_ = new QTableWidget(0, 5);
    checkTable_->setHorizontalHeaderLabels({"tensor", "relative error", "worst entry", "numeric", "analytic"});
    checkTable_->horizontalHeader()->setStretchLastSection(true);
    checkTable_->verticalHeader()->hide();
    checkTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->addWidget(checkTable_, 1);
    checkNote_ = noteLabel();
    v->addWidget(checkNote_);
    tabs->addTab(w, "Check");
    tabs->setTabToolTip(tabs->count() - 1, "Gradient check: backpropagation against finite differences");
}

void BpttLab::setupCourseTab(QTabWidget* tabs)
{
    course_ = new QTextBrowser;
    course_->setHtml("<p>Pick a course example on the left and press <b>Show the notebook's numbers</b>.</p>");
    tabs->addTab(course_, "Course");
    tabs->setTabToolTip(tabs->count() - 1, "The course notebook's seeded examples, computed here");
}

// --- configuration --------------------------------------------------------------------------------------------------

BpttConfig BpttLab::configFromControls() const
{
    BpttConfig c;
    c.cell = CellKind(cell_->currentIndex());
    c.hidden = hidden_->value();
    c.steps = steps_->value();
    c.batch = batch_->value();
    c.initScale = initScale_->value();
    c.forgetBias = forgetBias_->value();
    c.seed = std::uint32_t(seed_->value());
    c.clip = ClipMode(clipMode_->currentIndex());
    c.clipValue = clipValue_->value();
    if (textInput_->isChecked()) {
        const QByteArray utf8 = text_->text().toUtf8();
        c.text = decodeUtf8(std::string(utf8.constData(), size_t(utf8.size())), "the text");
        if (c.text.empty()) throw InputError("type a text, or choose random vectors");
    }
    return c;
}

void BpttLab::showConfigInControls(const BpttConfig& c)
{
    updatingControls_ = true;
    cell_->setCurrentIndex(int(c.cell));
    hidden_->setValue(int(c.hidden));
    steps_->setValue(int(c.steps));
    batch_->setValue(int(c.batch));
    initScale_->setValue(c.initScale);
    forgetBias_->setValue(c.forgetBias);
    forgetBias_->setEnabled(c.cell == CellKind::Lstm);
    seed_->setValue(int(c.seed));
    clipMode_->setCurrentIndex(int(c.clip));
    clipValue_->setValue(c.clipValue);
    clipValue_->setEnabled(c.clip != ClipMode::None);
    (c.text.empty() ? randomInput_ : textInput_)->setChecked(true);
    if (!c.text.empty()) text_->setText(qs(c.text));
    batch_->setEnabled(c.text.empty());
    updatingControls_ = false;
}

void BpttLab::setConfig(const BpttConfig& config)
{
    auto next = std::make_unique<BpttStepper>(config); // throws before anything changes
    pause();
    stepper_ = std::move(next);
    showConfigInControls(config);
    errorLabel_->clear();
    gateCombo_->blockSignals(true);
    gateCombo_->clear();
    const int kind = int(config.cell);
    for (int g = 0; g < gateCount(config.cell); ++g) gateCombo_->addItem(kGateLong[kind][g]);
    gateCombo_->blockSignals(false);
    gradTensor_->blockSignals(true);
    const QString keep = gradTensor_->currentText();
    gradTensor_->clear();
    for (const auto& n : stepper_->paramNames()) gradTensor_->addItem(QString::fromStdString(n));
    if (int k = gradTensor_->findText(keep); k >= 0) gradTensor_->setCurrentIndex(k);
    gradTensor_->blockSignals(false);
    unit_->setRange(1, int(config.hidden));
    checkTable_->setRowCount(0);
    checkNote_->clear();
    updatingControls_ = true;
    positionSlider_->setRange(0, int(stepper_->maxPosition()));
    updatingControls_ = false;
    refreshNormPlot();
    refresh();
}

void BpttLab::rebuildFromControls(bool fromTextField)
{
    try {
        BpttConfig c = configFromControls();
        // T and the diagram never disagree: a T the text cannot feed becomes the longest it can, said aloud. (An
        // edit of the text itself keeps T: a text being typed is short at first.)
        QString note;
        const Index longest = Index(c.text.size()) - 1;
        if (!fromTextField && !c.text.empty() && longest >= 2 && c.steps > longest) {
            note = QString("T = %1 needs %2 characters and the text has %3, so T = %4. Type a longer text for more "
                           "steps, or choose random vectors.")
                       .arg(c.steps).arg(c.steps + 1).arg(c.text.size()).arg(longest);
            c.steps = longest;
        }
        setConfig(c);
        if (!note.isEmpty()) {
            errorLabel_->setText(note);
            emit statusMessage(note);
        }
    } catch (const std::exception& e) {
        // Keep the last good model on screen; say what is wrong with the new settings.
        errorLabel_->setText(QString::fromUtf8(e.what()));
        emit statusMessage(QString::fromUtf8(e.what()));
    }
}

// --- transport ------------------------------------------------------------------------------------------------------

bool BpttLab::isPlaying() const { return timer_->isActive(); }

void BpttLab::play()
{
    if (stepper_->position() >= stepper_->maxPosition()) setPosition(0);
    timer_->start();
    emit transportChanged();
}

void BpttLab::pause()
{
    timer_->stop();
    emit transportChanged();
}

void BpttLab::stepOnce()
{
    pause();
    setPosition(stepper_->position() + 1);
}

void BpttLab::reset()
{
    pause();
    setPosition(0);
    emit statusMessage("Back to the start: the same weights and input (seed " +
                       QString::number(stepper_->config().seed) + ").");
}

void BpttLab::performSteps(int n) { setPosition(stepper_->position() + n); }

void BpttLab::setPosition(Index p)
{
    stepper_->setPosition(p);
    refresh();
}

Index BpttLab::focusStep() const
{
    const Index T = stepper_->steps();
    if (stepper_->backwardDone() > 0) return T - stepper_->backwardDone();
    return std::max<Index>(0, stepper_->forwardDone() - 1);
}

QString BpttLab::positionText() const
{
    const Index T = stepper_->steps();
    if (stepper_->position() == 0) return QString("Ready: %1 steps to run forward, then back").arg(T);
    if (stepper_->backwardDone() == 0)
        return QString("Forward: step %1 of %2 · loss so far %3").arg(stepper_->forwardDone()).arg(T)
            .arg(num(stepper_->totalLoss()));
    if (stepper_->backwardDone() == T) return QString("Backward complete · L = %1").arg(num(stepper_->totalLoss()));
    return QString("Backward: at t = %1 (%2 of %3 steps back)").arg(focusStep() + 1).arg(stepper_->backwardDone())
        .arg(T);
}

// --- views ----------------------------------------------------------------------------------------------------------

void BpttLab::refresh()
{
    updatingControls_ = true;
    positionSlider_->setValue(int(stepper_->position()));
    updatingControls_ = false;
    positionLabel_->setText(positionText());
    refreshGraph();
    refreshGates();
    refreshGradients();
    refreshEquations();
    if (auto* cursor = normPlot_->findChild<QCPItemStraightLine*>("cursor")) {
        const double x = double(focusStep() + 1);
        cursor->point1->setCoords(x, 1);
        cursor->point2->setCoords(x, 2);
        normPlot_->replot(QCustomPlot::rpQueuedReplot);
    }
    emit transportChanged();
}

void BpttLab::refreshGraph()
{
    const auto& s = *stepper_;
    UnrolledGraphModel model;
    model.cellName = QString::fromUtf8(cellKindName(s.config().cell).data());
    model.hasCellState = hasCellState(s.config().cell);
    for (const auto& n : s.paramNames())
        if (n != "Wya" && n != "by") model.recurrentWeights << QString::fromStdString(n);
    model.outputWeights = {"Wya", "by"};
    model.forwardDone = int(s.forwardDone());
    model.backwardDone = int(s.backwardDone());
    model.currentStep = s.position() == 0 ? -1 : int(focusStep());
    for (Index t = 0; t < s.steps(); ++t) {
        UnrolledStep st;
        st.inputLabel = showChar(qs(s.stepText(t)));
        st.targetLabel = showChar(qs(s.targetText(t)));
        if (s.forwardComputed(t)) {
            st.x = toGraph(s.x(t));
            st.a = toGraph(s.a(t));
            if (model.hasCellState) st.c = toGraph(s.c(t));
            st.yHat = toGraph(s.yHat(t));
            st.loss = s.loss(t);
        } else {
            st.x = toGraph(s.x(t)); // the input is known before the step runs
        }
        if (s.backwardComputed(t)) {
            st.da = toGraph(s.daTotal(t));
            st.daFromLossNorm = s.daFromLoss(t).norm();
            st.daFromNextNorm = s.daFromNext(t).norm();
        }
        model.steps.push_back(std::move(st));
    }
    graph_->setModel(model);
    // Keep the step the transport touched in view when T is too long for the window.
    // Deferred: the view takes its new size (T columns) only when the scroll area lays it out.
    if (model.currentStep >= 0)
        QTimer::singleShot(0, this, [this, step = model.currentStep] {
            if (step >= graph_->steps()) return;
            const QRect r = graph_->nodeRect(step, UnrolledGraphView::Node::Hidden);
            const QRect seen = graph_->visibleRegion().boundingRect();
            if (seen.contains(r.adjusted(-r.width(), 0, 2 * r.width(), 0))) return; // already in view: stay put
            graphScroll_->ensureVisible(r.center().x(), r.center().y(), graphScroll_->viewport()->width() / 2, 0);
        });
}

void BpttLab::refreshNormPlot()
{
    const auto last = stepper_->gradNormLastLoss(), total = stepper_->gradNormTotal();
    QVector<double> t, a, b;
    for (size_t i = 0; i < last.size(); ++i) {
        t << double(i + 1);
        a << std::max(last[i], 1e-300);
        b << std::max(total[i], 1e-300);
    }
    normPlot_->graph(0)->setData(t, a);
    normPlot_->graph(1)->setData(t, b);
    normPlot_->xAxis->setRange(0.5, double(last.size()) + 0.5);
    normPlot_->rescaleAxes(true);
    normPlot_->xAxis->setRange(0.5, double(last.size()) + 0.5);
    normPlot_->yAxis->scaleRange(1.3, normPlot_->yAxis->range().center());
    normPlot_->replot();
    const auto clip = stepper_->clipSummary();
    const auto& c = stepper_->config();
    QString text = QString("Ratio ‖∂L⟨T⟩/∂a⟨1⟩‖ / ‖∂L⟨T⟩/∂a⟨T⟩‖ = <b>%1</b> (vanishing below 10⁻², exploding above "
                           "10²). Full gradient: norm %2, largest entry %3")
                       .arg(stepper_->gradNormRatio(), 0, 'e', 2).arg(clip.normBefore, 0, 'g', 4)
                       .arg(clip.maxAbsBefore, 0, 'g', 4);
    if (c.clip == ClipMode::Value)
        text += QString(" → clipped element-wise at ±%1: norm %2, largest %3").arg(c.clipValue)
                    .arg(clip.normAfter, 0, 'g', 4).arg(clip.maxAbsAfter, 0, 'g', 4);
    else if (c.clip == ClipMode::GlobalNorm)
        text += QString(" → clipped to global norm ≤ %1: norm %2").arg(c.clipValue).arg(clip.normAfter, 0, 'g', 4);
    clipLabel_->setText(text + ".");
    const GradientFlow verdict = gradientFlowVerdict(stepper_->gradNormRatio());
    const char* colour = verdict == GradientFlow::Stable ? "#1b7a3a" : verdict == GradientFlow::Exploding ? "#b3261e"
                                                                                                        : "#8a5a00";
    verdictLabel_->setText(QString("<span style='color:%1; font-weight:700'>%2</span>")
                               .arg(colour, QString::fromUtf8(gradientFlowName(verdict).data()).toUpper()));
    verdictLabel_->setProperty("verdict", QString::fromUtf8(gradientFlowName(verdict).data()));
}

QString BpttLab::verdictText() const { return verdictLabel_->property("verdict").toString(); }

QString BpttLab::checkNoteText() const { return checkNote_->text(); }

void BpttLab::showLargeHeatmap(const QString& windowTitle, HeatmapView* view)
{
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(windowTitle);
    auto* lay = new QVBoxLayout(dialog);
    lay->addWidget(view);
    view->setPresentationMode(graph_->presentationMode());
    const QSize hint = view->sizeHint();
    dialog->resize(std::clamp(hint.width() + 60, 520, 900), std::clamp(hint.height() + 80, 420, 700));
    dialog->show();
}

void BpttLab::refreshGates()
{
    const auto& s = *stepper_;
    const int g = std::max(0, gateCombo_->currentIndex());
    const Index T = s.steps(), n = s.hiddenSize();
    std::vector<double> values(size_t(n * T), std::nan(""));
    QStringList labels;
    for (Index t = 0; t < T; ++t) {
        QString l = s.stepText(t).empty() ? QString::number(t + 1) : showChar(qs(s.stepText(t)));
        // ▸ marks the transport's step, ◆ the step under the mouse in the unrolled graph.
        if (t == hoveredStep_) l = "◆" + l;
        labels << (t == focusStep() && s.position() > 0 ? "▸" + l : l);
        if (!s.forwardComputed(t)) continue;
        const MatD z = s.gate(t, g);
        for (Index i = 0; i < n; ++i) values[size_t(i * T + t)] = z(i, 0);
    }
    const bool tanhBlock = (s.config().cell == CellKind::Rnn) || (g == 2);
    gates_->setColorMap(tanhBlock ? ColorMap::Diverging : ColorMap::Viridis);
    gates_->setFixedRange(tanhBlock ? -1 : 0, 1);
    gates_->setColorBarLabel(gateCombo_->currentText());
    gates_->setData(std::span<const double>(values), int(n), int(T));
    gates_->setColumnLabels(labels);
}

void BpttLab::refreshGradients()
{
    const auto& s = *stepper_;
    const std::string name = gradTensor_->currentText().toStdString();
    if (name.empty()) return;
    const MatD value = s.paramValue(name);
    MatD g;
    QString title;
    if (s.backwardDone() == 0) {
        g = MatD::Constant(value.rows(), value.cols(), std::nan(""));
        title = QString("d%1: not computed yet (step into the backward pass)").arg(gradTensor_->currentText());
    } else if (gradThisStep_->isChecked()) {
        g = s.paramGradAt(name, focusStep());
        title = QString("d%1 contribution of step t = %2").arg(gradTensor_->currentText()).arg(focusStep() + 1);
    } else {
        g = s.runningGrad(name);
        title = QString("d%1 summed over t = %2 … %3").arg(gradTensor_->currentText())
                    .arg(s.steps() - s.backwardDone() + 1).arg(s.steps());
    }
    grads_->setTitle(title);
    grads_->setProperty("title", title); // for "Open large"
    grads_->setData(std::span<const double>(rowMajorValues<double>(g)), int(g.rows()), int(g.cols()));
}

void BpttLab::refreshEquations()
{
    const auto& s = *stepper_;
    const Index t = focusStep(), u = unit_->value() - 1, n = s.hiddenSize();
    const CellKind kind = s.config().cell;
    if (u < 0 || u >= n) return;
    QString html = QString("<h3>Step t = %1, unit %2</h3>").arg(t + 1).arg(u + 1);
    if (!s.forwardComputed(t)) {
        equations_->setHtml(html + "<p>Step forward to see this step's numbers.</p>");
        return;
    }
    const MatD W = [&] {
        MatD w(gateCount(kind) * n, n + s.inputSize());
        const auto names = s.paramNames();
        // Rebuild the stacked W from the course tensors (cheap at these sizes).
        const auto tensors = cellTensorNames(kind, s.inputSize(), n);
        for (const auto& d : tensors)
            if (!d.isBias) w.block(d.row, d.col, d.rows, d.cols) = s.paramValue(d.name);
        return w;
    }();
    MatD b(gateCount(kind) * n, 1);
    for (const auto& d : cellTensorNames(kind, s.inputSize(), n))
        if (d.isBias) b.middleRows(d.row, d.rows) = s.paramValue(d.name);
    const MatD aPrev = s.aPrev(t), x = s.x(t);
    auto parts = [&](int g, const MatD& recurrentInput) {
        const Index row = g * n + u;
        const double ra = (W.row(row).head(n) * recurrentInput.col(0))(0, 0);
        const double rx = (W.row(row).tail(s.inputSize()) * x.col(0))(0, 0);
        return std::array<double, 4>{ra, rx, b(row, 0), ra + rx + b(row, 0)};
    };
    auto line = [&](const QString& name, const QString& f, const QString& wa, const std::array<double, 4>& p,
                    double out) {
        return QString("<p><b>%1</b> = %2(%3·a + W<sub>x</sub>·x + b) = %2(%4 + %5 + %6) = %2(%7) = <b>%8</b></p>")
            .arg(name, f, wa, num(p[0]), num(p[1]), num(p[2]), num(p[3]), num(out));
    };
    const double aOut = s.a(t)(u, 0);
    if (kind == CellKind::Rnn) {
        html += "<p>a⟨t⟩ = tanh(Waa a⟨t−1⟩ + Wax x⟨t⟩ + ba)</p>";
        html += line("a⟨t⟩", "tanh", "Waa", parts(0, aPrev), aOut);
    } else if (kind == CellKind::Lstm) {
        html += "<p>Γ = σ(W [a⟨t−1⟩; x⟨t⟩] + b) for f, i, o; c̃ = tanh(Wc [a⟨t−1⟩; x⟨t⟩] + bc); "
                "c⟨t⟩ = Γf∗c⟨t−1⟩ + Γi∗c̃; a⟨t⟩ = Γo∗tanh(c⟨t⟩)</p>";
        const char* names[4] = {"Γf", "Γi", "c̃", "Γo"};
        for (int g = 0; g < 4; ++g)
            html += line(names[g], g == 2 ? "tanh" : "σ", QString("W%1").arg(g == 2 ? "c" : names[g] + 2),
                         parts(g, aPrev), s.gate(t, g)(u, 0));
        const double cPrev = t == 0 ? 0.0 : s.c(t - 1)(u, 0), c = s.c(t)(u, 0);
        html += QString("<p><b>c⟨t⟩</b> = %1 × %2 + %3 × %4 = <b>%5</b></p>")
                    .arg(num(s.gate(t, 0)(u, 0)), num(cPrev), num(s.gate(t, 1)(u, 0)), num(s.gate(t, 2)(u, 0)),
                         num(c));
        html += QString("<p><b>a⟨t⟩</b> = %1 × tanh(%2) = <b>%3</b></p>")
                    .arg(num(s.gate(t, 3)(u, 0)), num(c), num(aOut));
    } else {
        html += "<p>Γr, Γu = σ(W [a⟨t−1⟩; x⟨t⟩] + b); c̃ = tanh(Wc [Γr∗a⟨t−1⟩; x⟨t⟩] + bc); "
                "a⟨t⟩ = Γu∗c̃ + (1 − Γu)∗a⟨t−1⟩</p>";
        html += line("Γr", "σ", "Wr", parts(0, aPrev), s.gate(t, 0)(u, 0));
        html += line("Γu", "σ", "Wu", parts(1, aPrev), s.gate(t, 1)(u, 0));
        const MatD ra = s.gate(t, 0).array() * aPrev.array();
        html += line("c̃", "tanh", "Wc·(Γr∗", parts(2, ra), s.gate(t, 2)(u, 0)).replace("·a +", "a) +");
        html += QString("<p><b>a⟨t⟩</b> = %1 × %2 + (1 − %1) × %3 = <b>%4</b></p>")
                    .arg(num(s.gate(t, 1)(u, 0)), num(s.gate(t, 2)(u, 0)), num(aPrev(u, 0)), num(aOut));
    }
    if (s.backwardComputed(t)) {
        html += "<h3>Backward</h3><p>∂L/∂a⟨t⟩ = (from the loss at t) + (from step t+1)</p>";
        html += QString("<p>= %1 + %2 = <b>%3</b></p>")
                    .arg(num(s.daFromLoss(t)(u, 0)), num(s.daFromNext(t)(u, 0)), num(s.daTotal(t)(u, 0)));
        const MatD dz = s.dz(t);
        html += "<p>Gradient at the gate pre-activations (dz): ";
        const auto gates = gateNames(kind);
        for (int g = 0; g < gateCount(kind); ++g)
            html += QString("%1: %2&nbsp;&nbsp; ").arg(QString::fromStdString(gates[size_t(g)]), num(dz(g * n + u, 0)));
        html += "</p>";
    }
    equations_->setHtml(html);
}

void BpttLab::runGradCheck()
{
    checkButton_->setEnabled(false);
    checkButton_->setText("Checking…");
    emit progressChanged(0, 0);
    const BpttConfig config = stepper_->config();
    // Off the GUI thread: thousands of forward passes for the larger settings. The thread reads its own copy of the
    // settings and writes only `outcome`, which the lab reads once QThread::finished arrives; that connection ends
    // with the lab, so a lab closed mid-check is never reached by the thread. Its destructor waits a bounded time.
    struct Outcome {
        std::vector<GradCheckResult> results;
        QString error;
    };
    auto outcome = std::make_shared<Outcome>();
    QThread* thread = QThread::create([outcome, config] {
        try {
            outcome->results = BpttStepper(config).gradCheck();
        } catch (const std::exception& e) {
            outcome->error = QString::fromUtf8(e.what());
        }
    });
    connect(thread, &QThread::finished, this, [this, outcome, config] {
        const auto& results = outcome->results;
        const QString& error = outcome->error;
        checkButton_->setEnabled(true);
        checkButton_->setText("Run gradient check");
        emit progressChanged(1, 1);
        if (!error.isEmpty()) {
            emit statusMessage("Gradient check failed: " + error);
            return;
        }
        if (stepper_->config().seed != config.seed || stepper_->config().steps != config.steps) return;
        int failed = 0;
        for (const auto& res : results) failed += res.error >= 1e-7 ? 1 : 0;
        const double ratio = stepper_->gradNormRatio();
        const double fullNorm = stepper_->clipSummary().normBefore;
        QString note;
        if (failed == 0) {
            note = "✓ every tensor passes: backpropagation and the finite differences agree to better than 1e-7.";
        } else {
            note = QString("✗ on %1 of %2 tensors: backpropagation and the finite-difference estimate differ by more "
                           "than 1e-7. ").arg(failed).arg(results.size());
            if (gradientFlowVerdict(ratio) == GradientFlow::Exploding || fullNorm > 1e3)
                note += QString("Here the gradient explodes (ratio %1, full gradient norm %2): the loss changes so "
                                "steeply that a central difference with h = 1e-5 no longer measures its slope, so it "
                                "is the estimate that fails, not backpropagation. Lower the init scale (s ≤ 2) or T "
                                "and check again: the same code then passes.")
                            .arg(ratio, 0, 'e', 1).arg(fullNorm, 0, 'g', 3);
            else
                note += "In a smooth setting like this one that points to a wrong backward pass: the row shows the "
                        "worst entry and both numbers.";
        }
        checkNote_->setText(note);
        checkTable_->setRowCount(int(results.size()));
        for (int r = 0; r < int(results.size()); ++r) {
            const auto& res = results[size_t(r)];
            auto set = [&](int col, const QString& text) {
                auto* item = new QTableWidgetItem(text);
                if (res.error >= 1e-7) {
                    item->setBackground(QColor(0xfd, 0xe2, 0xe1));
                    item->setForeground(QColor(0xb3, 0x26, 0x1e));
                    item->setToolTip(note);
                }
                checkTable_->setItem(r, col, item);
            };
            set(0, QString::fromStdString(res.name));
            set(1, QString::number(res.error, 'e', 2) + (res.error < 1e-7 ? "  ✓" : "  ✗"));
            set(2, QString("[%1, %2]").arg(res.worstRow).arg(res.worstCol));
            set(3, QString::number(res.worstNumeric, 'g', 10));
            set(4, QString::number(res.worstAnalytic, 'g', 10));
        }
        checkTable_->resizeColumnsToContents();
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    gradCheckThread_ = thread;
    thread->start();
}

void BpttLab::showCourseExample()
{
    // Computed here, now, by the same core the lab uses (the notebook's seeded tests, 2021 draw orders).
    static const std::vector<CourseExample> examples = runCourseExamples();
    const std::string name = courseCombo_->currentText().toStdString();
    for (const auto& e : examples) {
        if (e.function != name) continue;
        QString html = QString("<h3>%1</h3><p>np.random.seed(1), then the notebook's draws; double precision. "
                               "These are the lines the notebook prints:</p><pre style='font-size: 10pt'>")
                           .arg(courseCombo_->currentText());
        for (const auto& line : e.printed) html += QString::fromStdString(line).toHtmlEscaped() + "\n";
        html += "</pre><p>Shapes: ";
        for (const auto& [key, array] : e.arrays)
            html += QString("%1 %2&nbsp;&nbsp; ").arg(QString::fromStdString(key),
                                                      QString::fromStdString(array.shapeString()));
        html += "</p><p>All arrays: <code>unroll-cli course-examples --json</code>.</p>";
        course_->setHtml(html);
        tabs_->setCurrentWidget(course_);
        return;
    }
}

// --- files ----------------------------------------------------------------------------------------------------------

void BpttLab::openData()
{
    const QString path = QFileDialog::getOpenFileName(this, "Open a text as the input sequence", {},
                                                      "Text files (*.txt);;All files (*)");
    if (path.isEmpty()) return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, "Open text", QString("Cannot open %1: %2").arg(path, f.errorString()));
        return;
    }
    const QByteArray bytes = f.read(4096); // the lab shows at most 41 characters
    try {
        const auto text = decodeUtf8(std::string(bytes.constData(), size_t(bytes.size())), path.toStdString());
        if (text.size() < 3) throw InputError(path.toStdString() + " has fewer than 3 characters");
        const QString shown = qs(text.substr(0, 41));
        updatingControls_ = true;
        textInput_->setChecked(true);
        text_->setText(shown);
        if (steps_->value() > int(text.size()) - 1) steps_->setValue(int(std::min<size_t>(40, text.size() - 1)));
        updatingControls_ = false;
        rebuildFromControls();
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Open text", QString::fromUtf8(e.what()));
    }
}

void BpttLab::saveModel()
{
    const QString path = QFileDialog::getSaveFileName(this, "Save the weights", "bptt.safetensors",
                                                      "safetensors (*.safetensors)");
    if (path.isEmpty()) return;
    try {
        ModelFile file;
        file.kind = "bptt"; // the lab; the cell is a hyper-parameter (docs/formats.md, version 2)
        file.hyper = {{"cell", std::string(cellKindId(stepper_->config().cell))},
                      {"n_a", std::to_string(stepper_->hiddenSize())},
                      {"n_x", std::to_string(stepper_->inputSize())},
                      {"n_y", std::to_string(stepper_->outputSize())},
                      {"T", std::to_string(stepper_->steps())},
                      {"seed", std::to_string(stepper_->config().seed)},
                      {"init_scale", std::to_string(stepper_->config().initScale)}};
        for (const auto& c : stepper_->vocabulary().symbolsUtf8()) file.vocab.push_back(c);
        for (const auto& name : stepper_->paramNames())
            file.tensors[name] = tensorFromMatrix(stepper_->paramValue(name));
        unroll::saveModel(path.toStdString(), file);
        emit statusMessage("Saved " + path);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Save model", QString::fromUtf8(e.what()));
    }
}

QString BpttLab::traceCsv() const
{
    // Long format, one value per row: what the graph shows at the current position, plus the gradient-flow norms.
    const auto& s = *stepper_;
    QString csv = "t,quantity,row,column,value\n";
    auto put = [&](Index t, const char* name, const MatD& m) {
        for (Index i = 0; i < m.rows(); ++i)
            for (Index j = 0; j < m.cols(); ++j)
                csv += QString("%1,%2,%3,%4,%5\n").arg(t + 1).arg(name).arg(i).arg(j).arg(m(i, j), 0, 'g', 17);
    };
    const auto last = s.gradNormLastLoss(), total = s.gradNormTotal();
    for (Index t = 0; t < s.steps(); ++t) {
        csv += QString("%1,grad_norm_last_loss,0,0,%2\n").arg(t + 1).arg(last[size_t(t)], 0, 'g', 17);
        csv += QString("%1,grad_norm_total,0,0,%2\n").arg(t + 1).arg(total[size_t(t)], 0, 'g', 17);
        if (!s.forwardComputed(t)) continue;
        put(t, "x", s.x(t));
        put(t, "a", s.a(t));
        if (hasCellState(s.config().cell)) put(t, "c", s.c(t));
        for (int g = 0; g < gateCount(s.config().cell); ++g)
            put(t, ("gate_" + gateNames(s.config().cell)[size_t(g)]).c_str(), s.gate(t, g));
        put(t, "y_hat", s.yHat(t));
        csv += QString("%1,loss,0,0,%2\n").arg(t + 1).arg(s.loss(t), 0, 'g', 17);
        if (!s.backwardComputed(t)) continue;
        put(t, "da_from_loss", s.daFromLoss(t));
        put(t, "da_from_next", s.daFromNext(t));
        put(t, "dz", s.dz(t));
    }
    return csv;
}

QList<QAction*> BpttLab::exportActions()
{
    if (exportsComplete_) return exports_;
    exportsComplete_ = true; // built once: the main window asks every time the lab is shown
    QList<QAction*>& actions = exports_;
    auto* graphPng = makeExportAction(this, "Unrolled graph as PNG…", "PNG", "unrolled",
                                      [this](const QString& f, QString* e) { return graph_->exportPng(f, e, 2.0); });
    auto* graphPdf = makeExportAction(this, "Unrolled graph as PDF…", "PDF", "unrolled",
                                      [this](const QString& f, QString* e) { return graph_->exportPdf(f, e); });
    auto* csv = makeExportAction(this, "Trace as CSV…", "CSV", "bptt trace",
                                 [this](const QString& f, QString* e) { return saveTextAtomically(f, traceCsv(), e); });
    auto* weights = new QAction("Weights as safetensors…", this);
    connect(weights, &QAction::triggered, this, &BpttLab::saveModel);
    actions << graphPng << graphPdf << csv << weights;
    return actions;
}

bool BpttLab::showView(const QString& name)
{
    const QStringList tabNames = {"flow", "gates", "gradients", "check", "equations", "course"};
    if (const int i = int(tabNames.indexOf(name)); i >= 0) {
        tabs_->setCurrentIndex(i);
        return true;
    }
    const QStringList presetNames = {"vanishing", "exploding", "lstm"};
    if (const int i = int(presetNames.indexOf(name)); i >= 0) {
        applyPreset(i);
        return true;
    }
    return false;
}

void BpttLab::setPresentationMode(bool on)
{
    fitControlsWidth();
    graph_->setPresentationMode(on);
    gates_->setPresentationMode(on);
    grads_->setPresentationMode(on);
    for (int i = 0; i < 2; ++i) {
        QPen pen = normPlot_->graph(i)->pen();
        pen.setWidthF(on ? 4 : (i == 0 ? 2.5 : 2));
        normPlot_->graph(i)->setPen(pen);
    }
    QFont f = normPlot_->font();
    f.setPointSizeF(on ? 14 : 9);
    for (QCPAxis* axis : {normPlot_->xAxis, normPlot_->yAxis}) {
        axis->setTickLabelFont(f);
        axis->setLabelFont(f);
    }
    normPlot_->legend->setFont(f);
    normPlot_->replot();
}

QString BpttLab::guideHtml() const
{
    return "<h2>BPTT stepper</h2>"
           "<p>One recurrent layer unrolled over T steps, with a softmax output ŷ⟨t⟩ and a loss L⟨t⟩ at every step; "
           "L = Σ L⟨t⟩. Press <b>→</b> (or ▶) to run one step: first the forward pass fills the graph left to right, "
           "then the backward pass walks right to left.</p>"
           "<ul><li>Every box is a small heatmap of its values (rows: units; columns: examples). Hover to read a "
           "number, click to open it large. Units and steps are numbered from 1 everywhere, as in the equations.</li>"
           "<li>The same weights act at every step: that is why their gradient is a <i>sum</i> over t.</li>"
           "<li>Backward, the gradient reaching a⟨t⟩ has two parts, drawn apart: from the loss at t (through ŷ⟨t⟩) and "
           "from step t+1 (through the recurrence). Their sum flows on to a⟨t−1⟩.</li>"
           "<li><b>Flow</b> (gradient flow) plots ‖∂L⟨T⟩/∂a⟨t⟩‖: how much the last step's loss still reaches step t. Beside "
           "it, the ratio r = ‖∂L⟨T⟩/∂a⟨1⟩‖ / ‖∂L⟨T⟩/∂a⟨T⟩‖ and a verdict: <b>vanishing</b> below 10⁻² (less than a "
           "hundredth of the gradient reaches the first step), <b>exploding</b> above 10², <b>stable</b> between.</li>"
           "<li>The <b>presets</b> show the three regimes with 32 units, T = 30 and random input (x⟨t⟩ ~ N(0, 1)): "
           "<i>Vanishing</i> (RNN, init scale s = 0.5: r ≈ 2.5·10⁻¹⁰, tanh′·Waa shrinks the gradient at every step); "
           "<i>Exploding</i> (RNN, s = 8: r ≈ 3·10⁷); <i>LSTM keeps the gradient</i> (s = 0.5 as in the vanishing RNN, "
           "forget bias 3: r ≈ 0.2, the cell state's additive path carries it). With few units (the default 5) a "
           "large s saturates tanh instead, and the gradient vanishes even at s = 8.</li>"
           "<li><b>Check</b> (gradient check) compares backpropagation with finite differences for every tensor. In the "
           "exploding preset it fails (✗): the loss is too steep for the finite difference, not the backward pass "
           "wrong; the words under the table say which it is.</li>"
           "<li><b>Course</b> reproduces the seeded cases of the course notebook, digit for digit.</li></ul>";
}

} // namespace unroll
