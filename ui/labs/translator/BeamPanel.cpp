// BeamPanel; see BeamPanel.hpp.
#include "labs/translator/BeamPanel.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace unroll {

namespace {
QFont mono()
{
    QFont f("DejaVu Sans Mono");
    f.setStyleHint(QFont::Monospace);
    return f;
}
// Four decimals, or two significant digits for a sure step (ln p = -0.00002 is not "-0.0000").
QString logProbText(double lp)
{
    const QString text = lp != 0 && std::abs(lp) < 0.001 ? QString::number(lp, 'e', 1) : QString::number(lp, 'f', 4);
    return QString(text).replace('-', QChar(0x2212));
}
} // namespace

QString candidateText(const SymbolVocab& target, const std::vector<std::int32_t>& ids)
{
    QString text;
    for (const std::int32_t id : ids) {
        if (id < 0 || std::size_t(id) >= target.size()) continue; // kNoTarget after <end>
        const std::string& s = target.symbol(id);
        text += s == kEndSymbol ? QString::fromUtf8("\u27e8end\u27e9") : QString::fromStdString(s);
    }
    return text;
}

BeamPanel::BeamPanel(QWidget* parent) : QWidget(parent)
{
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(6, 6, 6, 6);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Beam width")));
    width_ = new QSpinBox;
    width_->setRange(1, 10);
    width_->setValue(3);
    width_->setToolTip(tr("How many prefixes the search keeps after each output step (1 = greedy)"));
    row->addWidget(width_);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(summary_, 1);
    v->addLayout(row);
    note_ = new QLabel;
    note_->setWordWrap(true);
    note_->setStyleSheet("color: #4c566a;");
    v->addWidget(note_);

    auto* split = new QSplitter(Qt::Horizontal);
    auto* left = new QWidget;
    auto* lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    final_ = new QTableWidget(0, 4);
    final_->setHorizontalHeaderLabels({tr("Final candidate"), tr("ln p"), tr("p"), tr("")});
    final_->verticalHeader()->setVisible(true);
    final_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    final_->setSelectionBehavior(QAbstractItemView::SelectRows);
    final_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c) final_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    lv->addWidget(final_, 2);
    auto* how = new QLabel(tr("<b>How it works.</b> After each output step, every prefix kept so far is extended by "
                              "every output symbol, scored by the sum of its ln p, and only the <i>width</i> best "
                              "are kept (on the right). Width 1 is greedy decoding. ln p of a whole answer is the "
                              "sum over its characters, so p is the model's probability of the whole answer."));
    how->setWordWrap(true);
    how->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    how->setStyleSheet("color: #4c566a;");
    lv->addWidget(how, 1);
    split->addWidget(left);

    steps_ = new QTreeWidget;
    steps_->setColumnCount(3);
    steps_->setHeaderLabels({tr("After step"), tr("Prefix kept"), tr("ln p so far")});
    steps_->setRootIsDecorated(true);
    steps_->setUniformRowHeights(true);
    steps_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    steps_->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    steps_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    split->addWidget(steps_);
    split->setSizes({300, 420});
    v->addWidget(split, 1);

    connect(width_, &QSpinBox::valueChanged, this, &BeamPanel::beamWidthChanged);
}

int BeamPanel::beamWidth() const { return width_->value(); }
void BeamPanel::setBeamWidth(int width) { width_->setValue(width); }

void BeamPanel::showResult(const BeamResult& result, const SymbolVocab& target, const QString& greedy,
                           bool feedPrevious)
{
    const QFont font = mono();
    final_->setRowCount(int(result.best.size()));
    for (int i = 0; i < int(result.best.size()); ++i) {
        const Decoded& d = result.best[std::size_t(i)];
        const QString text = candidateText(target, d.ids);
        auto* cell = new QTableWidgetItem(text);
        cell->setFont(font);
        final_->setItem(i, 0, cell);
        final_->setItem(i, 1, new QTableWidgetItem(logProbText(d.logProb)));
        final_->setItem(i, 2, new QTableWidgetItem(QString::number(std::exp(d.logProb), 'f', 4)));
        // decodeTarget stops at <end>: compare the greedy text with the candidate's text without the marker.
        QString plain = text;
        plain.remove(QString::fromUtf8("\u27e8end\u27e9"));
        final_->setItem(i, 3, new QTableWidgetItem(plain == greedy ? tr("= greedy") : QString()));
    }

    steps_->clear();
    for (std::size_t t = 0; t < result.steps.size(); ++t) {
        auto* step = new QTreeWidgetItem(steps_, {tr("t = %1").arg(t + 1), QString(), QString()});
        for (std::size_t k = 0; k < result.steps[t].size(); ++k) {
            const BeamCandidate& c = result.steps[t][k];
            auto* item = new QTreeWidgetItem(step, {tr("#%1").arg(k + 1), candidateText(target, c.ids),
                                                    logProbText(c.logProb) + (c.finished ? tr("  (ended)") : QString())});
            item->setFont(1, font);
        }
    }
    steps_->expandAll();
    steps_->scrollToTop();

    const QString best = result.best.empty() ? QString() : candidateText(target, result.best[0].ids);
    QString plainBest = best;
    plainBest.remove(QString::fromUtf8("\u27e8end\u27e9"));
    summary_->setText(result.best.empty()
                          ? tr("No candidates.")
                          : tr("best <b><tt>%1</tt></b> (ln p %2) · greedy <tt>%3</tt>%4")
                                .arg(best.toHtmlEscaped(), logProbText(result.best[0].logProb), greedy.toHtmlEscaped(),
                                     plainBest == greedy ? tr(" (the same)") : tr(" <b>(beam search found another)</b>")));
    note_->setText(feedPrevious
                       ? tr("The decoder reads the symbol it wrote before, so an early choice changes what follows: "
                            "keeping several prefixes can find a sequence more likely than the greedy one.")
                       : tr("This model's decoder does not read its previous output (the course's model): every "
                            "step's choice is independent of the others, so the best beam is the greedy answer. "
                            "Tick “Feed the previous output” and reset to see beam search make a difference."));
}

void BeamPanel::showMessage(const QString& text)
{
    final_->setRowCount(0);
    steps_->clear();
    summary_->setText(text);
    note_->clear();
}

void BeamPanel::setPresentationMode(bool on)
{
    QFont f = font();
    f.setPointSizeF(on ? 13.0 : QFont().pointSizeF());
    for (QWidget* w : {static_cast<QWidget*>(final_), static_cast<QWidget*>(steps_), static_cast<QWidget*>(summary_)})
        w->setFont(f);
}

QString BeamPanel::summaryText() const { return summary_->text(); }

QString BeamPanel::toText() const
{
    QString out = tr("Beam width %1\n\nFinal candidates (ln p):\n").arg(beamWidth());
    for (int i = 0; i < final_->rowCount(); ++i)
        out += QString("%1. %2  %3\n").arg(i + 1).arg(final_->item(i, 0)->text(), final_->item(i, 1)->text());
    out += tr("\nThe beam after each step:\n");
    for (int t = 0; t < steps_->topLevelItemCount(); ++t) {
        const QTreeWidgetItem* step = steps_->topLevelItem(t);
        out += step->text(0) + "\n";
        for (int k = 0; k < step->childCount(); ++k)
            out += QString("  %1 %2  %3\n").arg(step->child(k)->text(0), step->child(k)->text(1), step->child(k)->text(2));
    }
    return out;
}

} // namespace unroll
