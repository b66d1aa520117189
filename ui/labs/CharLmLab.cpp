// The character language model lab; see CharLmLab.hpp.
#include "labs/CharLmLab.hpp"

#include "charlm/Sampling.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Resources.hpp"
#include "widgets/ColorMaps.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/NameCombo.hpp"
#include "widgets/PlotExport.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <qcustomplot.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace unroll {

namespace {
QString q(std::u32string_view s) { return QString::fromStdString(encodeUtf8(s)); }
QString shown(char32_t c)
{
    if (c == U'\n') return QString::fromUtf8("\u21b5");
    if (c == U' ') return QString::fromUtf8("\u2423");
    if (c == Vocabulary::kOther) return QString::fromUtf8("\u00bf");
    return q(std::u32string(1, c));
}
QString thousands(qint64 n) { return QLocale(QLocale::English).toString(n); }
QString plural(qint64 n, const QString& one, const QString& many)
{
    return QString("%1 %2").arg(thousands(n), n == 1 ? one : many);
}
QString capitalised(QString s)
{
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    return s;
}

// On the training thread, between steps: copies, never references. Samples and the held-out loss come with the first
// snapshot past a multiple of `every` since lastSampled (which it moves on).
CharLmSnapshot snapshotOf(const CharLmTask& task, qint64 every, qint64& lastSampled)
{
    CharLmSnapshot s;
    s.step = task.stepsDone();
    s.smoothedLoss = task.smoothedLoss();
    s.model = std::make_shared<const SequenceModel<float>>(task.model());
    if (s.step / every > lastSampled / every || (lastSampled == 0 && s.step > 0)) {
        lastSampled = s.step;
        s.samplesStep = s.step;
        for (const auto& name : task.sampleNames(7)) s.samples << QString::fromStdString(encodeUtf8(name));
        // Held-out loss in the training curve's unit: per name (lines) or per character (continuous).
        if (!task.corpus().validation.empty()) {
            const EvalResult r = task.validation();
            s.validationNats = task.corpus().options.mode == TextMode::Lines ? r.perLine() : r.perPrediction();
            s.validationNatsPerChar = r.perPrediction();
        }
    }
    return s;
}
} // namespace

CharLmLab::CharLmLab(QWidget* parent) : TrainingLab(parent)
{
    qRegisterMetaType<CharLmSnapshot>();
    setupScaffold(setupControls(), setupViews());
    connect(training(), &LabTraining::speedMeasured, this, [this](qint64 step, double perSecond) {
        rateLabel_->setText(QString("step %1 · %2 steps/s").arg(step).arg(perSecond, 0, 'f', 0));
    });
    setCorpus(builtInDinosaurs());

    // Settings apply at once while nothing is trained; once a run has steps, they wait for Reset (and say so).
    connect(optimizer_, &QComboBox::currentIndexChanged, this, &CharLmLab::settingChanged);
    connect(cell_, &QComboBox::currentIndexChanged, this, [this] {
        applySuggestedOptimizer();
        settingChanged();
    });
    for (QSpinBox* b : {hidden_, layers_, batch_, seed_})
        connect(b, &QSpinBox::valueChanged, this, &CharLmLab::settingChanged);
    for (QDoubleSpinBox* b : {lr_, clip_})
        connect(b, &QDoubleSpinBox::valueChanged, this, &CharLmLab::settingChanged);
    // The mode says how the data is read: the data is read again at once (a new run).
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        try {
            CharCorpus corpus = loadData(TextMode(mode_->currentIndex()));
            applySuggestedOptimizer();
            setCorpus(std::move(corpus));
            emit statusMessage(QString("The data is read again as %1: a new run.")
                                   .arg(QString(textModeNames[mode_->currentIndex()]).toLower()));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, "Character model", QString::fromUtf8(e.what()));
        }
    });
}

CharLmLab::~CharLmLab() = default;

std::pair<OptimizerKind, double> CharLmLab::suggestedOptimizer(CellKind cell, TextMode mode)
{
    if (cell == CellKind::Rnn && mode == TextMode::Lines) return {OptimizerKind::Sgd, 0.01}; // the course's
    return {OptimizerKind::Adam, 0.005};
}

void CharLmLab::applySuggestedOptimizer()
{
    const auto [kind, rate] = suggestedOptimizer(CellKind(cell_->currentIndex()), TextMode(mode_->currentIndex()));
    QSignalBlocker b1(optimizer_), b2(lr_);
    optimizer_->setCurrentIndex(int(kind));
    lr_->setValue(rate);
}

void CharLmLab::settingChanged()
{
    if (!task_ || (!training()->isActive() && stepsDone() == 0)) {
        newRun(); // nothing trained yet: the model is rebuilt from the settings now
        return;
    }
    setChangesPending(true);
}

CharCorpus CharLmLab::loadData(TextMode mode) const
{
    if (dataPath_.empty()) {
        if (mode == TextMode::Lines) return builtInDinosaurs();
        auto c = loadCharCorpusFile(dataFile("dinosaurs.txt"), {.mode = mode, .lowercase = true, .heldOut = 0.05});
        c.source = "built-in dinosaur names";
        return c;
    }
    return loadCharCorpusFile(dataPath_, {.mode = mode, .heldOut = 0.05});
}

