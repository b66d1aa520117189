// Heatmap view: a QCPColorMap with a labelled QCPColorScale, tick labels thinned to fit, square-ish cells kept by
// padding the axis rect before every replot, hover readout and click on cells, PNG/PDF/CSV export.
#include "widgets/HeatmapView.hpp"

#include "widgets/ElidingLabel.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QActionGroup>
#include <QFontMetricsF>
#include <QLabel>
#include <QMenu>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace unroll {

namespace {

constexpr double kPresentationScale = 1.55;
const QSize kHeatmapHintMin(160, 110);  // the smallest a heatmap asks for (cells shrink, labels thin out)
const QSize kHeatmapHintMax(720, 520);  // the most it asks for; it takes more when a layout gives it more
const QString kOverlayLayer = QStringLiteral("outlines"); // QCustomPlot already has an "overlay" layer

// The smallest of 1, 2, 5, 10, 20, 50, ... that is >= need.
int niceStride(double need) {
    if (!(need > 1.0)) return 1;
    for (int decade = 1;; decade *= 10) {
        for (int m : {1, 2, 5}) {
            if (m * decade >= need) return m * decade;
        }
        if (decade > 100'000'000) return decade;
    }
}

// QCustomPlot's size hints are its layout's minimum outer size, and that includes the padding fitCells() adds to keep
// the cells square, i.e. a hint that follows the widget's own size. A layout that honours it grows the widget, which
// grows the padding, which grows the hint: a dialog widened by 300 px a second and a window whose minimum width
// reached thousands of pixels. This plot's hints depend only on the matrix's shape, and are bounded.
class HeatmapPlot : public QCustomPlot {
public:
    using QCustomPlot::QCustomPlot;
    QSize hint{kHeatmapHintMin.width() + 120, kHeatmapHintMin.height() + 80};
    QSize minHint = kHeatmapHintMin;
    QSize sizeHint() const override { return hint; }
    QSize minimumSizeHint() const override { return minHint; }
};

void layOut(QCustomPlot* plot) {
    plot->plotLayout()->update(QCPLayoutElement::upPreparation);
    plot->plotLayout()->update(QCPLayoutElement::upMargins);
    plot->plotLayout()->update(QCPLayoutElement::upLayout);
}

} // namespace

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent) {
    setupPlot();
    setupAxes();
    setupColorScale();
    setupOverlays();
    setupReadout();
    setupContextMenu();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(plot_, 1);
    layout->addWidget(readout_);

    applyStyle();
    updateRange();
    positionOverlays();
    plot_->replot();
}

HeatmapView::~HeatmapView() = default;

void HeatmapView::setupPlot() {
    plot_ = new HeatmapPlot(this);
    plot_->setBackground(Qt::white);
    plot_->setInteractions({}); // a heatmap is read, not navigated: no drag, no zoom
    plot_->setNotAntialiasedElements(QCP::aeAll); // crisp cell edges and outlines
    plot_->addLayer(kOverlayLayer, plot_->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    plot_->layer(kOverlayLayer)->setMode(QCPLayer::lmBuffered); // hovering redraws only the outlines
    plot_->setMouseTracking(true);
    plot_->installEventFilter(this);

    map_ = new QCPColorMap(plot_->xAxis2, plot_->yAxis);
    map_->setInterpolate(false);    // one flat colour per cell
    map_->setTightBoundary(false);  // cells centred on integer coordinates, half a cell either side
    map_->setSelectable(QCP::stNone);

    // Square-ish cells need the layout of this replot: fit them first.
    connect(plot_, &QCustomPlot::beforeReplot, this, &HeatmapView::fitCells);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) { hover(e->position().toPoint()); });
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        pressed_ = e->button() == Qt::LeftButton ? cellAt(e->position().toPoint()) : Cell{};
    });
    connect(plot_, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* e) {
        if (e->button() != Qt::LeftButton) return;
        const Cell cell = cellAt(e->position().toPoint());
        if (cell.valid() && cell == pressed_) {
            setSelectedCell(cell);
            emit cellClicked(cell.row, cell.col);
        }
        pressed_ = {};
    });
}

