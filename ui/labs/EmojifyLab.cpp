// The Emojify lab; see EmojifyLab.hpp.
#include "labs/EmojifyLab.hpp"

#include "BackgroundJob.hpp"
#include "labs/emojify/EmojiText.hpp"
#include "labs/emojify/EpochPlot.hpp"
#include "labs/emojify/Views.hpp"
#include "util/Error.hpp"
#include "vectors/VectorFile.hpp"
#include "widgets/HeatmapView.hpp"
#include "widgets/FormFields.hpp"
#include "widgets/MessageHtml.hpp"
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
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

using emojify::EmojiClass;
using emojify::EmojifyData;
using emojify::EmojifyEpoch;
using emojify::EmojifyOptions;
using emojify::EmojifyTask;
using emojify::SentenceSet;
using emojify::Variant;
using emojify::WordVectors;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string utf8(const QString& s)
{
    const QByteArray b = s.toUtf8();
    return std::string(b.constData(), std::size_t(b.size()));
}
QString thousands(qint64 n) { return QLocale(QLocale::English).toString(n); }
QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

const QString kDefaultInput = QStringLiteral("not feeling happy");

QTableWidget* table(const QStringList& headers)
{
    auto* t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return t;
}

QString tableCsv(const QTableWidget* t)
{
    QStringList header;
    for (int c = 0; c < t->columnCount(); ++c) header << csvField(t->horizontalHeaderItem(c)->text());
    QString out = header.join(',') + "\n";
    for (int r = 0; r < t->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < t->columnCount(); ++c) row << csvField(t->item(r, c) ? t->item(r, c)->text() : QString());
        out += row.join(',') + "\n";
    }
    return out;
}

// On the training thread, between steps: copies, never references. A model whose epoch count did not change since
// the last snapshot keeps its copy and its test labels (V2 stops after 50 epochs while V1 goes on to 400).
struct SnapshotCache {
    std::size_t epochs1 = std::size_t(-1), epochs2 = std::size_t(-1);
    std::shared_ptr<const emojify::AverageEmojifier> v1;
    std::shared_ptr<const emojify::LstmEmojifier<float>> v2;
    std::vector<std::int32_t> test1, test2, order1, order2;
};

EmojifySnapshot snapshotOf(const EmojifyTask& task, SnapshotCache& cache)
{
    EmojifySnapshot s;
    s.step = task.stepsDone();
    auto copies = std::make_shared<EmojifyModelCopies>();
    copies->classes = task.classes();
    copies->vectors = task.vectors();
    const SentenceSet& test = task.data().test;
    if (task.has(Variant::V1) && task.v1()) {
        s.history1 = task.history(Variant::V1);
        if (s.history1.size() != cache.epochs1 || !cache.v1) {
            cache.v1 = std::make_shared<const emojify::AverageEmojifier>(*task.v1());
            cache.test1 = cache.v1->predictLabels(test.sentences);
            cache.order1 = cache.v1->predictLabels(task.data().negations.sentences);
            cache.epochs1 = s.history1.size();
        }
        copies->v1 = cache.v1;
        s.test1 = cache.test1;
        s.order1 = cache.order1;
    }
    if (task.has(Variant::V2) && task.v2()) {
        s.history2 = task.history(Variant::V2);
        if (s.history2.size() != cache.epochs2 || !cache.v2) {
            cache.v2 = std::make_shared<const emojify::LstmEmojifier<float>>(*task.v2());
            cache.test2 = cache.v2->predictLabels(test.sentences);
            cache.order2 = cache.v2->predictLabels(task.data().negations.sentences);
            cache.epochs2 = s.history2.size();
        }
        copies->v2 = cache.v2;
        s.test2 = cache.test2;
        s.order2 = cache.order2;
    }
    s.models = std::move(copies);
    return s;
}

// The models of a file as the views hold them.
EmojifyModelsPtr copiesOf(emojify::EmojifyModels&& m)
{
    auto c = std::make_shared<EmojifyModelCopies>();
    c->classes = std::move(m.classes);
    c->vectors = std::move(m.vectors);
    if (m.v1) c->v1 = std::make_shared<const emojify::AverageEmojifier>(std::move(*m.v1));
    if (m.v2) c->v2 = std::make_shared<const emojify::LstmEmojifier<float>>(std::move(*m.v2));
    return c;
}

// The views' copies as the core's EmojifyModels (copied again: any thread may do it, the copies being immutable).
emojify::EmojifyModels modelsOf(const EmojifyModelCopies& c)
{
    emojify::EmojifyModels m;
    m.classes = c.classes;
    m.vectors = c.vectors;
    if (c.v1) m.v1 = *c.v1;
    if (c.v2) m.v2 = *c.v2;
    return m;
}

void saveCopies(const EmojifyModelCopies& c, const std::string& file) { emojify::saveEmojifyModels(file, modelsOf(c)); }

// A file that comes alone: its last 30% is the test set, as `unroll-cli train emojify --data FILE` holds it out.
EmojifyData splitFile(SentenceSet all)
{
    const std::size_t n = all.sentences.size(), held = n * 3 / 10;
    if (held == 0 || held == n)
        throw InputError(all.source + " has " + std::to_string(n) +
                         " sentences, too few to hold out 30% for testing (name it …train… beside a …test… file)");
    EmojifyData d;
    d.train.classes = d.test.classes = d.validation.classes = d.negations.classes = all.classes;
    d.train.source = all.source;
    d.test.source = all.source + " (last 30%)";
    d.test.sentences.assign(all.sentences.end() - std::ptrdiff_t(held), all.sentences.end());
    d.train.sentences.assign(all.sentences.begin(), all.sentences.end() - std::ptrdiff_t(held));
    return d;
}

} // namespace

EmojifyLab::EmojifyLab(QWidget* parent) : TrainingLab(parent)
{
    qRegisterMetaType<EmojifySnapshot>();
    emojiFont_ = emojiFontAvailable();
    fileJob_ = new BackgroundJob(this);
    connect(fileJob_, &BackgroundJob::progress, this, &EmojifyLab::showFileProgress);
    // Snapshots come up to 30 times a second; the typed sentence's views follow at ~8 a second.
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(125);
    connect(refreshTimer_, &QTimer::timeout, this, &EmojifyLab::refreshSentence);
    setupScaffold(setupControls(), setupViews(), 290);

    // The built-in sentences and vectors are small (a few MB): read here, so the page opens ready to train.
    try {
        builtInData_ = std::make_shared<const EmojifyData>(emojify::builtInData());
        data_ = builtInData_;
        dataNote_ = tr("built-in sentences");
    } catch (const std::exception& e) {
        setMessage(errorHtml(tr("<b>The built-in sentences could not be read:</b> %1 Open a CSV with Ctrl+O.")
                                 .arg(html(QString::fromUtf8(e.what())))));
        data_ = std::make_shared<const EmojifyData>();
    }
    try {
        builtInVectors_ = std::make_shared<const WordVectors>(vectors::builtInVectors());
        vectors_ = builtInVectors_;
        vectorsNote_ = tr("built-in vectors");
    } catch (const std::exception& e) {
        setMessage(errorHtml(tr("<b>The built-in vectors could not be read:</b> %1 Open a vectors file.")
                                 .arg(html(QString::fromUtf8(e.what())))));
        vectors_ = std::make_shared<const WordVectors>();
    }
    newRun();
}

EmojifyLab::~EmojifyLab() { fileJob_->cancel(); }

const std::vector<EmojiClass>& EmojifyLab::classes() const
{
    static const std::vector<EmojiClass> none;
    if (models_) return models_->classes;
    return data_ ? data_->train.classes : none;
}

// --- controls --------------------------------------------------------------------------------------------------------

