// The Emojify lab's smaller views; see Views.hpp.
#include "labs/emojify/Views.hpp"

#include "labs/emojify/EmojiText.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QBuffer>
#include <QGridLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

namespace {

QColor modelColor(int model) { return model ? QColor(214, 96, 24) : QColor(40, 98, 170); }

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error) *error = QString("Cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

// A colour between white and c, at strength t in [0, 1].
QColor tint(const QColor& c, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(1 - t * (1 - c.redF())), float(1 - t * (1 - c.greenF())),
                            float(1 - t * (1 - c.blueF())));
}

} // namespace

// --- exports ---------------------------------------------------------------------------------------------------------

bool saveWidgetPng(QWidget* widget, const QString& path, double scale, QString* error)
{
    const QSize size = widget->size();
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    widget->render(&image, {}, {}, QWidget::DrawChildren);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        if (error) *error = QString("Cannot encode %1 as PNG").arg(path);
        return false;
    }
    return writeAtomically(path, bytes, error);
}

bool saveWidgetPdf(QWidget* widget, const QString& path, const QString& title, QString* error)
{
    QByteArray bytes;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QPdfWriter pdf(&buffer);
        pdf.setTitle(title);
        pdf.setCreator("Unroll");
        pdf.setResolution(96);
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setPageSize(QPageSize(QSizeF(widget->size()) * 72.0 / 96.0, QPageSize::Point));
        QPainter painter(&pdf);
        widget->render(&painter, {}, {}, QWidget::DrawChildren);
    }
    return writeAtomically(path, bytes, error);
}

void installWidgetExportMenu(QWidget* widget, const QString& title, std::function<QString()> csv)
{
    widget->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(widget, &QWidget::customContextMenuRequested, widget, [widget, title, csv](const QPoint& pos) {
        auto* menu = new QMenu(widget);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        addExportActions(menu, widget, [widget, title, csv](const QString& kind) {
            const QString path = askExportPath(widget, kind, title);
            if (path.isEmpty()) return;
            QString error;
            bool ok = false;
            if (kind == "PNG") ok = saveWidgetPng(widget, path, std::max(2.0, widget->devicePixelRatioF()), &error);
            else if (kind == "PDF") ok = saveWidgetPdf(widget, path, title, &error);
            else ok = saveTextAtomically(path, csv(), &error);
            if (!ok) warnExportFailed(widget, error);
        });
        menu->popup(widget->mapToGlobal(pos));
    });
}

// --- ProbabilityBars -------------------------------------------------------------------------------------------------

// Two horizontal bars, V1's above V2's, each with its percentage.
class ProbabilityBars::Bars : public QWidget {
public:
    double p[2] = {-1, -1}; // < 0: absent
    bool best[2] = {false, false};
    QSize sizeHint() const override { return {220, 2 * fontMetrics().height() + 8}; }
    QSize minimumSizeHint() const override { return {120, 2 * fontMetrics().height() + 6}; }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QFontMetrics fm = fontMetrics();
        const int textWidth = fm.horizontalAdvance("100.0%") + 6;
        const int barHeight = (height() - 4) / 2;
        const int full = std::max(10, width() - textWidth - 30);
        for (int m = 0; m < 2; ++m) {
            const int y = 1 + m * (barHeight + 2);
            painter.setPen(QColor(110, 110, 110));
            painter.drawText(QRect(0, y, 26, barHeight), Qt::AlignVCenter | Qt::AlignLeft, m ? "V2" : "V1");
            if (p[m] < 0) continue;
            const QRect track(28, y + 1, full, barHeight - 2);
            painter.fillRect(track, QColor(238, 240, 244));
            QRect bar = track;
            bar.setWidth(std::max(1, int(std::lround(full * std::clamp(p[m], 0.0, 1.0)))));
            painter.fillRect(bar, best[m] ? modelColor(m) : modelColor(m).lighter(150));
            QFont f = font();
            f.setBold(best[m]);
            painter.setFont(f);
            painter.setPen(QColor(40, 40, 40));
            painter.drawText(QRect(track.right() + 4, y, textWidth, barHeight), Qt::AlignVCenter | Qt::AlignLeft,
                             QString::number(100.0 * p[m], 'f', 1) + "%");
            painter.setFont(font());
        }
    }
};