void HeatmapView::setupAxes() {
    // Columns along the top (the attention-figure convention), rows down the left with row 0 at the top. No axis
    // lines and no grid: the cells themselves are the frame.
    plot_->xAxis->setVisible(!columnsOnTop_);
    plot_->xAxis2->setVisible(columnsOnTop_);
    plot_->yAxis->setRangeReversed(true);
    for (QCPAxis* axis : {plot_->xAxis, plot_->xAxis2, plot_->yAxis}) {
        axis->setBasePen(Qt::NoPen);
        axis->setSubTicks(false);
        axis->setTickLengthIn(0);
        axis->setTickLengthOut(3);
        axis->grid()->setVisible(false);
        axis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    }
    plot_->yAxis2->setVisible(false);
}

void HeatmapView::setupColorScale() {
    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->axis()->setLabel(QStringLiteral("value"));
    scale_->axis()->setNumberFormat(QStringLiteral("g"));
    scale_->axis()->setNumberPrecision(3);
    scale_->axis()->setSubTicks(false);
    scale_->axis()->setBasePen(Qt::NoPen);
    map_->setColorScale(scale_);
    scale_->setGradient(toGradient(colorMap_));

    spacer_ = new QCPLayoutElement(plot_);
    plot_->plotLayout()->addElement(0, 2, spacer_);
    spacer_->setMinimumSize(0, 0);
    spacer_->setMaximumSize(0, QWIDGETSIZE_MAX);
    // The bar's top and bottom follow the cells (fitCells sets them). Not a QCPMarginGroup: a group never lets
    // margins shrink again (QCPLayoutElement::calculateAutoMargin returns the current margin), so a map could not
    // grow back after the widget was made smaller and then larger.
}

void HeatmapView::setupOverlays() {
    auto makeRect = [this](const QPen& pen) {
        auto* rect = new QCPItemRect(plot_);
        rect->setLayer(kOverlayLayer);
        rect->setClipToAxisRect(false);
        rect->setSelectable(false);
        rect->setPen(pen);
        rect->setBrush(Qt::NoBrush);
        rect->setVisible(false);
        for (QCPItemPosition* p : {rect->topLeft, rect->bottomRight}) p->setAxes(plot_->xAxis2, plot_->yAxis);
        return rect;
    };
    rowRect_ = makeRect(QPen(QColor(213, 94, 0), 2)); // vermillion: visible on every map
    selectedRect_ = makeRect(QPen(QColor(0, 0, 0), 2));
    // The hover outline is a black line on a white halo, so it shows on dark and light cells alike.
    hoverHalo_ = makeRect(QPen(QColor(255, 255, 255), 3));
    hoverRect_ = makeRect(QPen(QColor(0, 0, 0), 1));

    placeholder_ = new QCPItemText(plot_);
    placeholder_->setLayer(kOverlayLayer);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("No data yet"));
    placeholder_->setColor(QColor(150, 150, 150));
    placeholder_->setSelectable(false);
}

void HeatmapView::setupReadout() {
    hint_ = tr("Hover a cell to read its value · click to select · right-click to export");
    readout_ = new ElidingLabel({}, this); // the hint appears with the first data
    // A long readout is cut at the right with "…" (whole in its tooltip), never widens the view (nor the window).
    readout_->setContentsMargins(8, 2, 8, 4);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = readout_->palette();
    palette.setColor(QPalette::WindowText, QColor(70, 70, 70));
    readout_->setPalette(palette);
}

void HeatmapView::setupContextMenu() {
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, &HeatmapView::showContextMenu);
}

bool HeatmapView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::Leave) hover(QPoint(-1, -1));
    return QWidget::eventFilter(watched, event);
}

