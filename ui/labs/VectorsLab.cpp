// The word vectors lab; see VectorsLab.hpp.
#include "labs/VectorsLab.hpp"

#include "BackgroundJob.hpp"
#include "labs/vectors/DebiasView.hpp"
#include "labs/vectors/OperationsPanel.hpp"
#include "labs/vectors/ScatterView.hpp"
#include "labs/vectors/VectorTasks.hpp"
#include "util/Error.hpp"
#include "util/Resources.hpp"
#include "vectors/EmbeddingTraining.hpp"
#include "vectors/Tsne.hpp"
#include "vectors/VectorFile.hpp"
#include "widgets/PlotExport.hpp"
#include "widgets/MessageHtml.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTextDocument>
#include <QVBoxLayout>

#include <cmath>
#include <unordered_map>

namespace unroll {

using namespace vectors;

namespace {

std::string bytes(const QString& s) { return s.trimmed().toStdString(); }
QString shown(const std::string& w) { return QString::fromStdString(displayWord(w)); }

const char* kGloveNote =
    "Built-in vectors: small (10,000 words trained by Unroll on Debian's dictionaries), they show the ideas. Your "
    "own <b>glove.6B.50d.txt</b> (Ctrl+O) gives the course's exact results.";

QDoubleSpinBox* doubleSpin(double lo, double hi, double value, int decimals, double step)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setValue(value);
    return s;
}

QSpinBox* intSpin(int lo, int hi, int value)
{
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    return s;
}

// Combo boxes as narrow as the column, whatever their longest item.
QComboBox* combo(const QStringList& items)
{
    auto* c = new QComboBox;
    c->addItems(items);
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(8);
    return c;
}

QLabel* noteLabel(const QString& text)
{
    auto* l = new QLabel(text);
    l->setWordWrap(true);
    l->setStyleSheet("color: #4c566a;");
    return l;
}

} // namespace

VectorsLab::VectorsLab(QWidget* parent) : TrainingLab(parent)
{
    qRegisterMetaType<VectorsSnapshot>();
    loadJob_ = new BackgroundJob(this);
    corpusJob_ = new BackgroundJob(this);
    setupScaffold(setupControls(), setupViews(), 300);

    // The curated lists beside the built-in vectors; the lab works without them (a message says so).
    QStringList missing;
    auto read = [&missing](const char* name) {
        try {
            return readTextFile(dataFile(std::string("vectors/") + name).string());
        } catch (const std::exception&) {
            missing << name;
            return std::string();
        }
    };
    curated_ = parseWordGroups(read("words.txt"));
    biasLists_ = parseBiasLists(read("bias-pairs.txt"));
    ops_->setBiasLists(biasLists_);
    analogies_ = parseAnalogies(read("analogies.txt"));
    ops_->setAnalogyPresets(analogies_);
    if (!missing.isEmpty())
        dataWarning_ = QString("The curated word lists %1 were not found beside the built-in vectors (resources/data/"
                               "vectors; UNROLL_DATA_DIR sets the data folder).").arg(missing.join(", "));
    if (curated_.words.empty()) wordSource_->setCurrentIndex(int(WordSource::Frequent));

    connect(loadJob_, &BackgroundJob::progress, this, &VectorsLab::showLoadProgress);
    connect(corpusJob_, &BackgroundJob::progress, this, &VectorsLab::showLoadProgress);
    loadBuiltIn();
}

VectorsLab::~VectorsLab()
{
    // The jobs join their threads in their destructors (children, deleted after this body); cancel them first.
    loadJob_->cancel();
    corpusJob_->cancel();
    stopRun();
}

// --- controls --------------------------------------------------------------------------------------------------------

QWidget* VectorsLab::setupControls()
{
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 4, 0);
    v->addWidget(setupVectorsBox());
    v->addWidget(setupWordsBox());
    v->addWidget(setupProjectionBox());
    v->addWidget(setupTrainBox());
    v->addStretch(1);
    return box;
}

QGroupBox* VectorsLab::setupVectorsBox()
{
    auto* g = new QGroupBox("Vectors");
    auto* v = new QVBoxLayout(g);
    sourceLabel_ = new QLabel;
    sourceLabel_->setWordWrap(true);
    sourceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(sourceLabel_);
    auto* row = new QHBoxLayout;
    auto* open = new QPushButton("Open…");
    open->setToolTip("GloVe text, word2vec text or binary; the format is detected (Ctrl+O)");
    auto* builtIn = new QPushButton("Built-in");
    builtIn->setToolTip("The 10,000 × 50 vectors shipped with Unroll");
    row->addWidget(open);
    row->addWidget(builtIn);
    v->addLayout(row);
    auto* form = new QFormLayout;
    limit_ = intSpin(0, 100000000, 0);
    limit_->setSpecialValueText("all words");
    limit_->setSingleStep(10000);
    limit_->setToolTip("Load only the first N words of the next file (GloVe files list the most frequent first)");
    form->addRow("Load at most", limit_);
    v->addLayout(form);
    auto* lrow = new QHBoxLayout;
    loadBar_ = new QProgressBar;
    loadBar_->setTextVisible(true);
    cancelLoad_ = new QPushButton("Cancel");
    cancelLoad_->setToolTip("Stop loading (Esc)");
    cancelLoad_->setShortcut(QKeySequence(Qt::Key_Escape));
    lrow->addWidget(loadBar_, 1);
    lrow->addWidget(cancelLoad_);
    v->addLayout(lrow);
    loadBar_->hide();
    cancelLoad_->hide();
    connect(open, &QPushButton::clicked, this, &VectorsLab::openData);
    connect(builtIn, &QPushButton::clicked, this, &VectorsLab::loadBuiltIn);
    connect(cancelLoad_, &QPushButton::clicked, this, &VectorsLab::cancelLoad);
    return g;
}

