// MetricsPlot; see MetricsPlot.hpp.
#include "labs/translator/MetricsPlot.hpp"

#include "widgets/ColorMaps.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QLabel>
#include <QMenu>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace unroll {

namespace {

constexpr double kPresentationScale = 1.55;

struct Metric {
    const char* name;
    double ValidationMetrics::*field;
};
constexpr Metric kMetrics[3] = {
    {"exact match", &ValidationMetrics::exactMatch},
    {"per-character accuracy", &ValidationMetrics::charAccuracy},
    {"BLEU", &ValidationMetrics::bleu},
};

QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

} // namespace

MetricsPlot::MetricsPlot(QWidget* parent) : QWidget(parent)
{
    setupPlot();
    readout_ = new QLabel(this);
    readout_->setContentsMargins(8, 2, 8, 4);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    readout_->setStyleSheet("color: #464646;");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(plot_, 1);
    layout->addWidget(readout_);
    applyStyle();
    redraw();
}

void MetricsPlot::setupPlot()
{
    plot_ = new QCustomPlot(this);
    plot_->setBackground(Qt::white);
    plot_->setInteractions({});
    plot_->setMinimumHeight(160);

    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("Held-out scores per epoch"));
    title_->setTextColor(QColor(40, 40, 40));
    plot_->plotLayout()->addElement(0, 0, title_);

    for (int b = 0; b < 2; ++b) {
        for (int m = 0; m < 3; ++m) {
            auto* g = plot_->addGraph();
            g->setName(QString::fromUtf8(kMetrics[m].name) + (b ? tr(" (no attention)") : QString()));
            g->setAntialiased(true);
            graphs_[b][m] = g;
            if (b) g->removeFromLegend(); // the subtitle says what dashed means; three legend rows are enough
        }
    }
    plot_->legend->setVisible(true);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setBrush(QColor(255, 255, 255, 220));
    plot_->legend->setRowSpacing(0);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    connect(plot_, &QCustomPlot::beforeReplot, this, &MetricsPlot::placeLegend);

    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("held-out score (%)"));
    plot_->yAxis->setRange(0, 102);
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // 1, 2, 5, 10 … epochs apart as the run grows
    plot_->xAxis->setTicker(ticker);

    placeholder_ = new QCPItemText(plot_);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("Scored on the held-out pairs after each epoch"));
    placeholder_->setColor(QColor(150, 150, 150));

    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const QString text = plot_->axisRect()->rect().contains(e->position().toPoint())
                                 ? readoutAt(plot_->xAxis->pixelToCoord(e->position().x()))
                                 : QString();
        readout_->setText(text.isEmpty() ? (main_.empty() ? QString() : tr("Hover for an epoch's scores · "
                                                                          "right-click to export"))
                                         : text);
    });
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, &MetricsPlot::showContextMenu);
}

void MetricsPlot::applyStyle()
{
    const double s = presentation_ ? kPresentationScale : 1.0;
    QFont tickFont = font();
    tickFont.setPointSizeF(9.0 * s);
    QFont labelFont = font();
    labelFont.setPointSizeF(10.0 * s);
    QFont titleFont = font();
    titleFont.setPointSizeF(11.0 * s);
    titleFont.setBold(true);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setBasePen(QPen(QColor(160, 160, 160), 1));
        axis->setTickPen(QPen(QColor(160, 160, 160), 1));
        axis->setSubTickPen(QPen(QColor(160, 160, 160), 1));
        axis->setTickLabelFont(tickFont);
        axis->setTickLabelColor(QColor(80, 80, 80));
        axis->setLabelFont(labelFont);
        axis->setLabelColor(QColor(40, 40, 40));
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 22), 1));
    }
    plot_->legend->setFont(tickFont);
    plot_->legend->setIconSize(int(18 * s), int(10 * s));
    title_->setFont(titleFont);
    if (subtitle_) subtitle_->setFont(tickFont);
    placeholder_->setFont(labelFont);
    QFont readoutFont = font();
    readoutFont.setPointSizeF(9.0 * s);
    readout_->setFont(readoutFont);
    readout_->setMinimumHeight(QFontMetrics(readoutFont).height() + 6);
    for (int b = 0; b < 2; ++b) {
        for (int m = 0; m < 3; ++m) {
            QCPGraph* g = graphs_[b][m];
            const QColor c = paletteColor(m);
            g->setPen(QPen(c, (b ? 1.6 : 2.2) * s, b ? Qt::DashLine : Qt::SolidLine));
            g->setScatterStyle(b ? QCPScatterStyle(QCPScatterStyle::ssNone)
                                 : QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 5.0 * s));
        }
    }
}

void MetricsPlot::setHistories(const std::vector<EpochRecord>& main, const std::vector<EpochRecord>& baseline)
{
    main_ = main;
    baseline_ = baseline;
    redraw();
}

void MetricsPlot::clear() { setHistories({}, {}); }

int MetricsPlot::epochsShown(bool baseline) const { return graphs_[baseline ? 1 : 0][0]->dataCount(); }

