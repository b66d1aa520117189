// Unrolled graph view: the model's heatmaps cached as one-pixel-per-cell images (rebuilt only in setModel), a layout
// computed on resize (columns of fixed pitch, node heights fitted to the widget's height), and a QPainter scene
// shared by paintEvent, the PNG and the PDF export.
#include "widgets/UnrolledGraphView.hpp"

#include "widgets/ColorMaps.hpp"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QLinearGradient>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPageSize>
#include <QPainter>
#include <QPaintEngine>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace unroll {

namespace {

// Colours: text and forward arrows in greys, shared weights in one accent (teal: apart from the heatmaps' blue and
// red and from the warm gradient colours), the two gradient terms in orange and red.
const QColor kInk(32, 33, 36);
const QColor kMuted(95, 99, 104);
const QColor kFaint(190, 194, 199);
const QColor kFrame(154, 160, 166);
const QColor kAccent(0, 128, 128);
const QColor kFromLoss(235, 130, 0);
const QColor kFromNext(205, 35, 50);
const QColor kCurrentBand(0, 128, 128, 20);

QString stepName(const char* symbol, int step) { // "a⟨3⟩" for step index 2
    return QString::fromUtf8(symbol) + QChar(0x27E8) + QString::number(step + 1) + QChar(0x27E9);
}

QString visible(const QString& label) { // whitespace drawn visibly, as in HeatmapView
    QString out = label;
    out.replace(QLatin1Char(' '), QChar(0x2423));
    out.replace(QLatin1Char('\n'), QChar(0x23CE));
    out.replace(QLatin1Char('\t'), QChar(0x21E5));
    return out;
}

QString number(double v, int digits = 4) { return QString::number(v, 'g', digits); }

// Two significant digits, zeros kept ("0.80", "1.0", "12", "0.0031"), scientific when tiny or huge.
QString normText(double norm) {
    if (norm == 0.0) return QStringLiteral("0");
    if (norm < 1e-3 || norm >= 1e4) return QString::number(norm, 'e', 1).replace(QStringLiteral("e-0"), QStringLiteral("e-"));
    const int decimals = std::max(0, 1 - int(std::floor(std::log10(norm))));
    return QString::number(norm, 'f', decimals);
}

bool fail(QString* error, const QString& message) {
    if (error) *error = message;
    return false;
}

// A polyline with rounded corners ending in a filled arrowhead at its last point.
void drawArrow(QPainter& p, const std::vector<QPointF>& pts, const QColor& color, double width, double s,
               Qt::PenStyle style = Qt::SolidLine) {
    if (pts.size() < 2) return;
    const double head = std::max(6.5 * s, 2.0 * width + 4.0 * s);
    const QPointF tip = pts.back();
    QPointF dir = tip - pts[pts.size() - 2];
    const double len = std::hypot(dir.x(), dir.y());
    if (len < 1e-6) return;
    dir /= len;
    const QPointF base = tip - dir * (head * 0.85);

    QPainterPath path(pts.front());
    const double radius = 7.0 * s;
    for (std::size_t i = 1; i + 1 < pts.size(); ++i) {
        const QPointF a = pts[i - 1], b = pts[i], c = pts[i + 1];
        const QPointF in = b - a, out = c - b;
        const double lin = std::hypot(in.x(), in.y()), lout = std::hypot(out.x(), out.y());
        const double r = std::min({radius, lin / 2, lout / 2});
        path.lineTo(b - in / lin * r);
        path.quadTo(b, b + out / lout * r);
    }
    path.lineTo(base);
    QPen pen(color, width, style, Qt::FlatCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);

    const QPointF normal(-dir.y(), dir.x());
    const double half = head * 0.45;
    QPolygonF triangle{tip, tip - dir * head + normal * half, tip - dir * head - normal * half};
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawPolygon(triangle);
}

// Small text on a white pill, so that it stays legible over lines.
void drawTag(QPainter& p, const QPointF& anchor, Qt::Alignment align, const QString& text, const QColor& color,
             const QFont& font, bool pill = true) {
    p.setFont(font);
    const QFontMetricsF fm(font);
    const QSizeF size(fm.horizontalAdvance(text), fm.height());
    QPointF topLeft = anchor;
    if (align & Qt::AlignHCenter) topLeft.rx() -= size.width() / 2;
    else if (align & Qt::AlignRight) topLeft.rx() -= size.width();
    if (align & Qt::AlignVCenter) topLeft.ry() -= size.height() / 2;
    else if (align & Qt::AlignBottom) topLeft.ry() -= size.height();
    const QRectF box(topLeft, size);
    if (pill) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(255, 255, 255, 225));
        p.drawRoundedRect(box.adjusted(-2, 0, 2, 0), 3, 3);
    }
    p.setPen(color);
    p.drawText(box, Qt::AlignCenter, text);
}

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a;
    const double l2 = QPointF::dotProduct(ab, ab);
    const double t = l2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / l2, 0.0, 1.0) : 0.0;
    const QPointF d = p - (a + t * ab);
    return std::hypot(d.x(), d.y());
}

} // namespace

UnrolledGraphView::UnrolledGraphView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setBackgroundRole(QPalette::Base);
    computeMetrics();
    relayout();
}

UnrolledGraphView::~UnrolledGraphView() = default;

// --------------------------------------------------------------------------------------------------------------
// Model

void UnrolledGraphView::setModel(const UnrolledGraphModel& model) {
    model_ = model;
    const int T = steps();
    model_.forwardDone = std::clamp(model_.forwardDone, 0, T);
    model_.backwardDone = std::clamp(model_.backwardDone, 0, T);
    if (model_.currentStep >= T) model_.currentStep = -1;
    if (selected_ >= T) selected_ = -1;
    hovered_ = {};
    pressed_ = {};
    rebuildImages();
    computeMetrics();
    relayout();
    updateGeometry();
    update();
    emit headerChanged();
}

const GraphMatrix* UnrolledGraphView::matrix(int step, Node node) const {
    if (step < 0 || step >= steps()) return nullptr;
    const UnrolledStep& s = model_.steps[std::size_t(step)];
    switch (node) {
    case Input: return &s.x;
    case Hidden: return &s.a;
    case CellState: return model_.hasCellState ? &s.c : nullptr;
    case Output: return &s.yHat;
    case Gradient: return &s.da;
    case Loss: return nullptr;
    }
    return nullptr;
}

// Present in the model and inside the part of the pass that is done (stale values past the position are not shown).
// The input is known before the forward pass reaches it.
bool UnrolledGraphView::computed(int step, Node node) const {
    if (step < 0 || step >= steps()) return false;
    const int T = steps();
    const bool forward = step < model_.forwardDone;
    const bool backward = model_.forwardDone == T && step >= T - model_.backwardDone;
    if (node == Loss) return forward && std::isfinite(model_.steps[std::size_t(step)].loss);
    const GraphMatrix* m = matrix(step, node);
    if (!m || m->empty()) return false;
    switch (node) {
    case Input: return true;
    case Gradient: return backward;
    default: return forward;
    }
}

bool UnrolledGraphView::gradientFramesShown() const {
    return steps() > 0 && (model_.forwardDone == steps() || model_.backwardDone > 0);
}

bool UnrolledGraphView::nodeShown(int step, Node node) const {
    if (step < 0 || step >= steps()) return false;
    if (node == CellState) return model_.hasCellState;
    if (node == Gradient) return gradientFramesShown();
    return true;
}