QGroupBox* VectorsLab::setupWordsBox()
{
    auto* g = new QGroupBox("Words shown");
    auto* v = new QVBoxLayout(g);
    wordSource_ = combo({"Curated list", "Most frequent words", "Typed list", "From a file"});
    v->addWidget(wordSource_);
    topN_ = intSpin(5, 20000, 300);
    topN_->setPrefix("top ");
    topN_->setSuffix(" words");
    v->addWidget(topN_);
    typed_ = new QPlainTextEdit("king queen man woman prince princess boy girl father mother son daughter uncle aunt "
                                "paris france rome italy tokyo japan berlin germany");
    typed_->setMaximumHeight(80);
    typed_->setToolTip("Words separated by spaces, commas or new lines");
    v->addWidget(typed_);
    wordFile_ = new QPushButton("Choose a word file…");
    v->addWidget(wordFile_);
    auto* show = new QPushButton("Show these words");
    show->setToolTip("Project the chosen words (Ctrl+Return)");
    show->setShortcut(QKeySequence("Ctrl+Return"));
    v->addWidget(show);
    wordsInfo_ = new QLabel;
    wordsInfo_->setWordWrap(true);
    wordsInfo_->setStyleSheet("color: #4c566a;");
    v->addWidget(wordsInfo_);
    auto visibility = [this] {
        const auto s = WordSource(wordSource_->currentIndex());
        topN_->setVisible(s == WordSource::Frequent);
        typed_->setVisible(s == WordSource::Typed);
        wordFile_->setVisible(s == WordSource::File);
    };
    visibility();
    connect(wordSource_, &QComboBox::currentIndexChanged, this, [this, visibility] {
        visibility();
        if (WordSource(wordSource_->currentIndex()) != WordSource::Typed) rebuildWordSet();
    });
    connect(topN_, &QSpinBox::editingFinished, this, &VectorsLab::rebuildWordSet);
    connect(show, &QPushButton::clicked, this, &VectorsLab::rebuildWordSet);
    connect(wordFile_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Words to show", {}, "Text (*.txt);;All files (*)");
        if (path.isEmpty()) return;
        try {
            const WordGroups g = parseWordGroups(readTextFile(path.toStdString()));
            fileWords_.clear();
            for (const auto& w : g.words) fileWords_ << shown(w);
            fileWordsName_ = QFileInfo(path).fileName();
            rebuildWordSet();
        } catch (const std::exception& e) {
            setMessage(QString("<span style='color:#b3261e'>%1</span>").arg(html(QString::fromUtf8(e.what()))));
        }
    });
    return g;
}

QGroupBox* VectorsLab::setupProjectionBox()
{
    auto* g = new QGroupBox("Projection");
    auto* v = new QVBoxLayout(g);
    projection_ = combo({"PCA", "t-SNE (animated)", "Custom axes (word pairs)"});
    v->addWidget(projection_);

    tsneBox_ = new QWidget;
    auto* tf = new QFormLayout(tsneBox_);
    tf->setContentsMargins(0, 0, 0, 0);
    perplexity_ = doubleSpin(2, 100, 30, 1, 5);
    theta_ = doubleSpin(0, 1, 0.5, 2, 0.1);
    theta_->setToolTip("Barnes-Hut accuracy: 0 is the exact O(N²) gradient, 0.5 the usual trade-off");
    tsneLr_ = doubleSpin(0, 5000, 0, 0, 50);
    tsneLr_->setSpecialValueText("auto");
    tsneLr_->setToolTip("auto: max(N / early exaggeration / 4, 50), as scikit-learn");
    exaggeration_ = doubleSpin(1, 50, 12, 1, 1);
    tsneIterations_ = intSpin(50, 10000, 1000);
    momentumSwitch_ = intSpin(0, 10000, 250);
    momentumSwitch_->setToolTip("The iteration where the momentum goes from 0.5 to 0.8 (van der Maaten & Hinton 2008)");
    tsneSeed_ = intSpin(0, 1000000, 7);
    tf->addRow("Perplexity", perplexity_);
    tf->addRow("θ (0 = exact)", theta_);
    tf->addRow("Learning rate", tsneLr_);
    tf->addRow("Early exagg.", exaggeration_);
    tf->addRow("Iterations", tsneIterations_);
    tf->addRow("Momentum switch", momentumSwitch_);
    tf->addRow("Seed", tsneSeed_);
    v->addWidget(tsneBox_);

    axesBox_ = new QWidget;
    auto* af = new QFormLayout(axesBox_);
    af->setContentsMargins(0, 0, 0, 0);
    auto pairRow = [](QLineEdit*& from, QLineEdit*& to, const QString& a, const QString& b) {
        auto* row = new QHBoxLayout;
        from = new QLineEdit(a);
        to = new QLineEdit(b);
        row->addWidget(from);
        row->addWidget(new QLabel("→"));
        row->addWidget(to);
        return row;
    };
    af->addRow("x", pairRow(xFrom_, xTo_, "man", "woman"));
    af->addRow("y", pairRow(yFrom_, yTo_, "bad", "good"));
    af->addRow(noteLabel("Each axis is a word's cosine with the direction e_to − e_from."));
    v->addWidget(axesBox_);

    auto* form = new QFormLayout;
    colorBy_ = combo({"group", "cosine with g (bias)"});
    form->addRow("Colour by", colorBy_);
    v->addLayout(form);
    auto* project = new QPushButton("Project");
    project->setToolTip("PCA and custom axes at once; t-SNE runs and animates (Ctrl+P; Space pauses)");
    project->setShortcut(QKeySequence("Ctrl+P"));
    v->addWidget(project);

    auto visibility = [this] {
        tsneBox_->setVisible(projection() == Projection::Tsne);
        axesBox_->setVisible(projection() == Projection::CustomAxes);
    };
    visibility();
    connect(projection_, &QComboBox::currentIndexChanged, this, [this, visibility] {
        visibility();
        reproject();
    });
    connect(project, &QPushButton::clicked, this, [this] {
        reproject();
        if (projection() == Projection::Tsne) play();
    });
    for (auto* e : {xFrom_, xTo_, yFrom_, yTo_})
        connect(e, &QLineEdit::returnPressed, this, &VectorsLab::reproject);
    connect(colorBy_, &QComboBox::currentIndexChanged, this, &VectorsLab::recolor);
    return g;
}

