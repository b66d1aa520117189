// The word scatter; see ScatterView.hpp.
#include "labs/vectors/ScatterView.hpp"

#include "widgets/ColorMaps.hpp"
#include "widgets/PlotExport.hpp"

#include <QContextMenuEvent>
#include <QFontMetricsF>
#include <QImage>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSaveFile>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace unroll {

namespace {

constexpr int kLabelPx = 12, kTickPx = 11, kTitlePx = 14, kAxisTitlePx = 12, kNotePx = 11;
const QColor kInk(0x1f, 0x24, 0x30), kMuted(0x4c, 0x56, 0x6a), kGrid(0xe8, 0xea, 0xee), kFrame(0xb8, 0xbe, 0xc8);
const QColor kPlain(0x3b, 0x6e, 0xa8), kSelect(0xd5, 0x5e, 0x00);

QFont pixelFont(int px, bool bold = false)
{
    QFont f("DejaVu Sans");
    f.setStyleHint(QFont::SansSerif);
    f.setPixelSize(px);
    f.setBold(bold);
    return f;
}

// Ticks at 1, 2 or 5 times a power of ten, about `target` of them across [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int target)
{
    std::vector<double> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
    const double raw = (hi - lo) / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

QString tickText(double v) { return QString::number(v, 'g', 4); }

// Groups: the Okabe & Ito palette first (paletteColor), then eight more from Tableau's so that a dozen groups stay
// apart; past sixteen the colours repeat.
QColor groupColor(int g)
{
    static const QColor more[] = {QColor(0x8c, 0x56, 0x4b), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                                  QColor(0x17, 0xbe, 0xcf), QColor(0x94, 0x67, 0xbd), QColor(0xe3, 0x77, 0xc2),
                                  QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28)};
    g %= 16;
    return g < 8 ? paletteColor(g) : more[g - 8];
}

const int kLegendDot = 22; // a legend row: the dot, then the name from here

QString svgColor(const QColor& c) { return c.isValid() && c.alpha() > 0 ? c.name(QColor::HexRgb) : "none"; }
QString svgOpacity(const char* attr, const QColor& c)
{
    return c.isValid() && c.alpha() < 255 && c.alpha() > 0 ? QString(" %1=\"%2\"").arg(attr).arg(c.alphaF(), 0, 'f', 3)
                                                           : QString();
}
QString xmlEscaped(QString s) { return s.toHtmlEscaped(); }

} // namespace

ScatterView::ScatterView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(240, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
}

void ScatterView::setPoints(const QStringList& labels, const Eigen::MatrixXd& xy)
{
    labels_ = labels;
    pos_.resize(labels.size());
    for (int i = 0; i < labels.size(); ++i) pos_[i] = i < xy.rows() ? QPointF(xy(i, 0), xy(i, 1)) : QPointF();
    group_.clear();
    values_.clear();
    selected_ = hovered_ = searched_ = -1;
    highlighted_.clear();
    zoomed_ = false;
    fitToData();
}

void ScatterView::setPositions(const Eigen::MatrixXd& xy)
{
    for (int i = 0; i < pos_.size() && i < xy.rows(); ++i) pos_[i] = QPointF(xy(i, 0), xy(i, 1));
    if (!zoomed_) data_ = dataBounds();
    update();
}

void ScatterView::setGroups(const QVector<int>& group, const QStringList& groupNames)
{
    group_ = group;
    groupNames_ = groupNames;
    update();
}

void ScatterView::setValues(const QVector<double>& values, const QString& lowEnd, const QString& highEnd,
                            const QString& title)
{
    values_ = values;
    lowEnd_ = lowEnd;
    highEnd_ = highEnd;
    valueTitle_ = title;
    update();
}

void ScatterView::setColorMode(ColorMode mode)
{
    colorMode_ = mode;
    update();
}
void ScatterView::setAxisTitles(const QString& x, const QString& y)
{
    xTitle_ = x;
    yTitle_ = y;
    update();
}
void ScatterView::setTitle(const QString& title)
{
    title_ = title;
    update();
}
void ScatterView::setNote(const QString& note)
{
    note_ = note;
    update();
}
void ScatterView::setFadeOthers(bool on)
{
    fadeOthers_ = on;
    update();
}
void ScatterView::setEqualAspect(bool on)
{
    equalAspect_ = on;
    update();
}
void ScatterView::setArrows(const QVector<Arrow>& arrows)
{
    arrows_ = arrows;
    if (!zoomed_) data_ = dataBounds();
    update();
}
void ScatterView::setLines(const QVector<Line>& lines)
{
    lines_ = lines;
    update();
}
void ScatterView::setSelected(int index)
{
    selected_ = index >= 0 && index < count() ? index : -1;
    update();
}
void ScatterView::setHighlighted(const QVector<int>& indices)
{
    highlighted_ = indices;
    update();
}

