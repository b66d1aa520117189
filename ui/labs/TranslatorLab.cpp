// The date translation lab; see TranslatorLab.hpp.
#include "labs/TranslatorLab.hpp"

#include "labs/translator/BeamPanel.hpp"
#include "labs/translator/MetricsPlot.hpp"
#include "labs/translator/ValidationTable.hpp"
#include "BackgroundJob.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/FormFields.hpp"
#include "widgets/MessageHtml.hpp"
#include "widgets/PlotExport.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QAction>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString thousands(qint64 n) { return QLocale(QLocale::English).toString(n); }
QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

const QString kDefaultInput = QStringLiteral("tuesday 09 oct 1993");
const QString kPadLabel = QString::fromUtf8("\u00b7");   // a padding column of the heatmap
const QString kEndLabel = QString::fromUtf8("\u27e8end\u27e9");

// On the training thread, between steps: copies, never references. The held-out report comes only with the first
// snapshot after an epoch ended (sentEpochs remembers how many the page has). Only finished epochs' records are
// copied: a record of the epoch in progress (if the task keeps one) has no held-out scores yet.
TranslatorSnapshot snapshotOf(const TranslatorTask& task, int& sentEpochs)
{
    TranslatorSnapshot s;
    s.step = task.stepsDone();
    s.epochs = task.epochsDone();
    s.learningRate = task.currentLearningRate();
    s.model = std::make_shared<const Translator<float>>(task.model().copyWeights());
    if (const Translator<float>* b = task.baseline()) s.baseline = std::make_shared<const Translator<float>>(b->copyWeights());
    auto finished = [&s](const std::vector<EpochRecord>& all) {
        return std::vector<EpochRecord>(all.begin(), all.begin() + std::min<std::ptrdiff_t>(s.epochs, std::ptrdiff_t(all.size())));
    };
    s.history = finished(task.history());
    s.baselineHistory = finished(task.baselineHistory());
    if (s.epochs != sentEpochs) {
        sentEpochs = s.epochs;
        s.report = std::make_shared<const ValidationReport>(task.lastReport());
        if (task.baseline()) s.baselineReport = std::make_shared<const ValidationReport>(task.lastBaselineReport());
    }
    return s;
}

} // namespace

bool isFlatAttention(const MatF& attention)
{
    if (attention.size() == 0) return false;
    for (Index r = 0; r < attention.rows(); ++r)
        if (attention.row(r).maxCoeff() - attention.row(r).minCoeff() > 1e-6f) return false;
    return true;
}

TranslatorLab::TranslatorLab(QWidget* parent) : TrainingLab(parent)
{
    qRegisterMetaType<TranslatorSnapshot>();
    fileJob_ = new BackgroundJob(this);
    replay_ = new QTimer(this);
    replay_->setInterval(40);
    // Snapshots arrive up to 30 times a second; redrawing the map for each costs a third of the GUI thread's time.
    // The views follow training at ~8 per second; typing, the slider and the end of performSteps redraw at once.
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(125);
    connect(refreshTimer_, &QTimer::timeout, this, &TranslatorLab::refreshInference);
    setupScaffold(setupControls(), setupViews(), 290);
    connect(replay_, &QTimer::timeout, this, [this] {
        if (slider_->value() >= slider_->maximum()) {
            replay_->stop();
            replayButton_->setText(tr("▶ Replay"));
            return;
        }
        slider_->setValue(slider_->value() + 1);
    });
    newRun();
}

TranslatorLab::~TranslatorLab() = default;

// --- controls --------------------------------------------------------------------------------------------------------

