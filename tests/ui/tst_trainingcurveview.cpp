// Tests for ui/widgets/TrainingCurveView: the smoothing (debiased EMA, moving averages), the bounded decimating
// store, and the widget driven headless (dirty marking and throttled redraws, log y, x-axis mode, hover readout,
// CSV/PNG/PDF export).
#include "widgets/TrainingCurveView.hpp"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QSet>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

using namespace unroll;

namespace {

// One relative-tolerance compare for every floating-point check in this file.
bool close(double actual, double expected, double rel = 1e-12) {
    if (std::isnan(expected)) return std::isnan(actual);
    return std::abs(actual - expected) <= rel * std::max(1.0, std::abs(expected));
}

#define QCLOSE(actual, expected, rel)                                                                                \
    do {                                                                                                             \
        const double actual_ = (actual), expected_ = (expected);                                                      \
        QVERIFY2(close(actual_, expected_, (rel)),                                                                    \
                 qPrintable(QStringLiteral("%1 = %2, expected %3")                                            \
                                .arg(#actual)                                                                  \
                                .arg(actual_, 0, 'g', 17)                                                      \
                                .arg(expected_, 0, 'g', 17)));                                                 \
    } while (false)

std::vector<double> streamed(const std::vector<double>& x, const SmoothingOptions& options) {
    DecimatingSeries series(DecimatingSeries::kMinCapacity, options);
    for (std::size_t i = 0; i < x.size(); ++i) series.append(double(i), 0.1 * double(i), x[i]);
    std::vector<double> out;
    for (const CurveSample& s : series.samples()) out.push_back(s.smoothed);
    return out;
}

std::vector<double> noisyLoss(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = (0.3 + 2.5 * std::exp(-double(i) / (0.2 * double(n)))) * std::exp(0.1 * noise(rng));
    }
    return x;
}

} // namespace

class TestTrainingCurveView : public QObject {
    Q_OBJECT

private slots:
    // ---- smoothing ------------------------------------------------------------------------------------------
    void emaDebiasedMatchesHandComputedValues() {
        // w = 0.5 over 1, 2, 3: debiased EMA is the weighted mean with weights w^(k-i):
        // 1;  (0.5*1 + 2)/1.5 = 5/3;  (0.25*1 + 0.5*2 + 3)/1.75 = 17/7 (by hand).
        CurveSmoother half({SmoothingMode::Ema, 0.5, 1});
        QCLOSE(half.push(1.0), 1.0, 1e-15);
        QCLOSE(half.push(2.0), 5.0 / 3.0, 1e-15);
        QCLOSE(half.push(3.0), 17.0 / 7.0, 1e-15);
        // TensorBoard's default w = 0.6 over 10, 0, 5: 10;  (0.6*10 + 0)/1.6 = 3.75;
        // (0.36*10 + 0.6*0 + 5)/1.96 = 8.6/1.96 (by hand).
        const std::vector<double> tb = smoothBatch(std::vector<double>{10, 0, 5}, {SmoothingMode::Ema, 0.6, 1});
        QCLOSE(tb[0], 10.0, 1e-15);
        QCLOSE(tb[1], 3.75, 1e-15);
        QCLOSE(tb[2], 8.6 / 1.96, 1e-15);
    }

    void emaDebiasingKeepsTheFirstValue() {
        // Without debiasing, an EMA at w = 0.999 would start at 0.001 * x; debiased it starts at x.
        CurveSmoother smoother({SmoothingMode::Ema, 0.999, 1});
        QCLOSE(smoother.push(4.2), 4.2, 1e-12);
    }

    void emaWeightZeroReturnsRawValues() {
        CurveSmoother smoother({SmoothingMode::Ema, 0.0, 1});
        for (double x : {3.0, -1.0, 7.5}) QCOMPARE(smoother.push(x), x);
    }

    void nonFiniteValuesPassThroughAndAreSkipped() {
        // As TensorBoard: a NaN point is drawn as NaN and leaves the average alone. w = 0.5 over 1, NaN, 3:
        // 1, NaN, (0.5*1 + 3)/1.5 = 7/3.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::vector<double> s = smoothBatch(std::vector<double>{1, nan, 3}, {SmoothingMode::Ema, 0.5, 1});
        QCLOSE(s[0], 1.0, 1e-15);
        QVERIFY(std::isnan(s[1]));
        QCLOSE(s[2], 7.0 / 3.0, 1e-15);
        const std::vector<double> streamedEma = streamed({1, nan, 3}, {SmoothingMode::Ema, 0.5, 1});
        QVERIFY(std::isnan(streamedEma[1]));
        QCLOSE(streamedEma[2], 7.0 / 3.0, 1e-15);
    }

