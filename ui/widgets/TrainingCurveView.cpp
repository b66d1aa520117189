// Training-curve view: the Qt-free smoothing and decimation first, then the QCustomPlot widget (one setupXxx() per
// plot part, styling, redraw throttling, hover readout, exports).
#include "widgets/TrainingCurveView.hpp"

#include "widgets/ColorMaps.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace unroll {

// ===============================================================================================================
// Smoothing

QString smoothingModeName(SmoothingMode mode) {
    for (const auto& entry : kSmoothingModeNames) {
        if (entry.mode == mode) return QString::fromUtf8(entry.name);
    }
    return QStringLiteral("?");
}

QString xAxisModeName(XAxisMode mode) {
    for (const auto& entry : kXAxisModeNames) {
        if (entry.mode == mode) return QString::fromUtf8(entry.name);
    }
    return QStringLiteral("?");
}

SmoothingOptions SmoothingOptions::clamped() const {
    SmoothingOptions o = *this;
    o.emaWeight = std::isnan(emaWeight) ? 0.0 : std::clamp(emaWeight, 0.0, kMaxEmaWeight);
    o.window = std::clamp(window, 1, kMaxSmoothingWindow);
    return o;
}

int SmoothingOptions::lag() const {
    return mode == SmoothingMode::CenteredMean ? std::clamp(window, 1, kMaxSmoothingWindow) / 2 : 0;
}

CurveSmoother::CurveSmoother(const SmoothingOptions& options)
    : options_(options.clamped()),
      window_(options_.mode == SmoothingMode::CenteredMean ? 2 * options_.lag() + 1 : options_.window) {}

void CurveSmoother::reset() {
    n_ = 0;
    biased_ = 0.0;
    runs_.clear();
    inWindow_ = 0;
    sum_ = 0.0;
    sinceExactSum_ = 0;
}

double CurveSmoother::push(double x, std::uint64_t count) {
    if (!std::isfinite(x) || count == 0) return x;
    n_ += count;
    if (options_.mode == SmoothingMode::Ema) {
        // TensorBoard (plugins/scalar/.../line_chart): last = last * w + (1 - w) * x; smoothed = last / (1 - w^k).
        const double w = options_.emaWeight;
        const double wc = count == 1 ? w : std::pow(w, double(count));
        biased_ = biased_ * wc + (1.0 - wc) * x;
        return biased_ / (1.0 - std::pow(w, double(n_)));
    }
    const auto window = static_cast<std::uint64_t>(window_);
    if (count >= window) { // the window holds only copies of x
        runs_.assign(1, {x, window});
        inWindow_ = window;
        sum_ = x * double(window);
        sinceExactSum_ = 0;
        return x;
    }
    runs_.emplace_back(x, count);
    inWindow_ += count;
    sum_ += x * double(count);
    while (inWindow_ > window) {
        auto& [value, n] = runs_.front();
        const std::uint64_t excess = inWindow_ - window;
        const std::uint64_t drop = std::min(n, excess);
        sum_ -= value * double(drop);
        inWindow_ -= drop;
        n -= drop;
        if (n == 0) runs_.pop_front();
    }
    sinceExactSum_ += count;
    if (sinceExactSum_ >= window) { // O(window) every `window` values: O(1) per value, no drift on 10^7 steps
        sum_ = 0.0;
        for (const auto& [value, n] : runs_) sum_ += value * double(n);
        sinceExactSum_ = 0;
    }
    return sum_ / double(inWindow_);
}

std::vector<double> smoothBatch(std::span<const double> x, const SmoothingOptions& options) {
    const SmoothingOptions o = options.clamped();
    std::vector<double> out(x.begin(), x.end());
    std::vector<std::size_t> finite; // indices of the finite values; the others pass through
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isfinite(x[i])) finite.push_back(i);
    }
    const std::size_t m = finite.size();
    if (o.mode == SmoothingMode::Ema) {
        double biased = 0.0;
        for (std::size_t k = 0; k < m; ++k) {
            biased = biased * o.emaWeight + (1.0 - o.emaWeight) * x[finite[k]];
            out[finite[k]] = biased / (1.0 - std::pow(o.emaWeight, double(k + 1)));
        }
        return out;
    }
    const std::size_t h = static_cast<std::size_t>(o.lag());
    for (std::size_t k = 0; k < m; ++k) {
        std::size_t lo = 0, hi = k;
        if (o.mode == SmoothingMode::TrailingMean) {
            lo = k + 1 >= static_cast<std::size_t>(o.window) ? k + 1 - o.window : 0;
        } else {
            lo = k >= h ? k - h : 0;
            hi = std::min(m - 1, k + h);
        }
        double sum = 0.0;
        for (std::size_t j = lo; j <= hi; ++j) sum += x[finite[j]];
        out[finite[k]] = sum / double(hi - lo + 1);
    }
    return out;
}

// ===============================================================================================================
// DecimatingSeries

DecimatingSeries::DecimatingSeries(std::size_t capacity, const SmoothingOptions& options)
    : capacity_(std::max(capacity, kMinCapacity)), options_(options.clamped()), smoother_(options_) {}

void DecimatingSeries::clear() {
    smoother_.reset();
    buckets_.clear();
    recent_.clear();
    awaiting_.clear();
    lastAdmitted_ = {};
    arrivals_ = admitted_ = 0;
    stride_ = 1;
}

void DecimatingSeries::append(double step, double seconds, double value) {
    const std::uint64_t index = arrivals_++;
    recent_.push_back(CurveSample{step, seconds, value, value, value, value}); // non-finite: smoothed = raw
    if (std::isfinite(value)) {
        const double smoothed = smoother_.push(value);
        const auto lag = static_cast<std::size_t>(options_.lag());
        if (lag == 0) {
            recent_.back().smoothed = smoothed;
        } else { // the value is the centred mean of the arrival `lag` finite values back
            awaiting_.push_back(index);
            if (awaiting_.size() > lag) {
                recent_[awaiting_.front() - recentBegin()].smoothed = smoothed;
                awaiting_.pop_front();
            }
        }
    }
    while (recent_.size() > kRecent) evictRecent();
}

void DecimatingSeries::evictRecent() {
    // Only with many non-finite values can an arrival leave the tail before its centred value is final.
    if (!awaiting_.empty() && awaiting_.front() == recentBegin()) {
        recent_.front().smoothed = provisional(recentBegin());
        awaiting_.pop_front();
    }
    const CurveSample s = recent_.front();
    recent_.pop_front();
    admit(s);
}