QWidget* TranslatorLab::setupControls()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 4, 0);

    auto* data = new QGroupBox(tr("Data"));
    auto* dv = new QVBoxLayout(data);
    generatedRadio_ = new QRadioButton(tr("Generated dates (the course's)"));
    generatedRadio_->setChecked(true);
    dv->addWidget(generatedRadio_);
    auto* gf = new QFormLayout;
    gf->setContentsMargins(18, 0, 0, 0);
    examples_ = spin(100, 1'000'000, 10'000, 1000);
    examples_->setToolTip(tr("Training pairs to generate"));
    heldOut_ = spin(1, 100'000, 1000, 100);
    heldOut_->setToolTip(tr("Pairs kept out of training and scored after each epoch (for a file: at most a fifth "
                            "of its pairs)"));
    dataSeed_ = spin(0, 1'000'000, 1);
    gf->addRow(tr("Examples"), examples_);
    gf->addRow(tr("Held out"), heldOut_);
    gf->addRow(tr("Seed"), dataSeed_);
    dv->addLayout(gf);
    fileRadio_ = new QRadioButton(tr("Pairs from a file"));
    fileRadio_->setEnabled(false);
    fileRadio_->setToolTip(tr("Open a TSV or CSV file of source / target pairs first (Ctrl+O)"));
    dv->addWidget(fileRadio_);
    fileLabel_ = new QLabel;
    fileLabel_->setWordWrap(true);
    fileLabel_->hide(); // until a file is open
    fileLabel_->setContentsMargins(18, 0, 0, 0);
    fileLabel_->setStyleSheet("color: #4c566a;");
    dv->addWidget(fileLabel_);
    auto* open = new QPushButton(tr("Open TSV / CSV…"));
    open->setToolTip(tr("One pair per line: source, then a tab (or a comma in a .csv), then target"));
    connect(open, &QPushButton::clicked, this, &TranslatorLab::openData);
    dv->addWidget(open);
    v->addWidget(data);

    auto* model = new QGroupBox(tr("Model"));
    auto* mv = new QVBoxLayout(model);
    attention_ = new QCheckBox(tr("Attention"));
    attention_->setChecked(true);
    attention_->setToolTip(tr("Off: the decoder sees only the encoder's last states (Sutskever et al. 2014)"));
    trainBaseline_ = new QCheckBox(tr("Train a baseline without attention"));
    trainBaseline_->setChecked(true); // the comparison is the point of the lab, and costs about a quarter more time
    trainBaseline_->setToolTip(tr("A second model without attention learns from the same batches; its scores are "
                                  "drawn dashed beside the attention model's"));
    feedPrevious_ = new QCheckBox(tr("Feed the previous output"));
    feedPrevious_->setToolTip(tr("The decoder also reads the symbol it wrote before (Bahdanau et al. 2015; not the "
                                 "course's model). Beam search can then beat greedy decoding."));
    mv->addWidget(attention_);
    mv->addWidget(trainBaseline_);
    mv->addWidget(feedPrevious_);
    auto* mf = new QGridLayout; // two settings a row: the column stays short enough for 800-pixel screens
    n_a_ = spin(1, 512, 32);
    n_a_->setToolTip(tr("Encoder LSTM units per direction (the course's n_a)"));
    n_s_ = spin(1, 1024, 64);
    n_s_->setToolTip(tr("Decoder LSTM units (the course's n_s)"));
    n_h_ = spin(1, 256, 10);
    n_h_->setToolTip(tr("Units of the attention block's hidden layer (the course's Dense(10, tanh))"));
    addPair(mf, 0, 0, tr("n_a"), n_a_);
    addPair(mf, 0, 1, tr("n_s"), n_s_);
    addPair(mf, 1, 0, tr("n_h"), n_h_);
    mv->addLayout(mf);
    v->addWidget(model);

    auto* train = new QGroupBox(tr("Training"));
    auto* tf = new QGridLayout(train);
    epochs_ = spin(1, 1000, 20);
    batch_ = spin(1, 10'000, 100);
    lr_ = doubleSpin(0.0001, 1, 0.005, 4, 0.001);
    lr_->setToolTip(tr("Adam's learning rate (the course's 0.005)"));
    epochs_->setToolTip(tr("Passes over the training pairs; the held-out pairs are scored after each"));
    batch_->setToolTip(tr("Pairs per step (the course's 100)"));
    decay_ = doubleSpin(0, 10, 0.01, 3, 0.01);
    decay_->setToolTip(tr("lr / (1 + decay × epoch): the course's decay 0.01, applied once per epoch"));
    seed_ = spin(0, 1'000'000, 1);
    seed_->setToolTip(tr("Initial weights and the order of the batches"));
    addPair(tf, 0, 0, tr("Epochs"), epochs_);
    addPair(tf, 0, 1, tr("Batch"), batch_);
    addPair(tf, 1, 0, tr("Rate"), lr_);
    addPair(tf, 1, 1, tr("Decay"), decay_);
    addPair(tf, 2, 0, tr("Seed"), seed_);
    v->addWidget(train);

    pendingNote_ = new QLabel(tr("Reset (Ctrl+R) to train with the new settings."));
    pendingNote_->setWordWrap(true);
    pendingNote_->setStyleSheet("color: #8a5a00;");
    pendingNote_->hide();
    v->addWidget(pendingNote_);

    auto* sum = new QGroupBox(tr("Summary"));
    auto* sv = new QVBoxLayout(sum);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sv->addWidget(summary_);
    v->addWidget(sum);
    v->addStretch(1);

    // Object names: tests and scripts find the controls by them.
    const std::pair<QWidget*, const char*> names[] = {
        {examples_, "examples"}, {heldOut_, "heldOut"}, {dataSeed_, "dataSeed"}, {n_a_, "n_a"}, {n_s_, "n_s"},
        {n_h_, "n_h"}, {epochs_, "epochs"}, {batch_, "batch"}, {seed_, "seed"}, {lr_, "learningRate"},
        {decay_, "decay"}, {attention_, "attention"}, {trainBaseline_, "baseline"}, {feedPrevious_, "feedPrevious"}};
    for (const auto& [w, name] : names) w->setObjectName(name);

    for (QSpinBox* s : {examples_, heldOut_, dataSeed_, n_a_, n_s_, n_h_, epochs_, batch_, seed_})
        connect(s, &QSpinBox::valueChanged, this, &TranslatorLab::settingsChanged);
    for (QDoubleSpinBox* s : {lr_, decay_}) connect(s, &QDoubleSpinBox::valueChanged, this, &TranslatorLab::settingsChanged);
    for (QCheckBox* c : {trainBaseline_, feedPrevious_}) connect(c, &QCheckBox::toggled, this, &TranslatorLab::settingsChanged);
    connect(attention_, &QCheckBox::toggled, this, [this](bool on) {
        trainBaseline_->setEnabled(on); // without attention the main model is the baseline
        n_h_->setEnabled(on);
        settingsChanged();
    });
    connect(generatedRadio_, &QRadioButton::toggled, this, [this](bool on) {
        if (on && source_ != Source::Generated) useGeneratedDates();
    });
    connect(fileRadio_, &QRadioButton::toggled, this, [this](bool on) {
        if (!on || source_ == Source::File || !fileData_) return;
        source_ = Source::File;
        training()->stopAndWait();
        newRun();
    });
    return box;
}

QWidget* TranslatorLab::setupViews()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(4);
    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setStyleSheet("background: #eef1f6; border-radius: 4px; padding: 4px 8px;");
    message_->hide();
    v->addWidget(message_);

    auto* split = new QSplitter(Qt::Vertical);
    auto* top = new QSplitter(Qt::Horizontal);
    curve()->setTitle(tr("Training loss"));
    curve()->setValueLabel(tr("loss (nats)"));
    curve()->setPlaceholderText(tr("Press Play (Space) to train"));
    curve()->setControlsVisible(false); // the smoothing row is wider than half the views; its context menu remains
    // Unsmoothed: the batch loss of this task is smooth already, and an average over the baseline's 20 epoch means
    // would lag them by epochs (the context menu's "Show controls" brings the smoothing back).
    curve()->setSmoothing({.mode = SmoothingMode::Ema, .emaWeight = 0.0});
    top->addWidget(curve());
    metrics_ = new MetricsPlot;
    top->addWidget(metrics_);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 1);
    top->setSizes({500, 500});
    split->addWidget(top);

    auto* bottom = new QWidget;
    auto* bv = new QVBoxLayout(bottom);
    bv->setContentsMargins(0, 4, 0, 0);
    auto* row = new QHBoxLayout;
    auto* prompt = new QLabel(tr("<b>Type any date</b>"));
    row->addWidget(prompt);
    input_ = new QLineEdit(kDefaultInput);
    input_->setPlaceholderText(tr("e.g. saturday 9 may 2018, 4th of july 2001, 3/5/79"));
    input_->setClearButtonEnabled(true);
    input_->setMinimumWidth(QFontMetrics(QFont("DejaVu Sans Mono", 12)).horizontalAdvance(QString(14, 'x')) + 36);
    input_->setMaximumWidth(320);
    input_->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 12pt;");
    row->addWidget(input_, 3);
    output_ = new QLabel;
    output_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(output_);
    baselineOutput_ = new QLabel;
    baselineOutput_->setStyleSheet("color: #4c566a;");
    baselineOutput_->setWordWrap(true);
    row->addWidget(baselineOutput_, 2);
    bv->addLayout(row);

    tabs_ = new QTabWidget;
    tabs_->addTab(setupAttentionTab(), tr("Attention"));
    beam_ = new BeamPanel;
    tabs_->addTab(beam_, tr("Beam search"));
    tabs_->addTab(setupTableTab(), tr("Held-out examples"));
    tabs_->addTab(setupDataTab(), tr("Data"));
    bv->addWidget(tabs_, 1);
    split->addWidget(bottom);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({300, 520});
    v->addWidget(split, 1);

    connect(input_, &QLineEdit::textChanged, this, &TranslatorLab::refreshInference);
    connect(beam_, &BeamPanel::beamWidthChanged, this, &TranslatorLab::refreshBeam);
    connect(tabs_, &QTabWidget::currentChanged, this, [this] {
        if (tabs_->currentWidget() == beam_ && beamDirty_) refreshBeam();
    });
    return box;
}