QGroupBox* VectorsLab::setupTrainBox()
{
    auto* g = new QGroupBox("Train your own");
    auto* v = new QVBoxLayout(g);
    corpusLabel_ = new QLabel("No corpus: pick a text file (any plain text, one or more sentences a line).");
    corpusLabel_->setWordWrap(true);
    v->addWidget(corpusLabel_);
    auto* pick = new QPushButton("Text file…");
    v->addWidget(pick);
    auto* form = new QFormLayout;
    method_ = combo({"GloVe", "Skip-gram (negative sampling)"});
    dim_ = intSpin(2, 1000, 50);
    epochs_ = intSpin(1, 1000, 15);
    window_ = intSpin(1, 50, 10);
    minCount_ = intSpin(1, 1000, 5);
    minCount_->setToolTip("Words seen fewer times are dropped (applies when the corpus is read)");
    trainTsne_ = new QCheckBox("t-SNE view (warm start)");
    trainTsne_->setToolTip("Project the words by t-SNE, warm-started from the previous frame, instead of PCA");
    form->addRow("Method", method_);
    form->addRow("Dimension", dim_);
    form->addRow("Epochs", epochs_);
    form->addRow("Window", window_);
    form->addRow("Min count", minCount_);
    form->addRow(trainTsne_);
    v->addLayout(form);
    auto* row = new QHBoxLayout;
    trainButton_ = new QPushButton("Train");
    trainButton_->setToolTip("Train on the corpus and watch the words move (Ctrl+T)");
    trainButton_->setShortcut(QKeySequence("Ctrl+T"));
    trainButton_->setEnabled(false);
    useTrained_ = new QPushButton("Use them");
    useTrained_->setToolTip("Stop training and make the vectors trained so far the lab's");
    useTrained_->setEnabled(false);
    row->addWidget(trainButton_);
    row->addWidget(useTrained_);
    v->addLayout(row);
    connect(method_, &QComboBox::currentIndexChanged, this, [this](int m) {
        // Each method's usual defaults (GloVe's demo; word2vec's).
        epochs_->setValue(m == 0 ? 15 : 5);
        window_->setValue(m == 0 ? 10 : 5);
    });
    connect(pick, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Train on a text", {}, "Text (*.txt);;All files (*)");
        if (!path.isEmpty()) loadCorpusFile(path);
    });
    connect(trainButton_, &QPushButton::clicked, this, [this] { startTraining(); });
    connect(useTrained_, &QPushButton::clicked, this, &VectorsLab::useTrainedVectors);
    return g;
}

QWidget* VectorsLab::setupViews()
{
    auto* split = new QSplitter(Qt::Horizontal);
    auto* left = new QWidget;
    auto* lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextFormat(Qt::RichText);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setStyleSheet("background: #eef1f6; border-radius: 4px; padding: 5px;");
    lv->addWidget(message_);
    viewTabs_ = new QTabWidget;
    auto* proj = new QWidget;
    auto* pv = new QVBoxLayout(proj);
    pv->setContentsMargins(2, 4, 2, 2);
    auto* srow = new QHBoxLayout;
    search_ = new QLineEdit;
    search_->setPlaceholderText("Find a word (Ctrl+F); Enter lists its neighbours");
    search_->setClearButtonEnabled(true);
    auto* find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        viewTabs_->setCurrentIndex(0);
        search_->setFocus();
        search_->selectAll();
    });
    addAction(find);
    srow->addWidget(search_, 1);
    auto* fit = new QPushButton("Fit");
    fit->setToolTip("Show all the words again (double-click the plot)");
    srow->addWidget(fit);
    pv->addLayout(srow);
    scatter_ = new ScatterView;
    pv->addWidget(scatter_, 1);
    viewTabs_->addTab(proj, "Projection");
    debias_ = new DebiasView;
    viewTabs_->addTab(debias_, "Debiasing");
    lv->addWidget(viewTabs_, 1);
    split->addWidget(left);

    auto* right = new QSplitter(Qt::Vertical);
    ops_ = new OperationsPanel;
    right->addWidget(ops_);
    curve()->setTitle("t-SNE KL divergence / training loss");
    curve()->setValueLabel("KL divergence / loss");
    curve()->setPlaceholderText("Play: KL or loss, live");
    curve()->setControlsVisible(false); // the smoothing row is wider than this column; its context menu remains
    right->addWidget(curve());
    probes_ = new QPlainTextEdit;
    probes_->setReadOnly(true);
    probes_->setPlaceholderText("While training: the nearest neighbours of a few words, refreshed every second.");
    probes_->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt;");
    probes_->setMaximumHeight(120);
    probes_->hide();
    right->addWidget(probes_);
    right->setSizes({430, 260, 100});
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({700, 380});

    connect(search_, &QLineEdit::textChanged, this, [this](const QString& t) { scatter_->search(t); });
    connect(search_, &QLineEdit::returnPressed, this, [this] {
        if (!search_->text().trimmed().isEmpty()) ops_->runNeighbors(search_->text().trimmed());
    });
    connect(fit, &QPushButton::clicked, scatter_, &ScatterView::fitToData);
    connect(scatter_, &ScatterView::pointClicked, this, [this](int i) {
        if (i < 0) {
            scatter_->setHighlighted({});
            return;
        }
        if (vectors_ && !trainMode_) ops_->runNeighbors(scatter_->label(i));
    });
    connect(ops_, &OperationsPanel::wordsPicked, this, &VectorsLab::highlightWords);
    connect(ops_, &OperationsPanel::biasChanged, this, [this] {
        recolor();
        refreshDebias();
    });
    connect(ops_, &OperationsPanel::neutralizeRequested, this, [this](const QString& w) {
        viewTabs_->setCurrentWidget(debias_);
        debias_->neutralize(w);
    });
    connect(ops_, &OperationsPanel::equalizeRequested, this,
            [this](const QString& a, const QString& b, EqualizeRule rule) {
                viewTabs_->setCurrentWidget(debias_);
                debias_->equalize(a, b, rule);
            });
    return split;
}

void VectorsLab::setMessage(const QString& text) { message_->setText(text); }

QString VectorsLab::message() const
{
    QTextDocument doc;
    doc.setHtml(message_->text());
    return doc.toPlainText();
}

// --- vectors in ------------------------------------------------------------------------------------------------------

void VectorsLab::loadBuiltIn()
{
    // Small (a few MB): read here, so the page opens with points drawn.
    try {
        setVectors(std::make_shared<const WordVectors>(builtInVectors()), "built-in vectors");
    } catch (const std::exception& e) {
        setMessage(QString("<span style='color:#b3261e'>The built-in vectors could not be read: %1</span> Open a "
                           "vectors file with Ctrl+O.")
                       .arg(html(QString::fromUtf8(e.what()))));
        sourceLabel_->setText("No vectors");
    }
}

