// The operations panel; see OperationsPanel.hpp.
#include "labs/vectors/OperationsPanel.hpp"

#include "widgets/NameCombo.hpp"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

using namespace vectors;

namespace {

std::string bytes(const QString& s) { return s.trimmed().toStdString(); }
QString shown(const std::string& w) { return QString::fromStdString(displayWord(w)); }
QString num(double v, int digits = 4) { return QString::number(v, 'f', digits); }

QTableWidget* resultTable(const QStringList& headers)
{
    auto* t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    return t;
}

void fill(QTableWidget* t, const WordVectors& v, const std::vector<Scored>& rows, int digits = 4)
{
    t->setRowCount(int(rows.size()));
    for (int r = 0; r < int(rows.size()); ++r) {
        t->setItem(r, 0, new QTableWidgetItem(QString::number(r + 1)));
        t->setItem(r, 1, new QTableWidgetItem(shown(v.word(rows[size_t(r)].index))));
        auto* score = new QTableWidgetItem(num(rows[size_t(r)].score, digits));
        score->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        t->setItem(r, 2, score);
    }
    t->resizeColumnToContents(0);
    t->resizeColumnToContents(1);
}

QComboBox* compact(QComboBox* c)
{
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(6);
    return c;
}

QLabel* messageLabel()
{
    auto* l = new QLabel;
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QLineEdit* wordEdit(const QString& text)
{
    auto* e = new QLineEdit(text);
    e->setMinimumWidth(60);
    return e;
}

} // namespace

void OperationsPanel::showError(QLabel* label, const QString& message)
{
    label->setText(QString("<span style='color:#b3261e'>%1</span>").arg(message.toHtmlEscaped()));
}

OperationsPanel::OperationsPanel(QWidget* parent) : QTabWidget(parent)
{
    setUsesScrollButtons(true);
    // Five tabs in a column about 300 pixels wide: tighter tabs than the style's.
    setStyleSheet("QTabBar::tab { padding: 4px 7px; min-width: 0px; }");
    addTab(similarityTab(), "Cosine");
    addTab(neighborsTab(), "Nearest");
    addTab(analogyTab(), "Analogy");
    addTab(biasTab(), "Bias");
    addTab(debiasTab(), "Debias");
}

void OperationsPanel::setVectors(std::shared_ptr<const WordVectors> v)
{
    v_ = std::move(v);
    simResult_->clear();
    neighborTable_->setRowCount(0);
    analogyTable_->setRowCount(0);
    nMessage_->clear();
    anMessage_->clear();
    debiasResult_->clear();
    neutralAfter_.reset();
    if (projPos_) {
        projPos_->data()->clear();
        projNeg_->data()->clear();
        if (projPlot_->isVisible()) projPlot_->replot(); // a plot not shown yet has no paint buffer to draw into
    }
}

void OperationsPanel::setBiasLists(const BiasLists& lists)
{
    bias_ = lists;
    if (!lists.words.empty()) {
        QStringList words;
        for (const auto& w : lists.words) words << shown(w);
        projWords_->setPlainText(words.join(' '));
    }
}

void OperationsPanel::setAnalogyPresets(const std::vector<AnalogyItem>& items)
{
    presets_ = items;
    anPresets_->blockSignals(true);
    anPresets_->clear();
    anPresets_->addItem("Examples…");
    for (const auto& it : items)
        anPresets_->addItem(QString("%1 : %2 :: %3 : %4%5")
                                .arg(shown(it.a), shown(it.b), shown(it.c), shown(it.d),
                                     it.section.empty() ? QString() : "  (" + shown(it.section) + ")"));
    anPresets_->setVisible(!items.empty());
    anPresets_->blockSignals(false);
}

void OperationsPanel::setBiasFromPairs(bool pca)
{
    biasSource_->blockSignals(true);
    biasSource_->setCurrentIndex(pca ? 1 : 0);
    biasA_->setEnabled(!pca);
    biasB_->setEnabled(!pca);
    biasSource_->blockSignals(false);
}

// --- tabs ------------------------------------------------------------------------------------------------------------

QWidget* OperationsPanel::similarityTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    simA_ = wordEdit("father");
    simB_ = wordEdit("mother");
    auto* go = new QPushButton("Similarity");
    go->setToolTip("cosine_similarity(e_a, e_b) = e_a·e_b / (‖e_a‖ ‖e_b‖) (Enter)");
    row->addWidget(simA_, 1);
    row->addWidget(simB_, 1);
    row->addWidget(go);
    v->addLayout(row);
    simResult_ = messageLabel();
    simResult_->setStyleSheet("font-size: 13pt;");
    v->addWidget(simResult_);
    auto* help = new QLabel("The course's cosine_similarity: 1 for the same direction, 0 for orthogonal, −1 for "
                            "opposite. It ignores the vectors' lengths.");
    help->setWordWrap(true);
    help->setStyleSheet("color: #4c566a;");
    v->addWidget(help);
    v->addStretch(1);
    auto run = [this] { runSimilarity(simA_->text(), simB_->text()); };
    connect(go, &QPushButton::clicked, this, run);
    connect(simA_, &QLineEdit::returnPressed, this, run);
    connect(simB_, &QLineEdit::returnPressed, this, run);
    return w;
}