QWidget* TranslatorLab::setupAttentionTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);
    v->setSpacing(2);
    heatmapNote_ = new QLabel;
    heatmapNote_->setWordWrap(true);
    heatmapNote_->setStyleSheet("color: #4c566a;");
    v->addWidget(heatmapNote_);
    heatmap_ = new HeatmapView;
    heatmap_->setColorMap(ColorMap::Blues);
    heatmap_->setFixedRange(0.0, 1.0);
    heatmap_->setColorBarLabel(tr("attention weight α"));
    heatmap_->setAxisLabels(tr("output"), tr("input"));
    heatmap_->setMinimumHeight(200);
    v->addWidget(heatmap_, 1);

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Training so far")));
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setToolTip(tr("Replays this input's attention map with the weights of an earlier step: watch the "
                           "diagonal emerge"));
    slider_->setPageStep(10);
    row->addWidget(slider_, 1);
    sliderLabel_ = new QLabel;
    sliderLabel_->setMinimumWidth(sliderLabel_->fontMetrics().horizontalAdvance("step 100,000 (latest)") + 8);
    row->addWidget(sliderLabel_);
    replayButton_ = new QPushButton(tr("▶ Replay"));
    replayButton_->setToolTip(tr("Moves the slider from the first step to the latest"));
    row->addWidget(replayButton_);
    v->addLayout(row);

    connect(heatmap_, &HeatmapView::cellHovered, this, [this](int r, int) { highlightOutput(r); });
    connect(slider_, &QSlider::valueChanged, this, [this](int value) {
        followLatest_ = value >= slider_->maximum();
        if (!history_.empty()) selectedStep_ = history_.at(std::size_t(std::clamp(value, 0, int(history_.size()) - 1))).step;
        refreshHistorySlider();
        refreshInference();
    });
    connect(replayButton_, &QPushButton::clicked, this, [this] {
        if (replay_->isActive()) {
            replay_->stop();
            replayButton_->setText(tr("▶ Replay"));
            return;
        }
        if (history_.size() < 2) return;
        slider_->setValue(0);
        replayButton_->setText(tr("■ Stop"));
        replay_->start();
    });
    return w;
}

QWidget* TranslatorLab::setupTableTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);
    auto* row = new QHBoxLayout;
    tableSummary_ = new QLabel;
    tableSummary_->setWordWrap(true);
    row->addWidget(tableSummary_, 1);
    auto* onlyWrong = new QCheckBox(tr("Only the wrong ones"));
    row->addWidget(onlyWrong);
    v->addLayout(row);

    tableModel_ = new ValidationTableModel(this);
    tableFilter_ = new ValidationFilter(this);
    tableFilter_->setSourceModel(tableModel_);
    table_ = new QTableView;
    table_->setModel(tableFilter_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder); // the held-out order until a header is clicked
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(ValidationTableModel::Source, QHeaderView::Stretch);
    v->addWidget(table_, 1);

    connect(onlyWrong, &QCheckBox::toggled, tableFilter_, &ValidationFilter::setOnlyWrong);
    connect(table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const QModelIndex source = tableFilter_->mapToSource(index);
        if (!source.isValid()) return;
        const auto& pair = tableModel_->report().pairs[std::size_t(source.row())];
        expectedSource_ = q(pair.source);
        expectedTarget_ = q(pair.target);
        input_->setText(expectedSource_);
        tabs_->setCurrentIndex(0); // its attention
    });
    return w;
}

QWidget* TranslatorLab::setupDataTab()
{
    dataView_ = new QTextBrowser;
    dataView_->setOpenLinks(false);
    return dataView_;
}

TranslatorOptions TranslatorLab::optionsFromControls() const
{
    TranslatorOptions o;
    o.model.n_a = n_a_->value();
    o.model.n_s = n_s_->value();
    o.model.n_h = n_h_->value();
    o.model.attention = attention_->isChecked();
    o.model.feedPrevious = feedPrevious_->isChecked();
    o.baseline = o.model.attention && trainBaseline_->isChecked();
    o.batch = batch_->value();
    o.epochs = epochs_->value();
    o.optimizer.learningRate = lr_->value();
    o.decay = decay_->value();
    o.seed = std::uint32_t(seed_->value());
    o.heldOut = std::size_t(heldOut_->value());
    if (source_ == Source::File && fileData_) // at most a fifth of a file's pairs, at least one
        o.heldOut = std::clamp<std::size_t>(o.heldOut, 1, std::max<std::size_t>(1, fileData_->pairs.size() / 5));
    return o;
}