// --- controls --------------------------------------------------------------------------------------------------------

QWidget* CharLmLab::setupControls()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 4, 0);

    auto* data = new QGroupBox("Data");
    auto* dv = new QVBoxLayout(data);
    dataLabel_ = new QLabel;
    dataLabel_->setWordWrap(true);
    dv->addWidget(dataLabel_);
    mode_ = comboFromNames(textModeNames);
    mode_->setToolTip("How the data is read: names and words one per line, or prose as one stream. Changing it "
                      "reads the data again (a new run).");
    dv->addWidget(mode_);
    auto* row = new QHBoxLayout;
    auto* open = new QPushButton("Open text…");
    connect(open, &QPushButton::clicked, this, &CharLmLab::openData);
    auto* builtIn = new QPushButton("Dinosaurs");
    builtIn->setToolTip("The built-in list of dinosaur genus names");
    connect(builtIn, &QPushButton::clicked, this, [this] {
        dataPath_.clear();
        try {
            setCorpus(loadData(TextMode(mode_->currentIndex())));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, "Character model", QString::fromUtf8(e.what()));
        }
    });
    row->addWidget(open);
    row->addWidget(builtIn);
    dv->addLayout(row);
    v->addWidget(data);

    auto* model = new QGroupBox("Model");
    auto* mf = new QFormLayout(model);
    cell_ = comboFromNames(cellKindNames);
    hidden_ = new QSpinBox;
    hidden_->setRange(1, 1024);
    hidden_->setValue(50);
    layers_ = new QSpinBox;
    layers_->setRange(1, 3);
    mf->addRow("Cell", cell_);
    mf->addRow("Hidden units", hidden_);
    mf->addRow("Layers", layers_);
    v->addWidget(model);

    auto* train = new QGroupBox("Training");
    auto* tf = new QFormLayout(train);
    optimizer_ = comboFromNames(optimizerKindNames);
    lr_ = new QDoubleSpinBox;
    lr_->setDecimals(4);
    lr_->setRange(0.0001, 1);
    lr_->setSingleStep(0.001);
    lr_->setValue(0.01);
    batch_ = new QSpinBox;
    batch_->setRange(1, 256);
    clip_ = new QDoubleSpinBox;
    clip_->setRange(0, 100);
    clip_->setValue(5);
    clip_->setToolTip("Element-wise clipping of every gradient to ±this (0: none)");
    iterations_ = new QSpinBox;
    iterations_->setRange(1, 10000000);
    iterations_->setValue(35000);
    sampleEvery_ = new QSpinBox;
    sampleEvery_->setRange(10, 1000000);
    sampleEvery_->setValue(1000);
    seed_ = new QSpinBox;
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    tf->addRow("Optimizer", optimizer_);
    tf->addRow("Learning rate", lr_);
    tf->addRow("Batch", batch_);
    tf->addRow("Clip ±", clip_);
    tf->addRow("Iterations", iterations_);
    tf->addRow("Sample every", sampleEvery_);
    tf->addRow("Seed", seed_);
    v->addWidget(train);
    auto* note = new QLabel("Defaults are the course's: RNN, 50 units, SGD 0.01, clip ±5, one name per step, the "
                            "hidden state carried from name to name. A GRU or LSTM, or continuous text, suggests "
                            "Adam 0.005, which learns visibly within a minute. Settings apply at once until the "
                            "model has trained; then Reset (Ctrl+R) applies them.");
    note->setWordWrap(true);
    note->setStyleSheet("color: #4c566a;");
    v->addWidget(note);
    v->addStretch(1);
    return box;
}

QWidget* CharLmLab::setupViews()
{
    auto* split = new QSplitter(Qt::Vertical);
    auto* top = new QSplitter(Qt::Horizontal);
    curve()->setTitle("Loss");
    curve()->setValueLabel("loss (nats)");
    curve()->setSmoothing({.mode = SmoothingMode::Ema, .emaWeight = 0.99});
    top->addWidget(curve());
    auto* feedBox = new QWidget;
    auto* fv = new QVBoxLayout(feedBox);
    fv->setContentsMargins(0, 0, 0, 0);
    auto* feedTitle = new QLabel("<b>Samples as training runs</b> (the course's sample(): seeds 0 … 6)");
    feedTitle->setWordWrap(true);
    fv->addWidget(feedTitle);
    feed_ = new QPlainTextEdit;
    feed_->setReadOnly(true);
    feed_->setMaximumBlockCount(5000);
    feed_->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 10pt;");
    fv->addWidget(feed_, 1);
    rateLabel_ = new QLabel;
    rateLabel_->setWordWrap(true);
    fv->addWidget(rateLabel_);
    top->addWidget(feedBox);
    top->setSizes({640, 340});
    split->addWidget(top);

    auto* tabs = new QTabWidget;
    tabs->addTab(setupSamplingTab(), "Sampling");
    tabs->addTab(setupHiddenTab(), "Hidden state");
    tabs->addTab(setupDataTab(), "Data");
    split->addWidget(tabs);
    split->setSizes({430, 430});
    return split;
}

