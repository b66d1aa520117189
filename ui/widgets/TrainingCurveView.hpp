// Training curves in the TensorBoard tradition: several runs overlaid, each drawn as a faint raw curve behind a
// smoothed one, with a hover readout of every run, step/time x axis, log y, and PNG/PDF/CSV export.
//
// What it does better than TensorBoard's Scalars: the EMA is debiased at the start and a centred or trailing moving
// average is offered beside it (tensorboard#5680), exported figures carry legend and axis labels (#2400), and a
// long run never grows memory: old points are decimated into buckets that keep a min/max envelope, while the
// smoothing is computed on the incoming stream so that decimation never changes a smoothed value.
//
// The pure logic sits in small Qt-free classes usable and testable on their own:
//   CurveSmoother     streaming smoother (debiased EMA, trailing mean), fed one value at a time;
//   smoothBatch       the reference definition of every smoothing mode over a whole series (used by tests);
//   DecimatingSeries  one run's bounded store: full-resolution recent tail, decimated buckets behind it.
//
// Usage:  auto* view = new TrainingCurveView; int run = view->addRun("GRU, lr 0.01");
//         view->addPoint(run, step, seconds, loss);   // cheap: marks dirty; redraws are coalesced (<= 30 per s)
// Leaves out: grouping runs into mean +- band, several charts per tag, wall-clock (absolute) time.
#pragma once

#include <QColor>
#include <QSize>
#include <QString>
#include <QWidget>

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <vector>

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPItemTracer;
class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QSlider;
class QTimer;

namespace unroll {

// ---------------------------------------------------------------------------------------------------------------
// Smoothing

enum class SmoothingMode { Ema, CenteredMean, TrailingMean };
struct SmoothingModeName {
    SmoothingMode mode;
    const char* name;
};
inline constexpr std::array<SmoothingModeName, 3> kSmoothingModeNames{{
    {SmoothingMode::Ema, "Exponential (debiased)"},
    {SmoothingMode::CenteredMean, "Centred mean"},
    {SmoothingMode::TrailingMean, "Trailing mean"},
}};
QString smoothingModeName(SmoothingMode mode);

inline constexpr double kMaxEmaWeight = 0.999; // TensorBoard's limit: 1.0 would freeze the curve (tensorboard#5370)
inline constexpr int kMaxSmoothingWindow = 1001;

struct SmoothingOptions {
    SmoothingMode mode = SmoothingMode::Ema;
    double emaWeight = 0.6; // in [0, kMaxEmaWeight]; 0 = no smoothing; TensorBoard's default is 0.6
    int window = 25;        // moving-average window in points, [1, kMaxSmoothingWindow]; a centred window is odd:
                            // an even window w uses w + 1 (w/2 points either side)

    // A copy with every field clamped into its range (NaN weight -> 0).
    SmoothingOptions clamped() const;
    // Points a centred mean looks ahead (window/2); 0 for the causal modes.
    int lag() const;
    bool operator==(const SmoothingOptions&) const = default;
};

// Streaming, causal smoother over a sequence of values.
//   Ema:           TensorBoard's debiased EMA: b_k = w b_{k-1} + (1 - w) x_k, b_0 = 0; s_k = b_k / (1 - w^k).
//   TrailingMean:  mean of the last `window` values (fewer at the start).
//   CenteredMean:  behaves as a trailing mean over 2h + 1 values (h = lag()); the value it returns after x_k is the
//                  centred mean of x_{k-h}: the caller delays by h (DecimatingSeries does).
// Non-finite values are returned unchanged and leave the state untouched (as TensorBoard does).
// push(x, count) takes `count` copies of x at once in O(1) (exact for repeated values): replaying decimated history.
class CurveSmoother {
public:
    explicit CurveSmoother(const SmoothingOptions& options = {});

