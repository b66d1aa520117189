// The start page; see HomeLab.hpp.
#include "labs/HomeLab.hpp"

#include "math/Rng.hpp"
#include "text/Vocabulary.hpp"
#include "charlm/CharLmTask.hpp"
#include "charlm/Sampling.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/PlotExport.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QAction>
#include <QFileDialog>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace unroll {

namespace {
// A label whose style sheet gives its font size in points: "font-size: %1pt" takes the size, so that presentation
// mode can scale it (see HomeLab::setPresentationMode).
QLabel* makeLabel(const QString& text, const QString& style = {}, double points = 0)
{
    auto* l = new QLabel(text);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    if (points > 0) {
        l->setProperty("homeStyle", style);
        l->setProperty("homePoints", points);
        l->setStyleSheet(style.arg(points));
    } else if (!style.isEmpty()) {
        l->setStyleSheet(style);
    }
    return l;
}

QFrame* makeCard()
{
    auto* card = new QFrame;
    card->setObjectName("card");
    card->setStyleSheet("QFrame#card { background: white; border: 1px solid #e3e6ec; border-radius: 10px; }");
    return card;
}

// Runs on the training thread between steps: it may read the task; it hands back values only.
HomeSnapshot snapshotOf(const CharLmTask& task)
{
    HomeSnapshot s;
    s.step = task.stepsDone();
    const MatF h = task.lastHidden();
    s.units = int(h.rows());
    s.steps = int(h.cols());
    s.hidden = rowMajorValues<float>(h);
    for (char32_t c : task.lastInputText())
        s.chars << (c == U' ' ? QString::fromUtf8("\u2423") : QString::fromStdString(encodeUtf8(c)));
    Rng rng(7);
    s.sample = QString::fromStdString(encodeUtf8(
        U"a " + sampleLine(task.model(), task.vocabulary(), U"a ", {.temperature = 0.7, .maxLength = 110}, rng)));
    return s;
}
} // namespace

HomeLab::HomeLab(QWidget* parent) : TrainingLab(parent)
{
    qRegisterMetaType<HomeSnapshot>();
    setStyleSheet("unroll--HomeLab { background: #f5f6f8; }");
    setAttribute(Qt::WA_StyledBackground);
    auto* page = new QWidget;
    page->setObjectName("homePage");
    page->setStyleSheet("QWidget#homePage { background: #f5f6f8; }");
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(36, 28, 36, 28);
    layout->setSpacing(18);
    layout->addWidget(setupIntro());
    layout->addWidget(setupDemo(), 1);
    if (QWidget* cards = setupLabCards()) layout->addWidget(cards);

    auto* scroll = new QScrollArea;
    scroll->setWidget(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    newRun();
}

QWidget* HomeLab::setupIntro()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(6);
    v->addWidget(makeLabel("Unroll", "font-size: %1pt; font-weight: 600; color: #1f2430;", 26));
    v->addWidget(makeLabel("A lab for sequence models: recurrent networks trained live on this machine, with every "
                           "activation, gate and gradient on screen.",
                           "font-size: %1pt; color: #4c566a;", 13));
    v->addWidget(makeLabel(
        "Each lab follows one part of the classic <i>Sequence Models</i> course and the papers behind it: step "
        "backpropagation through time by hand, train a character model on names or on your own text, explore word "
        "vectors, watch attention form. Nothing is precomputed: the numbers you see are computed as you watch. "
        "Press <b>Space</b> to play or pause, <b>→</b> to take one step, <b>Ctrl+R</b> to start again from the same "
        "weights, <b>F1</b> for the guide of the lab you are in.",
        "font-size: %1pt; color: #3b4252;", 10.5));
    return box;
}

