// EmojifyEpochPlot; see EpochPlot.hpp.
#include "labs/emojify/EpochPlot.hpp"

#include "widgets/ColorMaps.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QLabel>
#include <QMenu>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

namespace {

constexpr double kPresentationScale = 1.55;
const char* const kModelNames[2] = {"V1", "V2"};

QColor modelColor(int model) { return model ? QColor(214, 96, 24) : QColor(40, 98, 170); }
QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + "%"; }

} // namespace

EmojifyEpochPlot::EmojifyEpochPlot(QWidget* parent) : QWidget(parent)
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

void EmojifyEpochPlot::setupPlot()
{
    plot_ = new QCustomPlot(this);
    plot_->setBackground(Qt::white);
    plot_->setInteractions({});
    plot_->setMinimumHeight(180);
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("Loss and accuracy per epoch"));
    title_->setTextColor(QColor(40, 40, 40));
    plot_->plotLayout()->addElement(0, 0, title_);

    const char* const metric[3] = {"loss", "train accuracy", "test accuracy"};
    for (int m = 0; m < 2; ++m)
        for (int k = 0; k < 3; ++k) {
            auto* g = plot_->addGraph(plot_->xAxis, k == 0 ? plot_->yAxis : plot_->yAxis2);
            g->setName(QString("%1 %2").arg(kModelNames[m], metric[k]));
            g->setAntialiased(true);
            graphs_[m][k] = g;
        }
    plot_->legend->setVisible(true);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setBrush(QColor(255, 255, 255, 210));
    plot_->legend->setRowSpacing(0);
    // Under the axes, V1's three lines in the first row and V2's in the second: inside the axes it would hide them.
    plot_->legend->setWrap(3);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setColumnSpacing(14);
    plot_->axisRect()->insetLayout()->take(plot_->legend);
    plot_->plotLayout()->addElement(2, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(2, 0.001);
    plot_->legend->setMargins(QMargins(4, 0, 4, 2));

    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("training loss (nats)"));
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(tr("accuracy (%)"));
    plot_->yAxis2->setRange(0, 102);

    placeholder_ = new QCPItemText(plot_);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("Press Play (Space): V1 and V2 train side by side"));
    placeholder_->setColor(QColor(150, 150, 150));

    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const QString text = plot_->axisRect()->rect().contains(e->position().toPoint())
                                 ? readoutAt(plot_->xAxis->pixelToCoord(e->position().x()))
                                 : QString();
        readout_->setText(text.isEmpty() ? (v1_.empty() && v2_.empty() ? QString()
                                                                       : tr("Hover for an epoch's values · right-click "
                                                                            "to export"))
                                         : text);
    });
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, &EmojifyEpochPlot::showContextMenu);
}

void EmojifyEpochPlot::applyStyle()
{
    const double s = presentation_ ? kPresentationScale : 1.0;
    QFont tickFont = font();
    tickFont.setPointSizeF(9.0 * s);
    QFont labelFont = font();
    labelFont.setPointSizeF(10.0 * s);
    QFont titleFont = font();
    titleFont.setPointSizeF(11.0 * s);
    titleFont.setBold(true);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
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
    plot_->legend->setIconSize(int(22 * s), int(10 * s));
    title_->setFont(titleFont);
    placeholder_->setFont(labelFont);
    QFont readoutFont = font();
    readoutFont.setPointSizeF(9.0 * s);
    readout_->setFont(readoutFont);
    readout_->setMinimumHeight(QFontMetrics(readoutFont).height() + 6);
    for (int m = 0; m < 2; ++m) {
        const QColor c = modelColor(m);
        graphs_[m][0]->setPen(QPen(c, 2.2 * s, Qt::SolidLine));
        graphs_[m][1]->setPen(QPen(c.lighter(125), 1.6 * s, Qt::DashLine));
        graphs_[m][2]->setPen(QPen(c, 1.8 * s, Qt::DotLine));
    }
}

void EmojifyEpochPlot::setHistories(const std::vector<emojify::EmojifyEpoch>& v1, const std::vector<emojify::EmojifyEpoch>& v2)
{
    v1_ = v1;
    v2_ = v2;
    redraw();
}

void EmojifyEpochPlot::clear() { setHistories({}, {}); }

int EmojifyEpochPlot::pointsShown(int model) const { return graphs_[model ? 1 : 0][0]->dataCount(); }