int ScatterView::search(const QString& text)
{
    searched_ = -1;
    const QString t = text.trimmed();
    if (!t.isEmpty()) {
        for (int i = 0; i < count() && searched_ < 0; ++i)
            if (labels_[i].compare(t, Qt::CaseInsensitive) == 0) searched_ = i;
        for (int i = 0; i < count() && searched_ < 0; ++i)
            if (labels_[i].startsWith(t, Qt::CaseInsensitive)) searched_ = i;
    }
    update();
    return searched_;
}

QRectF ScatterView::dataBounds() const
{
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    auto take = [&](const QPointF& p) {
        if (!std::isfinite(p.x()) || !std::isfinite(p.y())) return;
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    };
    for (const auto& p : pos_) take(p);
    for (const auto& a : arrows_) {
        take(a.from);
        take(a.to);
    }
    if (!std::isfinite(x0)) return QRectF(-1, -1, 2, 2);
    double w = x1 - x0, h = y1 - y0;
    if (w <= 0) w = std::max(1e-9, std::abs(x0) * 0.2 + 1e-3);
    if (h <= 0) h = std::max(1e-9, std::abs(y0) * 0.2 + 1e-3);
    // Room for the labels to the right of the rightmost points.
    return QRectF(x0 - 0.05 * w, y0 - 0.06 * h, w * 1.16, h * 1.12);
}

void ScatterView::fitToData()
{
    zoomed_ = false;
    data_ = dataBounds();
    update();
}

// The group legend goes beside the plot (one column) when the view is wide, and under it (entries flowing in rows)
// when it is tall, so that it never hides a point and takes the room an equal-aspect plot would leave empty.
std::vector<QRectF> ScatterView::legendLayout(QSize size, QRectF* box) const
{
    std::vector<QRectF> items;
    *box = QRectF();
    if (colorMode_ != ColorMode::Group || groupNames_.isEmpty()) return items;
    const QFontMetricsF fm(pixelFont(kLabelPx));
    const double rowH = fm.height() + 2;
    const double left = yTitle_.isEmpty() ? 50 : 68;
    if (size.height() > size.width() * 1.1) {
        const double width = size.width() - left - 14;
        double x = 0, y = 0;
        for (const auto& g : groupNames_) {
            const double w = fm.horizontalAdvance(g) + kLegendDot + 12;
            if (x > 0 && x + w > width) {
                x = 0;
                y += rowH;
            }
            items.emplace_back(left + x, y, w, rowH);
            x += w;
        }
        const double height = y + rowH + 8;
        const double top = size.height() - height - 2;
        for (auto& r : items) r.translate(0, top + 4);
        *box = QRectF(left, top, width, height);
        return items;
    }
    double w = 0;
    for (const auto& g : groupNames_) w = std::max(w, fm.horizontalAdvance(g));
    w = std::min(w + kLegendDot + 8, size.width() * 0.3 - 14);
    const double top = title_.isEmpty() ? 12 : (note_.isEmpty() ? 34 : 50);
    for (int g = 0; g < groupNames_.size(); ++g) items.emplace_back(size.width() - w - 6, top + 4 + g * rowH, w, rowH);
    *box = QRectF(size.width() - w - 6, top, w, groupNames_.size() * rowH + 8);
    return items;
}

QRectF ScatterView::plotRect(QSize size) const
{
    const double top = title_.isEmpty() ? 12 : (note_.isEmpty() ? 34 : 50);
    double right = 14, below = 0;
    QRectF legend;
    legendLayout(size, &legend);
    if (colorMode_ == ColorMode::Value && !values_.isEmpty()) right = 96;
    else if (!legend.isNull() && legend.top() > top + 1) below = legend.height() + 4;
    else if (!legend.isNull()) right = legend.width() + 20;
    const double bottom = (xTitle_.isEmpty() ? 30 : 48) + below;
    const double left = yTitle_.isEmpty() ? 50 : 68;
    return QRectF(left, top, std::max(10.0, size.width() - left - right), std::max(10.0, size.height() - top - bottom));
}