void HeatmapView::applyStyle() {
    const double s = presentation_ ? kPresentationScale : 1.0;
    QFont tickFont = font();
    tickFont.setPointSizeF(9.0 * s);
    QFont labelFont = font();
    labelFont.setPointSizeF(10.0 * s);
    const QColor tickColor(150, 150, 150), tickLabelColor(60, 60, 60), labelColor(40, 40, 40);
    for (QCPAxis* axis : {plot_->xAxis, plot_->xAxis2, plot_->yAxis, scale_->axis()}) {
        axis->setTickPen(QPen(tickColor, 1));
        axis->setTickLabelFont(tickFont);
        axis->setTickLabelColor(tickLabelColor);
        axis->setLabelFont(labelFont);
        axis->setLabelColor(labelColor);
        axis->setTickLabelPadding(int(3 * s));
        axis->setLabelPadding(int(5 * s));
    }
    scale_->setBarWidth(int(12 * s));
    placeholder_->setFont(labelFont);
    rowRect_->setPen(QPen(QColor(213, 94, 0), 2.0 * s));
    selectedRect_->setPen(QPen(QColor(0, 0, 0), 2.0 * s));
    hoverHalo_->setPen(QPen(QColor(255, 255, 255), 3.0 * s));
    hoverRect_->setPen(QPen(QColor(0, 0, 0), 1.0 * s));
    QFont readoutFont = font();
    readoutFont.setPointSizeF(9.0 * s);
    readout_->setFont(readoutFont);
    readout_->setMinimumHeight(QFontMetrics(readoutFont).height() + 6); // no jump when the first text appears
    if (title_) {
        QFont titleFont = font();
        titleFont.setPointSizeF(11.0 * s);
        titleFont.setBold(true);
        title_->setFont(titleFont);
    }
}

// --------------------------------------------------------------------------------------------------------------
// Data

void HeatmapView::setData(std::span<const float> rowMajor, int rows, int cols) {
    std::vector<double> values(rowMajor.begin(), rowMajor.end());
    setData(std::span<const double>(values), rows, cols);
}

void HeatmapView::setData(std::span<const double> rowMajor, int rows, int cols) {
    if (rows < 1 || cols < 1 || rowMajor.size() != std::size_t(rows) * std::size_t(cols)) {
        throw std::invalid_argument("HeatmapView::setData: " + std::to_string(rowMajor.size()) +
                                    " values for a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                    " matrix (needs rows, cols >= 1 and rows * cols values)");
    }
    const bool shapeChanged = rows != rows_ || cols != cols_;
    rows_ = rows;
    cols_ = cols;
    values_.assign(rowMajor.begin(), rowMajor.end());

    // QCPColorMapData puts cell i at coordinate i over [0, n - 1]; a single row or column has no extent there, so
    // it is stored twice at +-0.25, which draws one cell over [-0.5, 0.5].
    const int keySize = std::max(cols, 2), valueSize = std::max(rows, 2);
    const QCPRange keyRange = cols == 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, cols - 1);
    const QCPRange valueRange = rows == 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, rows - 1);
    auto* data = map_->data();
    if (data->keySize() != keySize || data->valueSize() != valueSize) data->setSize(keySize, valueSize);
    data->setRange(keyRange, valueRange);
    for (int k = 0; k < keySize; ++k) {
        for (int v = 0; v < valueSize; ++v) {
            const int c = std::min(k, cols - 1), r = std::min(v, rows - 1);
            data->setCell(k, v, values_[std::size_t(r) * std::size_t(cols) + std::size_t(c)]);
        }
    }
    columnAxis()->setRange(-0.5, cols - 0.5);
    rowAxis()->setRange(-0.5, rows - 0.5);
    if (shapeChanged) {
        if (highlightedRow_ >= rows_) highlightedRow_ = -1;
        if (selected_.row >= rows_ || selected_.col >= cols_) selected_ = {};
        hovered_ = {};
    }
    placeholder_->setVisible(false);
    if (shapeChanged) updateSizeHints();
    if (!hovered_.valid()) readout_->setFullText(hint_);
    updateRange();
    positionOverlays();
    plot_->replot();
}

void HeatmapView::updateSizeHints() {
    // About 18 px a cell plus room for labels and the colour bar, between the bounds; never the widget's own size.
    auto* plot = static_cast<HeatmapPlot*>(plot_);
    const double s = presentation_ ? kPresentationScale : 1.0;
    const int w = int(std::lround((std::max(cols_, 1) * 18 + 150) * s));
    const int h = int(std::lround((std::max(rows_, 1) * 18 + 100) * s));
    plot->hint = QSize(std::clamp(w, kHeatmapHintMin.width() + 100, kHeatmapHintMax.width()),
                       std::clamp(h, kHeatmapHintMin.height() + 70, kHeatmapHintMax.height()));
    plot->minHint = kHeatmapHintMin;
    updateGeometry();
}

void HeatmapView::setIndexBase(int base) {
    indexBase_ = base;
    plot_->replot();
}

