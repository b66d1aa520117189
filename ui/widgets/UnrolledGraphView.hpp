// The unrolled graph of a recurrent network over T time steps, the centrepiece of the BPTT stepper lab: one column
// per step, x<t> at the bottom, a<t> (and for an LSTM c<t> under it) in the middle, ŷ<t> above, L<t> on top; every
// node shows its values as a small heatmap. Forward arrows in grey, the recurrent arrows in one accent colour
// labelled with the same weight names at every step (weight sharing), and, once the backward pass has reached a step,
// the two terms of dL/da<t> as warm arrows whose width follows log ‖term‖ (vanishing gradients thin out), beside the
// da<t> heatmap. Hover reads out one value ("a⟨5⟩ unit 3, example 0: 0.4231"), clicks report (step, node), and the
// context menu exports PNG and PDF.
//
// Usage:  auto* view = new UnrolledGraphView; view->setModel(model);   // filled by the lab from core/bptt/BpttStepper
//         scrollArea->setWidget(view);                                 // sizeHint() grows with T
// Layout (bottom to top in a column): x, [c for an LSTM,] a, ŷ, L; da sits up and to the right of a, in the face
// bounded by a<t>→ŷ<t>, a<t>→a<t+1> and a<t+1>: the only place where both gradient arrows reach it without crossing
// a forward arrow. c sits under a (a<t> = o ⊙ tanh c<t>) so that both recurrent chains run straight across.
// Colours: x, a, c, da with the diverging map and a range symmetric about 0 per node kind across all steps (so a
// colour means the same value in every column); ŷ with viridis on [0, 1].
// A node counts as computed when its matrix is present and its step lies inside the done part of the pass (the input
// x<t> as soon as it is present), so values left over from a later position are never shown as current.
// Eigen-free on purpose: the lab maps its matrices into plain row-major floats.
// Leaves out: gate activations inside the cell, dc<t> arrows of an LSTM, zoom (the lab puts the view in a
// QScrollArea), animation between positions.
#pragma once

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPoint>
#include <QRect>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <array>
#include <cmath>
#include <vector>

class QPainter;

namespace unroll {

// A small matrix shown as a heatmap inside a node.
struct GraphMatrix {
    int rows = 0, cols = 0;    // e.g. (n_a, m); empty = not computed yet (drawn as an empty dashed box)
    std::vector<float> values; // row-major, (r, c) at values[r * cols + c]
    bool empty() const { return rows <= 0 || cols <= 0 || values.size() != std::size_t(rows) * std::size_t(cols); }
};

struct UnrolledStep {
    QString inputLabel;        // e.g. "h" for a text input, empty for random vectors
    QString targetLabel;       // the next character, if any
    GraphMatrix x, a, c, yHat; // x: (n_x, m), a, c: (n_a, m) (c only for an LSTM), yHat: (n_y, m)
    double loss = NAN;         // L<t>, NaN when not computed
    GraphMatrix da;            // dL/da<t> (total), when the backward pass has reached t: (n_a, m)
    double daFromLossNorm = NAN, daFromNextNorm = NAN; // ‖the two summed terms‖ (NaN = not reached)
};

struct UnrolledGraphModel {
    QString cellName;              // "RNN", "GRU", "LSTM"
    bool hasCellState = false;     // LSTM: draw c<t> and its own recurrent arrow
    QStringList recurrentWeights;  // e.g. {"Waa", "Wax", "ba"} or {"Wf", "Wi", "Wc", "Wo", "bf", …}: the SAME at every step
    QStringList outputWeights;     // {"Wya", "by"}
    std::vector<UnrolledStep> steps; // T of them
    int forwardDone = 0;           // steps 0 … forwardDone-1 computed
    int backwardDone = 0;          // steps T-backwardDone … T-1 have gradients
    int currentStep = -1;          // the step the last transport action touched: highlighted
};

class UnrolledGraphView : public QWidget {
    Q_OBJECT
public:
    enum Node { Input, Hidden, CellState, Output, Loss, Gradient };
    Q_ENUM(Node)
    static constexpr int kNodeKinds = 6;