QRectF ScatterView::viewFor(const QRectF& plot) const
{
    QRectF d = data_;
    if (equalAspect_ && d.width() > 0 && d.height() > 0) {
        const double sx = plot.width() / d.width(), sy = plot.height() / d.height();
        const QPointF c = d.center();
        if (sx > sy) d.setWidth(plot.width() / sy);
        else d.setHeight(plot.height() / sx);
        d.moveCenter(c);
    }
    return d;
}

QPointF ScatterView::toWidget(const QPointF& data) const
{
    const QRectF plot = plotRect(size());
    const QRectF d = viewFor(plot);
    return {plot.left() + (data.x() - d.left()) / d.width() * plot.width(),
            plot.bottom() - (data.y() - d.top()) / d.height() * plot.height()};
}

int ScatterView::pointAt(const QPointF& w) const
{
    int best = -1;
    double bestD = 8.0 * 8.0;
    for (int i = 0; i < count(); ++i) {
        const QPointF p = toWidget(pos_[i]) - w;
        const double d = p.x() * p.x() + p.y() * p.y();
        if (d < bestD) {
            bestD = d;
            best = i;
        }
    }
    return best;
}

QColor ScatterView::pointColor(int i) const
{
    if (colorMode_ == ColorMode::Value && i < values_.size()) {
        double m = 0;
        for (double v : values_)
            if (std::isfinite(v)) m = std::max(m, std::abs(v));
        return colorAt(ColorMap::Diverging, m > 0 ? 0.5 + 0.5 * values_[i] / m : 0.5);
    }
    if (i < group_.size() && group_[i] >= 0) return groupColor(group_[i]);
    return kPlain;
}