void UnrolledGraphView::rebuildImages() {
    const int T = steps();
    for (int k = 0; k < kNodeKinds; ++k) {
        images_[std::size_t(k)].assign(std::size_t(T), QImage());
        double maxAbs = 0.0;
        for (int t = 0; t < T; ++t) {
            const GraphMatrix* m = matrix(t, Node(k));
            if (!m || m->empty()) continue;
            for (float v : m->values) {
                if (std::isfinite(v)) maxAbs = std::max(maxAbs, double(std::abs(v)));
            }
        }
        range_[std::size_t(k)] = maxAbs > 0.0 ? maxAbs : 1.0;
        hasValues_[std::size_t(k)] = maxAbs > 0.0;
    }
    for (int k = 0; k < kNodeKinds; ++k) {
        const Node node = Node(k);
        if (node == Loss) continue;
        const bool probabilities = node == Output; // ŷ: viridis on [0, 1]
        const double r = range_[std::size_t(k)];
        for (int t = 0; t < T; ++t) {
            const GraphMatrix* m = matrix(t, node);
            if (!m || m->empty()) continue;
            QImage image(m->cols, m->rows, QImage::Format_RGB32);
            for (int row = 0; row < m->rows; ++row) {
                auto* line = reinterpret_cast<QRgb*>(image.scanLine(row));
                for (int col = 0; col < m->cols; ++col) {
                    const double v = m->values[std::size_t(row) * std::size_t(m->cols) + std::size_t(col)];
                    const QColor color = !std::isfinite(v) ? nanColor()
                                         : probabilities   ? colorAt(ColorMap::Viridis, v)
                                                           : colorAt(ColorMap::Diverging, 0.5 + 0.5 * v / r);
                    line[col] = color.rgb();
                }
            }
            images_[std::size_t(k)][std::size_t(t)] = image;
        }
    }
}

// --------------------------------------------------------------------------------------------------------------
// Metrics and layout

void UnrolledGraphView::computeMetrics() {
    Metrics m;
    m.s = scale();
    const double s = m.s;
    int cols = 0;
    std::array<int, kNodeKinds> rows{};
    for (int t = 0; t < steps(); ++t) {
        for (int k = 0; k < kNodeKinds; ++k) {
            const GraphMatrix* g = matrix(t, Node(k));
            if (!g || g->empty()) continue;
            cols = std::max(cols, g->cols);
            rows[std::size_t(k)] = std::max(rows[std::size_t(k)], g->rows);
        }
    }
    // a, c and da all have n_a rows: one size for the three, whichever has been computed.
    const int nA = std::max({rows[Hidden], rows[CellState], rows[Gradient], 0});
    rows[Hidden] = rows[CellState] = rows[Gradient] = nA > 0 ? nA : 4;
    if (rows[Input] == 0) rows[Input] = 4;
    if (rows[Output] == 0) rows[Output] = 4;
    rows[Loss] = 0;
    m.rows = rows;
    m.cols = std::max(cols, 1);

    m.pad = int(std::lround(3 * s));
    m.cellW = std::clamp(int(40 * s / m.cols), 3, int(16 * s));
    // Preferred heights: cells up to 14 px tall, a node up to a cap (x and ŷ of a text have a row per character).
    const std::array<double, kNodeKinds> cap{96, 120, 96, 120, 0, 120};
    for (int k = 0; k < kNodeKinds; ++k) {
        if (k == Loss) continue;
        m.cellH[std::size_t(k)] =
            std::clamp(int(cap[std::size_t(k)] * s / m.rows[std::size_t(k)]), 1, int(std::lround(14 * s)));
    }
    m.nodeW = m.cols * m.cellW + 2 * m.pad;
    m.pitch = std::max(int(92 * s), 2 * m.nodeW + int(66 * s));
    metrics_ = m;
}

namespace {
struct Fonts {
    QFont title, label, small, header, loss;
};

Fonts makeFonts(const QFont& base, double s) {
    Fonts f;
    f.label = base;
    f.label.setPixelSize(int(std::lround(12 * s)));
    f.small = base;
    f.small.setPixelSize(int(std::lround(11 * s)));
    f.header = base;
    f.header.setPixelSize(int(std::lround(12 * s)));
    f.header.setBold(true);
    f.title = base;
    f.title.setPixelSize(int(std::lround(14 * s)));
    f.title.setBold(true);
    f.loss = base;
    f.loss.setPixelSize(int(std::lround(11 * s)));
    return f;
}
} // namespace

// Where every row of the picture starts, top to bottom, for one shrink factor of the cell heights.
namespace {
struct VerticalPlan {
    int titleTop = 0, legend1Top = 0, legend2Top = 0, headerTop = 0, headerH = 0;
    int lossTop = 0, lossH = 0;
    std::array<int, UnrolledGraphView::kNodeKinds> top{}, height{}, cellH{};
    int colorLegendTop = 0;
    int total = 0;
};
} // namespace

void UnrolledGraphView::relayout() {
    layout_ = computeLayout(size());
    layoutSize_ = size();
}

// A hidden widget gets its resize event only when shown: geometry queries and exports lay out on demand.
const UnrolledGraphView::Layout& UnrolledGraphView::lay() const {
    if (layoutSize_ != size()) {
        layout_ = computeLayout(size());
        layoutSize_ = size();
    }
    return layout_;
}

