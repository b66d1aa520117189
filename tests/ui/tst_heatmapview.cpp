// Tests for ui/widgets/HeatmapView and ui/widgets/ColorMaps: colour tables against matplotlib, data mapping (row 0 at
// the top), colour range modes, crisp square-ish cells, hover readout, cellClicked on a real mouse click, exports.
#include "widgets/ColorMaps.hpp"
#include "widgets/ElidingLabel.hpp"
#include "widgets/HeatmapView.hpp"

#include <qcustomplot.h>

#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace unroll;

namespace {

// One relative-tolerance compare for every floating-point check in this file.
bool close(double actual, double expected, double rel) {
    return std::abs(actual - expected) <= rel * std::max(1.0, std::abs(expected));
}

#define QCLOSE(actual, expected, rel)                                                                                \
    do {                                                                                                             \
        const double actual_ = (actual), expected_ = (expected);                                                      \
        QVERIFY2(close(actual_, expected_, (rel)),                                                                    \
                 qPrintable(QStringLiteral("%1 = %2, expected %3")                                            \
                                .arg(#actual)                                                                  \
                                .arg(actual_, 0, 'g', 10)                                                      \
                                .arg(expected_, 0, 'g', 10)));                                                 \
    } while (false)

void compareRgb(const QColor& c, double r, double g, double b) {
    QCLOSE(c.redF(), r, 1e-4);
    QCLOSE(c.greenF(), g, 1e-4);
    QCLOSE(c.blueF(), b, 1e-4);
}

void showAndWait(QWidget& w) {
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

} // namespace

class TestHeatmapView : public QObject {
    Q_OBJECT

private slots:
    // ---- size hints --------------------------------------------------------------------------------------------
    void sizeHintsDoNotFollowTheViewsOwnSize() {
        // Regression: the hints were QCustomPlot's, which include the padding that keeps the cells square, so a
        // layout honouring them grew the view, which grew the padding: the BPTT lab's large a<t> view (32 x 1)
        // widened by ~300 px a second, and a 32 x 32 gradient pushed the window's minimum width past 4,000 px.
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* view = new HeatmapView;
        layout->addWidget(view);
        std::vector<double> column(32);
        for (std::size_t i = 0; i < column.size(); ++i) column[i] = std::sin(double(i));
        view->setData(std::span<const double>(column), 32, 1);
        view->setTitle(QStringLiteral("a⟨3⟩  (32 × 1)"));
        window.resize(520, 560);
        showAndWait(window);
        const QSize minHint = view->minimumSizeHint(), hint = view->sizeHint();
        QTest::qWait(1000); // a second of events: nothing may grow by itself
        QCOMPARE(window.size(), QSize(520, 560));
        QCOMPARE(view->minimumSizeHint(), minHint);
        window.resize(1600, 1000); // more room means more padding, never a larger hint
        QTest::qWait(100);
        QCOMPARE(view->minimumSizeHint(), minHint);
        QCOMPARE(view->sizeHint(), hint);
        QCOMPARE(window.size(), QSize(1600, 1000));
        QVERIFY(window.minimumSizeHint().width() < 300);

        std::vector<double> square(32 * 32, 0.5);
        view->setData(std::span<const double>(square), 32, 32);
        view->setColumnLabels(QStringList(32, QStringLiteral("long label")));
        QTest::qWait(100);
        QVERIFY2(view->minimumSizeHint().width() < 300, qPrintable(QString::number(view->minimumSizeHint().width())));
        QVERIFY(view->sizeHint().width() <= 720 && view->sizeHint().height() <= 720);
        window.resize(700, 500);
        QTest::qWait(100);
        QCOMPARE(window.size(), QSize(700, 500));
    }

    // ---- colour maps ----------------------------------------------------------------------------------------
    void colorMapEndpointsMatchMatplotlib() {
        // matplotlib 3.6 _cm_listed._viridis_data[0] / [-1] and _magma_data[0] / [-1].
        compareRgb(colorAt(ColorMap::Viridis, 0.0), 0.267004, 0.004874, 0.329415);
        compareRgb(colorAt(ColorMap::Viridis, 1.0), 0.993248, 0.906157, 0.143936);
        compareRgb(colorAt(ColorMap::Magma, 0.0), 0.001462, 0.000466, 0.013866);
        compareRgb(colorAt(ColorMap::Magma, 1.0), 0.987053, 0.991438, 0.749504);
        QCOMPARE(colorTable(ColorMap::Viridis)[0][0], 0.267004f);
        QCOMPARE(colorTable(ColorMap::Viridis)[255][2], 0.143936f);
        // Outside [0, 1] clamps to the ends; NaN gets the missing-data grey.
        QCOMPARE(colorAt(ColorMap::Viridis, -3.0), colorAt(ColorMap::Viridis, 0.0));
        QCOMPARE(colorAt(ColorMap::Viridis, 7.0), colorAt(ColorMap::Viridis, 1.0));
        QCOMPARE(colorAt(ColorMap::Magma, std::nan("")), nanColor());
    }

    void divergingMapRunsBlueWhiteRed() {
        // matplotlib RdBu_r (ColorBrewer RdBu): ends #053061 (dark blue) and #67001f (dark red), near-white middle.
        compareRgb(colorAt(ColorMap::Diverging, 0.0), 5 / 255.0, 48 / 255.0, 97 / 255.0);
        compareRgb(colorAt(ColorMap::Diverging, 1.0), 103 / 255.0, 0.0, 31 / 255.0);
        const QColor middle = colorAt(ColorMap::Diverging, 0.5);
        QVERIFY(middle.redF() > 0.95 && middle.greenF() > 0.95 && middle.blueF() > 0.95);
        QCOMPARE(colorAt(ColorMap::Greys, 0.0), QColor(Qt::black));
        QCOMPARE(colorAt(ColorMap::Greys, 1.0), QColor(Qt::white));
    }

    void bluesRunsFromNearWhiteToDarkBlue() {
        // matplotlib Blues (ColorBrewer): ends #f7fbff and #08306b.
        compareRgb(colorAt(ColorMap::Blues, 0.0), 247 / 255.0, 251 / 255.0, 1.0);
        compareRgb(colorAt(ColorMap::Blues, 1.0), 8 / 255.0, 48 / 255.0, 107 / 255.0);
        QCOMPARE(colorMapName(ColorMap::Blues), QStringLiteral("Blues"));
    }

    void colorAtInterpolatesBetweenEntries() {
        const ColorTable& t = colorTable(ColorMap::Magma);
        const QColor c = colorAt(ColorMap::Magma, 10.5 / 255.0);
        QCLOSE(c.redF(), 0.5 * (t[10][0] + t[11][0]), 1e-4);
        QCLOSE(c.blueF(), 0.5 * (t[10][2] + t[11][2]), 1e-4);
    }

    void gradientHasOneStopPerEntry() {
        QCPColorGradient g = toGradient(ColorMap::Viridis);
        QCOMPARE(g.colorStops().size(), kColorMapSize);
        QCOMPARE(g.levelCount(), kColorMapSize);
        const QRgb low = g.color(0.0, QCPRange(0, 1));
        const QRgb high = g.color(1.0, QCPRange(0, 1));
        QCOMPARE(QColor(low).name(), colorAt(ColorMap::Viridis, 0.0).name());
        QCOMPARE(QColor(high).name(), colorAt(ColorMap::Viridis, 1.0).name());
    }

    void nameTableCoversEveryMap() {
        QCOMPARE(colorMapName(ColorMap::Viridis), QStringLiteral("Viridis"));
        QVERIFY(colorMapName(ColorMap::Diverging).contains(QStringLiteral("blue")));
        QCOMPARE(int(kColorMapNames.size()), 5);
        QVERIFY(paletteColor(0) != paletteColor(1));
        QCOMPARE(paletteColor(kPaletteSize), paletteColor(0));
    }

    // ---- data -----------------------------------------------------------------------------------------------
    void dataMapsRowZeroToTheTop() {
        HeatmapView view;
        view.resize(500, 400);
        showAndWait(view);
        const std::vector<float> m{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}; // (3, 4), value = 10 r + c
        view.setData(m, 3, 4);
        QCOMPARE(view.rows(), 3);
        QCOMPARE(view.cols(), 4);
        QCPColorMapData* data = view.colorMapPlottable()->data();
        QCOMPARE(data->keySize(), 4);
        QCOMPARE(data->valueSize(), 3);
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 4; ++c) {
                QCOMPARE(data->cell(c, r), double(10 * r + c)); // key = column, value = row
                QCOMPARE(view.value(r, c), double(10 * r + c));
            }
        }
        QVERIFY(view.cellCenter(0, 0).y() < view.cellCenter(1, 0).y()); // row 0 on top
        QVERIFY(view.cellCenter(0, 0).x() < view.cellCenter(0, 1).x());
        QVERIFY(view.colorMapPlottable()->interpolate() == false);
        QVERIFY(std::isnan(view.value(3, 0)));
    }