void TranslatorLab::settingsChanged()
{
    if (!training()->isActive() && stepsDone() == 0 && !openedModel_) {
        newRun(); // nothing trained yet: nothing to lose
        return;
    }
    settingsPending_ = true;
    pendingNote_->show();
    refreshSummary();
}

// --- the run ---------------------------------------------------------------------------------------------------------

// No run is going (TrainingLab's promise), so the task may be read here.
void TranslatorLab::newRun()
{
    replay_->stop();
    if (source_ == Source::Generated) {
        const std::size_t count = std::size_t(examples_->value()) + std::size_t(heldOut_->value());
        const auto seed = std::uint32_t(dataSeed_->value());
        if (!generated_ || count != generatedCount_ || seed != generatedSeed_) {
            generated_ = std::make_shared<const TranslationData>(courseDateData(count, seed));
            generatedCount_ = count;
            generatedSeed_ = seed;
        }
        data_ = generated_;
    } else {
        data_ = fileData_;
    }

    task_.reset();
    QString refused;
    try {
        task_ = std::make_shared<TranslatorTask>(*data_, optionsFromControls());
    } catch (const std::exception& e) {
        refused = QString::fromUtf8(e.what());
    }
    const bool withBaseline = task_ && task_->baseline();
    resetCurve(withBaseline ? tr("with attention (each batch)") : tr("loss (each batch)"));
    baselineRun_ = withBaseline ? curve()->addRun(tr("without attention (epoch mean)")) : -1;
    epochsShown_ = baselineEpochsShown_ = 0;
    latestStep_ = 0;
    openedModel_ = false;
    settingsPending_ = false;
    pendingNote_->hide();

    runEpochs_ = task_ ? task_->options().epochs : 0;
    runSourceVocab_ = task_ ? task_->sourceVocab() : data_->source;
    runTargetVocab_ = task_ ? task_->targetVocab() : data_->target;
    sourceVocab_ = runSourceVocab_;
    targetVocab_ = runTargetVocab_;
    model_ = task_ ? std::make_shared<const Translator<float>>(task_->model().copyWeights()) : nullptr;
    baseline_ = withBaseline ? std::make_shared<const Translator<float>>(task_->baseline()->copyWeights()) : nullptr;
    history_.clear();
    if (model_) history_.add(0, model_);
    followLatest_ = true;
    selectedStep_ = 0;
    refreshHistorySlider();

    metrics_->clear();
    tableModel_->clear();
    tableSummary_->setText(tr("The held-out pairs are translated and scored at the end of each epoch."));
    refreshSummary();
    refreshDataTab();
    refreshInference();
    if (!refused.isEmpty())
        setMessage(errorHtml(tr("<b>These settings cannot train:</b> %1").arg(html(refused))));
    else if (message_->text().contains("cannot train"))
        setMessage({});
    emit transportChanged();
}

TrainingRun TranslatorLab::nextRun()
{
    if (!task_) return {};
    const qint64 done = task_->stepsDone();
    auto sent = std::make_shared<int>(task_->epochsDone());
    return {task_, done, std::max<qint64>(0, task_->totalSteps() - done), [task = task_, sent] {
                return QVariant::fromValue(snapshotOf(*task, *sent));
            }};
}

void TranslatorLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<TranslatorSnapshot>();
    if (!s.model) return;
    if (openedModel_) { // training goes on: the views follow the task's model again
        openedModel_ = false;
        history_.clear();
        sourceVocab_ = runSourceVocab_;
        targetVocab_ = runTargetVocab_;
    }
    model_ = s.model;
    baseline_ = s.baseline;
    latestStep_ = s.step;
    history_.add(s.step, s.model);
    refreshHistorySlider();

    if (s.history.size() != epochsShown_ || s.baselineHistory.size() != baselineEpochsShown_) {
        metrics_->setHistories(s.history, s.baselineHistory);
        for (std::size_t e = baselineEpochsShown_; e < s.baselineHistory.size() && baselineRun_ >= 0; ++e)
            curve()->addPoint(baselineRun_, double(s.baselineHistory[e].step), training()->elapsedSeconds(),
                              s.baselineHistory[e].loss);
        curve()->replotIfDirty();
        epochsShown_ = s.history.size();
        baselineEpochsShown_ = s.baselineHistory.size();
    }
    if (s.report) {
        tableModel_->setReports(*s.report, s.baselineReport.get());
        const ValidationMetrics& m = s.report->metrics;
        QString text = tr("<b>%1 held-out pairs</b> after epoch %2: exact match %3 · per character %4 · BLEU %5")
                           .arg(thousands(qint64(s.report->pairs.size())))
                           .arg(s.epochs)
                           .arg(percent(m.exactMatch), percent(m.charAccuracy), percent(m.bleu));
        if (s.baselineReport)
            text += tr("<br>without attention: exact match %1 · per character %2 · BLEU %3")
                        .arg(percent(s.baselineReport->metrics.exactMatch),
                             percent(s.baselineReport->metrics.charAccuracy), percent(s.baselineReport->metrics.bleu));
        tableSummary_->setText(text + tr("<br>Click a row to see its attention."));
    }
    if (followLatest_ && !refreshTimer_->isActive()) refreshTimer_->start();

    QString status = tr("Step %1 · epoch %2 of %3 · learning rate %4")
                         .arg(s.step)
                         .arg(std::min(s.epochs + 1, runEpochs_))
                         .arg(runEpochs_)
                         .arg(s.learningRate, 0, 'g', 3);
    if (!s.history.empty())
        status += tr(" · held-out exact match %1").arg(percent(s.history.back().metrics.exactMatch));
    emit statusMessage(status);
}