void HeatmapView::clear() {
    rows_ = cols_ = 0;
    values_.clear();
    map_->data()->clear();
    selected_ = hovered_ = pressed_ = {};
    highlightedRow_ = -1;
    placeholder_->setVisible(true);
    readout_->setFullText({});
    updateRange();
    positionOverlays();
    plot_->replot();
}

double HeatmapView::value(int row, int col) const {
    if (row < 0 || col < 0 || row >= rows_ || col >= cols_) return std::numeric_limits<double>::quiet_NaN();
    return values_[std::size_t(row) * std::size_t(cols_) + std::size_t(col)];
}

void HeatmapView::updateRange() {
    double lo = 0.0, hi = 1.0;
    if (fixed_) {
        lo = fixedLo_;
        hi = fixedHi_;
    } else {
        double mn = std::numeric_limits<double>::infinity(), mx = -mn;
        for (double v : values_) {
            if (!std::isfinite(v)) continue;
            mn = std::min(mn, v);
            mx = std::max(mx, v);
        }
        if (mn <= mx) {
            if (symmetric_) {
                const double m = std::max(std::abs(mn), std::abs(mx));
                lo = m > 0 ? -m : -1.0;
                hi = m > 0 ? m : 1.0;
            } else if (mn == mx) { // one value: give it the middle colour of a small range around it
                const double d = mn == 0 ? 1.0 : 0.1 * std::abs(mn);
                lo = mn - d;
                hi = mx + d;
            } else {
                lo = mn;
                hi = mx;
            }
        } else if (symmetric_) {
            lo = -1.0;
        }
    }
    rangeLo_ = lo;
    rangeHi_ = hi;
    scale_->setDataRange(QCPRange(lo, hi));
}

// --------------------------------------------------------------------------------------------------------------
// Labels and settings

void HeatmapView::setRowLabels(const QStringList& labels) {
    rowLabels_ = labels;
    plot_->replot();
}

void HeatmapView::setColumnLabels(const QStringList& labels) {
    columnLabels_ = labels;
    plot_->replot();
}

void HeatmapView::setAxisLabels(const QString& rowAxis, const QString& columnAxis) {
    plot_->yAxis->setLabel(rowAxis);
    plot_->xAxis->setLabel(columnAxis);
    plot_->xAxis2->setLabel(columnAxis);
    plot_->replot();
}

void HeatmapView::setColumnLabelsOnTop(bool onTop) {
    if (onTop == columnsOnTop_) return;
    QCPAxis* from = columnAxis();
    columnsOnTop_ = onTop;
    QCPAxis* to = columnAxis();
    to->setRange(from->range());
    to->setTicker(from->ticker());
    from->setVisible(false);
    to->setVisible(true);
    map_->setKeyAxis(to);
    for (QCPItemRect* rect : {rowRect_, selectedRect_, hoverHalo_, hoverRect_}) {
        for (QCPItemPosition* p : {rect->topLeft, rect->bottomRight}) p->setAxes(to, plot_->yAxis);
    }
    plot_->replot();
}

QCPAxis* HeatmapView::columnAxis() const { return columnsOnTop_ ? plot_->xAxis2 : plot_->xAxis; }
QCPAxis* HeatmapView::rowAxis() const { return plot_->yAxis; }

void HeatmapView::setColorBarLabel(const QString& label) {
    scale_->axis()->setLabel(label);
    plot_->replot();
}

void HeatmapView::setTitle(const QString& title) {
    if (title.isEmpty()) {
        if (title_) {
            plot_->plotLayout()->remove(title_);
            plot_->plotLayout()->simplify();
            title_ = nullptr;
        }
    } else {
        if (!title_) {
            plot_->plotLayout()->insertRow(0);
            title_ = new QCPTextElement(plot_, title);
            title_->setTextColor(QColor(40, 40, 40));
            plot_->plotLayout()->addElement(0, 0, title_);
            plot_->plotLayout()->setColumnStretchFactor(0, 1);
        }
        title_->setText(title);
        applyStyle();
    }
    plot_->replot();
}

void HeatmapView::setColorMap(ColorMap map) {
    colorMap_ = map;
    scale_->setGradient(toGradient(map));
    plot_->replot();
}

void HeatmapView::setSymmetricRange(bool on) {
    symmetric_ = on;
    updateRange();
    plot_->replot();
}

