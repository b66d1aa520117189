// ClipPanes; see ClipPanes.hpp.
#include "labs/trigger/ClipPanes.hpp"

#include "widgets/ColorMaps.hpp"
#include "widgets/PlotExport.hpp"

#include <qcustomplot.h>

#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QSaveFile>
#include <QScrollBar>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace unroll {

namespace {

constexpr double kMinSpanS = 0.02;
constexpr double kDynamicRangeDb = 60;
const QColor kWaveColor(60, 90, 140), kChimeColor(200, 110, 20), kLabelColor(30, 130, 70),
    kProbabilityColor(40, 70, 160), kThresholdColor(200, 40, 40), kHitColor(30, 140, 60), kMissColor(200, 40, 40),
    kCursorColor(220, 30, 30);

const char* const kPaneNames[ClipPanes::kPanes] = {"wave", "Hz", "label", "p", "fires", "chimed"};

QString seconds(double s) { return QString::number(s, 'f', 3) + " s"; }
QString hz(double f) { return QLocale(QLocale::English).toString(qint64(std::llround(f))) + " Hz"; }

} // namespace

ClipPanes::ClipPanes(QWidget* parent) : QWidget(parent)
{
    chime_ = makeChime(kLabRate);
    setupPlot();
    scroll_ = new QScrollBar(Qt::Horizontal, this);
    scroll_->setEnabled(false);
    readout_ = new QLabel(this);
    readout_->setContentsMargins(8, 2, 8, 2);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    readout_->setStyleSheet("color: #464646;");
    readout_->setMinimumHeight(readout_->fontMetrics().height() + 4);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(plot_, 1);
    layout->addWidget(scroll_);
    layout->addWidget(readout_);
    connect(scroll_, &QScrollBar::valueChanged, this, [this](int value) {
        if (syncing_) return;
        const auto [lo, hi] = timeRange();
        setTimeRange(value / 1000.0, value / 1000.0 + (hi - lo));
    });
    clear();
}

ClipPanes::~ClipPanes() = default;