QWidget* CharLmLab::setupSamplingTab()
{
    auto* w = new QWidget;
    auto* h = new QHBoxLayout(w);
    auto* left = new QVBoxLayout;
    auto* form = new QFormLayout;
    prime_ = new QLineEdit;
    prime_->setPlaceholderText("optional start, e.g. tyr");
    form->addRow("Start with", prime_);
    temperature_ = new QSlider(Qt::Horizontal);
    temperature_->setRange(5, 200); // hundredths
    temperature_->setValue(100);
    temperatureLabel_ = new QLabel("1.00");
    auto* tRow = new QHBoxLayout;
    tRow->addWidget(temperature_);
    tRow->addWidget(temperatureLabel_);
    form->addRow("Temperature", tRow);
    topK_ = new QSpinBox;
    topK_->setRange(0, 500);
    topK_->setSpecialValueText("all");
    form->addRow("Top-k", topK_);
    greedy_ = new QCheckBox("greedy (always the most likely)");
    form->addRow("", greedy_);
    left->addLayout(form);
    auto* buttons = new QGridLayout; // two rows: the tab stays narrow enough for a 1,024 px screen
    auto* next = new QPushButton("Next character");
    next->setShortcut(QKeySequence("Ctrl+N"));
    next->setToolTip("Draw one character from the distribution on the right (Ctrl+N)");
    auto* finish = new QPushButton("Finish the line");
    auto* restart = new QPushButton("Start over");
    buttons->addWidget(next, 0, 0);
    buttons->addWidget(finish, 0, 1);
    buttons->addWidget(restart, 1, 0);
    left->addLayout(buttons);
    sampleText_ = new QLabel;
    sampleText_->setWordWrap(true);
    sampleText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sampleText_->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 15pt; color: #1f2430;"
                               "background: #eef1f6; border-radius: 6px; padding: 10px;");
    sampleText_->setMinimumHeight(70);
    left->addWidget(sampleText_);
    samplingWeights_ = new QLabel;
    samplingWeights_->setStyleSheet("color: #4c566a;");
    samplingWeights_->setWordWrap(true);
    left->addWidget(samplingWeights_);
    left->addStretch(1);
    h->addLayout(left, 2);
    softmax_ = new QCustomPlot;
    setupSoftmaxPlot();
    h->addWidget(softmax_, 3);

    connect(next, &QPushButton::clicked, this, &CharLmLab::sampleNextCharacter);
    connect(finish, &QPushButton::clicked, this, [this] {
        for (int k = 0; k < 200; ++k) {
            sampleNextCharacter();
            if (sampler_ && !sampler_->text().empty() && sampler_->text().back() == U'\n') break;
        }
    });
    connect(restart, &QPushButton::clicked, this, &CharLmLab::restartSampler);
    connect(prime_, &QLineEdit::editingFinished, this, &CharLmLab::restartSampler);
    auto adjust = [this] {
        temperatureLabel_->setText(QString::number(temperature_->value() / 100.0, 'f', 2));
        refreshSoftmax(); // the distribution the next draw uses changes live
    };
    connect(temperature_, &QSlider::valueChanged, this, adjust);
    connect(topK_, &QSpinBox::valueChanged, this, adjust);
    connect(greedy_, &QCheckBox::toggled, this, adjust);
    return w;
}

void CharLmLab::setupSoftmaxPlot()
{
    auto* p = softmax_;
    p->setMinimumHeight(220);
    bars_ = new QCPBars(p->xAxis, p->yAxis);
    bars_->setPen(Qt::NoPen);
    bars_->setBrush(QColor(0x00, 0x72, 0xB2));
    bars_->setWidth(0.75);
    bars_->setName("p(next character)");
    chosenBar_ = new QCPBars(p->xAxis, p->yAxis);
    chosenBar_->setPen(Qt::NoPen);
    chosenBar_->setBrush(QColor(0xD5, 0x5E, 0x00));
    chosenBar_->setWidth(0.75);
    chosenBar_->setName("the character drawn");
    p->yAxis->setRange(0, 1);
    p->yAxis->setLabel("probability (after temperature / top-k)");
    p->xAxis->setLabel("next character");
    p->xAxis->grid()->setVisible(false);
    p->yAxis->grid()->setPen(QPen(QColor(0xe6, 0xe6, 0xe6)));
    // The legend gets its own row above the bars, so it never covers one.
    p->legend->setVisible(true);
    p->legend->setBorderPen(Qt::NoPen);
    p->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(0, 0.001);
    p->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* png = makeExportAction(this, "Softmax chart as PNG…", "PNG", "softmax",
                                 [this](const QString& f, QString* e) { return savePlotPng(softmax_, f, {}, 2.0, e); });
    p->addAction(png);
    exports_ << png;
}

