// `unroll-cli bench layers`: one layer's forward + backward at the course's sizes, the work of
// scripts/bench/bench_torch_layers.py. Each layer is one entry of layerTable(); the JSON is a list of entries,
// {"layers": [{"name": "conv1d", "ms": ..., "torch_ms": null, ...}], ...}, so more layers add rows, not fields.
#include "Cli.hpp"
#include "Registry.hpp"

#include "math/Rng.hpp"
#include "nn/Attention.hpp"
#include "nn/Conv1D.hpp"
#include "nn/Loss.hpp"
#include "nn/Recurrent.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace unroll::cli {

namespace {

struct LayerBenchSettings {
    Index batch = 0; // 0: each layer's course batch (conv1d 8, gru_keras 8, attention_step 100)
    int reps = 5;
    int warmup = 3; // also lets the parallel products' guard settle on each shape
    std::uint32_t seed = 0;
    bool inputGrad = true;
};

struct LayerTiming {
    std::vector<double> ms; // one per repetition
    double flops = 0;       // per repetition: the matrix products' 2*m*n*k
    QString shape;
};

// Runs once() warmup times, then reps times, timing each.
std::vector<double> timeRepetitions(const LayerBenchSettings& s, const std::function<void()>& once)
{
    for (int i = 0; i < s.warmup; ++i) once();
    std::vector<double> ms;
    for (int r = 0; r < s.reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        once();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return ms;
}

// The trigger-word model's Conv1D(196, 15, strides=4) on (5511, 101) spectrograms, float: forward, then backward from
// a fixed random dY (dW, db and, unless --no-input-grad, dX).
LayerTiming benchConv1d(const LayerBenchSettings& s)
{
    const Index T = 5511, n_x = 101, m = s.batch > 0 ? s.batch : 8;
    Conv1D<float> conv(n_x, {.filters = 196, .kernel = 15, .stride = 4});
    Rng rng(s.seed);
    conv.initialize(rng);
    const Index T_out = conv.outputLength(T);
    const MatF X = rng.randn(n_x, m * T).cast<float>();          // (n_x, m*T)
    const MatF dY = rng.randn(conv.filters(), m * T_out).cast<float>(); // (n_f, m*T_out)
    Conv1DCache<float> cache;
    MatF dX;
    LayerTiming t;
    t.ms = timeRepetitions(s, [&] {
        conv.zeroGrads();
        conv.forward(X, m, cache);
        conv.backward(X, cache, dY, s.inputGrad ? &dX : nullptr);
    });
    t.flops = 2.0 * double(conv.W.size()) * double(m * T_out) * (s.inputGrad ? 3 : 2);
    t.shape = QString("m%1 T%2 n_x%3 n_f%4 k%5 s%6 T_out%7")
                  .arg(m).arg(T).arg(n_x).arg(conv.filters()).arg(conv.kernel).arg(conv.stride).arg(T_out);
    return t;
}

// One decoder step of the date-translation model (course, "Neural Machine Translation with attention"), batch 100:
// the attention block over T_x = 30 encoder states of 64 (a Bi-LSTM's 2 x 32) and s<t-1> of 64 -> context (64) ->
// the post-attention LSTM cell (64) -> Linear(11) -> softmax cross-entropy; backward through all of it (dA, ds_prev,
// every parameter). A repetition runs 20 steps; the time reported is per step.
LayerTiming benchAttentionStep(const LayerBenchSettings& s)
{
    const Index m = s.batch > 0 ? s.batch : 100, T_x = 30, n_a = 64, n_s = 64, n_y = 11, n_h = 10;
    const int stepsPerRep = 20;
    Rng rng(s.seed);
    Attention<float> attention(n_a, n_s, n_h);
    attention.initialize(rng);
    RecurrentLayer<float> post(CellKind::Lstm, n_a, n_s);
    post.initialize(rng);
    Linear<float> output(n_s, n_y);
    output.initialize(rng);
    const MatF A = rng.randn(n_a, m * T_x).cast<float>(); // (64, m*30)
    const MatF sPrev = rng.randn(n_s, m).cast<float>(), cPrev = rng.randn(n_s, m).cast<float>();
    std::vector<std::int32_t> y(static_cast<size_t>(m));
    for (auto& v : y) v = std::int32_t(rng.randint(0, n_y));
    AttentionCache<float> att;
    LinearCache<float> logits;
    SoftmaxCrossEntropyCache<float> ce;
    MatF dLogits, dS, dContext, dsPrev, dA = MatF::Zero(n_a, m * T_x);
    auto step = [&] {
        attention.zeroGrads();
        post.zeroGrads();
        output.zeroGrads();
        attention.forward(A, m, sPrev, att);        // context<t>: (64, m)
        post.forward(att.context, m, sPrev, cPrev); // s<t>: (64, m)
        output.forward(post.outputs(), logits);     // (11, m)
        softmaxCrossEntropyForward<float>(logits.Y, y, {}, Reduction::Sum, ce);
        softmaxCrossEntropyBackward<float>(ce, y, {}, dLogits);
        output.backward(post.outputs(), logits, dLogits, &dS);
        post.backward(dS, &dContext);
        dA.setZero();
        attention.backward(A, m, sPrev, att, dContext, dA, &dsPrev);
    };
    LayerTiming t;
    t.ms = timeRepetitions(s, [&] {
        for (int i = 0; i < stepsPerRep; ++i) step();
    });
    for (double& v : t.ms) v /= stepsPerRep;
    // Products per step: Dense(10) on (128, m*T_x) forward, dW and dX; the LSTM's 4*64 x 128 on m forward, dW, dX.
    t.flops = 2.0 * 3 * (double(n_h) * (n_a + n_s) * double(m * T_x) + 4.0 * n_s * (n_a + n_s) * double(m));
    t.shape = QString("m%1 T_x%2 n_a%3 n_s%4 n_h%5 n_y%6").arg(m).arg(T_x).arg(n_a).arg(n_s).arg(n_h).arg(n_y);
    return t;
}

// The trigger-word model's GRU layers: a Keras GRU (reset_after) of 128 units over the Conv1D's 1,375 output steps of
// 196 channels, batch 8, float: forward over all steps, then backward from a fixed random dA (every step's output
// feeds the next layer), with dX.
LayerTiming benchGruKeras(const LayerBenchSettings& s)
{
    const Index T = 1375, n_x = 196, n_a = 128, m = s.batch > 0 ? s.batch : 8;
    Rng rng(s.seed);
    RecurrentLayer<float> gru(CellKind::GruKeras, n_x, n_a);
    gru.initialize(rng);
    const MatF X = rng.randn(n_x, m * T).cast<float>();  // (196, m*1375)
    const MatF dA = rng.randn(n_a, m * T).cast<float>(); // (128, m*1375)
    const MatF a0 = MatF::Zero(n_a, m);
    MatF dX;
    LayerTiming t;
    t.ms = timeRepetitions(s, [&] {
        gru.zeroGrads();
        gru.forward(X, m, a0, a0);
        gru.backward(dA, &dX);
    });
    // Input products (forward, dW_x, dX) and recurrent ones (forward, dW_a, da_prev), 3 gates each.
    t.flops = 2.0 * 3 * 3 * double(n_a) * double(n_x + n_a) * double(m * T);
    t.shape = QString("m%1 T%2 n_x%3 n_a%4").arg(m).arg(T).arg(n_x).arg(n_a);
    return t;
}

struct LayerEntry {
    QString name;
    std::function<LayerTiming(const LayerBenchSettings&)> run;
};

const std::vector<LayerEntry>& layerTable()
{
    static const std::vector<LayerEntry> table = {
        {"conv1d", benchConv1d},
        {"gru_keras", benchGruKeras},
        {"attention_step", benchAttentionStep},
    };
    return table;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// name -> ms from the JSON that bench_torch_layers.py --json prints.
QJsonObject torchTimes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) throw InputError(("--torch " + path + ": cannot open").toStdString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject() || !doc.object().value("layers").isArray())
        throw InputError(("--torch " + path + ": not the JSON of bench_torch_layers.py --json (" +
                          error.errorString() + ")").toStdString());
    QJsonObject byName;
    for (const auto& v : doc.object().value("layers").toArray())
        byName.insert(v.toObject().value("name").toString(), v.toObject().value("ms"));
    return byName;
}

int benchLayers(const QStringList& args)
{
    QStringList names;
    for (const auto& e : layerTable()) names << e.name;
    QCommandLineParser parser;
    parser.addOption({"layer", "Comma-separated layers to time: " + names.join(", ") + " (default all).", "NAMES",
                      names.join(",")});
    parser.addOption({"batch", "Batch size m (default: each layer's course batch).", "M", "0"});
    parser.addOption({"reps", "Timed repetitions (the median is reported).", "K", "5"});
    parser.addOption({"warmup", "Untimed repetitions first.", "W", "3"});
    parser.addOption({"seed", "Seed of the data and the weights.", "S", "0"});
    parser.addOption({"no-input-grad", "Skip dX in backward (a model's first layer needs none)."});
    parser.addOption({"torch", "The output of bench_torch_layers.py --json, to set beside ours.", "FILE"});
    if (!parseCommandLine(parser, args,
                          "Forward + backward of single layers at the course's sizes (float), the work of "
                          "bench_torch_layers.py.\nconv1d: Conv1D(196, 15, strides=4) on (5511, 101), batch 8.\n"
                          "gru_keras: Keras GRU(128) over 1,375 steps of 196, batch 8.\n"
                          "attention_step: one attention decoder step of the date model, batch 100."))
        return Ok;
    if (!parser.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
    LayerBenchSettings s;
    s.batch = intOption(parser, "batch", 0, 4096);
    s.reps = int(intOption(parser, "reps", 1, 1000));
    s.warmup = int(intOption(parser, "warmup", 0, 1000));
    s.seed = std::uint32_t(intOption(parser, "seed", 0, 4294967295LL));
    s.inputGrad = !parser.isSet("no-input-grad");
    const QJsonObject torch = parser.isSet("torch") ? torchTimes(parser.value("torch")) : QJsonObject{};

    std::vector<const LayerEntry*> chosen;
    for (const QString& name : parser.value("layer").split(',', Qt::SkipEmptyParts)) {
        const auto it = std::find_if(layerTable().begin(), layerTable().end(),
                                     [&](const LayerEntry& e) { return e.name == name; });
        if (it == layerTable().end())
            throw InputError(("--layer " + name + ": unknown layer (known: " + names.join(", ") + ")").toStdString());
        chosen.push_back(&*it);
    }

    QJsonArray rows;
    QJsonObject result;
    QStringList lines;
    for (const LayerEntry* e : chosen) {
        const LayerTiming t = e->run(s);
        const double ms = median(t.ms);
        const QJsonValue torchMs = torch.contains(e->name) ? torch.value(e->name) : QJsonValue(QJsonValue::Null);
        QJsonArray reps;
        for (double v : t.ms) reps.append(v);
        rows.append(QJsonObject{{"name", e->name},
                                {"ms", ms},
                                {"ms_min", *std::min_element(t.ms.begin(), t.ms.end())},
                                {"ms_max", *std::max_element(t.ms.begin(), t.ms.end())},
                                {"ms_reps", reps},
                                {"gflops", t.flops / ms / 1e6},
                                {"shape", t.shape},
                                {"input_grad", s.inputGrad},
                                {"torch_ms", torchMs},
                                {"speedup", torchMs.isDouble() ? QJsonValue(torchMs.toDouble() / ms) : QJsonValue()}});
        result.insert(e->name + "_ms", ms);
        QString line = QString("unroll %1  %2 ms per forward+backward (median of %3; min %4, max %5)  %6 GFLOP/s  %7  "
                               "threads %8")
                           .arg(e->name).arg(ms, 0, 'f', 1).arg(s.reps)
                           .arg(rows.last().toObject().value("ms_min").toDouble(), 0, 'f', 1)
                           .arg(rows.last().toObject().value("ms_max").toDouble(), 0, 'f', 1)
                           .arg(t.flops / ms / 1e6, 0, 'f', 1).arg(t.shape).arg(threadCount());
        if (torchMs.isDouble())
            line += QString("  (torch %1 ms: %2x)").arg(torchMs.toDouble(), 0, 'f', 1).arg(torchMs.toDouble() / ms, 0,
                                                                                            'f', 2);
        lines << line;
    }
    if (jsonRequested(parser)) {
        result.insert("layers", rows);
        result.insert("threads", threadCount());

        result.insert("reps", s.reps);
        printJson(result);
    } else {
        printText(lines.join('\n'));
    }
    return Ok;
}

const Benchmark reg{{"layers", "forward + backward of single layers at the course's sizes: the work of "
                                "scripts/bench/bench_torch_layers.py", benchLayers}};

} // namespace

} // namespace unroll::cli