std::vector<ScatterView::Prim> ScatterView::scene(QSize size, int* labelsDrawn) const
{
    std::vector<Prim> out;
    auto line = [&](QPointF a, QPointF b, QColor c, double w, bool dashed = false) {
        Prim p;
        p.kind = Prim::Line;
        p.a = a;
        p.b = b;
        p.stroke = c;
        p.width = w;
        p.dashed = dashed;
        out.push_back(p);
    };
    auto text = [&](QPointF at, const QString& s, int px, QColor c, bool bold = false, bool rotated = false) {
        Prim p;
        p.kind = Prim::Text;
        p.a = at;
        p.text = s;
        p.pixelSize = px;
        p.fill = c;
        p.bold = bold;
        p.rotated = rotated;
        out.push_back(p);
    };
    auto rect = [&](QRectF r, QColor fill, QColor stroke = {}) {
        Prim p;
        p.kind = Prim::Rect;
        p.a = r.topLeft();
        p.b = r.bottomRight();
        p.fill = fill;
        p.stroke = stroke;
        out.push_back(p);
    };

    rect(QRectF(0, 0, size.width(), size.height()), Qt::white);
    const QRectF plot = plotRect(size);
    const QRectF d = viewFor(plot);
    auto map = [&](QPointF q) {
        return QPointF(plot.left() + (q.x() - d.left()) / d.width() * plot.width(),
                       plot.bottom() - (q.y() - d.top()) / d.height() * plot.height());
    };
    const QFontMetricsF tickFm(pixelFont(kTickPx));

    // Grid and ticks.
    for (double t : niceTicks(d.left(), d.right(), std::max(2, int(plot.width() / 110)))) {
        const double x = map({t, 0}).x();
        line({x, plot.top()}, {x, plot.bottom()}, kGrid, 1);
        const QString s = tickText(t);
        text({x - tickFm.horizontalAdvance(s) / 2, plot.bottom() + 4 + tickFm.ascent()}, s, kTickPx, kMuted);
    }
    for (double t : niceTicks(d.top(), d.bottom(), std::max(2, int(plot.height() / 70)))) {
        const double y = map({0, t}).y();
        line({plot.left(), y}, {plot.right(), y}, kGrid, 1);
        const QString s = tickText(t);
        text({plot.left() - 6 - tickFm.horizontalAdvance(s), y + tickFm.ascent() / 2 - 1}, s, kTickPx, kMuted);
    }
    rect(plot, {}, kFrame);

    // Titles.
    if (!title_.isEmpty()) {
        const QFontMetricsF fm(pixelFont(kTitlePx, true));
        text({plot.left(), 8 + fm.ascent()}, fm.elidedText(title_, Qt::ElideRight, size.width() - plot.left() - 8),
             kTitlePx, kInk, true);
        if (!note_.isEmpty()) {
            const QFontMetricsF nfm(pixelFont(kNotePx));
            text({plot.left(), 10 + fm.height() + nfm.ascent()},
                 nfm.elidedText(note_, Qt::ElideRight, size.width() - plot.left() - 8), kNotePx, kMuted);
        }
    }
    const QFontMetricsF axisFm(pixelFont(kAxisTitlePx));
    if (!xTitle_.isEmpty()) {
        const QString s = axisFm.elidedText(xTitle_, Qt::ElideRight, plot.width());
        text({plot.center().x() - axisFm.horizontalAdvance(s) / 2, plot.bottom() + 40.0}, s, kAxisTitlePx, kInk);
    }
    if (!yTitle_.isEmpty()) {
        const QString s = axisFm.elidedText(yTitle_, Qt::ElideRight, plot.height());
        text({8 + axisFm.ascent(), plot.center().y() + axisFm.horizontalAdvance(s) / 2}, s, kAxisTitlePx, kInk, false,
             true);
    }

    // Guide lines, clipped to the plot by extending them to its edges.
    for (const auto& l : lines_) {
        const QPointF a = map(l.a), b = map(l.b);
        const QPointF dir = b - a;
        const double len = std::hypot(dir.x(), dir.y());
        if (len < 1e-9) continue;
        const QPointF u = dir / len;
        // The segment of the infinite line inside the plot rectangle.
        double t0 = -1e9, t1 = 1e9;
        auto clip = [&](double p, double q) { // p t <= q
            if (std::abs(p) < 1e-12) return q >= 0;
            const double r = q / p;
            if (p < 0) t0 = std::max(t0, r);
            else t1 = std::min(t1, r);
            return true;
        };
        if (!clip(-u.x(), a.x() - plot.left()) || !clip(u.x(), plot.right() - a.x()) ||
            !clip(-u.y(), a.y() - plot.top()) || !clip(u.y(), plot.bottom() - a.y()) || t0 > t1)
            continue;
        line(a + t0 * u, a + t1 * u, l.color, 1.5, l.dashed);
        if (!l.label.isEmpty()) {
            const QFontMetricsF fm(pixelFont(kLabelPx, true));
            QPointF at = a + t1 * u - u * (fm.horizontalAdvance(l.label) * std::abs(u.x()) + 16);
            at = QPointF(std::clamp(at.x(), plot.left() + 4, plot.right() - fm.horizontalAdvance(l.label) - 4),
                         std::clamp(at.y() - 6, plot.top() + fm.ascent() + 2, plot.bottom() - 4));
            text(at, l.label, kLabelPx, l.color, true);
        }
    }

    // Points: plain ones first, highlighted ones on top.
    const bool focus = fadeOthers_ && (selected_ >= 0 || !highlighted_.isEmpty());
    std::vector<char> special(size_t(count()), 0);
    for (int h : highlighted_)
        if (h >= 0 && h < count()) special[size_t(h)] = 1;
    for (int s : {selected_, hovered_, searched_})
        if (s >= 0 && s < count()) special[size_t(s)] = 1;
    const double r = count() > 1500 ? 2.5 : count() > 400 ? 3.2 : 4.2;
    for (int i = 0; i < count(); ++i) {
        if (special[size_t(i)]) continue;
        const QPointF c = map(pos_[i]);
        if (!plot.contains(c)) continue;
        Prim p;
        p.kind = Prim::Circle;
        p.a = c;
        p.b = {r, 0};
        QColor fill = pointColor(i);
        if (focus) fill.setAlphaF(0.35);
        p.fill = fill;
        out.push_back(p);
    }
    for (int i = 0; i < count(); ++i) {
        if (!special[size_t(i)]) continue;
        const QPointF c = map(pos_[i]);
        if (!plot.contains(c)) continue;
        Prim p;
        p.kind = Prim::Circle;
        p.a = c;
        p.b = {r + 2, 0};
        p.fill = pointColor(i);
        p.stroke = i == selected_ || i == searched_ ? kInk : kSelect;
        p.width = 2;
        out.push_back(p);
    }

    // Arrows (debiasing moves): a ghost at the start, a line, a head.
    for (const auto& a : arrows_) {
        const QPointF p0 = map(a.from), p1 = map(a.to);
        if (a.ghost) {
            Prim g;
            g.kind = Prim::Circle;
            g.a = p0;
            g.b = {r + 1, 0};
            g.stroke = a.color;
            g.width = 1.5;
            out.push_back(g);
        }
        const QPointF dir = p1 - p0;
        const double len = std::hypot(dir.x(), dir.y());
        if (len > 8) {
            const QPointF u = dir / len, n(-u.y(), u.x());
            const QPointF tip = p1 - u * (r + 2);
            line(p0 + u * (r + 2), tip - u * 6, a.color, 1.8, true);
            Prim head;
            head.kind = Prim::Polygon;
            head.polygon << tip << tip - u * 10 + n * 4.5 << tip - u * 10 - n * 4.5;
            head.fill = a.color;
            out.push_back(head);
        }
    }

    // Labels: who gets one, in priority order, and where.
    std::vector<int> order;
    std::vector<char> queued(size_t(count()), 0);
    auto queue = [&](int i) {
        if (i >= 0 && i < count() && !queued[size_t(i)]) {
            queued[size_t(i)] = 1;
            order.push_back(i);
        }
    };
    queue(selected_);
    queue(hovered_);
    queue(searched_);
    for (int h : highlighted_) queue(h);
    for (int i = 0; i < count(); ++i) queue(i);
    const bool all = count() < allLabelsBelow();
    const QFontMetricsF fm(pixelFont(kLabelPx)), bfm(pixelFont(kLabelPx, true));
    std::vector<QRectF> placed;
    // The arrow labels and the legend are placed first so word labels keep clear of them.
    for (const auto& a : arrows_) {
        if (a.label.isEmpty()) continue;
        const QPointF p1 = map(a.to);
        const QRectF box(p1.x() + r + 4, p1.y() - bfm.ascent() / 2 - 2, bfm.horizontalAdvance(a.label) + 2,
                         bfm.height());
        placed.push_back(box);
    }
    QRectF legendBox;
    const std::vector<QRectF> legendItems = legendLayout(size, &legendBox);
    std::vector<QRectF> dots; // the points on screen, as small boxes
    dots.reserve(size_t(count()));
    for (int i = 0; i < count(); ++i) {
        const QPointF c = map(pos_[i]);
        if (plot.contains(c)) dots.emplace_back(c.x() - 0.7 * r, c.y() - 0.7 * r, 1.4 * r, 1.4 * r);
    }
    for (const auto& a : arrows_) { // labels keep clear of the moves too: the ghost and points along the shaft
        const QPointF p0 = map(a.from), p1 = map(a.to);
        for (int k = 0; k <= 8; ++k) {
            const QPointF q = p0 + (p1 - p0) * (k / 8.0);
            dots.emplace_back(q.x() - r - 2, q.y() - r - 2, 2 * r + 4, 2 * r + 4);
        }
    }
    int drawn = 0;
    for (int i : order) {
        const QPointF c = map(pos_[i]);
        if (!plot.contains(c)) continue;
        const bool strong = special[size_t(i)];
        const QFontMetricsF& m = strong ? bfm : fm;
        const double w = m.horizontalAdvance(labels_[i]) + 2, h = m.height();
        const double gap = r + 3;
        const QRectF candidates[] = {
            QRectF(c.x() + gap, c.y() - h / 2, w, h),
            QRectF(c.x() - gap - w, c.y() - h / 2, w, h),
            QRectF(c.x() - w / 2, c.y() - gap - h + 2, w, h),
            QRectF(c.x() - w / 2, c.y() + gap - 2, w, h),
            QRectF(c.x() + gap - 2, c.y() - h + 1, w, h),
            QRectF(c.x() + gap - 2, c.y() - 1, w, h),
            QRectF(c.x() - gap + 2 - w, c.y() - h + 1, w, h),
            QRectF(c.x() - gap + 2 - w, c.y() - 1, w, h),
        };
        constexpr int kCandidates = 8;
        int chosen = -1;
        double leastOverlap = std::numeric_limits<double>::infinity();
        int leastAt = -1;
        for (int k = 0; k < kCandidates && chosen < 0; ++k) {
            if (!plot.contains(candidates[k])) continue;
            double overlap = 0;
            for (const auto& q : placed) {
                const QRectF o = q.intersected(candidates[k]);
                if (!o.isEmpty()) overlap += o.width() * o.height();
            }
            // Other words' points count too: a label should not hide a point.
            for (const auto& q : dots) {
                const QRectF o = q.intersected(candidates[k]);
                if (!o.isEmpty()) overlap += o.width() * o.height();
            }
            if (overlap == 0) chosen = k;
            else if (overlap < leastOverlap) {
                leastOverlap = overlap;
                leastAt = k;
            }
        }
        // Few points, or a word the user is looking at: it gets a label even where no place is clear.
        if (chosen < 0 && (all || strong)) chosen = leastAt >= 0 ? leastAt : 0;
        if (chosen < 0) continue;
        const QRectF box = candidates[chosen];
        placed.push_back(box);
        if (strong) rect(box.adjusted(-2, 0, 1, 0), QColor(255, 255, 255, 215));
        QColor ink = kInk;
        if (focus && !strong) ink.setAlphaF(0.55);
        text({box.left() + 1, box.top() + m.ascent()}, labels_[i], kLabelPx, ink, strong);
        ++drawn;
    }
    for (const auto& a : arrows_) {
        if (a.label.isEmpty()) continue;
        const QPointF p1 = map(a.to);
        text({p1.x() + r + 5, p1.y() + bfm.ascent() / 2 - 2}, a.label, kLabelPx, a.color.darker(130), true);
    }
    if (labelsDrawn) *labelsDrawn = drawn;

    // Legend (groups) or colour bar (values).
    if (!legendBox.isNull()) {
        rect(legendBox, QColor(255, 255, 255), kFrame);
        for (int g = 0; g < int(legendItems.size()); ++g) {
            const QRectF& item = legendItems[size_t(g)];
            Prim dot;
            dot.kind = Prim::Circle;
            dot.a = {item.left() + 12, item.center().y()};
            dot.b = {4.5, 0};
            dot.fill = groupColor(g);
            out.push_back(dot);
            text({item.left() + kLegendDot, item.top() + fm.ascent()},
                 fm.elidedText(groupNames_[g], Qt::ElideRight, item.width() - kLegendDot - 2), kLabelPx, kInk);
        }
    }
    if (colorMode_ == ColorMode::Value && !values_.isEmpty()) {
        double m = 0;
        for (double v : values_)
            if (std::isfinite(v)) m = std::max(m, std::abs(v));
        const QRectF bar(plot.right() + 16, plot.top() + 22, 14, std::max(40.0, plot.height() - 44));
        const int bands = 48;
        for (int k = 0; k < bands; ++k) {
            const double t = 1.0 - (k + 0.5) / bands;
            rect(QRectF(bar.left(), bar.top() + k * bar.height() / bands, bar.width(), bar.height() / bands + 0.6),
                 colorAt(ColorMap::Diverging, t));
        }
        rect(bar, {}, kFrame);
        const QFontMetricsF sfm(pixelFont(kTickPx));
        text({bar.left(), bar.top() - 6}, highEnd_, kTickPx, kInk, true);
        text({bar.left(), bar.bottom() + 4 + sfm.ascent()}, lowEnd_, kTickPx, kInk, true);
        for (double t : {-m, 0.0, m}) {
            const double y = bar.top() + (0.5 - 0.5 * (m > 0 ? t / m : 0)) * bar.height();
            text({bar.right() + 4, y + sfm.ascent() / 2 - 1}, tickText(t), kTickPx, kMuted);
        }
        if (!valueTitle_.isEmpty())
            text({bar.right() + 4 + sfm.horizontalAdvance("-0.000") + sfm.ascent(),
                  bar.center().y() + sfm.horizontalAdvance(valueTitle_) / 2},
                 valueTitle_, kTickPx, kMuted, false, true);
    }
    return out;
}