ProbabilityBars::ProbabilityBars(QWidget* parent) : QWidget(parent)
{
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(4, 2, 4, 2);
    v->setSpacing(2);
    grid_ = new QGridLayout;
    grid_->setHorizontalSpacing(8);
    grid_->setVerticalSpacing(3);
    v->addLayout(grid_);
    legend_ = new QLabel;
    legend_->setStyleSheet("color: #4c566a;");
    legend_->setWordWrap(true);
    v->addWidget(legend_);
    v->addStretch(1);
    installWidgetExportMenu(this, tr("class probabilities"), [this] { return toCsv(); });
}

QSize ProbabilityBars::sizeHint() const { return {360, int(classes_.size()) * 40 + 40}; }

void ProbabilityBars::setClasses(const std::vector<emojify::EmojiClass>& classes, bool emojiFont)
{
    classes_ = classes;
    emojiFont_ = emojiFont;
    rebuild();
}

void ProbabilityBars::rebuild()
{
    while (QLayoutItem* item = grid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    emojiLabels_.clear();
    bars_.clear();
    for (int k = 0; k < int(classes_.size()); ++k) {
        const ClassText t = classText(classes_[std::size_t(k)], k, emojiFont_);
        auto* glyph = new QLabel(t.text);
        if (t.emoji) glyph->setFont(emojiFont(17));
        else {
            QFont f = font();
            f.setBold(true);
            glyph->setFont(f);
        }
        glyph->setAlignment(Qt::AlignCenter);
        glyph->setMinimumWidth(t.emoji ? 34 : 0);
        glyph->setToolTip(className(classes_[std::size_t(k)], k));
        auto* name = new QLabel(t.emoji ? className(classes_[std::size_t(k)], k) : QString());
        name->setStyleSheet("color: #4c566a;");
        auto* bars = new Bars;
        grid_->addWidget(glyph, k, 0);
        grid_->addWidget(name, k, 1);
        grid_->addWidget(bars, k, 2);
        emojiLabels_.push_back(glyph);
        bars_.push_back(bars);
    }
    grid_->setColumnStretch(2, 1);
    setProbabilities(p1_, p2_);
}

void ProbabilityBars::setProbabilities(const Eigen::VectorXd& v1, const Eigen::VectorXd& v2)
{
    p1_ = v1;
    p2_ = v2;
    const Eigen::Index n = Eigen::Index(classes_.size());
    const Eigen::VectorXd* p[2] = {&p1_, &p2_};
    for (int m = 0; m < 2; ++m) {
        const bool present = p[m]->size() == n && n > 0;
        Eigen::Index best = 0;
        if (present) p[m]->maxCoeff(&best);
        for (Eigen::Index k = 0; k < n; ++k) {
            bars_[std::size_t(k)]->p[m] = present ? (*p[m])(k) : -1;
            bars_[std::size_t(k)]->best[m] = present && k == best;
            bars_[std::size_t(k)]->update();
        }
    }
    legend_->setText(p1_.size() == 0 && p2_.size() == 0
                         ? tr("Type a sentence: each model's probability of every class appears here.")
                         : tr("<span style='color:%1'>■</span> V1 (average of the word vectors) &nbsp; "
                              "<span style='color:%2'>■</span> V2 (two-layer LSTM); the darker bar is each model's "
                              "choice.")
                               .arg(modelColor(0).name(), modelColor(1).name()));
}

QString ProbabilityBars::toCsv() const
{
    QString out = "class,name,emoji,v1,v2\n";
    for (int k = 0; k < int(classes_.size()); ++k) {
        const auto& c = classes_[std::size_t(k)];
        out += QStringList{QString::number(k), csvField(className(c, k)), csvField(QString::fromStdString(c.emoji)),
                           k < p1_.size() ? csvNumber(p1_(k)) : QString(), k < p2_.size() ? csvNumber(p2_(k)) : QString()}
                   .join(',') +
               "\n";
    }
    return out;
}

// --- WordChips -------------------------------------------------------------------------------------------------------

WordChips::WordChips(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
    installWidgetExportMenu(this, tr("V1 word contributions"), [this] {
        QString out = "word,known";
        for (int k = 0; k < int(classes_.size()); ++k) out += "," + csvField(className(classes_[std::size_t(k)], k));
        out += "\n";
        for (std::size_t i = 0; i < explanation_.tokens.size(); ++i) {
            out += csvField(QString::fromStdString(explanation_.tokens[i])) + (explanation_.known[i] ? ",1" : ",0");
            for (Eigen::Index k = 0; k < explanation_.contributions.rows(); ++k)
                out += "," + csvNumber(explanation_.contributions(k, Eigen::Index(i)));
            out += "\n";
        }
        return out;
    });
}

void WordChips::clear()
{
    chips_.clear();
    explanation_ = {};
    layoutChips();
    update();
}

void WordChips::setExplanation(const emojify::AverageExplanation& e, const std::vector<emojify::EmojiClass>& classes)
{
    explanation_ = e;
    classes_ = classes;
    chips_.clear();
    scale_ = 1e-12;
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
        Chip c;
        c.text = QString::fromStdString(e.tokens[i]);
        c.known = i < e.known.size() && e.known[i];
        if (c.known && e.contributions.rows() > 0) {
            Eigen::Index k = 0;
            c.push = e.contributions.col(Eigen::Index(i)).maxCoeff(&k);
            c.cls = int(k);
            scale_ = std::max(scale_, std::abs(c.push));
        }
        chips_.push_back(c);
    }
    layoutChips();
    update();
}