QWidget* EmojifyLab::setupControls()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 4, 0);

    auto* data = new QGroupBox(tr("Sentences"));
    auto* dv = new QVBoxLayout(data);
    dataLabel_ = new QLabel;
    dataLabel_->setWordWrap(true);
    dv->addWidget(dataLabel_);
    auto* drow = new QHBoxLayout;
    auto* openData = new QPushButton(tr("Open CSV / TSV…"));
    openData->setToolTip(tr("sentence,label per line (a header and trailing empty columns are fine); a file named "
                            "…train… takes its …test… sibling as the test set, else its last 30% is held out, as "
                            "the command line does (Ctrl+O)"));
    auto* builtInData = new QPushButton(tr("Built-in"));
    builtInData->setToolTip(tr("About 250 short sentences written for Unroll in the course's five classes"));
    drow->addWidget(openData);
    drow->addWidget(builtInData);
    dv->addLayout(drow);
    v->addWidget(data);

    auto* vec = new QGroupBox(tr("Word vectors"));
    auto* vv = new QVBoxLayout(vec);
    vectorsLabel_ = new QLabel;
    vectorsLabel_->setWordWrap(true);
    vv->addWidget(vectorsLabel_);
    auto* vrow = new QHBoxLayout;
    auto* openVectors = new QPushButton(tr("Open…"));
    openVectors->setToolTip(tr("GloVe text (e.g. glove.6B.50d.txt), word2vec text or binary; the format is detected"));
    auto* builtInVectors = new QPushButton(tr("Built-in"));
    builtInVectors->setToolTip(tr("The 10,000 × 50 vectors shipped with Unroll"));
    vrow->addWidget(openVectors);
    vrow->addWidget(builtInVectors);
    vv->addLayout(vrow);
    auto* lf = new QFormLayout;
    vectorLimit_ = spin(0, 100'000'000, 0, 10'000);
    vectorLimit_->setSpecialValueText(tr("all words"));
    vectorLimit_->setToolTip(tr("Load only the first N words of the next file (GloVe files list the most frequent "
                                "first)"));
    lf->addRow(tr("Load at most"), vectorLimit_);
    vv->addLayout(lf);
    auto* prow = new QHBoxLayout;
    fileBar_ = new QProgressBar;
    fileBar_->setTextVisible(true);
    cancelFile_ = new QPushButton(tr("Cancel"));
    cancelFile_->setToolTip(tr("Stop reading the file"));
    prow->addWidget(fileBar_, 1);
    prow->addWidget(cancelFile_);
    vv->addLayout(prow);
    fileBar_->hide();
    cancelFile_->hide();
    v->addWidget(vec);

    auto* model = new QGroupBox(tr("Models"));
    auto* mv = new QVBoxLayout(model);
    variant_ = new QComboBox;
    for (const Variant which : {Variant::Both, Variant::V1, Variant::V2})
        variant_->addItem(tr(emojify::variantNames[std::size_t(which)].data()), int(which));
    variant_->setToolTip(tr("Train both models side by side on the same sentences, or one of them"));
    mv->addWidget(variant_);
    auto* g1 = new QGridLayout;
    auto* v1Title = new QLabel(tr("<b>V1</b> average → softmax, SGD"));
    g1->addWidget(v1Title, 0, 0, 1, 4);
    v1Epochs_ = spin(1, 100'000, 400, 50);
    v1Epochs_->setToolTip(tr("Passes over the training sentences, example by example (the course's 400)"));
    v1Rate_ = doubleSpin(0.0001, 10, 0.01, 4, 0.005);
    v1Rate_->setToolTip(tr("SGD's learning rate (the course's 0.01)"));
    addPair(g1, 1, 0, tr("Epochs"), v1Epochs_);
    addPair(g1, 1, 1, tr("Rate"), v1Rate_);
    auto* v2Title = new QLabel(tr("<b>V2</b> LSTM → LSTM → softmax, Adam"));
    g1->addWidget(v2Title, 2, 0, 1, 4);
    v2Epochs_ = spin(1, 10'000, 50, 5);
    v2Epochs_->setToolTip(tr("Passes over the training sentences in shuffled batches (the course's 50)"));
    batch_ = spin(1, 10'000, 32);
    batch_->setToolTip(tr("Sentences per Adam step (the course's 32)"));
    hidden_a_ = spin(1, 1024, 128, 16);
    hidden_a_->setToolTip(tr("Units of both LSTMs, n_a (the course's 128)"));
    dropout_ = doubleSpin(0, 0.95, 0.5, 2, 0.05);
    dropout_->setToolTip(tr("Rate of both dropout layers (the course's 0.5)"));
    v2Rate_ = doubleSpin(0.00001, 1, 0.001, 5, 0.0005);
    v2Rate_->setToolTip(tr("Adam's learning rate (the course's 0.001)"));
    addPair(g1, 3, 0, tr("Epochs"), v2Epochs_);
    addPair(g1, 3, 1, tr("Batch"), batch_);
    addPair(g1, 4, 0, tr("n_a"), hidden_a_);
    addPair(g1, 4, 1, tr("Drop"), dropout_);
    addPair(g1, 5, 0, tr("Rate"), v2Rate_);
    mv->addLayout(g1);
    trainable_ = new QCheckBox(tr("Train the embedding too"));
    trainable_->setToolTip(tr("Off (the course): the word vectors stay frozen and only the LSTMs and the softmax learn"));
    mv->addWidget(trainable_);
    auto* sf = new QFormLayout;
    seed_ = spin(0, 1'000'000, 1);
    seed_->setToolTip(tr("V1's initial W (numpy's RandomState, the course's seed 1), V2's weights, shuffles and "
                         "dropout masks"));
    sf->addRow(tr("Seed"), seed_);
    mv->addLayout(sf);
    v->addWidget(model);

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

    const std::pair<QWidget*, const char*> names[] = {
        {variant_, "variant"}, {v1Epochs_, "v1Epochs"}, {v1Rate_, "v1Rate"}, {v2Epochs_, "v2Epochs"},
        {batch_, "batch"}, {hidden_a_, "n_a"}, {dropout_, "dropout"}, {v2Rate_, "v2Rate"},
        {trainable_, "trainableEmbedding"}, {seed_, "seed"}, {vectorLimit_, "vectorLimit"}};
    for (const auto& [w, name] : names) w->setObjectName(name);

    for (QSpinBox* s : {v1Epochs_, v2Epochs_, batch_, hidden_a_, seed_})
        connect(s, &QSpinBox::valueChanged, this, &EmojifyLab::settingsChanged);
    for (QDoubleSpinBox* s : {v1Rate_, v2Rate_, dropout_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &EmojifyLab::settingsChanged);
    connect(trainable_, &QCheckBox::toggled, this, &EmojifyLab::settingsChanged);
    connect(variant_, &QComboBox::currentIndexChanged, this, &EmojifyLab::settingsChanged);
    connect(openData, &QPushButton::clicked, this, &EmojifyLab::openData);
    connect(builtInData, &QPushButton::clicked, this, &EmojifyLab::useBuiltInData);
    connect(openVectors, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open word vectors"), {},
                                                          tr("Word vectors (*.txt *.vec *.bin *.w2v);;All files (*)"));
        if (!path.isEmpty()) loadVectorsFile(path, vectorLimit_->value());
    });
    connect(builtInVectors, &QPushButton::clicked, this, &EmojifyLab::useBuiltInVectors);
    connect(cancelFile_, &QPushButton::clicked, this, &EmojifyLab::cancelFile);
    return box;
}

QWidget* EmojifyLab::setupViews()
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

    // The step-by-step loss curve of TrainingLab is the epoch loss here (one step is one epoch of each model), so
    // the lab draws both models' epochs on its own plot and keeps the curve off the page (its exports remain).
    curve()->hide();

    auto* split = new QSplitter(Qt::Vertical);
    auto* top = new QSplitter(Qt::Horizontal);
    epochs_ = new EmojifyEpochPlot;
    top->addWidget(epochs_);

    auto* typed = new QWidget;
    auto* tv = new QVBoxLayout(typed);
    tv->setContentsMargins(6, 0, 0, 0);
    tv->setSpacing(4);
    auto* prompt = new QLabel(tr("<b>Type a sentence</b>"));
    tv->addWidget(prompt);
    input_ = new QLineEdit(kDefaultInput);
    input_->setPlaceholderText(tr("e.g. i love you, lets play ball, food is ready"));
    input_->setClearButtonEnabled(true);
    QFont inputFont = input_->font();
    inputFont.setPointSizeF(12);
    input_->setFont(inputFont);
    tv->addWidget(input_);
    verdict_ = new QLabel;
    verdict_->setTextFormat(Qt::RichText);
    verdict_->setWordWrap(true);
    tv->addWidget(verdict_);
    bars_ = new ProbabilityBars;
    tv->addWidget(bars_, 1);
    top->addWidget(typed);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 1);
    top->setSizes({560, 480});
    split->addWidget(top);

    tabs_ = new QTabWidget;
    tabs_->addTab(setupWhyTab(), tr("Why"));
    tabs_->addTab(setupConfusionTab(), tr("Confusion (test set)"));
    tabs_->addTab(setupMisclassifiedTab(), tr("V1 vs V2"));
    dataView_ = new QTextBrowser;
    dataView_->setOpenLinks(false);
    tabs_->addTab(dataView_, tr("Data"));
    split->addWidget(tabs_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({330, 520});
    v->addWidget(split, 1);

    connect(input_, &QLineEdit::textChanged, this, &EmojifyLab::refreshSentence);
    return box;
}

QWidget* EmojifyLab::setupWhyTab()
{
    auto* w = new QSplitter(Qt::Horizontal);
    w->setContentsMargins(4, 4, 4, 4);

    auto* left = new QWidget;
    auto* lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    auto* v1Title = new QLabel(tr("<b>V1</b>: each word's push on each class, W·e<sub>word</sub> / n "
                                  "(with b they sum to the logits)"));
    v1Title->setWordWrap(true);
    lv->addWidget(v1Title);
    chips_ = new WordChips;
    lv->addWidget(chips_);
    contributions_ = table({tr("word")});
    contributions_->setSelectionMode(QAbstractItemView::NoSelection);
    contributions_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch); // the classes share the width
    contributions_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    contributions_->setAlternatingRowColors(false);
    lv->addWidget(contributions_, 1);
    whyNote_ = new QLabel;
    whyNote_->setWordWrap(true);
    whyNote_->setStyleSheet("color: #4c566a;");
    lv->addWidget(whyNote_);
    lv->addStretch(0);
    installWidgetExportMenu(contributions_, tr("V1 contributions"), [this] { return tableCsv(contributions_); });

    auto* right = new QSplitter(Qt::Vertical);
    prefixes_ = new PrefixPlot;
    right->addWidget(prefixes_);
    auto* hiddenBox = new QWidget;
    auto* hv = new QVBoxLayout(hiddenBox);
    hv->setContentsMargins(0, 0, 0, 0);
    hv->setSpacing(2);
    auto* hrow = new QHBoxLayout;
    auto* hiddenTitle = new QLabel(tr("<b>V2</b>'s hidden states a⟨t⟩ over the words:"));
    hiddenTitle->setWordWrap(true); // two lines in a narrow window rather than cut
    hrow->addWidget(hiddenTitle, 1);
    hiddenLayer_ = new QComboBox;
    hiddenLayer_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    hiddenLayer_->addItems({tr("second LSTM"), tr("first LSTM")});
    hiddenLayer_->setToolTip(tr("The second LSTM's state after the last word feeds the softmax"));
    hrow->addWidget(hiddenLayer_);
    hv->addLayout(hrow);
    hidden_ = new HeatmapView;
    hidden_->setColorMap(ColorMap::Diverging);
    hidden_->setFixedRange(-1.0, 1.0);
    hidden_->setColorBarLabel(tr("a (tanh range)"));
    hidden_->setAxisLabels(tr("after the word"), tr("hidden unit"));
    hidden_->setColumnLabelsOnTop(false);
    hidden_->setMaxCellAspect(8.0);
    hidden_->setMinimumHeight(120);
    hv->addWidget(hidden_, 1);
    right->addWidget(hiddenBox);
    right->setSizes({260, 240});

    left->setMinimumWidth(300); // the table's five classes stay readable on a small window
    w->addWidget(left);
    w->addWidget(right);
    w->setChildrenCollapsible(false);
    w->setStretchFactor(0, 1);
    w->setStretchFactor(1, 1);
    w->setSizes({430, 520});
    connect(hiddenLayer_, &QComboBox::currentIndexChanged, this, &EmojifyLab::refreshSentence);
    return w;
}