void HeatmapView::setFixedRange(double lo, double hi) {
    if (!(lo < hi)) {
        throw std::invalid_argument("HeatmapView::setFixedRange: lower " + std::to_string(lo) +
                                    " must be below upper " + std::to_string(hi));
    }
    fixed_ = true;
    fixedLo_ = lo;
    fixedHi_ = hi;
    updateRange();
    plot_->replot();
}

void HeatmapView::clearFixedRange() {
    fixed_ = false;
    updateRange();
    plot_->replot();
}

void HeatmapView::setMaxCellAspect(double ratio) {
    maxAspect_ = std::isfinite(ratio) ? std::max(1.0, ratio) : 1e9;
    plot_->replot();
}

void HeatmapView::setPresentationMode(bool on) {
    presentation_ = on;
    applyStyle();
    updateSizeHints();
    plot_->replot();
}

void HeatmapView::setHighlightedRow(int row) {
    highlightedRow_ = row >= 0 && row < rows_ ? row : -1;
    updateOverlays();
}

void HeatmapView::setSelectedCell(Cell cell) {
    selected_ = cell.valid() && cell.row < rows_ && cell.col < cols_ ? cell : Cell{};
    updateOverlays();
}

QString HeatmapView::displayLabel(const QStringList& labels, int i) const {
    if (i < 0 || i >= labels.size()) return QString::number(i + indexBase_);
    QString label = labels[i];
    if (!label.isEmpty() && label.trimmed().isEmpty()) { // whitespace only: draw it visibly
        label.replace(QLatin1Char(' '), QChar(0x2423));
        label.replace(QLatin1Char('\n'), QChar(0x23CE));
        label.replace(QLatin1Char('\t'), QChar(0x21E5));
    }
    return label;
}

// --------------------------------------------------------------------------------------------------------------
// Layout: square-ish cells and thinned tick labels

void HeatmapView::updateTicks(double cellWidth, double cellHeight) {
    auto columnTicker = QSharedPointer<QCPAxisTickerText>::create();
    auto rowTicker = QSharedPointer<QCPAxisTickerText>::create();
    if (rows_ > 0) {
        const QFontMetricsF fm(columnAxis()->tickLabelFont());
        // Upright labels need room for half of each neighbour plus a gap; word labels stand on end (as in the
        // attention figures) and need a line height. Index labels stay upright.
        bool rotate = false;
        double neighbours = 0.0, previous = 0.0;
        for (int c = 0; c < cols_; ++c) {
            const QString label = displayLabel(columnLabels_, c);
            const double w = fm.horizontalAdvance(label);
            if (c > 0) neighbours = std::max(neighbours, 0.5 * (w + previous));
            else neighbours = w;
            previous = w;
            rotate = rotate || (label.size() > 2 && !columnLabels_.isEmpty());
        }
        const double columnNeed = rotate ? fm.height() * 1.1 : neighbours + 3.0;
        const int columnStride = niceStride(columnNeed / std::max(cellWidth, 1e-3));
        for (int c = 0; c < cols_; c += columnStride) columnTicker->addTick(c, displayLabel(columnLabels_, c));
        columnAxis()->setTickLabelRotation(rotate ? -90.0 : 0.0);

        const int rowStride = niceStride(fm.height() * 1.05 / std::max(cellHeight, 1e-3));
        for (int r = 0; r < rows_; r += rowStride) rowTicker->addTick(r, displayLabel(rowLabels_, r));
    }
    columnAxis()->setTicker(columnTicker);
    rowAxis()->setTicker(rowTicker);
}

