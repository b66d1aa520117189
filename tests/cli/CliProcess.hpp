// Runs one of the executables as a user would, for the CLI tests: exit code, stdout, stderr; and the small checks
// every CLI test makes on them. A run that does not finish within the bound is killed and reported with code -1.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

namespace unroll::test {

struct Result {
    int code = -1;
    QByteArray out, err;
};

inline Result run(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

// stdout parsed as one JSON object (an empty object when it is not one).
inline QJsonObject json(const Result& r) { return QJsonDocument::fromJson(r.out).object(); }

// stderr is one line that contains every one of the words: the CLI's contract for bad input.
inline bool oneLineNaming(const Result& r, const QStringList& words)
{
    const QString err = QString::fromUtf8(r.err).trimmed();
    if (err.isEmpty() || err.contains('\n')) return false;
    for (const auto& w : words)
        if (!err.contains(w)) return false;
    return true;
}

// Writes a test's input file (fails the calling test when it cannot).
inline void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

#ifdef UNROLL_CLI_PATH
inline Result cli(const QStringList& args) { return run(UNROLL_CLI_PATH, args); }
#endif

} // namespace unroll::test