void DecimatingSeries::admit(const CurveSample& s) {
    const std::uint64_t a = admitted_++;
    lastAdmitted_ = s;
    if (a % stride_ == 0) {
        buckets_.push_back(Bucket{s, 0.0, 0, 1});
        if (buckets_.size() + 1 + kRecent > capacity_) compact();
        return;
    }
    Bucket& b = buckets_.back();
    ++b.count;
    b.first.rawMin = std::fmin(b.first.rawMin, s.raw);
    b.first.rawMax = std::fmax(b.first.rawMax, s.raw);
    if (std::isfinite(s.raw)) {
        b.restSum += s.raw;
        ++b.restFinite;
    }
}

void DecimatingSeries::compact() {
    // Bucket j covered arrivals [j k, (j + 1) k); after doubling, bucket j covers old buckets 2j and 2j + 1.
    std::size_t out = 0;
    for (std::size_t i = 0; i < buckets_.size(); i += 2, ++out) {
        Bucket merged = buckets_[i];
        if (i + 1 < buckets_.size()) {
            const Bucket& next = buckets_[i + 1];
            merged.first.rawMin = std::fmin(merged.first.rawMin, next.first.rawMin);
            merged.first.rawMax = std::fmax(merged.first.rawMax, next.first.rawMax);
            if (std::isfinite(next.first.raw)) {
                merged.restSum += next.first.raw;
                ++merged.restFinite;
            }
            merged.restSum += next.restSum;
            merged.restFinite += next.restFinite;
            merged.count += next.count;
        }
        buckets_[out] = merged;
    }
    buckets_.resize(out);
    stride_ *= 2;
}

void DecimatingSeries::setCapacity(std::size_t capacity) {
    capacity_ = std::max(capacity, kMinCapacity);
    while (buckets_.size() > 1 && buckets_.size() + 1 + kRecent > capacity_) compact();
}

double DecimatingSeries::provisional(std::uint64_t arrival) const {
    // Centred mean truncated at the end: the finite values from `lag` finite arrivals before `arrival` to the last.
    const auto h = static_cast<std::size_t>(options_.lag());
    const std::size_t pos = static_cast<std::size_t>(arrival - recentBegin());
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t i = pos; i < recent_.size(); ++i) {
        if (std::isfinite(recent_[i].raw)) {
            sum += recent_[i].raw;
            ++n;
        }
    }
    std::size_t before = 0;
    for (std::size_t i = pos; i-- > 0 && before < h;) {
        if (std::isfinite(recent_[i].raw)) {
            sum += recent_[i].raw;
            ++before;
        }
    }
    return n + before > 0 ? sum / double(n + before) : recent_[pos].raw;
}

void DecimatingSeries::setSmoothing(const SmoothingOptions& options) {
    const SmoothingOptions o = options.clamped();
    if (o == options_) return;
    options_ = o;
    resmooth();
}

void DecimatingSeries::resmooth() {
    // Replays the stored history through a fresh smoother, in arrival order: per bucket its first value, then the
    // mean of the rest as one run of copies; then the exact recent tail. A point's smoothed value is the smoother's
    // output `lag` finite values after it (0 for the causal modes).
    CurveSmoother smoother(options_);
    const auto lag = static_cast<std::uint64_t>(options_.lag());
    constexpr std::uint64_t kNotRecent = std::numeric_limits<std::uint64_t>::max();
    struct Target {
        std::uint64_t at;      // finite index whose output is this point's value
        CurveSample* sample;
        std::uint64_t arrival; // arrival index if the point is in the recent tail
    };
    std::deque<Target> targets;
    std::uint64_t f = 0; // finite values pushed so far
    double lastOut = std::numeric_limits<double>::quiet_NaN();
    auto push = [&](double x, std::uint64_t count) {
        while (count > 0) {
            std::uint64_t take = count;
            if (!targets.empty() && targets.front().at < f + count) take = targets.front().at + 1 - f;
            lastOut = smoother.push(x, take);
            f += take;
            count -= take;
            while (!targets.empty() && targets.front().at + 1 == f) {
                targets.front().sample->smoothed = lastOut;
                targets.pop_front();
            }
        }
    };
    auto want = [&](CurveSample& s, std::uint64_t ahead, std::uint64_t arrival) {
        targets.push_back({f + ahead + lag, &s, arrival});
    };

    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        Bucket& b = buckets_[i];
        const bool showsLast = i + 1 == buckets_.size() && b.count > 1;
        if (std::isfinite(b.first.raw)) {
            want(b.first, 0, kNotRecent);
            push(b.first.raw, 1);
        } else {
            b.first.smoothed = b.first.raw;
        }
        if (showsLast) {
            if (std::isfinite(lastAdmitted_.raw)) want(lastAdmitted_, b.restFinite - 1, kNotRecent);
            else lastAdmitted_.smoothed = lastAdmitted_.raw;
        }
        if (b.restFinite > 0) push(b.restSum / double(b.restFinite), b.restFinite);
    }
    const std::uint64_t begin = recentBegin();
    for (std::size_t i = 0; i < recent_.size(); ++i) {
        CurveSample& r = recent_[i];
        r.smoothed = r.raw;
        if (std::isfinite(r.raw)) {
            want(r, 0, begin + i);
            push(r.raw, 1);
        }
    }
    smoother_ = smoother;
    awaiting_.clear();
    for (const Target& t : targets) { // not final yet: the last `lag` finite values
        if (t.arrival != kNotRecent) awaiting_.push_back(t.arrival);
        else t.sample->smoothed = lastOut;
    }
}

std::size_t DecimatingSeries::size() const {
    const bool showsLast = !buckets_.empty() && buckets_.back().count > 1;
    return buckets_.size() + (showsLast ? 1 : 0) + recent_.size();
}

std::vector<CurveSample> DecimatingSeries::samples() const {
    std::vector<CurveSample> out;
    out.reserve(size());
    for (const Bucket& b : buckets_) out.push_back(b.first);
    if (!buckets_.empty() && buckets_.back().count > 1) {
        CurveSample last = lastAdmitted_;
        last.rawMin = last.rawMax = last.raw;
        out.push_back(last);
    }
    const std::size_t tail = out.size();
    out.insert(out.end(), recent_.begin(), recent_.end());
    if (!awaiting_.empty()) {
        // Suffix sums over the finite values of the tail give every provisional centred mean in O(tail).
        const auto h = static_cast<std::size_t>(options_.lag());
        std::vector<double> values; // finite raw values of the tail, newest last
        std::vector<std::size_t> positions;
        for (std::size_t i = 0; i < recent_.size(); ++i) {
            if (std::isfinite(recent_[i].raw)) {
                values.push_back(recent_[i].raw);
                positions.push_back(i);
            }
        }
        std::vector<double> suffix(values.size() + 1, 0.0);
        for (std::size_t i = values.size(); i-- > 0;) suffix[i] = suffix[i + 1] + values[i];
        const std::size_t m = awaiting_.size(); // the awaiting points are the last m finite values
        for (std::size_t j = 0; j < m && j < values.size(); ++j) {
            const std::size_t k = values.size() - m + j;
            const std::size_t lo = k >= h ? k - h : 0;
            out[tail + positions[k]].smoothed = suffix[lo] / double(values.size() - lo);
        }
    }
    return out;
}