QWidget* HomeLab::setupDemo()
{
    auto* card = makeCard();
    auto* grid = new QGridLayout(card);
    grid->setContentsMargins(20, 16, 20, 16);
    grid->setHorizontalSpacing(18);
    grid->setVerticalSpacing(10);
    grid->addWidget(makeLabel("<b>Quick look:</b> an LSTM with 32 units learning to spell a paragraph, 16 characters "
                              "per step (truncated BPTT, Adam). Press <b>Play</b>.",
                              "font-size: %1pt; color: #1f2430;", 11),
                    0, 0);
    transportBar()->setMaximumWidth(340);
    grid->addWidget(transportBar(), 0, 1, Qt::AlignRight | Qt::AlignTop);

    curve()->setTitle("Cross-entropy per character");
    curve()->setValueLabel("loss (nats)");
    curve()->setMinimumHeight(300); // the width is the curve's own: its controls row must fit
    grid->addWidget(curve(), 1, 0);

    heatmap_ = new HeatmapView;
    heatmap_->setTitle("Hidden units over the last window");
    heatmap_->setColorMap(ColorMap::Diverging);
    heatmap_->setFixedRange(-1, 1);
    heatmap_->setColorBarLabel("activation a⟨t⟩");
    heatmap_->setAxisLabels("unit", "character read at step t");
    heatmap_->setColumnLabelsOnTop(false);
    heatmap_->setMinimumSize(300, 300);
    grid->addWidget(heatmap_, 1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    grid->setRowStretch(1, 1);
    demoGrid_ = grid;

    demoStatus_ = makeLabel("Not trained yet: the model writes noise.", "color: #4c566a;");
    grid->addWidget(demoStatus_, 2, 0, 1, 2);
    sample_ = new QLabel;
    sample_->setWordWrap(true);
    sample_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sample_->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 11pt; color: #1f2430; "
                           "background: #eef1f6; border-radius: 6px; padding: 8px;");
    sample_->setMinimumHeight(48);
    grid->addWidget(sample_, 3, 0, 1, 2);

    auto* exportCurve =
        makeExportAction(this, "Training curve as PNG…", "PNG", "training curve",
                         [this](const QString& f, QString* e) { return curve()->exportPng(f, {}, 2.0, e); });
    auto* exportHeat =
        makeExportAction(this, "Hidden-unit heatmap as PNG…", "PNG", "hidden units",
                         [this](const QString& f, QString* e) { return heatmap_->exportPng(f, {}, 2.0, e); });
    exports_ = {exportCurve, exportHeat};
    return card;
}

QWidget* HomeLab::setupLabCards()
{
    QList<const LabInfo*> others;
    for (const auto& info : labRegistry())
        if (info.id != "home") others.append(&info);
    if (others.isEmpty()) return nullptr;
    auto* box = new QWidget;
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(14);
    for (const LabInfo* info : others) {
        auto* card = makeCard();
        auto* v = new QVBoxLayout(card);
        v->setContentsMargins(16, 12, 16, 12);
        v->addWidget(makeLabel(QString("<b>%1 %2</b>").arg(info->iconText, info->title), "font-size: %1pt;", 12));
        v->addWidget(makeLabel(info->summary, "color: #4c566a;"), 1);
        auto* open = new QPushButton("Open");
        const QString id = info->id;
        connect(open, &QPushButton::clicked, this, [this, id] { emit openLabRequested(id); });
        v->addWidget(open, 0, Qt::AlignLeft);
        row->addWidget(card, 1);
    }
    return box;
}

QString HomeLab::demoText()
{
    // Our own words, about what the model is doing while it reads them.
    return "a recurrent network reads one character at a time. it keeps a hidden state, a small memory of what it "
           "has read, and uses it to guess the next character. to learn, it unrolls the loop through time and sends "
           "the error back, step by step, to every weight that shaped the guess. ";
}

void HomeLab::newRun()
{
    const std::string utf8 = demoText().toStdString();
    task_ = std::make_shared<CharLmTask>(
        loadCharCorpus(utf8, "demo text", {.mode = TextMode::Continuous, .heldOut = 0}),
        CharLmOptions{.cell = CellKind::Lstm,
                      .hidden = 32,
                      .optimizer = {.kind = OptimizerKind::Adam, .learningRate = 0.01, .clip = ClipMode::Value},
                      .window = 16,
                      .seed = 0});
    resetCurve("LSTM 32");
    heatmap_->clear();
    sample_->setText({});
    demoStatus_->setText("Not trained yet. Press Play (Space) or take one step (→).");
}