void TranslatorLab::showFailure(const QString& message)
{
    setMessage(errorHtml(tr("<b>Training stopped:</b> %1").arg(html(message))));
}

void TranslatorLab::performSteps(int n)
{
    TrainingLab::performSteps(n);
    if (refreshTimer_->isActive()) refreshInference(); // the views show the last step when this returns
}

void TranslatorLab::reset()
{
    TrainingLab::reset();
    emit statusMessage(tr("A new run from the same seed, with the settings on the left."));
}

// --- summary and data ------------------------------------------------------------------------------------------------

void TranslatorLab::refreshSummary()
{
    if (!data_) return;
    const TranslatorOptions o = optionsFromControls();
    TranslatorConfig config = o.model;
    config.sourceVocab = std::int64_t(data_->source.size());
    config.targetVocab = std::int64_t(data_->target.size());
    config.Tx = data_->Tx;
    config.Ty = data_->Ty;
    const std::size_t pairs = data_->pairs.size();
    const std::size_t heldOut = std::min(o.heldOut, pairs);
    QString text = QString("<b>%1</b><table cellspacing=0 cellpadding=1>").arg(html(q(data_->sourceName)));
    auto row = [&text](const QString& what, const QString& value) {
        text += QString("<tr><td>%1&nbsp;&nbsp;</td><td align=right>%2</td></tr>").arg(what, value);
    };
    row(tr("training · held out"), QString("%1 · %2").arg(thousands(qint64(pairs - heldOut)), thousands(qint64(heldOut))));
    row(tr("vocabularies (in · out)"), QString("%1 · %2").arg(data_->source.size()).arg(data_->target.size()));
    row(tr("T<sub>x</sub> · T<sub>y</sub>"), QString("%1 · %2").arg(data_->Tx).arg(data_->Ty));
    row(tr("parameters"), thousands(translatorParameterCount(config)));
    if (o.baseline) {
        TranslatorConfig b = config;
        b.attention = false;
        row(tr("baseline's"), thousands(translatorParameterCount(b)));
    }
    if (task_) row(tr("steps per epoch"), thousands(task_->stepsPerEpoch()));
    text += "</table>";
    if (settingsPending_) text += tr("<i>(the parameters of the settings on the left, at the next reset)</i>");
    summary_->setText(text);
}

void TranslatorLab::refreshDataTab()
{
    if (!data_) return;
    const TranslationData& d = *data_;
    auto symbols = [](const SymbolVocab& vocab) {
        QStringList out;
        for (const auto& s : vocab.symbols()) out << (s == " " ? QString::fromUtf8("\u2423") : html(q(s)));
        return out.join(" ");
    };
    QString text = QString("<h3>%1</h3>").arg(html(q(d.sourceName)));
    text += tr("<p>%1 pairs · T<sub>x</sub> = %2 source characters (longer inputs are cut, shorter ones padded) · "
               "T<sub>y</sub> = %3 output steps%4</p>")
                .arg(thousands(qint64(d.pairs.size())))
                .arg(d.Tx)
                .arg(d.Ty)
                .arg(d.targetEnd ? tr(" (the last is ⟨end⟩ for the longest target)") : QString());
    for (const auto& w : d.warnings) text += errorHtml(html(q(w))) + "<br>";
    text += tr("<h4>Source vocabulary (%1)</h4><p style='font-family: monospace'>%2</p>")
                .arg(d.source.size())
                .arg(symbols(d.source));
    text += tr("<h4>Target vocabulary (%1)</h4><p style='font-family: monospace'>%2</p>")
                .arg(d.target.size())
                .arg(symbols(d.target));
    text += tr("<h4>The first pairs</h4><table cellspacing=0 cellpadding=2 style='font-family: monospace'>");
    for (std::size_t i = 0; i < std::min<std::size_t>(25, d.pairs.size()); ++i)
        text += QString("<tr><td>%1</td><td>&nbsp;→&nbsp;</td><td>%2</td></tr>")
                    .arg(html(q(d.pairs[i].source)), html(q(d.pairs[i].target)));
    text += "</table>";
    dataView_->setHtml(text);
}