int WordChips::strongestClass(int i) const { return i >= 0 && i < chipCount() ? chips_[std::size_t(i)].cls : -1; }

void WordChips::layoutChips()
{
    const QFontMetrics fm(font());
    const int pad = 8, gap = 6, h = fm.height() + 10;
    int x = 2, y = 2;
    for (Chip& c : chips_) {
        const int w = fm.horizontalAdvance(c.text) + 2 * pad;
        if (x > 2 && x + w > width() - 2) {
            x = 2;
            y += h + gap;
        }
        c.rect = QRect(x, y, w, h);
        x += w + gap;
    }
    const int needed = chips_.empty() ? h + 4 : chips_.back().rect.bottom() + 4;
    if (needed != height_) {
        height_ = needed;
        updateGeometry();
    }
}

QSize WordChips::sizeHint() const { return {400, height_}; }
QSize WordChips::minimumSizeHint() const { return {100, height_}; }

void WordChips::resizeEvent(QResizeEvent*) { layoutChips(); }

void WordChips::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    if (chips_.empty()) {
        painter.setPen(QColor(140, 140, 140));
        painter.drawText(rect().adjusted(4, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                         tr("The words of the sentence appear here, tinted by the class each pushes V1 towards."));
        return;
    }
    for (const Chip& c : chips_) {
        QFont f = font();
        if (!c.known) {
            f.setStrikeOut(true);
            painter.setPen(QPen(QColor(180, 180, 180), 1, Qt::DashLine));
            painter.setBrush(QColor(245, 245, 245));
        } else {
            const QColor base = classColor(c.cls);
            painter.setPen(QPen(base, 1.2));
            painter.setBrush(tint(base, 0.18 + 0.62 * std::max(0.0, c.push) / scale_));
        }
        painter.drawRoundedRect(QRectF(c.rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
        painter.setFont(f);
        painter.setPen(c.known ? QColor(25, 25, 25) : QColor(150, 150, 150));
        painter.drawText(c.rect, Qt::AlignCenter, c.text);
    }
}

int WordChips::chipAt(const QPoint& pos) const
{
    for (int i = 0; i < chipCount(); ++i)
        if (chips_[std::size_t(i)].rect.contains(pos)) return i;
    return -1;
}

QString WordChips::chipTooltip(int i) const
{
    if (i < 0 || i >= chipCount()) return {};
    const Chip& c = chips_[std::size_t(i)];
    if (!c.known) return tr("“%1” is not in the word vectors: V1 skips it").arg(c.text.toHtmlEscaped());
    QString text = tr("<b>%1</b>: W·e / n, its push on each class's logit<table>").arg(c.text.toHtmlEscaped());
    for (Eigen::Index k = 0; k < explanation_.contributions.rows(); ++k)
        text += QString("<tr><td>%1&nbsp;&nbsp;</td><td align=right>%2%3</td></tr>")
                    .arg(classHtml(classes_[std::size_t(k)], int(k), emojiFontAvailable()))
                    .arg(explanation_.contributions(k, i) >= 0 ? "+" : "")
                    .arg(explanation_.contributions(k, i), 0, 'f', 3);
    return text + "</table>";
}

bool WordChips::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const int i = chipAt(help->pos());
        if (i >= 0) QToolTip::showText(help->globalPos(), chipTooltip(i), this, chips_[std::size_t(i)].rect);
        else QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

// --- PrefixPlot ------------------------------------------------------------------------------------------------------

PrefixPlot::PrefixPlot(QWidget* parent) : QWidget(parent)
{
    plot_ = new QCustomPlot(this);
    plot_->setBackground(Qt::white);
    plot_->setInteractions({});
    plot_->setMinimumHeight(150);
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("V2 after each word: P(class | words so far)"));
    QFont tf = font();
    tf.setBold(true);
    title_->setFont(tf);
    plot_->plotLayout()->addElement(0, 0, title_);
    plot_->yAxis->setRange(0, 1);
    plot_->yAxis->setLabel(tr("probability"));
    plot_->xAxis->setLabel(tr("after the word"));
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setBasePen(QPen(QColor(160, 160, 160), 1));
        axis->setTickPen(QPen(QColor(160, 160, 160), 1));
        axis->setSubTickPen(Qt::NoPen);
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 22), 1));
    }
    plot_->legend->setVisible(true);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setBrush(QColor(255, 255, 255, 220));
    plot_->legend->setRowSpacing(0);
    QFont lf = font();
    lf.setPointSizeF(8.5);
    plot_->legend->setFont(lf);
    // The legend to the right of the bars, outside them: stacked bars fill the whole height.
    auto* legendRect = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(1, 1, legendRect);
    legendRect->addElement(0, 0, plot_->legend);
    legendRect->setMargins(QMargins(0, 0, 4, 0));
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
    placeholder_ = new QCPItemText(plot_);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("No known word yet"));
    placeholder_->setColor(QColor(150, 150, 150));
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(plot_);
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        auto* menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        addExportActions(menu, this, [this](const QString& kind) { exportPlotWithDialog(this, kind, "V2 prefixes"); });
        menu->popup(plot_->mapToGlobal(pos));
    });
    clear();
}