void HeatmapView::fitCells() {
    constexpr int kEdge = 8; // breathing room at the plot's edges
    QCPAxisRect* rect = plot_->axisRect();
    rect->setMinimumMargins(QMargins(kEdge, kEdge, 0, kEdge));
    scale_->setMinimumMargins(QMargins(0, 0, 0, 0));
    scale_->setMargins(QMargins(0, 0, 0, 0));
    spacer_->setMinimumSize(0, 0);
    spacer_->setMaximumSize(0, QWIDGETSIZE_MAX);
    map_->setVisible(rows_ > 0);
    scale_->setVisible(rows_ > 0);
    if (rows_ == 0 || cols_ == 0) {
        updateTicks(1, 1);
        return;
    }
    // Lay out with no padding to learn the room the cells have, pick the cell size, thin the tick labels for it,
    // lay out again (the labels change the margins), then pad: half the spare width left of the cells and half
    // right of the colour bar (so the map stays beside its bar and centred), the spare height split top and bottom.
    double cw = 0, ch = 0;
    QRect inner;
    auto measure = [&] {
        layOut(plot_);
        inner = rect->rect();
        cw = double(inner.width()) / cols_;
        ch = double(inner.height()) / rows_;
        if (ch > maxAspect_ * cw) ch = maxAspect_ * cw;
        if (cw > maxAspect_ * ch) cw = maxAspect_ * ch;
    };
    updateTicks(std::max(1, plot_->width() / std::max(cols_, 1)), std::max(1, plot_->height() / std::max(rows_, 1)));
    measure();
    updateTicks(cw, ch);
    measure();
    if (inner.width() <= 0 || inner.height() <= 0) return;
    const QMargins m = rect->margins();
    const int padX = std::max(0, inner.width() - int(std::lround(cw * cols_)));
    const int padY = std::max(0, inner.height() - int(std::lround(ch * rows_)));
    const int top = m.top() + padY / 2, bottom = m.bottom() + padY - padY / 2;
    rect->setMinimumMargins(QMargins(m.left() + padX / 2, top, m.right(), bottom));
    spacer_->setMinimumSize(padX - padX / 2, 0);
    spacer_->setMaximumSize(padX - padX / 2, QWIDGETSIZE_MAX);

    // The colour bar spans the cells' height, but never less than a readable minimum (one-row maps), centred on them.
    const int outer = rect->outerRect().height();
    const int cellsHeight = outer - top - bottom;
    const int minBar = int((presentation_ ? kPresentationScale : 1.0) * 120);
    int barTop = top, barBottom = bottom;
    if (cellsHeight < minBar) {
        barTop = std::clamp(top + cellsHeight / 2 - minBar / 2, 0, std::max(0, outer - minBar));
        barBottom = std::max(0, outer - barTop - minBar);
    }
    scale_->setMinimumMargins(QMargins(0, barTop, 0, barBottom));
}

// --------------------------------------------------------------------------------------------------------------
// Geometry, hover, overlays

HeatmapView::Cell HeatmapView::cellAt(const QPoint& plotPixel) const {
    if (rows_ == 0 || !plot_->axisRect()->rect().contains(plotPixel)) return {};
    const double c = columnAxis()->pixelToCoord(plotPixel.x());
    const double r = rowAxis()->pixelToCoord(plotPixel.y());
    const int col = int(std::floor(c + 0.5)), row = int(std::floor(r + 0.5));
    if (row < 0 || col < 0 || row >= rows_ || col >= cols_) return {};
    return {row, col};
}

QPoint HeatmapView::cellCenter(int row, int col) const {
    return QPoint(int(std::lround(columnAxis()->coordToPixel(col))), int(std::lround(rowAxis()->coordToPixel(row))));
}

QString HeatmapView::readoutAt(const QPoint& plotPixel) const {
    const Cell cell = cellAt(plotPixel);
    if (!cell.valid()) return {};
    auto part = [this](const QString& what, int i, const QStringList& labels) {
        QString text = QStringLiteral("%1 %2").arg(what).arg(i + indexBase_);
        if (i < labels.size()) text += QStringLiteral(" “%1”").arg(labels[i]);
        return text;
    };
    const double v = value(cell.row, cell.col);
    const QString valueText = std::isnan(v) ? tr("missing") : QString::number(v, 'g', 4);
    return part(tr("row"), cell.row, rowLabels_) + QStringLiteral("   ") + part(tr("col"), cell.col, columnLabels_) +
           QStringLiteral("   ") + tr("value %1").arg(valueText);
}

QString HeatmapView::readoutText() const { return readout_->fullText(); }

void HeatmapView::hover(const QPoint& pixel) {
    const Cell cell = cellAt(pixel);
    if (cell == hovered_) return;
    hovered_ = cell;
    readout_->setFullText(cell.valid() ? readoutAt(pixel) : (rows_ > 0 ? hint_ : QString()));
    updateOverlays();
    emit cellHovered(cell.row, cell.col);
}