QWidget* EmojifyLab::setupConfusionTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);
    confusionNote_ = new QLabel;
    confusionNote_->setWordWrap(true);
    confusionNote_->setStyleSheet("color: #4c566a;");
    v->addWidget(confusionNote_);
    auto* row = new QHBoxLayout;
    for (int m = 0; m < 2; ++m) {
        auto* map = new HeatmapView;
        map->setColorMap(ColorMap::Blues);
        map->setColorBarLabel(tr("sentences"));
        map->setAxisLabels(tr("actual"), tr("predicted"));
        map->setMinimumHeight(170);
        confusion_[m] = map;
        row->addWidget(map, 1);
        connect(map, &HeatmapView::cellClicked, this, [this, m](int r, int c) { showConfusionCell(m, r, c); });
    }
    v->addLayout(row, 3);
    cellNote_ = new QLabel(tr("Click a cell to list its sentences."));
    cellNote_->setStyleSheet("color: #4c566a;");
    v->addWidget(cellNote_);
    cellTable_ = table({tr("sentence"), tr("actual"), tr("V1"), tr("V2")});
    v->addWidget(cellTable_, 2);
    installWidgetExportMenu(cellTable_, tr("confusion cell"), [this] { return tableCsv(cellTable_); });
    connect(cellTable_, &QTableWidget::cellDoubleClicked, this, [this](int r, int) {
        input_->setText(cellTable_->item(r, 0)->text());
        tabs_->setCurrentIndex(0);
    });
    return w;
}

QWidget* EmojifyLab::setupMisclassifiedTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);
    auto* row = new QHBoxLayout;
    wrongSet_ = new QComboBox;
    wrongSet_->setObjectName("misclassifiedSet");
    wrongSet_->addItems({tr("Test sentences"), tr("Order-dependent sentences")});
    wrongSet_->setToolTip(tr("The order-dependent sentences (\"not feeling happy\") need word order to be read right: "
                             "V1 cannot see it, V2 can"));
    row->addWidget(wrongSet_);
    row->addWidget(new QLabel(tr("where")));
    wrongFilter_ = new QComboBox;
    wrongFilter_->setObjectName("misclassifiedFilter");
    wrongFilter_->addItems({tr("V1 is wrong and V2 right"), tr("V2 is wrong and V1 right"), tr("both are wrong"),
                            tr("either is wrong")});
    row->addWidget(wrongFilter_);
    wrongNote_ = new QLabel;
    wrongNote_->setStyleSheet("color: #4c566a;");
    row->addWidget(wrongNote_, 1);
    v->addLayout(row);
    wrongTable_ = table({tr("sentence"), tr("actual"), tr("V1"), tr("V2")});
    v->addWidget(wrongTable_, 1);
    auto* hint = new QLabel(tr("Click a sentence to see why in the Why tab."));
    hint->setStyleSheet("color: #4c566a;");
    v->addWidget(hint);
    installWidgetExportMenu(wrongTable_, tr("misclassified"), [this] { return tableCsv(wrongTable_); });
    connect(wrongFilter_, &QComboBox::currentIndexChanged, this, &EmojifyLab::refreshMisclassified);
    connect(wrongSet_, &QComboBox::currentIndexChanged, this, &EmojifyLab::refreshMisclassified);
    connect(wrongTable_, &QTableWidget::cellClicked, this, [this](int r, int) {
        input_->setText(wrongTable_->item(r, 0)->text());
        tabs_->setCurrentIndex(0);
    });
    return w;
}

