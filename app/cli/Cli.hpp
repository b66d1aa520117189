// unroll-cli's small framework: a table of subcommands, option parsing that reports bad input as exit code 2, and
// JSON / text output. Each command lives in its own file and registers itself in commandTable() (Cli.cpp).
#pragma once

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace unroll::cli {

enum ExitCode { Ok = 0, InternalError = 1, BadInput = 2 };

struct Command {
    QString name;    // "gradcheck", "bench"
    QString summary; // one line for --help
    std::function<int(const QStringList& args)> run; // args[0] is "unroll-cli <name>"
};

const std::vector<Command>& commandTable();

// Parses args with the options every command shares (--json, --threads, --help) plus the command's own. On a parse
// error throws InputError with QCommandLineParser's message; on --help prints help and returns false.
bool parseCommandLine(QCommandLineParser& parser, const QStringList& args, const QString& description);
bool jsonRequested(const QCommandLineParser& parser);

// Typed option readers that name the option and the bad value in the InputError they throw.
long long intOption(const QCommandLineParser& parser, const QString& name, long long min, long long max);
double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max);

void printJson(const QJsonObject& object);
void printText(const QString& text); // to stdout, with a newline

// The commands.
int runGradcheck(const QStringList& args);
int runBench(const QStringList& args);
int runBptt(const QStringList& args);
int runTrain(const QStringList& args);
int runSample(const QStringList& args);
int runEval(const QStringList& args);
int benchCharlmCourse(const QStringList& args); // bench charlm-course
int benchLayers(const QStringList& args);       // bench layers (LayerBench.cpp)
int runCourseExamples(const QStringList& args);

} // namespace unroll::cli