UnrolledGraphView::Layout UnrolledGraphView::computeLayout(QSize area) const {
    const Metrics& m = metrics_;
    const double s = m.s;
    const Fonts fonts = makeFonts(font(), s);
    const int labelH = int(std::ceil(QFontMetricsF(fonts.label).height()));
    const int smallH = int(std::ceil(QFontMetricsF(fonts.small).height()));
    const int titleH = int(std::ceil(QFontMetricsF(fonts.title).height()));
    const int headH = int(std::ceil(QFontMetricsF(fonts.header).height()));
    bool anyText = false;
    for (const UnrolledStep& step : model_.steps) anyText = anyText || !step.inputLabel.isEmpty() || !step.targetLabel.isEmpty();
    const bool lstm = model_.hasCellState;

    auto plan = [&](double f) {
        VerticalPlan v;
        for (int k = 0; k < kNodeKinds; ++k) {
            if (k == Loss) continue;
            v.cellH[std::size_t(k)] = std::max(1, int(std::floor(m.cellH[std::size_t(k)] * f)));
            const int cells = v.cellH[std::size_t(k)] * m.rows[std::size_t(k)] + 2 * m.pad;
            const int minH = k == Hidden || k == Gradient ? int(60 * s) : int(26 * s);
            v.height[std::size_t(k)] = std::max(cells, minH);
        }
        v.height[Gradient] = v.height[Hidden];
        int y = int(10 * s);
        v.titleTop = y;
        if (!headerDetached_) {
            y += titleH + int(3 * s);
            v.legend1Top = y;
            y += smallH + int(2 * s);
            v.legend2Top = y;
            y += smallH + int(14 * s);
        } else {
            v.legend1Top = v.legend2Top = y;
        }
        v.headerTop = y;
        v.headerH = headH + (anyText ? int(2 * s) + labelH : 0);
        y += v.headerH + int(8 * s);
        y += labelH + int(2 * s); // the L label
        v.lossTop = y;
        v.lossH = labelH + int(8 * s);
        y += v.lossH;
        const int gap = labelH + int(20 * s);
        y += gap;
        v.top[Output] = y;
        y += v.height[Output];
        // da sticks out above a (see the header comment) and needs its label under ŷ.
        const int protrusion = int(std::lround(0.3 * v.height[Hidden] + 4 * s));
        y += std::max(gap + smallH, protrusion + labelH + int(12 * s));
        v.top[Hidden] = y;
        v.top[Gradient] = y - protrusion;
        y += v.height[Hidden];
        if (lstm) {
            y += gap;
            v.top[CellState] = y;
            y += v.height[CellState];
        }
        y += gap + int(4 * s);
        v.top[Input] = y;
        y += v.height[Input];
        y += int(14 * s);
        v.colorLegendTop = y;
        if (!headerDetached_) y += smallH + int(4 * s);
        y += int(10 * s);
        v.total = y;
        return v;
    };

    // Fit the height: shrink the cells (not the text) until the plan fits, down to a third.
    VerticalPlan v = plan(1.0);
    const int naturalHeight = v.total;
    if (area.height() > 0 && v.total > area.height()) {
        double lo = 0.3, hi = 1.0;
        for (int i = 0; i < 12; ++i) {
            const double mid = 0.5 * (lo + hi);
            (plan(mid).total <= area.height() ? lo : hi) = mid;
        }
        v = plan(lo);
    }
    // Spare height goes above the title and below the colour legend: the picture sits in the middle.
    const int spare = std::max(0, area.height() - v.total);
    const int shift = spare / 2;

    Layout L;
    L.naturalHeight = naturalHeight;
    const int T = steps();
    const int stub = int(44 * s); // room for the a⟨0⟩ (c⟨0⟩) stub arrow left of column 0
    const int margin = int(12 * s);
    int pitch = m.pitch;
    const int natural = margin + stub + T * pitch + margin;
    if (T > 0 && area.width() > natural) pitch = std::min(int(m.pitch * 1.35), (area.width() - 2 * margin - stub) / T);
    const int used = stub + T * pitch;
    L.x0 = std::max(margin, (area.width() - used) / 2) + stub;
    const int left = margin;
    const int fullW = std::max(area.width(), natural) - 2 * margin;
    L.title = QRect(left, v.titleTop + shift, fullW, titleH);
    L.legend1 = QRect(left, v.legend1Top + shift, fullW, smallH);
    L.legend2 = QRect(left, v.legend2Top + shift, fullW, smallH);
    L.header = QRect(left, v.headerTop + shift, fullW, v.headerH);
    L.headerLines = anyText ? 2 : 1;
    L.colorLegend = QRect(left, v.colorLegendTop + shift, fullW, smallH + int(4 * s));

    const int gapPair = int(8 * s);
    const QFontMetricsF lossFm(fonts.loss);
    const int lossW = int(std::ceil(lossFm.horizontalAdvance(QStringLiteral("00.000")))) + int(14 * s);
    L.columns.resize(std::size_t(T));
    for (int t = 0; t < T; ++t) {
        Column& c = L.columns[std::size_t(t)];
        const int colLeft = L.x0 + t * pitch;
        const int pairW = 2 * m.nodeW + gapPair;
        const int pairLeft = colLeft + (pitch - pairW) / 2 + int(2 * s);
        c.band = QRect(colLeft, v.headerTop + shift - int(4 * s), pitch,
                       v.top[Input] + v.height[Input] + int(6 * s) - v.headerTop + int(4 * s));
        c.cx = pairLeft + m.nodeW / 2;
        c.gradX = pairLeft + m.nodeW + gapPair + m.nodeW / 2;
        for (Node k : {Input, Hidden, CellState, Output, Gradient}) {
            if (k == CellState && !model_.hasCellState) continue;
            const int x = k == Gradient ? pairLeft + m.nodeW + gapPair : pairLeft;
            const QRect frame(x, v.top[k] + shift, m.nodeW, v.height[k]);
            c.frame[k] = frame;
            const int ch = v.cellH[k];
            const int cellsH = ch * m.rows[k];
            const int cellsW = m.cellW * m.cols;
            c.cells[k] = QRect(frame.left() + (frame.width() - cellsW) / 2, frame.top() + (frame.height() - cellsH) / 2,
                               cellsW, cellsH);
        }
        c.frame[Loss] = QRect(c.cx - lossW / 2, v.lossTop + shift, lossW, v.lossH);
        const QRect& a = c.frame[Hidden];
        const QRect& da = c.frame[Gradient];
        c.yBackward = a.top() + int(std::lround(0.32 * a.height()));
        c.yForward = std::max(da.bottom() + int(6 * s), a.top() + int(std::lround(0.72 * a.height())));
    }
    return L;
}

int UnrolledGraphView::preferredHeight() const { return computeLayout(QSize(width(), 0)).naturalHeight; }

// --------------------------------------------------------------------------------------------------------------
// Geometry

QRect UnrolledGraphView::nodeRect(int step, Node node) const {
    if (step < 0 || step >= int(lay().columns.size())) return {};
    if (node == CellState && !model_.hasCellState) return {};
    return lay().columns[std::size_t(step)].frame[node];
}

QRect UnrolledGraphView::cellsRect(int step, Node node) const {
    if (node == Loss || step < 0 || step >= int(lay().columns.size())) return {};
    if (node == CellState && !model_.hasCellState) return {};
    return lay().columns[std::size_t(step)].cells[node];
}

QPoint UnrolledGraphView::cellCenter(int step, Node node, int row, int col) const {
    const QRect cells = cellsRect(step, node);
    const GraphMatrix* g = matrix(step, node);
    if (cells.isNull() || !g || g->empty() || row < 0 || col < 0 || row >= g->rows || col >= g->cols) return {};
    const double cw = double(cells.width()) / metrics_.cols;
    const double ch = double(cells.height()) / metrics_.rows[node];
    return QPoint(cells.left() + int((col + 0.5) * cw), cells.top() + int((row + 0.5) * ch));
}

int UnrolledGraphView::stepAt(QPoint pos) const {
    for (std::size_t t = 0; t < lay().columns.size(); ++t) {
        const QRect& band = lay().columns[t].band;
        if (pos.x() >= band.left() && pos.x() <= band.right()) return int(t);
    }
    return -1;
}

UnrolledGraphView::Hit UnrolledGraphView::hitAt(QPoint pos) const {
    const int t = stepAt(pos);
    if (t < 0) return {};
    // Nodes sit inside their column, except that a label or an arrow may cross over; check this column only.
    for (int k = 0; k < kNodeKinds; ++k) {
        const Node node = Node(k);
        if (!nodeShown(t, node)) continue;
        const QRect frame = nodeRect(t, node);
        if (!frame.contains(pos)) continue;
        Hit hit{t, node, -1, -1};
        const GraphMatrix* g = matrix(t, node);
        const QRect cells = cellsRect(t, node);
        if (node != Loss && g && !g->empty() && cells.contains(pos)) {
            const double cw = double(cells.width()) / metrics_.cols;
            const double ch = double(cells.height()) / metrics_.rows[k];
            const int col = int((pos.x() - cells.left()) / cw), row = int((pos.y() - cells.top()) / ch);
            if (row < g->rows && col < g->cols) {
                hit.row = row;
                hit.col = col;
            }
        }
        return hit;
    }
    return {};
}

QString UnrolledGraphView::nodeName(int step, Node node) const {
    switch (node) {
    case Input: return stepName("x", step);
    case Hidden: return stepName("a", step);
    case CellState: return stepName("c", step);
    case Output: return stepName("\xC5\xB7", step); // ŷ
    case Loss: return stepName("L", step);
    case Gradient: return stepName("da", step);
    }
    return {};
}