void ScatterView::paintScene(QPainter& p, const std::vector<Prim>& prims) const
{
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    for (const auto& q : prims) {
        switch (q.kind) {
        case Prim::Line: {
            QPen pen(q.stroke, q.width);
            if (q.dashed) pen.setStyle(Qt::DashLine);
            p.setPen(pen);
            p.drawLine(q.a, q.b);
            break;
        }
        case Prim::Circle:
            p.setPen(q.stroke.isValid() ? QPen(q.stroke, q.width) : QPen(Qt::NoPen));
            p.setBrush(q.fill.isValid() ? QBrush(q.fill) : QBrush(Qt::NoBrush));
            p.drawEllipse(q.a, q.b.x(), q.b.x());
            break;
        case Prim::Rect:
            p.setPen(q.stroke.isValid() ? QPen(q.stroke, 1) : QPen(Qt::NoPen));
            p.setBrush(q.fill.isValid() ? QBrush(q.fill) : QBrush(Qt::NoBrush));
            p.drawRect(QRectF(q.a, q.b));
            break;
        case Prim::Polygon:
            p.setPen(Qt::NoPen);
            p.setBrush(q.fill);
            p.drawPolygon(q.polygon);
            break;
        case Prim::Text:
            p.setFont(pixelFont(q.pixelSize, q.bold));
            p.setPen(q.fill);
            if (q.rotated) {
                p.save();
                p.translate(q.a);
                p.rotate(-90);
                p.drawText(QPointF(0, 0), q.text);
                p.restore();
            } else {
                p.drawText(q.a, q.text);
            }
            break;
        }
    }
}