QWidget* OperationsPanel::neighborsTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    nWord_ = wordEdit("king");
    nK_ = new QSpinBox;
    nK_->setRange(1, 200);
    nK_->setValue(10);
    nK_->setPrefix("k = ");
    nMetric_ = compact(new QComboBox);
    nMetric_->addItems({"cosine", "Euclidean"});
    auto* go = new QPushButton("Neighbours");
    row->addWidget(nWord_, 1);
    row->addWidget(go);
    v->addLayout(row);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(nK_);
    row2->addWidget(nMetric_, 1);
    v->addLayout(row2);
    nMessage_ = messageLabel();
    v->addWidget(nMessage_);
    neighborTable_ = resultTable({"#", "word", "score"});
    v->addWidget(neighborTable_, 1);
    auto run = [this] { runNeighbors(nWord_->text()); };
    connect(go, &QPushButton::clicked, this, run);
    connect(nWord_, &QLineEdit::returnPressed, this, run);
    return w;
}

QWidget* OperationsPanel::analogyTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    anPresets_ = compact(new QComboBox);
    anPresets_->setVisible(false);
    v->addWidget(anPresets_);
    auto* row = new QHBoxLayout;
    anA_ = wordEdit("man");
    anB_ = wordEdit("woman");
    anC_ = wordEdit("boy");
    row->addWidget(anA_, 1);
    row->addWidget(new QLabel(":"));
    row->addWidget(anB_, 1);
    row->addWidget(new QLabel("::"));
    row->addWidget(anC_, 1);
    row->addWidget(new QLabel(": ?"));
    v->addLayout(row);
    auto* row2 = new QHBoxLayout;
    anRule_ = compact(new QComboBox);
    anRule_->addItem("Course: cos(e_b − e_a, e_w − e_c)");
    anRule_->addItem("3CosAdd (Levy & Goldberg)");
    anRule_->addItem("3CosMul (Levy & Goldberg)");
    anRule_->setToolTip("The course's complete_analogy is the default; 3CosAdd and 3CosMul are Levy & Goldberg's (2014)");
    anK_ = new QSpinBox;
    anK_->setRange(1, 50);
    anK_->setValue(5);
    anK_->setPrefix("top ");
    auto* go = new QPushButton("Complete");
    go->setToolTip("a : b :: c : ? — skipping a, b and c (Enter)");
    row2->addWidget(anRule_, 1);
    row2->addWidget(anK_);
    row2->addWidget(go);
    v->addLayout(row2);
    anMessage_ = messageLabel();
    v->addWidget(anMessage_);
    analogyTable_ = resultTable({"#", "candidate", "score"});
    v->addWidget(analogyTable_, 1);
    auto run = [this] { runAnalogy(anA_->text(), anB_->text(), anC_->text()); };
    connect(go, &QPushButton::clicked, this, run);
    for (auto* e : {anA_, anB_, anC_}) connect(e, &QLineEdit::returnPressed, this, run);
    connect(anRule_, &QComboBox::currentIndexChanged, this, [this, run] {
        if (analogyTable_->rowCount() > 0) run();
    });
    connect(anPresets_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i <= 0 || i > int(presets_.size())) return;
        const auto& p = presets_[size_t(i - 1)];
        anA_->setText(shown(p.a));
        anB_->setText(shown(p.b));
        anC_->setText(shown(p.c));
        runAnalogy(anA_->text(), anB_->text(), anC_->text());
    });
    return w;
}

