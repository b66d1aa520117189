// Shared option handling and output for unroll-cli; see Cli.hpp.
#include "Cli.hpp"

#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

namespace unroll::cli {

bool parseCommandLine(QCommandLineParser& parser, const QStringList& args, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.addOption({"json", "Print one JSON document on stdout."});
    parser.addOption(
        {"threads", "Use N threads for large matrix products and parallel work (default: all cores; 1: serial).", "N"});
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    parser.addOption(help);
    if (!parser.parse(args)) throw InputError(parser.errorText().toStdString());
    if (parser.isSet(help)) {
        // Qt's usage line names the executable; name the command instead ("unroll-cli bench rnn").
        QString text = parser.helpText();
        const QString program = QCoreApplication::arguments().value(0), usage = "Usage: ";
        if (!program.isEmpty() && text.startsWith(usage + program)) text.replace(usage.size(), program.size(), args.value(0));
        printText(text);
        return false;
    }
    if (parser.isSet("threads")) setThreadCount(int(intOption(parser, "threads", 1, 1024)));
    return true;
}

bool jsonRequested(const QCommandLineParser& parser) { return parser.isSet("json"); }

long long intOption(const QCommandLineParser& parser, const QString& name, long long min, long long max)
{
    const QString text = parser.value(name);
    bool ok = false;
    const long long v = text.toLongLong(&ok);
    if (!ok || v < min || v > max)
        throw InputError(QString("--%1 %2: expected an integer from %3 to %4").arg(name, text).arg(min).arg(max)
                             .toStdString());
    return v;
}

double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max)
{
    const QString text = parser.value(name);
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !(v >= min && v <= max))
        throw InputError(QString("--%1 %2: expected a number from %3 to %4").arg(name, text).arg(min).arg(max)
                             .toStdString());
    return v;
}

void printJson(const QJsonObject& object)
{
    const QByteArray bytes = QJsonDocument(object).toJson(QJsonDocument::Indented);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void printText(const QString& text)
{
    const QByteArray bytes = (text.endsWith('\n') ? text : text + '\n').toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

} // namespace unroll::cli