    explicit UnrolledGraphView(QWidget* parent = nullptr);
    ~UnrolledGraphView() override;

    // Rebuilds the cached heatmap images and the layout; cheap enough to call on every transport step.
    void setModel(const UnrolledGraphModel& model);
    const UnrolledGraphModel& model() const { return model_; }
    int steps() const { return int(model_.steps.size()); }

    // Detached header: the title, the two legend lines and the colour scales are not drawn in the view (nor given
    // room) but by an UnrolledGraphHeader placed above the scroll area, so they stay put while the graph scrolls.
    // Exports still carry them, on top.
    void setHeaderDetached(bool on);
    bool headerDetached() const { return headerDetached_; }
    int headerBlockHeight(int width) const;                  // the detached header's height at this width
    void paintHeaderBlock(QPainter& p, const QRect& r) const; // the detached header, runs wrapped at r's width

    void setPresentationMode(bool on); // larger fonts, thicker lines, bigger cells
    bool presentationMode() const { return presentation_; }
    void setSelectedStep(int step);    // outlined column (also set by clicking a node); -1 = none
    int selectedStep() const { return selected_; }

    // Geometry in widget pixels. nodeRect is the node's frame (the heatmap plus padding, or the loss box); a null
    // rect for CellState without a cell state or a step out of range. The da<t> frame exists at every step, drawn
    // once the forward pass is complete.
    QRect nodeRect(int step, Node node) const;
    QRect cellsRect(int step, Node node) const; // the heatmap inside a matrix node (null for Loss)
    QPoint cellCenter(int step, Node node, int row, int col) const;
    struct Hit {
        int step = -1;
        Node node = Input;
        int row = -1, col = -1; // the heatmap cell, -1 outside the cells
        bool valid() const { return step >= 0; }
    };
    Hit hitAt(QPoint pos) const; // the node (drawn) under pos; invalid elsewhere
    int stepAt(QPoint pos) const; // the column under pos, -1 outside the columns

    // "a⟨5⟩ unit 3, example 0: 0.4231", "L⟨5⟩ = 1.386 (target “e”)", "a⟨7⟩: not computed yet", and over a gradient
    // arrow its norm. Empty away from nodes and arrows.
    QString readoutAt(QPoint pos) const;

    // Written atomically (QSaveFile). The PNG has the widget's size (times scale: 2 for a crisp README figure);
    // the PDF paints the same scene as vectors on a page of the widget's size.
    bool exportPng(const QString& path, QString* error = nullptr, double scale = 1.0);
    bool exportPdf(const QString& path, QString* error = nullptr);
    QImage render(double scale = 1.0) const; // the scene without hover decorations

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void nodeClicked(int step, unroll::UnrolledGraphView::Node node);
    void stepHovered(int step); // -1 when the mouse leaves the columns
    void readoutChanged(const QString& text); // what the hover readout shows now (for a status line)
    void headerChanged(); // the header's text or size changed (model, presentation mode)

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    bool event(QEvent* event) override; // tooltips

private:
    // Sizes that depend only on the model and the presentation mode (not on the widget's size).
    struct Metrics {
        double s = 1.0;       // presentation scale
        int cellW = 12;       // heatmap cell width, the same for every matrix node (all have m columns)
        std::array<int, kNodeKinds> cellH{}; // per matrix kind; preferred values before fitting the height
        std::array<int, kNodeKinds> rows{};  // per matrix kind: rows shown (the largest over the steps)
        int cols = 1;         // m
        int nodeW = 0;        // frame width of a matrix node
        int pitch = 100;      // column width
        int pad = 3;          // frame padding around the cells
    };
    struct Column {
        QRect band;                              // the whole column (highlight)
        std::array<QRect, kNodeKinds> frame{};   // node frames
        std::array<QRect, kNodeKinds> cells{};   // heatmaps inside
        int cx = 0;                              // x of the forward lane (arrows between x, a, ŷ, L)
        int gradX = 0;                           // x of the orange lane (L -> da)
        int yForward = 0, yBackward = 0;         // y of the a<t>→a<t+1> and a<t+1>→da<t> arrows
    };
    struct Layout {
        std::vector<Column> columns;
        QRect title, legend1, legend2, colorLegend, header;
        int headerLines = 1;
        int x0 = 0; // left of column 0
        int naturalHeight = 0; // the height at full cell size
    };