QWidget* CharLmLab::setupHiddenTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel("Text"));
    hiddenText_ = new QLineEdit;
    row->addWidget(hiddenText_, 1);
    row->addWidget(new QLabel("Unit"));
    unit_ = new QSpinBox;
    unit_->setRange(1, 1);
    row->addWidget(unit_);
    rankUnits_ = new QPushButton("Most varying unit");
    rankUnits_->setToolTip("Pick the unit whose activation varies most over this text");
    row->addWidget(rankUnits_);
    v->addLayout(row);
    hiddenWeights_ = new QLabel;
    hiddenWeights_->setStyleSheet("color: #4c566a;");
    v->addWidget(hiddenWeights_);
    coloured_ = new QLabel;
    coloured_->setTextFormat(Qt::RichText);
    coloured_->setWordWrap(true);
    coloured_->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 16pt; padding: 6px;");
    v->addWidget(coloured_);
    hiddenMap_ = new HeatmapView;
    hiddenMap_->setColorMap(ColorMap::Diverging);
    hiddenMap_->setFixedRange(-1, 1);
    hiddenMap_->setAxisLabels("unit", "character read");
    hiddenMap_->setColorBarLabel("a⟨t⟩");
    hiddenMap_->setColumnLabelsOnTop(false);
    v->addWidget(hiddenMap_, 1);
    connect(hiddenText_, &QLineEdit::textChanged, this, &CharLmLab::refreshHidden);
    connect(unit_, &QSpinBox::valueChanged, this, &CharLmLab::refreshHidden);
    connect(hiddenMap_, &HeatmapView::cellClicked, this, [this](int row, int) { unit_->setValue(row + 1); });
    connect(rankUnits_, &QPushButton::clicked, this, [this] {
        if (!model_) return;
        try {
            const QByteArray utf8 = hiddenText_->text().toUtf8();
            auto text = decodeUtf8(std::string(utf8.constData(), size_t(utf8.size())), "the text");
            if (corpus_.options.lowercase)
                for (auto& c : text) c = lowercaseChar(c);
            const MatF h = hiddenStates(*model_, modelVocab_, text);
            if (h.cols() < 2) return;
            Eigen::Index best = 0;
            const Eigen::VectorXf mean = h.rowwise().mean();
            ((h.colwise() - mean).array().square().rowwise().sum()).maxCoeff(&best);
            unit_->setValue(int(best) + 1);
        } catch (const std::exception&) {
        }
    });
    return w;
}

QWidget* CharLmLab::setupDataTab()
{
    dataSummary_ = new QTextBrowser;
    return dataSummary_;
}

// --- runs ------------------------------------------------------------------------------------------------------------

CharLmOptions CharLmLab::optionsFromControls() const
{
    CharLmOptions o;
    o.cell = CellKind(cell_->currentIndex());
    o.hidden = hidden_->value();
    o.layers = layers_->value();
    o.optimizer.kind = OptimizerKind(optimizer_->currentIndex());
    o.optimizer.learningRate = lr_->value();
    o.optimizer.clip = clip_->value() > 0 ? ClipMode::Value : ClipMode::None;
    o.optimizer.clipValue = clip_->value() > 0 ? clip_->value() : 5;
    o.batch = batch_->value();
    o.seed = std::uint32_t(seed_->value());
    return o;
}

void CharLmLab::setCorpus(CharCorpus corpus)
{
    training()->stopAndWait();
    corpus_ = std::move(corpus);
    {
        QSignalBlocker block(mode_); // the combo follows the data (an opened model's, a test's)
        mode_->setCurrentIndex(int(corpus_.options.mode));
    }
    // The hidden-state view starts on text from this data: a name, or the start of the text up to a word's end.
    QString sample;
    if (corpus_.source == "built-in dinosaur names" && corpus_.options.mode == TextMode::Lines)
        sample = "tyrannosaurus";
    else if (!corpus_.train.empty()) {
        std::u32string t = corpus_.train[0].substr(0, 60);
        if (corpus_.options.mode == TextMode::Continuous && corpus_.train[0].size() > 60) {
            const auto space = t.find_last_of(U" \n");
            if (space != std::u32string::npos && space > 20) t.resize(space);
        }
        for (auto& c : t)
            if (c == U'\n') c = U' ';
        sample = q(t);
    }
    {
        QSignalBlocker block(hiddenText_);
        hiddenText_->setText(sample);
    }
    prime_->setPlaceholderText(sample.isEmpty() ? QString("optional start")
                                                : QString("optional start, e.g. %1").arg(sample.left(3)));
    refreshDataSummary();
    reset(); // a new run; no setting is pending any more
}

void CharLmLab::newRun()
{
    try {
        task_ = std::make_shared<CharLmTask>(corpus_, optionsFromControls());
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Character model", QString::fromUtf8(e.what()));
        return;
    }
    resetCurve(corpus_.options.mode == TextMode::Lines ? "loss per name (training)"
                                                                   : "loss per character (training)");
    validRun_ = corpus_.validation.empty()
                    ? -1
                    : curve()->addRun(corpus_.options.mode == TextMode::Lines ? "loss per name (held out)"
                                                                             : "loss per character (held out)");
    feed_->clear();
    rateLabel_->setText(QString("%1 · vocabulary of %2")
                            .arg(corpus_.options.mode == TextMode::Lines
                                     ? plural(qint64(corpus_.train.size()), "training example", "training examples")
                                     : plural(qint64(corpus_.train.empty() ? 0 : corpus_.train[0].size()),
                                              "training character", "training characters"))
                            .arg(corpus_.vocab.size()));
    trainingCell_ = task_->options().cell;
    modelVocab_ = corpus_.vocab;
    sampler_.reset();
    modelFile_.clear();
    useModel(std::make_shared<const SequenceModel<float>>(task_->model()), 0);
    emit transportChanged();
}