void ClipPanes::setupPlot()
{
    plot_ = new QCustomPlot(this);
    plot_->setBackground(Qt::white);
    plot_->setMinimumHeight(360);
    plot_->plotLayout()->clear();
    plot_->plotLayout()->setRowSpacing(2);
    plot_->addLayer("cursor", nullptr, QCustomPlot::limAbove);
    plot_->layer("cursor")->setMode(QCPLayer::lmBuffered); // the cursor moves without redrawing the panes
    auto* group = new QCPMarginGroup(plot_);
    const double stretch[kPanes] = {1.0, 2.4, 0.55, 1.2, 0.45, 0.9};
    QFont tickFont = font();
    tickFont.setPointSizeF(8.5);
    QFont labelFont = font();
    labelFont.setPointSizeF(9.0);
    for (int p = 0; p < kPanes; ++p) {
        auto* rect = new QCPAxisRect(plot_);
        rects_[size_t(p)] = rect;
        plot_->plotLayout()->addElement(p, 0, rect);
        plot_->plotLayout()->setRowStretchFactor(p, stretch[p]);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
        rect->setRangeDrag(Qt::Horizontal);
        rect->setRangeZoom(Qt::Horizontal);
        rect->setRangeZoomFactor(0.85);
        rect->setMinimumMargins(QMargins(4, 2, 4, 2));
        QCPAxis* x = rect->axis(QCPAxis::atBottom);
        QCPAxis* y = rect->axis(QCPAxis::atLeft);
        for (QCPAxis* a : {x, y}) {
            a->setTickLabelFont(tickFont);
            a->setLabelFont(labelFont);
            a->setBasePen(QPen(QColor(160, 160, 160)));
            a->setTickPen(QPen(QColor(160, 160, 160)));
            a->setSubTickPen(QPen(QColor(190, 190, 190)));
            a->setTickLabelColor(QColor(80, 80, 80));
            a->grid()->setPen(QPen(QColor(0, 0, 0, 20)));
        }
        x->setTickLabels(p == Chimed);
        x->setPadding(0);
        if (p == Chimed) x->setLabel(tr("time (s)"));
        y->setLabel(tr(kPaneNames[p]));
        if (p == Waveform || p == Chimed) y->ticker()->setTickCount(3);
        y->setPadding(2);
        connect(x, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this](const QCPRange& r) { rangeChanged(r.lower, r.upper); });
        auto* cursor = new QCPItemStraightLine(plot_);
        cursor->setLayer("cursor");
        cursor->setClipAxisRect(rect);
        for (auto* pos : {cursor->point1, cursor->point2}) pos->setAxes(x, y);
        cursor->setPen(QPen(kCursorColor, 1.5));
        cursor->setVisible(false);
        cursors_[size_t(p)] = cursor;
    }
    auto graph = [this](Pane p) {
        return plot_->addGraph(rects_[size_t(p)]->axis(QCPAxis::atBottom), rects_[size_t(p)]->axis(QCPAxis::atLeft));
    };
    // Waveform and chimed audio: the min and max of each bin, the band between them filled.
    for (auto [lo, hi, color, pane] : {std::tuple{&waveMin_, &waveMax_, kWaveColor, Waveform},
                                       std::tuple{&chimeMin_, &chimeMax_, kChimeColor, Chimed}}) {
        *lo = graph(pane);
        *hi = graph(pane);
        for (QCPGraph* g : {*lo, *hi}) g->setPen(QPen(color, 1));
        (*hi)->setBrush(color);
        (*hi)->setChannelFillGraph(*lo);
    }
    // Spectrogram and its colour bar.
    QCPAxisRect* spec = rects_[Spectrogram];
    map_ = new QCPColorMap(spec->axis(QCPAxis::atBottom), spec->axis(QCPAxis::atLeft));
    map_->setInterpolate(false);
    map_->setGradient(toGradient(ColorMap::Viridis));
    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(Spectrogram, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->setBarWidth(10);
    scale_->axis()->setLabel(tr("level (dB)"));
    scale_->axis()->setTickLabelFont(tickFont);
    scale_->axis()->setLabelFont(labelFont);
    map_->setColorScale(scale_);
    map_->setGradient(toGradient(ColorMap::Viridis)); // after setColorScale, which takes the scale's gradient
    auto* specGroup = new QCPMarginGroup(plot_);
    spec->setMarginGroup(QCP::msTop | QCP::msBottom, specGroup);
    scale_->setMarginGroup(QCP::msTop | QCP::msBottom, specGroup);
    // Labels: the 0/1 track as steps, filled.
    labels_ = graph(Labels);
    labels_->setLineStyle(QCPGraph::lsStepLeft);
    labels_->setPen(QPen(kLabelColor, 1.2));
    labels_->setBrush(QColor(30, 130, 70, 60));
    rects_[Labels]->axis(QCPAxis::atLeft)->setRange(-0.05, 1.9);
    rects_[Labels]->axis(QCPAxis::atLeft)->setTicks(false);
    // Probability and the threshold line.
    probability_ = graph(Probability);
    probability_->setPen(QPen(kProbabilityColor, 1.3));
    probability_->setBrush(QColor(40, 70, 160, 35));
    QCPAxis* py = rects_[Probability]->axis(QCPAxis::atLeft);
    py->setRange(-0.03, 1.03);
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(0.5);
    py->setTicker(ticker);
    thresholdLine_ = new QCPItemStraightLine(plot_);
    thresholdLine_->setClipAxisRect(rects_[Probability]);
    for (auto* pos : {thresholdLine_->point1, thresholdLine_->point2})
        pos->setAxes(rects_[Probability]->axis(QCPAxis::atBottom), py);
    thresholdLine_->setPen(QPen(kThresholdColor, 1.4, Qt::DashLine));
    // Detections: a marker per detection, green when it hits a word of a labelled clip, red when it does not.
    hitMarks_ = graph(Detections);
    missMarks_ = graph(Detections);
    for (auto [g, c] : {std::pair{hitMarks_, kHitColor}, std::pair{missMarks_, kMissColor}}) {
        g->setLineStyle(QCPGraph::lsImpulse);
        g->setPen(QPen(c, 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangleInverted, c, c, 9));
    }
    rects_[Detections]->axis(QCPAxis::atLeft)->setRange(0, 1.25);
    rects_[Detections]->axis(QCPAxis::atLeft)->setTicks(false);

    placeholder_ = new QCPItemText(plot_);
    placeholder_->setClipAxisRect(spec);
    placeholder_->position->setAxisRect(spec);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setColor(QColor(120, 120, 120));
    placeholder_->setText(tr("No clip yet"));

    plot_->setFocusPolicy(Qt::StrongFocus);
    plot_->installEventFilter(this);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mousePress, this, &ClipPanes::mousePress);
    connect(plot_, &QCustomPlot::mouseMove, this, &ClipPanes::mouseMove);
    connect(plot_, &QCustomPlot::mouseRelease, this, &ClipPanes::mouseRelease);
    connect(plot_, &QCustomPlot::afterLayout, this, [this] { refreshWaveforms(); });
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        auto* menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addAction(tr("Whole clip"), this, [this] { setTimeRange(0, duration()); });
        menu->addAction(tr("Levels from the clip"), this, [this] { autoDbRange(); });
        menu->addSeparator();
        menu->addAction(tr("Export the panes as PNG…"), this, [this] {
            const QString path = askExportPath(this, "PNG", "trigger-panes");
            QString error;
            if (!path.isEmpty() && !exportPng(path, {}, 2.0, &error)) warnExportFailed(this, error);
        });
        menu->addAction(tr("Export the spectrogram as PNG…"), this, [this] {
            const QString path = askExportPath(this, "PNG", "spectrogram");
            QString error;
            if (!path.isEmpty() && !exportSpectrogramPng(path, 2.0, &error)) warnExportFailed(this, error);
        });
        menu->addAction(tr("Export the spectrogram as CSV…"), this, [this] {
            const QString path = askExportPath(this, "CSV", "spectrogram");
            QString error;
            if (!path.isEmpty() && !saveTextAtomically(path, spectrogramCsv(), &error)) warnExportFailed(this, error);
        });
        menu->popup(plot_->mapToGlobal(pos));
    });
}