void VectorsLab::openData()
{
    const QString path = QFileDialog::getOpenFileName(
        this, "Open word vectors", {}, "Word vectors (*.txt *.vec *.bin *.w2v);;All files (*)");
    if (!path.isEmpty()) loadVectorsFile(path, limit_->value());
}

void VectorsLab::loadVectorsFile(const QString& path, qint64 limit)
{
    if (loadJob_->isRunning()) {
        setMessage("A file is loading already: wait, or Cancel it first.");
        return;
    }
    auto result = std::make_shared<std::shared_ptr<const WordVectors>>();
    auto report = std::make_shared<LoadReport>();
    const std::string file = path.toStdString();
    loadBar_->show();
    cancelLoad_->show();
    loadBar_->setRange(0, 0);
    setMessage(QString("Loading %1…").arg(html(path)));
    lastLoadOk_ = false;
    const auto loaded = [this, result, report, path](BackgroundJob::Outcome o, const QString& error) {
        loadBar_->hide();
        cancelLoad_->hide();
        if (o == BackgroundJob::Outcome::Cancelled) {
            setMessage("Loading cancelled; the vectors shown are unchanged.");
            return;
        }
        if (o == BackgroundJob::Outcome::Failed) {
            setMessage(QString("<span style='color:#b3261e'><b>Cannot load:</b> %1</span>")
                           .arg(html(error)));
            return;
        }
        lastLoadOk_ = true;
        QStringList warnings;
        for (const auto& w : report->warnings) warnings << html(QString::fromStdString(w));
        setVectors(*result, QFileInfo(path).fileName());
        if (!warnings.isEmpty())
            setMessage(message_->text() + "<br><span style='color:#8a5a00'>" +
                       warnings.join("<br>") + "</span>");
    };
    loadJob_->start([file, limit, result, report](TrainingObserver& observer) {
        LoadOptions o;
        o.limit = limit;
        o.observer = &observer;
        *result = std::make_shared<const WordVectors>(loadVectors(file, o, report.get()));
    }, loaded);
}

bool VectorsLab::waitForLoad()
{
    loadJob_->waitForFinished();
    return lastLoadOk_;
}

void VectorsLab::cancelLoad()
{
    loadJob_->cancel();
    corpusJob_->cancel();
}

void VectorsLab::showLoadProgress(qint64 done, qint64 total)
{
    if (total <= 0) {
        loadBar_->setRange(0, 0);
        return;
    }
    loadBar_->setRange(0, 1000);
    loadBar_->setValue(int(1000 * done / total));
    loadBar_->setFormat(QString("%1 / %2 MB").arg(done / 1e6, 0, 'f', 1).arg(total / 1e6, 0, 'f', 1));
}

void VectorsLab::setVectors(std::shared_ptr<const WordVectors> v, const QString& note)
{
    stopRun();
    trainMode_ = false;
    vectors_ = std::move(v);
    vectorsNote_ = note;
    const bool builtIn = note == "built-in vectors";
    sourceLabel_->setText(QString("<b>%1</b><br>%2 words × %3 dimensions")
                              .arg(html(note))
                              .arg(vectors_->size())
                              .arg(vectors_->dimension()));
    ops_->setVectors(vectors_);
    // On the small built-in vectors one pair's difference leans every occupation one way (their README); the first
    // principal component of the pairs (Bolukbasi et al.) shows the geometry. Other vectors get the course's
    // woman − man.
    ops_->setBiasFromPairs(builtIn && biasLists_.pairs.size() >= 2);
    debias_->setVectors(vectors_);
    QString m = builtIn ? QString(kGloveNote)
                        : QString("Loaded <b>%1</b>: %2 words × %3 dimensions.")
                              .arg(html(note))
                              .arg(vectors_->size())
                              .arg(vectors_->dimension());
    if (!dataWarning_.isEmpty()) m += "<br><span style='color:#8a5a00'>" + html(dataWarning_) + "</span>";
    setMessage(m);
    rebuildWordSet();
    refreshDebias();
    emit transportChanged();
}

// --- the words shown -------------------------------------------------------------------------------------------------

void VectorsLab::setWordSource(WordSource s, const QStringList& typed, int topN)
{
    wordSource_->blockSignals(true);
    wordSource_->setCurrentIndex(int(s));
    wordSource_->blockSignals(false);
    topN_->setVisible(s == WordSource::Frequent);
    typed_->setVisible(s == WordSource::Typed);
    wordFile_->setVisible(s == WordSource::File);
    if (!typed.isEmpty()) typed_->setPlainText(typed.join(' '));
    topN_->setValue(topN);
    rebuildWordSet();
}

void VectorsLab::rebuildWordSet()
{
    rows_.clear();
    labels_.clear();
    groups_.clear();
    groupNames_.clear();
    if (!vectors_) return;
    QStringList missing;
    auto add = [&](const QString& word, int group) {
        const Index i = vectors_->find(bytes(word));
        if (i < 0) {
            missing << word;
            return;
        }
        if (std::find(rows_.begin(), rows_.end(), i) != rows_.end()) return;
        rows_.push_back(i);
        labels_ << shown(vectors_->word(i));
        groups_ << group;
    };
    QString what;
    switch (WordSource(wordSource_->currentIndex())) {
    case WordSource::Curated:
        for (const auto& n : curated_.groupNames) groupNames_ << shown(n);
        for (size_t k = 0; k < curated_.words.size(); ++k) add(shown(curated_.words[k]), curated_.group[k]);
        what = "the curated list (words.txt)";
        break;
    case WordSource::Frequent: {
        const Index n = std::min<Index>(topN_->value(), vectors_->size());
        for (Index i = 0; i < n; ++i) {
            rows_.push_back(i);
            labels_ << shown(vectors_->word(i));
            groups_ << -1;
        }
        what = QString("the %1 most frequent words").arg(n);
        break;
    }
    case WordSource::Typed:
        for (const auto& w : typed_->toPlainText().split(QRegularExpression("[\\s,]+"), Qt::SkipEmptyParts)) add(w, -1);
        what = "the typed list";
        break;
    case WordSource::File:
        for (const auto& w : fileWords_) add(w, -1);
        what = fileWordsName_.isEmpty() ? QString("no file chosen yet") : fileWordsName_;
        break;
    }
    // Groups no word of these vectors fell into would be empty legend entries.
    if (!groupNames_.isEmpty()) {
        QVector<int> remap(groupNames_.size(), -1);
        QStringList names;
        for (int& g : groups_) {
            if (g < 0 || g >= remap.size()) continue;
            if (remap[g] < 0) {
                remap[g] = int(names.size());
                names << groupNames_[g];
            }
            g = remap[g];
        }
        groupNames_ = names;
    }
    QString info = QString("%1 words from %2.").arg(rows_.size()).arg(html(what));
    if (!missing.isEmpty())
        info += QString(" Not in these vectors (%1): %2").arg(missing.size())
                    .arg(html(QStringList(missing.mid(0, 12)).join(", ")) + (missing.size() > 12 ? "…" : ""));
    wordsInfo_->setText(info);
    layout_ = Eigen::MatrixXd::Zero(Eigen::Index(rows_.size()), 2);
    scatter_->setPoints(labels_, layout_);
    scatter_->setGroups(groups_, groupNames_);
    reproject();
    recolor();
}