// ===============================================================================================================
// The widget

namespace {

constexpr int kRedrawIntervalMs = 33; // at most ~30 redraws per second however fast points arrive
constexpr int kSliderSteps = 1000;
constexpr double kPresentationScale = 1.55;

// Slider position <-> moving-average window, on a log scale so that small windows stay easy to pick.
int windowFromSlider(int v) {
    return std::clamp(int(std::lround(std::pow(double(kMaxSmoothingWindow), double(v) / kSliderSteps))), 1,
                      kMaxSmoothingWindow);
}
int sliderFromWindow(int w) {
    return int(std::lround(kSliderSteps * std::log(double(w)) / std::log(double(kMaxSmoothingWindow))));
}

QString shortNumber(double v) {
    return QString::number(v, 'g', 4);
}

// Step counts as 12k / 1.5M rather than 1.2e+04.
class CompactTicker : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override {
        const double a = std::abs(tick);
        if (a >= 1e9) return QString::number(tick / 1e9, 'g', 4) + QLatin1Char('G');
        if (a >= 1e6) return QString::number(tick / 1e6, 'g', 4) + QLatin1Char('M');
        if (a >= 1e4) return QString::number(tick / 1e3, 'g', 4) + QLatin1Char('k');
        return QCPAxisTicker::getTickLabel(tick, locale, formatChar, precision);
    }
};

// Log ticks that stay readable over a short range: decades over wide ranges, 1-2-5 over one to three decades,
// 1..9 below a decade (a loss from 4 down to 0.5 gets ticks, not a single "1").
class ReadableLogTicker : public QCPAxisTickerLog {
protected:
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override {
        if (range.lower <= 0 || range.upper <= range.lower) return QCPAxisTickerLog::createTickVector(tickStep, range);
        const double decades = std::log10(range.upper / range.lower);
        if (decades > 3.0) return QCPAxisTickerLog::createTickVector(tickStep, range);
        static const QVector<double> kOneTwoFive{1, 2, 5};
        static const QVector<double> kAll{1, 2, 3, 4, 5, 6, 7, 8, 9};
        const QVector<double>& mantissas = decades > 1.0 ? kOneTwoFive : kAll;
        QVector<double> ticks;
        for (int e = int(std::floor(std::log10(range.lower))) - 1; e <= int(std::ceil(std::log10(range.upper))); ++e) {
            for (double m : mantissas) {
                const double t = m * std::pow(10.0, e);
                if (t >= range.lower * 0.999 && t <= range.upper * 1.001) ticks.push_back(t);
            }
        }
        if (ticks.size() < 2) return QCPAxisTickerLog::createTickVector(tickStep, range);
        return ticks;
    }
    QVector<double> createSubTickVector(int, const QVector<double>&) override { return {}; }
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return QString::number(tick, 'g', 4); }
};

} // namespace

TrainingCurveView::TrainingCurveView(QWidget* parent) : QWidget(parent) {
    replotTimer_ = new QTimer(this);
    replotTimer_->setSingleShot(true);
    replotTimer_->setInterval(kRedrawIntervalMs);
    connect(replotTimer_, &QTimer::timeout, this, &TrainingCurveView::replotIfDirty);

    setupControls();
    setupPlot();
    setupAxes();
    setupLegend();
    setupHover();
    setupContextMenu();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(controls_);
    layout->addWidget(plot_, 1);

    applyStyle();
    syncControls();
    plot_->replot();
}

TrainingCurveView::~TrainingCurveView() = default;

void TrainingCurveView::setupControls() {
    controls_ = new QWidget(this);
    auto* rows = new QVBoxLayout(controls_);
    rows->setContentsMargins(8, 4, 8, 2);
    rows->setSpacing(2);
    auto* row = controlsRow1_ = new QHBoxLayout;
    row->setSpacing(6);
    controlsRow2_ = new QHBoxLayout;
    controlsRow2_->setSpacing(6);
    rows->addLayout(controlsRow1_);
    rows->addLayout(controlsRow2_);

    smoothingCombo_ = new QComboBox(controls_);
    for (const auto& entry : kSmoothingModeNames) smoothingCombo_->addItem(QString::fromUtf8(entry.name));
    smoothingCombo_->setToolTip(tr("How the bold curve is smoothed; the faint curve behind it is the raw data"));
    smoothingSlider_ = new QSlider(Qt::Horizontal, controls_);
    smoothingSlider_->setMinimumWidth(60);
    smoothingSlider_->setMaximumWidth(220);
    smoothingValue_ = new QLabel(controls_);
    smoothingValue_->setMinimumWidth(smoothingValue_->fontMetrics().horizontalAdvance(QStringLiteral("1001 pts ")));
    xAxisCombo_ = new QComboBox(controls_);
    for (const auto& entry : kXAxisModeNames) xAxisCombo_->addItem(QString::fromUtf8(entry.name));
    logYCheck_ = new QCheckBox(tr("Log y"), controls_);
    // The combos keep their full text; the slider is what gives way in a narrow view.
    for (QComboBox* combo : {smoothingCombo_, xAxisCombo_}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        combo->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    }

    row->addWidget(new QLabel(tr("Smoothing"), controls_));
    row->addWidget(smoothingCombo_);
    row->addWidget(smoothingSlider_);
    row->addWidget(smoothingValue_);
    row->addStretch(1);
    xAxisLabel_ = new QLabel(tr("x axis"), controls_);
    row->addWidget(xAxisLabel_);
    row->addWidget(xAxisCombo_);
    row->addWidget(logYCheck_);
    controlsRow2_->addStretch(1);

    connect(smoothingCombo_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i < 0) return;
        SmoothingOptions o = smoothing_;
        o.mode = kSmoothingModeNames[static_cast<std::size_t>(i)].mode;
        setSmoothing(o);
    });
    connect(smoothingSlider_, &QSlider::valueChanged, this, [this](int v) {
        SmoothingOptions o = smoothing_;
        if (o.mode == SmoothingMode::Ema) o.emaWeight = double(v) / kSliderSteps;
        else o.window = windowFromSlider(v);
        setSmoothing(o);
    });
    connect(xAxisCombo_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0) setXAxisMode(kXAxisModeNames[static_cast<std::size_t>(i)].mode);
    });
    connect(logYCheck_, &QCheckBox::toggled, this, &TrainingCurveView::setLogY);
}