double ClipPanes::duration() const { return clip_ ? std::max(clip_->seconds(), kMinSpanS) : 10.0; }

void ClipPanes::clear()
{
    clip_.reset();
    probability_values_.clear();
    frameSeconds_ = 0;
    map_->data()->clear();
    labels_->data()->clear();
    probability_->data()->clear();
    for (auto* item : wordItems_) plot_->removeItem(item);
    wordItems_.clear();
    placeholder_->setVisible(true);
    refreshDetections(); // empties the markers and the chimed audio
    setTimeRange(0, duration());
    readout_->clear();
    plot_->replot();
}

void ClipPanes::setClip(ShownClipPtr clip)
{
    if (!clip) {
        clear();
        return;
    }
    clip_ = std::move(clip);
    const ShownClip& c = *clip_;
    placeholder_->setVisible(false);
    const Index bins = c.db.rows(), cols = c.db.cols();
    map_->data()->setSize(int(cols), int(bins));
    map_->data()->setRange(QCPRange(c.firstColumnS, c.firstColumnS + c.columnS * double(std::max<Index>(0, cols - 1))),
                           QCPRange(0, c.binHz * double(std::max<Index>(0, bins - 1))));
    for (Index k = 0; k < bins; ++k)
        for (Index t = 0; t < cols; ++t) map_->data()->setCell(int(t), int(k), c.db(k, t));
    setMaxFrequency(maxHz_);
    const double peak = c.audio.samples.empty()
                            ? 1.0
                            : double(std::max(std::abs(*std::max_element(c.audio.samples.begin(), c.audio.samples.end())),
                                              std::abs(*std::min_element(c.audio.samples.begin(), c.audio.samples.end()))));
    rects_[Waveform]->axis(QCPAxis::atLeft)->setRange(-std::max(peak, 1e-3) * 1.05, std::max(peak, 1e-3) * 1.05);

    QVector<double> keys, values;
    const double step = c.frameSeconds > 0 ? c.frameSeconds : outputStepSeconds(smallTriggerConfig());
    for (std::size_t i = 0; i < c.labels.size(); ++i) {
        keys << double(i) * step;
        values << c.labels[i];
    }
    labels_->setData(keys, values, true);
    placeWords();
    autoDbRange();
    setProbability(c.probability, c.frameSeconds);
    setTimeRange(0, duration());
}

