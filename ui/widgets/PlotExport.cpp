// Plot export helpers; see PlotExport.hpp.
#include "widgets/PlotExport.hpp"

#include <QAction>

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPdfWriter>
#include <QSaveFile>

#include <charconv>

namespace unroll {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("unroll::PlotExport", text); }

bool fail(QString* error, const QString& message) {
    if (error) *error = message;
    return false;
}

bool cannotWrite(QString* error, const QString& path, const QSaveFile& file) {
    return fail(error, tr("Cannot write %1: %2").arg(path, file.errorString()));
}

// Sets the plot's viewport to the export size for as long as it lives (and lets the plot lay itself out for it),
// then back to the screen's.
class ExportViewport {
public:
    ExportViewport(QCustomPlot* plot, QSize size, const PlotLayOut& layOut) : plot_(plot), screen_(plot->viewport()) {
        plot_->setViewport(QRect(QPoint(0, 0), size));
        if (layOut) layOut();
    }
    ~ExportViewport() { plot_->setViewport(screen_); }
    ExportViewport(const ExportViewport&) = delete;
    ExportViewport& operator=(const ExportViewport&) = delete;

private:
    QCustomPlot* plot_;
    QRect screen_;
};

} // namespace

QString csvField(const QString& s) {
    const bool plain = !s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) &&
                       !s.contains(QLatin1Char('\n')) && !s.contains(QLatin1Char('\r')) && s.trimmed() == s;
    if (plain) return s;
    QString quoted = s;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString csvNumber(double v) {
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, int(result.ptr - buf));
}

bool saveTextAtomically(const QString& path, const QString& text, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return cannotWrite(error, path, file);
    file.write(text.toUtf8()); // a failed write makes commit() fail
    if (!file.commit()) return cannotWrite(error, path, file);
    return true;
}

bool savePlotPng(QCustomPlot* plot, const QString& path, QSize size, double scale, QString* error,
                 const PlotLayOut& layOut) {
    if (size.isEmpty()) size = plot->size();
    QPixmap pixmap;
    {
        const ExportViewport viewport(plot, size, layOut);
        pixmap = plot->toPixmap(size.width(), size.height(), scale);
    }
    QSaveFile file(path);
    if (pixmap.isNull() || !file.open(QIODevice::WriteOnly)) return cannotWrite(error, path, file);
    if (!pixmap.save(&file, "PNG") || !file.commit()) return cannotWrite(error, path, file);
    return true;
}

bool savePlotPdf(QCustomPlot* plot, const QString& path, QSize size, const QString& title, QString* error,
                 const PlotLayOut& layOut) {
    if (size.isEmpty()) size = plot->size();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return cannotWrite(error, path, file);
    {
        QPdfWriter writer(&file);
        writer.setResolution(96);
        writer.setPageSize(QPageSize(QSizeF(size) * 72.0 / 96.0, QPageSize::Point, QString(), QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setCreator(QStringLiteral("Unroll"));
        writer.setTitle(title);
        QCPPainter painter;
        if (!painter.begin(&writer)) return fail(error, tr("Cannot start a PDF in %1").arg(path));
        painter.setMode(QCPPainter::pmVectorized);
        const ExportViewport viewport(plot, size, layOut);
        plot->toPainter(&painter, size.width(), size.height());
        painter.end();
    }
    if (!file.commit()) return cannotWrite(error, path, file);
    return true;
}

QString askExportPath(QWidget* parent, const QString& kind, const QString& title) {
    const QString suffix = kind.toLower();
    const QString base = title.simplified().replace(QLatin1Char(' '), QLatin1Char('-'));
    QString path = QFileDialog::getSaveFileName(parent, tr("Export %1").arg(kind), base + QLatin1Char('.') + suffix,
                                                tr("%1 files (*.%2)").arg(kind, suffix));
    if (!path.isEmpty() && !path.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive))
        path += QLatin1Char('.') + suffix;
    return path;
}

void warnExportFailed(QWidget* parent, const QString& error) {
    QMessageBox::warning(parent, tr("Export failed"), error);
}

QAction* makeExportAction(QWidget* parent, const QString& text, const QString& kind, const QString& title,
                          std::function<bool(const QString& path, QString* error)> save)
{
    auto* action = new QAction(text, parent);
    QObject::connect(action, &QAction::triggered, parent, [parent, kind, title, save = std::move(save)] {
        const QString path = askExportPath(parent, kind, title);
        QString error;
        if (!path.isEmpty() && !save(path, &error)) warnExportFailed(parent, error);
    });
    return action;
}

void addExportActions(QMenu* menu, QObject* context, const std::function<void(const QString& kind)>& exportAs) {
    for (const QString& kind : {QStringLiteral("PNG"), QStringLiteral("PDF"), QStringLiteral("CSV")})
        menu->addAction(tr("Export %1…").arg(kind), context, [exportAs, kind] { exportAs(kind); });
}

} // namespace unroll