void PrefixPlot::clear()
{
    setExplanation({}, {});
}

void PrefixPlot::setExplanation(const emojify::LstmExplanation& e, const std::vector<emojify::EmojiClass>& classes)
{
    // One bar series per class, stacked (class 0 at the bottom).
    if (bars_.size() != classes.size()) {
        for (QCPBars* b : bars_) plot_->removePlottable(b);
        bars_.clear();
        for (std::size_t k = 0; k < classes.size(); ++k) {
            auto* b = new QCPBars(plot_->xAxis, plot_->yAxis);
            b->setWidth(0.7);
            b->setPen(QPen(Qt::white, 0.8));
            b->setBrush(classColor(int(k)));
            if (!bars_.empty()) b->moveAbove(bars_.back());
            bars_.push_back(b);
        }
    }
    classNames_.clear();
    for (std::size_t k = 0; k < classes.size(); ++k) {
        bars_[k]->setName(className(classes[k], int(k)));
        classNames_.push_back(className(classes[k], int(k)).toStdString());
    }
    words_.clear();
    for (std::size_t i = 0; i < e.tokens.size(); ++i)
        if (i < e.steps.size() && e.steps[i] >= 0) words_ << QString::fromStdString(e.tokens[i]);
    probabilities_ = e.prefixProbabilities;
    columns_ = int(std::min<Eigen::Index>(probabilities_.cols(), Eigen::Index(words_.size())));
    QVector<double> keys;
    for (int t = 0; t < columns_; ++t) keys << t;
    for (std::size_t k = 0; k < bars_.size(); ++k) {
        QVector<double> values;
        for (int t = 0; t < columns_; ++t) values << probabilities_(Eigen::Index(k), t);
        bars_[k]->setData(keys, values, true);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int t = 0; t < columns_; ++t) ticker->addTick(t, words_[t]);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.6, std::max(1, columns_) - 0.4);
    placeholder_->setVisible(columns_ == 0);
    plot_->legend->setVisible(!bars_.empty());
    plot_->replot();
}

QString PrefixPlot::toCsv() const
{
    QString out = "after_word,word";
    for (const auto& n : classNames_) out += "," + csvField(QString::fromStdString(n));
    out += "\n";
    for (int t = 0; t < columns_; ++t) {
        out += QString::number(t + 1) + "," + csvField(words_[t]);
        for (Eigen::Index k = 0; k < probabilities_.rows(); ++k) out += "," + csvNumber(probabilities_(k, t));
        out += "\n";
    }
    return out;
}

bool PrefixPlot::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    return savePlotPng(plot_, path, size, scale, error);
}

bool PrefixPlot::exportPdf(const QString& path, QSize size, QString* error)
{
    return savePlotPdf(plot_, path, size, title_->text(), error);
}

bool PrefixPlot::exportCsv(const QString& path, QString* error) const { return saveTextAtomically(path, toCsv(), error); }

} // namespace unroll