void ClipPanes::placeWords()
{
    for (auto* item : wordItems_) plot_->removeItem(item);
    wordItems_.clear();
    if (!clip_) return;
    QCPAxis* x = rects_[Labels]->axis(QCPAxis::atBottom);
    QCPAxis* y = rects_[Labels]->axis(QCPAxis::atLeft);
    for (const PlacedWord& w : clip_->words) {
        const QColor c = w.positive ? kLabelColor : QColor(110, 110, 110);
        auto* span = new QCPItemRect(plot_);
        span->setClipAxisRect(rects_[Labels]);
        for (auto* pos : {span->topLeft, span->bottomRight}) pos->setAxes(x, y);
        span->topLeft->setCoords(w.segment.startMs / 1000.0, 1.85);
        span->bottomRight->setCoords(w.segment.endMs / 1000.0, 1.15);
        span->setPen(QPen(c, 1));
        span->setBrush(QColor(c.red(), c.green(), c.blue(), 40));
        auto* text = new QCPItemText(plot_);
        text->setClipAxisRect(rects_[Labels]);
        text->position->setAxes(x, y);
        text->position->setCoords((w.segment.startMs + w.segment.endMs) / 2000.0, 1.5);
        text->setText(QString::fromStdString(w.word));
        text->setColor(c.darker(130));
        QFont f = font();
        f.setPointSizeF(8.5);
        f.setBold(w.positive);
        text->setFont(f);
        wordItems_.push_back(span);
        wordItems_.push_back(text);
    }
}

void ClipPanes::updateClip(ShownClipPtr clip)
{
    if (!clip_ || !clip) {
        setClip(std::move(clip));
        return;
    }
    clip_ = std::move(clip);
    setProbability(clip_->probability, clip_->frameSeconds);
}

void ClipPanes::setProbability(std::vector<float> probability, double frameSeconds)
{
    probability_values_ = std::move(probability);
    frameSeconds_ = frameSeconds;
    QVector<double> keys, values;
    keys.reserve(qsizetype(probability_values_.size()));
    values.reserve(qsizetype(probability_values_.size()));
    for (std::size_t i = 0; i < probability_values_.size(); ++i) {
        keys << double(i) * frameSeconds_;
        values << probability_values_[i];
    }
    probability_->setData(keys, values, true);
    refreshDetections();
}

void ClipPanes::setDetectionOptions(const DetectionOptions& options)
{
    const bool thresholdChangedNow = options.threshold != options_.threshold;
    options_ = options;
    options_.threshold = std::clamp(options_.threshold, 0.0, 1.0);
    options_.consecutive = std::max(1, options_.consecutive);
    refreshDetections();
    if (thresholdChangedNow) emit thresholdChanged(options_.threshold);
}

void ClipPanes::setThreshold(double threshold)
{
    threshold = std::clamp(threshold, 0.0, 1.0);
    if (threshold == options_.threshold) return;
    DetectionOptions o = options_;
    o.threshold = threshold;
    setDetectionOptions(o);
}

