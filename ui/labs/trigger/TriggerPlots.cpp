// EpochPlot and SweepPlot; see TriggerPlots.hpp.
#include "labs/trigger/TriggerPlots.hpp"

#include "widgets/ColorMaps.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QLabel>
#include <QMenu>
#include <QVBoxLayout>

#include <cmath>

namespace unroll {

namespace {

QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

// The look every plot of the lab shares: a title row, grey axes, a readout line under the plot, the export menu.
QCustomPlot* makePlot(QWidget* owner, const QString& title, QCPTextElement*& titleElement, QLabel*& readout,
                      QCPItemText*& placeholder, const QString& placeholderText, const QString& exportTitle)
{
    auto* plot = new QCustomPlot(owner);
    plot->setBackground(Qt::white);
    plot->setInteractions({});
    plot->setMinimumHeight(150);
    plot->plotLayout()->insertRow(0);
    titleElement = new QCPTextElement(plot, title);
    QFont titleFont = owner->font();
    titleFont.setPointSizeF(10.5);
    titleFont.setBold(true);
    titleElement->setFont(titleFont);
    titleElement->setTextColor(QColor(40, 40, 40));
    plot->plotLayout()->addElement(0, 0, titleElement);
    QFont tickFont = owner->font();
    tickFont.setPointSizeF(8.5);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setBasePen(QPen(QColor(160, 160, 160)));
        axis->setTickPen(QPen(QColor(160, 160, 160)));
        axis->setSubTickPen(QPen(QColor(160, 160, 160)));
        axis->setTickLabelFont(tickFont);
        axis->setTickLabelColor(QColor(80, 80, 80));
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 22)));
    }
    plot->legend->setFont(tickFont);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->legend->setRowSpacing(0);
    placeholder = new QCPItemText(plot);
    placeholder->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder->position->setCoords(0.5, 0.5);
    placeholder->setText(placeholderText);
    placeholder->setColor(QColor(150, 150, 150));
    readout = new QLabel(owner);
    readout->setContentsMargins(8, 2, 8, 2);
    readout->setStyleSheet("color: #464646;");
    readout->setMinimumHeight(readout->fontMetrics().height() + 4);
    auto* layout = new QVBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(plot, 1);
    layout->addWidget(readout);
    plot->setMouseTracking(true);
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, owner, [owner, plot, exportTitle](const QPoint& pos) {
        auto* menu = new QMenu(owner);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        addExportActions(menu, owner, [owner, exportTitle](const QString& kind) {
            if (auto* e = qobject_cast<EpochPlot*>(owner)) exportPlotWithDialog(e, kind, exportTitle);
            else if (auto* s = qobject_cast<SweepPlot*>(owner)) exportPlotWithDialog(s, kind, exportTitle);
        });
        menu->popup(plot->mapToGlobal(pos));
    });
    return plot;
}

} // namespace

// --- EpochPlot -------------------------------------------------------------------------------------------------------

EpochPlot::EpochPlot(Kind kind, QWidget* parent) : QWidget(parent), kind_(kind)
{
    const bool frames = kind == Kind::FrameAccuracy;
    plot_ = makePlot(this, frames ? tr("Per-frame accuracy") : tr("Held-out detections"), title_, readout_,
                     placeholder_, tr("Scored on the held-out clips after each epoch"),
                     frames ? "frame accuracy" : "held-out detections");
    const QString names[2][2] = {{tr("training"), tr("held-out")}, {tr("precision"), tr("recall")}};
    for (int i = 0; i < 2; ++i) {
        graphs_[i] = plot_->addGraph();
        graphs_[i]->setName(names[frames ? 0 : 1][i]);
        const QColor c = paletteColor(frames ? i : i + 2);
        graphs_[i]->setPen(QPen(c, 2));
        graphs_[i]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 5));
    }
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(frames ? tr("frames right (%)") : tr("held-out (%)"));
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(ticker);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        readout_->setText(plot_->axisRect()->rect().contains(e->position().toPoint())
                              ? readoutAt(plot_->xAxis->pixelToCoord(e->position().x()))
                              : QString());
    });
    redraw();
}