// No run is going (TrainingLab's promise), so the task may be read here.
TrainingRun CharLmLab::nextRun()
{
    if (!task_) return {};
    const qint64 every = sampleEvery_->value();
    const qint64 done = task_->stepsDone();
    auto lastSampled = std::make_shared<qint64>(done);
    return {task_, done, std::max<qint64>(0, iterations_->value() - done), [task = task_, every, lastSampled] {
                return QVariant::fromValue(snapshotOf(*task, every, *lastSampled));
            }};
}

void CharLmLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<CharLmSnapshot>();
    if (s.model) useModel(s.model, s.step);
    if (!s.samples.isEmpty()) {
        QString block = QString("Iteration: %1, Loss: %2\n").arg(s.samplesStep).arg(s.smoothedLoss, 0, 'f', 6);
        if (s.validationNatsPerChar >= 0)
            block += QString("held out: %1 nats = %2 bits per character\n")
                         .arg(s.validationNatsPerChar, 0, 'f', 3)
                         .arg(s.validationNatsPerChar / std::log(2.0), 0, 'f', 3);
        for (const auto& name : s.samples)
            block += (corpus_.options.mode == TextMode::Lines ? capitalised(name) : name) + "\n";
        feed_->appendPlainText(block);
        if (validRun_ >= 0 && s.validationNats >= 0)
            curve()->addPoint(validRun_, double(s.samplesStep), training()->elapsedSeconds(), s.validationNats);
    }
    emit statusMessage(QString("Step %1 · smoothed loss %2 (the course's 0.999 / 0.001)")
                           .arg(s.step).arg(s.smoothedLoss, 0, 'f', 4));
}

void CharLmLab::useModel(std::shared_ptr<const SequenceModel<float>> model, qint64 step)
{
    model_ = std::move(model);
    modelStep_ = step;
    unit_->setRange(1, int(model_->options().hiddenSize));
    if (!sampler_) {
        restartSampler();
    } else {
        // The text so far stays; the next character is drawn by the new weights (the text is read again by them).
        const std::u32string text = sampler_->text();
        sampler_ = std::make_unique<CharSampler>(model_, modelVocab_);
        try {
            sampler_->start(text);
        } catch (const std::exception&) {
            sampler_->start();
        }
        sampleText_->setText(sampledText());
        refreshSoftmax();
    }
    refreshHidden();
    showWeightsStep();
}

void CharLmLab::showWeightsStep()
{
    QString text;
    if (modelStep_ < 0)
        text = QString("Weights from %1").arg(modelFile_);
    else if (modelStep_ == 0)
        text = "Untrained weights (step 0): press Play to train";
    else
        text = QString("Weights after step %1 (updated as training runs)").arg(thousands(modelStep_));
    samplingWeights_->setText(text);
    hiddenWeights_->setText(text);
}

// --- transport -------------------------------------------------------------------------------------------------------

void CharLmLab::reset()
{
    TrainingLab::reset();
    emit statusMessage("A new run from the same seed, with the settings on the left.");
}

void CharLmLab::performSteps(int n)
{
    if (n <= 0 || !task_) return;
    TrainingLab::performSteps(n);
    // The sampling view already has the trained weights; a few characters put the softmax on screen.
    restartSampler();
    for (int k = 0; k < 4; ++k) sampleNextCharacter();
}

// --- sampling view ---------------------------------------------------------------------------------------------------

void CharLmLab::restartSampler()
{
    if (!model_) return;
    sampler_ = std::make_unique<CharSampler>(model_, modelVocab_);
    const QByteArray utf8 = prime_->text().toUtf8();
    try {
        auto prime = decodeUtf8(std::string(utf8.constData(), size_t(utf8.size())), "the start");
        if (corpus_.options.lowercase)
            for (auto& c : prime) c = lowercaseChar(c);
        for (char32_t c : prime)
            if (!modelVocab_.contains(c)) throw InputError("'" + encodeUtf8(c) + "' is not in the vocabulary");
        sampler_->start(prime);
    } catch (const std::exception& e) {
        emit statusMessage(QString::fromUtf8(e.what()));
        sampler_->start();
    }
    sampleSeed_ = 0;
    sampleText_->setText(sampledText());
    refreshSoftmax();
}

void CharLmLab::sampleNextCharacter()
{
    if (!sampler_) return;
    if (!sampler_->text().empty() && sampler_->text().back() == U'\n') restartSampler();
    Rng rng(sampleSeed_++);
    const auto distribution = drawDistribution(); // what this draw uses
    const int chosen = sampler_->next(rng, samplingOptions());
    sampleText_->setText(sampledText());
    showDistribution(distribution, chosen);
}