void TranslatorLab::setMessage(const QString& text)
{
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

QString TranslatorLab::message() const
{
    QTextDocument doc;
    doc.setHtml(message_->text());
    return doc.toPlainText();
}

// --- inference views -------------------------------------------------------------------------------------------------

TranslatorPtr TranslatorLab::selectedModel() const
{
    if (followLatest_ || history_.empty()) return model_;
    return history_.at(std::size_t(std::clamp(slider_->value(), 0, int(history_.size()) - 1))).value;
}

qint64 TranslatorLab::shownStep() const
{
    if (followLatest_ || history_.empty()) return latestStep_;
    return history_.at(std::size_t(std::clamp(slider_->value(), 0, int(history_.size()) - 1))).step;
}

void TranslatorLab::refreshHistorySlider()
{
    {
        const QSignalBlocker block(slider_);
        const int last = std::max(0, int(history_.size()) - 1);
        slider_->setRange(0, last);
        slider_->setValue(followLatest_ ? last : int(history_.nearest(selectedStep_)));
    }
    slider_->setEnabled(history_.size() > 1);
    replayButton_->setEnabled(history_.size() > 1);
    const qint64 step = shownStep();
    sliderLabel_->setText(openedModel_ ? tr("the opened model")
                          : followLatest_ ? tr("step %1 (latest)").arg(thousands(step))
                                          : tr("step %1 of %2").arg(thousands(step), thousands(latestStep_)));
}

void TranslatorLab::refreshInference()
{
    refreshTimer_->stop(); // this is the refresh it was waiting for
    const TranslatorPtr model = selectedModel();
    beamDirty_ = true;
    outputSymbols_.clear();
    translation_.clear();
    highlightRow_ = -1;
    if (!model) {
        output_->setText(QString());
        baselineOutput_->clear();
        heatmap_->clear();
        heatmapNote_->setText(tr("No model: the settings on the left were refused."));
        beam_->showMessage(tr("No model to search with."));
        return;
    }
    const TranslatorConfig& config = model->config();
    const QByteArray utf8 = input_->text().toUtf8();
    const std::string text(utf8.constData(), std::size_t(utf8.size()));
    const std::vector<std::int32_t> source = encodeSource(sourceVocab_, config.Tx, text);
    const Decoded decoded = translateGreedy(*model, {source}).at(0);
    translation_ = q(decodeTarget(targetVocab_, decoded.ids));
    for (const std::int32_t id : decoded.ids) {
        if (id < 0 || std::size_t(id) >= targetVocab_.size()) break;
        const std::string& symbol = targetVocab_.symbol(id);
        outputSymbols_ << (symbol == kEndSymbol ? kEndLabel : q(symbol));
        if (symbol == kEndSymbol) break;
    }

    // What the model reads: the normalised characters, cut to Tx, then padding.
    const std::vector<std::string> chars = utf8Characters(normalizeSource(text));
    QStringList columns, unknown;
    for (std::size_t i = 0; i < std::size_t(config.Tx); ++i) {
        if (i < chars.size()) {
            columns << q(chars[i]);
            if (!sourceVocab_.find(chars[i]) && !unknown.contains(q(chars[i]))) unknown << q(chars[i]);
        } else {
            columns << kPadLabel;
        }
    }
    QStringList notes;
    if (chars.size() > std::size_t(config.Tx)) notes << tr("only the first %1 characters are read").arg(config.Tx);
    if (!unknown.isEmpty())
        notes << tr("not in the vocabulary, read as ⟨unk⟩: %1").arg(html(unknown.join(" ")));

    const int rows = std::min<int>(int(outputSymbols_.size()), int(decoded.attention.rows()));
    if (rows > 0 && decoded.attention.cols() == config.Tx) {
        std::vector<float> values(std::size_t(rows) * std::size_t(config.Tx));
        for (int r = 0; r < rows; ++r)
            for (Index c = 0; c < config.Tx; ++c) values[std::size_t(r) * std::size_t(config.Tx) + std::size_t(c)] = decoded.attention(r, c);
        // Each of these redraws the map: only what changed (a snapshot usually changes the values alone).
        if (heatmap_->columnLabels() != columns) heatmap_->setColumnLabels(columns);
        if (heatmap_->rowLabels() != outputSymbols_.mid(0, rows)) heatmap_->setRowLabels(outputSymbols_.mid(0, rows));
        const QString title = openedModel_ ? tr("Attention α⟨t, t′⟩ of the opened model")
                                           : tr("Attention α⟨t, t′⟩ at step %1").arg(thousands(shownStep()));
        if (title != heatmapTitle_) heatmap_->setTitle(heatmapTitle_ = title);
        heatmap_->setData(std::span<const float>(values), rows, int(config.Tx));
        // A dead attention: every weight exactly 1/Tx once training has begun (see the guide).
        if ((shownStep() > 0 || openedModel_) && isFlatAttention(decoded.attention))
            notes.prepend(tr("<span style='color:#b3261e'>Every weight is 1/%1: the attention's ReLU scores have "
                             "died, so this model learns without attention. Reset with another seed (F1 says "
                             "why).</span>")
                              .arg(config.Tx));
        heatmapNote_->setText(tr("Row t: where output character t looks in the input (· is padding); each row "
                                 "sums to 1.") +
                              (notes.isEmpty() ? QString() : " <b>" + notes.join("; ") + "</b>"));
    } else {
        heatmap_->clear();
        heatmap_->setTitle(heatmapTitle_ = QString());
        heatmapNote_->setText(tr("This model has no attention: the decoder sees only the encoder's last states, the "
                                 "same at every output step, so there is no map to draw.") +
                              (notes.isEmpty() ? QString() : " <b>" + notes.join("; ") + "</b>"));
    }
    renderOutput();

    if (baseline_ && followLatest_) {
        const Decoded b = translateGreedy(*baseline_, {encodeSource(sourceVocab_, baseline_->config().Tx, text)}).at(0);
        baselineOutput_->setText(tr("without attention: <tt>%1</tt>").arg(html(q(decodeTarget(targetVocab_, b.ids)))));
    } else {
        baselineOutput_->clear();
    }
    if (tabs_->currentWidget() == beam_) refreshBeam();
}

void TranslatorLab::renderOutput()
{
    QString out = "<span style='font-family: \"DejaVu Sans Mono\", monospace; font-size: 15pt; color: #1f2430'>→ ";
    for (int i = 0; i < outputSymbols_.size(); ++i) {
        const QString s = html(outputSymbols_[i]);
        const bool end = outputSymbols_[i] == kEndLabel;
        const QString style = QString(i == highlightRow_ ? "background:#f6c89f;" : "") + (end ? "color:#8a8f98; font-size: 10pt;" : "");
        out += style.isEmpty() ? s : QString("<span style='%1'>%2</span>").arg(style, s);
    }
    out += "</span>";
    if (!expectedSource_.isEmpty() && input_->text() == expectedSource_)
        out += translation_ == expectedTarget_
                   ? tr(" <span style='color:#1e6e32; font-size: 13pt'>✓</span>")
                   : tr(" <span style='color:#b3261e'>✗ expected <tt>%1</tt></span>").arg(html(expectedTarget_));
    output_->setText(out);
}

void TranslatorLab::highlightOutput(int row)
{
    highlightRow_ = row;
    heatmap_->setHighlightedRow(row);
    renderOutput();
}

void TranslatorLab::refreshBeam()
{
    const TranslatorPtr model = selectedModel();
    if (!model) {
        beam_->showMessage(tr("No model to search with."));
        return;
    }
    const QByteArray utf8 = input_->text().toUtf8();
    const auto source = encodeSource(sourceVocab_, model->config().Tx, std::string(utf8.constData(), std::size_t(utf8.size())));
    beam_->showResult(beamSearch(*model, source, beam_->beamWidth()), targetVocab_, translation_,
                      model->config().feedPrevious);
    beamDirty_ = false;
}

// --- files -----------------------------------------------------------------------------------------------------------

bool TranslatorLab::startFileJob(const QString& what)
{
    if (fileJob_->isRunning()) {
        setMessage(tr("A file is still being read or written: wait for it, then %1 again.").arg(what));
        return false;
    }
    lastFileOk_ = false;
    return true;
}

bool TranslatorLab::waitForFile()
{
    fileJob_->waitForFinished();
    return lastFileOk_;
}

void TranslatorLab::openData()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open pairs"), {},
                                                      tr("Pairs (*.tsv *.csv *.txt);;All files (*)"));
    if (!path.isEmpty()) loadDataFile(path);
}

