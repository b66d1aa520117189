// The executables from the outside: exit codes (0 ok, 1 internal, 2 bad input), one-line errors, JSON documents,
// and the GUI's --screenshot mode.
#include "CliProcess.hpp"

#include <QFile>
#include <QImage>

#include <cmath>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using unroll::test::cli;
using unroll::test::run;

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
        // Every command file's registration reached the executable (none was dropped by the linker).
        for (const char* c : {"train <lab>", "bench <what>", "gradcheck", "course-examples", "bptt", "sample", "eval",
                              "charlm", "charlm-course, layers, rnn", "translate", "translator"})
            QVERIFY2(r.out.contains(c), c);
    }

    void trainAndBenchListWhatIsRegistered()
    {
        auto r = cli({"train", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        QCOMPARE(QString::fromUtf8(r.out).split('\n').filter("  charlm  ").size(), 1); // one line per lab
        r = cli({"bench", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("  rnn ") && r.out.contains("  charlm-course "));
        r = cli({"charlm", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("sample") && r.out.contains("eval") && r.out.contains("train"));
        r = cli({"bench", "rnn", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith("Usage: unroll-cli bench rnn [options]"), r.out.left(80).constData());
    }

    void trainWithoutAKnownLabNamesTheLabs_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no lab") << QStringList{"train"} << "train needs a lab: charlm";
        QTest::newRow("option, no lab") << QStringList{"train", "--iterations", "3"} << "train needs a lab: charlm";
        QTest::newRow("unknown lab") << QStringList{"train", "wordlm"} << "unknown lab 'wordlm' for train: expected charlm";
        QTest::newRow("unknown bench") << QStringList{"bench", "gpu"} << "unknown benchmark 'gpu': expected audio, charlm-course, layers, rnn";
        QTest::newRow("unknown verb") << QStringList{"charlm", "dance"} << "unknown verb 'dance' of lab charlm";
        QTest::newRow("extra word") << QStringList{"train", "charlm", "now"} << "unexpected argument 'now'";
    }
    void trainWithoutAKnownLabNamesTheLabs()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QCOMPARE(r.err.count('\n'), 1);
    }

    void labVerbsRunWithAndWithoutTheLabName()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("m.safetensors");
        QCOMPARE(cli({"charlm", "train", "--iterations", "5", "--save", model, "--json"}).code, 0);
        const auto bare = cli({"sample", "--model", model, "--n", "2", "--json"});
        const auto qualified = cli({"charlm", "sample", "--model", model, "--n", "2", "--json"});
        QCOMPARE(bare.code, 0);
        QCOMPARE(qualified.out, bare.out);
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{"frobnicate"};
        QTest::newRow("bptt keras gru") << QStringList{"bptt", "--cell", "gru_keras"};
        QTest::newRow("unknown option") << QStringList{"gradcheck", "--bogus"};
        QTest::newRow("bench without name") << QStringList{"bench"};
        QTest::newRow("unknown bench") << QStringList{"bench", "gpu"};
        QTest::newRow("bad cell") << QStringList{"bench", "rnn", "--cell", "transformer"};
        QTest::newRow("bad number") << QStringList{"bench", "rnn", "--hidden", "lots"};
        QTest::newRow("zero batch") << QStringList{"bench", "rnn", "--batch", "0"};
        QTest::newRow("bad threads") << QStringList{"gradcheck", "--threads", "-3"};
        QTest::newRow("unknown layer") << QStringList{"bench", "layers", "--layer", "transformer"};
        QTest::newRow("missing torch json") << QStringList{"bench", "layers", "--torch", "/nonexistent.json"};
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
        const auto floats = doc.object().value("float_checks").toArray();
        QCOMPARE(floats.size(), checks.size());
        QStringList names;
        for (const auto& c : checks) {
            const auto o = c.toObject();
            names << o.value("name").toString();
            QVERIFY(o.value("error").toDouble() < 1e-7);
            QVERIFY(o.value("ok").toBool());
            QVERIFY(!o.value("tensors").toArray().isEmpty());
        }
        for (const auto& c : floats) {
            const auto o = c.toObject();
            QVERIFY(o.value("ok").toBool());
            QVERIFY(o.value("error").toDouble() < o.value("tolerance").toDouble());
        }
        for (const char* n : {"rnn_step", "lstm_seq", "gru_stack", "linear_tanh", "linear_softmax", "softmax_ce_masked",
                              "sigmoid_bce"})
            QVERIFY2(names.contains(n), n);
    }

    void gradcheckFilterRunsOneCheck()
    {
        const auto r = cli({"gradcheck", "--json", "--filter", "linear_relu"});
        QCOMPARE(r.code, 0);
        const auto checks = QJsonDocument::fromJson(r.out).object().value("checks").toArray();
        QCOMPARE(checks.size(), 1);
        QCOMPARE(checks[0].toObject().value("name").toString(), QString("linear_relu"));
        QCOMPARE(cli({"gradcheck", "--filter", "transformer"}).code, 2);
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

    void benchLayersListsConv1d()
    {
        // The course sizes at batch 1, one repetition; a PyTorch run given with --torch fills torch_ms and speedup.
        QTemporaryDir dir;
        const QString torchJson = dir.filePath("torch.json");
        QFile f(torchJson);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"layers": [{"name": "conv1d", "ms": 1000.0}]})");
        f.close();
        const auto r = cli({"bench", "layers", "--batch", "1", "--reps", "1", "--warmup", "0", "--json", "--torch",
                            torchJson});
        QCOMPARE(r.code, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        const auto layers = o.value("layers").toArray();
        QCOMPARE(layers.size(), 3); // conv1d, gru_keras, attention_step
        const auto conv = layers[0].toObject();
        QCOMPARE(conv.value("name").toString(), QString("conv1d"));
        QVERIFY(conv.value("ms").toDouble() > 0);
        QCOMPARE(o.value("conv1d_ms").toDouble(), conv.value("ms").toDouble());
        QCOMPARE(conv.value("torch_ms").toDouble(), 1000.0);
        QCOMPARE(conv.value("speedup").toDouble(), 1000.0 / conv.value("ms").toDouble());
        QVERIFY(conv.value("shape").toString().contains("T_out1375"));
    }

    void benchLayersTimesTheAttentionStep()
    {
        const auto r = cli({"bench", "layers", "--layer", "attention_step", "--batch", "4", "--reps", "2", "--warmup",
                            "0", "--json", "--threads", "1"});
        QCOMPARE(r.code, 0);
        const auto layers = QJsonDocument::fromJson(r.out).object().value("layers").toArray();
        QCOMPARE(layers.size(), 1);
        const auto step = layers.at(0).toObject();
        QCOMPARE(step.value("name").toString(), QString("attention_step"));
        QVERIFY(step.value("ms").toDouble() > 0);
        QCOMPARE(step.value("ms_reps").toArray().size(), 2);
        QVERIFY(step.value("shape").toString().startsWith("m4 T_x30"));
        QCOMPARE(cli({"bench", "layers", "--reps", "0"}).code, 2);
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

    void resumeWithAnotherOptimizerIsRefused()
    {
        QTemporaryDir dir;
        const QString ckpt = dir.filePath("run.ckpt");
        QCOMPARE(cli({"train", "charlm", "--iterations", "20", "--optimizer", "sgd", "--checkpoint", ckpt, "--json"}).code,
                 0);
        auto r = cli({"train", "charlm", "--iterations", "40", "--optimizer", "adam", "--resume", ckpt, "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("run.ckpt: the checkpoint's optimizer is sgd, this run's is adam"), r.err.constData());
        QCOMPARE(r.err.count('\n'), 1);
        r = cli({"train", "charlm", "--iterations", "40", "--lr", "0.02", "--resume", ckpt, "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("optimizer_lr is 0.01, this run's is 0.02"), r.err.constData());
        r = cli({"train", "charlm", "--iterations", "40", "--resume", ckpt, "--json"}); // the same settings resume
        QCOMPARE(r.code, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value("iterations").toInt(), 40);
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

    // Issue 14, item 7: presentation mode had no switch on the command line, so its screenshots could not be made.
    void screenshotInPresentationModeHasLargerText()
    {
        QTemporaryDir dir;
        const QString normal = dir.filePath("normal.png"), large = dir.filePath("large.png");
        QCOMPARE(run(UNROLL_GUI_PATH, {"--lab", "home", "--screenshot", normal}).code, 0);
        QCOMPARE(run(UNROLL_GUI_PATH, {"--lab", "home", "--presentation", "--screenshot", large}).code, 0);
        const QImage a(normal), b(large);
        QCOMPARE(b.size(), QSize(1400, 900));
        // The navigator is wider in presentation mode: its dark column reaches further right.
        auto navigatorWidth = [](const QImage& img) {
            const int y = img.height() * 17 / 20; // below the last lab's name
            int x = 0;
            while (x < img.width() && qGray(img.pixel(x, y)) < 80) ++x;
            return x;
        };
        QVERIFY2(navigatorWidth(b) > navigatorWidth(a),
                 qPrintable(QString("%1 vs %2").arg(navigatorWidth(b)).arg(navigatorWidth(a))));
    }

    void screenshotToAnUnwritablePathIsRefusedBeforeTheSteps()
    {
        // A million steps would outlast the test's bound: the refusal has to come first.
        const auto r = run(UNROLL_GUI_PATH, {"--lab", "charlm", "--steps", "1000000", "--screenshot",
                                             "/nonexistent-folder/shot.png"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unroll: error: cannot write /nonexistent-folder/shot.png"), r.err.constData());
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