QString CharLmLab::sampledText() const
{
    if (!sampler_) return {};
    QString t = q(sampler_->text());
    t.replace('\n', QString::fromUtf8("\u21b5"));
    return t.isEmpty() ? QString("(press Next character)") : t;
}

SamplingOptions CharLmLab::samplingOptions() const
{
    return {.temperature = temperature_->value() / 100.0, .topK = topK_->value(), .greedy = greedy_->isChecked()};
}

std::vector<double> CharLmLab::drawDistribution() const
{
    const SamplingOptions o = samplingOptions();
    std::vector<double> p = adjustedDistribution(sampler_->probabilities(), o);
    if (o.greedy) { // CharSampler::next takes the most likely character: all the mass is there
        const auto best = size_t(std::max_element(p.begin(), p.end()) - p.begin());
        std::fill(p.begin(), p.end(), 0.0);
        p[best] = 1.0;
    }
    return p;
}

void CharLmLab::refreshSoftmax()
{
    if (sampler_) showDistribution(drawDistribution(), -1);
}

void CharLmLab::showDistribution(const std::vector<double>& p, int chosen)
{
    if (p.empty() || p.size() != modelVocab_.size()) return;
    QVector<double> keys, values, chosenKey, chosenValue;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    // With many characters the labels would run together: labels are at least `every` bars apart. The drawn
    // character is named first, then the five most likely, then every k-th bar where there is room (the bars all
    // stay).
    const int n = int(p.size());
    const double slot = double(std::max(1, softmax_->axisRect()->width())) / std::max(1, n);
    const double needed = 1.2 * softmax_->xAxis->tickLabelFont().pointSizeF() * softmax_->logicalDpiY() / 72.0;
    const int every = std::max(1, int(std::ceil(needed / slot)));
    std::vector<int> candidates;
    if (chosen >= 0 && chosen < n) candidates.push_back(chosen);
    if (every > 1) {
        std::vector<int> order(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) order[size_t(i)] = i;
        std::partial_sort(order.begin(), order.begin() + std::min(n, 5), order.end(),
                          [&](int a, int b) { return p[size_t(a)] > p[size_t(b)]; });
        candidates.insert(candidates.end(), order.begin(), order.begin() + std::min(n, 5));
    }
    for (int i = 0; i < n; i += every) candidates.push_back(i);
    std::vector<bool> labelled(size_t(n), false);
    std::vector<int> placed;
    for (int i : candidates) {
        const bool room = std::none_of(placed.begin(), placed.end(), [&](int j) { return std::abs(i - j) < every; });
        if (room) {
            placed.push_back(i);
            labelled[size_t(i)] = true;
        }
    }
    labelledIndices_ = placed;
    std::sort(labelledIndices_.begin(), labelledIndices_.end());
    for (int i = 0; i < n; ++i) {
        keys << i;
        values << (i == chosen ? 0.0 : p[size_t(i)]); // the drawn character is its own bar, in the accent colour
        ticker->addTick(i, labelled[size_t(i)] ? shown(modelVocab_.symbol(i)) : QString());
    }
    labelledTicks_ = int(std::count(labelled.begin(), labelled.end(), true));
    if (chosen >= 0 && chosen < int(p.size())) {
        chosenKey << chosen;
        chosenValue << p[size_t(chosen)];
    }
    bars_->setData(keys, values);
    chosenBar_->setData(chosenKey, chosenValue);
    softmax_->xAxis->setTicker(ticker);
    softmax_->xAxis->setRange(-0.7, double(p.size()) - 0.3);
    softmax_->yAxis->setRange(0, std::max(0.05, *std::max_element(p.begin(), p.end()) * 1.1));
    softmax_->replot();
}

// --- hidden-state view -----------------------------------------------------------------------------------------------

