// `unroll-cli bench vectors`: the word vectors lab's speed, the work of scripts/bench/bench_gensim_vectors.py.
//   unroll-cli bench vectors [--words 400000] [--dim 50] [--seed 1] [--keep FILE | --vectors FILE] [--json]
// writes a synthetic GloVe-format file (seeded N(0, 0.4^2) values with 5 significant digits, as GloVe's own files
// have; lower-case letter words; 400,000 x 50 is ~174 MB, like glove.6B.50d.txt) to a temporary directory, then times
//   load:      loadVectors on it, the best of --load-reps (the file is in the page cache after the write);
//   neighbors: nearestNeighbors of one word's vector, k = 10, the word itself excluded (gensim's most_similar(word)),
//              the median of --queries words drawn with the seed, after one untimed query that builds the scan index
//              (gensim's first most_similar likewise computes its norms once).
//   tsne:      runTsne (Barnes-Hut, theta 0.5, scikit-learn's defaults, 1000 iterations) on --tsne-sizes points of a
//              seeded Gaussian mixture in --dim dimensions, the mixture scripts/bench/make_cluster_vectors.py writes
//              (the same numpy RandomState draws and 6-digit rounding), so bench_sklearn_tsne.py on that file times
//              scikit-learn on the same points; the exact KL of the final layout beside each time.
// --keep FILE writes the synthetic file there and keeps it, so the gensim script can read the same bytes.
//
// Each timing is one entry of benchParts(): it reads the loaded table and adds its fields to the JSON and a line to
// the text. More timings (the t-SNE ones) are more entries of the same table, nothing else changes.
#include "Cli.hpp"
#include "Registry.hpp"

#include "io/AtomicFile.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"
#include "vectors/Operations.hpp"
#include "vectors/Tsne.hpp"
#include "vectors/VectorFile.hpp"

#include <QJsonArray>
#include <QTemporaryDir>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <functional>
#include <vector>