// The controls take one row where they fit; in a narrow view the x-axis controls move to a second row, so the view's
// minimum width is that of the wider row, not of both side by side.
void TrainingCurveView::arrangeControls() {
    if (!controlsRow1_) return;
    const QMargins m = controls_->layout()->contentsMargins();
    int oneRow = m.left() + m.right();
    for (QWidget* w : {static_cast<QWidget*>(smoothingCombo_), static_cast<QWidget*>(smoothingValue_),
                       static_cast<QWidget*>(xAxisLabel_), static_cast<QWidget*>(xAxisCombo_),
                       static_cast<QWidget*>(logYCheck_)})
        oneRow += w->sizeHint().width() + 6;
    oneRow += smoothingSlider_->minimumWidth() + 6 + fontMetrics().horizontalAdvance(tr("Smoothing")) + 6;
    const bool two = width() < oneRow + 20;
    if (two != twoRows_) {
        twoRows_ = two;
        QHBoxLayout* to = two ? controlsRow2_ : controlsRow1_;
        for (QWidget* w : {static_cast<QWidget*>(xAxisLabel_), static_cast<QWidget*>(xAxisCombo_),
                           static_cast<QWidget*>(logYCheck_)}) {
            (two ? controlsRow1_ : controlsRow2_)->removeWidget(w);
            to->addWidget(w);
        }
    }
    // The narrowest the controls go: the wider of the two rows.
    int row1 = m.left() + m.right() + smoothingCombo_->sizeHint().width() + smoothingValue_->sizeHint().width() +
               smoothingSlider_->minimumWidth() + fontMetrics().horizontalAdvance(tr("Smoothing")) + 4 * 6;
    int row2 = m.left() + m.right() + xAxisLabel_->sizeHint().width() + xAxisCombo_->sizeHint().width() +
               logYCheck_->sizeHint().width() + 3 * 6;
    controls_->setMinimumWidth(std::max(row1, row2));
}

void TrainingCurveView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    arrangeControls();
}

void TrainingCurveView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) arrangeControls();
}

void TrainingCurveView::setupPlot() {
    plot_ = new QCustomPlot(this);
    plot_->setBackground(Qt::white);
    plot_->setAntialiasedElements(QCP::aePlottables | QCP::aeItems | QCP::aeLegendItems);
    // An antialiased fill of a long thin envelope polygon costs the raster engine seconds; unsmoothed it is fast.
    plot_->setNotAntialiasedElements(QCP::aeGrid | QCP::aeAxes | QCP::aeFills);
    plot_->setNoAntialiasingOnDrag(true);
    // Lines wider than 1 px are stroked segment by segment: a noisy curve of thousands of points stroked as one
    // self-crossing polyline costs the raster engine ~100x more (0.6 s instead of 6 ms for a dense zigzag).
    plot_->setPlottingHint(QCP::phFastPolylines, true);
    // Raw curves and envelopes live on a layer under every smoothed curve, so no run's noise hides another's trend.
    plot_->addLayer(QStringLiteral("raw"), plot_->layer(QStringLiteral("main")), QCustomPlot::limBelow);
    // Hover items on their own buffered layer: moving the mouse redraws only that layer.
    plot_->addLayer(QStringLiteral("hover"), plot_->layer(QStringLiteral("legend")), QCustomPlot::limAbove);
    plot_->layer(QStringLiteral("hover"))->setMode(QCPLayer::lmBuffered);

    // TensorBoard's gestures: drag a rectangle to zoom, wheel to zoom, double-click to fit and follow again.
    plot_->setInteractions(QCP::iRangeZoom);
    plot_->setSelectionRectMode(QCP::srmZoom);
    plot_->selectionRect()->setPen(QPen(QColor(0, 114, 178), 1, Qt::DashLine));
    plot_->selectionRect()->setBrush(QColor(0, 114, 178, 25));
    connect(plot_->selectionRect(), &QCPSelectionRect::accepted, this, [this] { followData_ = false; });
    connect(plot_, &QCustomPlot::mouseWheel, this, [this] { followData_ = false; });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { fitToData(); });
    connect(plot_, &QCustomPlot::beforeReplot, this, &TrainingCurveView::updateEnvelopes);
}

void TrainingCurveView::setupAxes() {
    QCPAxisRect* rect = plot_->axisRect();
    rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    // No box: only the bottom and left axes are drawn, in light grey, with a faint grid behind the data.
    plot_->xAxis2->setVisible(false);
    plot_->yAxis2->setVisible(false);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setSubTicks(false);
        axis->setTickLengthIn(0);
        axis->setTickLengthOut(4);
        axis->grid()->setSubGridVisible(false);
        axis->setNumberFormat(QStringLiteral("g"));
        axis->setNumberPrecision(4);
    }
    plot_->xAxis->setTicker(QSharedPointer<CompactTicker>::create());
    plot_->xAxis->setLabel(QStringLiteral("step"));
    plot_->yAxis->setLabel(valueLabel_);
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1);
}

void TrainingCurveView::setupLegend() {
    QCPLegend* legend = plot_->legend;
    legend->setVisible(true);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(QColor(255, 255, 255, 220));
    legend->setIconSize(18, 10);
    legend->setRowSpacing(2);
    legend->setMargins(QMargins(8, 5, 8, 6));
    // Clicking a run's legend entry shows or hides the run (items must be selectable to report clicks).
    legend->setSelectableParts(QCPLegend::spItems);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(plot_, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
        auto* plItem = qobject_cast<QCPPlottableLegendItem*>(item);
        if (!plItem) return;
        for (auto& [id, r] : runs_) {
            if (r.smooth == plItem->plottable()) {
                setRunVisible(id, !r.visible);
                return;
            }
        }
    });
}

void TrainingCurveView::setPlaceholderText(const QString& text)
{
    placeholder_->setText(text);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingCurveView::setupHover() {
    crosshair_ = new QCPItemStraightLine(plot_);
    crosshair_->setLayer(QStringLiteral("hover"));
    crosshair_->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
    crosshair_->setSelectable(false);
    crosshair_->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    crosshair_->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    crosshair_->setVisible(false);

    placeholder_ = new QCPItemText(plot_);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("No data yet: curves appear here while a model trains"));
    placeholder_->setColor(QColor(150, 150, 150));
    placeholder_->setSelectable(false);

    hoverLabel_ = new QLabel(plot_);
    hoverLabel_->setTextFormat(Qt::RichText);
    hoverLabel_->setAttribute(Qt::WA_TransparentForMouseEvents);
    hoverLabel_->setStyleSheet(QStringLiteral("QLabel { background: rgba(255, 255, 255, 235); color: #222;"
                                              " border: 1px solid #c8c8c8; border-radius: 4px; padding: 4px 6px; }"));
    hoverLabel_->hide();

    plot_->setMouseTracking(true);
    plot_->installEventFilter(this);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) { showHover(e->position().toPoint()); });
}