QString UnrolledGraphView::readoutAt(QPoint pos) const {
    const Hit hit = hitAt(pos);
    if (hit.valid()) {
        const int t = hit.step;
        const UnrolledStep& st = model_.steps[std::size_t(t)];
        const QString name = nodeName(t, hit.node);
        if (!computed(t, hit.node)) return tr("%1: not computed yet").arg(name);
        if (hit.node == Loss) {
            QString text = tr("%1 = %2").arg(name, number(st.loss));
            if (!st.targetLabel.isEmpty()) text += tr(" (target “%1”)").arg(visible(st.targetLabel));
            return text;
        }
        const GraphMatrix* g = matrix(t, hit.node);
        if (hit.row < 0) return tr("%1: %2 × %3").arg(name).arg(g->rows).arg(g->cols);
        const double v = g->values[std::size_t(hit.row) * std::size_t(g->cols) + std::size_t(hit.col)];
        const QString what = hit.node == Input    ? tr("component")
                             : hit.node == Output ? tr("class")
                                                  : tr("unit");
        return tr("%1 %2 %3, example %4: %5").arg(name, what).arg(hit.row).arg(hit.col).arg(number(v));
    }
    // Gradient arrows (checked after the nodes: an arrow ends on a node frame).
    const int t0 = stepAt(pos);
    for (int t = std::max(0, t0 - 1); t0 >= 0 && t <= std::min(steps() - 1, t0 + 1); ++t) {
        for (const GradientPath& path : gradientPaths(t)) {
            const double reach = std::max(4.0, gradientWidth(path.norm) / 2 + 3.0);
            for (std::size_t i = 1; i < path.points.size(); ++i) {
                if (distanceToSegment(QPointF(pos), path.points[i - 1], path.points[i]) <= reach) {
                    return path.fromLoss
                               ? tr("‖dL⟨%1⟩/da⟨%1⟩‖ = %2: from the loss at t = %1").arg(t + 1).arg(number(path.norm, 3))
                               : tr("‖dL/da⟨%1⟩ through a⟨%2⟩‖ = %3: from step t + 1 = %2")
                                     .arg(t + 1)
                                     .arg(t + 2)
                                     .arg(number(path.norm, 3));
                }
            }
        }
    }
    return {};
}

// --------------------------------------------------------------------------------------------------------------
// Labels of the shared weights

QString UnrolledGraphView::recurrentLabel() const {
    const QStringList& w = model_.recurrentWeights;
    if (w.contains(QStringLiteral("Waa"))) return QStringLiteral("Waa");
    // Gate weights acting on [a⟨t−1⟩; x⟨t⟩] (course GRU/LSTM): "Wf,i,c,o".
    QStringList suffixes;
    for (const QString& name : w) {
        if (name.startsWith(QLatin1Char('W')) && name.size() > 1) suffixes << name.mid(1);
    }
    if (suffixes.isEmpty()) return w.isEmpty() ? QString() : w.first();
    return QLatin1Char('W') + suffixes.join(QLatin1Char(','));
}

QString UnrolledGraphView::inputWeightLabel() const {
    if (model_.recurrentWeights.contains(QStringLiteral("Wax"))) return QStringLiteral("Wax");
    return recurrentLabel();
}

// --------------------------------------------------------------------------------------------------------------
// Painting

double UnrolledGraphView::gradientWidth(double norm) const {
    // One pixel per decade: 1 -> 2.6 px, 0.1 -> 1.6 px, 0.01 and below -> a hairline, 10 -> 3.6 px, capped at 6 px.
    // Vanishing terms visibly thin out; exploding ones do not swamp the picture.
    const double w = std::isfinite(norm) && norm > 0 ? 2.6 + std::log10(norm) : 0.6;
    return std::clamp(w, 0.6, 6.0) * metrics_.s;
}

std::vector<UnrolledGraphView::GradientPath> UnrolledGraphView::gradientPaths(int t) const {
    std::vector<GradientPath> paths;
    const int T = steps();
    if (t < 0 || t >= T || !gradientFramesShown() || t < T - model_.backwardDone || model_.forwardDone < T) return paths;
    const UnrolledStep& st = model_.steps[std::size_t(t)];
    const Column& c = lay().columns[std::size_t(t)];
    const QRect& lossBox = c.frame[Loss];
    const QRect& da = c.frame[Gradient];
    if (std::isfinite(st.daFromLossNorm)) {
        GradientPath g;
        g.norm = st.daFromLossNorm;
        g.fromLoss = true;
        const double x = c.gradX + 0.5;
        if (x < lossBox.right() - 6) {
            g.points = {QPointF(x, lossBox.bottom() + 1), QPointF(x, da.top() - 1)};
        } else {
            const double y = lossBox.center().y() + 0.5;
            g.points = {QPointF(lossBox.right() + 1, y), QPointF(x, y), QPointF(x, da.top() - 1)};
        }
        paths.push_back(g);
    }
    if (t + 1 < T && std::isfinite(st.daFromNextNorm) && st.daFromNextNorm > 0) {
        const Column& next = lay().columns[std::size_t(t + 1)];
        GradientPath g;
        g.norm = st.daFromNextNorm;
        g.fromLoss = false;
        const double y = c.yBackward + 0.5;
        g.points = {QPointF(next.frame[Hidden].left() - 1, y), QPointF(da.right() + 2, y)};
        paths.push_back(g);
    }
    return paths;
}

void UnrolledGraphView::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    paintScene(p, event->rect(), true);
}

void UnrolledGraphView::paintScene(QPainter& p, const QRect& exposed, bool decorations) const {
    p.fillRect(exposed, Qt::white);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const int T = steps();
    if (T > 0 && !headerDetached_) paintHeader(p);
    if (T == 0) {
        const Fonts fonts = makeFonts(font(), metrics_.s);
        p.setFont(fonts.label);
        p.setPen(kMuted);
        p.drawText(rect(), Qt::AlignCenter, tr("No model yet"));
        return;
    }
    // Only the columns in the exposed area (and their neighbours, whose arrows reach in) are painted.
    int first = T, last = -1;
    for (int t = 0; t < T; ++t) {
        const QRect& band = lay().columns[std::size_t(t)].band;
        if (band.right() + band.width() >= exposed.left() && band.left() - band.width() <= exposed.right()) {
            first = std::min(first, t);
            last = std::max(last, t);
        }
    }
    for (int t = first; t <= last; ++t) paintColumnBackground(p, t);
    for (int t = first; t <= last; ++t) paintForwardArrows(p, t);
    for (int t = first; t <= last; ++t) paintGradientArrows(p, t);
    for (int t = first; t <= last; ++t) paintNodes(p, t);
    if (!headerDetached_) paintColorLegend(p);

    if (decorations && hovered_.valid() && hovered_.row >= 0) {
        const QRect cells = cellsRect(hovered_.step, hovered_.node);
        const double cw = double(cells.width()) / metrics_.cols;
        const double ch = double(cells.height()) / metrics_.rows[hovered_.node];
        const QRectF cell(cells.left() + hovered_.col * cw, cells.top() + hovered_.row * ch, cw, ch);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 3));
        p.drawRect(cell.adjusted(-0.5, -0.5, 0.5, 0.5));
        p.setPen(QPen(kInk, 1.2));
        p.drawRect(cell.adjusted(-0.5, -0.5, 0.5, 0.5));
    }
}