// --- projections -----------------------------------------------------------------------------------------------------

VectorsLab::Projection VectorsLab::projection() const { return Projection(projection_->currentIndex()); }

void VectorsLab::setProjection(Projection p)
{
    if (projection_->currentIndex() == int(p)) reproject();
    else projection_->setCurrentIndex(int(p)); // reprojects
}

TsneOptions VectorsLab::tsneOptions() const
{
    TsneOptions o;
    o.perplexity = perplexity_->value();
    o.theta = theta_->value();
    o.learningRate = tsneLr_->value();
    o.earlyExaggeration = exaggeration_->value();
    o.iterations = tsneIterations_->value();
    o.momentumSwitchIteration = momentumSwitch_->value();
    o.seed = std::uint64_t(tsneSeed_->value());
    return o;
}

void VectorsLab::reproject()
{
    if (trainMode_) return; // the training run owns the scatter
    // A new projection replaces any t-SNE run (newRun builds one when t-SNE is chosen).
    stopRun();
    const Index n = Index(rows_.size());
    scatter_->setNote({});
    if (!vectors_ || n < 2) {
        scatter_->setTitle(n < 2 && vectors_ ? "Fewer than two words to project" : QString());
        newRun();
        return;
    }
    Eigen::MatrixXd points(n, vectors_->dimension());
    for (Index k = 0; k < n; ++k) points.row(k) = vectors_->row(rows_[size_t(k)]);
    const QString source = vectorsNote_;
    switch (projection()) {
    case Projection::Pca:
    case Projection::Tsne: {
        const PcaResult p = pca(points, 2);
        layout_ = alignedPca(points, {});
        scatter_->setEqualAspect(true);
        const double v1 = p.explainedVarianceRatio.size() > 0 ? p.explainedVarianceRatio(0) : 0;
        const double v2 = p.explainedVarianceRatio.size() > 1 ? p.explainedVarianceRatio(1) : 0;
        scatter_->setAxisTitles(QString("PC1 (%1% of the variance)").arg(100 * v1, 0, 'f', 1),
                                QString("PC2 (%1%)").arg(100 * v2, 0, 'f', 1));
        scatter_->setTitle(QString("PCA of %1 words · %2").arg(n).arg(source));
        scatter_->setNote(QString("The two directions of largest variance: %1% of it")
                              .arg(100 * (v1 + v2), 0, 'f', 1));
        if (projection() == Projection::Tsne) {
            scatter_->setTitle(QString("t-SNE of %1 words · %2").arg(n).arg(source));
            scatter_->setNote("Starting from the PCA layout: press Play (Space) or Project to run.");
            scatter_->setAxisTitles("t-SNE x", "t-SNE y");
        }
        break;
    }
    case Projection::CustomAxes: {
        try {
            const Eigen::VectorXd dx = pairDirection(*vectors_, bytes(xTo_->text()), bytes(xFrom_->text()));
            const Eigen::VectorXd dy = pairDirection(*vectors_, bytes(yTo_->text()), bytes(yFrom_->text()));
            for (Index k = 0; k < n; ++k) {
                const Eigen::VectorXd e = points.row(k).transpose();
                layout_(k, 0) = cosineSimilarity(e, dx);
                layout_(k, 1) = cosineSimilarity(e, dy);
            }
        } catch (const std::exception& e) {
            setMessage(QString("<span style='color:#b3261e'>Custom axes: %1</span>").arg(html(QString::fromUtf8(e.what()))));
            newRun();
            return;
        }
        scatter_->setEqualAspect(false);
        scatter_->setAxisTitles(QString("%1 → %2   (cosine with e_%2 − e_%1)")
                                    .arg(xFrom_->text().trimmed(), xTo_->text().trimmed()),
                                QString("%1 → %2").arg(yFrom_->text().trimmed(), yTo_->text().trimmed()));
        scatter_->setTitle(QString("%1 words on two word-pair directions · %2").arg(n).arg(source));
        break;
    }
    }
    scatter_->setPositions(layout_);
    scatter_->fitToData();
    newRun();
}

void VectorsLab::recolor()
{
    const bool byBias = colorBy_->currentIndex() == 1;
    if (!byBias || !vectors_ || trainMode_) {
        scatter_->setColorMode(ScatterView::ColorMode::Group);
        return;
    }
    QString error;
    const auto g = ops_->biasDirection(&error);
    if (!g) {
        setMessage(QString("<span style='color:#b3261e'>Colour by bias: %1</span>").arg(html(error)));
        scatter_->setColorMode(ScatterView::ColorMode::Group);
        return;
    }
    QVector<double> values;
    for (Index r : rows_) values << cosineSimilarity(Eigen::VectorXd(vectors_->row(r).transpose()), *g);
    scatter_->setValues(values, ops_->biasLow(), ops_->biasHigh(), QString("cos(w, %1)").arg(ops_->biasName()));
    scatter_->setColorMode(ScatterView::ColorMode::Value);
}