void TrainingCurveView::setupContextMenu() {
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, &TrainingCurveView::showContextMenu);
}

bool TrainingCurveView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::Leave) hideHover();
    return QWidget::eventFilter(watched, event);
}

void TrainingCurveView::applyStyle() {
    const double s = presentation_ ? kPresentationScale : 1.0;
    QFont tickFont = font();
    tickFont.setPointSizeF(9.0 * s);
    QFont labelFont = font();
    labelFont.setPointSizeF(10.0 * s);
    const QColor axisColor(160, 160, 160), tickLabelColor(80, 80, 80), labelColor(40, 40, 40);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setBasePen(QPen(axisColor, 1));
        axis->setTickPen(QPen(axisColor, 1));
        axis->setTickLabelFont(tickFont);
        axis->setTickLabelColor(tickLabelColor);
        axis->setLabelFont(labelFont);
        axis->setLabelColor(labelColor);
        axis->setTickLabelPadding(int(4 * s));
        axis->setLabelPadding(int(6 * s));
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 22), 1, Qt::SolidLine));
        axis->grid()->setZeroLinePen(QPen(QColor(0, 0, 0, 45), 1, Qt::SolidLine));
    }
    plot_->legend->setFont(tickFont);
    plot_->legend->setSelectedFont(tickFont);
    plot_->legend->setIconSize(int(18 * s), int(10 * s));
    crosshair_->setPen(QPen(QColor(0, 0, 0, 90), std::max(1.0, s), Qt::DashLine));

    QFont hoverFont = font();
    hoverFont.setPointSizeF(9.0 * s);
    hoverLabel_->setFont(hoverFont);
    placeholder_->setFont(labelFont);

    if (auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->elementAt(0))) {
        QFont titleFont = font();
        titleFont.setPointSizeF(11.0 * s);
        titleFont.setBold(true);
        title->setFont(titleFont);
    }
    for (auto& [id, r] : runs_) styleRun(r);
}