void EpochPlot::setHistory(const std::vector<TriggerEpoch>& history)
{
    history_ = history;
    redraw();
}

int EpochPlot::pointsShown() const { return graphs_[0]->dataCount(); }

void EpochPlot::redraw()
{
    const bool frames = kind_ == Kind::FrameAccuracy;
    QVector<double> x, a, b;
    double lowest = 100;
    for (const auto& e : history_) {
        x << e.epoch;
        a << 100 * (frames ? e.frameAccuracy : e.heldOut.precision());
        b << 100 * (frames ? e.heldOutFrameAccuracy : e.heldOut.recall());
        lowest = std::min({lowest, a.back(), b.back()});
    }
    graphs_[0]->setData(x, a, true);
    graphs_[1]->setData(x, b, true);
    // Frame accuracy starts near 90 % (most frames are 0): the axis shows the part that moves.
    const double bottom = frames ? std::max(0.0, std::floor((lowest - 2) / 5) * 5) : 0.0;
    plot_->yAxis->setRange(bottom, 101);
    plot_->xAxis->setRange(0.5, std::max<double>(1, history_.empty() ? 1 : history_.back().epoch) + 0.5);
    placeholder_->setVisible(history_.empty());
    plot_->legend->setVisible(!history_.empty());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString EpochPlot::readoutAt(double epoch) const
{
    for (const auto& e : history_) {
        if (std::abs(e.epoch - epoch) > 0.5) continue;
        if (kind_ == Kind::FrameAccuracy)
            return tr("epoch %1 (step %2): training %3 · held-out %4 of the frames on the right side of 0.5")
                .arg(e.epoch).arg(e.step).arg(percent(e.frameAccuracy), percent(e.heldOutFrameAccuracy));
        return tr("epoch %1: precision %2 · recall %3 (%4 of %5 trigger words) · %6 false accepts (%7 per hour)")
            .arg(e.epoch)
            .arg(percent(e.heldOut.precision()), percent(e.heldOut.recall()))
            .arg(e.heldOut.hits)
            .arg(e.heldOut.positives)
            .arg(e.heldOut.falseAccepts)
            .arg(e.heldOut.falseAcceptsPerHour(), 0, 'f', 1);
    }
    return {};
}

QString EpochPlot::toCsv() const
{
    QString out = "epoch,step,loss,frame_accuracy,held_out_loss,held_out_frame_accuracy,positives,hits,false_accepts,"
                  "precision,recall,false_accepts_per_hour,seconds\n";
    for (const auto& e : history_)
        out += QStringList{QString::number(e.epoch), QString::number(e.step), csvNumber(e.loss),
                           csvNumber(e.frameAccuracy), csvNumber(e.heldOutLoss), csvNumber(e.heldOutFrameAccuracy),
                           QString::number(e.heldOut.positives), QString::number(e.heldOut.hits),
                           QString::number(e.heldOut.falseAccepts), csvNumber(e.heldOut.precision()),
                           csvNumber(e.heldOut.recall()), csvNumber(e.heldOut.falseAcceptsPerHour()),
                           csvNumber(e.seconds)}
                   .join(',') +
               "\n";
    return out;
}

bool EpochPlot::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    return savePlotPng(plot_, path, size, scale, error);
}
bool EpochPlot::exportPdf(const QString& path, QSize size, QString* error)
{
    return savePlotPdf(plot_, path, size, title_->text(), error);
}
bool EpochPlot::exportCsv(const QString& path, QString* error) const { return saveTextAtomically(path, toCsv(), error); }

// --- SweepPlot -------------------------------------------------------------------------------------------------------