QString ScatterView::svgOf(const std::vector<Prim>& prims, QSize size) const
{
    QString s;
    s += QString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" "
                 "height=\"%2\" viewBox=\"0 0 %1 %2\" font-family=\"DejaVu Sans, sans-serif\">\n")
             .arg(size.width())
             .arg(size.height());
    auto n = [](double v) { return QString::number(v, 'f', 2); };
    for (const auto& q : prims) {
        switch (q.kind) {
        case Prim::Line:
            s += QString("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%4\" stroke=\"%5\"%6 stroke-width=\"%7\"%8/>\n")
                     .arg(n(q.a.x()), n(q.a.y()), n(q.b.x()), n(q.b.y()), svgColor(q.stroke),
                          svgOpacity("stroke-opacity", q.stroke), n(q.width),
                          q.dashed ? QString(" stroke-dasharray=\"5 4\"") : QString());
            break;
        case Prim::Circle:
            s += QString("<circle cx=\"%1\" cy=\"%2\" r=\"%3\" fill=\"%4\"%5 stroke=\"%6\" stroke-width=\"%7\"/>\n")
                     .arg(n(q.a.x()), n(q.a.y()), n(q.b.x()), svgColor(q.fill), svgOpacity("fill-opacity", q.fill),
                          svgColor(q.stroke), n(q.stroke.isValid() ? q.width : 0));
            break;
        case Prim::Rect:
            s += QString("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"%5\"%6 stroke=\"%7\"/>\n")
                     .arg(n(q.a.x()), n(q.a.y()), n(q.b.x() - q.a.x()), n(q.b.y() - q.a.y()), svgColor(q.fill),
                          svgOpacity("fill-opacity", q.fill), svgColor(q.stroke));
            break;
        case Prim::Polygon: {
            QStringList pts;
            for (const auto& p : q.polygon) pts << n(p.x()) + "," + n(p.y());
            s += QString("<polygon points=\"%1\" fill=\"%2\"/>\n").arg(pts.join(' '), svgColor(q.fill));
            break;
        }
        case Prim::Text:
            s += QString("<text x=\"%1\" y=\"%2\" font-size=\"%3\" fill=\"%4\"%5%6%7>%8</text>\n")
                     .arg(n(q.a.x()), n(q.a.y()))
                     .arg(q.pixelSize)
                     .arg(svgColor(q.fill), svgOpacity("fill-opacity", q.fill),
                          q.bold ? QString(" font-weight=\"bold\"") : QString(),
                          q.rotated ? QString(" transform=\"rotate(-90 %1 %2)\"").arg(n(q.a.x()), n(q.a.y()))
                                    : QString(),
                          xmlEscaped(q.text));
            break;
        }
    }
    s += "</svg>\n";
    return s;
}