// The three header lines as runs of text and arrow samples, so that painting and sizeHint() measure the same thing.
std::array<std::vector<UnrolledGraphView::HeaderRun>, 3> UnrolledGraphView::headerRuns() const {
    const double s = metrics_.s;
    const Fonts fonts = makeFonts(font(), s);
    const int T = steps();
    QFont bold = fonts.small;
    bold.setBold(true);
    auto textRun = [](const QString& text, const QFont& f, const QColor& c, double gapBefore = 0) {
        return HeaderRun{text, f, c, 0.0, gapBefore};
    };
    auto arrowRun = [&](const QColor& c, double width, double gapBefore = 0) {
        return HeaderRun{QString(), fonts.small, c, width, gapBefore};
    };
    std::array<std::vector<HeaderRun>, 3> lines;

    // Title: what is shown and how far the pass has got.
    const QString cell = model_.cellName.isEmpty() ? tr("Recurrent network") : model_.cellName;
    lines[0].push_back(textRun(tr("%1 unrolled over T = %2 steps").arg(cell).arg(T), fonts.title, kInk));
    double total = 0.0;
    int losses = 0;
    for (int t = 0; t < T; ++t) {
        if (computed(t, Loss)) {
            total += model_.steps[std::size_t(t)].loss;
            ++losses;
        }
    }
    QString status = tr("forward %1 / %2   ·   backward %3 / %2").arg(model_.forwardDone).arg(T).arg(model_.backwardDone);
    if (losses > 0) status += tr("   ·   L = Σ L⟨t⟩ = %1").arg(number(total));
    lines[0].push_back(textRun(status, fonts.small, kMuted, 16 * s));

    // Weight sharing (accent) and the output weights.
    const QStringList& rw = model_.recurrentWeights;
    lines[1].push_back(arrowRun(kAccent, 1.9 * s));
    lines[1].push_back(textRun(rw.isEmpty() ? tr("The same weights at every step")
                                            : tr("The same %1 at every step").arg(rw.join(QStringLiteral(", "))),
                               bold, kAccent));
    if (!model_.outputWeights.isEmpty()) {
        lines[1].push_back(arrowRun(kMuted, 1.3 * s, 22 * s));
        lines[1].push_back(textRun(
            tr("and the same %1 for every output").arg(model_.outputWeights.join(QStringLiteral(", "))), fonts.small,
            kMuted));
    }

    // The two gradient terms, or how to see them.
    if (model_.backwardDone > 0) {
        lines[2].push_back(arrowRun(kFromLoss, 2.6 * s));
        lines[2].push_back(textRun(tr("dL⟨t⟩/da⟨t⟩: from the loss at t"), bold, kFromLoss.darker(115)));
        lines[2].push_back(arrowRun(kFromNext, 2.6 * s, 22 * s));
        lines[2].push_back(textRun(tr("dL/da⟨t⟩ from step t + 1"), bold, kFromNext));
        lines[2].push_back(
            textRun(tr("da⟨t⟩ is their sum; numbers are norms, width grows with log ‖·‖"), fonts.small, kMuted, 22 * s));
    } else {
        lines[2].push_back(textRun(
            model_.forwardDone < T ? tr("Step the forward pass; then the backward pass sends dL/da⟨t⟩ back from every loss")
                                   : tr("Forward pass done: step backward to see dL/da⟨t⟩ flow back from every loss"),
            fonts.small, kMuted));
    }
    return lines;
}

double UnrolledGraphView::runWidth(const HeaderRun& run) const {
    if (run.text.isEmpty()) return run.gapBefore + 28 * metrics_.s;
    return run.gapBefore + QFontMetricsF(run.font).horizontalAdvance(run.text);
}

int UnrolledGraphView::headerWidth() const {
    double widest = 0;
    for (const auto& line : headerRuns()) {
        double w = 0;
        for (const HeaderRun& run : line) w += runWidth(run);
        widest = std::max(widest, w);
    }
    return int(std::ceil(widest));
}

void UnrolledGraphView::paintHeader(QPainter& p) const {
    const double s = metrics_.s;
    const Layout& L = lay();
    const auto lines = headerRuns();
    const std::array<QRect, 3> rects{L.title, L.legend1, L.legend2};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const QRect& r = rects[i];
        double x = r.left();
        for (const HeaderRun& run : lines[i]) {
            x += run.gapBefore;
            if (run.text.isEmpty()) {
                const double y = r.center().y() + 0.5;
                drawArrow(p, {QPointF(x, y), QPointF(x + 22 * s, y)}, run.color, run.arrowWidth, s * 0.8);
                x += 28 * s;
            } else {
                p.setFont(run.font);
                p.setPen(run.color);
                const double w = QFontMetricsF(run.font).horizontalAdvance(run.text);
                p.drawText(QRectF(x, r.top(), w + 4, r.height()), Qt::AlignLeft | Qt::AlignVCenter, run.text);
                x += w;
            }
        }
    }
}

int UnrolledGraphView::flowHeader(QPainter* p, const QRect& r) const {
    const double s = metrics_.s;
    const auto lines = headerRuns();
    int y = r.top();
    for (const auto& line : lines) {
        double x = r.left();
        int rowH = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const HeaderRun& run = line[i];
            const int h = int(std::ceil(QFontMetricsF(run.font).height()));
            const double w = runWidth(run) - run.gapBefore;
            // Wrap before a run that does not fit; an arrow sample and the text after it move together.
            double need = w;
            if (run.text.isEmpty() && i + 1 < line.size()) need += runWidth(line[i + 1]);
            const bool afterArrow = i > 0 && line[i - 1].text.isEmpty();
            if (!afterArrow && x > r.left() && x + run.gapBefore + need > r.right()) {
                y += rowH + int(2 * s);
                x = r.left();
                rowH = 0;
            } else {
                x += run.gapBefore;
            }
            rowH = std::max(rowH, h);
            if (p) {
                if (run.text.isEmpty()) {
                    const double cy = y + h / 2.0 + 0.5;
                    drawArrow(*p, {QPointF(x, cy), QPointF(x + 22 * s, cy)}, run.color, run.arrowWidth, s * 0.8);
                } else {
                    p->setFont(run.font);
                    p->setPen(run.color);
                    p->drawText(QRectF(x, y, w + 4, h), Qt::AlignLeft | Qt::AlignVCenter, run.text);
                }
            }
            x += w;
        }
        y += rowH + int(3 * s);
    }
    return y - r.top();
}

int UnrolledGraphView::headerBlockHeight(int width) const {
    if (steps() == 0) return 0;
    const double s = metrics_.s;
    const int smallH = int(std::ceil(QFontMetricsF(makeFonts(font(), s).small).height()));
    const int margin = int(12 * s);
    const QRect inner(margin, 0, std::max(1, width - 2 * margin), 1);
    const int rows = paintColorLegendIn(nullptr, QRect(inner.left(), 0, inner.width(), smallH + int(4 * s)),
                                        inner.right(), true);
    return int(6 * s) + flowHeader(nullptr, inner) + int(4 * s) + rows * (smallH + int(4 * s) + int(2 * s)) +
           int(6 * s);
}

void UnrolledGraphView::paintHeaderBlock(QPainter& p, const QRect& r) const {
    if (steps() == 0) return;
    const double s = metrics_.s;
    const int smallH = int(std::ceil(QFontMetricsF(makeFonts(font(), s).small).height()));
    const int margin = int(12 * s);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const QRect inner = r.adjusted(margin, int(6 * s), -margin, 0);
    const int used = flowHeader(&p, inner);
    paintColorLegendIn(&p, QRect(inner.left(), inner.top() + used + int(4 * s), inner.width(), smallH + int(4 * s)),
                       inner.right(), true);
}

void UnrolledGraphView::setHeaderDetached(bool on) {
    if (on == headerDetached_) return;
    headerDetached_ = on;
    relayout();
    updateGeometry();
    update();
    emit headerChanged();
}