// No run is going (TrainingLab's promise), so the task may be read here.
TrainingRun HomeLab::nextRun()
{
    const qint64 done = task_->stepsDone();
    return {task_, done, std::max<qint64>(0, kDemoSteps - done),
            [task = task_] { return QVariant::fromValue(snapshotOf(*task)); }};
}

void HomeLab::reset()
{
    TrainingLab::reset();
    emit statusMessage("Reset to the same initial weights (seed 0).");
}

// Side by side where there is room; on a narrow window (1,024 px) the heatmap goes under the curve, so the page never
// needs a horizontal scroll bar.
void HomeLab::resizeEvent(QResizeEvent* event)
{
    TrainingLab::resizeEvent(event);
    const bool stacked = width() < (presentation_ ? 1300 : 1000);
    if (stacked == stacked_) return;
    stacked_ = stacked;
    demoGrid_->removeWidget(heatmap_);
    if (stacked) {
        demoGrid_->addWidget(heatmap_, 4, 0, 1, 2);
        demoGrid_->addWidget(curve(), 1, 0, 1, 2);
    } else {
        demoGrid_->addWidget(curve(), 1, 0);
        demoGrid_->addWidget(heatmap_, 1, 1);
    }
    demoGrid_->setRowStretch(4, stacked ? 1 : 0);
}

void HomeLab::showFailure(const QString& message)
{
    demoStatus_->setText("Training stopped: " + message.toHtmlEscaped());
}

QList<QAction*> HomeLab::exportActions() { return exports_; }

void HomeLab::setPresentationMode(bool on)
{
    TrainingLab::setPresentationMode(on);
    heatmap_->setPresentationMode(on);
    // The page's own point sizes grow with the application font (MainWindow's factor).
    presentation_ = on;
    stacked_ = !stacked_; // re-arranged at the next resize for the new sizes
    const double scale = on ? 1.45 : 1.0;
    for (QLabel* l : findChildren<QLabel*>()) {
        const QVariant points = l->property("homePoints");
        if (points.isValid())
            l->setStyleSheet(l->property("homeStyle").toString().arg(points.toDouble() * scale));
    }
    sample_->setStyleSheet(QString("font-family: 'DejaVu Sans Mono', monospace; font-size: %1pt; color: #1f2430; "
                                   "background: #eef1f6; border-radius: 6px; padding: 8px;")
                               .arg(11 * scale));
}

void HomeLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<HomeSnapshot>();
    if (s.step == 0) return;
    heatmap_->setData(std::span<const float>(s.hidden), s.units, s.steps);
    heatmap_->setColumnLabels(s.chars);
    sample_->setText(s.sample.toHtmlEscaped());
    demoStatus_->setText(QString("After %1 steps the model writes (seed 7, temperature 0.7):").arg(s.step));
}

QString HomeLab::guideHtml() const
{
    return "<h2>Home</h2>"
           "<p>The quick look trains a one-layer LSTM (32 units) on a short paragraph. Each step reads 16 characters, "
           "predicts each next character with a softmax, and backpropagates the cross-entropy through the 16 steps "
           "(truncated BPTT); the hidden state carries over to the next window. Adam, learning rate 0.01, gradients "
           "clipped element-wise at 5.</p>"
           "<ul><li><b>Curve</b>: the loss per character, raw (faint) and smoothed. A model that knows nothing scores "
           "ln(V) ≈ 3.3 nats for V = 28 characters; one that has memorised the paragraph approaches 0.</li>"
           "<li><b>Heatmap</b>: each column is one step of the last window, each row one hidden unit a⟨t⟩ in "
           "[−1, 1]. Watch units specialise: some switch at spaces, some track position in a word.</li>"
           "<li><b>Sample</b>: the model writing on its own, one character at a time, from the same seed each "
           "time so only the weights change.</li></ul>"
           "<p>Right-click a plot to export it (PNG, PDF, CSV).</p>";
}

} // namespace unroll