    void cellsAreDrawnCrispInTheirMapColour() {
        // 2 x 2 greys over [0, 1]: each cell centre has exactly its level's colour, no blending with neighbours.
        HeatmapView view;
        view.resize(400, 400);
        showAndWait(view);
        view.setColorMap(ColorMap::Greys);
        view.setData(std::vector<double>{0.0, 1.0, 1.0 / 3.0, 2.0 / 3.0}, 2, 2);
        const QImage image = view.plot()->toPixmap().toImage();
        auto grey = [&](int r, int c) { return qRed(image.pixel(view.cellCenter(r, c))); };
        QCOMPARE(grey(0, 0), 0);
        QCOMPARE(grey(0, 1), 255);
        QVERIFY(std::abs(grey(1, 0) - 85) <= 2);
        QVERIFY(std::abs(grey(1, 1) - 170) <= 2);
        // A few pixels inside the cell edge the colour is still the cell's own.
        const int halfCell = (view.cellCenter(0, 1).x() - view.cellCenter(0, 0).x()) / 2;
        const QPoint inside = view.cellCenter(0, 0) + QPoint(halfCell - 3, 0);
        QCOMPARE(qRed(image.pixel(inside)), 0);
    }

    void singleRowIsDrawn() {
        HeatmapView view;
        view.resize(600, 200);
        showAndWait(view);
        view.setColorMap(ColorMap::Greys);
        view.setData(std::vector<double>{0, 1, 2, 3, 4}, 1, 5);
        const QImage image = view.plot()->toPixmap().toImage();
        QCOMPARE(qRed(image.pixel(view.cellCenter(0, 0))), 0);
        QCOMPARE(qRed(image.pixel(view.cellCenter(0, 4))), 255);
        QCOMPARE(view.cellAt(view.cellCenter(0, 2)), (HeatmapView::Cell{0, 2}));
    }