void UnrolledGraphView::paintColumnBackground(QPainter& p, int t) const {
    const double s = metrics_.s;
    const Fonts fonts = makeFonts(font(), s);
    const Column& c = lay().columns[std::size_t(t)];
    const QRectF band = QRectF(c.band).adjusted(2 * s, 0, -2 * s, 0);
    if (t == model_.currentStep) {
        p.setPen(Qt::NoPen);
        p.setBrush(kCurrentBand);
        p.drawRoundedRect(band, 8 * s, 8 * s);
    }
    if (t == selected_) {
        p.setPen(QPen(QColor(kAccent.red(), kAccent.green(), kAccent.blue(), 140), 1.2 * s, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(band.adjusted(0.5, 0.5, -0.5, -0.5), 8 * s, 8 * s);
    }
    // "t = 3", and under it the input and its target ("h → e").
    const QRect& h = lay().header;
    const int headH = int(std::ceil(QFontMetricsF(fonts.header).height()));
    const QRect line1(c.band.left(), h.top(), c.band.width(), headH);
    QFont header = fonts.header;
    header.setBold(t == model_.currentStep || t == selected_);
    p.setFont(header);
    p.setPen(t < model_.forwardDone ? kInk : kMuted);
    const QString label = tr("t = %1").arg(t + 1);
    p.drawText(QRect(c.cx - c.band.width() / 2, line1.top(), c.band.width(), headH), Qt::AlignCenter, label);
    if (lay().headerLines > 1) {
        const UnrolledStep& st = model_.steps[std::size_t(t)];
        QString io = visible(st.inputLabel);
        if (!st.targetLabel.isEmpty()) io += QStringLiteral(" → ") + visible(st.targetLabel);
        p.setFont(fonts.label);
        p.setPen(kInk);
        p.drawText(QRect(c.cx - c.band.width() / 2, line1.bottom() + int(2 * s), c.band.width(), h.bottom() - line1.bottom()),
                   Qt::AlignHCenter | Qt::AlignTop, io);
    }
}

void UnrolledGraphView::paintForwardArrows(QPainter& p, int t) const {
    const double s = metrics_.s;
    const Fonts fonts = makeFonts(font(), s);
    const Column& c = lay().columns[std::size_t(t)];
    const bool done = t < model_.forwardDone;
    const QColor grey = done ? kMuted : kFaint;
    const QColor accent = done ? kAccent : QColor(kAccent.red(), kAccent.green(), kAccent.blue(), 90);
    const double w = 1.3 * s, wAccent = 1.9 * s;
    const Qt::PenStyle style = done ? Qt::SolidLine : Qt::DashLine;
    const double x = c.cx + 0.5;
    const QRect& xf = c.frame[Input];
    const QRect& af = c.frame[Hidden];
    const QRect& yf = c.frame[Output];
    const QRect& lf = c.frame[Loss];
    const bool lstm = model_.hasCellState;
    const QRect& cf = c.frame[CellState];

    // x -> (c ->) a: the input weights (shared: accent).
    const QRect& above = lstm ? cf : af;
    drawArrow(p, {QPointF(x, xf.top() - 1), QPointF(x, above.bottom() + 2)}, accent, wAccent, s, style);
    drawTag(p, QPointF(x + 5 * s, 0.5 * (xf.top() + above.bottom())), Qt::AlignLeft | Qt::AlignVCenter,
            inputWeightLabel(), accent, fonts.small, false);
    if (lstm) {
        drawArrow(p, {QPointF(x, cf.top() - 1), QPointF(x, af.bottom() + 2)}, grey, w, s, style);
        drawTag(p, QPointF(x + 5 * s, 0.5 * (cf.top() + af.bottom())), Qt::AlignLeft | Qt::AlignVCenter,
                QStringLiteral("o ⊙ tanh"), grey, fonts.small, false);
    }
    // a -> ŷ -> L
    drawArrow(p, {QPointF(x, af.top() - 1), QPointF(x, yf.bottom() + 2)}, grey, w, s, style);
    if (!model_.outputWeights.isEmpty()) {
        drawTag(p, QPointF(x - 5 * s, 0.5 * (af.top() + yf.bottom()) - 2 * s), Qt::AlignRight | Qt::AlignVCenter,
                model_.outputWeights.first(), grey, fonts.small, false);
    }
    drawArrow(p, {QPointF(x, yf.top() - 1), QPointF(x, lf.bottom() + 2)}, grey, w, s, style);

    // Recurrent arrows into this step: a<t-1> -> a<t> (accent, labelled), c<t-1> -> c<t>.
    const double yF = c.yForward + 0.5;
    const QString rl = recurrentLabel();
    if (t > 0) {
        const Column& prev = lay().columns[std::size_t(t - 1)];
        const double x0 = prev.frame[Hidden].right() + 1, x1 = af.left() - 1;
        drawArrow(p, {QPointF(x0, yF), QPointF(x1, yF)}, accent, wAccent, s, style);
        if (!rl.isEmpty()) {
            drawTag(p, QPointF(0.5 * (x0 + x1) - 3 * s, yF + 3 * s), Qt::AlignHCenter | Qt::AlignTop, rl, accent,
                    fonts.small, false);
        }
        if (lstm) {
            const double yc = cf.center().y() + 0.5;
            drawArrow(p, {QPointF(prev.frame[CellState].right() + 1, yc), QPointF(cf.left() - 1, yc)}, grey, w, s, style);
            drawTag(p, QPointF(0.5 * (prev.frame[CellState].right() + cf.left()) - 3 * s, yc + 3 * s),
                    Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("f ⊙"), grey, fonts.small, false);
        }
    } else {
        // The initial state comes in from the left.
        const double x0 = af.left() - 34 * s, x1 = af.left() - 1;
        drawArrow(p, {QPointF(x0, yF), QPointF(x1, yF)}, accent, wAccent, s, style);
        drawTag(p, QPointF(x0 - 3 * s, yF), Qt::AlignRight | Qt::AlignVCenter, stepName("a", -1), kMuted, fonts.small,
                false);
        if (lstm) {
            const double yc = cf.center().y() + 0.5;
            drawArrow(p, {QPointF(cf.left() - 34 * s, yc), QPointF(cf.left() - 1, yc)}, grey, w, s, style);
            drawTag(p, QPointF(cf.left() - 37 * s, yc), Qt::AlignRight | Qt::AlignVCenter, stepName("c", -1), kMuted,
                    fonts.small, false);
        }
    }
}

void UnrolledGraphView::paintGradientArrows(QPainter& p, int t) const {
    const double s = metrics_.s;
    const Fonts fonts = makeFonts(font(), s);
    const Column& c = lay().columns[std::size_t(t)];
    for (const GradientPath& g : gradientPaths(t)) {
        const QColor color = g.fromLoss ? kFromLoss : kFromNext;
        drawArrow(p, g.points, color, gradientWidth(g.norm), s);
        const QString label = normText(g.norm);
        if (g.fromLoss) {
            // Beside the vertical run, level with ŷ.
            const QPointF anchor(g.points.back().x() + gradientWidth(g.norm) / 2 + 4 * s, c.frame[Output].center().y());
            drawTag(p, anchor, Qt::AlignLeft | Qt::AlignVCenter, label, color.darker(118), fonts.small);
        } else {
            const QPointF a = g.points.front(), b = g.points.back();
            drawTag(p, QPointF(0.5 * (a.x() + b.x()), a.y() + gradientWidth(g.norm) / 2 + 2 * s),
                    Qt::AlignHCenter | Qt::AlignTop, label, color, fonts.small);
        }
    }
}

void UnrolledGraphView::paintNodes(QPainter& p, int t) const {
    const double s = metrics_.s;
    const Fonts fonts = makeFonts(font(), s);
    const Column& c = lay().columns[std::size_t(t)];
    const double radius = 4 * s;
    const QFontMetricsF labelFm(fonts.label);
    const bool vectorOutput = p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Pdf;

    auto frameOf = [&](const QRect& r) { return QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5); };

    for (Node node : {Input, CellState, Hidden, Output, Gradient}) {
        if (!nodeShown(t, node)) continue;
        const QRect frame = c.frame[node];
        const bool isGrad = node == Gradient;
        const bool done = computed(t, node);
        if (done) {
            p.setPen(QPen(isGrad ? kFromLoss : kFrame, (isGrad ? 1.8 : 1.0) * s));
            p.setBrush(Qt::white);
            p.drawRoundedRect(frameOf(frame), radius, radius);
            p.setRenderHint(QPainter::Antialiasing, false);
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            const QImage& image = images_[node][std::size_t(t)];
            // PDF viewers smooth a small image when they enlarge it (cells would bleed into each other): hand them
            // one already enlarged without smoothing.
            p.drawImage(c.cells[node], vectorOutput ? image.scaled(c.cells[node].size() * 4, Qt::IgnoreAspectRatio,
                                                                   Qt::FastTransformation)
                                                    : image);
            p.setRenderHint(QPainter::Antialiasing, true);
        } else {
            const QColor dash = isGrad ? QColor(240, 190, 130) : kFaint;
            p.setPen(QPen(dash, 1.0 * s, Qt::DashLine));
            p.setBrush(QColor(250, 250, 251));
            p.drawRoundedRect(frameOf(frame), radius, radius);
        }
        // Labels: above the frame, left of the forward lane (right of the orange lane for da).
        const QString name = nodeName(t, node);
        QFont f = fonts.label;
        p.setFont(f);
        const QColor ink = done ? (isGrad ? kFromLoss.darker(125) : kInk) : (isGrad ? QColor(235, 200, 160) : kFaint);
        p.setPen(ink);
        const double w = labelFm.horizontalAdvance(name);
        const double h = labelFm.height();
        QRectF box = isGrad ? QRectF(c.gradX + 5 * s, frame.top() - h - 1 * s, w + 2, h)
                            : QRectF(c.cx - 5 * s - w, frame.top() - h - 1 * s, w + 2, h);
        p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, name);
    }

    // L<t>: a small box with the number.
    const QRect lf = c.frame[Loss];
    const bool lossDone = computed(t, Loss);
    if (lossDone) {
        p.setPen(QPen(kFrame, 1.0 * s));
        p.setBrush(QColor(246, 247, 248));
    } else {
        p.setPen(QPen(kFaint, 1.0 * s, Qt::DashLine));
        p.setBrush(QColor(250, 250, 251));
    }
    p.drawRoundedRect(frameOf(lf), lf.height() / 2.0, lf.height() / 2.0);
    if (lossDone) {
        p.setFont(fonts.loss);
        p.setPen(kInk);
        const double loss = model_.steps[std::size_t(t)].loss;
        p.drawText(lf, Qt::AlignCenter, QString::number(loss, 'f', std::abs(loss) >= 100 ? 1 : 3));
    }
    p.setFont(fonts.label);
    p.setPen(lossDone ? kInk : kFaint);
    p.drawText(QRect(lf.left() - 20, lf.top() - labelFm.height() - 2 * s, lf.width() + 40, labelFm.height()),
               Qt::AlignCenter, nodeName(t, Loss));
}