SweepPlot::SweepPlot(QWidget* parent) : QWidget(parent)
{
    plot_ = makePlot(this, tr("Threshold sweep (held-out)"), title_, readout_, placeholder_,
                     tr("The thresholds 0.05 … 0.95 are swept on the held-out clips after each epoch"),
                     "threshold sweep");
    curve_ = plot_->addGraph();
    curve_->setName(tr("thresholds 0.05 … 0.95"));
    const QColor c = paletteColor(0);
    curve_->setPen(QPen(c, 1.8));
    curve_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, Qt::white, 6));
    marked_ = plot_->addGraph();
    marked_->setName(tr("the lab's threshold"));
    marked_->setLineStyle(QCPGraph::lsNone);
    marked_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(200, 40, 40), QColor(200, 40, 40), 11));
    plot_->xAxis->setLabel(tr("false accepts per hour"));
    plot_->yAxis->setLabel(tr("false rejects (% of trigger words missed)"));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(plot_, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent* e) { readout_->setText(readoutAt(e->position().toPoint())); });
    connect(plot_, &QCustomPlot::beforeReplot, this, &SweepPlot::placeLabels);
    redraw();
}

// Each label at least 28 pixels from the last one shown, in the layout of this replot (the plot may have been
// resized, or laid out for the first time, since the labels were made: as MetricsPlot places its legend).
void SweepPlot::placeLabels()
{
    plot_->plotLayout()->update(QCPLayoutElement::upPreparation);
    plot_->plotLayout()->update(QCPLayoutElement::upMargins);
    plot_->plotLayout()->update(QCPLayoutElement::upLayout);
    QPointF last(-1e9, -1e9);
    for (QCPItemText* t : labels_) {
        const QPointF at = t->position->pixelPosition();
        const bool room = std::hypot(at.x() - last.x(), at.y() - last.y()) >= 28;
        t->setVisible(room);
        if (room) last = at;
    }
}

void SweepPlot::setSweep(const std::vector<SweepPoint>& sweep, int epoch)
{
    sweep_ = sweep;
    epoch_ = epoch;
    redraw();
}

void SweepPlot::setThreshold(double threshold)
{
    threshold_ = threshold;
    redraw();
}

int SweepPlot::pointsShown() const { return curve_->dataCount(); }