    void rejectsMismatchedSizes() {
        HeatmapView view;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, view.setData(std::vector<float>(11), 3, 4));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, view.setData(std::vector<float>{}, 0, 4));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, view.setFixedRange(1.0, 1.0));
    }

    // ---- colour range ---------------------------------------------------------------------------------------
    void symmetricRangeIsCentredOnZero() {
        HeatmapView view;
        view.setData(std::vector<double>{-0.2, 0.1, 0.8, 0.0}, 2, 2);
        QCOMPARE(view.rangeLower(), -0.2);
        QCOMPARE(view.rangeUpper(), 0.8);
        view.setColorMap(ColorMap::Diverging);
        view.setSymmetricRange(true);
        QCOMPARE(view.rangeLower(), -0.8);
        QCOMPARE(view.rangeUpper(), 0.8);
        QCOMPARE(view.colorScale()->dataRange().center(), 0.0);
        QCOMPARE(view.colorMapPlottable()->dataRange().lower, -0.8);
        // 0 gets the diverging map's middle colour (near white).
        const QColor zero(view.colorScale()->gradient().color(0.0, view.colorScale()->dataRange()));
        QVERIFY(zero.redF() > 0.95 && zero.greenF() > 0.95 && zero.blueF() > 0.95);
        view.setFixedRange(0.0, 1.0); // e.g. attention weights: overrides the automatic range
        QCOMPARE(view.rangeLower(), 0.0);
        QCOMPARE(view.rangeUpper(), 1.0);
        view.clearFixedRange();
        QCOMPARE(view.rangeLower(), -0.8);
    }

    void constantDataStillHasARange() {
        HeatmapView view;
        view.setData(std::vector<double>(6, 2.0), 2, 3);
        QVERIFY(view.rangeLower() < 2.0 && 2.0 < view.rangeUpper());
        view.setData(std::vector<double>(6, 0.0), 2, 3);
        view.setSymmetricRange(true);
        QCOMPARE(view.rangeLower(), -1.0);
        QCOMPARE(view.rangeUpper(), 1.0);
    }

    // ---- geometry and interaction ---------------------------------------------------------------------------
    void cellsStaySquareish() {
        HeatmapView view;
        view.resize(900, 300);
        showAndWait(view);
        view.setData(std::vector<double>(10 * 30, 0.5), 10, 30);
        view.setMaxCellAspect(1.0);
        view.plot()->replot();
        auto cellSize = [&] {
            const QPoint a = view.cellCenter(0, 0), b = view.cellCenter(9, 29);
            return QSizeF((b.x() - a.x()) / 29.0, (b.y() - a.y()) / 9.0);
        };
        QSizeF size = cellSize();
        QVERIFY2(std::abs(size.width() - size.height()) < 1.0,
                 qPrintable(QStringLiteral("%1 x %2").arg(size.width()).arg(size.height())));
        // After a resize the cells fit the new room, and grow back when it grows back.
        const double before = size.width();
        view.resize(450, 300);
        QTest::qWait(20);
        QVERIFY(cellSize().width() < before);
        view.resize(900, 300);
        QTest::qWait(20);
        QCLOSE(cellSize().width(), before, 0.05);
        view.setMaxCellAspect(1.5);
        view.plot()->replot();
        size = cellSize();
        QVERIFY(size.width() <= 1.5 * size.height() + 1 && size.height() <= 1.5 * size.width() + 1);
    }

    void hoverReadoutNamesTheCellAndItsValue() {
        HeatmapView view;
        view.resize(500, 400);
        showAndWait(view);
        view.setData(std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 2, 3);
        view.setRowLabels({QStringLiteral("a"), QStringLiteral("b")});
        view.setColumnLabels({QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")});
        const QPoint pixel = view.cellCenter(1, 2);
        QCOMPARE(view.readoutAt(pixel), QStringLiteral("row 1 “b”   col 2 “z”   value 0.6"));
        QVERIFY(view.readoutAt(QPoint(1, 1)).isEmpty());

        QSignalSpy hovered(&view, &HeatmapView::cellHovered);
        QMouseEvent move(QEvent::MouseMove, pixel, view.plot()->mapToGlobal(pixel), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(view.plot(), &move);
        QCOMPARE(view.readoutText(), view.readoutAt(pixel));
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.first().at(0).toInt(), 1);
        QCOMPARE(hovered.first().at(1).toInt(), 2);
    }

    // Issue 14, item 7: in a narrow view the readout line was cut mid-word with no sign; it is elided with "…", the
    // whole text in its tooltip, and it never asks for more width.
    void aLongReadoutIsElidedNotCut() {
        HeatmapView view;
        view.resize(220, 300);
        showAndWait(view);
        view.setData(std::vector<double>{0.1, 0.2, 0.3, 0.4}, 2, 2);
        QCoreApplication::processEvents();
        const QString full = view.readoutText();
        QVERIFY(full.startsWith("Hover a cell"));
        auto* line = view.findChild<ElidingLabel*>();
        QVERIFY(line);
        QVERIFY2(line->text().endsWith(QChar(0x2026)), qPrintable(line->text()));
        QVERIFY(line->text().size() < full.size());
        QCOMPARE(line->toolTip(), full);
        QVERIFY(line->sizeHint().width() <= line->width());
        view.resize(900, 300);
        QCoreApplication::processEvents();
        QCOMPARE(line->text(), full);
        QVERIFY(line->toolTip().isEmpty());
    }

    void clickOnACellEmitsCellClicked() {
        HeatmapView view;
        view.resize(600, 400);
        showAndWait(view);
        std::vector<float> attention(10 * 30, 0.0f);
        view.setData(attention, 10, 30);
        QSignalSpy clicked(&view, &HeatmapView::cellClicked);
        QTest::mouseClick(view.plot(), Qt::LeftButton, Qt::NoModifier, view.cellCenter(7, 21));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().at(0).toInt(), 7);
        QCOMPARE(clicked.first().at(1).toInt(), 21);
        QCOMPARE(view.selectedCell(), (HeatmapView::Cell{7, 21}));
        QTest::mouseClick(view.plot(), Qt::LeftButton, Qt::NoModifier, QPoint(2, 2)); // outside the cells
        QCOMPARE(clicked.count(), 1);
    }

    void tickLabelsShowLabelsAndVisibleWhitespace() {
        HeatmapView view;
        view.resize(600, 300);
        showAndWait(view);
        view.setData(std::vector<double>(2 * 3, 1.0), 2, 3);
        view.setColumnLabels({QStringLiteral("h"), QStringLiteral(" "), QStringLiteral("i")});
        auto* ticker = dynamic_cast<QCPAxisTickerText*>(view.columnAxis()->ticker().data());
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(0), QStringLiteral("h"));
        QCOMPARE(ticker->ticks().value(1), QString(QChar(0x2423))); // a space is drawn as ␣
        QVERIFY(view.columnAxis()->visible());
        QCOMPARE(view.columnAxis(), view.plot()->xAxis2); // columns along the top by default
    }

    void columnLabelsCanGoBelow() {
        HeatmapView view;
        view.resize(500, 300);
        showAndWait(view);
        view.setData(std::vector<double>{0, 1, 2, 3, 4, 5}, 2, 3);
        view.setColumnLabelsOnTop(false);
        QCOMPARE(view.columnAxis(), view.plot()->xAxis);
        QVERIFY(view.plot()->xAxis->visible() && !view.plot()->xAxis2->visible());
        QCOMPARE(view.colorMapPlottable()->keyAxis(), view.plot()->xAxis);
        QSignalSpy clicked(&view, &HeatmapView::cellClicked);
        QTest::mouseClick(view.plot(), Qt::LeftButton, Qt::NoModifier, view.cellCenter(1, 2));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(view.readoutAt(view.cellCenter(1, 2)), QStringLiteral("row 1   col 2   value 5"));
    }

    void presentationModeEnlargesFonts() {
        HeatmapView view;
        const double before = view.rowAxis()->tickLabelFont().pointSizeF();
        view.setPresentationMode(true);
        QVERIFY(view.rowAxis()->tickLabelFont().pointSizeF() >= 1.4 * before);
        QVERIFY(view.colorScale()->axis()->labelFont().pointSizeF() >= 1.4 * 10.0);
    }

    // ---- export ---------------------------------------------------------------------------------------------
    void csvExportReadsBack() {
        QTemporaryDir dir;
        HeatmapView view;
        view.setData(std::vector<double>{0.25, -1.5, 1e-7, 3.0}, 2, 2);
        view.setColumnLabels({QStringLiteral("a,b"), QStringLiteral(" ")});
        const QString path = dir.filePath(QStringLiteral("m.csv"));
        QVERIFY(view.exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral(",\"a,b\",\" \""));
        QCOMPARE(lines[1], QStringLiteral("0,0.25,-1.5"));
        const QStringList row1 = lines[2].split(QLatin1Char(','));
        QCOMPARE(row1[0], QStringLiteral("1"));
        QCOMPARE(row1[1].toDouble(), 1e-7);
        QCOMPARE(row1[2].toDouble(), 3.0);
    }

    void pngExportHasTheRequestedSizeAndContent() {
        QTemporaryDir dir;
        HeatmapView view;
        view.resize(500, 400);
        showAndWait(view);
        std::vector<double> m(50 * 40);
        for (std::size_t i = 0; i < m.size(); ++i) m[i] = std::sin(0.1 * double(i));
        view.setData(m, 50, 40);
        view.setColorMap(ColorMap::Diverging);
        view.setSymmetricRange(true);
        const QString path = dir.filePath(QStringLiteral("m.png"));
        QVERIFY(view.exportPng(path, QSize(700, 500), 1.5));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(1050, 750));
        int reddish = 0, bluish = 0;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3) {
                const QColor c = image.pixelColor(x, y);
                reddish += c.red() > c.blue() + 60;
                bluish += c.blue() > c.red() + 60;
            }
        }
        QVERIFY(reddish > 1000 && bluish > 1000); // the map is drawn, with both signs
        QVERIFY(view.exportPdf(dir.filePath(QStringLiteral("m.pdf"))));
        QFile pdf(dir.filePath(QStringLiteral("m.pdf")));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        // The on-screen layout is restored after exporting at another size.
        QCOMPARE(view.plot()->viewport().size(), view.plot()->size());
    }
};

QTEST_MAIN(TestHeatmapView)
#include "tst_heatmapview.moc"