void TrainingCurveView::styleRun(Run& r) {
    const double s = presentation_ ? kPresentationScale : 1.0;
    QColor faint = r.color;
    faint.setAlpha(70);
    QColor band = r.color;
    band.setAlpha(28);
    faint.setAlpha(presentation_ ? 90 : 70);
    r.raw->setPen(QPen(faint, 1.0)); // 1 px in every mode: thin lines take Qt's fast cosmetic stroker
    r.smooth->setPen(QPen(r.color, 2.0 * s, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    r.envelopeLo->setPen(Qt::NoPen);
    r.envelopeHi->setPen(Qt::NoPen);
    r.envelopeHi->setBrush(band);
    r.tracer->setPen(QPen(r.color, 1.5 * s));
    r.tracer->setBrush(Qt::white);
    r.tracer->setSize(7.0 * s);
    if (QCPPlottableLegendItem* item = plot_->legend->itemWithPlottable(r.smooth)) {
        // The item's own font (the legend's applies only to items made after it is set): rows sized for a smaller
        // font than the one drawn overlapped.
        item->setFont(plot_->legend->font());
        item->setSelectedFont(plot_->legend->font());
        item->setTextColor(r.visible ? QColor(40, 40, 40) : QColor(170, 170, 170));
        item->setSelectedTextColor(item->textColor());
    }
}

void TrainingCurveView::syncControls() {
    const QSignalBlocker b1(smoothingCombo_), b2(smoothingSlider_), b3(xAxisCombo_), b4(logYCheck_);
    for (std::size_t i = 0; i < kSmoothingModeNames.size(); ++i) {
        if (kSmoothingModeNames[i].mode == smoothing_.mode) smoothingCombo_->setCurrentIndex(int(i));
    }
    if (smoothing_.mode == SmoothingMode::Ema) {
        smoothingSlider_->setRange(0, int(kMaxEmaWeight * kSliderSteps));
        smoothingSlider_->setValue(int(std::lround(smoothing_.emaWeight * kSliderSteps)));
        smoothingSlider_->setToolTip(tr("EMA weight: 0 = raw data, 0.999 = very smooth"));
        smoothingValue_->setText(QString::number(smoothing_.emaWeight, 'f', 3));
    } else {
        smoothingSlider_->setRange(0, kSliderSteps);
        if (windowFromSlider(smoothingSlider_->value()) != smoothing_.window)
            smoothingSlider_->setValue(sliderFromWindow(smoothing_.window));
        smoothingSlider_->setToolTip(tr("Moving-average window in points"));
        const int w = smoothing_.mode == SmoothingMode::CenteredMean ? 2 * smoothing_.lag() + 1 : smoothing_.window;
        smoothingValue_->setText(tr("%1 pts").arg(w));
    }
    for (std::size_t i = 0; i < kXAxisModeNames.size(); ++i) {
        if (kXAxisModeNames[i].mode == xMode_) xAxisCombo_->setCurrentIndex(int(i));
    }
    logYCheck_->setChecked(logY_);
}

// --------------------------------------------------------------------------------------------------------------
// Runs and data

int TrainingCurveView::addRun(const QString& name) {
    return addRun(name, paletteColor(nextColor_));
}

int TrainingCurveView::addRun(const QString& name, const QColor& color) {
    const int id = nextRunId_++;
    ++nextColor_;
    Run& r = runs_.try_emplace(id).first->second;
    r.name = name;
    r.color = color;
    r.series = DecimatingSeries(capacity_, smoothing_);
    r.envelopeLo = plot_->addGraph();
    r.envelopeHi = plot_->addGraph();
    r.raw = plot_->addGraph();
    r.smooth = plot_->addGraph();
    for (QCPGraph* g : {r.envelopeLo, r.envelopeHi, r.raw}) {
        g->setLayer(QStringLiteral("raw"));
        g->removeFromLegend();
        g->setSelectable(QCP::stNone);
    }
    r.envelopeHi->setChannelFillGraph(r.envelopeLo);
    r.envelopeHi->setAntialiasedFill(false);
    r.smooth->setSelectable(QCP::stNone);
    r.smooth->setName(name);
    r.tracer = new QCPItemTracer(plot_);
    r.tracer->setLayer(QStringLiteral("hover"));
    r.tracer->setStyle(QCPItemTracer::tsCircle);
    r.tracer->setSelectable(false);
    r.tracer->setVisible(false);
    styleRun(r);
    markDirty();
    return id;
}

void TrainingCurveView::removeRun(int runId) {
    auto it = runs_.find(runId);
    if (it == runs_.end()) return;
    Run& r = it->second;
    for (QCPGraph* g : {r.envelopeLo, r.envelopeHi, r.raw, r.smooth}) plot_->removeGraph(g);
    plot_->removeItem(r.tracer);
    runs_.erase(it);
    hideHover();
    markDirty();
}

void TrainingCurveView::clear() {
    while (!runs_.empty()) removeRun(runs_.begin()->first);
    nextColor_ = 0;
    followData_ = true;
    // The axes forget the old data: new data (another file, another unit) is fitted from scratch.
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(logY_ ? 0.1 : 0, 1);
}

std::vector<int> TrainingCurveView::runIds() const {
    std::vector<int> ids;
    for (const auto& [id, r] : runs_) ids.push_back(id);
    return ids;
}

TrainingCurveView::Run& TrainingCurveView::run(int runId) {
    auto it = runs_.find(runId);
    if (it == runs_.end()) throw std::out_of_range("TrainingCurveView: no run with id " + std::to_string(runId));
    return it->second;
}

const TrainingCurveView::Run& TrainingCurveView::run(int runId) const {
    return const_cast<TrainingCurveView*>(this)->run(runId);
}

QString TrainingCurveView::runName(int runId) const { return run(runId).name; }
QColor TrainingCurveView::runColor(int runId) const { return run(runId).color; }
bool TrainingCurveView::isRunVisible(int runId) const { return run(runId).visible; }
const DecimatingSeries& TrainingCurveView::series(int runId) const { return run(runId).series; }

void TrainingCurveView::setRunColor(int runId, const QColor& color) {
    Run& r = run(runId);
    r.color = color;
    styleRun(r);
    markDirty();
}

void TrainingCurveView::setRunVisible(int runId, bool visible) {
    Run& r = run(runId);
    if (r.visible == visible) return;
    r.visible = visible;
    r.dirty = true;
    styleRun(r);
    hideHover();
    markDirty();
    emit runVisibilityChanged(runId, visible);
}

void TrainingCurveView::addPoint(int runId, double step, double seconds, double value) {
    auto it = runs_.find(runId);
    if (it == runs_.end()) return; // a queued point for a run removed meanwhile
    it->second.series.append(step, seconds, value);
    it->second.dirty = true;
    markDirty();
}

void TrainingCurveView::addPoints(int runId, std::span<const CurvePoint> points) {
    auto it = runs_.find(runId);
    if (it == runs_.end()) return;
    for (const CurvePoint& p : points) it->second.series.append(p.step, p.seconds, p.value);
    it->second.dirty = true;
    markDirty();
}

// --------------------------------------------------------------------------------------------------------------
// Settings

void TrainingCurveView::setSmoothing(const SmoothingOptions& options) {
    const SmoothingOptions o = options.clamped();
    if (o == smoothing_) {
        syncControls();
        return;
    }
    smoothing_ = o;
    for (auto& [id, r] : runs_) {
        r.series.setSmoothing(o);
        r.dirty = true;
    }
    syncControls();
    markDirty();
    emit smoothingChanged(o);
}

void TrainingCurveView::setXAxisMode(XAxisMode mode) {
    if (mode == xMode_) return;
    xMode_ = mode;
    plot_->xAxis->setLabel(mode == XAxisMode::Step ? QStringLiteral("step") : QStringLiteral("time (s)"));
    for (auto& [id, r] : runs_) r.dirty = true;
    followData_ = true; // the old key range means nothing in the new units
    hideHover();
    syncControls();
    markDirty();
    emit xAxisModeChanged(mode);
}

void TrainingCurveView::setLogY(bool on) {
    if (on == logY_) return;
    logY_ = on;
    if (on) {
        plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->yAxis->setTicker(QSharedPointer<ReadableLogTicker>::create());
    } else {
        plot_->yAxis->setScaleType(QCPAxis::stLinear);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    followData_ = true;
    hideHover();
    syncControls();
    markDirty();
    emit logYChanged(on);
}

void TrainingCurveView::setPresentationMode(bool on) {
    if (on == presentation_) return;
    presentation_ = on;
    applyStyle();
    markDirty();
}

void TrainingCurveView::setValueLabel(const QString& label) {
    valueLabel_ = label;
    plot_->yAxis->setLabel(label);
    markDirty();
}

void TrainingCurveView::setTitle(const QString& title) {
    title_ = title;
    auto* element = qobject_cast<QCPTextElement*>(plot_->plotLayout()->elementAt(0));
    if (title.isEmpty()) {
        if (element) {
            plot_->plotLayout()->remove(element);
            plot_->plotLayout()->simplify();
        }
    } else {
        if (!element) {
            plot_->plotLayout()->insertRow(0);
            element = new QCPTextElement(plot_, title);
            element->setTextColor(QColor(40, 40, 40));
            plot_->plotLayout()->addElement(0, 0, element);
        }
        element->setText(title);
    }
    applyStyle();
    markDirty();
}

void TrainingCurveView::setMaxPointsPerRun(std::size_t capacity) {
    capacity_ = std::max(capacity, DecimatingSeries::kMinCapacity);
    for (auto& [id, r] : runs_) {
        r.series.setCapacity(capacity_);
        r.dirty = true;
    }
    markDirty();
}

void TrainingCurveView::setControlsVisible(bool visible) { controls_->setVisible(visible); }

// --------------------------------------------------------------------------------------------------------------
// Drawing

void TrainingCurveView::markDirty() {
    dirty_ = true;
    if (!replotTimer_->isActive()) replotTimer_->start();
}

double TrainingCurveView::keyOf(const CurveSample& s) const {
    return xMode_ == XAxisMode::Step ? s.step : s.seconds;
}

void TrainingCurveView::syncGraphs() {
    for (auto& [id, r] : runs_) {
        if (!r.dirty) continue;
        r.dirty = false;
        r.drawn = r.series.samples();
        const auto n = static_cast<qsizetype>(r.drawn.size());
        QVector<double> keys(n), raw(n), smooth(n);
        for (qsizetype i = 0; i < n; ++i) {
            const CurveSample& s = r.drawn[static_cast<std::size_t>(i)];
            keys[i] = keyOf(s);
            raw[i] = s.raw;
            smooth[i] = s.smoothed;
        }
        const bool sorted = std::is_sorted(keys.begin(), keys.end());
        r.raw->setData(keys, raw, sorted);
        r.smooth->setData(keys, smooth, sorted);
        const bool envelope = r.series.stride() > 1; // an envelope only where points were merged
        r.raw->setVisible(r.visible);
        r.smooth->setVisible(r.visible);
        r.envelopeLo->setVisible(r.visible && envelope);
        r.envelopeHi->setVisible(r.visible && envelope);
    }
}

void TrainingCurveView::updateEnvelopes() {
    // The min/max band, binned to pixel columns of the current view: one low and one high point per column make a
    // simple polygon that fills in milliseconds (the raw per-sample envelope of a noisy run is a self-crossing
    // polygon that takes the raster engine seconds).
    const QCPRange range = plot_->xAxis->range();
    const int columns = std::max(1, plot_->axisRect()->width());
    const double perColumn = range.size() / columns;
    for (auto& [id, r] : runs_) {
        if (!r.envelopeHi->visible()) continue;
        std::vector<double> lo(std::size_t(columns) + 2, std::numeric_limits<double>::infinity());
        std::vector<double> hi(lo.size(), -std::numeric_limits<double>::infinity());
        for (const CurveSample& s : r.drawn) {
            const double column = std::floor((keyOf(s) - range.lower) / perColumn) + 1; // one spare column each side
            if (!(column >= 0 && column < double(lo.size()))) continue;
            const auto c = static_cast<std::size_t>(column);
            lo[c] = std::fmin(lo[c], s.rawMin);
            hi[c] = std::fmax(hi[c], s.rawMax);
        }
        QVector<double> keys, los, his;
        for (std::size_t c = 0; c < lo.size(); ++c) {
            if (lo[c] > hi[c]) continue; // no sample in this column
            keys.push_back(range.lower + (double(c) - 0.5) * perColumn);
            los.push_back(lo[c]);
            his.push_back(hi[c]);
        }
        r.envelopeLo->setData(keys, los, true);
        r.envelopeHi->setData(keys, his, true);
    }
}

void TrainingCurveView::fitRanges() {
    double kLo = std::numeric_limits<double>::infinity(), kHi = -kLo, vLo = kLo, vHi = -kLo;
    auto takeValue = [&](double v) {
        if (!std::isfinite(v) || (logY_ && v <= 0)) return;
        vLo = std::min(vLo, v);
        vHi = std::max(vHi, v);
    };
    for (const auto& [id, r] : runs_) {
        if (!r.visible) continue;
        for (const CurveSample& s : r.drawn) {
            const double k = keyOf(s);
            if (std::isfinite(k)) {
                kLo = std::min(kLo, k);
                kHi = std::max(kHi, k);
            }
            takeValue(s.smoothed);
            takeValue(s.rawMin);
            takeValue(s.rawMax);
        }
    }
    if (kLo > kHi) return; // nothing to fit to
    if (kLo == kHi) {
        kLo -= 1;
        kHi += 1;
    }
    const double kPad = 0.01 * (kHi - kLo);
    plot_->xAxis->setRange(kLo - kPad, kHi + kPad);
    if (vLo > vHi) return;
    if (logY_) {
        if (vLo == vHi) {
            vLo /= 2;
            vHi *= 2;
        }
        const double f = std::pow(vHi / vLo, 0.05);
        plot_->yAxis->setRange(vLo / f, vHi * f);
    } else {
        if (vLo == vHi) {
            const double d = vLo == 0 ? 1.0 : 0.1 * std::abs(vLo);
            vLo -= d;
            vHi += d;
        }
        const double pad = 0.05 * (vHi - vLo);
        plot_->yAxis->setRange(vLo - pad, vHi + pad);
    }
}

void TrainingCurveView::placeLegend() {
    if (runs_.empty()) return;
    QCPAxisRect* rect = plot_->axisRect();
    const QRect area = rect->rect();
    const QSize size = plot_->legend->minimumOuterSizeHint();
    if (area.width() <= 0 || size.isEmpty()) return;
    const Qt::Alignment corners[] = {Qt::AlignTop | Qt::AlignRight, Qt::AlignTop | Qt::AlignLeft,
                                     Qt::AlignBottom | Qt::AlignRight, Qt::AlignBottom | Qt::AlignLeft};
    Qt::Alignment best = corners[0];
    long bestCount = std::numeric_limits<long>::max();
    for (Qt::Alignment corner : corners) {
        const int x = corner & Qt::AlignLeft ? area.left() : area.right() - size.width();
        const int y = corner & Qt::AlignTop ? area.top() : area.bottom() - size.height();
        const QRect box(x, y, size.width(), size.height());
        long count = 0;
        for (const auto& [id, r] : runs_) {
            if (!r.visible) continue;
            for (const CurveSample& s : r.drawn) {
                const double py = plot_->yAxis->coordToPixel(s.smoothed);
                if (std::isfinite(py) && box.contains(int(plot_->xAxis->coordToPixel(keyOf(s))), int(py))) ++count;
            }
        }
        if (count < bestCount) { // ties keep the earlier corner: top right first, as TensorBoard
            bestCount = count;
            best = corner;
        }
    }
    rect->insetLayout()->setInsetAlignment(0, best);
}

void TrainingCurveView::replotIfDirty() {
    if (!dirty_) return;
    dirty_ = false;
    syncGraphs();
    const bool empty = std::all_of(runs_.begin(), runs_.end(), [](const auto& kv) { return kv.second.drawn.empty(); });
    placeholder_->setVisible(empty);
    plot_->legend->setVisible(!runs_.empty());
    if (followData_) fitRanges();
    placeLegend();
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

void TrainingCurveView::fitToData() {
    followData_ = true;
    dirty_ = true;
    replotIfDirty();
}

// --------------------------------------------------------------------------------------------------------------
// Hover readout

std::vector<ReadoutRow> TrainingCurveView::readoutAt(double key) const {
    std::vector<ReadoutRow> rows;
    for (const auto& [id, r] : runs_) {
        if (!r.visible || r.drawn.empty()) continue;
        const CurveSample* best = nullptr;
        double bestDistance = std::numeric_limits<double>::infinity();
        for (const CurveSample& s : r.drawn) {
            const double d = std::abs(keyOf(s) - key);
            if (d < bestDistance) {
                bestDistance = d;
                best = &s;
            }
        }
        if (!best) continue;
        rows.push_back(ReadoutRow{id, r.name, r.color, *best, best->rawMin < best->rawMax});
    }
    return rows;
}

QString TrainingCurveView::hoverText() const {
    return hoverLabel_->isVisible() ? hoverLabel_->text() : QString();
}

void TrainingCurveView::showHover(const QPoint& pixel) {
    if (!plot_->axisRect()->rect().contains(pixel) || plot_->selectionRect()->isActive()) {
        hideHover();
        return;
    }
    const double key = plot_->xAxis->pixelToCoord(pixel.x());
    const std::vector<ReadoutRow> rows = readoutAt(key);
    if (rows.empty()) {
        hideHover();
        return;
    }
    // The crosshair snaps to the drawn point nearest to the mouse.
    double snapped = keyOf(rows.front().sample);
    for (const ReadoutRow& row : rows) {
        if (std::abs(keyOf(row.sample) - key) < std::abs(snapped - key)) snapped = keyOf(row.sample);
    }
    crosshair_->point1->setCoords(snapped, 0.0);
    crosshair_->point2->setCoords(snapped, 1.0);
    crosshair_->setVisible(true);
    for (auto& [id, r] : runs_) r.tracer->setVisible(false);

    const QString keyName = xMode_ == XAxisMode::Step ? tr("step") : tr("time");
    auto keyText = [&](double k) {
        if (xMode_ == XAxisMode::Step) return QString::number(k, 'f', 0);
        return QString::number(k, 'g', 5) + QStringLiteral(" s");
    };
    QString html = QStringLiteral("<b>%1 %2</b><table cellspacing='0' cellpadding='1'>").arg(keyName, keyText(snapped));
    for (const ReadoutRow& row : rows) {
        Run& r = runs_.at(row.runId);
        const bool drawable = std::isfinite(row.sample.smoothed) && (!logY_ || row.sample.smoothed > 0);
        r.tracer->position->setCoords(keyOf(row.sample), row.sample.smoothed);
        r.tracer->setVisible(drawable);
        QString raw = tr("raw %1").arg(shortNumber(row.sample.raw));
        if (row.decimated)
            raw += QStringLiteral(" [%1, %2]").arg(shortNumber(row.sample.rawMin), shortNumber(row.sample.rawMax));
        const double key = keyOf(row.sample);
        const QString at = key == snapped ? QString() : QStringLiteral(" @ ") + keyText(key);
        html += QStringLiteral("<tr><td><span style='color:%1'>&#9632;</span>&nbsp;%2</td>"
                               "<td align='right'>&nbsp;&nbsp;<b>%3</b></td>"
                               "<td style='color:#777'>&nbsp;&nbsp;%4%5</td></tr>")
                    .arg(row.color.name(), row.name.toHtmlEscaped(), shortNumber(row.sample.smoothed), raw, at);
    }
    html += QStringLiteral("</table>");
    hoverLabel_->setText(html);
    hoverLabel_->adjustSize();
    // Beside the cursor, flipped to the other side near the right or bottom edge.
    QPoint pos = pixel + QPoint(16, 16);
    if (pos.x() + hoverLabel_->width() > plot_->width()) pos.setX(pixel.x() - 16 - hoverLabel_->width());
    if (pos.y() + hoverLabel_->height() > plot_->height()) pos.setY(pixel.y() - 16 - hoverLabel_->height());
    hoverLabel_->move(std::max(0, pos.x()), std::max(0, pos.y()));
    hoverLabel_->show();
    hoverLabel_->raise();
    plot_->layer(QStringLiteral("hover"))->replot();
}

void TrainingCurveView::hideHover() {
    hoverLabel_->hide();
    if (crosshair_->visible() || std::any_of(runs_.begin(), runs_.end(), [](const auto& kv) {
            return kv.second.tracer->visible();
        })) {
        crosshair_->setVisible(false);
        for (auto& [id, r] : runs_) r.tracer->setVisible(false);
        plot_->layer(QStringLiteral("hover"))->replot();
    }
}

// --------------------------------------------------------------------------------------------------------------
// Export

QString TrainingCurveView::toCsv() const {
    QString out = QStringLiteral("run,step,seconds,raw,smoothed,raw_min,raw_max\n");
    for (const auto& [id, r] : runs_) {
        const QString name = csvField(r.name);
        for (const CurveSample& s : r.series.samples()) {
            out += name + QLatin1Char(',') + csvNumber(s.step) + QLatin1Char(',') + csvNumber(s.seconds) +
                   QLatin1Char(',') + csvNumber(s.raw) + QLatin1Char(',') + csvNumber(s.smoothed) + QLatin1Char(',') +
                   csvNumber(s.rawMin) + QLatin1Char(',') + csvNumber(s.rawMax) + QLatin1Char('\n');
        }
    }
    return out;
}

bool TrainingCurveView::exportCsv(const QString& path, QString* error) {
    return saveTextAtomically(path, toCsv(), error);
}

bool TrainingCurveView::exportPng(const QString& path, QSize size, double scale, QString* error) {
    hideHover();
    dirty_ = true;
    replotIfDirty();
    const bool ok = savePlotPng(plot_, path, size, scale, error);
    plot_->replot(QCustomPlot::rpQueuedReplot); // lay the plot out for the screen again
    return ok;
}

bool TrainingCurveView::exportPdf(const QString& path, QSize size, QString* error) {
    hideHover();
    dirty_ = true;
    replotIfDirty();
    const bool ok = savePlotPdf(plot_, path, size, title_.isEmpty() ? valueLabel_ : title_, error);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return ok;
}

void TrainingCurveView::exportWithDialog(const QString& kind) {
    exportPlotWithDialog(this, kind, title_.isEmpty() ? valueLabel_ : title_);
}

void TrainingCurveView::showContextMenu(const QPoint& pos) {
    if (plot_->selectionRect()->isActive()) plot_->selectionRect()->cancel();
    hideHover();
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    addExportActions(menu, this, [this](const QString& kind) { exportWithDialog(kind); });
    menu->addSeparator();
    menu->addAction(tr("Fit to data"), this, &TrainingCurveView::fitToData);
    QAction* log = menu->addAction(tr("Log y"));
    log->setCheckable(true);
    log->setChecked(logY_);
    connect(log, &QAction::toggled, this, &TrainingCurveView::setLogY);
    QAction* presentation = menu->addAction(tr("Presentation mode"));
    presentation->setCheckable(true);
    presentation->setChecked(presentation_);
    connect(presentation, &QAction::toggled, this, &TrainingCurveView::setPresentationMode);
    QAction* controls = menu->addAction(tr("Show controls"));
    controls->setCheckable(true);
    controls->setChecked(!controls_->isHidden());
    connect(controls, &QAction::toggled, this, &TrainingCurveView::setControlsVisible);
    menu->popup(plot_->mapToGlobal(pos));
}

} // namespace unroll