void CharLmLab::refreshHidden()
{
    if (!model_) return;
    const QByteArray utf8 = hiddenText_->text().left(200).toUtf8();
    MatF h;
    std::u32string text;
    try {
        text = decodeUtf8(std::string(utf8.constData(), size_t(utf8.size())), "the text");
        if (corpus_.options.lowercase)
            for (auto& c : text) c = lowercaseChar(c);
        h = hiddenStates(*model_, modelVocab_, text);
    } catch (const std::exception& e) {
        coloured_->setText(QString("<span style='color:#b3261e; font-size: 11pt'>%1</span>")
                               .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
        hiddenMap_->clear();
        return;
    }
    if (h.cols() == 0) {
        coloured_->clear();
        hiddenMap_->clear();
        return;
    }
    const int u = std::min<int>(unit_->value() - 1, int(h.rows()) - 1);
    QString html;
    QStringList labels;
    for (Index t = 0; t < h.cols(); ++t) {
        const double a = h(u, t);
        const QColor c = colorAt(ColorMap::Diverging, (a + 1) / 2);
        const QColor ink = std::abs(a) > 0.6 ? Qt::white : QColor(0x1f, 0x24, 0x30);
        html += QString("<span style='background:%1; color:%2' title='%3'>%4</span>")
                    .arg(c.name(), ink.name(), QString::number(a, 'f', 3), shown(text[size_t(t)]).toHtmlEscaped());
        labels << shown(text[size_t(t)]);
    }
    coloured_->setText(QString("<span style='font-size:10pt; color:#4c566a'>unit %1, a⟨t⟩ from −1 (blue) to +1 "
                               "(red):</span><br>")
                           .arg(u + 1) +
                       html);
    hiddenMap_->setData(std::span<const float>(rowMajorValues<float>(h)), int(h.rows()), int(h.cols()));
    hiddenMap_->setColumnLabels(labels);
    hiddenMap_->setHighlightedRow(u);
}

void CharLmLab::refreshDataSummary()
{
    const auto& c = corpus_;
    const bool lines = c.options.mode == TextMode::Lines;
    const QString held =
        c.validation.empty()
            ? QString()
            : ", " + (lines ? plural(qint64(c.validation.size()), "example", "examples")
                            : plural(qint64(c.validation[0].size()), "character", "characters")) +
                  " held out";
    dataLabel_->setText(QString("<b>%1</b><br>%2%3, %4, vocabulary %5%6")
                            .arg(QString::fromStdString(c.source).toHtmlEscaped())
                            .arg(lines ? plural(qint64(c.train.size() + c.validation.size()), "example", "examples")
                                       : QString("one stream of text"))
                            .arg(lines ? QString(" (one per line)") : QString())
                            .arg(plural(qint64(c.characters), "character", "characters"))
                            .arg(c.vocab.size())
                            .arg(held));
    QString html = QString("<h3>%1</h3><p>%2 · lower-cased: %3</p>")
                       .arg(QString::fromStdString(c.source).toHtmlEscaped(), textModeNames[int(c.options.mode)],
                            c.options.lowercase ? "yes" : "no");
    if (lines)
        html += QString("<p>Training: %1 · held out: %2 · characters: %3 · characters cut by the vocabulary cap: "
                        "%4</p>")
                    .arg(plural(qint64(c.train.size()), "example", "examples"),
                         plural(qint64(c.validation.size()), "example", "examples"), thousands(qint64(c.characters)),
                         thousands(qint64(c.otherCount)));
    else
        html += QString("<p>One stream: %1 for training, %2 held out (the end of the text) · characters cut by the "
                        "vocabulary cap: %3</p>")
                    .arg(plural(qint64(c.train.empty() ? 0 : c.train[0].size()), "character", "characters"),
                         thousands(qint64(c.validation.empty() ? 0 : c.validation[0].size())),
                         thousands(qint64(c.otherCount)));
    html += "<h4>Vocabulary (index: character × count)</h4><p style='font-family: monospace'>";
    for (size_t i = 0; i < c.vocab.size(); ++i) {
        const char32_t ch = c.vocab.symbol(std::int32_t(i));
        const auto it = c.counts.find(ch);
        html += QString("%1: %2 × %3&nbsp;&nbsp; ").arg(i).arg(shown(ch).toHtmlEscaped())
                    .arg(it == c.counts.end() ? c.otherCount : it->second);
    }
    html += "</p>";
    if (lines) {
        html += "<h4>Example lengths</h4><table cellspacing=0 cellpadding=1>";
        size_t most = 1;
        for (const auto& [len, n] : c.lengthHistogram) most = std::max(most, n);
        for (const auto& [len, n] : c.lengthHistogram)
            html += QString("<tr><td align=right>%1&nbsp;</td><td><span style='background:#0072B2'>%2</span> %3"
                            "</td></tr>")
                        .arg(len).arg(QString(int(1 + 60 * n / most), QChar(0x2007))).arg(n);
        html += "</table>";
    }
    dataSummary_->setHtml(html);
}

// --- files -----------------------------------------------------------------------------------------------------------

void CharLmLab::openData()
{
    const QString path =
        QFileDialog::getOpenFileName(this, "Open training text", {}, "Text files (*.txt *.csv *.tsv);;All files (*)");
    if (path.isEmpty()) return;
    try {
        const TextMode mode = TextMode(mode_->currentIndex());
        CharCorpus corpus = loadCharCorpusFile(path.toStdString(), {.mode = mode, .heldOut = 0.05});
        dataPath_ = path.toStdString();
        setCorpus(std::move(corpus));
        emit statusMessage(QString("Loaded %1, read as %2 (the Data box's mode; change it to read the file again)")
                               .arg(path, QString(textModeNames[int(mode)]).toLower()));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Open training text", QString::fromUtf8(e.what()));
    }
}

void CharLmLab::saveModel()
{
    if (!model_) return;
    const QString path = QFileDialog::getSaveFileName(this, "Save the model", "charlm.safetensors",
                                                      "safetensors (*.safetensors)");
    if (path.isEmpty()) return;
    try {
        saveCharModel(path.toStdString(), *model_, corpus_, optionsFromControls());
        markSaved();
        emit statusMessage("Saved " + path);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Save the model", QString::fromUtf8(e.what()));
    }
}

void CharLmLab::openModel()
{
    const QString path = QFileDialog::getOpenFileName(this, "Open a character model", {},
                                                      "safetensors (*.safetensors);;All files (*)");
    if (path.isEmpty()) return;
    try {
        auto loaded = loadCharModel(path.toStdString());
        training()->stopAndWait();
        modelVocab_ = loaded.vocab;
        model_.reset();
        sampler_.reset();
        modelFile_ = QFileInfo(path).fileName();
        useModel(std::shared_ptr<const SequenceModel<float>>(std::move(loaded.model)), -1);
        emit statusMessage("Opened " + path + ": sampling and the hidden-state view use it; Reset starts a new run.");
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Open a character model", QString::fromUtf8(e.what()));
    }
}

void CharLmLab::showFailure(const QString& message) { QMessageBox::warning(this, "Training stopped", message); }

QString CharLmLab::doneText(qint64 steps) const
{
    return QString("Done: %1 steps — Reset to run again, or raise Iterations and press Play to go on.")
        .arg(thousands(steps));
}

std::optional<TrainingLab::Checkpoint> CharLmLab::checkpoint() const
{
    if (!task_) return std::nullopt;
    return Checkpoint{"The character model", " (unroll-cli train charlm --resume)", "charlm.ckpt.safetensors"};
}

void CharLmLab::saveCheckpoint(const QString& path) { task_->saveCheckpoint(path.toStdString()); }

QList<QAction*> CharLmLab::exportActions()
{
    if (exportsComplete_) return exports_;
    exportsComplete_ = true; // built once: the main window asks every time the lab is shown
    QList<QAction*>& actions = exports_;
    auto* samples = makeExportAction(this, "Samples as text…", "TXT", "samples", [this](const QString& f, QString* e) {
        return saveTextAtomically(f, feed_->toPlainText(), e);
    });
    auto* csv = makeExportAction(this, "Loss curve as CSV…", "CSV", "loss",
                                 [this](const QString& f, QString* e) { return curve()->exportCsv(f, e); });
    actions << samples << csv;
    return actions;
}

void CharLmLab::setPresentationMode(bool on)
{
    TrainingLab::setPresentationMode(on);
    hiddenMap_->setPresentationMode(on);
}

QString CharLmLab::guideHtml() const
{
    // The loss and its unit depend on how the data is read (CharLmTask: SumPerExample for lines, Mean for a stream).
    const bool lines = corpus_.options.mode == TextMode::Lines;
    const QString loss =
        lines ? "The model reads a name one character at a time and, at every step, predicts the next character with "
                "a softmax over the vocabulary; the newline ends a name. It starts from x⟨1⟩ = 0. The loss is the "
                "cross-entropy summed over the name, newline included, and averaged over the names of a step: nats "
                "per name (the course's <i>Dinosaur Island</i> notebook, Sequence Models week 1)."
              : "The model reads the text as one stream, a window of characters per step, and predicts each next "
                "character with a softmax over the vocabulary; the hidden state carries over from one window to the "
                "next. The loss is the cross-entropy averaged over the characters of a step: nats per character.";
    const QString heldOut =
        corpus_.validation.empty()
            ? "This data has no held-out part, so there is only the training curve."
        : lines ? "The second run is the loss on the held-out names, measured at each sample: summed over each name "
                  "and averaged over the names, in nats per name like the training curve. The sample feed gives it "
                  "per character as well (nats and bits)."
                : "The second run is the loss on the held-out text, measured at each sample, in nats per character "
                  "like the training curve; the sample feed gives it in bits as well.";
    return "<h2>Character language model</h2><p>" + loss + "</p>" +
           "<ul><li><b>Defaults</b> are the course's Dinosaur Island setting: a vanilla RNN with 50 units, SGD with "
           "learning rate 0.01, gradients clipped to ±5, one name per step, the hidden state carried from one name to "
           "the next, samples every 1000 iterations from seeds 0 … 6.</li>"
           "<li><b>Beyond the course</b>: GRU and LSTM, up to 3 layers, Adam, mini-batches of names, and continuous "
           "text (choose “Continuous text” in the Data box: the data is read again).</li>"
           "<li><b>Settings</b> apply at once while the model is untrained; once it has trained, the transport says "
           "“Changes pending” until Reset (Ctrl+R) starts a new run with them. The speed slider above the settings "
           "sets the steps per second of Play.</li>"
           "<li><b>Sampling</b>: draw one character at a time and watch the softmax; the temperature divides the "
           "log-probabilities (below 1: safer, above 1: wilder), top-k keeps the k most likely, greedy always takes "
           "the most likely. The bars show the distribution the next draw uses; after a draw, the drawn character "
           "is highlighted in the distribution it came from.</li>"
           "<li><b>Hidden state</b>: type a text and see it coloured by one unit's activation; “Most varying unit” "
           "finds a unit that reacts to this text.</li>"
           "<li>The faint curve is the loss of each step, the bold one its moving average. " +
           heldOut + "</li></ul>"
           "<p>Save the model with Ctrl+S; <code>unroll-cli sample --model FILE</code> and "
           "<code>unroll-cli eval</code> read it.</p>";
}

} // namespace unroll