QWidget* OperationsPanel::biasTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    biasSource_ = compact(new QComboBox);
    biasSource_->addItems({"g = a − b", "g = PC1 of pairs"});
    biasSource_->setToolTip("The course uses g = e_woman − e_man; Bolukbasi et al. take the first principal "
                            "component of several pairs' differences");
    biasA_ = wordEdit("woman");
    biasB_ = wordEdit("man");
    row->addWidget(biasSource_);
    row->addWidget(biasA_, 1);
    row->addWidget(new QLabel("−"));
    row->addWidget(biasB_, 1);
    v->addLayout(row);
    projWords_ = new QPlainTextEdit("receptionist engineer doctor teacher pilot singer computer science arts "
                                    "literature technology fashion warrior lipstick guns");
    projWords_->setMaximumHeight(54);
    projWords_->setToolTip("The words to project on g (white space between them)");
    v->addWidget(projWords_);
    auto* go = new QPushButton("Project on g");
    go->setToolTip("cos(e_w, g) for each word, sorted (Ctrl+G)");
    go->setShortcut(QKeySequence("Ctrl+G"));
    auto* brow = new QHBoxLayout;
    brow->addWidget(go);
    brow->addStretch(1);
    v->addLayout(brow);
    biasMessage_ = messageLabel();
    v->addWidget(biasMessage_);
    projPlot_ = new QCustomPlot;
    projPlot_->setMinimumHeight(160);
    projPos_ = new QCPBars(projPlot_->yAxis, projPlot_->xAxis);
    projNeg_ = new QCPBars(projPlot_->yAxis, projPlot_->xAxis);
    projPos_->setPen(Qt::NoPen);
    projNeg_->setPen(Qt::NoPen);
    projPos_->setBrush(QColor(0xd6, 0x60, 0x4d));
    projNeg_->setBrush(QColor(0x43, 0x93, 0xc3));
    projPos_->setWidth(0.7);
    projNeg_->setWidth(0.7);
    projPlot_->xAxis->setLabel("cos(e_w, g)");
    projPlot_->yAxis->grid()->setVisible(false);
    projPlot_->yAxis->setTickLength(0, 0);
    projPlot_->yAxis->setSubTicks(false);
    v->addWidget(projPlot_, 1);
    connect(go, &QPushButton::clicked, this, &OperationsPanel::runProjection);
    for (auto* e : {biasA_, biasB_})
        connect(e, &QLineEdit::editingFinished, this, [this] { emit biasChanged(); });
    connect(biasSource_, &QComboBox::currentIndexChanged, this, [this](int i) {
        biasA_->setEnabled(i == 0);
        biasB_->setEnabled(i == 0);
        emit biasChanged();
        runProjection();
    });
    return w;
}