void HeatmapView::updateOverlays() {
    positionOverlays();
    plot_->layer(kOverlayLayer)->replot();
}

void HeatmapView::positionOverlays() {
    auto place = [](QCPItemRect* rect, double c0, double r0, double c1, double r1) {
        rect->topLeft->setCoords(c0 - 0.5, r0 - 0.5);
        rect->bottomRight->setCoords(c1 + 0.5, r1 + 0.5);
        rect->setVisible(true);
    };
    rowRect_->setVisible(false);
    selectedRect_->setVisible(false);
    hoverHalo_->setVisible(false);
    hoverRect_->setVisible(false);
    if (highlightedRow_ >= 0) place(rowRect_, 0, highlightedRow_, cols_ - 1, highlightedRow_);
    if (selected_.valid()) place(selectedRect_, selected_.col, selected_.row, selected_.col, selected_.row);
    if (hovered_.valid() && !(hovered_ == selected_)) {
        place(hoverHalo_, hovered_.col, hovered_.row, hovered_.col, hovered_.row);
        place(hoverRect_, hovered_.col, hovered_.row, hovered_.col, hovered_.row);
    }
}

// --------------------------------------------------------------------------------------------------------------
// Export

QString HeatmapView::toCsv() const {
    QString out;
    for (int c = 0; c < cols_; ++c) {
        out += QLatin1Char(',') + csvField(c < columnLabels_.size() ? columnLabels_[c] : QString::number(c + indexBase_));
    }
    out += QLatin1Char('\n');
    for (int r = 0; r < rows_; ++r) {
        out += csvField(r < rowLabels_.size() ? rowLabels_[r] : QString::number(r + indexBase_));
        for (int c = 0; c < cols_; ++c) out += QLatin1Char(',') + csvNumber(value(r, c));
        out += QLatin1Char('\n');
    }
    return out;
}

bool HeatmapView::exportCsv(const QString& path, QString* error) const {
    return saveTextAtomically(path, toCsv(), error);
}

bool HeatmapView::exportPng(const QString& path, QSize size, double scale, QString* error) {
    hoverHalo_->setVisible(false);
    hoverRect_->setVisible(false);
    const bool ok = savePlotPng(plot_, path, size, scale, error, [this] { fitCells(); });
    positionOverlays(); // the hover outline comes back
    plot_->replot();
    return ok;
}

bool HeatmapView::exportPdf(const QString& path, QSize size, QString* error) {
    hoverHalo_->setVisible(false);
    hoverRect_->setVisible(false);
    const QString title = title_ ? title_->text() : scale_->axis()->label();
    const bool ok = savePlotPdf(plot_, path, size, title, error, [this] { fitCells(); });
    positionOverlays(); // the hover outline comes back
    plot_->replot();
    return ok;
}

void HeatmapView::exportWithDialog(const QString& kind) {
    exportPlotWithDialog(this, kind, title_ ? title_->text() : scale_->axis()->label());
}

void HeatmapView::showContextMenu(const QPoint& pos) {
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    addExportActions(menu, this, [this](const QString& kind) { exportWithDialog(kind); });
    menu->addSeparator();
    QMenu* maps = menu->addMenu(tr("Colour map"));
    auto* group = new QActionGroup(maps);
    for (const auto& entry : kColorMapNames) {
        QAction* action = maps->addAction(QString::fromUtf8(entry.name));
        action->setCheckable(true);
        action->setChecked(entry.map == colorMap_);
        group->addAction(action);
        const ColorMap map = entry.map;
        connect(action, &QAction::triggered, this, [this, map] { setColorMap(map); });
    }
    QAction* symmetric = menu->addAction(tr("Symmetric range (0 in the middle)"));
    symmetric->setCheckable(true);
    symmetric->setChecked(symmetric_);
    symmetric->setEnabled(!fixed_);
    connect(symmetric, &QAction::toggled, this, &HeatmapView::setSymmetricRange);
    QAction* presentation = menu->addAction(tr("Presentation mode"));
    presentation->setCheckable(true);
    presentation->setChecked(presentation_);
    connect(presentation, &QAction::toggled, this, &HeatmapView::setPresentationMode);
    menu->popup(plot_->mapToGlobal(pos));
}

} // namespace unroll