EmojifyOptions EmojifyLab::optionsFromControls() const
{
    EmojifyOptions o;
    o.variant = Variant(variant_->currentData().toInt());
    o.seed = std::uint32_t(seed_->value());
    o.v1.epochs = v1Epochs_->value();
    o.v1.learningRate = v1Rate_->value();
    o.v2.epochs = v2Epochs_->value();
    o.v2.batch = batch_->value();
    o.v2.hidden = hidden_a_->value();
    o.v2.dropout = dropout_->value();
    o.v2.learningRate = v2Rate_->value();
    o.v2.trainableEmbedding = trainable_->isChecked();
    return o;
}

void EmojifyLab::settingsChanged()
{
    if (!training()->isActive() && stepsDone() == 0 && !openedModel_) {
        newRun(); // nothing trained yet: nothing to lose
        return;
    }
    settingsPending_ = true;
    pendingNote_->show();
}

// --- the run ---------------------------------------------------------------------------------------------------------

// No run is going (TrainingLab's promise), so the task may be read here.
void EmojifyLab::newRun()
{
    task_.reset();
    QString refused;
    try {
        task_ = std::make_shared<EmojifyTask>(*data_, vectors_, optionsFromControls());
    } catch (const std::exception& e) {
        refused = QString::fromUtf8(e.what());
    }
    resetCurve(tr("loss (V2's while it trains, then V1's)"));
    settingsPending_ = false;
    pendingNote_->hide();
    openedModel_ = false;
    latestStep_ = 0;
    history1_.clear();
    history2_.clear();
    test1_.clear();
    test2_.clear();
    order1_.clear();
    order2_.clear();
    models_.reset();
    if (task_) {
        SnapshotCache cache;
        const EmojifySnapshot s = snapshotOf(*task_, cache); // the untrained models: the views work at once
        models_ = s.models;
        test1_ = s.test1;
        test2_ = s.test2;
        order1_ = s.order1;
        order2_ = s.order2;
    }
    epochs_->clear();
    bars_->setClasses(classes(), emojiFont_);
    refreshAll();
    if (!refused.isEmpty())
        setMessage(errorHtml(tr("<b>These settings cannot train:</b> %1").arg(html(refused))));
    else if (message_->text().contains("cannot train"))
        setMessage({});
    emit transportChanged();
}

TrainingRun EmojifyLab::nextRun()
{
    if (!task_) return {};
    const qint64 done = task_->stepsDone();
    auto cache = std::make_shared<SnapshotCache>();
    return {task_, done, std::max<qint64>(0, task_->totalSteps() - done),
            [task = task_, cache] { return QVariant::fromValue(snapshotOf(*task, *cache)); }};
}

void EmojifyLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<EmojifySnapshot>();
    if (!s.models) return;
    // The matrices and lists are redrawn only when a label changed (each snapshot's models are new copies).
    const bool testChanged = openedModel_ || s.test1 != test1_ || s.test2 != test2_ || s.order1 != order1_ ||
                             s.order2 != order2_;
    openedModel_ = false;
    models_ = s.models;
    latestStep_ = s.step;
    if (s.history1.size() != history1_.size() || s.history2.size() != history2_.size()) {
        history1_ = s.history1;
        history2_ = s.history2;
        epochs_->setHistories(history1_, history2_);
    }
    test1_ = s.test1;
    test2_ = s.test2;
    order1_ = s.order1;
    order2_ = s.order2;
    if (testChanged) refreshConfusion();
    if (!refreshTimer_->isActive()) refreshTimer_->start();

    QString status = tr("Step %1").arg(s.step);
    if (!s.history1.empty())
        status += tr(" · V1 epoch %1, test %2").arg(s.history1.back().epoch).arg(percent(s.history1.back().testAccuracy));
    if (!s.history2.empty())
        status += tr(" · V2 epoch %1, test %2").arg(s.history2.back().epoch).arg(percent(s.history2.back().testAccuracy));
    emit statusMessage(status);
}

void EmojifyLab::showFailure(const QString& message)
{
    setMessage(errorHtml(tr("<b>Training stopped:</b> %1").arg(html(message))));
}

void EmojifyLab::performSteps(int n)
{
    TrainingLab::performSteps(n);
    if (refreshTimer_->isActive()) refreshSentence(); // the views show the last step when this returns
}

// --- views -----------------------------------------------------------------------------------------------------------

void EmojifyLab::refreshAll()
{
    refreshSummary();
    refreshDataTab();
    refreshConfusion();
    refreshSentence();
}