// The detections of the probability at the options, their hits on a labelled clip's words (each positive word
// matched by at most one detection, in time order, within [start, end + tolerance] as scoreDetections matches), the
// markers, and the chimed audio.
void ClipPanes::refreshDetections()
{
    for (auto* item : detectionItems_) plot_->removeItem(item);
    detectionItems_.clear();
    detectionSteps_ = detectTriggers(probability_values_, options_);
    detections_ = triggerTimes(detectionSteps_, frameSeconds_);
    hits_.assign(detections_.size(), false);
    if (clip_ && clip_->labelled) {
        std::vector<bool> used(clip_->words.size(), false);
        for (std::size_t d = 0; d < detections_.size(); ++d)
            for (std::size_t w = 0; w < clip_->words.size(); ++w) {
                const PlacedWord& word = clip_->words[w];
                if (!word.positive || used[w]) continue;
                if (detections_[d] >= word.segment.startMs / 1000.0 &&
                    detections_[d] <= word.segment.endMs / 1000.0 + kMatchToleranceS) {
                    used[w] = hits_[d] = true;
                    break;
                }
            }
    }
    QVector<double> hitX, hitY, missX, missY;
    for (std::size_t d = 0; d < detections_.size(); ++d) {
        const bool hit = hits_[d] || !(clip_ && clip_->labelled);
        (hit ? hitX : missX) << detections_[d];
        (hit ? hitY : missY) << 1.0;
        // The same moment in the probability pane: where the counter reached k.
        auto* line = new QCPItemStraightLine(plot_);
        line->setClipAxisRect(rects_[Probability]);
        for (auto* pos : {line->point1, line->point2})
            pos->setAxes(rects_[Probability]->axis(QCPAxis::atBottom), rects_[Probability]->axis(QCPAxis::atLeft));
        line->point1->setCoords(detections_[d], 0);
        line->point2->setCoords(detections_[d], 1);
        line->setPen(QPen(hit ? kHitColor : kMissColor, 1, Qt::DotLine));
        detectionItems_.push_back(line);
    }
    hitMarks_->setData(hitX, hitY, true);
    missMarks_->setData(missX, missY, true);
    thresholdLine_->point1->setCoords(0, options_.threshold);
    thresholdLine_->point2->setCoords(1, options_.threshold);
    thresholdLine_->setVisible(true);

    chimed_ = clip_ ? clip_->audio : AudioClip{};
    if (clip_ && !detections_.empty() && chimed_.sampleRate == chime_.sampleRate) insertChimes(chimed_, detections_, chime_);
    if (chimed_.sampleRate == 0) chimed_.sampleRate = kLabRate;
    double peak = 1e-3;
    for (float v : chimed_.samples) peak = std::max(peak, double(std::abs(v)));
    rects_[Chimed]->axis(QCPAxis::atLeft)->setRange(-peak * 1.05, peak * 1.05);
    refreshWaveforms();
    plot_->replot();
    emit detectionsChanged();
}

void ClipPanes::setTimeRange(double lo, double hi)
{
    rangeChanged(lo, hi);
}

std::pair<double, double> ClipPanes::timeRange() const
{
    const QCPRange r = rects_[Waveform]->axis(QCPAxis::atBottom)->range();
    return {r.lower, r.upper};
}

void ClipPanes::zoomAt(double centreS, double factor)
{
    const auto [lo, hi] = timeRange();
    setTimeRange(centreS + (lo - centreS) * factor, centreS + (hi - centreS) * factor);
}

// Every pane's time axis to [lo, hi], kept inside the clip (a zoom past either end slides back in).
void ClipPanes::rangeChanged(double lo, double hi)
{
    if (syncing_) return;
    const double d = duration();
    double span = std::clamp(hi - lo, std::min(kMinSpanS, d), d);
    if (!std::isfinite(span)) span = d;
    lo = std::clamp(lo, 0.0, d - span);
    hi = lo + span;
    syncing_ = true;
    for (QCPAxisRect* r : rects_) r->axis(QCPAxis::atBottom)->setRange(lo, hi);
    syncing_ = false;
    refreshWaveforms();
    refreshScrollBar();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit timeRangeChanged(lo, hi);
}

void ClipPanes::refreshScrollBar()
{
    const auto [lo, hi] = timeRange();
    const double d = duration();
    syncing_ = true;
    scroll_->setRange(0, int(std::lround((d - (hi - lo)) * 1000)));
    scroll_->setPageStep(std::max(1, int(std::lround((hi - lo) * 1000))));
    scroll_->setSingleStep(std::max(1, int(std::lround((hi - lo) * 100))));
    scroll_->setValue(int(std::lround(lo * 1000)));
    scroll_->setEnabled(clip_ && hi - lo < d - 1e-6);
    syncing_ = false;
}

