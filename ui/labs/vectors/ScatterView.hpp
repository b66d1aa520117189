// ScatterView: a labelled 2-D scatter of words, painted by hand so that labels, hover and click stay cheap at a few
// thousand points and the same drawing goes to the screen, a PNG and an SVG.
//
//   auto* view = new ScatterView;
//   view->setPoints(words, xy);                        // xy (N, 2); fits the view
//   view->setGroups(groupOfEachWord, groupNames);      // colour by group, the legend beside the plot
//   view->setValues(cosWithG, "man", "woman", "cos(w, g)"); view->setColorMode(ScatterView::ColorMode::Value);
//   view->setPositions(newXy);                         // the same words moved (a t-SNE frame): no flicker, refits
//   connect(view, &ScatterView::pointClicked, …);      // index of the word clicked, -1 for empty space
//
// Labels avoid clutter: all of them when there are few points (allLabelsBelow()), otherwise the selected, hovered,
// highlighted and searched words first, then a greedy subset in index order (the most frequent words first) whose
// boxes overlap no label already placed; each label tries eight places around its point, and with few points (or
// for a word the user is looking at) a label with no clear place takes the least crowded one.
// Mouse: hover shows a word, click selects, wheel zooms about the cursor, drag pans, double-click fits again.
// What it leaves out: a lasso selection, 3-D.
#pragma once

#include <Eigen/Core>

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <vector>

namespace unroll {

class ScatterView : public QWidget {
    Q_OBJECT
public:
    enum class ColorMode { Group, Value };
    struct Arrow {      // drawn in data coordinates, above the points
        QPointF from, to;
        QColor color;
        QString label;  // at the head
        bool ghost = true; // a faint hollow point at `from`
    };
    struct Line {       // a guide through two data points, extended across the plot (an axis, a direction)
        QPointF a, b;
        QColor color;
        QString label;
        bool dashed = false;
    };

    explicit ScatterView(QWidget* parent = nullptr);

    void setPoints(const QStringList& labels, const Eigen::MatrixXd& xy); // clears highlights and zoom, fits
    void setPositions(const Eigen::MatrixXd& xy);                          // same points; refits unless zoomed
    void setGroups(const QVector<int>& group, const QStringList& groupNames); // group < 0: no group
    void setValues(const QVector<double>& values, const QString& lowEnd, const QString& highEnd,
                   const QString& title);                                  // symmetric diverging scale about 0
    void setColorMode(ColorMode mode);
    ColorMode colorMode() const { return colorMode_; }
    void setAxisTitles(const QString& x, const QString& y);
    void setTitle(const QString& title);
    void setEqualAspect(bool on); // PCA and t-SNE: one unit is as long on both axes
    void setArrows(const QVector<Arrow>& arrows);
    void setLines(const QVector<Line>& lines);
    void setNote(const QString& note); // a line of small text under the title (explained variance, KL)
    void setFadeOthers(bool on);       // with a selection, the other words fade (default on)

    void setSelected(int index);                   // -1: none
    void setHighlighted(const QVector<int>& indices); // neighbours of the selection
    int search(const QString& text);               // highlights the first word starting with text; its index or -1
    void fitToData();

    int count() const { return int(labels_.size()); }
    QString label(int i) const { return labels_[i]; }
    QPointF position(int i) const { return pos_[i]; }
    int selected() const { return selected_; }
    const QVector<int>& highlighted() const { return highlighted_; }
    int labelsDrawn() const { return labelsDrawn_; } // at the last paint
    int pointAt(const QPointF& widgetPos) const;     // the nearest point within a few pixels, or -1
    QPointF toWidget(const QPointF& data) const;

    static constexpr int allLabelsBelow() { return 30; }

    bool exportPng(const QString& path, QSize size = {}, double scale = 2.0, QString* error = nullptr);
    bool exportSvg(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    QString toCsv() const;

signals:
    void pointClicked(int index);
    void pointHovered(int index);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void leaveEvent(QEvent*) override;
    void contextMenuEvent(QContextMenuEvent*) override;

private:
    // The drawing as a list of primitives, laid out for one size: painted on screen and into a PNG, or written as SVG.
    struct Prim {
        enum Kind { Line, Circle, Text, Rect, Polygon } kind = Line;
        QPointF a, b;          // Line: ends; Circle: a = centre, b.x = radius; Text: a = baseline start; Rect: a, b
        QColor fill, stroke;
        double width = 1;
        bool dashed = false;
        QString text;
        int pixelSize = 12;
        bool bold = false;
        bool rotated = false;  // Text turned 90° anticlockwise about a
        QPolygonF polygon;
    };
    std::vector<Prim> scene(QSize size, int* labelsDrawn) const;
    QRectF plotRect(QSize size) const;
    std::vector<QRectF> legendLayout(QSize size, QRectF* box) const; // one box per group; *box around them
    QRectF viewFor(const QRectF& plot) const; // the data rectangle shown, with the aspect fixed if asked
    QColor pointColor(int i) const;
    void paintScene(class QPainter& p, const std::vector<Prim>& prims) const;
    QString svgOf(const std::vector<Prim>& prims, QSize size) const;
    QRectF dataBounds() const;

    QStringList labels_;
    QVector<QPointF> pos_;
    QVector<int> group_;
    QStringList groupNames_;
    QVector<double> values_;
    QString lowEnd_, highEnd_, valueTitle_;
    ColorMode colorMode_ = ColorMode::Group;
    QString xTitle_, yTitle_, title_, note_;
    bool equalAspect_ = true;
    bool fadeOthers_ = true;
    QVector<Arrow> arrows_;
    QVector<Line> lines_;
    int selected_ = -1, hovered_ = -1, searched_ = -1;
    QVector<int> highlighted_;
    QRectF data_;          // the data rectangle to show (fit, or zoomed)
    bool zoomed_ = false;  // the user zoomed or panned: new positions do not refit
    QPointF dragFrom_;
    QRectF dragData_;
    bool dragging_ = false, dragMoved_ = false;
    mutable int labelsDrawn_ = 0;
};

} // namespace unroll