void EmojifyLab::refreshSentence()
{
    refreshTimer_->stop();
    const std::string text = utf8(input_->text());
    const auto& cls = classes();
    if (!models_ || (!models_->v1 && !models_->v2)) {
        bars_->clearProbabilities();
        verdict_->clear();
        chips_->clear();
        contributions_->setRowCount(0);
        prefixes_->clear();
        hidden_->clear();
        return;
    }
    Eigen::VectorXd p1, p2;
    QStringList verdicts;
    auto verdict = [&](const char* name, const Eigen::VectorXd& p) {
        Eigen::Index k = 0;
        p.maxCoeff(&k);
        const EmojiClass c = std::size_t(k) < cls.size() ? cls[std::size_t(k)] : EmojiClass{};
        verdicts << QString("%1: %2 <span style='color:#4c566a'>(%3)</span>")
                        .arg(name, classHtml(c, int(k), emojiFont_), percent(p(k)));
    };

    if (models_->v1) {
        const emojify::AverageExplanation e = models_->v1->explain(text);
        p1 = e.probabilities;
        verdict("V1", p1);
        chips_->setExplanation(e, cls);
        // The table: one row per word (unknown ones grey), then b and the logits; one column per class.
        const int n = int(e.contributions.rows());
        contributions_->clear();
        contributions_->setColumnCount(n + 1);
        QStringList headers{tr("word")};
        for (int k = 0; k < n; ++k) {
            const ClassText t = classText(std::size_t(k) < cls.size() ? cls[std::size_t(k)] : EmojiClass{}, k, false);
            headers << t.text;
        }
        contributions_->setHorizontalHeaderLabels(headers);
        if (emojiFont_)
            for (int k = 0; k < n && std::size_t(k) < cls.size(); ++k)
                if (!cls[std::size_t(k)].emoji.empty())
                    contributions_->horizontalHeaderItem(k + 1)->setToolTip(q(cls[std::size_t(k)].emoji));
        const int words = int(e.tokens.size());
        contributions_->setRowCount(words + 2);
        const double scale = std::max(1e-12, e.contributions.size() ? e.contributions.cwiseAbs().maxCoeff() : 0.0);
        for (int i = 0; i < words; ++i) {
            const bool known = e.known[std::size_t(i)];
            auto* word = new QTableWidgetItem(q(e.tokens[std::size_t(i)]));
            if (!known) {
                QFont f = word->font();
                f.setStrikeOut(true);
                word->setFont(f);
                word->setForeground(QColor(150, 150, 150));
                word->setToolTip(tr("not in the word vectors: skipped by V1 and V2"));
            }
            contributions_->setItem(i, 0, word);
            for (int k = 0; k < n; ++k) {
                const double value = e.contributions(k, i);
                auto* item = new QTableWidgetItem(known ? QString::asprintf("%+.2f", value) : QString("—"));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                if (known && value > 0) {
                    const QColor c = classColor(k);
                    const double t = 0.55 * value / scale;
                    item->setBackground(QColor::fromRgbF(float(1 - t * (1 - c.redF())), float(1 - t * (1 - c.greenF())),
                                                         float(1 - t * (1 - c.blueF()))));
                }
                if (!known) item->setForeground(QColor(170, 170, 170));
                contributions_->setItem(i, k + 1, item);
            }
        }
        auto addRow = [&](int r, const QString& label, const Eigen::VectorXd& values) {
            auto* l = new QTableWidgetItem(label);
            QFont f = l->font();
            f.setItalic(true);
            l->setFont(f);
            contributions_->setItem(r, 0, l);
            for (int k = 0; k < n; ++k) {
                auto* item = new QTableWidgetItem(QString::asprintf("%+.2f", values(k)));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                item->setFont(f);
                contributions_->setItem(r, k + 1, item);
            }
        };
        addRow(words, tr("bias b"), e.bias);
        const Eigen::VectorXd logits = e.bias + e.contributions.rowwise().sum();
        addRow(words + 1, tr("logit z"), logits);
        // As tall as its rows (the note follows right under it), scrolling only for a long sentence.
        int height = contributions_->horizontalHeader()->height() + 2 * contributions_->frameWidth() + 2;
        for (int r = 0; r < contributions_->rowCount(); ++r) height += contributions_->rowHeight(r);
        contributions_->setMaximumHeight(height);
        int unknown = 0;
        for (bool k : e.known) unknown += !k;
        whyNote_->setText(unknown == 0 ? tr("V1 ignores word order: \"not happy\" is \"happy\" plus \"not\".")
                                       : tr("%1 of %2 words are not in the vectors (struck out): both models skip "
                                            "them.")
                                             .arg(unknown)
                                             .arg(words));
    } else {
        chips_->clear();
        contributions_->setRowCount(0);
        whyNote_->setText(tr("No V1 in this run."));
    }

    if (models_->v2) {
        const emojify::LstmExplanation e = models_->v2->explain(text);
        p2 = e.probabilities;
        verdict("V2", p2);
        prefixes_->setExplanation(e, cls);
        const Eigen::MatrixXd& H = hiddenLayer_->currentIndex() == 1 ? e.hidden1 : e.hidden2; // (n_a, T)
        if (H.cols() > 0 && H.rows() > 0) {
            std::vector<double> values(std::size_t(H.size()));
            for (Eigen::Index t = 0; t < H.cols(); ++t)
                for (Eigen::Index j = 0; j < H.rows(); ++j) values[std::size_t(t * H.rows() + j)] = H(j, t);
            QStringList rows;
            for (std::size_t i = 0; i < e.tokens.size(); ++i)
                if (e.steps[i] >= 0) rows << q(e.tokens[i]);
            while (rows.size() < H.cols()) rows << QString::number(rows.size() + 1);
            hidden_->setRowLabels(rows.mid(0, int(H.cols())));
            hidden_->setColumnLabels({});
            hidden_->setData(std::span<const double>(values), int(H.cols()), int(H.rows()));
            hidden_->setTitle(tr("%1 LSTM, %2 units").arg(hiddenLayer_->currentIndex() == 1 ? tr("First") : tr("Second"))
                                  .arg(H.rows()));
        } else {
            hidden_->clear();
            hidden_->setTitle(tr("No known word: no step to show"));
        }
    } else {
        prefixes_->clear();
        hidden_->clear();
        hidden_->setTitle(tr("No V2 in this run"));
    }
    bars_->setProbabilities(p1, p2);
    verdict_->setText(verdicts.join(" &nbsp;·&nbsp; ") +
                      (openedModel_ ? tr(" <span style='color:#4c566a'>(the opened model)</span>")
                                    : latestStep_ == 0 ? tr(" <span style='color:#4c566a'>(untrained)</span>")
                                                       : QString()));
}

void EmojifyLab::refreshConfusion()
{
    const SentenceSet& test = data_->test;
    const auto actual = test.labels();
    const int n = int(classes().size());
    QStringList names;
    for (int k = 0; k < n; ++k) names << className(classes()[std::size_t(k)], k);
    for (int m = 0; m < 2; ++m) {
        HeatmapView* map = confusion_[m];
        for (QCPAbstractItem* item : map->property("countItems").value<QList<QCPAbstractItem*>>())
            map->plot()->removeItem(item);
        map->setProperty("countItems", {});
        const auto& predicted = m ? test2_ : test1_;
        if (predicted.size() != actual.size() || actual.empty() || n == 0) {
            map->clear();
            map->setTitle(tr("%1: %2").arg(m ? "V2" : "V1", actual.empty() ? tr("no test sentences")
                                                                           : tr("not in this run")));
            continue;
        }
        const Eigen::MatrixXi cm = emojify::confusionMatrix(actual, predicted, n);
        std::vector<double> values(std::size_t(n * n));
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) values[std::size_t(r * n + c)] = cm(r, c);
        map->setRowLabels(names);
        map->setColumnLabels(names);
        map->setData(std::span<const double>(values), n, n);
        const int right = int(cm.trace());
        map->setTitle(tr("%1: %2 of %3 right (%4)")
                          .arg(m ? "V2" : "V1")
                          .arg(right)
                          .arg(actual.size())
                          .arg(percent(double(right) / double(actual.size()))));
        // The counts in the cells: a confusion matrix is read by its numbers.
        QList<QCPAbstractItem*> items;
        const double hi = std::max(1, cm.maxCoeff());
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                auto* t = new QCPItemText(map->plot());
                t->position->setAxes(map->columnAxis(), map->rowAxis());
                t->position->setType(QCPItemPosition::ptPlotCoords);
                t->position->setCoords(c, r);
                t->setText(QString::number(cm(r, c)));
                t->setColor(cm(r, c) > 0.55 * hi ? Qt::white : QColor(40, 40, 40));
                t->setClipToAxisRect(true);
                items << t;
            }
        map->setProperty("countItems", QVariant::fromValue(items));
        map->plot()->replot();
    }
    confusionNote_->setText(tr("Rows: the actual class; columns: what the model said; the diagonal is right. "
                               "%1 test sentences (%2). Click a cell to list its sentences.")
                                .arg(actual.size())
                                .arg(html(test.source.empty() ? tr("built in")
                                                              : QFileInfo(q(test.source)).fileName())));
    if (cellModel_ >= 0) showConfusionCell(cellModel_, cellActual_, cellPredicted_);
    refreshMisclassified();
}

void EmojifyLab::showConfusionCell(int model, int actual, int predicted)
{
    cellModel_ = model;
    cellActual_ = actual;
    cellPredicted_ = predicted;
    const auto& sentences = data_->test.sentences;
    const auto& preds = model ? test2_ : test1_;
    const auto& cls = classes();
    auto name = [&cls](int k) { return k >= 0 && std::size_t(k) < cls.size() ? className(cls[std::size_t(k)], k) : QString(); };
    cellTable_->setRowCount(0);
    if (preds.size() != sentences.size()) return;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        if (sentences[i].label != actual || preds[i] != predicted) continue;
        const int r = cellTable_->rowCount();
        cellTable_->insertRow(r);
        cellTable_->setItem(r, 0, new QTableWidgetItem(q(sentences[i].text)));
        cellTable_->setItem(r, 1, new QTableWidgetItem(name(sentences[i].label)));
        cellTable_->setItem(r, 2, new QTableWidgetItem(i < test1_.size() ? name(test1_[i]) : QString()));
        cellTable_->setItem(r, 3, new QTableWidgetItem(i < test2_.size() ? name(test2_[i]) : QString()));
    }
    confusion_[model]->setSelectedCell({actual, predicted});
    cellNote_->setText(tr("%1: %2 sentence(s) of class <b>%3</b> labelled <b>%4</b>%5. Double-click one to see why.")
                           .arg(model ? "V2" : "V1")
                           .arg(cellTable_->rowCount())
                           .arg(html(name(actual)), html(name(predicted)),
                                actual == predicted ? tr(" (right)") : tr(" (wrong)")));
}