// The visible window of the audio as min/max envelopes, two bins per pixel (raw samples when zoomed in further).
void ClipPanes::refreshWaveforms()
{
    const auto [lo, hi] = timeRange();
    const int width = std::max(100, rects_[Waveform]->width());
    for (auto [audio, gMin, gMax] : {std::tuple{clip_ ? &clip_->audio : static_cast<const AudioClip*>(nullptr), waveMin_, waveMax_},
                                     std::tuple{clip_ ? static_cast<const AudioClip*>(&chimed_) : nullptr, chimeMin_, chimeMax_}}) {
        QVector<double> keys, mins, maxs;
        if (audio && !audio->samples.empty()) {
            const double rate = audio->sampleRate;
            const std::int64_t n = audio->size();
            const std::int64_t a = std::clamp<std::int64_t>(std::int64_t(std::floor(lo * rate)) - 1, 0, n - 1);
            const std::int64_t b = std::clamp<std::int64_t>(std::int64_t(std::ceil(hi * rate)) + 2, a + 1, n);
            const std::int64_t bins = 2 * std::int64_t(width);
            const double per = double(b - a) / double(bins);
            if (per <= 2) {
                for (std::int64_t i = a; i < b; ++i) {
                    keys << double(i) / rate;
                    mins << audio->samples[size_t(i)];
                }
                maxs = mins;
            } else {
                for (std::int64_t k = 0; k < bins; ++k) {
                    const auto from = a + std::int64_t(double(k) * per), to = std::min(b, a + std::int64_t(double(k + 1) * per));
                    if (to <= from) continue;
                    const auto [mn, mx] = std::minmax_element(audio->samples.begin() + from, audio->samples.begin() + to);
                    keys << (double(from) + double(to - from) / 2) / rate;
                    mins << *mn;
                    maxs << *mx;
                }
            }
        }
        gMin->setData(keys, mins, true);
        gMax->setData(keys, maxs, true);
    }
}