namespace unroll::cli {

namespace {

using namespace unroll::vectors;

struct VectorsBenchSettings {
    int loadReps = 3;
    int queries = 50;
    std::uint32_t seed = 1;
    int dim = 50;
    std::vector<Index> tsneSizes{1000, 5000, 10000};
};

// What the parts share: the loaded synthetic table and the file it came from.
struct VectorsBenchContext {
    std::filesystem::path file;
    WordVectors vectors;
};

struct VectorsBenchPart {
    const char* name;
    std::function<void(const VectorsBenchSettings&, VectorsBenchContext&, QJsonObject& json, QStringList& text)> run;
};

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Words of 3 to 8 lower-case letters: i in base 26, at least 3 letters (bench_gensim_vectors.py's synthetic_word).
std::string syntheticWord(std::int64_t i)
{
    std::string s;
    for (i += 26 * 26; i > 0; i /= 26) s += char('a' + i % 26);
    std::reverse(s.begin(), s.end());
    return s;
}

void writeSyntheticFile(const std::filesystem::path& path, std::int64_t words, int dim, std::uint32_t seed)
{
    Rng rng(seed);
    std::string text;
    text.reserve(std::size_t(words) * std::size_t(dim) * 9);
    char buf[32];
    for (std::int64_t i = 0; i < words; ++i) {
        text += syntheticWord(i);
        for (int j = 0; j < dim; ++j) {
            const auto r = std::to_chars(buf, buf + sizeof buf, 0.4 * rng.randn(), std::chars_format::general, 5);
            text += ' ';
            text.append(buf, r.ptr);
        }
        text += '\n';
    }
    writeFileAtomically(path, text);
}

void benchLoad(const VectorsBenchSettings& s, VectorsBenchContext& c, QJsonObject& json, QStringList& text)
{
    std::vector<double> seconds;
    for (int r = 0; r < s.loadReps; ++r) {
        c.vectors = WordVectors(); // free the previous table first, as a user reloading would
        const auto t0 = std::chrono::steady_clock::now();
        c.vectors = loadVectors(c.file);
        seconds.push_back(secondsSince(t0));
    }
    const double best = *std::min_element(seconds.begin(), seconds.end());
    QJsonArray all;
    for (double x : seconds) all.append(x);
    json["load_seconds"] = best;
    json["load_seconds_all"] = all;
    json["words"] = double(c.vectors.size());
    json["dim"] = c.vectors.dimension();
    json["file_bytes"] = double(std::filesystem::file_size(c.file));
    text << QString("load: %1 s (best of %2) for %3 words x %4 (%5 MB)")
                .arg(best, 0, 'f', 3).arg(s.loadReps).arg(c.vectors.size()).arg(c.vectors.dimension())
                .arg(double(std::filesystem::file_size(c.file)) / 1e6, 0, 'f', 1);
}

void benchNeighbors(const VectorsBenchSettings& s, VectorsBenchContext& c, QJsonObject& json, QStringList& text)
{
    const WordVectors& v = c.vectors;
    Rng rng(s.seed);
    const auto query = [&](Index w) { return nearestNeighbors(v, v.row(w).transpose(), 10, Metric::Cosine, {w}); };
    const auto t0 = std::chrono::steady_clock::now();
    query(rng.randint(0, v.size())); // builds the normalised float copy
    const double first = secondsSince(t0);
    std::vector<double> ms;
    for (int q = 0; q < s.queries; ++q) {
        const Index w = rng.randint(0, v.size());
        const auto t1 = std::chrono::steady_clock::now();
        query(w);
        ms.push_back(secondsSince(t1) * 1e3);
    }
    json["neighbors_ms"] = median(ms);
    json["index_seconds"] = first;
    text << QString("neighbors: %1 ms (median of %2 queries, top 10 by cosine over %3 words; the first query, which "
                    "builds the scan index, %4 s)")
                .arg(median(ms), 0, 'f', 3).arg(s.queries).arg(v.size()).arg(first, 0, 'f', 3);
}

// make_cluster_vectors.py --n n --dim dim --clusters 20 --spread 1.5 --seed 0: centres ~ N(0, 1.5^2 I), point i in
// cluster i % 20 at its centre + N(0, I), each value rounded to 6 significant digits as the script writes them.
Eigen::MatrixXd clusterPoints(Index n, int dim)
{
    constexpr int clusters = 20;
    Rng rng(0);
    Eigen::MatrixXd centres(clusters, dim), points(n, dim);
    for (int c = 0; c < clusters; ++c)
        for (int j = 0; j < dim; ++j) centres(c, j) = rng.randn() * 1.5;
    char buf[32];
    for (Index i = 0; i < n; ++i)
        for (int j = 0; j < dim; ++j) {
            const double x = centres(i % clusters, j) + rng.randn();
            const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 6);
            std::from_chars(buf, r.ptr, points(i, j));
        }
    return points;
}

void benchTsne(const VectorsBenchSettings& s, VectorsBenchContext&, QJsonObject& json, QStringList& text)
{
    QJsonArray runs;
    for (const Index n : s.tsneSizes) {
        const Eigen::MatrixXd points = clusterPoints(n, s.dim);
        const auto t0 = std::chrono::steady_clock::now();
        double kl = 0;
        runTsne(points, TsneOptions{}, &kl);
        const double seconds = secondsSince(t0);
        runs.append(QJsonObject{{"points", double(n)}, {"seconds", seconds}, {"kl", kl}});
        text << QString("tsne: %1 points x %2, Barnes-Hut theta 0.5, 1000 iterations: %3 s (KL %4)")
                    .arg(n).arg(s.dim).arg(seconds, 0, 'f', 2).arg(kl, 0, 'f', 4);
    }
    json["tsne"] = runs;
}

const std::vector<VectorsBenchPart>& benchParts()
{
    static const std::vector<VectorsBenchPart> parts = {
        {"load", benchLoad},
        {"neighbors", benchNeighbors},
        {"tsne", benchTsne},
    };
    return parts;
}

int benchVectors(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"words", "Words in the synthetic file.", "N", "400000"});
    p.addOption({"dim", "Values per word.", "D", "50"});
    p.addOption({"seed", "Seed of the synthetic values and of the query words.", "S", "1"});
    p.addOption({"load-reps", "Loads timed (the best is reported).", "K", "3"});
    p.addOption({"queries", "Neighbour queries timed (the median is reported).", "K", "50"});
    p.addOption({"keep", "Write the synthetic file here and keep it (for bench_gensim_vectors.py --vectors).", "FILE"});
    p.addOption({"vectors", "Time this file instead of a synthetic one.", "FILE"});
    p.addOption({"tsne-sizes", "Points of the t-SNE runs, comma-separated (none: 0).", "N,N", "1000,5000,10000"});
    if (!parseCommandLine(p, args, "Word vectors: load time of a synthetic GloVe-format file, nearest-neighbour query "
                                   "time (scripts/bench/bench_gensim_vectors.py times gensim on the same file) and "
                                   "Barnes-Hut t-SNE time (scripts/bench/bench_sklearn_tsne.py)."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    if (p.isSet("keep") && p.isSet("vectors")) throw InputError("--keep and --vectors exclude each other");
    VectorsBenchSettings s;
    s.loadReps = int(intOption(p, "load-reps", 1, 100));
    s.queries = int(intOption(p, "queries", 1, 100000));
    s.seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    const auto words = intOption(p, "words", 1, 100000000);
    const int dim = int(intOption(p, "dim", 1, 4096));
    s.dim = dim;
    s.tsneSizes.clear();
    for (const QString& n : p.value("tsne-sizes").split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = n.trimmed().toLongLong(&ok);
        if (!ok || v < 0 || v > 1000000)
            throw InputError("--tsne-sizes: '" + n.toStdString() + "' is not a number of points from 0 to 1000000");
        if (v >= 100) s.tsneSizes.push_back(Index(v));
        else if (v != 0) throw InputError("--tsne-sizes: " + n.toStdString() + " points is below the minimum of 100");
    }

    VectorsBenchContext c;
    QTemporaryDir tmp;
    double writeSeconds = 0;
    if (p.isSet("vectors")) {
        c.file = p.value("vectors").toStdString();
    } else {
        if (p.isSet("keep")) {
            c.file = p.value("keep").toStdString();
        } else {
            if (!tmp.isValid()) throw InputError("cannot create a temporary directory for the synthetic file");
            c.file = std::filesystem::path(tmp.path().toStdString()) / "synthetic-vectors.txt";
        }
        const auto t0 = std::chrono::steady_clock::now();
        writeSyntheticFile(c.file, words, dim, s.seed);
        writeSeconds = secondsSince(t0);
    }
    QJsonObject json;
    QStringList text;
    json["file"] = p.isSet("vectors") || p.isSet("keep") ? QString::fromStdString(c.file.string()) : "synthetic";
    json["threads"] = threadCount();
    for (const auto& part : benchParts()) part.run(s, c, json, text);
    if (jsonRequested(p)) {
        json["write_seconds"] = writeSeconds;
        printJson(json);
    } else {
        printText(text.join('\n'));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "vectors",
    .title = "word vectors (GloVe, word2vec): similarity, analogies, debiasing, projections",
    .benches = {{"vectors", "word vectors: load a 400k x 50 GloVe-format file, nearest-neighbour query, Barnes-Hut t-SNE", benchVectors}},
    .verbs = {},
}};

} // namespace

} // namespace unroll::cli