    // ensures: returns the smoothed value after the last of the `count` copies of x (count >= 1).
    double push(double x, std::uint64_t count = 1);
    void reset();
    const SmoothingOptions& options() const { return options_; }
    std::uint64_t count() const { return n_; } // finite values taken in

private:
    SmoothingOptions options_;
    int window_ = 1; // effective moving-average window (2h + 1 when centred)
    std::uint64_t n_ = 0;
    // EMA state
    double biased_ = 0.0;
    // moving-average state: runs of (value, count), at most window_ values in total
    std::deque<std::pair<double, std::uint64_t>> runs_;
    std::uint64_t inWindow_ = 0;
    double sum_ = 0.0;
    std::uint64_t sinceExactSum_ = 0; // running sums drift; re-add the window every window_ pushes
};

// Reference: the smoothed series by the direct formulas (O(n * window) for the means), centred windows truncated at
// both ends. x: (n) -> (n). Non-finite values pass through and are skipped by their neighbours' windows.
std::vector<double> smoothBatch(std::span<const double> x, const SmoothingOptions& options);

// ---------------------------------------------------------------------------------------------------------------
// Bounded storage of one run

// One stored point. raw and smoothed are those of the point itself; rawMin/rawMax span every raw value of the bucket
// the point stands for (equal to raw where nothing was decimated).
struct CurveSample {
    double step = 0.0;
    double seconds = 0.0;
    double raw = 0.0;
    double smoothed = 0.0;
    double rawMin = 0.0;
    double rawMax = 0.0;
};

// One run's points with bounded memory (at most capacity() samples, however many arrive).
//   - The newest kRecent arrivals are kept at full resolution.
//   - Older arrivals fall into buckets of `stride` consecutive arrivals; a bucket keeps its first point (so the kept
//     points are every stride-th arrival, the very first included), the min/max of its raw values and their sum.
//     When the buckets fill their share of the capacity, neighbours merge and the stride doubles.
//   - The most recent arrival is always kept.
//   - Smoothing runs on the incoming stream, so a kept point's smoothed value is exactly what it would be without
//     decimation. A centred mean's last h values are provisional (window truncated at the end) until h more arrive.
//   - setSmoothing() re-smooths from what is stored: exact while nothing was decimated; over decimated history each
//     bucket is replayed as its first value followed by the mean of the rest (exact for a flat stretch).
class DecimatingSeries {
public:
    static constexpr std::size_t kRecent = 1024; // >= kMaxSmoothingWindow, so a centred window fits in the tail
    static constexpr std::size_t kMinCapacity = 2 * kRecent + 2;

    explicit DecimatingSeries(std::size_t capacity = 8192, const SmoothingOptions& options = {});

    void append(double step, double seconds, double value);
    void setSmoothing(const SmoothingOptions& options); // re-smooths the stored history (see above)
    const SmoothingOptions& smoothing() const { return options_; }
    void setCapacity(std::size_t capacity); // clamped to >= kMinCapacity; compacts at once if needed
    std::size_t capacity() const { return capacity_; }
    void clear();

    std::size_t size() const;                        // == samples().size() <= capacity()
    std::uint64_t arrivals() const { return arrivals_; } // points appended since clear()
    std::uint64_t stride() const { return stride_; }     // arrivals per bucket; 1 while nothing is decimated
    std::vector<CurveSample> samples() const;            // in arrival order

private:
    struct Bucket {
        CurveSample first;         // the bucket's first arrival; first.rawMin/rawMax span the bucket
        double restSum = 0.0;      // sum of the finite raw values after the first
        std::uint64_t restFinite = 0;
        std::uint64_t count = 1;   // arrivals in the bucket
    };

    void admit(const CurveSample& s); // an arrival leaving the recent tail enters the buckets
    void compact();
    void evictRecent();
    void resmooth();
    double provisional(std::uint64_t arrival) const; // centred mean truncated at the end
    std::uint64_t recentBegin() const { return arrivals_ - recent_.size(); }

    std::size_t capacity_;
    SmoothingOptions options_;
    CurveSmoother smoother_;
    std::vector<Bucket> buckets_;
    CurveSample lastAdmitted_;
    std::deque<CurveSample> recent_;
    std::deque<std::uint64_t> awaiting_; // arrivals (finite, in recent_) whose centred value is not final yet
    std::uint64_t arrivals_ = 0;
    std::uint64_t admitted_ = 0;
    std::uint64_t stride_ = 1;
};

// ---------------------------------------------------------------------------------------------------------------
// The widget

enum class XAxisMode { Step, Seconds };
struct XAxisModeName {
    XAxisMode mode;
    const char* name;
};
inline constexpr std::array<XAxisModeName, 2> kXAxisModeNames{{
    {XAxisMode::Step, "Step"},
    {XAxisMode::Seconds, "Time (s)"},
}};
QString xAxisModeName(XAxisMode mode);

struct CurvePoint {
    double step = 0.0;
    double seconds = 0.0;
    double value = 0.0;
};

// What the hover readout shows for one run: its drawn sample nearest to the mouse.
struct ReadoutRow {
    int runId = -1;
    QString name;
    QColor color;
    CurveSample sample;
    bool decimated = false; // the sample stands for several arrivals (rawMin/rawMax span them)
};

class TrainingCurveView : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCurveView(QWidget* parent = nullptr);
    ~TrainingCurveView() override;

    // Runs. Ids are never reused. A run's colour defaults to the next colour of the Okabe-Ito palette.
    int addRun(const QString& name);
    int addRun(const QString& name, const QColor& color);
    void removeRun(int runId);
    void clear(); // removes every run
    std::vector<int> runIds() const;
    bool hasRun(int runId) const { return runs_.count(runId) != 0; }
    QString runName(int runId) const;
    QColor runColor(int runId) const;
    void setRunColor(int runId, const QColor& color);
    void setRunVisible(int runId, bool visible); // also toggled by clicking the run in the legend
    bool isRunVisible(int runId) const;
    const DecimatingSeries& series(int runId) const;