    void movingAveragesMatchHandComputedValues() {
        const std::vector<double> x{1, 2, 3, 4, 5};
        // Trailing window 3: 1, (1+2)/2, (1+2+3)/3, (2+3+4)/3, (3+4+5)/3 (by hand).
        const std::vector<double> trailing{1, 1.5, 2, 3, 4};
        // Centred window 3, truncated at both ends: (1+2)/2, 2, 3, 4, (4+5)/2.
        const std::vector<double> centred3{1.5, 2, 3, 4, 4.5};
        // Centred window 5: mean(1..3), mean(1..4), mean(1..5), mean(2..5), mean(3..5).
        const std::vector<double> centred5{2, 2.5, 3, 3.5, 4};
        const SmoothingOptions t3{SmoothingMode::TrailingMean, 0, 3}, c3{SmoothingMode::CenteredMean, 0, 3},
            c5{SmoothingMode::CenteredMean, 0, 5};
        CurveSmoother smoother(t3);
        for (std::size_t i = 0; i < x.size(); ++i) {
            QCLOSE(smoother.push(x[i]), trailing[i], 1e-15);
            QCLOSE(smoothBatch(x, t3)[i], trailing[i], 1e-15);
            QCLOSE(smoothBatch(x, c3)[i], centred3[i], 1e-15);
            QCLOSE(smoothBatch(x, c5)[i], centred5[i], 1e-15);
            // The streaming series gives the same, its last values provisional (window truncated at the end).
            QCLOSE(streamed(x, t3)[i], trailing[i], 1e-15);
            QCLOSE(streamed(x, c3)[i], centred3[i], 1e-15);
            QCLOSE(streamed(x, c5)[i], centred5[i], 1e-15);
        }
    }

    void evenCentredWindowUsesTheNextOddWidth() {
        QCOMPARE((SmoothingOptions{SmoothingMode::CenteredMean, 0, 4}).lag(), 2);
        const std::vector<double> x{1, 2, 3, 4, 5};
        QCOMPARE(smoothBatch(x, {SmoothingMode::CenteredMean, 0, 4}),
                 smoothBatch(x, {SmoothingMode::CenteredMean, 0, 5}));
    }

    void optionsAreClampedToTheirRanges() {
        const SmoothingOptions o = SmoothingOptions{SmoothingMode::Ema, 1.0, 0}.clamped();
        QCOMPARE(o.emaWeight, kMaxEmaWeight); // 1.0 would freeze the curve (tensorboard#5370)
        QCOMPARE(o.window, 1);
        QCOMPARE((SmoothingOptions{SmoothingMode::Ema, std::nan(""), 5000}).clamped().window, kMaxSmoothingWindow);
    }

    void pushingCopiesAtOnceEqualsPushingThemOneByOne() {
        for (const SmoothingOptions& o : {SmoothingOptions{SmoothingMode::Ema, 0.9, 1},
                                          SmoothingOptions{SmoothingMode::TrailingMean, 0, 7}}) {
            CurveSmoother once(o), each(o);
            once.push(2.0);
            each.push(2.0);
            const double a = once.push(5.0, 4);
            double b = 0;
            for (int i = 0; i < 4; ++i) b = each.push(5.0);
            QCLOSE(a, b, 1e-14);
            QCLOSE(once.push(-1.0), each.push(-1.0), 1e-14);
        }
    }

    void streamingMatchesTheReferenceOnLongNoisyRuns() {
        const std::vector<double> x = noisyLoss(3000, 7);
        for (const SmoothingOptions& o :
             {SmoothingOptions{SmoothingMode::Ema, 0.95, 1}, SmoothingOptions{SmoothingMode::TrailingMean, 0, 50},
              SmoothingOptions{SmoothingMode::CenteredMean, 0, 101}}) {
            const std::vector<double> expected = smoothBatch(x, o);
            DecimatingSeries series(100000, o);
            for (std::size_t i = 0; i < x.size(); ++i) series.append(double(i), 0, x[i]);
            const std::vector<CurveSample> samples = series.samples();
            QCOMPARE(samples.size(), x.size());
            for (std::size_t i = 0; i < x.size(); ++i) QCLOSE(samples[i].smoothed, expected[i], 1e-11);
        }
    }