void MetricsPlot::redraw()
{
    int last = 1;
    for (int b = 0; b < 2; ++b) {
        const auto& records = b ? baseline_ : main_;
        for (int m = 0; m < 3; ++m) {
            QVector<double> x, y;
            for (const auto& r : records) {
                x << r.epoch;
                y << 100.0 * (r.metrics.*kMetrics[m].field);
                last = std::max(last, r.epoch);
            }
            graphs_[b][m]->setData(x, y, true);
        }
    }
    // The subtitle says what the dashed lines are, only while there are some.
    if (!baseline_.empty() && !subtitle_) {
        plot_->plotLayout()->insertRow(1);
        subtitle_ = new QCPTextElement(plot_, tr("solid: with attention · dashed: the baseline without attention"));
        subtitle_->setTextColor(QColor(90, 90, 90));
        plot_->plotLayout()->addElement(1, 0, subtitle_);
        applyStyle();
    } else if (baseline_.empty() && subtitle_) {
        plot_->plotLayout()->remove(subtitle_);
        plot_->plotLayout()->simplify();
        subtitle_ = nullptr;
    }
    plot_->xAxis->setRange(0.5, last + 0.5);
    placeholder_->setVisible(main_.empty() && baseline_.empty());
    plot_->legend->setVisible(!main_.empty());
    if (main_.empty()) readout_->clear();
    plot_->replot();
}

// Into the corner of the axis rect that hides the least of the lines (sampled along each segment, in pixels): the
// scores rise from the bottom left to the top right, so early in a run that is the top left, later the bottom right.
void MetricsPlot::placeLegend()
{
    // The layout of this replot (a resize may not have laid the plot out yet): as HeatmapView::fitCells does.
    plot_->plotLayout()->update(QCPLayoutElement::upPreparation);
    plot_->plotLayout()->update(QCPLayoutElement::upMargins);
    plot_->plotLayout()->update(QCPLayoutElement::upLayout);
    QCPAxisRect* rect = plot_->axisRect();
    const QRect area = rect->rect();
    const QSize size = plot_->legend->minimumOuterSizeHint();
    if (area.width() <= 0 || size.isEmpty()) return;
    const Qt::Alignment corners[] = {Qt::AlignBottom | Qt::AlignRight, Qt::AlignTop | Qt::AlignLeft,
                                     Qt::AlignBottom | Qt::AlignLeft, Qt::AlignTop | Qt::AlignRight};
    Qt::Alignment best = corners[0];
    int bestCount = std::numeric_limits<int>::max();
    for (const Qt::Alignment corner : corners) {
        const int x = corner & Qt::AlignLeft ? area.left() : area.right() - size.width();
        const int y = corner & Qt::AlignTop ? area.top() : area.bottom() - size.height();
        const QRect box(x, y, size.width(), size.height());
        int count = 0;
        for (const auto& row : graphs_)
            for (const QCPGraph* g : row) {
                const auto data = g->data();
                for (auto it = data->constBegin(); it != data->constEnd(); ++it) {
                    const auto next = it + 1 == data->constEnd() ? it : it + 1;
                    const QPointF from(plot_->xAxis->coordToPixel(it->key), plot_->yAxis->coordToPixel(it->value));
                    const QPointF to(plot_->xAxis->coordToPixel(next->key), plot_->yAxis->coordToPixel(next->value));
                    const int samples = std::max(1, int(std::hypot(to.x() - from.x(), to.y() - from.y()) / 3));
                    for (int k = 0; k < samples; ++k) // every 3 pixels along the segment
                        count += box.contains((from + (to - from) * (double(k) / samples)).toPoint());
                }
            }
        if (count < bestCount) {
            bestCount = count;
            best = corner;
        }
    }
    rect->insetLayout()->setInsetAlignment(0, best);
}

QString MetricsPlot::readoutAt(double epoch) const
{
    auto find = [epoch](const std::vector<EpochRecord>& records) -> const EpochRecord* {
        const EpochRecord* best = nullptr;
        for (const auto& r : records)
            if (!best || std::abs(r.epoch - epoch) < std::abs(best->epoch - epoch)) best = &r;
        return best && std::abs(best->epoch - epoch) <= 0.5 ? best : nullptr;
    };
    const EpochRecord* r = find(main_);
    if (!r) return {};
    auto scores = [](const EpochRecord& e) {
        return tr("exact %1 · chars %2 · BLEU %3")
            .arg(percent(e.metrics.exactMatch), percent(e.metrics.charAccuracy), percent(e.metrics.bleu));
    };
    QString text = tr("epoch %1 (step %2): %3").arg(r->epoch).arg(r->step).arg(scores(*r));
    for (const auto& b : baseline_)
        if (b.epoch == r->epoch) text += tr("   without attention: %1").arg(scores(b));
    return text;
}

QString MetricsPlot::readoutText() const { return readout_->text(); }

void MetricsPlot::setPresentationMode(bool on)
{
    presentation_ = on;
    applyStyle();
    plot_->replot();
}

QString MetricsPlot::toCsv() const
{
    QString out = "model,epoch,step,loss,learning_rate,exact_match,char_accuracy,bleu\n";
    for (int b = 0; b < 2; ++b)
        for (const auto& r : b ? baseline_ : main_)
            out += QStringList{b ? "without attention" : "with attention", QString::number(r.epoch),
                               QString::number(r.step), csvNumber(r.loss), csvNumber(r.learningRate),
                               csvNumber(r.metrics.exactMatch), csvNumber(r.metrics.charAccuracy),
                               csvNumber(r.metrics.bleu)}
                       .join(',') +
                   "\n";
    return out;
}

bool MetricsPlot::exportCsv(const QString& path, QString* error) const
{
    return saveTextAtomically(path, toCsv(), error);
}

bool MetricsPlot::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    return savePlotPng(plot_, path, size, scale, error);
}

bool MetricsPlot::exportPdf(const QString& path, QSize size, QString* error)
{
    return savePlotPdf(plot_, path, size, title_->text(), error);
}

void MetricsPlot::showContextMenu(const QPoint& pos)
{
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    addExportActions(menu, this, [this](const QString& kind) {
        exportPlotWithDialog(this, kind, QStringLiteral("held-out scores"));
    });
    menu->popup(plot_->mapToGlobal(pos));
}

} // namespace unroll