    // Data. Cheap: stores the points and marks the view dirty; the redraw follows within ~33 ms. Points for an id
    // that is not (or no longer) a run are dropped: queued results may arrive after clear(). The accessors above
    // throw std::out_of_range for an unknown id.
    void addPoint(int runId, double step, double seconds, double value);
    void addPoints(int runId, std::span<const CurvePoint> points);

    // View settings (the control bar above the plot edits the same state).
    void setSmoothing(const SmoothingOptions& options);
    SmoothingOptions smoothing() const { return smoothing_; }
    void setXAxisMode(XAxisMode mode);
    XAxisMode xAxisMode() const { return xMode_; }
    void setLogY(bool on);
    bool logY() const { return logY_; }
    void setPresentationMode(bool on); // larger fonts and lines for projectors
    bool presentationMode() const { return presentation_; }
    void setValueLabel(const QString& label); // y-axis label, e.g. "loss"; default "value"
    QString valueLabel() const { return valueLabel_; }
    void setTitle(const QString& title);      // shown above the plot and in exports; empty = none
    void setPlaceholderText(const QString& text); // shown while there is no data (keep it short: it does not wrap)
    void setMaxPointsPerRun(std::size_t capacity);
    std::size_t maxPointsPerRun() const { return capacity_; }
    void setControlsVisible(bool visible);

    // The drawn sample nearest to x = key (in the current x-axis mode) for every visible run.
    std::vector<ReadoutRow> readoutAt(double key) const;
    QString hoverText() const; // the hover readout currently shown (rich text), empty when hidden

    // Exports; files are written atomically (QSaveFile). An empty size means the plot's current size. On failure
    // they return false and, if `error` is given, say why.
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr);
    // CSV in long form, one row per stored sample: run,step,seconds,raw,smoothed,raw_min,raw_max
    QString toCsv() const;

    QCustomPlot* plot() const { return plot_; }
    bool isDirty() const { return dirty_; }

public slots:
    void replotIfDirty(); // brings the graphs up to date and redraws, if anything changed
    void fitToData();     // fits both axes to the visible runs and follows new data again (also: double-click)

signals:
    void smoothingChanged(const unroll::SmoothingOptions& options);
    void xAxisModeChanged(unroll::XAxisMode mode);
    void logYChanged(bool on);
    void runVisibilityChanged(int runId, bool visible);

private:
    struct Run {
        QString name;
        QColor color;
        bool visible = true;
        bool dirty = true;
        DecimatingSeries series;
        std::vector<CurveSample> drawn; // what the graphs show, in arrival order
        QCPGraph* envelopeLo = nullptr;
        QCPGraph* envelopeHi = nullptr;
        QCPGraph* raw = nullptr;
        QCPGraph* smooth = nullptr;
        QCPItemTracer* tracer = nullptr;
    };

    void setupControls();
    void setupPlot();
    void setupAxes();
    void setupLegend();
    void setupHover();
    void setupContextMenu();
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void applyStyle(); // fonts, pens and sizes for the current mode (normal or presentation)
    void styleRun(Run& run);
    void syncControls();
    void syncGraphs();
    void fitRanges();
    void updateEnvelopes(); // bins the min/max band to the current pixel columns (before every replot)
    void placeLegend(); // into the corner of the plot that hides the fewest points
    void markDirty();
    Run& run(int runId);
    const Run& run(int runId) const;
    double keyOf(const CurveSample& s) const;
    void showHover(const QPoint& pixel);
    void hideHover();
    void showContextMenu(const QPoint& pos);
    void exportWithDialog(const QString& kind);

    QCustomPlot* plot_ = nullptr;
    QWidget* controls_ = nullptr;
    QComboBox* smoothingCombo_ = nullptr;
    QSlider* smoothingSlider_ = nullptr;
    QLabel* smoothingValue_ = nullptr;
    QComboBox* xAxisCombo_ = nullptr;
    QCheckBox* logYCheck_ = nullptr;
    QLabel* xAxisLabel_ = nullptr;
    QHBoxLayout *controlsRow1_ = nullptr, *controlsRow2_ = nullptr;
    bool twoRows_ = false;
    void arrangeControls(); // one row where it fits, else the x-axis controls on a second row
    QLabel* hoverLabel_ = nullptr;
    QCPItemStraightLine* crosshair_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    QTimer* replotTimer_ = nullptr;

    std::map<int, Run> runs_;
    int nextRunId_ = 0;
    int nextColor_ = 0;
    std::size_t capacity_ = 8192;
    SmoothingOptions smoothing_;
    XAxisMode xMode_ = XAxisMode::Step;
    bool logY_ = false;
    bool presentation_ = false;
    bool dirty_ = false;
    bool followData_ = true; // fit the axes to the data on every redraw until the user zooms
    QString valueLabel_ = QStringLiteral("value");
    QString title_;
};

} // namespace unroll