    // ---- decimation -----------------------------------------------------------------------------------------
    void decimationBoundsMemoryAndKeepsEnds() {
        constexpr std::size_t kCap = 4096;
        constexpr std::size_t kN = 1'000'000;
        const std::vector<double> x = noisyLoss(kN, 11);
        const SmoothingOptions ema{SmoothingMode::Ema, 0.99, 1};
        DecimatingSeries bounded(kCap, ema);
        DecimatingSeries full(2 * kN, ema); // same code path, never decimates
        for (std::size_t i = 0; i < kN; ++i) {
            bounded.append(double(i), 0.001 * double(i), x[i]);
            full.append(double(i), 0.001 * double(i), x[i]);
            if (i % 100'000 == 0) QVERIFY(bounded.size() <= kCap);
        }
        QCOMPARE(bounded.arrivals(), std::uint64_t(kN));
        QVERIFY(bounded.size() <= kCap);
        QVERIFY(bounded.size() > kCap / 4); // and not needlessly coarse
        QVERIFY(bounded.stride() > 1);
        QCOMPARE(full.size(), kN);

        const std::vector<CurveSample> kept = bounded.samples();
        const std::vector<CurveSample> all = full.samples();
        QCOMPARE(kept.front().step, 0.0);
        QCOMPARE(kept.back().step, double(kN - 1));
        QCOMPARE(kept.back().raw, x.back());
        double lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
        for (const CurveSample& s : kept) {
            const auto i = static_cast<std::size_t>(s.step);
            QCOMPARE(s.raw, x[i]);
            QCOMPARE(s.seconds, all[i].seconds);
            // Smoothing ran on the stream: decimation leaves every kept smoothed value exactly as it was.
            QCOMPARE(s.smoothed, all[i].smoothed);
            QVERIFY(s.rawMin <= s.raw && s.raw <= s.rawMax);
            lowest = std::min(lowest, s.rawMin);
            highest = std::max(highest, s.rawMax);
        }
        // The min/max envelope still spans every raw value that arrived.
        QCOMPARE(lowest, *std::min_element(x.begin(), x.end()));
        QCOMPARE(highest, *std::max_element(x.begin(), x.end()));
        // Kept points are every stride-th arrival in the decimated part.
        QCOMPARE(std::uint64_t(kept[1].step), bounded.stride());
    }

    void decimationKeepsFinalCentredMeans() {
        constexpr std::size_t kN = 200'000;
        const std::vector<double> x = noisyLoss(kN, 3);
        const SmoothingOptions centred{SmoothingMode::CenteredMean, 0, 25};
        const std::vector<double> expected = smoothBatch(x, centred);
        DecimatingSeries bounded(DecimatingSeries::kMinCapacity, centred);
        for (std::size_t i = 0; i < kN; ++i) bounded.append(double(i), 0, x[i]);
        QVERIFY(bounded.size() <= DecimatingSeries::kMinCapacity);
        for (const CurveSample& s : bounded.samples())
            QCLOSE(s.smoothed, expected[static_cast<std::size_t>(s.step)], 1e-10);
    }

    void resmoothingIsExactWithoutDecimation() {
        const std::vector<double> x = noisyLoss(1500, 5);
        DecimatingSeries series(8192, {SmoothingMode::Ema, 0.6, 1});
        for (std::size_t i = 0; i < x.size(); ++i) series.append(double(i), 0, x[i]);
        for (const SmoothingOptions& o :
             {SmoothingOptions{SmoothingMode::CenteredMean, 0, 31}, SmoothingOptions{SmoothingMode::TrailingMean, 0, 9},
              SmoothingOptions{SmoothingMode::Ema, 0.97, 1}}) {
            series.setSmoothing(o);
            const std::vector<double> expected = smoothBatch(x, o);
            const std::vector<CurveSample> samples = series.samples();
            for (std::size_t i = 0; i < x.size(); ++i) QCLOSE(samples[i].smoothed, expected[i], 1e-11);
        }
        // New points after a change continue the new smoothing exactly.
        std::vector<double> more = x;
        for (int i = 0; i < 10; ++i) {
            more.push_back(1.0 + i);
            series.append(double(more.size() - 1), 0, more.back());
        }
        QCLOSE(series.samples().back().smoothed, smoothBatch(more, {SmoothingMode::Ema, 0.97, 1}).back(), 1e-11);
    }

    void resmoothingDecimatedHistoryStaysClose() {
        // Over decimated history a bucket is replayed as its first value and the mean of the rest; on a smooth
        // curve that is within a fraction of a percent of the exact smoothing.
        constexpr std::size_t kN = 300'000;
        std::vector<double> x(kN);
        for (std::size_t i = 0; i < kN; ++i) x[i] = 1.0 + std::exp(-double(i) / 50'000.0);
        DecimatingSeries series(DecimatingSeries::kMinCapacity, {SmoothingMode::TrailingMean, 0, 5});
        for (std::size_t i = 0; i < kN; ++i) series.append(double(i), 0, x[i]);
        const SmoothingOptions ema{SmoothingMode::Ema, 0.999, 1};
        series.setSmoothing(ema);
        const std::vector<double> expected = smoothBatch(x, ema);
        for (const CurveSample& s : series.samples())
            QCLOSE(s.smoothed, expected[static_cast<std::size_t>(s.step)], 2e-3);
    }

    // ---- widget ---------------------------------------------------------------------------------------------
    void addingPointsOnlyMarksDirty() {
        TrainingCurveView view;
        const int run = view.addRun(QStringLiteral("gru"));
        view.replotIfDirty();
        QCOMPARE(view.isDirty(), false);
        int replots = 0;
        connect(view.plot(), &QCustomPlot::afterReplot, this, [&] { ++replots; });
        for (int i = 0; i < 500; ++i) view.addPoint(run, i, 0.01 * i, 1.0 / (1 + i));
        QVERIFY(view.isDirty());
        QCOMPARE(replots, 0);
        QCOMPARE(smoothedGraph(view)->dataCount(), 0);
        view.replotIfDirty();
        QCOMPARE(replots, 1);
        QVERIFY(!view.isDirty());
        QCOMPARE(smoothedGraph(view)->dataCount(), 500);
    }

    void redrawsAreCoalescedToAboutThirtyPerSecond() {
        TrainingCurveView view;
        view.resize(500, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int run = view.addRun(QStringLiteral("lstm"));
        int replots = 0;
        connect(view.plot(), &QCustomPlot::afterReplot, this, [&] { ++replots; });
        QElapsedTimer clock;
        clock.start();
        int step = 0;
        while (clock.elapsed() < 600) { // a fast trainer: a point every fraction of a millisecond
            for (int k = 0; k < 20; ++k, ++step) view.addPoint(run, step, 0.001 * step, std::sin(0.01 * step));
            QCoreApplication::processEvents();
        }
        QTest::qWait(100);
        QVERIFY2(replots <= 0.7 * 30 + 3, qPrintable(QStringLiteral("%1 redraws in 0.7 s").arg(replots)));
        QVERIFY(replots >= 2); // but it does redraw while points arrive
        QCOMPARE(smoothedGraph(view)->dataCount(), int(view.series(run).size()));
    }

    void logYTogglesTheAxisScaleType() {
        TrainingCurveView view;
        QSignalSpy spy(&view, &TrainingCurveView::logYChanged);
        QCOMPARE(view.plot()->yAxis->scaleType(), QCPAxis::stLinear);
        view.setLogY(true);
        QCOMPARE(view.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(view.findChild<QCheckBox*>()->isChecked());
        view.findChild<QCheckBox*>()->setChecked(false); // the control bar drives the same state
        QCOMPARE(view.plot()->yAxis->scaleType(), QCPAxis::stLinear);
        QCOMPARE(spy.count(), 2);
    }

    void xAxisModeSwitchesThePlottedKeys() {
        TrainingCurveView view;
        const int run = view.addRun(QStringLiteral("rnn"));
        for (int i = 0; i < 10; ++i) view.addPoint(run, 100 * i, 2.5 * i, 1.0);
        view.replotIfDirty();
        QCPGraph* graph = smoothedGraph(view);
        QCOMPARE(graph->data()->at(3)->key, 300.0);
        QCOMPARE(view.plot()->xAxis->label(), QStringLiteral("step"));
        view.setXAxisMode(XAxisMode::Seconds);
        view.replotIfDirty();
        QCOMPARE(graph->data()->at(3)->key, 7.5);
        QCOMPARE(view.plot()->xAxis->label(), QStringLiteral("time (s)"));
        QVERIFY(view.plot()->xAxis->range().contains(22.5));
        QVERIFY(!view.plot()->xAxis->range().contains(900.0));
    }

    void eachRunHasAFaintRawCurveBehindItsSmoothedOne() {
        TrainingCurveView view;
        const int a = view.addRun(QStringLiteral("a"));
        view.addRun(QStringLiteral("b"));
        for (int i = 0; i < 20; ++i) view.addPoint(a, i, i, i % 2);
        view.replotIfDirty();
        QCOMPARE(view.plot()->legend->itemCount(), 2); // one legend entry per run, not per graph
        QCPGraph* smooth = smoothedGraph(view);
        QCPGraph* raw = nullptr;
        for (int i = 0; i < view.plot()->graphCount(); ++i) {
            QCPGraph* g = view.plot()->graph(i);
            if (g != smooth && g->dataCount() == 20 && g->pen().color().alpha() < 255 && g->pen().style() != Qt::NoPen)
                raw = g;
        }
        QVERIFY(raw);
        QCOMPARE(raw->pen().color().rgb(), view.runColor(a).rgb());
        QVERIFY(raw->layer()->index() < smooth->layer()->index()); // every raw curve under every smoothed one
        QCOMPARE(raw->data()->at(1)->value, 1.0);
        QVERIFY(smooth->data()->at(1)->value < 1.0);
        QVERIFY(view.runColor(a) != view.runColor(1));
    }

    void smoothingControlsEditTheSettings() {
        TrainingCurveView view;
        QSignalSpy spy(&view, &TrainingCurveView::smoothingChanged);
        auto* slider = view.findChild<QSlider*>();
        QVERIFY(slider);
        slider->setValue(900);
        QCOMPARE(view.smoothing().emaWeight, 0.9);
        auto* mode = view.findChildren<QComboBox*>().first();
        mode->setCurrentIndex(1);
        QCOMPARE(view.smoothing().mode, SmoothingMode::CenteredMean);
        QCOMPARE(spy.count(), 2);
        view.setSmoothing({SmoothingMode::TrailingMean, 0.3, 40});
        QCOMPARE(mode->currentIndex(), 2);
    }

    void hoverReadoutListsEveryRunAtTheNearestStep() {
        TrainingCurveView view;
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setSmoothing({SmoothingMode::Ema, 0.0, 1});
        const int a = view.addRun(QStringLiteral("GRU"));
        const int b = view.addRun(QStringLiteral("LSTM"));
        for (int i = 0; i <= 100; ++i) {
            view.addPoint(a, 10 * i, i, 2.0 + i);
            view.addPoint(b, 10 * i, i, 500.0 - i);
        }
        view.replotIfDirty();
        const std::vector<ReadoutRow> rows = view.readoutAt(502.0);
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].name, QStringLiteral("GRU"));
        QCOMPARE(rows[0].sample.step, 500.0);
        QCOMPARE(rows[0].sample.raw, 52.0);
        QCOMPARE(rows[1].sample.smoothed, 450.0);

        const QPoint pixel(int(view.plot()->xAxis->coordToPixel(700.0)), view.plot()->axisRect()->center().y());
        QMouseEvent move(QEvent::MouseMove, pixel, view.plot()->mapToGlobal(pixel), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(view.plot(), &move);
        const QString text = view.hoverText();
        QVERIFY2(text.contains(QStringLiteral("step 700")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("GRU")) && text.contains(QStringLiteral("LSTM")));
        QVERIFY(text.contains(QStringLiteral("72")) && text.contains(QStringLiteral("430")));
        view.setRunVisible(b, false);
        QCOMPARE(view.readoutAt(700).size(), std::size_t(1));
    }

    void csvExportReadsBack() {
        QTemporaryDir dir;
        TrainingCurveView view;
        const int a = view.addRun(QStringLiteral("GRU, lr 0.01")); // a comma: the name must be quoted
        const int b = view.addRun(QStringLiteral("LSTM"));
        for (int i = 0; i < 50; ++i) {
            view.addPoint(a, i, 0.5 * i, 1.0 / (i + 1));
            view.addPoint(b, 2 * i, 0.25 * i, 0.1 * i);
        }
        const QString path = dir.filePath(QStringLiteral("curves.csv"));
        QString error;
        QVERIFY2(view.exportCsv(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 101);
        QCOMPARE(lines[0], QStringLiteral("run,step,seconds,raw,smoothed,raw_min,raw_max"));
        QVERIFY(lines[1].startsWith(QStringLiteral("\"GRU, lr 0.01\",")));
        const std::vector<CurveSample> samples = view.series(a).samples();
        for (int i = 0; i < 50; ++i) {
            const QString& line = lines[1 + i];
            const QStringList f = line.mid(line.lastIndexOf(QLatin1Char('"')) + 2).split(QLatin1Char(','));
            QCOMPARE(f.size(), 6);
            QCOMPARE(f[0].toDouble(), samples[i].step);
            QCOMPARE(f[1].toDouble(), samples[i].seconds);
            QCOMPARE(f[2].toDouble(), samples[i].raw); // shortest round-trip text: exact
            QCOMPARE(f[3].toDouble(), samples[i].smoothed);
        }
        const QStringList last = lines[100].split(QLatin1Char(','));
        QCOMPARE(last[0], QStringLiteral("LSTM"));
        QCOMPARE(last[1].toDouble(), 98.0);
        QCOMPARE(last[3].toDouble(), 0.1 * 49);
    }

    void pngExportHasTheRequestedSizeAndContent() {
        QTemporaryDir dir;
        TrainingCurveView view;
        view.resize(640, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int run = view.addRun(QStringLiteral("GRU"));
        const std::vector<double> x = noisyLoss(2000, 1);
        for (std::size_t i = 0; i < x.size(); ++i) view.addPoint(run, double(i), 0, x[i]);
        const QString path = dir.filePath(QStringLiteral("curves.png"));
        QVERIFY(view.exportPng(path, QSize(500, 300), 2.0));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(1000, 600));
        QSet<QRgb> colours;
        int runColoured = 0;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x2 = 0; x2 < image.width(); x2 += 2) {
                const QRgb c = image.pixel(x2, y);
                colours.insert(c);
                if (c == view.runColor(run).rgb()) ++runColoured;
            }
        }
        QVERIFY(colours.size() > 20);  // axes, text, curves: not a blank image
        QVERIFY(runColoured > 100);    // the smoothed curve is drawn in the run's colour
        QVERIFY(view.exportPdf(dir.filePath(QStringLiteral("curves.pdf"))));
        QFile pdf(dir.filePath(QStringLiteral("curves.pdf")));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("curves.png.tmp")))); // nothing left behind
    }

    void exportToAnUnwritablePathFailsWithAMessage() {
        TrainingCurveView view;
        QString error;
        QVERIFY(!view.exportCsv(QStringLiteral("/nonexistent-dir/x.csv"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent-dir/x.csv")));
    }

    void removeRunAndClearDropTheirGraphs() {
        TrainingCurveView view;
        const int a = view.addRun(QStringLiteral("a"));
        const int b = view.addRun(QStringLiteral("b"));
        const int graphsPerRun = view.plot()->graphCount() / 2;
        view.removeRun(a);
        QCOMPARE(view.plot()->graphCount(), graphsPerRun);
        QCOMPARE(view.runIds(), std::vector<int>{b});
        QVERIFY(!view.hasRun(a));
        view.clear();
        QCOMPARE(view.plot()->graphCount(), 0);
        QVERIFY(view.runIds().empty());
        view.addPoint(a, 1, 1, 1); // a queued point for a removed run is dropped, not a crash
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, view.series(a));
        QVERIFY(view.addRun(QStringLiteral("c")) > b); // ids are not reused
    }

    void presentationModeEnlargesFontsAndLines() {
        TrainingCurveView view;
        view.addRun(QStringLiteral("a"));
        const double font = view.plot()->xAxis->tickLabelFont().pointSizeF();
        const double width = smoothedGraph(view)->pen().widthF();
        view.setPresentationMode(true);
        QVERIFY(view.plot()->xAxis->tickLabelFont().pointSizeF() >= 1.4 * font);
        QVERIFY(smoothedGraph(view)->pen().widthF() >= 1.4 * width);
        view.setPresentationMode(false);
        QCOMPARE(view.plot()->xAxis->tickLabelFont().pointSizeF(), font);
    }

private:
    // The graph the legend shows for the first run: its smoothed curve.
    static QCPGraph* smoothedGraph(TrainingCurveView& view) {
        auto* item = qobject_cast<QCPPlottableLegendItem*>(view.plot()->legend->item(0));
        return item ? qobject_cast<QCPGraph*>(item->plottable()) : nullptr;
    }
};

QTEST_MAIN(TestTrainingCurveView)
#include "tst_trainingcurveview.moc"