void VectorsLab::highlightWords(const QString& focus, const QStringList& words)
{
    QVector<int> idx;
    int selected = -1;
    for (int i = 0; i < labels_.size(); ++i) {
        if (labels_[i].compare(focus, Qt::CaseInsensitive) == 0) selected = i;
        else if (words.contains(labels_[i], Qt::CaseInsensitive)) idx << i;
    }
    scatter_->setSelected(selected);
    scatter_->setHighlighted(idx);
    if (viewTabs_->currentWidget() != debias_ && selected < 0 && !focus.isEmpty() && idx.isEmpty())
        emit statusMessage(QString("'%1' and its results are not among the words shown").arg(focus));
}

void VectorsLab::refreshDebias()
{
    if (!vectors_) return;
    QString error;
    const auto g = ops_->biasDirection(&error);
    if (!g) {
        debias_->setBias(Eigen::VectorXd(), ops_->biasName(), ops_->biasLow(), ops_->biasHigh());
        return;
    }
    // The words drawn: the bias pairs' words, the words to project on g, and the course's examples.
    QStringList words;
    for (const auto& p : biasLists_.pairs) words << shown(p.first) << shown(p.second);
    words = words.mid(0, 16);
    for (const auto& w : ops_->projectionWords()) words << w;
    words << ops_->biasLow() << ops_->biasHigh();
    QStringList known;
    for (const auto& w : words)
        if (vectors_->find(bytes(w)) >= 0 && !known.contains(w)) known << w;
    debias_->setBias(*g, ops_->biasName(), ops_->biasLow(), ops_->biasHigh());
    debias_->setWords(known);
}

// --- runs ------------------------------------------------------------------------------------------------------------

void VectorsLab::newRun()
{
    ++run_;
    tsneTask_.reset();
    trainTask_.reset();
    if (trainMode_ && corpus_) {
        EmbeddingTask::Settings s;
        s.method = method_->currentIndex() == 0 ? EmbeddingMethod::Glove : EmbeddingMethod::SkipGram;
        s.glove.dimension = s.skipGram.dimension = dim_->value();
        s.glove.epochs = s.skipGram.epochs = epochs_->value();
        s.glove.window = s.skipGram.window = window_->value();
        s.tsne = trainTsne_->isChecked();
        s.perplexity = std::min(perplexity_->value(), 30.0);
        s.seed = std::uint64_t(tsneSeed_->value());
        // The words shown: those of the current word set the corpus knows, else its most frequent words.
        std::unordered_map<std::string, Index> ids;
        for (size_t i = 0; i < corpus_->words.size(); ++i) ids.emplace(corpus_->words[i], Index(i));
        QStringList names;
        for (size_t k = 0; k < rows_.size() && vectors_; ++k)
            if (auto it = ids.find(vectors_->word(rows_[k])); it != ids.end()) {
                s.shown.push_back(it->second);
                names << labels_[int(k)];
            }
        if (s.shown.size() < 20) {
            s.shown.clear();
            names.clear();
            const Index n = std::min<Index>(200, Index(corpus_->words.size()));
            for (Index i = 0; i < n; ++i) {
                s.shown.push_back(i);
                names << shown(corpus_->words[size_t(i)]);
            }
        }
        // Probes: a few mid-frequency words among those shown (the very top ones are function words).
        for (size_t k = std::min<size_t>(10, s.shown.size() / 4); k < s.shown.size() && s.probes.size() < 4; k += 7)
            s.probes.push_back(s.shown[k]);
        trainTask_ = std::make_shared<EmbeddingTask>(corpus_, s);
        resetCurve(s.method == EmbeddingMethod::Glove ? "GloVe loss" : "skip-gram loss");
        curve()->setTitle("Training loss");
        curve()->setValueLabel("loss");
        scatter_->setPoints(names, Eigen::MatrixXd::Zero(Eigen::Index(names.size()), 2));
        scatter_->setGroups({}, {});
        scatter_->setColorMode(ScatterView::ColorMode::Group);
        scatter_->setEqualAspect(true);
        scatter_->setTitle(QString("Training %1 on %2: %3 words, %4")
                               .arg(method_->currentText(),
                                    QFileInfo(QString::fromStdString(corpus_->source)).fileName())
                               .arg(names.size())
                               .arg(s.tsne ? "t-SNE warm-started each frame" : "PCA every frame"));
        scatter_->setNote("Counting and the first step take a moment…");
        scatter_->setAxisTitles(s.tsne ? "t-SNE x" : "PC1", s.tsne ? "t-SNE y" : "PC2");
        probes_->show();
        probes_->clear();
        useTrained_->setEnabled(true);
        return;
    }
    probes_->hide();
    useTrained_->setEnabled(false);
    if (projection() == Projection::Tsne && vectors_ && rows_.size() >= 5) {
        TsneOptions o = tsneOptions();
        const double maxPerplexity = (double(rows_.size()) - 1) / 3;
        if (o.perplexity > maxPerplexity) o.perplexity = std::max(1.0, maxPerplexity);
        Eigen::MatrixXd points(Eigen::Index(rows_.size()), vectors_->dimension());
        for (size_t k = 0; k < rows_.size(); ++k) points.row(Eigen::Index(k)) = vectors_->row(rows_[k]);
        tsneTask_ = std::make_shared<TsneTask>(std::move(points), o);
        resetCurve("t-SNE KL divergence");
        curve()->setTitle("t-SNE: KL divergence");
        curve()->setValueLabel("KL divergence");
        return;
    }
    resetCurve(projection() == Projection::Tsne ? "t-SNE KL divergence" : "loss");
    curve()->setTitle(projection() == Projection::Tsne ? "t-SNE: KL divergence" : "t-SNE KL / training loss");
    curve()->setValueLabel(projection() == Projection::Tsne ? "KL divergence" : "KL divergence / loss");
}

TrainingRun VectorsLab::nextRun()
{
    const quint64 run = run_;
    if (trainTask_) {
        auto* t = trainTask_.get();
        return {trainTask_, t->stepsDone(), t->totalSteps() - t->stepsDone(), [t, run] {
                    VectorsSnapshot s;
                    s.kind = VectorsSnapshot::Kind::Train;
                    s.run = run;
                    EmbeddingTask::Frame f = t->frame();
                    s.step = f.step;
                    s.totalSteps = f.totalSteps;
                    s.layout = std::move(f.layout);
                    if (f.probesFresh)
                        for (const auto& l : f.probeLines) s.probes << QString::fromStdString(displayWord(l));
                    if (f.step >= f.totalSteps) s.trained = std::make_shared<const WordVectors>(t->vectors());
                    return QVariant::fromValue(s);
                }};
    }
    if (tsneTask_) {
        auto* t = tsneTask_.get();
        return {tsneTask_, t->stepsDone(), t->totalSteps() - t->stepsDone(), [t, run] {
                    VectorsSnapshot s;
                    s.kind = VectorsSnapshot::Kind::Tsne;
                    s.run = run;
                    TsneTask::Frame f = t->frame();
                    s.step = t->stepsDone();
                    s.totalSteps = t->totalSteps();
                    s.layout = std::move(f.layout);
                    s.iteration = f.iteration;
                    s.kl = f.kl;
                    return QVariant::fromValue(s);
                }};
    }
    return {};
}