void TranslatorLab::loadDataFile(const QString& path)
{
    if (!startFileJob(tr("open the file"))) return;
    auto result = std::make_shared<TranslationData>();
    setMessage(tr("Reading %1…").arg(html(path)));
    fileJob_->start([file = path.toStdString(), result](TrainingObserver&) { *result = loadPairFile(file); },
                    [this, result, path](BackgroundJob::Outcome outcome, const QString& error) {
                        if (outcome != BackgroundJob::Outcome::Done) {
                            setMessage(errorHtml(tr("<b>Cannot use these pairs:</b> %1 The data is unchanged.")
                                                     .arg(html(error))));
                            return;
                        }
                        lastFileOk_ = true;
                        fileData_ = std::make_shared<const TranslationData>(std::move(*result));
                        fileLabel_->setText(QFileInfo(path).fileName());
                        fileLabel_->setToolTip(path);
                        fileLabel_->show();
                        fileRadio_->setEnabled(true);
                        source_ = Source::File;
                        {
                            const QSignalBlocker block(fileRadio_);
                            fileRadio_->setChecked(true);
                        }
                        training()->stopAndWait();
                        newRun();
                        QString text = tr("Loaded %1 pairs from <b>%2</b> (T<sub>x</sub> %3, T<sub>y</sub> %4). "
                                          "Play trains on them.")
                                           .arg(thousands(qint64(fileData_->pairs.size())),
                                                html(QFileInfo(path).fileName()))
                                           .arg(fileData_->Tx)
                                           .arg(fileData_->Ty);
                        for (const auto& w : fileData_->warnings)
                            text += "<br><span style='color:#8a5a00'>" + html(q(w)) + "</span>";
                        if (!message_->text().contains("cannot train")) setMessage(text);
                    });
}

void TranslatorLab::useGeneratedDates()
{
    source_ = Source::Generated;
    {
        const QSignalBlocker block(generatedRadio_);
        generatedRadio_->setChecked(true);
    }
    training()->stopAndWait();
    newRun();
}

void TranslatorLab::saveModel()
{
    if (!model_) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the model"), "translator.safetensors",
                                                      tr("safetensors (*.safetensors)"));
    if (!path.isEmpty()) saveModelFile(path);
}

void TranslatorLab::saveModelFile(const QString& path)
{
    if (!model_) {
        setMessage(tr("Nothing to save yet."));
        return;
    }
    if (!startFileJob(tr("save"))) return;
    // The weights are an immutable copy: the job may write them while training goes on.
    fileJob_->start(
        [model = model_, source = sourceVocab_, target = targetVocab_, file = path.toStdString()](TrainingObserver&) {
            saveTranslator(file, *model, source, target);
        },
        [this, path](BackgroundJob::Outcome outcome, const QString& error) {
            if (outcome != BackgroundJob::Outcome::Done) {
                setMessage(errorHtml(tr("<b>Cannot save the model:</b> %1").arg(html(error))));
                return;
            }
            lastFileOk_ = true;
            markSaved();
            emit statusMessage(tr("Saved %1").arg(path));
        });
}

void TranslatorLab::openModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a translator"), {},
                                                      tr("safetensors (*.safetensors);;All files (*)"));
    if (!path.isEmpty()) openModelFile(path);
}

void TranslatorLab::openModelFile(const QString& path)
{
    if (!startFileJob(tr("open the model"))) return;
    auto result = std::make_shared<LoadedTranslator>();
    fileJob_->start([file = path.toStdString(), result](TrainingObserver&) { *result = loadTranslator(file); },
                    [this, result, path](BackgroundJob::Outcome outcome, const QString& error) {
                        if (outcome != BackgroundJob::Outcome::Done) {
                            setMessage(errorHtml(tr("<b>Cannot open the model:</b> %1").arg(html(error))));
                            return;
                        }
                        lastFileOk_ = true;
                        training()->stopAndWait();
                        replay_->stop();
                        model_ = TranslatorPtr(std::move(result->model));
                        baseline_.reset();
                        sourceVocab_ = result->source;
                        targetVocab_ = result->target;
                        openedModel_ = true;
                        history_.clear();
                        history_.add(0, model_);
                        followLatest_ = true;
                        refreshHistorySlider();
                        refreshInference();
                        const TranslatorConfig& c = model_->config();
                        setMessage(tr("Opened <b>%1</b> (%2 attention, n_a %3, n_s %4, T<sub>x</sub> %5, "
                                      "T<sub>y</sub> %6): the views translate with it. Reset trains a new model from "
                                      "the settings on the left.")
                                       .arg(html(QFileInfo(path).fileName()), c.attention ? tr("with") : tr("no"))
                                       .arg(c.n_a)
                                       .arg(c.n_s)
                                       .arg(c.Tx)
                                       .arg(c.Ty));
                        emit transportChanged();
                    });
}