QWidget* OperationsPanel::debiasTab()
{
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* form = new QFormLayout;
    auto* nrow = new QHBoxLayout;
    neutralWord_ = wordEdit("receptionist");
    auto* neutral = new QPushButton("Neutralize");
    neutral->setToolTip("e − (e·g / ‖g‖²) g: the word keeps no component along g (Ctrl+Shift+N)");
    neutral->setShortcut(QKeySequence("Ctrl+Shift+N"));
    nrow->addWidget(neutralWord_, 1);
    nrow->addWidget(neutral);
    form->addRow("Word", nrow);
    auto* erow = new QHBoxLayout;
    eqA_ = wordEdit("man");
    eqB_ = wordEdit("woman");
    auto* equal = new QPushButton("Equalize");
    equal->setToolTip("Make the pair symmetric about the orthogonal complement of g (Ctrl+Shift+E)");
    equal->setShortcut(QKeySequence("Ctrl+Shift+E"));
    erow->addWidget(eqA_, 1);
    erow->addWidget(eqB_, 1);
    erow->addWidget(equal);
    form->addRow("Pair", erow);
    eqRule_ = compact(new QComboBox);
    eqRule_->addItems({"the course's equalize", "the paper's (Bolukbasi et al.)"});
    form->addRow("Rule", eqRule_);
    v->addLayout(form);
    debiasResult_ = messageLabel();
    debiasResult_->setTextFormat(Qt::RichText);
    v->addWidget(debiasResult_);
    auto* help = new QLabel("Both are shown as geometry in the Debiasing view: the word moves onto x = 0, the pair "
                            "becomes symmetric about it.");
    help->setWordWrap(true);
    help->setStyleSheet("color: #4c566a;");
    v->addWidget(help);
    v->addStretch(1);
    connect(neutral, &QPushButton::clicked, this, [this] { runNeutralize(neutralWord_->text()); });
    connect(neutralWord_, &QLineEdit::returnPressed, this, [this] { runNeutralize(neutralWord_->text()); });
    connect(equal, &QPushButton::clicked, this, [this] { runEqualize(eqA_->text(), eqB_->text()); });
    return w;
}

// --- operations ------------------------------------------------------------------------------------------------------

int OperationsPanel::neighborCount() const { return nK_->value(); }
Metric OperationsPanel::metric() const { return Metric(nMetric_->currentIndex()); }

QString OperationsPanel::similarityText() const { return simResult_->text(); }
QString OperationsPanel::debiasText() const { return debiasResult_->text(); }

void OperationsPanel::runSimilarity(const QString& w1, const QString& w2)
{
    simA_->setText(w1);
    simB_->setText(w2);
    setCurrentIndex(0);
    if (!v_) return;
    try {
        const double s = cosineSimilarity(v_->vector(bytes(w1)), v_->vector(bytes(w2)));
        simResult_->setText(QString("cos(<b>%1</b>, <b>%2</b>) = <b>%3</b>")
                                .arg(w1.trimmed().toHtmlEscaped(), w2.trimmed().toHtmlEscaped(),
                                     QString::number(s, 'g', 12))); // as the course prints it
        emit wordsPicked(w1.trimmed(), {w1.trimmed(), w2.trimmed()});
    } catch (const std::exception& e) {
        showError(simResult_, QString::fromUtf8(e.what()));
    }
}

void OperationsPanel::runNeighbors(const QString& word)
{
    nWord_->setText(word);
    setCurrentIndex(1);
    if (!v_) return;
    try {
        const Index i = v_->indexOf(bytes(word));
        const auto near =
            nearestNeighbors(*v_, Eigen::VectorXd(v_->row(i).transpose()), nK_->value(), metric(), {i});
        fill(neighborTable_, *v_, near);
        neighborTable_->setHorizontalHeaderLabels(
            {"#", "neighbour", metric() == Metric::Cosine ? "cosine" : "distance"});
        nMessage_->setText(QString("The %1 nearest words to <b>%2</b> of %3").arg(near.size())
                               .arg(shown(v_->word(i)).toHtmlEscaped()).arg(v_->size()));
        QStringList words;
        for (const auto& s : near) words << shown(v_->word(s.index));
        emit wordsPicked(shown(v_->word(i)), words);
    } catch (const std::exception& e) {
        neighborTable_->setRowCount(0);
        showError(nMessage_, QString::fromUtf8(e.what()));
    }
}