void ScatterView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    int drawn = 0;
    paintScene(p, scene(size(), &drawn));
    labelsDrawn_ = drawn;
    if (count() == 0) {
        p.setPen(kMuted);
        p.setFont(pixelFont(13));
        p.drawText(rect(), Qt::AlignCenter, "No words to show: choose a word set on the left.");
    }
}

void ScatterView::mouseMoveEvent(QMouseEvent* e)
{
    if (dragging_ && (e->buttons() & Qt::LeftButton)) {
        const QPointF delta = e->position() - dragFrom_;
        if (std::abs(delta.x()) + std::abs(delta.y()) > 3) dragMoved_ = true;
        if (dragMoved_) {
            const QRectF plot = plotRect(size());
            const QRectF d = viewFor(plot);
            data_ = dragData_.translated(-delta.x() / plot.width() * d.width(), delta.y() / plot.height() * d.height());
            zoomed_ = true;
            update();
        }
        return;
    }
    const int h = pointAt(e->position());
    if (h != hovered_) {
        hovered_ = h;
        setToolTip(h >= 0 ? labels_[h] : QString());
        emit pointHovered(h);
        update();
    }
}

void ScatterView::mousePressEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton) return;
    dragging_ = true;
    dragMoved_ = false;
    dragFrom_ = e->position();
    dragData_ = data_;
}