void ClipPanes::setDbRange(double lo, double hi)
{
    if (!(hi > lo)) hi = lo + 1;
    dbLo_ = lo;
    dbHi_ = hi;
    map_->setDataRange(QCPRange(lo, hi));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ClipPanes::setMaxFrequency(double hz)
{
    maxHz_ = std::max(0.0, hz);
    const double nyquist = clip_ && clip_->binHz > 0 ? clip_->binHz * double(std::max<Index>(1, clip_->db.rows() - 1))
                                                     : kLabRate / 2.0;
    rects_[Spectrogram]->axis(QCPAxis::atLeft)->setRange(0, maxHz_ > 0 ? std::min(maxHz_, nyquist) : nyquist);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ClipPanes::autoDbRange()
{
    if (!clip_ || clip_->db.size() == 0) {
        setDbRange(-100, 0);
        return;
    }
    const double top = std::ceil(double(clip_->db.maxCoeff()));
    setDbRange(top - kDynamicRangeDb, top);
}

void ClipPanes::setPlayCursor(double s)
{
    cursor_ = s;
    for (std::size_t p = 0; p < cursors_.size(); ++p) {
        cursors_[p]->setVisible(s >= 0 && clip_);
        cursors_[p]->point1->setCoords(s, 0);
        cursors_[p]->point2->setCoords(s, 1);
    }
    plot_->layer("cursor")->replot();
}

QRect ClipPanes::paneRect(Pane pane) const { return rects_[size_t(pane)]->rect(); }

QPoint ClipPanes::pointAt(Pane pane, double s, double value) const
{
    const QCPAxisRect* r = rects_[size_t(pane)];
    return QPoint(int(std::lround(r->axis(QCPAxis::atBottom)->coordToPixel(s))),
                  int(std::lround(r->axis(QCPAxis::atLeft)->coordToPixel(value))));
}

int ClipPanes::paneAt(const QPoint& pixel) const
{
    for (int p = 0; p < kPanes; ++p)
        if (rects_[size_t(p)]->rect().contains(pixel)) return p;
    return -1;
}

QString ClipPanes::readoutAt(const QPoint& pixel) const
{
    const int p = paneAt(pixel);
    if (p < 0 || !clip_) return {};
    const ShownClip& c = *clip_;
    const double t = rects_[size_t(p)]->axis(QCPAxis::atBottom)->pixelToCoord(pixel.x());
    const double v = rects_[size_t(p)]->axis(QCPAxis::atLeft)->pixelToCoord(pixel.y());
    if (t < 0 || t > c.seconds()) return {};
    QString text = seconds(t);
    auto sampleAt = [t](const AudioClip& a) {
        const auto i = std::clamp<std::int64_t>(std::int64_t(t * a.sampleRate), 0, std::max<std::int64_t>(0, a.size() - 1));
        return a.samples.empty() ? 0.0 : double(a.samples[size_t(i)]);
    };
    const auto step = frameSeconds_ > 0 ? std::int64_t(std::floor(t / frameSeconds_)) : -1;
    switch (Pane(p)) {
    case Waveform: return text + tr(" · sample %1").arg(sampleAt(c.audio), 0, 'f', 4);
    case Chimed: return text + tr(" · chimed sample %1").arg(sampleAt(chimed_), 0, 'f', 4);
    case Spectrogram: {
        if (c.db.size() == 0 || c.columnS <= 0 || c.binHz <= 0) return text;
        const auto col = std::clamp<Index>(Index(std::lround((t - c.firstColumnS) / c.columnS)), 0, c.db.cols() - 1);
        const auto row = std::clamp<Index>(Index(std::lround(v / c.binHz)), 0, c.db.rows() - 1);
        return text + " · " + hz(double(row) * c.binHz) + tr(" · %1 dB").arg(double(c.db(row, col)), 0, 'f', 1);
    }
    case Labels: {
        if (!c.labelled) return text + tr(" · no labels (not a synthesized clip)");
        if (step >= 0 && step < std::int64_t(c.labels.size())) text += tr(" · label %1").arg(c.labels[size_t(step)]);
        for (const PlacedWord& w : c.words)
            if (t * 1000 >= w.segment.startMs && t * 1000 <= w.segment.endMs)
                text += tr(" · “%1” %2–%3 s%4")
                            .arg(QString::fromStdString(w.word))
                            .arg(w.segment.startMs / 1000.0, 0, 'f', 3)
                            .arg(w.segment.endMs / 1000.0, 0, 'f', 3)
                            .arg(w.positive ? tr(" (trigger)") : QString());
        return text;
    }
    case Probability:
        if (step < 0 || step >= std::int64_t(probability_values_.size())) return text + tr(" · no probability here");
        return text + tr(" · p %1 at step %2 (threshold %3)")
                          .arg(double(probability_values_[size_t(step)]), 0, 'f', 3)
                          .arg(step)
                          .arg(options_.threshold, 0, 'f', 2);
    case Detections: {
        const double near = 6 * (rects_[Detections]->axis(QCPAxis::atBottom)->pixelToCoord(1) -
                                 rects_[Detections]->axis(QCPAxis::atBottom)->pixelToCoord(0));
        for (std::size_t d = 0; d < detections_.size(); ++d)
            if (std::abs(detections_[d] - t) <= std::abs(near))
                return text + tr(" · detection at %1%2")
                                  .arg(seconds(detections_[d]))
                                  .arg(c.labelled ? (hits_[d] ? tr(", on a trigger word") : tr(", a false accept"))
                                                  : QString());
        return text + tr(" · %n detection(s) in the clip", nullptr, int(detections_.size()));
    }
    }
    return text;
}

QString ClipPanes::readoutText() const { return readout_->text(); }

void ClipPanes::mousePress(QMouseEvent* e)
{
    const QPoint pos = e->position().toPoint();
    pressPos_ = pos;
    pressed_ = true;
    if (paneAt(pos) == Probability && !probability_values_.empty() &&
        std::abs(pos.y() - pointAt(Probability, 0, options_.threshold).y()) <= 6) {
        draggingThreshold_ = true;
        plot_->setInteraction(QCP::iRangeDrag, false);
    }
}

void ClipPanes::mouseMove(QMouseEvent* e)
{
    const QPoint pos = e->position().toPoint();
    if (draggingThreshold_) {
        setThreshold(std::round(rects_[Probability]->axis(QCPAxis::atLeft)->pixelToCoord(pos.y()) * 100) / 100);
        return;
    }
    readout_->setText(readoutAt(pos));
    const bool overLine = paneAt(pos) == Probability && !probability_values_.empty() &&
                          std::abs(pos.y() - pointAt(Probability, 0, options_.threshold).y()) <= 6;
    plot_->setCursor(overLine ? Qt::SizeVerCursor : Qt::ArrowCursor);
}

void ClipPanes::mouseRelease(QMouseEvent* e)
{
    const QPoint pos = e->position().toPoint();
    if (draggingThreshold_) {
        draggingThreshold_ = false;
        plot_->setInteraction(QCP::iRangeDrag, true);
    } else if (pressed_ && (pos - pressPos_).manhattanLength() < 4 && paneAt(pos) >= 0 && clip_) {
        emit seekRequested(std::clamp(rects_[size_t(paneAt(pos))]->axis(QCPAxis::atBottom)->pixelToCoord(pos.x()), 0.0,
                                      clip_->seconds()));
    }
    pressed_ = false;
}

bool ClipPanes::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != plot_ || (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress))
        return QWidget::eventFilter(watched, event);
    auto* key = static_cast<QKeyEvent*>(event);
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) return false;
    const int k = key->key();
    const bool ours = k == Qt::Key_Space || k == Qt::Key_Plus || k == Qt::Key_Equal || k == Qt::Key_Minus ||
                      k == Qt::Key_0 || k == Qt::Key_Left || k == Qt::Key_Right;
    if (!ours) return false;
    if (event->type() == QEvent::ShortcutOverride) { // the window's Space (train) gives way while the panes have focus
        event->accept();
        return true;
    }
    const auto [lo, hi] = timeRange();
    const double centre = cursor_ >= lo && cursor_ <= hi ? cursor_ : (lo + hi) / 2;
    switch (k) {
    case Qt::Key_Space: emit playToggleRequested(); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomAt(centre, 0.7); break;
    case Qt::Key_Minus: zoomAt(centre, 1 / 0.7); break;
    case Qt::Key_0: setTimeRange(0, duration()); break;
    case Qt::Key_Left: setTimeRange(lo - (hi - lo) / 4, hi - (hi - lo) / 4); break;
    case Qt::Key_Right: setTimeRange(lo + (hi - lo) / 4, hi + (hi - lo) / 4); break;
    }
    return true;
}