void VectorsLab::showSnapshot(const QVariant& v)
{
    const auto s = v.value<VectorsSnapshot>();
    if (s.run != run_) return; // an older run's last frame
    if (s.kind == VectorsSnapshot::Kind::Tsne) {
        if (s.layout.rows() != Eigen::Index(labels_.size())) return;
        layout_ = s.layout;
        scatter_->setPositions(layout_);
        scatter_->setNote(QString("Iteration %1 of %2 · KL %3 %4 · perplexity %5 · θ %6%7")
                              .arg(s.iteration)
                              .arg(tsneIterations_->value())
                              .arg(theta_->value() > 0 ? "≈" : "=")
                              .arg(s.kl, 0, 'f', 4)
                              .arg(perplexity_->value())
                              .arg(theta_->value())
                              .arg(s.iteration <= 250 ? " · early exaggeration" : ""));
        return;
    }
    if (s.layout.rows() > 0 && s.layout.rows() == scatter_->count()) {
        scatter_->setPositions(s.layout);
        scatter_->setNote(QString("Step %1 of %2 (epoch %3 of %4)")
                              .arg(s.step)
                              .arg(s.totalSteps)
                              .arg(std::min<qint64>(epochs_->value(),
                                                    1 + s.step * epochs_->value() / std::max<qint64>(1, s.totalSteps)))
                              .arg(epochs_->value()));
    }
    if (!s.probes.isEmpty()) probes_->setPlainText(s.probes.join('\n'));
    if (s.trained) {
        const QString name = QString("%1 trained on %2").arg(method_->currentText(),
                                                               QFileInfo(QString::fromStdString(corpus_->source)).fileName());
        // After this slot: the run has ended, and setVectors stops the worker (it must not be joined from inside
        // one of its own deliveries).
        auto trained = s.trained;
        QMetaObject::invokeMethod(this, [this, trained, name] {
            setVectors(trained, name);
            setMessage(QString("Training done: the trained vectors are the lab's now (%1 words). Save them with "
                               "Ctrl+S.").arg(trained->size()));
        }, Qt::QueuedConnection);
    }
}

void VectorsLab::showFailure(const QString& message)
{
    if (message == "cancelled") return; // a stop during GloVe's counting (stopRun): nothing went wrong
    setMessage(QString("<span style='color:#b3261e'><b>Stopped:</b> %1</span>").arg(html(message)));
}

void VectorsLab::stopRun()
{
    if (trainTask_) trainTask_->cancelCounting(); // only matters while the first step counts
    training()->stopAndWait();
}

void VectorsLab::reset()
{
    stopRun();
    TrainingLab::reset();
}

void VectorsLab::play()
{
    if (!trainMode_ && !tsneTask_) setProjection(Projection::Tsne);
    TrainingLab::play();
}

void VectorsLab::stepOnce()
{
    if (!trainMode_ && !tsneTask_) setProjection(Projection::Tsne);
    TrainingLab::stepOnce();
}

void VectorsLab::performSteps(int n)
{
    if (n <= 0) return;
    if (!trainMode_ && !tsneTask_) setProjection(Projection::Tsne);
    TrainingLab::performSteps(n);
}

// --- training --------------------------------------------------------------------------------------------------------

void VectorsLab::loadCorpusFile(const QString& path)
{
    if (corpusJob_->isRunning()) return;
    auto result = std::make_shared<std::shared_ptr<const Corpus>>();
    const std::string file = path.toStdString();
    const Index minCount = minCount_->value();
    loadBar_->show();
    cancelLoad_->show();
    loadBar_->setRange(0, 0);
    corpusLabel_->setText(QString("Reading %1…").arg(html(QFileInfo(path).fileName())));
    lastCorpusOk_ = false;
    const auto read = [this, result](BackgroundJob::Outcome o, const QString& error) {
        loadBar_->hide();
        cancelLoad_->hide();
        if (o != BackgroundJob::Outcome::Done) {
            corpusLabel_->setText(o == BackgroundJob::Outcome::Cancelled
                                      ? QString("Reading the corpus was cancelled.")
                                      : QString("<span style='color:#b3261e'>%1</span>")
                                            .arg(html(error)));
            return;
        }
        corpus_ = *result;
        lastCorpusOk_ = true;
        corpusLabel_->setText(QString("<b>%1</b><br>%2 tokens, %3 words (count ≥ %4)")
                                  .arg(html(QFileInfo(QString::fromStdString(corpus_->source))
                                                .fileName()))
                                  .arg(corpus_->tokens.size())
                                  .arg(corpus_->words.size())
                                  .arg(minCount_->value()));
        trainButton_->setEnabled(corpus_->words.size() >= 5);
    };
    corpusJob_->start([file, minCount, result](TrainingObserver& observer) {
        CorpusOptions o;
        o.minCount = minCount;
        o.observer = &observer;
        *result = std::make_shared<const Corpus>(loadCorpus(file, o));
    }, read);
}

bool VectorsLab::waitForCorpus()
{
    corpusJob_->waitForFinished();
    return lastCorpusOk_;
}

void VectorsLab::setTrainingSettings(bool glove, int dimension, int epochs, int window)
{
    method_->setCurrentIndex(glove ? 0 : 1);
    dim_->setValue(dimension);
    epochs_->setValue(epochs);
    window_->setValue(window);
}

void VectorsLab::startTraining(bool autoplay)
{
    if (!corpus_) return;
    stopRun();
    trainMode_ = true;
    newRun();
    setMessage(QString("Training %1 on %2. The words move as the vectors learn; pause with Space, and “Use them” "
                       "takes the vectors as they are.")
                   .arg(method_->currentText(), html(QFileInfo(QString::fromStdString(corpus_->source)).fileName())));
    if (autoplay) play();
}

