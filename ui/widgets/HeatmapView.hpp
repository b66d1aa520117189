// Heatmap of a matrix (rows x cols): attention weights (output tokens x input tokens), hidden units x time steps,
// gate activations, gradients per step. Row 0 is at the top, column labels along the top as in the attention
// figures learners know (PyTorch seq2seq tutorial), a colour bar with a label beside it, crisp cells (no
// interpolation) that stay square-ish at any widget size, a hover readout of (row, col, value), cellClicked(row, col),
// and PNG/PDF/CSV export from the context menu.
//
// Usage:  auto* view = new HeatmapView; view->setData(weights, T_y, T_x);   // row-major, value (r, c) at [r*T_x + c]
//         view->setColumnLabels(inputChars); view->setColorBarLabel("attention weight");
// Signed data: setColorMap(ColorMap::Diverging) and setSymmetricRange(true), so white is 0.
// Eigen-free on purpose: a view takes plain row-major values; the caller maps its matrices.
// Size: sizeHint() follows the matrix's shape (about 18 px a cell), bounded to 720 x 520; minimumSizeHint() is
// 160 x 110 whatever the data, so no heatmap ever widens the window around it.
// Leaves out: zoom and scroll (large matrices are decimated by the tick labels, not by the cells), editing values.
#pragma once

#include "widgets/ColorMaps.hpp"

#include <QPoint>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <span>
#include <vector>

class QCPAxis;
class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPItemText;
class QCPLayoutElement;
class QCPRange;
class QCPTextElement;
class QCustomPlot;
class QLabel;

namespace unroll {

class ElidingLabel;

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    struct Cell {
        int row = -1;
        int col = -1;
        bool valid() const { return row >= 0 && col >= 0; }
        bool operator==(const Cell&) const = default;
    };

    explicit HeatmapView(QWidget* parent = nullptr);
    ~HeatmapView() override;

    // rowMajor: (rows * cols) values, (r, c) at rowMajor[r * cols + c]; NaN cells are drawn grey ("missing").
    // requires: rows >= 1, cols >= 1, rowMajor.size() == rows * cols (else std::invalid_argument naming the sizes).
    void setData(std::span<const float> rowMajor, int rows, int cols);
    void setData(std::span<const double> rowMajor, int rows, int cols);
    void clear();
    int rows() const { return rows_; }
    int cols() const { return cols_; }
    double value(int row, int col) const; // NaN outside the matrix

    // Tick labels, e.g. the characters of the input string; an empty list shows indices. Labels that are only
    // whitespace are drawn visibly (" " as U+2423, "\n" as U+23CE). With many rows or columns, every k-th is shown.
    void setRowLabels(const QStringList& labels);
    void setColumnLabels(const QStringList& labels);
    QStringList rowLabels() const { return rowLabels_; }
    QStringList columnLabels() const { return columnLabels_; }
    void setAxisLabels(const QString& rowAxis, const QString& columnAxis); // e.g. "output", "input"
    void setColumnLabelsOnTop(bool onTop); // default true (attention convention); false puts them below
    void setColorBarLabel(const QString& label); // what a colour means, e.g. "attention weight"; default "value"
    void setTitle(const QString& title);         // empty = none
    // How rows and columns without a label are numbered (ticks, readout, CSV): 0 (default, as in numpy) or 1 (as
    // in "unit 1" and "t = 1" of the course's formulas).
    void setIndexBase(int base);
    int indexBase() const { return indexBase_; }

    // Colours
    void setColorMap(ColorMap map);
    ColorMap colorMap() const { return colorMap_; }
    void setSymmetricRange(bool on); // range [-m, m], m = max |value|: 0 sits in the middle of a diverging map
    bool symmetricRange() const { return symmetric_; }
    void setFixedRange(double lo, double hi); // e.g. [0, 1] for attention weights; overrides the automatic range
    void clearFixedRange();
    double rangeLower() const { return rangeLo_; } // the values mapped to the ends of the colour map
    double rangeUpper() const { return rangeHi_; }

    // Shape and look
    void setMaxCellAspect(double ratio); // >= 1; cells are at most `ratio` times taller than wide or vice versa
    double maxCellAspect() const { return maxAspect_; }
    void setPresentationMode(bool on);
    bool presentationMode() const { return presentation_; }
    void setHighlightedRow(int row); // outline one row (e.g. the current decoder step); -1 = none
    int highlightedRow() const { return highlightedRow_; }
    void setSelectedCell(Cell cell);  // outline one cell (also set by clicking); invalid = none
    Cell selectedCell() const { return selected_; }

    // Geometry and readout in plot() pixel coordinates (valid after the plot has been laid out, i.e. shown or
    // replotted).
    Cell cellAt(const QPoint& plotPixel) const; // invalid outside the cells
    QPoint cellCenter(int row, int col) const;
    QString readoutAt(const QPoint& plotPixel) const; // "row 3 “h”   col 7 “e”   value 0.4231"; empty outside
    QString readoutText() const;                      // what the readout line shows now

    // Exports; written atomically (QSaveFile). An empty size means the plot's current size.
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    // The matrix as CSV: a header of column labels (or indices), then one line per row: its label, its values.
    QString toCsv() const;

    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* colorMapPlottable() const { return map_; }
    QCPColorScale* colorScale() const { return scale_; }
    QCPAxis* columnAxis() const; // the axis the columns run along (top by default)
    QCPAxis* rowAxis() const;

signals:
    void cellClicked(int row, int col);
    void cellHovered(int row, int col); // (-1, -1) when the mouse leaves the cells

private:
    void setupPlot();
    void setupAxes();
    void setupColorScale();
    void setupOverlays();
    void setupReadout();
    void setupContextMenu();
    bool eventFilter(QObject* watched, QEvent* event) override;
    void applyStyle();
    void updateRange();
    void updateOverlays();   // positions the outlines and redraws only their layer
    void positionOverlays();
    void fitCells(); // square-ish cells: pads the axis rect so the cells keep their aspect (runs before each replot)
    void updateTicks(double cellWidth, double cellHeight);
    void hover(const QPoint& pixel);
    void showContextMenu(const QPoint& pos);
    void exportWithDialog(const QString& kind);
    QString displayLabel(const QStringList& labels, int i) const;
    void updateSizeHints(); // from the matrix's shape and the presentation mode only (see HeatmapPlot)

    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QCPLayoutElement* spacer_ = nullptr; // right of the colour bar: takes the horizontal padding that centres the map
    QCPTextElement* title_ = nullptr;
    QCPItemRect* hoverHalo_ = nullptr;
    QCPItemRect* hoverRect_ = nullptr;
    QCPItemRect* selectedRect_ = nullptr;
    QCPItemRect* rowRect_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    ElidingLabel* readout_ = nullptr;

    std::vector<double> values_; // (rows_ * cols_), row-major
    int rows_ = 0;
    int cols_ = 0;
    QStringList rowLabels_, columnLabels_;
    ColorMap colorMap_ = ColorMap::Viridis;
    bool symmetric_ = false;
    bool fixed_ = false;
    double fixedLo_ = 0.0, fixedHi_ = 1.0;
    double rangeLo_ = 0.0, rangeHi_ = 1.0;
    double maxAspect_ = 1.5;
    bool presentation_ = false;
    bool columnsOnTop_ = true;
    int highlightedRow_ = -1;
    int indexBase_ = 0;
    Cell selected_;
    Cell hovered_;
    Cell pressed_;
    QString hint_;
};

} // namespace unroll