bool ClipPanes::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    return savePlotPng(plot_, path, size, scale, error);
}

bool ClipPanes::exportSpectrogramPng(const QString& path, double scale, QString* error)
{
    const QRect area = rects_[Spectrogram]->outerRect().united(scale_->outerRect()).adjusted(0, -4, 0, 4);
    const QPixmap whole = plot_->toPixmap(plot_->width(), plot_->height(), scale);
    const QRect scaled(QPoint(int(area.left() * scale), int(area.top() * scale)),
                       QSize(int(area.width() * scale), int(area.height() * scale)));
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || !whole.copy(scaled).save(&out, "PNG") || !out.commit()) {
        if (error) *error = tr("Cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

QString ClipPanes::spectrogramCsv() const
{
    if (!clip_ || clip_->db.size() == 0) return {};
    const ShownClip& c = *clip_;
    QString out = "time_s";
    for (Index k = 0; k < c.db.rows(); ++k) out += "," + QString::number(double(k) * c.binHz, 'g', 8) + "_Hz_dB";
    out += "\n";
    for (Index t = 0; t < c.db.cols(); ++t) {
        out += QString::number(c.firstColumnS + double(t) * c.columnS, 'g', 8);
        for (Index k = 0; k < c.db.rows(); ++k) out += "," + QString::number(double(c.db(k, t)), 'g', 6);
        out += "\n";
    }
    return out;
}

QString ClipPanes::detectionsCsv() const
{
    QString out = "time_s,step,threshold,consecutive,on_trigger_word\n";
    for (std::size_t d = 0; d < detections_.size(); ++d)
        out += QStringList{csvNumber(detections_[d]), QString::number(detectionSteps_[d]), csvNumber(options_.threshold),
                           QString::number(options_.consecutive),
                           clip_ && clip_->labelled ? (hits_[d] ? "yes" : "no") : ""}
                   .join(',') +
               "\n";
    return out;
}

} // namespace unroll