void EmojifyLab::refreshMisclassified()
{
    const bool order = wrongSet_->currentIndex() == 1;
    const auto& sentences = order ? data_->negations.sentences : data_->test.sentences;
    const auto& labels1 = order ? order1_ : test1_; // each model's labels of the listed set
    const auto& labels2 = order ? order2_ : test2_;
    const auto& cls = classes();
    auto name = [&cls](int k) { return k >= 0 && std::size_t(k) < cls.size() ? className(cls[std::size_t(k)], k) : QString(); };
    wrongTable_->setRowCount(0);
    const bool both = labels1.size() == sentences.size() && labels2.size() == sentences.size();
    if (!both || sentences.empty()) {
        wrongNote_->setText(sentences.empty() ? tr("(no such sentences in this data)")
                                              : tr("(needs both models: train V1 and V2)"));
        return;
    }
    const int filter = wrongFilter_->currentIndex();
    int counts[4] = {};
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        const bool w1 = labels1[i] != sentences[i].label, w2 = labels2[i] != sentences[i].label;
        const bool match[4] = {w1 && !w2, w2 && !w1, w1 && w2, w1 || w2};
        for (int f = 0; f < 4; ++f) counts[f] += match[f];
        if (!match[filter]) continue;
        const int r = wrongTable_->rowCount();
        wrongTable_->insertRow(r);
        wrongTable_->setItem(r, 0, new QTableWidgetItem(q(sentences[i].text)));
        wrongTable_->setItem(r, 1, new QTableWidgetItem(name(sentences[i].label)));
        auto* a = new QTableWidgetItem(name(labels1[i]));
        auto* b = new QTableWidgetItem(name(labels2[i]));
        a->setForeground(w1 ? QColor(179, 38, 30) : QColor(30, 110, 50));
        b->setForeground(w2 ? QColor(179, 38, 30) : QColor(30, 110, 50));
        wrongTable_->setItem(r, 2, a);
        wrongTable_->setItem(r, 3, b);
    }
    const double n = double(sentences.size());
    wrongNote_->setText(tr("%1 of %2 listed · right: V1 %3, V2 %4 · V1 alone wrong %5, V2 alone wrong %6, both %7")
                            .arg(wrongTable_->rowCount())
                            .arg(sentences.size())
                            .arg(percent((n - counts[0] - counts[2]) / n), percent((n - counts[1] - counts[2]) / n))
                            .arg(counts[0])
                            .arg(counts[1])
                            .arg(counts[2]));
}

void EmojifyLab::refreshSummary()
{
    const EmojifyData& d = *data_;
    QString text = QString("<b>%1</b> · <b>%2</b><table cellspacing=0 cellpadding=1>").arg(html(dataNote_), html(vectorsNote_));
    auto row = [&text](const QString& what, const QString& value) {
        text += QString("<tr><td>%1&nbsp;&nbsp;</td><td align=right>%2</td></tr>").arg(what, value);
    };
    row(tr("train · validation · test"),
        QString("%1 · %2 · %3").arg(d.train.size()).arg(d.validation.size()).arg(d.test.size()));
    row(tr("classes"), QString::number(d.train.classCount()));
    row(tr("vectors"), QString("%1 × %2").arg(thousands(vectors_->size())).arg(vectors_->dimension()));
    if (task_) {
        row(tr("words not in the vectors"), QString::number(task_->missingWords().size()));
        row(tr("V2's padded length"), QString::number(task_->maxLength()));
        if (task_->v2()) row(tr("V2's trained parameters"), thousands(task_->v2()->parameterCount()));
        row(tr("steps (epochs of the longer)"), thousands(task_->totalSteps()));
    }
    text += "</table>";
    summary_->setText(text);
    dataLabel_->setText(html(dataNote_));
    vectorsLabel_->setText(html(vectorsNote_));
}

void EmojifyLab::refreshDataTab()
{
    const EmojifyData& d = *data_;
    QString text = QString("<h3>%1</h3>").arg(html(dataNote_));
    text += tr("<p>%1 training, %2 validation and %3 test sentences; word vectors: %4 (%5 words × %6).</p>")
                .arg(d.train.size())
                .arg(d.validation.size())
                .arg(d.test.size())
                .arg(html(vectorsNote_))
                .arg(thousands(vectors_->size()))
                .arg(vectors_->dimension());
    text += tr("<h4>Classes</h4><p>");
    for (int k = 0; k < d.train.classCount(); ++k)
        text += QString("%1: %2 &nbsp; ").arg(k).arg(classHtml(d.train.classes[std::size_t(k)], k, emojiFont_));
    text += "</p>";
    if (task_ && !task_->missingWords().empty()) {
        QStringList missing;
        for (const auto& w : task_->missingWords()) missing << "<s>" + html(q(w)) + "</s>";
        text += tr("<h4>Words the vectors do not know (%1; both models skip them)</h4><p style='color:#8a8f98'>%2</p>")
                    .arg(missing.size())
                    .arg(missing.join(" "));
    }
    auto list = [&](const SentenceSet& set, const QString& title, std::size_t most) {
        if (set.sentences.empty()) return;
        text += QString("<h4>%1</h4><table cellspacing=0 cellpadding=2>").arg(title);
        for (std::size_t i = 0; i < std::min(most, set.sentences.size()); ++i) {
            const auto& s = set.sentences[i];
            text += QString("<tr><td>%1</td><td>&nbsp;%2</td></tr>")
                        .arg(html(q(s.text)))
                        .arg(std::size_t(s.label) < set.classes.size()
                                 ? classHtml(set.classes[std::size_t(s.label)], s.label, emojiFont_)
                                 : QString::number(s.label));
        }
        text += "</table>";
    };
    list(d.train, tr("The first training sentences"), 25);
    list(d.negations, tr("Sentences whose meaning depends on word order"), 30);
    dataView_->setHtml(text);
}

