// The executables from the outside: exit codes (0 ok, 1 internal, 2 bad input), one-line errors, JSON documents,
// and the GUI's --screenshot mode.
#include <QFile>
#include <QImage>

#include <cmath>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Result {
    int code = -1;
    QByteArray out, err;
};
Result run(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}
Result cli(const QStringList& args) { return run(UNROLL_CLI_PATH, args); }
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void versionAndHelpSucceed()
    {
        auto r = cli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("unroll-cli "));
        r = cli({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("gradcheck") && r.out.contains("bench"));
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{"frobnicate"};
        QTest::newRow("unknown option") << QStringList{"gradcheck", "--bogus"};
        QTest::newRow("bench without name") << QStringList{"bench"};
        QTest::newRow("unknown bench") << QStringList{"bench", "gpu"};
        QTest::newRow("bad cell") << QStringList{"bench", "rnn", "--cell", "transformer"};
        QTest::newRow("bad number") << QStringList{"bench", "rnn", "--hidden", "lots"};
        QTest::newRow("zero batch") << QStringList{"bench", "rnn", "--batch", "0"};
        QTest::newRow("bad threads") << QStringList{"gradcheck", "--threads", "-3"};
    }
    void badInputExitsTwoWithOneLine()
    {
        QFETCH(QStringList, args);
        const auto r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.startsWith("unroll-cli: error: "));
        QCOMPARE(r.err.count('\n'), 1);
    }

    void gradcheckPrintsJsonAndPasses()
    {
        const auto r = cli({"gradcheck", "--json"});
        QCOMPARE(r.code, 0);
        QJsonParseError e;
        const auto doc = QJsonDocument::fromJson(r.out, &e);
        QCOMPARE(e.error, QJsonParseError::NoError);
        QVERIFY(doc.object().value("ok").toBool());
        const auto checks = doc.object().value("checks").toArray();
        QVERIFY(checks.size() > 60);
        QStringList names;
        for (const auto& c : checks) {
            names << c.toObject().value("name").toString();
            QVERIFY(c.toObject().value("error").toDouble() < 1e-7);
        }
        for (const char* n : {"rnn.Wax", "lstm.Wf", "gru.Wr", "lstm.c0", "lstm_stack.layer1.Wo", "gru_stack.Wya"})
            QVERIFY2(names.contains(n), n);
    }

    void benchReportsThroughput()
    {
        const auto r = cli({"bench", "rnn", "--cell", "lstm", "--hidden", "16", "--batch", "2", "--seq", "5",
                            "--vocab", "7", "--steps", "20", "--reps", "2", "--json", "--threads", "1"});
        QCOMPARE(r.code, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value("chars_per_s").toDouble() > 0);
        QCOMPARE(o.value("chars_per_s_reps").toArray().size(), 2);
        QCOMPARE(o.value("threads").toInt(), 1);
        QVERIFY(o.value("final_loss").toDouble() > 0);
    }

    void courseExamplesPrintOneObjectKeyedByFunction()
    {
        const auto r = cli({"course-examples", "--json"});
        QCOMPARE(r.code, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        for (const char* f : {"rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
                              "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"})
            QVERIFY2(o.contains(f), f);
        const auto a = o.value("rnn_forward").toObject().value("a").toArray(); // 5 x 10 x 4
        QCOMPARE(a.size(), 5);
        QCOMPARE(a.at(0).toArray().size(), 10);
        QCOMPARE(a.at(0).toArray().at(0).toArray().size(), 4);
        // Step by Step notebook: rnn_forward a[4][1] = [-0.99999375 0.77911235 -0.99861469 -0.99833267]
        QVERIFY(std::abs(a.at(4).toArray().at(1).toArray().at(1).toDouble() - 0.77911235) < 5e-9);
        const auto text = cli({"course-examples"});
        QCOMPARE(text.code, 0);
        QVERIFY(text.out.contains("a_next[4] = "));
    }

    void bpttReportsGradientNormsPerStep()
    {
        const auto r = cli({"bptt", "--cell", "rnn", "--hidden", "8", "--length", "12", "--init-scale", "0.5",
                            "--seed", "1", "--json"});
        QCOMPARE(r.code, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        const auto last = o.value("grad_norm_last_loss").toArray();
        QCOMPARE(last.size(), 12);
        QCOMPARE(o.value("grad_norm_total").toArray().size(), 12);
        QVERIFY(last.at(0).toDouble() < last.at(11).toDouble()); // vanishing towards t = 1
        QVERIFY(o.value("gradcheck_error").toDouble() < 1e-7);
        QCOMPARE(cli({"bptt", "--length", "0"}).code, 2);
        QCOMPARE(cli({"bptt", "--text", "ab", "--length", "5"}).code, 2); // needs T + 1 characters
    }

    void trainSampleEvalRoundTrip()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("dino.safetensors");
        auto r = cli({"train", "charlm", "--iterations", "600", "--print-every", "300", "--save", model, "--json"});
        QCOMPARE(r.code, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("iterations").toInt(), 600);
        QCOMPARE(o.value("samples").toArray().size(), 7);
        QVERIFY(o.value("validation").toObject().value("nats_per_prediction").toDouble() > 0);
        QVERIFY(o.value("smoothed_loss_trace").toArray().size() >= 2);

        r = cli({"sample", "--model", model, "--n", "3", "--seed", "4", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value("samples").toArray().size(), 3);
        QCOMPARE(cli({"sample", "--model", model, "--n", "3", "--seed", "4", "--json"}).out, r.out); // seeded

        QFile data(dir.filePath("names.txt"));
        QVERIFY(data.open(QIODevice::WriteOnly));
        data.write("Tyrannosaurus\r\n\n  allosaurus \nt-rex\n");
        data.close();
        r = cli({"eval", "--model", model, "--data", data.fileName(), "--json"});
        QCOMPARE(r.code, 0);
        const auto e = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(e.value("lines").toInt(), 2);
        QCOMPARE(e.value("unknown").toInt(), 1);                 // "t-rex": '-' is not in the vocabulary
        QCOMPARE(e.value("predictions").toInt(), 14 + 11);      // characters and the newline of each line
        QVERIFY(std::abs(e.value("total").toDouble() - e.value("per_prediction").toDouble() * 25) < 1e-9);

        QCOMPARE(cli({"eval", "--model", dir.filePath("missing.safetensors"), "--data", data.fileName()}).code, 2);
        QCOMPARE(cli({"train", "charlm", "--data", dir.filePath("missing.txt")}).code, 2);
        QCOMPARE(cli({"sample", "--model", data.fileName()}).code, 2); // not a model file
    }

    void screenshotWritesTheWindow()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("home.png");
        const auto r = run(UNROLL_GUI_PATH, {"--lab", "home", "--steps", "3", "--screenshot", file});
        QCOMPARE(r.code, 0);
        const QImage img(file);
        QCOMPARE(img.size(), QSize(1400, 900));
    }

    void screenshotOfAnUnknownLabExitsTwo()
    {
        QTemporaryDir dir;
        const auto r = run(UNROLL_GUI_PATH, {"--lab", "nonesuch", "--screenshot", dir.filePath("x.png")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("unknown lab"));
        QVERIFY(!QFile::exists(dir.filePath("x.png")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