void UnrolledGraphView::paintColorLegend(QPainter& p) const {
    paintColorLegendIn(&p, lay().colorLegend, int(width() - 12 * metrics_.s), false);
}

int UnrolledGraphView::paintColorLegendIn(QPainter* p, const QRect& r, int rightLimit, bool wrap) const {
    if (steps() == 0) return 0;
    const double s = metrics_.s;
    const Fonts fonts = makeFonts(font(), s);
    const QFontMetricsF fm(fonts.small);
    double x = r.left();
    int row = 0;
    const double barW = 56 * s, barH = 8 * s;
    const int rowStep = r.height() + int(2 * s);
    auto entry = [&](const QString& name, ColorMap map, double lo, double hi) {
        const QString loText = number(lo, 2), hiText = number(hi, 2);
        const double w = fm.horizontalAdvance(name) + 6 * s + fm.horizontalAdvance(loText) + 4 * s + barW + 4 * s +
                         fm.horizontalAdvance(hiText);
        if (wrap && x > r.left() && x + w > rightLimit) { // the next row, so that no scale is cut off
            x = r.left();
            ++row;
        }
        const QRectF line(x, r.top() + row * rowStep, 400, r.height());
        const double y = line.center().y();
        if (p) {
            p->setFont(fonts.small);
            p->setPen(kMuted);
            p->drawText(line, Qt::AlignLeft | Qt::AlignVCenter, name);
        }
        x += fm.horizontalAdvance(name) + 6 * s;
        if (p) p->drawText(line.translated(x - line.left(), 0), Qt::AlignLeft | Qt::AlignVCenter, loText);
        x += fm.horizontalAdvance(loText) + 4 * s;
        if (p) {
            QLinearGradient gradient(x, 0, x + barW, 0);
            for (int i = 0; i <= 8; ++i) gradient.setColorAt(i / 8.0, colorAt(map, i / 8.0));
            p->setPen(QPen(kFrame, 0.8));
            p->setBrush(gradient);
            p->drawRoundedRect(QRectF(x, y - barH / 2, barW, barH), 2, 2);
        }
        x += barW + 4 * s;
        if (p) {
            p->setPen(kMuted);
            p->drawText(line.translated(x - line.left(), 0), Qt::AlignLeft | Qt::AlignVCenter, hiText);
        }
        x += fm.horizontalAdvance(hiText) + 22 * s;
    };
    const auto sym = [&](Node k) { return range_[k]; };
    // Only kinds with values: a range of a kind not computed yet would mean nothing.
    if (hasValues_[Input]) entry(tr("x"), ColorMap::Diverging, -sym(Input), sym(Input));
    if (hasValues_[Hidden]) entry(tr("a"), ColorMap::Diverging, -sym(Hidden), sym(Hidden));
    if (model_.hasCellState && hasValues_[CellState]) entry(tr("c"), ColorMap::Diverging, -sym(CellState), sym(CellState));
    if (hasValues_[Output]) entry(QString::fromUtf8("\xC5\xB7"), ColorMap::Viridis, 0.0, 1.0);
    if (model_.backwardDone > 0 && hasValues_[Gradient]) entry(tr("da"), ColorMap::Diverging, -sym(Gradient), sym(Gradient));
    const QString note = tr("one range per kind for all steps: a colour means the same value in every column");
    if (p && x > r.left() && x + fm.horizontalAdvance(note) < rightLimit) {
        p->setFont(fonts.small);
        p->setPen(kFaint.darker(115));
        p->drawText(QRectF(x, r.top() + row * rowStep, 4000, r.height()), Qt::AlignLeft | Qt::AlignVCenter, note);
    }
    return row + 1;
}

// --------------------------------------------------------------------------------------------------------------
// Interaction

void UnrolledGraphView::setPresentationMode(bool on) {
    if (on == presentation_) return;
    presentation_ = on;
    computeMetrics();
    relayout();
    updateGeometry();
    update();
    emit headerChanged();
}

void UnrolledGraphView::setSelectedStep(int step) {
    const int s = step >= 0 && step < steps() ? step : -1;
    if (s == selected_) return;
    selected_ = s;
    update();
}

void UnrolledGraphView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    relayout();
}

