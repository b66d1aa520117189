// unroll-cli's small framework: option parsing that reports bad input as exit code 2, and JSON / text output. Each
// command lives in its own file and registers itself with the registry (Registry.hpp).
#pragma once

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>


namespace unroll::cli {

enum ExitCode { Ok = 0, InternalError = 1, BadInput = 2, Interrupted = 130 }; // 130: 128 + SIGINT, as shells report

// Parses args with the options every command shares (--json, --threads, --help) plus the command's own. On a parse
// error throws InputError with QCommandLineParser's message; on --help prints help and returns false.
bool parseCommandLine(QCommandLineParser& parser, const QStringList& args, const QString& description);
bool jsonRequested(const QCommandLineParser& parser);

// Typed option readers that name the option and the bad value in the InputError they throw.
long long intOption(const QCommandLineParser& parser, const QString& name, long long min, long long max);
double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max);

void printJson(const QJsonObject& object);
void printText(const QString& text); // to stdout, with a newline

} // namespace unroll::cli