void EmojifyLab::setMessage(const QString& text)
{
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

QString EmojifyLab::message() const
{
    QTextDocument doc;
    doc.setHtml(message_->text());
    return doc.toPlainText();
}

// --- data and vectors ------------------------------------------------------------------------------------------------

void EmojifyLab::setData(std::shared_ptr<const EmojifyData> data, const QString& note)
{
    training()->stopAndWait();
    data_ = std::move(data);
    dataNote_ = note;
    cellModel_ = -1;
    cellTable_->setRowCount(0);
    newRun();
}

void EmojifyLab::setVectors(std::shared_ptr<const WordVectors> vectors, const QString& note)
{
    training()->stopAndWait();
    vectors_ = std::move(vectors);
    vectorsNote_ = note;
    newRun();
}

void EmojifyLab::useBuiltInData()
{
    if (!builtInData_) {
        setMessage(errorHtml(tr("The built-in sentences could not be read.")));
        return;
    }
    setData(builtInData_, tr("built-in sentences"));
}

void EmojifyLab::useBuiltInVectors()
{
    if (!builtInVectors_) {
        setMessage(errorHtml(tr("The built-in vectors could not be read.")));
        return;
    }
    setVectors(builtInVectors_, tr("built-in vectors"));
}

bool EmojifyLab::startFileJob(const QString& what)
{
    if (fileJob_->isRunning()) {
        setMessage(tr("A file is still being read or written: wait for it (or Cancel), then %1 again.").arg(what));
        return false;
    }
    lastFileOk_ = false;
    fileBar_->setRange(0, 0);
    fileBar_->show();
    cancelFile_->show();
    return true;
}

bool EmojifyLab::waitForFile()
{
    fileJob_->waitForFinished();
    return lastFileOk_;
}

void EmojifyLab::cancelFile() { fileJob_->cancel(); }

void EmojifyLab::showFileProgress(qint64 done, qint64 total)
{
    if (total <= 0) {
        fileBar_->setRange(0, 0);
        return;
    }
    fileBar_->setRange(0, 1000);
    fileBar_->setValue(int(1000 * done / total));
    fileBar_->setFormat(QString("%1 / %2 MB").arg(done / 1e6, 0, 'f', 1).arg(total / 1e6, 0, 'f', 1));
}

void EmojifyLab::openData()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open labelled sentences"), {},
                                                      tr("Sentences (*.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty()) loadDataFile(path);
}

void EmojifyLab::loadDataFile(const QString& path)
{
    if (!startFileJob(tr("open the file"))) return;
    auto result = std::make_shared<EmojifyData>();
    auto testFile = std::make_shared<QString>();
    setMessage(tr("Reading %1…").arg(html(path)));
    // A file named …train… with a …test… sibling (the course's layout): that is the test set; else the last 30% of
    // the file is held out.
    const QFileInfo info(path);
    QString sibling;
    if (info.fileName().contains("train", Qt::CaseInsensitive)) {
        const QString name = QString(info.fileName()).replace("train", "test", Qt::CaseInsensitive);
        if (QFileInfo::exists(info.dir().filePath(name))) sibling = info.dir().filePath(name);
    }
    fileJob_->start(
        [file = path.toStdString(), sibling = sibling.toStdString(), result, testFile](TrainingObserver&) {
            SentenceSet all = emojify::loadSentences(file);
            if (all.sentences.empty()) throw InputError(file + ": no sentences");
            if (!sibling.empty()) {
                SentenceSet test = emojify::loadSentences(sibling);
                if (test.classCount() > all.classCount())
                    throw InputError(sibling + ": labels up to " + std::to_string(test.classCount() - 1) +
                                     ", but " + file + " has " + std::to_string(all.classCount()) + " classes");
                test.classes = all.classes;
                result->train = std::move(all);
                result->test = std::move(test);
                result->validation.classes = result->negations.classes = result->train.classes;
                *testFile = QString::fromStdString(sibling);
            } else {
                *result = splitFile(std::move(all));
            }
        },
        [this, result, testFile, path](BackgroundJob::Outcome outcome, const QString& error) {
            fileBar_->hide();
            cancelFile_->hide();
            if (outcome != BackgroundJob::Outcome::Done) {
                setMessage(outcome == BackgroundJob::Outcome::Cancelled
                               ? tr("Reading cancelled; the sentences are unchanged.")
                               : errorHtml(tr("<b>Cannot use these sentences:</b> %1 The data is unchanged.")
                                               .arg(html(error))));
                return;
            }
            lastFileOk_ = true;
            setData(std::make_shared<const EmojifyData>(std::move(*result)), QFileInfo(path).fileName());
            setMessage(testFile->isEmpty()
                           ? tr("Loaded %1 sentences in %2 classes from <b>%3</b>; the last %4 are held out as the "
                                "test set. Play trains on them.")
                                 .arg(data_->train.size() + data_->test.size())
                                 .arg(data_->train.classCount())
                                 .arg(html(QFileInfo(path).fileName()))
                                 .arg(data_->test.size())
                           : tr("Loaded %1 training sentences in %2 classes from <b>%3</b> and %4 test sentences from "
                                "<b>%5</b>. Play trains on them.")
                                 .arg(data_->train.size())
                                 .arg(data_->train.classCount())
                                 .arg(html(QFileInfo(path).fileName()))
                                 .arg(data_->test.size())
                                 .arg(html(QFileInfo(*testFile).fileName())));
        });
}

void EmojifyLab::loadVectorsFile(const QString& path, qint64 limit)
{
    if (!startFileJob(tr("open the vectors"))) return;
    auto result = std::make_shared<std::shared_ptr<const WordVectors>>();
    auto report = std::make_shared<vectors::LoadReport>();
    setMessage(tr("Loading %1…").arg(html(path)));
    fileJob_->start(
        [file = path.toStdString(), limit, result, report](TrainingObserver& observer) {
            vectors::LoadOptions o;
            o.limit = limit;
            o.observer = &observer;
            *result = std::make_shared<const WordVectors>(vectors::loadVectors(file, o, report.get()));
        },
        [this, result, report, path](BackgroundJob::Outcome outcome, const QString& error) {
            fileBar_->hide();
            cancelFile_->hide();
            if (outcome != BackgroundJob::Outcome::Done) {
                setMessage(outcome == BackgroundJob::Outcome::Cancelled
                               ? tr("Loading cancelled; the vectors are unchanged.")
                               : errorHtml(tr("<b>Cannot load the vectors:</b> %1").arg(html(error))));
                return;
            }
            lastFileOk_ = true;
            const QString name = QFileInfo(path).fileName();
            setVectors(*result, name);
            QString text = tr("Loaded %1 vectors of %2 values from <b>%3</b>.")
                               .arg(thousands((*result)->size()))
                               .arg((*result)->dimension())
                               .arg(html(name));
            for (const auto& w : report->warnings) text += "<br><span style='color:#8a5a00'>" + html(q(w)) + "</span>";
            if (!message_->text().contains("cannot train")) setMessage(text);
        });
}

// --- models ----------------------------------------------------------------------------------------------------------

// Closing after training offers to keep the models (not to resume training: the file holds no optimizer state).
std::optional<TrainingLab::Checkpoint> EmojifyLab::checkpoint() const
{
    if (!models_ || openedModel_) return std::nullopt;
    return Checkpoint{tr("Emojify (V1 and V2)"), tr(" as a model file that unroll-cli emojify --model reads"),
                      "emojify.safetensors"};
}

void EmojifyLab::saveCheckpoint(const QString& path)
{
    saveCopies(*models_, path.toStdString());
}

void EmojifyLab::saveModel()
{
    if (!models_) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the models"), "emojify.safetensors",
                                                      tr("safetensors (*.safetensors)"));
    if (!path.isEmpty()) saveModelFile(path);
}

void EmojifyLab::saveModelFile(const QString& path)
{
    if (!models_ || (!models_->v1 && !models_->v2)) {
        setMessage(tr("Nothing to save yet."));
        return;
    }
    if (!startFileJob(tr("save"))) return;
    // The models are immutable copies: the job may write them while training goes on.
    fileJob_->start(
        [models = models_, file = path.toStdString()](TrainingObserver&) { saveCopies(*models, file); },
        [this, path](BackgroundJob::Outcome outcome, const QString& error) {
            fileBar_->hide();
            cancelFile_->hide();
            if (outcome != BackgroundJob::Outcome::Done) {
                setMessage(errorHtml(tr("<b>Cannot save the models:</b> %1").arg(html(error))));
                return;
            }
            lastFileOk_ = true;
            markSaved();
            emit statusMessage(tr("Saved %1").arg(path));
        });
}

void EmojifyLab::openModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Emojify models"), {},
                                                      tr("safetensors (*.safetensors);;All files (*)"));
    if (!path.isEmpty()) openModelFile(path);
}