void VectorsLab::useTrainedVectors()
{
    if (!trainTask_) return;
    stopRun(); // no run going: the task may be read
    if (!trainTask_->started()) {
        setMessage("Nothing trained yet.");
        return;
    }
    const QString name = QString("%1 trained on %2 (%3 of %4 steps)")
                             .arg(method_->currentText(),
                                  QFileInfo(QString::fromStdString(corpus_->source)).fileName())
                             .arg(trainTask_->stepsDone())
                             .arg(trainTask_->totalSteps());
    setVectors(std::make_shared<const WordVectors>(trainTask_->vectors()), name);
}

// --- files and exports -----------------------------------------------------------------------------------------------

void VectorsLab::saveModel()
{
    std::shared_ptr<const WordVectors> v = vectors_;
    if (trainMode_ && trainTask_) {
        stopRun();
        if (trainTask_->started()) v = std::make_shared<const WordVectors>(trainTask_->vectors());
    }
    if (!v) return;
    const QString path =
        QFileDialog::getSaveFileName(this, "Save the vectors as GloVe text", "vectors.txt", "GloVe text (*.txt)");
    if (path.isEmpty()) return;
    if (loadJob_->isRunning()) {
        setMessage("A file is loading: wait, or Cancel it, then save.");
        return;
    }
    // Off the GUI thread like a load (a 400,000-word table is ~170 MB of text); the table is immutable, so the
    // worker may read it while the page stays live.
    loadBar_->show();
    loadBar_->setRange(0, 0);
    const auto saved = [this, path](BackgroundJob::Outcome o, const QString& error) {
        loadBar_->hide();
        if (o == BackgroundJob::Outcome::Done) {
            markSaved();
            emit statusMessage("Saved " + path);
        } else if (o == BackgroundJob::Outcome::Failed) {
            QMessageBox::warning(this, "Save the vectors", error);
        }
    };
    loadJob_->start([v, file = path.toStdString()](TrainingObserver&) { saveGloveText(*v, file); }, saved);
}

QList<QAction*> VectorsLab::exportActions()
{
    if (!exports_.isEmpty()) return exports_;
    exports_ << makeExportAction(this, "Projection as PNG…", "PNG", "words",
                                 [this](const QString& f, QString* e) { return scatter_->exportPng(f, {}, 2.0, e); });
    exports_ << makeExportAction(this, "Projection as SVG…", "SVG", "words",
                                 [this](const QString& f, QString* e) { return scatter_->exportSvg(f, {}, e); });
    exports_ << makeExportAction(this, "Projection as CSV…", "CSV", "words",
                                 [this](const QString& f, QString* e) { return scatter_->exportCsv(f, e); });
    exports_ << makeExportAction(this, "Debiasing view as PNG…", "PNG", "debiasing", [this](const QString& f, QString* e) {
        return debias_->scatter()->exportPng(f, {}, 2.0, e);
    });
    exports_ << makeExportAction(this, "Curve as CSV…", "CSV", "curve",
                                 [this](const QString& f, QString* e) { return curve()->exportCsv(f, e); });
    return exports_;
}

void VectorsLab::setPresentationMode(bool on) { TrainingLab::setPresentationMode(on); }

bool VectorsLab::showView(const QString& name)
{
    if (name == "projection") {
        viewTabs_->setCurrentIndex(0);
        return true;
    }
    if (name == "debias") {
        viewTabs_->setCurrentWidget(debias_);
        // The course's two examples, when these vectors know the words.
        QString word = "receptionist";
        if (vectors_ && vectors_->find(bytes(word)) < 0)
            for (const auto& w : ops_->projectionWords())
                if (vectors_->find(bytes(w)) >= 0) {
                    word = w;
                    break;
                }
        ops_->runNeutralize(word);
        ops_->runEqualize(ops_->biasLow(), ops_->biasHigh());
        debias_->finishAnimation();
        return true;
    }
    return false;
}

QString VectorsLab::guideHtml() const
{
    return "<h2>Word vectors</h2>"
           "<p>Each word is a vector; words used in similar contexts get similar vectors. This lab follows the "
           "<i>Operations on word vectors</i> notebook of the Sequence Models course (week 2) and its papers.</p><ul>"
           "<li><b>Vectors</b>: the built-in vectors (10,000 words, 50 dimensions, trained by Unroll on Debian's "
           "dictionaries) or your own file (Ctrl+O): GloVe text, word2vec text or binary. The course's numbers need "
           "<code>glove.6B.50d.txt</code>.</li>"
           "<li><b>Projection</b>: PCA (the two directions of largest variance), t-SNE (van der Maaten & Hinton "
           "2008; Barnes-Hut when θ &gt; 0), animated live with its KL divergence on the curve (Play runs it, Space pauses, "
           "Reset starts again from the same seed), or custom axes: each "
           "word's cosine with two word-pair directions such as man→woman and bad→good. Click a word for its "
           "neighbours; Ctrl+F finds a word; wheel zooms, drag pans, double-click fits.</li>"
           "<li><b>Operations</b> (course names): cosine_similarity, nearest neighbours, complete_analogy "
           "(a:b::c:? as argmax cos(e_b − e_a, e_w − e_c)) and Levy & Goldberg's 3CosAdd and 3CosMul, the bias "
           "direction g = e_woman − e_man (or the first principal component of several pairs), neutralize and "
           "equalize.</li>"
           "<li><b>Debiasing</b> as geometry: x is the projection on g, y a direction orthogonal to g. Neutralize "
           "moves a word onto x = 0; equalize makes a pair symmetric about it.</li>"
           "<li><b>Train your own</b> GloVe (Pennington et al. 2014) or skip-gram with negative sampling (Mikolov "
           "et al. 2013) on a text file; the words move as they train, the loss beside them. Save with Ctrl+S.</li>"
           "</ul><p>Shortcuts: Ctrl+O open, Ctrl+S save, Ctrl+P project, Ctrl+Return show the words, Ctrl+F find, "
           "Ctrl+G project on g, Ctrl+Shift+N neutralize, Ctrl+Shift+E equalize, Ctrl+T train, Space play/pause.</p>";
}

} // namespace unroll