QList<QAction*> TranslatorLab::exportActions()
{
    if (!exports_.isEmpty()) return exports_; // built once: the main window asks every time the lab is shown
    exports_ << makeExportAction(this, tr("Attention map as PNG…"), "PNG", "attention",
                                 [this](const QString& f, QString* e) { return heatmap_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Attention map as PDF…"), "PDF", "attention",
                                 [this](const QString& f, QString* e) { return heatmap_->exportPdf(f, {}, e); });
    exports_ << makeExportAction(this, tr("Attention weights as CSV…"), "CSV", "attention",
                                 [this](const QString& f, QString* e) { return heatmap_->exportCsv(f, e); });
    exports_ << makeExportAction(this, tr("Held-out translations as CSV…"), "CSV", "held-out",
                                 [this](const QString& f, QString* e) {
                                     return saveTextAtomically(f, tableModel_->toCsv(), e);
                                 });
    exports_ << makeExportAction(this, tr("Held-out scores as PNG…"), "PNG", "held-out scores",
                                 [this](const QString& f, QString* e) { return metrics_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Held-out scores as CSV…"), "CSV", "held-out scores",
                                 [this](const QString& f, QString* e) { return metrics_->exportCsv(f, e); });
    exports_ << makeExportAction(this, tr("Loss curve as PNG…"), "PNG", "loss",
                                 [this](const QString& f, QString* e) { return curve()->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Loss curve as CSV…"), "CSV", "loss",
                                 [this](const QString& f, QString* e) { return curve()->exportCsv(f, e); });
    exports_ << makeExportAction(this, tr("Beam search as text…"), "TXT", "beam", [this](const QString& f, QString* e) {
        if (beamDirty_) refreshBeam();
        return saveTextAtomically(f, beam_->toText(), e);
    });
    return exports_;
}

void TranslatorLab::setPresentationMode(bool on)
{
    TrainingLab::setPresentationMode(on);
    heatmap_->setPresentationMode(on);
    metrics_->setPresentationMode(on);
    beam_->setPresentationMode(on);
}

bool TranslatorLab::showView(const QString& name)
{
    if (name == "heatmap" || name == "attention") tabs_->setCurrentIndex(0);
    else if (name == "beam") tabs_->setCurrentWidget(beam_);
    else if (name == "table") tabs_->setCurrentIndex(2);
    else if (name == "data") tabs_->setCurrentIndex(3);
    else return false;
    return true;
}

QString TranslatorLab::guideHtml() const
{
    return tr(
        "<h2>Date translation with attention</h2>"
        "<p>The model reads a date as people write it (<tt>tuesday 09 oct 1993</tt>, <tt>3/5/79</tt>, "
        "<tt>4th of july 2001</tt>) one character at a time and writes it in ISO form (<tt>1993-10-09</tt>): the "
        "<i>Neural machine translation with attention</i> assignment of the Sequence Models course (week 3), after "
        "Bahdanau et al. 2015. A bidirectional LSTM encoder turns the T<sub>x</sub> = 30 input characters into "
        "30 vectors a⟨t′⟩. Then, for each of the T<sub>y</sub> = 10 output characters, the attention block scores "
        "every a⟨t′⟩ against the decoder's state s⟨t−1⟩, turns the scores into weights α⟨t, t′⟩ with a softmax (they "
        "sum to 1), and hands the decoder their weighted sum, the context. The decoder LSTM writes one character per "
        "step.</p>"
        "<p><b>The attention map</b> draws α: one row per output character, one column per input character. What "
        "to watch as it trains (drag <i>Training so far</i>, or press Replay):</p><ul>"
        "<li>At first every row is flat: the model looks everywhere at once. Within a few epochs each row "
        "concentrates on a few characters, and a <b>diagonal</b> appears: the year's digits look at the year, the "
        "day's at the day.</li>"
        "<li>The <b>month</b>: <tt>oct</tt> becomes the two digits <tt>10</tt>, so both month digits look at the "
        "same letters of the month's name.</li>"
        "<li>The <b>weekday</b> (<tt>tuesday</tt>) is ignored: no output needs it, so its columns stay pale. So is "
        "the padding (·) after the input.</li>"
        "<li>The order changes: the year comes first in the output but last in the input, so the map is not one "
        "straight diagonal but pieces of it.</li></ul>"
        "<p><b>The baseline</b> (tick <i>Also train the baseline without attention</i>) is the encoder–decoder of "
        "Sutskever et al. 2014 and Cho et al. 2014: the decoder sees only the encoder's last states, one fixed "
        "vector for the whole input, at every step. It has to squeeze the date into that vector and cannot look "
        "back at the characters it needs, so it learns more slowly and makes more mistakes, above all on long "
        "inputs; its scores are the dashed lines.</p>"
        "<p><b>Scores</b> on the held-out pairs after each epoch: <i>exact match</i> (the whole date right), "
        "<i>per-character accuracy</i>, and corpus <i>BLEU</i> on characters (Papineni et al. 2002), the usual "
        "machine-translation score. The <b>loss</b> is the cross-entropy summed over the 10 outputs (the course "
        "prints about 16.6 after its first epoch).</p>"
        "<p><b>Beam search</b> keeps the <i>k</i> most likely prefixes after each output step instead of only the "
        "best character. With the course's decoder, which does not read its previous output, every step is "
        "independent and the best beam is the greedy answer; tick <i>Feed the previous output</i> to see it "
        "differ.</p>"
        "<p><b>Held-out examples</b>: sort by any column, show only the wrong ones, and click a row to see its "
        "attention. <b>Your own data</b>: File → Open data reads a TSV or CSV file of source/target pairs "
        "(numbers in words to digits, spelling, …). Save the model with Ctrl+S; "
        "<code>unroll-cli translate --model FILE</code> reads it.</p>"
        "<p><b>A flat map</b>: the attention's scores are ReLU outputs (the course's <tt>Dense(1, relu)</tt>). If "
        "training pushes every score of a row to 0 or below, the softmax gives every input character 1/30 and no "
        "gradient flows back through the ReLU, so the scores never recover: the attention is dead, and the model "
        "learns without it, like the baseline. Unroll starts the scores' bias at 1 rather than Keras' 0, which keeps "
        "them alive in every run we tried; if the page ever says the map is flat, reset with another seed.</p>"
        "<p>Defaults are the course's: 10,000 generated dates (1,000 more held out), n_a = 32, n_s = 64, attention "
        "hidden layer 10, Adam at 0.005, batch 100, 20 epochs, decay 0.01 once per epoch: 52,960 parameters.</p>");
}

} // namespace unroll