void ScatterView::mouseReleaseEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton) return;
    dragging_ = false;
    if (dragMoved_) return;
    const int i = pointAt(e->position());
    setSelected(i);
    emit pointClicked(i);
}

void ScatterView::mouseDoubleClickEvent(QMouseEvent*) { fitToData(); }

void ScatterView::wheelEvent(QWheelEvent* e)
{
    const QRectF plot = plotRect(size());
    const QRectF d = viewFor(plot);
    const double f = std::pow(0.85, e->angleDelta().y() / 120.0);
    const QPointF w = e->position();
    const QPointF at(d.left() + (w.x() - plot.left()) / plot.width() * d.width(),
                     d.top() + (plot.bottom() - w.y()) / plot.height() * d.height());
    data_ = QRectF(at.x() - (at.x() - d.left()) * f, at.y() - (at.y() - d.top()) * f, d.width() * f, d.height() * f);
    zoomed_ = true;
    update();
}

void ScatterView::leaveEvent(QEvent*)
{
    if (hovered_ >= 0) {
        hovered_ = -1;
        emit pointHovered(-1);
        update();
    }
}

void ScatterView::contextMenuEvent(QContextMenuEvent* e)
{
    QMenu menu(this);
    menu.addAction("Fit to the words (double-click)", this, &ScatterView::fitToData);
    menu.addSeparator();
    auto ask = [this](const QString& kind) {
        const QString path = askExportPath(this, kind, title_.isEmpty() ? "words" : title_.section(':', 0, 0));
        if (path.isEmpty()) return;
        QString error;
        bool ok = kind == "PNG" ? exportPng(path, {}, std::max(2.0, devicePixelRatioF()), &error)
                  : kind == "SVG" ? exportSvg(path, {}, &error)
                                  : exportCsv(path, &error);
        if (!ok) warnExportFailed(this, error);
    };
    menu.addAction("Export PNG…", this, [ask] { ask("PNG"); });
    menu.addAction("Export SVG…", this, [ask] { ask("SVG"); });
    menu.addAction("Export CSV…", this, [ask] { ask("CSV"); });
    menu.exec(e->globalPos());
}

bool ScatterView::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    if (size.isEmpty()) size = this->size();
    QImage image(QSize(int(size.width() * scale), int(size.height() * scale)), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        paintScene(p, scene(size, nullptr));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        if (error) *error = QString("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool ScatterView::exportSvg(const QString& path, QSize size, QString* error)
{
    if (size.isEmpty()) size = this->size();
    return saveTextAtomically(path, svgOf(scene(size, nullptr), size), error);
}

QString ScatterView::toCsv() const
{
    QString s;
    const bool values = colorMode_ == ColorMode::Value && !values_.isEmpty();
    s += QString("word,%1,%2,%3\n")
             .arg(csvField(xTitle_.isEmpty() ? "x" : xTitle_), csvField(yTitle_.isEmpty() ? "y" : yTitle_),
                  values ? csvField(valueTitle_.isEmpty() ? "value" : valueTitle_) : QString("group"));
    for (int i = 0; i < count(); ++i) {
        QString last;
        if (values) last = i < values_.size() ? csvNumber(values_[i]) : QString();
        else if (i < group_.size() && group_[i] >= 0 && group_[i] < groupNames_.size())
            last = csvField(groupNames_[group_[i]]);
        s += csvField(labels_[i]) + ',' + csvNumber(pos_[i].x()) + ',' + csvNumber(pos_[i].y()) + ',' + last + '\n';
    }
    return s;
}

bool ScatterView::exportCsv(const QString& path, QString* error) const
{
    return saveTextAtomically(path, toCsv(), error);
}

} // namespace unroll