void UnrolledGraphView::updateHover(QPoint pos) {
    const Hit hit = hitAt(pos);
    const bool cellChanged = hit.step != hovered_.step || hit.node != hovered_.node || hit.row != hovered_.row ||
                             hit.col != hovered_.col;
    if (cellChanged) {
        auto cellArea = [&](const Hit& h) {
            return h.valid() ? nodeRect(h.step, h.node).adjusted(-3, -3, 3, 3) : QRect();
        };
        update(cellArea(hovered_));
        hovered_ = hit;
        update(cellArea(hovered_));
    }
    const QString text = readoutAt(pos);
    if (text != readout_) {
        readout_ = text;
        emit readoutChanged(readout_);
    }
    const int step = stepAt(pos);
    if (step != hoveredStep_) {
        hoveredStep_ = step;
        emit stepHovered(step);
    }
}

void UnrolledGraphView::mouseMoveEvent(QMouseEvent* event) {
    updateHover(event->position().toPoint());
    if (QToolTip::isVisible()) {
        if (readout_.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(event->globalPosition().toPoint(), readout_, this);
    }
    QWidget::mouseMoveEvent(event);
}

void UnrolledGraphView::mousePressEvent(QMouseEvent* event) {
    pressed_ = event->button() == Qt::LeftButton ? hitAt(event->position().toPoint()) : Hit{};
    QWidget::mousePressEvent(event);
}

void UnrolledGraphView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        const Hit hit = hitAt(event->position().toPoint());
        if (hit.valid() && pressed_.valid() && hit.step == pressed_.step && hit.node == pressed_.node) {
            setSelectedStep(hit.step);
            emit nodeClicked(hit.step, hit.node);
        }
        pressed_ = {};
    }
    QWidget::mouseReleaseEvent(event);
}

void UnrolledGraphView::leaveEvent(QEvent* event) {
    updateHover(QPoint(-1000, -1000));
    QWidget::leaveEvent(event);
}

bool UnrolledGraphView::event(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        computeMetrics();
        relayout();
        updateGeometry();
    }
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = readoutAt(help->pos());
        if (text.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void UnrolledGraphView::contextMenuEvent(QContextMenuEvent* event) {
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    auto exportAs = [this](const QString& kind) {
        const QString suffix = kind.toLower();
        QString base = (model_.cellName.isEmpty() ? QStringLiteral("unrolled") : model_.cellName.toLower()) +
                       QStringLiteral("-unrolled-T%1").arg(steps());
        QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(kind), base + QLatin1Char('.') + suffix,
                                                    tr("%1 files (*.%2)").arg(kind, suffix));
        if (path.isEmpty()) return;
        if (!path.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive)) path += QLatin1Char('.') + suffix;
        QString error;
        const bool ok = suffix == QLatin1String("png") ? exportPng(path, &error, std::max(2.0, devicePixelRatioF()))
                                                       : exportPdf(path, &error);
        if (!ok) QMessageBox::warning(this, tr("Export failed"), error);
    };
    menu->addAction(tr("Export PNG…"), this, [exportAs] { exportAs(QStringLiteral("PNG")); });
    menu->addAction(tr("Export PDF…"), this, [exportAs] { exportAs(QStringLiteral("PDF")); });
    menu->addSeparator();
    QAction* presentation = menu->addAction(tr("Presentation mode"));
    presentation->setCheckable(true);
    presentation->setChecked(presentation_);
    connect(presentation, &QAction::toggled, this, &UnrolledGraphView::setPresentationMode);
    menu->popup(event->globalPos());
}

// --------------------------------------------------------------------------------------------------------------
// Size and export

QSize UnrolledGraphView::sizeHint() const {
    const Metrics& m = metrics_;
    const int columns = int(12 * m.s) * 2 + int(44 * m.s) + std::max(1, steps()) * m.pitch;
    if (headerDetached_) return {columns, preferredHeight()};
    return {std::max(columns, headerWidth() + int(24 * m.s)), preferredHeight()};
}

QSize UnrolledGraphView::minimumSizeHint() const {
    // Columns never squeeze (a scroll area scrolls instead); the heatmap cells shrink to fit a lower height.
    const Metrics& m = metrics_;
    const int columns = int(12 * m.s) * 2 + int(44 * m.s) + std::max(1, steps()) * m.pitch;
    return {columns, int(0.7 * preferredHeight())};
}

QImage UnrolledGraphView::render(double scale) const {
    // A detached header goes on top: an exported figure always says what it shows.
    const int headerH = headerDetached_ ? headerBlockHeight(width()) : 0;
    QImage image(QSize(width(), height() + headerH) * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter p(&image);
    if (headerH > 0) {
        paintHeaderBlock(p, QRect(0, 0, width(), headerH));
        p.translate(0, headerH);
    }
    paintScene(p, rect(), false);
    return image;
}

bool UnrolledGraphView::exportPng(const QString& path, QString* error, double scale) {
    const QImage image = render(std::max(scale, 0.1));
    QSaveFile file(path);
    if (image.isNull() || !file.open(QIODevice::WriteOnly))
        return fail(error, tr("Cannot write %1: %2").arg(path, file.errorString()));
    if (!image.save(&file, "PNG") || !file.commit())
        return fail(error, tr("Cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

bool UnrolledGraphView::exportPdf(const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return fail(error, tr("Cannot write %1: %2").arg(path, file.errorString()));
    bool painted = false;
    {
        // One device unit = one screen pixel at 96 dpi, so the PDF is laid out like the screen.
        QPdfWriter writer(&file);
        writer.setResolution(96);
        const int headerH = headerDetached_ ? headerBlockHeight(width()) : 0;
        writer.setPageSize(QPageSize(QSizeF(width(), height() + headerH) * 72.0 / 96.0, QPageSize::Point, QString(),
                                     QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setCreator(QStringLiteral("Unroll"));
        writer.setTitle(tr("%1 unrolled over T = %2 steps").arg(model_.cellName).arg(steps()));
        QPainter p;
        if (p.begin(&writer)) {
            if (headerH > 0) {
                p.fillRect(QRect(0, 0, width(), headerH), Qt::white);
                paintHeaderBlock(p, QRect(0, 0, width(), headerH));
                p.translate(0, headerH);
            }
            paintScene(p, rect(), false);
            p.end();
            painted = true;
        }
    }
    if (!painted) return fail(error, tr("Cannot start a PDF in %1").arg(path));
    if (!file.commit()) return fail(error, tr("Cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

// --------------------------------------------------------------------------------------------------------------
// The pinned header

UnrolledGraphHeader::UnrolledGraphHeader(UnrolledGraphView* view, QWidget* parent) : QWidget(parent), view_(view) {
    view_->setHeaderDetached(true);
    setAutoFillBackground(false);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    connect(view_, &UnrolledGraphView::headerChanged, this, [this] {
        updateGeometry();
        update();
    });
}

int UnrolledGraphHeader::heightForWidth(int width) const { return view_->headerBlockHeight(width); }

QSize UnrolledGraphHeader::sizeHint() const { return {400, heightForWidth(width() > 0 ? width() : 400)}; }

QSize UnrolledGraphHeader::minimumSizeHint() const { return {200, heightForWidth(width() > 0 ? width() : 400)}; }

void UnrolledGraphHeader::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    p.fillRect(event->rect(), Qt::white);
    view_->paintHeaderBlock(p, rect());
}

void UnrolledGraphHeader::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // The wrapped height follows the width; a layout asks again (the width never depends on the height).
    if (heightForWidth(width()) != height()) updateGeometry();
}

} // namespace unroll
