// Optimizer state in a file (train/OptimizerState): a restored optimizer continues exactly, and a state of another
// optimizer (kind, hyper-parameter, parameter set, shape) is refused with a message naming what differs, leaving the
// optimizer unchanged.
#include "io/ModelFile.hpp"
#include "train/OptimizerState.hpp"
#include "util/Error.hpp"

#include <QTemporaryDir>
#include <QTest>

using namespace unroll;

namespace {

// Two parameters a (2, 1) and b (1, 3) with fixed gradients, and the optimizer that steps them.
struct Problem {
    MatD a = MatD::Constant(2, 1, 1.0), da = MatD::Zero(2, 1);
    MatD b = MatD::Constant(1, 3, -1.0), db = MatD::Zero(1, 3);
    Optimizer<double> opt;
    explicit Problem(const OptimizerOptions& o) : opt(o, {{"a", &a, &da}, {"b", &b, &db}}) {}
    void step(double scale)
    {
        da << 0.5 * scale, -1.0;
        db << 0.25, scale, -2.0 * scale;
        opt.step();
    }
};

ModelFile fileOf(const Optimizer<double>& opt)
{
    ModelFile f;
    f.kind = "test";
    saveOptimizerState(opt, f);
    return f;
}

QString refusal(Optimizer<double>& opt, const ModelFile& f)
{
    try {
        restoreOptimizerState(opt, f, "run.ckpt");
    } catch (const InputError& e) {
        return QString::fromUtf8(e.what());
    }
    return "no exception";
}

const OptimizerOptions kAdam{.kind = OptimizerKind::Adam, .learningRate = 0.01};

} // namespace

class TestOptimizerState : public QObject {
    Q_OBJECT
private slots:
    void restoredOptimizerContinuesExactly_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("sgd") << int(OptimizerKind::Sgd);
        QTest::newRow("momentum") << int(OptimizerKind::Momentum);
        QTest::newRow("adam") << int(OptimizerKind::Adam);
    }
    void restoredOptimizerContinuesExactly()
    {
        QFETCH(int, kind);
        const OptimizerOptions o{.kind = OptimizerKind(kind), .learningRate = 0.01, .clip = ClipMode::Value};
        Problem straight(o), first(o);
        for (int t = 1; t <= 3; ++t) {
            straight.step(t);
            first.step(t);
        }
        // Through a real file, as a checkpoint goes.
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.ckpt").toStdString();
        saveModel(path, fileOf(first.opt));
        Problem resumed(o);
        resumed.a = first.a;
        resumed.b = first.b;
        restoreOptimizerState(resumed.opt, loadModel(path), "run.ckpt");
        QCOMPARE(resumed.opt.steps(), std::int64_t(3));
        straight.step(4);
        resumed.step(4);
        // The moments went through F32: the same update within float precision of the moments.
        QVERIFY((resumed.a - straight.a).cwiseAbs().maxCoeff() < 1e-7);
        QVERIFY((resumed.b - straight.b).cwiseAbs().maxCoeff() < 1e-7);
    }

    void fileNamesKindHyperParametersAndMoments()
    {
        Problem p(kAdam);
        p.step(1);
        const ModelFile f = fileOf(p.opt);
        QCOMPARE(f.hyper.at("optimizer"), std::string("adam"));
        QCOMPARE(f.hyper.at("optimizer_lr"), std::string("0.01"));
        QCOMPARE(f.hyper.at("optimizer_beta2"), std::string("0.999"));
        QCOMPARE(f.hyper.at("optimizer_steps"), std::string("1"));
        QCOMPARE(f.tensors.size(), size_t(4)); // v and s of a and b
        QCOMPARE(f.tensors.at("optimizer.s.b").shape, (std::vector<std::int64_t>{1, 3}));
    }

    void stateOfAnotherOptimizerIsRefused()
    {
        Problem sgd({.kind = OptimizerKind::Sgd, .learningRate = 0.01});
        sgd.step(1);
        Problem adam(kAdam);
        QCOMPARE(refusal(adam.opt, fileOf(sgd.opt)),
                 QString("run.ckpt: the checkpoint's optimizer is sgd, this run's is adam (resume with the "
                         "checkpoint's optimizer)"));
        QCOMPARE(adam.opt.steps(), std::int64_t(0));
    }

    void mismatchesAreNamed()
    {
        Problem saved(kAdam);
        saved.step(1);
        Problem target(kAdam);
        ModelFile f = fileOf(saved.opt);
        f.tensors.erase("optimizer.s.b");
        QCOMPARE(refusal(target.opt, f),
                 QString("run.ckpt: optimizer tensor optimizer.s.b is missing (the checkpoint has other parameters)"));

        f = fileOf(saved.opt);
        f.tensors["optimizer.v.c"] = Tensor{{1, 1}, {0}};
        QCOMPARE(refusal(target.opt, f),
                 QString("run.ckpt: optimizer tensor optimizer.v.c is extra: this run's adam optimizer has no such "
                         "moment"));

        f = fileOf(saved.opt);
        f.tensors["optimizer.v.a"] = Tensor{{3, 1}, {0, 0, 0}};
        QCOMPARE(refusal(target.opt, f),
                 QString("run.ckpt: optimizer tensor optimizer.v.a has shape (3, 1), this run's parameter a is (2, 1)"));

        f = fileOf(saved.opt);
        f.hyper["optimizer_lr"] = "0.002";
        QCOMPARE(refusal(target.opt, f), QString("run.ckpt: the checkpoint's optimizer_lr is 0.002, this run's is 0.01"));

        f = fileOf(saved.opt);
        f.hyper["optimizer_steps"] = "-4";
        QVERIFY(refusal(target.opt, f).contains("optimizer_steps \"-4\" is not a step count"));

        ModelFile none;
        none.kind = "test";
        QVERIFY(refusal(target.opt, none).contains("holds no optimizer state"));

        // Every refusal left the target as it was built.
        QCOMPARE(target.opt.steps(), std::int64_t(0));
        QVERIFY(target.opt.firstMoments()[0].isZero());
        restoreOptimizerState(target.opt, fileOf(saved.opt), "run.ckpt");
        QCOMPARE(target.opt.firstMoments()[0], saved.opt.firstMoments()[0].cast<float>().cast<double>().eval());
    }
};

QTEST_GUILESS_MAIN(TestOptimizerState)
#include "tst_optimizerstate.moc"