// The curve is parametric in the threshold: points in threshold order, drawn as a curve (not sorted by x).
void SweepPlot::redraw()
{
    for (auto* l : labels_) plot_->removeItem(l);
    labels_.clear();
    auto data = QSharedPointer<QCPGraphDataContainer>::create();
    QVector<double> mx, my;
    double maxX = 1, nearest = 2;
    int marked = -1;
    for (std::size_t i = 0; i < sweep_.size(); ++i) {
        const SweepPoint& s = sweep_[i];
        maxX = std::max(maxX, s.falseAcceptsPerHour);
        if (std::abs(s.threshold - threshold_) < nearest) {
            nearest = std::abs(s.threshold - threshold_);
            marked = int(i);
        }
    }
    // The points in order of false accepts (they fall as the threshold rises; ties: the higher threshold first), so
    // the graph joins them as the threshold runs.
    std::vector<std::size_t> order(sweep_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return sweep_[a].falseAcceptsPerHour < sweep_[b].falseAcceptsPerHour ||
               (sweep_[a].falseAcceptsPerHour == sweep_[b].falseAcceptsPerHour && sweep_[a].threshold > sweep_[b].threshold);
    });
    QVector<double> x, y;
    for (std::size_t i : order) {
        x << sweep_[i].falseAcceptsPerHour;
        y << 100 * sweep_[i].falseRejectRate;
    }
    curve_->setData(x, y, true);
    if (marked >= 0) {
        mx << sweep_[size_t(marked)].falseAcceptsPerHour;
        my << 100 * sweep_[size_t(marked)].falseRejectRate;
    }
    marked_->setData(mx, my);
    marked_->setName(marked >= 0 ? tr("threshold %1").arg(sweep_[size_t(marked)].threshold, 0, 'f', 2)
                                 : tr("the lab's threshold"));
    plot_->xAxis->setRange(-0.03 * maxX, maxX * 1.08);
    plot_->yAxis->setRange(-3, 103);
    // The thresholds 0.1, 0.2, … labelled; placeLabels() hides those that would crowd each other.
    for (const SweepPoint& s : sweep_) {
        if (int(std::lround(s.threshold * 100)) % 10 != 0) continue;
        auto* t = new QCPItemText(plot_);
        t->position->setCoords(s.falseAcceptsPerHour, 100 * s.falseRejectRate);
        t->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        t->setPadding(QMargins(4, 0, 0, 2));
        t->setText(QString::number(s.threshold, 'f', 1));
        t->setColor(QColor(90, 90, 90));
        QFont f = font();
        f.setPointSizeF(8);
        t->setFont(f);
        labels_.push_back(t);
    }
    if (marked >= 0) {
        mx << sweep_[size_t(marked)].falseAcceptsPerHour;
        my << 100 * sweep_[size_t(marked)].falseRejectRate;
    }
    marked_->setData(mx, my);
    marked_->setName(marked >= 0 ? tr("threshold %1").arg(sweep_[size_t(marked)].threshold, 0, 'f', 2)
                                 : tr("the lab's threshold"));
    plot_->xAxis->setRange(-0.03 * maxX, maxX * 1.08);
    plot_->yAxis->setRange(-3, 103);
    // The thresholds 0.1, 0.2, … labelled, each at least 28 pixels from the last one placed (the middle thresholds
    // often sit close together).
    QPointF last(-1e9, -1e9);
    for (const SweepPoint& s : sweep_) {
        const int hundredths = int(std::lround(s.threshold * 100));
        if (hundredths % 10 != 0) continue;
        const QPointF at(plot_->xAxis->coordToPixel(s.falseAcceptsPerHour), plot_->yAxis->coordToPixel(100 * s.falseRejectRate));
        if (std::hypot(at.x() - last.x(), at.y() - last.y()) < 28) continue;
        last = at;
        auto* t = new QCPItemText(plot_);
        t->position->setCoords(s.falseAcceptsPerHour, 100 * s.falseRejectRate);
        t->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        t->setPadding(QMargins(4, 0, 0, 2));
        t->setText(QString::number(s.threshold, 'f', 1));
        t->setColor(QColor(90, 90, 90));
        QFont f = font();
        f.setPointSizeF(8);
        t->setFont(f);
        labels_.push_back(t);
    }
    title_->setText(epoch_ > 0 ? tr("Threshold sweep (held-out, epoch %1)").arg(epoch_) : tr("Threshold sweep (held-out)"));
    placeholder_->setVisible(sweep_.empty());
    plot_->legend->setVisible(!sweep_.empty());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString SweepPlot::readoutAt(const QPoint& pixel) const
{
    const SweepPoint* best = nullptr;
    double bestDistance = 12; // pixels
    for (const SweepPoint& s : sweep_) {
        const double d = std::hypot(plot_->xAxis->coordToPixel(s.falseAcceptsPerHour) - pixel.x(),
                                    plot_->yAxis->coordToPixel(100 * s.falseRejectRate) - pixel.y());
        if (d < bestDistance) {
            bestDistance = d;
            best = &s;
        }
    }
    if (!best) return {};
    return tr("threshold %1: %2 of the trigger words missed, %3 false accepts per hour")
        .arg(best->threshold, 0, 'f', 2)
        .arg(percent(best->falseRejectRate))
        .arg(best->falseAcceptsPerHour, 0, 'f', 1);
}

QString SweepPlot::toCsv() const
{
    QString out = "threshold,false_reject_rate,false_accepts_per_hour\n";
    for (const SweepPoint& s : sweep_)
        out += csvNumber(s.threshold) + "," + csvNumber(s.falseRejectRate) + "," + csvNumber(s.falseAcceptsPerHour) + "\n";
    return out;
}

bool SweepPlot::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    return savePlotPng(plot_, path, size, scale, error);
}
bool SweepPlot::exportPdf(const QString& path, QSize size, QString* error)
{
    return savePlotPdf(plot_, path, size, title_->text(), error);
}
bool SweepPlot::exportCsv(const QString& path, QString* error) const { return saveTextAtomically(path, toCsv(), error); }

} // namespace unroll