    void rebuildImages();
    void computeMetrics();
    void relayout();
    Layout computeLayout(QSize area) const; // area height 0: no shrinking
    const Layout& lay() const;
    double scale() const { return presentation_ ? 1.45 : 1.0; }
    int preferredHeight() const;

    const GraphMatrix* matrix(int step, Node node) const;
    bool computed(int step, Node node) const;
    bool gradientFramesShown() const;
    bool nodeShown(int step, Node node) const;
    QString nodeName(int step, Node node) const; // "a⟨3⟩"
    QString recurrentLabel() const;              // "Waa" or "Wf,i,c,o"
    QString inputWeightLabel() const;            // "Wax" or the same as recurrentLabel()

    void paintScene(QPainter& p, const QRect& exposed, bool decorations) const;
    struct HeaderRun { // a piece of a header line: text, or an arrow sample when text is empty
        QString text;
        QFont font;
        QColor color;
        double arrowWidth = 0;
        double gapBefore = 0;
    };
    std::array<std::vector<HeaderRun>, 3> headerRuns() const; // title, weight sharing, gradients
    double runWidth(const HeaderRun& run) const;
    int headerWidth() const;
    void paintHeader(QPainter& p) const;
    void paintColumnBackground(QPainter& p, int t) const;
    void paintForwardArrows(QPainter& p, int t) const;
    void paintGradientArrows(QPainter& p, int t) const;
    void paintNodes(QPainter& p, int t) const;
    void paintColorLegend(QPainter& p) const;
    // The colour scales in r (one row of r's height), wrapped to more rows at rightLimit when wrap; p null only
    // measures. Returns the rows used.
    int paintColorLegendIn(QPainter* p, const QRect& r, int rightLimit, bool wrap) const;
    // Lays the three header lines out in `width`, wrapping a line between runs that do not fit; paints them when
    // p is given. Returns the height used.
    int flowHeader(QPainter* p, const QRect& r) const;

    // Gradient arrow paths of step t (empty when not drawn), for painting and hit-testing.
    struct GradientPath {
        std::vector<QPointF> points;
        double norm = NAN;
        bool fromLoss = true;
    };
    std::vector<GradientPath> gradientPaths(int t) const;
    double gradientWidth(double norm) const;

    void updateHover(QPoint pos);

    UnrolledGraphModel model_;
    std::array<std::vector<QImage>, kNodeKinds> images_; // per kind, per step: one pixel per cell
    std::array<double, kNodeKinds> range_{};             // symmetric colour range per kind (max |value|)
    std::array<bool, kNodeKinds> hasValues_{};            // some step has a non-zero value of this kind
    Metrics metrics_;
    mutable Layout layout_; // for layoutSize_; see lay()
    mutable QSize layoutSize_;
    bool presentation_ = false;
    bool headerDetached_ = false;
    int selected_ = -1;
    Hit hovered_;
    Hit pressed_;
    int hoveredStep_ = -1;
    QString readout_;
};

// The pinned header of an UnrolledGraphView whose header is detached: title, legends and colour scales, wrapped to
// the width it is given (height for width), so it never widens the window.
//   auto* header = new UnrolledGraphHeader(graph);   // calls graph->setHeaderDetached(true)
//   layout->addWidget(header); layout->addWidget(scrollAreaAroundGraph, 1);
class UnrolledGraphHeader : public QWidget {
    Q_OBJECT
public:
    explicit UnrolledGraphHeader(UnrolledGraphView* view, QWidget* parent = nullptr);
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    UnrolledGraphView* view_;
};

} // namespace unroll