void EmojifyEpochPlot::setLogEpochs(bool on)
{
    log_ = on;
    redraw();
}

void EmojifyEpochPlot::redraw()
{
    int last = 1;
    double maxLoss = 0;
    for (int m = 0; m < 2; ++m) {
        const auto& records = m ? v2_ : v1_;
        QVector<double> x, loss, train, test;
        for (const auto& r : records) {
            x << r.epoch;
            loss << r.loss;
            train << 100.0 * r.trainAccuracy;
            test << 100.0 * r.testAccuracy;
            last = std::max(last, r.epoch);
            if (std::isfinite(r.loss)) maxLoss = std::max(maxLoss, r.loss);
        }
        graphs_[m][0]->setData(x, loss, true);
        graphs_[m][1]->setData(x, train, true);
        graphs_[m][2]->setData(x, test, true);
        // A model without epochs leaves the legend, unless neither has any (an empty legend collapses the layout).
        for (auto* g : graphs_[m]) {
            if (records.empty() && !(v1_.empty() && v2_.empty())) g->removeFromLegend();
            else g->addToLegend();
        }
    }
    if (log_) {
        plot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        plot_->xAxis->setRange(0.9, std::max(10.0, last * 1.1));
    } else {
        plot_->xAxis->setScaleType(QCPAxis::stLinear);
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        plot_->xAxis->setRange(0, std::max(2, last) + 0.5);
    }
    plot_->yAxis->setRange(0, maxLoss > 0 ? maxLoss * 1.08 : 2.0);
    const bool empty = v1_.empty() && v2_.empty();
    placeholder_->setVisible(empty);
    if (empty) readout_->clear();
    plot_->replot();
}

QString EmojifyEpochPlot::readoutAt(double epoch) const
{
    QStringList parts;
    for (int m = 0; m < 2; ++m) {
        const auto& records = m ? v2_ : v1_;
        const emojify::EmojifyEpoch* best = nullptr;
        for (const auto& r : records)
            if (!best || std::abs(r.epoch - epoch) < std::abs(best->epoch - epoch)) best = &r;
        if (!best || std::abs(best->epoch - epoch) > std::max(0.5, 0.06 * epoch)) continue;
        parts << tr("%1 epoch %2: loss %3 · train %4 · test %5")
                     .arg(kModelNames[m])
                     .arg(best->epoch)
                     .arg(best->loss, 0, 'f', 4)
                     .arg(percent(best->trainAccuracy), percent(best->testAccuracy));
    }
    return parts.join("   ");
}

void EmojifyEpochPlot::setPresentationMode(bool on)
{
    presentation_ = on;
    applyStyle();
    plot_->replot();
}

QString EmojifyEpochPlot::toCsv() const
{
    QString out = "model,epoch,loss,train_accuracy,validation_accuracy,test_accuracy,seconds\n";
    for (int m = 0; m < 2; ++m)
        for (const auto& r : m ? v2_ : v1_)
            out += QStringList{kModelNames[m], QString::number(r.epoch), csvNumber(r.loss), csvNumber(r.trainAccuracy),
                               csvNumber(r.validationAccuracy), csvNumber(r.testAccuracy), csvNumber(r.seconds)}
                       .join(',') +
                   "\n";
    return out;
}

bool EmojifyEpochPlot::exportCsv(const QString& path, QString* error) const { return saveTextAtomically(path, toCsv(), error); }

bool EmojifyEpochPlot::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    return savePlotPng(plot_, path, size, scale, error);
}

bool EmojifyEpochPlot::exportPdf(const QString& path, QSize size, QString* error)
{
    return savePlotPdf(plot_, path, size, title_->text(), error);
}

void EmojifyEpochPlot::showContextMenu(const QPoint& pos)
{
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    auto* logAction = menu->addAction(tr("Logarithmic epoch axis"));
    logAction->setCheckable(true);
    logAction->setChecked(log_);
    connect(logAction, &QAction::toggled, this, &EmojifyEpochPlot::setLogEpochs);
    menu->addSeparator();
    addExportActions(menu, this, [this](const QString& kind) { exportPlotWithDialog(this, kind, QStringLiteral("emojify training")); });
    menu->popup(plot_->mapToGlobal(pos));
}

} // namespace unroll