void EmojifyLab::openModelFile(const QString& path)
{
    if (!startFileJob(tr("open the models"))) return;
    auto result = std::make_shared<EmojifyModelsPtr>();
    fileJob_->start([file = path.toStdString(), result](
                        TrainingObserver&) { *result = copiesOf(emojify::loadEmojifyModels(file)); },
                    [this, result, path](BackgroundJob::Outcome outcome, const QString& error) {
                        fileBar_->hide();
                        cancelFile_->hide();
                        if (outcome != BackgroundJob::Outcome::Done) {
                            setMessage(errorHtml(tr("<b>Cannot open the models:</b> %1").arg(html(error))));
                            return;
                        }
                        lastFileOk_ = true;
                        training()->stopAndWait();
                        models_ = *result;
                        openedModel_ = true;
                        // The test set's labels by the opened models, when they speak of the same classes.
                        test1_.clear();
                        test2_.clear();
                        order1_.clear();
                        order2_.clear();
                        const auto& test = data_->test.sentences;
                        const auto& order = data_->negations.sentences;
                        QString note;
                        if (models_->classes.size() == data_->train.classes.size()) {
                            if (models_->v1) test1_ = models_->v1->predictLabels(test);
                            if (models_->v2) test2_ = models_->v2->predictLabels(test);
                            if (models_->v1) order1_ = models_->v1->predictLabels(order);
                            if (models_->v2) order2_ = models_->v2->predictLabels(order);
                        } else {
                            note = tr(" Its %1 classes are not the %2 of the sentences: no confusion matrix.")
                                       .arg(models_->classes.size())
                                       .arg(data_->train.classes.size());
                        }
                        bars_->setClasses(models_->classes, emojiFont_);
                        refreshConfusion();
                        refreshSentence();
                        setMessage(tr("Opened <b>%1</b> (%2, vectors %3 × %4): the views use it. Reset trains new "
                                      "models from the settings on the left.%5")
                                       .arg(html(QFileInfo(path).fileName()),
                                            models_->v1 && models_->v2 ? tr("V1 and V2")
                                            : models_->v1             ? tr("V1")
                                                                      : tr("V2"))
                                       .arg(thousands(models_->vectors ? models_->vectors->size() : 0))
                                       .arg(models_->vectors ? models_->vectors->dimension() : 0)
                                       .arg(note));
                        emit transportChanged();
                    });
}

// The core writes it (the same columns as unroll-cli emojify --csv): sentence, label, each model's label, emoji and
// probabilities.
QString EmojifyLab::predictionsCsv() const
{
    if (!models_ || (!models_->v1 && !models_->v2)) return {};
    return QString::fromStdString(emojify::predictionsCsv(modelsOf(*models_), data_->test.sentences));
}

bool EmojifyLab::exportPredictions(const QString& path, QString* error) const
{
    return saveTextAtomically(path, predictionsCsv(), error);
}

QList<QAction*> EmojifyLab::exportActions()
{
    if (!exports_.isEmpty()) return exports_; // built once: the main window asks every time the lab is shown
    exports_ << makeExportAction(this, tr("Test-set predictions as CSV…"), "CSV", "emojify predictions",
                                 [this](const QString& f, QString* e) { return exportPredictions(f, e); });
    exports_ << makeExportAction(this, tr("Loss and accuracy as PNG…"), "PNG", "emojify training",
                                 [this](const QString& f, QString* e) { return epochs_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("Loss and accuracy as CSV…"), "CSV", "emojify training",
                                 [this](const QString& f, QString* e) { return epochs_->exportCsv(f, e); });
    exports_ << makeExportAction(this, tr("Class probabilities as PNG…"), "PNG", "class probabilities",
                                 [this](const QString& f, QString* e) { return saveWidgetPng(bars_, f, 2.0, e); });
    exports_ << makeExportAction(this, tr("V1's word contributions as CSV…"), "CSV", "V1 contributions",
                                 [this](const QString& f, QString* e) {
                                     return saveTextAtomically(f, tableCsv(contributions_), e);
                                 });
    exports_ << makeExportAction(this, tr("V2's prefixes as PNG…"), "PNG", "V2 prefixes",
                                 [this](const QString& f, QString* e) { return prefixes_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("V2's hidden states as PNG…"), "PNG", "V2 hidden states",
                                 [this](const QString& f, QString* e) { return hidden_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("V1's confusion matrix as PNG…"), "PNG", "V1 confusion",
                                 [this](const QString& f, QString* e) { return confusion_[0]->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, tr("V2's confusion matrix as PNG…"), "PNG", "V2 confusion",
                                 [this](const QString& f, QString* e) { return confusion_[1]->exportPng(f, {}, 2.0, e); });
    return exports_;
}

void EmojifyLab::setPresentationMode(bool on)
{
    TrainingLab::setPresentationMode(on);
    epochs_->setPresentationMode(on);
    hidden_->setPresentationMode(on);
    for (HeatmapView* map : confusion_) map->setPresentationMode(on);
}

bool EmojifyLab::showView(const QString& name)
{
    if (name == "sentence" || name == "probabilities" || name == "why") tabs_->setCurrentIndex(0);
    else if (name == "confusion") tabs_->setCurrentIndex(1);
    else if (name == "misclassified") tabs_->setCurrentIndex(2);
    else if (name == "data") tabs_->setCurrentIndex(3);
    else return false;
    if (name == "confusion" && cellModel_ < 0 && !test2_.empty()) {
        // Something to see in the list: V2's largest off-diagonal cell.
        const auto actual = data_->test.labels();
        const int n = int(classes().size());
        if (test2_.size() == actual.size() && n > 0) {
            const Eigen::MatrixXi cm = emojify::confusionMatrix(actual, test2_, n);
            int br = 0, bc = 0, best = -1;
            for (int r = 0; r < n; ++r)
                for (int c = 0; c < n; ++c)
                    if (r != c && cm(r, c) > best) best = cm(r, c), br = r, bc = c;
            if (best > 0) showConfusionCell(1, br, bc);
        }
    }
    return true;
}

QString EmojifyLab::guideHtml() const
{
    return tr(
        "<h2>Emojify</h2>"
        "<p>Each sentence gets one of five emoji: ❤️ love, ⚾ sports, 😄 happy, 😞 sad, 🍴 food (the <i>Emojify</i> "
        "assignment of the Sequence Models course, week 2). Two models learn from the same sentences, side by "
        "side:</p><ul>"
        "<li><b>V1</b> averages the word vectors of the sentence's words and puts the average through a softmax: "
        "z = W·avg + b. It learns from very few sentences, because words close to \"happy\" in the vectors "
        "(\"glad\", \"joyful\") push the same way without ever being seen. It ignores word order: \"not feeling "
        "happy\" is \"happy\" plus two other words.</li>"
        "<li><b>V2</b> reads the words in order with two stacked LSTMs (128 units, dropout 0.5 after each) and "
        "puts the last hidden state through a softmax. It can learn that \"not\" turns what follows around.</li></ul>"
        "<p><b>The plot</b> shows each model's training loss (solid) and its accuracy on the training sentences "
        "(dashed) and on the test sentences (dotted) after each epoch. The epoch axis is logarithmic (V1 runs 400 "
        "epochs, V2 50; right-click to change).</p>"
        "<p><b>Type a sentence</b>: both models' probability of every class, updated as you type, with the "
        "weights of the latest step.</p>"
        "<p><b>Why</b>: for V1, each word's contribution to each class's logit, W·e<sub>word</sub> / n (n the "
        "number of known words; with b they sum to the logits). A word is tinted by the class it pushes most; "
        "hover it for the numbers. Words the vectors do not know are struck out: both models skip them. For V2, "
        "the prediction after each prefix of the sentence (watch \"not … happy\" change its mind) and the LSTM's "
        "hidden states over the words.</p>"
        "<p><b>Confusion</b>: rows are the actual classes of the test sentences, columns what the model said; "
        "click a cell to list its sentences. <b>V1 vs V2</b> lists the sentences one model gets right and the "
        "other wrong, in the test set or in the order-dependent sentences (\"i am not sad\", \"she is not glad\"), "
        "where V1, blind to order, must fail and V2 has a chance.</p>"
        "<p><b>Your data</b>: File → Open data reads a CSV or TSV of <tt>sentence,label</tt> (any number of "
        "classes; name them in <tt># class 0 love ❤️</tt> lines or a side file <tt>FILE.classes</tt>). The "
        "vectors can be any file the word-vectors lab reads, e.g. <tt>glove.6B.50d.txt</tt>. Save the models with "
        "Ctrl+S; <code>unroll-cli emojify --model FILE \"i love you\"</code> reads them.</p>");
}

} // namespace unroll