void OperationsPanel::runAnalogy(const QString& a, const QString& b, const QString& c)
{
    anA_->setText(a);
    anB_->setText(b);
    anC_->setText(c);
    setCurrentIndex(2);
    if (!v_) return;
    try {
        const auto rule = AnalogyRule(anRule_->currentIndex());
        const auto cands = analogy(*v_, bytes(a), bytes(b), bytes(c), anK_->value(), rule);
        fill(analogyTable_, *v_, cands);
        if (cands.empty()) {
            anMessage_->setText("No candidate: the vectors have no other words.");
            return;
        }
        anMessage_->setText(QString("%1 : %2 :: %3 : <b>%4</b>")
                                .arg(a.trimmed().toHtmlEscaped(), b.trimmed().toHtmlEscaped(),
                                     c.trimmed().toHtmlEscaped(), shown(v_->word(cands[0].index)).toHtmlEscaped()));
        QStringList words{a.trimmed(), b.trimmed(), c.trimmed()};
        for (const auto& s : cands) words << shown(v_->word(s.index));
        emit wordsPicked(shown(v_->word(cands[0].index)), words);
    } catch (const std::exception& e) {
        analogyTable_->setRowCount(0);
        showError(anMessage_, QString::fromUtf8(e.what()));
    }
}

std::optional<Eigen::VectorXd> OperationsPanel::biasDirection(QString* error) const
{
    if (!v_) {
        if (error) *error = "no vectors loaded";
        return std::nullopt;
    }
    try {
        if (biasSource_->currentIndex() == 0) return pairDirection(*v_, bytes(biasA_->text()), bytes(biasB_->text()));
        std::vector<std::pair<std::string, std::string>> known;
        for (const auto& p : bias_.pairs)
            if (v_->find(p.first) >= 0 && v_->find(p.second) >= 0) known.push_back(p);
        if (known.size() < 2) {
            if (error) *error = QString("the PCA of the bias pairs needs two pairs these vectors know; they know %1")
                                    .arg(known.size());
            return std::nullopt;
        }
        return principalDirection(*v_, known);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

QString OperationsPanel::biasName() const
{
    if (biasSource_->currentIndex() == 0)
        return QString("%1 − %2").arg(biasA_->text().trimmed(), biasB_->text().trimmed());
    int known = 0;
    if (v_)
        for (const auto& p : bias_.pairs) known += v_->find(p.first) >= 0 && v_->find(p.second) >= 0;
    return QString("PC1 of %1 pairs").arg(known);
}

QString OperationsPanel::biasLow() const
{
    if (biasSource_->currentIndex() == 0) return biasB_->text().trimmed();
    return bias_.pairs.empty() ? QString("−") : shown(bias_.pairs.front().second);
}

QString OperationsPanel::biasHigh() const
{
    if (biasSource_->currentIndex() == 0) return biasA_->text().trimmed();
    return bias_.pairs.empty() ? QString("+") : shown(bias_.pairs.front().first);
}

QStringList OperationsPanel::projectionWords() const
{
    return projWords_->toPlainText().split(QRegularExpression("[\\s,]+"), Qt::SkipEmptyParts);
}

void OperationsPanel::runProjection()
{
    setCurrentIndex(3);
    QString error;
    const auto g = biasDirection(&error);
    projPos_->data()->clear();
    projNeg_->data()->clear();
    if (!g) {
        showError(biasMessage_, error);
        projPlot_->replot();
        return;
    }
    struct Item {
        QString word;
        double c;
    };
    std::vector<Item> items;
    QStringList unknown;
    for (const auto& w : projectionWords()) {
        const Index i = v_->find(bytes(w));
        if (i < 0) unknown << w;
        else items.push_back({w, cosineSimilarity(Eigen::VectorXd(v_->row(i).transpose()), *g)});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.c < b.c; });
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double m = 0.05;
    for (int k = 0; k < int(items.size()); ++k) {
        (items[size_t(k)].c >= 0 ? projPos_ : projNeg_)->addData(k, items[size_t(k)].c);
        ticker->addTick(k, items[size_t(k)].word);
        m = std::max(m, std::abs(items[size_t(k)].c));
    }
    projPlot_->yAxis->setTicker(ticker);
    projPlot_->yAxis->setRange(-0.7, double(items.size()) - 0.3);
    projPlot_->xAxis->setRange(-m * 1.1, m * 1.1);
    projPlot_->xAxis->setLabel(QString("cos(e_w, g),  g = %1").arg(biasName()));
    projPlot_->setMinimumHeight(std::max(160, 18 * int(items.size()) + 50));
    projPlot_->replot();
    biasMessage_->setText(unknown.isEmpty() ? QString("%1 words, sorted by their cosine with g").arg(items.size())
                                            : QString("<span style='color:#b3261e'>unknown: %1</span>")
                                                  .arg(unknown.join(", ").toHtmlEscaped()));
}

void OperationsPanel::runNeutralize(const QString& word)
{
    neutralWord_->setText(word);
    setCurrentIndex(4);
    QString error;
    const auto g = biasDirection(&error);
    if (!g) return showError(debiasResult_, error);
    try {
        const Eigen::VectorXd e = v_->vector(bytes(word));
        const Eigen::VectorXd d = neutralize(e, *g);
        const double before = cosineSimilarity(e, *g), after = cosineSimilarity(d, *g);
        neutralAfter_ = after;
        debiasResult_->setText(QString("<b>neutralize(%1)</b>, g = %2<br>cos(e, g) before: <b>%3</b><br>"
                                       "cos(e, g) after: <b>%4</b>")
                                   .arg(word.trimmed().toHtmlEscaped(), biasName().toHtmlEscaped(), num(before, 6),
                                        QString::number(after, 'g', 3)));
        emit neutralizeRequested(word.trimmed());
    } catch (const std::exception& e) {
        showError(debiasResult_, QString::fromUtf8(e.what()));
    }
}

void OperationsPanel::runEqualize(const QString& w1, const QString& w2)
{
    eqA_->setText(w1);
    eqB_->setText(w2);
    setCurrentIndex(4);
    QString error;
    const auto g = biasDirection(&error);
    if (!g) return showError(debiasResult_, error);
    try {
        const Eigen::VectorXd e1 = v_->vector(bytes(w1)), e2 = v_->vector(bytes(w2));
        const auto rule = EqualizeRule(eqRule_->currentIndex());
        const auto [n1, n2] = equalize(e1, e2, *g, rule);
        debiasResult_->setText(
            QString("<b>equalize(%1, %2)</b>, %3, g = %4<br>cos with g before: %1 <b>%5</b>, %2 <b>%6</b><br>"
                    "cos with g after: %1 <b>%7</b>, %2 <b>%8</b>")
                .arg(w1.trimmed().toHtmlEscaped(), w2.trimmed().toHtmlEscaped(), eqRule_->currentText(),
                     biasName().toHtmlEscaped(), num(cosineSimilarity(e1, *g), 6), num(cosineSimilarity(e2, *g), 6),
                     num(cosineSimilarity(n1, *g), 6), num(cosineSimilarity(n2, *g), 6)));
        emit equalizeRequested(w1.trimmed(), w2.trimmed(), rule);
    } catch (const std::exception& e) {
        showError(debiasResult_, QString::fromUtf8(e.what()));
    }
}

} // namespace unroll
