// Plot export: the pieces every plot widget's PNG / PDF / CSV export shares. CSV fields and numbers, files written
// atomically (QSaveFile, so a failed export never leaves half a file), a QCustomPlot rendered to PNG or to a vector
// PDF laid out like the screen, and the export dialog and context-menu entries.
// What it leaves out: getting a widget's plot ready to be drawn (hover outlines hidden, pending data replotted) and
// back for the screen stays with the widget; the layOut hook below covers only what depends on the export size.
//
//   return savePlotPng(plot_, path, size, scale, error, [this] { fitCells(); }); // in HeatmapView::exportPng
#pragma once

#include <QSize>
#include <QString>

#include <algorithm>
#include <functional>

class QCustomPlot;
class QMenu;
class QObject;
class QWidget;

class QAction;

namespace unroll {

// One CSV field (RFC 4180): as it is, or in double quotes with inner quotes doubled when it holds a comma, a quote,
// a line break, or white space at either end (which a reader may otherwise trim).
QString csvField(const QString& s);
// The shortest text that reads back to the same double.
QString csvNumber(double v);

// Every save below writes atomically; on failure it returns false and, when error is given, says why in *error
// ("Cannot write PATH: REASON").

// text as UTF-8.
bool saveTextAtomically(const QString& path, const QString& text, QString* error = nullptr);

// Called with the plot's viewport set to the export size, just before it is drawn: for plots whose layout depends on
// their size (a heatmap pads its axis rect to keep its cells square). The screen viewport is restored afterwards.
using PlotLayOut = std::function<void()>;

// plot drawn at size (empty: the plot's size) times scale (2 for a crisp README figure), as PNG.
bool savePlotPng(QCustomPlot* plot, const QString& path, QSize size, double scale, QString* error = nullptr,
                 const PlotLayOut& layOut = {});
// plot drawn at size (empty: the plot's size) as a one-page vector PDF. One device unit is one screen pixel at 96 dpi,
// so the page is laid out like the screen. title goes into the PDF's metadata.
bool savePlotPdf(QCustomPlot* plot, const QString& path, QSize size, const QString& title, QString* error = nullptr,
                 const PlotLayOut& layOut = {});

// Asks where to export kind ("PNG", "PDF", "CSV"), offering a file name made from title ("Hidden-units.png"); adds
// the suffix when the name has none. Empty when the user cancels.
QString askExportPath(QWidget* parent, const QString& kind, const QString& title);
void warnExportFailed(QWidget* parent, const QString& error);

// A File → Export / context-menu action: asks for a path for kind ("PNG", "PDF", "CSV", "TXT") offering a name made
// from title, runs save(path, &error), and warns when it fails. The action belongs to parent.
QAction* makeExportAction(QWidget* parent, const QString& text, const QString& kind, const QString& title,
                          std::function<bool(const QString& path, QString* error)> save);

// A plot widget's export dialog: asks for a file, then view->exportPng (at twice the screen's pixels at least),
// exportPdf or exportCsv, and warns when that fails. PlotWidget: a QWidget with HeatmapView's export functions.
template <class PlotWidget> void exportPlotWithDialog(PlotWidget* view, const QString& kind, const QString& title)
{
    const QString path = askExportPath(view, kind, title);
    if (path.isEmpty()) return;
    const QString suffix = kind.toLower();
    QString error;
    bool ok = false;
    if (suffix == QLatin1String("png"))
        ok = view->exportPng(path, {}, std::max(2.0, view->devicePixelRatioF()), &error);
    else if (suffix == QLatin1String("pdf")) ok = view->exportPdf(path, {}, &error);
    else ok = view->exportCsv(path, &error);
    if (!ok) warnExportFailed(view, error);
}

// The context menu's "Export PNG…", "Export PDF…" and "Export CSV…"; exportAs("PNG") etc. runs in context.
void addExportActions(QMenu* menu, QObject* context, const std::function<void(const QString& kind)>& exportAs);

} // namespace unroll
