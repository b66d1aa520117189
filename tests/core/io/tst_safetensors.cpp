// Tests for io/AtomicFile, io/Safetensors and io/ModelFile. Independent references: the numpy reader of
// docs/formats.md (tests/data/model_fixture.numpy.json, made by scripts/refs/make_safetensors_reference.py from
// tests/data/model_fixture.safetensors) and a file written by numpy alone (tests/data/numpy_written.safetensors).
// tests/data/model_fixture_v1.safetensors is the same model as written by format_version 1 (kind "char-lstm", no
// vocab_type), kept byte for byte so that files of the old version are shown to open; never regenerate it.
// To regenerate the fixtures after a deliberate format change (the first command rewrites the Unroll-written one):
//   UNROLL_REGENERATE_FIXTURES=1 tst_safetensors writerReproducesFixtureBytes
//   /usr/bin/python3 scripts/refs/make_safetensors_reference.py
#include "io/AtomicFile.hpp"
#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"
#include "util/Error.hpp"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <limits>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace unroll;
namespace fs = std::filesystem;

namespace {

fs::path dataPath(const char* name) { return fs::path(UNROLL_TEST_DATA_DIR) / name; }

std::string readBytes(const fs::path& path)
{
    QFile f(QString::fromStdString(path.string()));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray all = f.readAll();
    return std::string(all.constData(), static_cast<std::size_t>(all.size()));
}

std::vector<std::string> dirEntries(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string u64le(std::uint64_t v)
{
    std::string s;
    for (int i = 0; i < 8; ++i)
        s += static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

// A .safetensors file from a header text and data bytes, without padding: the tests decide every byte.
std::string stFile(std::string_view header, std::string_view data = {})
{
    return u64le(header.size()) + std::string(header) + std::string(data);
}

std::string f32le(std::initializer_list<float> values)
{
    std::string s;
    for (float v : values) {
        const auto bits = std::bit_cast<std::uint32_t>(v);
        for (int i = 0; i < 4; ++i)
            s += static_cast<char>((bits >> (8 * i)) & 0xFF);
    }
    return s;
}

std::string f64le(std::initializer_list<double> values)
{
    std::string s;
    for (double v : values) {
        const auto bits = std::bit_cast<std::uint64_t>(v);
        for (int i = 0; i < 8; ++i)
            s += static_cast<char>((bits >> (8 * i)) & 0xFF);
    }
    return s;
}

// The message of the E thrown by f, or a null QString if f returned. Other exceptions propagate and fail the test.
template <class E, class F> QString messageOf(F&& f)
{
    try {
        f();
    } catch (const E& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

#define VERIFY_THROWS_WITH(Exception, expr, fragment)                                                                  \
    do {                                                                                                               \
        const QString message_ = messageOf<Exception>([&] { (void)(expr); });                                          \
        QVERIFY2(!message_.isNull(), "expected " #Exception " from " #expr);                                           \
        QVERIFY2(message_.contains(fragment), qPrintable("unexpected message: " + message_));                         \
    } while (0)

// Deterministic, non-trivial values made with exactly rounded IEEE operations only (a division and a power of two),
// so every platform computes the same floats: tensor t, element k.
float fixtureValue(int t, int k)
{
    const float numerator = static_cast<float>((k * 37 + t * 11) % 101 - 50);
    return std::ldexp(numerator / 7.0f, (k + t) % 5 - 2);
}

Tensor fixtureTensor(std::vector<std::int64_t> shape, int& t)
{
    Tensor tensor{std::move(shape), {}};
    tensor.data.resize(static_cast<std::size_t>(elementCount(tensor.shape)));
    for (std::size_t k = 0; k < tensor.data.size(); ++k)
        tensor.data[k] = fixtureValue(t, static_cast<int>(k));
    ++t;
    return tensor;
}

// The content of tests/data/model_fixture.safetensors: a 2-layer LSTM-shaped character model (n_x = n_y = 7,
// n_a = 3) with a vocabulary of 1- to 4-byte UTF-8 characters, and a 3-D tensor holding float edge values.
ModelFile fixtureModel()
{
    ModelFile m;
    m.kind = "charlm";
    m.hyper = {{"n_x", "7"}, {"n_a", "3"}, {"n_y", "7"}, {"layers", "2"}, {"cell", "lstm"}};
    m.vocab = {"\n", " ", "a", "z", "\xC3\xA9" /* é */, "\xE2\x82\xAC" /* € */, "\xF0\x9D\x84\x9E" /* 𝄞 */};
    m.normalization = "lowercase";
    int t = 0;
    const std::int64_t n_x = 7, n_a = 3, n_y = 7;
    for (int layer = 0; layer < 2; ++layer) {
        const std::int64_t n_in = layer == 0 ? n_x : n_a;
        for (const char* w : {"Wf", "Wi", "Wc", "Wo"})
            m.tensors[recurrentTensorName(w, layer, 2)] = fixtureTensor({n_a, n_a + n_in}, t);
        for (const char* b : {"bf", "bi", "bc", "bo"})
            m.tensors[recurrentTensorName(b, layer, 2)] = fixtureTensor({n_a, 1}, t);
    }
    m.tensors["Wya"] = fixtureTensor({n_y, n_a}, t);
    m.tensors["by"] = fixtureTensor({n_y, 1}, t);
    Tensor cube = fixtureTensor({2, 3, 4}, t);
    const float edges[] = {-0.0f,
                           std::numeric_limits<float>::denorm_min(),
                           std::numeric_limits<float>::min(),
                           std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::lowest(),
                           0.1f,
                           1.0f / 3.0f,
                           1e-20f};
    std::copy(std::begin(edges), std::end(edges), cube.data.begin());
    m.tensors["test.cube"] = cube;
    return m;
}

TensorFile smallFile()
{
    TensorFile f;
    f.metadata = {{"k", "v"}, {"unicode", "\xC3\xA9\xE2\x82\xAC"}};
    f.tensors["b"] = Tensor{{2, 3}, {1, 2, 3, 4, 5, 6}};
    f.tensors["a"] = Tensor{{3}, {-1.5f, 0.25f, 1e-3f}};
    f.tensors["scalar"] = Tensor{{}, {42.0f}};
    f.tensors["empty"] = Tensor{{0, 5}, {}};
    return f;
}

bool sameBits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    // encoding
    void roundTripPreservesContent();
    void encodingIsDeterministicAndPadded();
    void encodingMatchesHandWrittenBytes();
    void encodeRejectsInconsistentContent();

    // Eigen <-> tensor
    void tensorFromMatrixIsRowMajor();
    void tensorFromMatrixConvertsDoublesAndBlocks();
    void matrixFromTensorInvertsTensorFromMatrix();
    void matrixFromTensorRejectsOtherRanks();

    // independent references
    void readsFixtureAsTheNumpyReaderDoes();
    void writerReproducesFixtureBytes();
    void readsFileWrittenByNumpy();

    // corrupt input
    void rejectsStructuralViolations_data();
    void rejectsStructuralViolations();
    void acceptsValidEdgeCases();
    void rejectsEveryTruncationOfTheFixture();
    void rejectsEveryInvertedHeaderByte();
    void bitFlipsNeverEscapeAsOtherErrors();
    void readReportsMissingFileAsInputError();

    // model file
    void modelRoundTripKeepsEverything();
    void modelMetadataIsAllStrings();
    void modelRefusesUnknownOrNewerVersions();
    void modelRefusesNonModelFiles();
    void modelOfVersionOneOpensAsVersionTwo();
    void wordVocabularyRoundTripsByteExact();
    void modelRejectsMalformedWordVocab();
    void modelRejectsMalformedVocab();
    void saveModelRejectsBadContent();
    void recurrentTensorNameFollowsConvention();

    // atomic writes
    void atomicWriteReplacesFileAndLeavesNoTemporary();
    void atomicWriteFailureKeepsOldFile();
    void atomicWriteIntoReadOnlyDirectoryFails();
    void atomicWriteIntoMissingDirectoryNamesPath();
    void atomicWriteOverDirectoryLeavesNoTemporary();
    void atomicWriteKeepsPermissionsAndSymlinks();
};

void TestSafetensors::initTestCase()
{
    if (qEnvironmentVariableIsSet("UNROLL_REGENERATE_FIXTURES"))
        saveModel(dataPath("model_fixture.safetensors"), fixtureModel());
    QVERIFY2(fs::exists(dataPath("model_fixture.safetensors")), "fixture missing; see the comment at the top");
}

// ---- encoding ----------------------------------------------------------------------------------------------------

void TestSafetensors::roundTripPreservesContent()
{
    const TensorFile original = smallFile();
    QCOMPARE(decodeSafetensors(encodeSafetensors(original), "memory"), original);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "small.safetensors";
    writeSafetensors(path, original);
    QCOMPARE(readSafetensors(path), original);
    QCOMPARE(readBytes(path), encodeSafetensors(original));
}

void TestSafetensors::encodingIsDeterministicAndPadded()
{
    const std::string a = encodeSafetensors(smallFile());
    QCOMPARE(encodeSafetensors(smallFile()), a);

    // The same content built in another order gives the same bytes.
    TensorFile reversed;
    const TensorFile small = smallFile();
    for (auto it = small.tensors.rbegin(); it != small.tensors.rend(); ++it)
        reversed.tensors.emplace(it->first, it->second);
    for (auto it = small.metadata.rbegin(); it != small.metadata.rend(); ++it)
        reversed.metadata.emplace(it->first, it->second);
    QCOMPARE(encodeSafetensors(reversed), a);

    // u64 LE header length, header padded with spaces to 8-byte alignment, data right after.
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(a[static_cast<std::size_t>(i)]);
    QCOMPARE((8 + n) % 8, std::uint64_t{0});
    QCOMPARE(a[8], '{');
    const std::string header = a.substr(8, n);
    const auto close = header.find_last_of('}');
    QVERIFY(close != std::string::npos);
    QVERIFY(close + 8 > header.size()); // at most 7 padding bytes
    QCOMPARE(header.find_first_not_of(' ', close + 1), std::string::npos);
    QCOMPARE(a.size(), 8 + n + 4 * (6 + 3 + 1 + 0));
}

void TestSafetensors::encodingMatchesHandWrittenBytes()
{
    // Expected bytes spelled out from the format description (Safetensors.hpp): compact JSON with sorted keys,
    // data in name order ("a" before "b"), then padding to 8 + N = 96.
    TensorFile f;
    f.metadata = {{"k", "v"}};
    f.tensors["b"] = Tensor{{1}, {2.0f}};
    f.tensors["a"] = Tensor{{2, 1}, {1.0f, -1.0f}};
    const std::string header = R"({"__metadata__":{"k":"v"},"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2,1]},)"
                               R"("b":{"data_offsets":[8,12],"dtype":"F32","shape":[1]}})";
    const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
    const std::string expected = u64le(padded.size()) + padded + f32le({1.0f, -1.0f, 2.0f});
    QCOMPARE(encodeSafetensors(f), expected);
    // 1.0f = 0x3F800000 little-endian
    QCOMPARE(expected.substr(8 + padded.size(), 4), std::string("\x00\x00\x80\x3F", 4));
}

void TestSafetensors::encodeRejectsInconsistentContent()
{
    TensorFile f;
    f.tensors["w"] = Tensor{{2, 3}, {1, 2, 3}};
    VERIFY_THROWS_WITH(InputError, encodeSafetensors(f), "holds 6 values but the data has 3");

    f.tensors["w"] = Tensor{{-2, 3}, {}};
    VERIFY_THROWS_WITH(InputError, encodeSafetensors(f), "negative");

    f.tensors.clear();
    f.tensors["__metadata__"] = Tensor{{1}, {1}};
    VERIFY_THROWS_WITH(InputError, encodeSafetensors(f), "reserves");

    f.tensors.clear();
    f.tensors["bad\xFFname"] = Tensor{{1}, {1}};
    VERIFY_THROWS_WITH(InputError, encodeSafetensors(f), "not valid UTF-8");

    f.tensors.clear();
    f.metadata["key"] = std::string(1, '\xC3'); // a lead byte without its continuation
    VERIFY_THROWS_WITH(InputError, encodeSafetensors(f), "metadata value for key \"key\"");
}

// ---- Eigen <-> tensor --------------------------------------------------------------------------------------------

void TestSafetensors::tensorFromMatrixIsRowMajor()
{
    Eigen::MatrixXf m(3, 4); // column-major in memory
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j)
            m(i, j) = static_cast<float>(10 * i + j);
    const Tensor t = tensorFromMatrix(m);
    QCOMPARE(t.shape, (std::vector<std::int64_t>{3, 4}));
    QCOMPARE(t.data.size(), std::size_t{12});
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j)
            QCOMPARE(t.data[static_cast<std::size_t>(i * 4 + j)], m(i, j)); // numpy's a.ravel(order="C")
    // ... and not Eigen's storage order, which would put m(1, 0) second.
    QCOMPARE(t.data[1], 1.0f);
    QCOMPARE(m.data()[1], 10.0f);

    const Eigen::VectorXf bias = Eigen::VectorXf::LinSpaced(5, 0.0f, 4.0f);
    const Tensor b = tensorFromMatrix(bias);
    QCOMPARE(b.shape, (std::vector<std::int64_t>{5, 1})); // the course keeps biases 2-D: (n_a, 1)
    QCOMPARE(b.data, (std::vector<float>{0, 1, 2, 3, 4}));
}

void TestSafetensors::tensorFromMatrixConvertsDoublesAndBlocks()
{
    Eigen::MatrixXd d(2, 3);
    d << 0.1, 0.2, 0.3, 1e-300, -2.5, 1.0 / 3.0;
    const Tensor t = tensorFromMatrix(d);
    QCOMPARE(t.shape, (std::vector<std::int64_t>{2, 3}));
    const double expected[] = {0.1, 0.2, 0.3, 1e-300, -2.5, 1.0 / 3.0};
    for (std::size_t k = 0; k < 6; ++k)
        QVERIFY(sameBits(t.data[k], static_cast<float>(expected[k])));

    // A block has an outer stride: the conversion must follow the logical indices, not the memory.
    Eigen::MatrixXf big(4, 5);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 5; ++j)
            big(i, j) = static_cast<float>(100 * i + j);
    const Tensor block = tensorFromMatrix(big.block(1, 2, 2, 3));
    QCOMPARE(block.data, (std::vector<float>{102, 103, 104, 202, 203, 204}));
    const Tensor transposed = tensorFromMatrix(Eigen::MatrixXf(big.transpose()));
    QCOMPARE(transposed.shape, (std::vector<std::int64_t>{5, 4}));
    QCOMPARE(transposed.data[1], 100.0f);

    d(0, 0) = 1e300;
    VERIFY_THROWS_WITH(InputError, tensorFromMatrix(d), "too large to store as a float");
    d(0, 0) = std::numeric_limits<double>::infinity(); // infinities and NaN pass through unchanged
    QVERIFY(std::isinf(tensorFromMatrix(d).data[0]));
}

void TestSafetensors::matrixFromTensorInvertsTensorFromMatrix()
{
    Eigen::MatrixXf m(3, 2);
    m << 1, 2, 3, 4, 5, 6;
    QCOMPARE(matrixFromTensor<float>(tensorFromMatrix(m)), m);
    const Eigen::MatrixXd md = matrixFromTensor<double>(Tensor{{2, 2}, {1, 2, 3, 4}});
    QCOMPARE(md(0, 1), 2.0);
    QCOMPARE(md(1, 0), 3.0);

    const Eigen::MatrixXf column = matrixFromTensor<float>(Tensor{{3}, {7, 8, 9}});
    QCOMPARE(column.rows(), Eigen::Index{3});
    QCOMPARE(column.cols(), Eigen::Index{1});
    QCOMPARE(column(2, 0), 9.0f);

    const Eigen::MatrixXf empty = matrixFromTensor<float>(Tensor{{0, 4}, {}});
    QCOMPARE(empty.rows(), Eigen::Index{0});
    QCOMPARE(empty.cols(), Eigen::Index{4});
}

void TestSafetensors::matrixFromTensorRejectsOtherRanks()
{
    VERIFY_THROWS_WITH(InputError, matrixFromTensor<float>(Tensor{{2, 2, 2}, std::vector<float>(8)}),
                       "shape [2, 2, 2] is not a matrix");
    VERIFY_THROWS_WITH(InputError, matrixFromTensor<double>(Tensor{{}, {1}}), "shape [] is not a matrix");
    VERIFY_THROWS_WITH(InputError, matrixFromTensor<float>(Tensor{{2, 2}, {1, 2, 3}}), "must hold 4 values");
}

// ---- independent references -------------------------------------------------------------------------------------

void TestSafetensors::readsFixtureAsTheNumpyReaderDoes()
{
    const TensorFile ours = readSafetensors(dataPath("model_fixture.safetensors"));

    QFile jsonFile(QString::fromStdString(dataPath("model_fixture.numpy.json").string()));
    QVERIFY2(jsonFile.open(QIODevice::ReadOnly), "run scripts/refs/make_safetensors_reference.py");
    QJsonParseError error;
    const QJsonObject numpy = QJsonDocument::fromJson(jsonFile.readAll(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);

    // Metadata: the same strings, byte for byte.
    const QJsonObject meta = numpy["metadata"].toObject();
    QCOMPARE(static_cast<std::size_t>(meta.size()), ours.metadata.size());
    for (const auto& [key, value] : ours.metadata)
        QCOMPARE(meta[QString::fromStdString(key)].toString().toStdString(), value);
    // The vocabulary as Python's json.loads decoded it.
    const QJsonArray vocab = numpy["vocab"].toArray();
    const ModelFile model = modelFromTensorFile(ours, "fixture");
    QCOMPARE(static_cast<std::size_t>(vocab.size()), model.vocab.size());
    for (qsizetype i = 0; i < vocab.size(); ++i)
        QCOMPARE(vocab[i].toString().toStdString(), model.vocab[static_cast<std::size_t>(i)]);

    // Tensors: same names, shapes, and row-major values; the reference holds each float32 as its exact decimal.
    const QJsonArray tensors = numpy["tensors"].toArray();
    QCOMPARE(static_cast<std::size_t>(tensors.size()), ours.tensors.size());
    for (const QJsonValue& entry : tensors) {
        const QJsonObject t = entry.toObject();
        const std::string name = t["name"].toString().toStdString();
        QVERIFY2(ours.tensors.count(name), name.c_str());
        const Tensor& mine = ours.tensors.at(name);
        QCOMPARE(t["dtype"].toString(), QString("float32"));
        std::vector<std::int64_t> shape;
        for (const QJsonValue& d : t["shape"].toArray())
            shape.push_back(d.toInteger());
        QCOMPARE(mine.shape, shape);
        const QJsonArray values = t["values"].toArray();
        QCOMPARE(static_cast<std::size_t>(values.size()), mine.data.size());
        for (qsizetype k = 0; k < values.size(); ++k) {
            const std::string text = values[k].toString().toStdString();
            double exact = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), exact);
            QVERIFY2(ec == std::errc() && end == text.data() + text.size(), text.c_str());
            const float got = mine.data[static_cast<std::size_t>(k)];
            // Every float is a double exactly, so the exact decimal parses to exactly double(got) (sign of 0 too).
            QVERIFY2(std::bit_cast<std::uint64_t>(static_cast<double>(got)) == std::bit_cast<std::uint64_t>(exact),
                     qPrintable(QString("%1[%2]: ours %3, numpy %4")
                                    .arg(QString::fromStdString(name))
                                    .arg(k)
                                    .arg(static_cast<double>(got), 0, 'g', 17)
                                    .arg(QString::fromStdString(text))));
        }
    }
    // The fixture holds what fixtureModel() says it holds.
    QCOMPARE(model, fixtureModel());
}

void TestSafetensors::writerReproducesFixtureBytes()
{
    const std::string fixture = readBytes(dataPath("model_fixture.safetensors"));
    QVERIFY(!fixture.empty());
    QVERIFY2(fixture.size() < 8192, "the fixture should stay a few KB");
    QCOMPARE(encodeSafetensors(toTensorFile(fixtureModel())), fixture);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "model.safetensors";
    saveModel(path, fixtureModel());
    QCOMPARE(readBytes(path), fixture);
    // Re-encoding what we read gives the same bytes again.
    QCOMPARE(encodeSafetensors(decodeSafetensors(fixture, "fixture")), fixture);
}

void TestSafetensors::readsFileWrittenByNumpy()
{
    // Written by write_safetensors() in scripts/refs/make_safetensors_reference.py: json.dumps with its default
    // separators and \u escapes, tensors in insertion order (not name order), an F64 tensor, a 0-size and a 0-d one.
    QVERIFY2(fs::exists(dataPath("numpy_written.safetensors")), "run scripts/refs/make_safetensors_reference.py");
    const TensorFile f = readSafetensors(dataPath("numpy_written.safetensors"));
    QCOMPARE(f.metadata.at("format"), std::string("numpy-test"));
    QCOMPARE(f.metadata.at("note"), std::string("\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E")); // é€𝄞 from \u escapes
    QCOMPARE(f.tensors.size(), std::size_t{5});

    const Tensor& zeta = f.tensors.at("zeta"); // np.arange(6, dtype=float32).reshape(2, 3) / float32(7)
    QCOMPARE(zeta.shape, (std::vector<std::int64_t>{2, 3}));
    for (int k = 0; k < 6; ++k)
        QVERIFY(sameBits(zeta.data[static_cast<std::size_t>(k)], static_cast<float>(k) / 7.0f));

    const Tensor& alpha = f.tensors.at("alpha"); // float64 [0.1, -2.5, 1/3], read as float
    QCOMPARE(alpha.shape, (std::vector<std::int64_t>{3}));
    QVERIFY(sameBits(alpha.data[0], static_cast<float>(0.1)));
    QVERIFY(sameBits(alpha.data[1], -2.5f));
    QVERIFY(sameBits(alpha.data[2], static_cast<float>(1.0 / 3.0)));

    QCOMPARE(f.tensors.at("empty").shape, (std::vector<std::int64_t>{0, 4}));
    QVERIFY(f.tensors.at("empty").data.empty());
    QCOMPARE(f.tensors.at("scalar"), (Tensor{{}, {3.25f}}));

    const Tensor& cube = f.tensors.at("cube"); // np.arange(8, dtype=float32).reshape(2, 2, 2) - 3.5
    QCOMPARE(cube.shape, (std::vector<std::int64_t>{2, 2, 2}));
    for (int k = 0; k < 8; ++k)
        QCOMPARE(cube.data[static_cast<std::size_t>(k)], static_cast<float>(k) - 3.5f);
}

// ---- corrupt input -----------------------------------------------------------------------------------------------

void TestSafetensors::rejectsStructuralViolations_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fragment");

    const auto row = [](const char* name, const std::string& bytes, const char* fragment) {
        QTest::newRow(name) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())) << QString(fragment);
    };
    const std::string one = f32le({1.0f});
    const std::string two = f32le({1.0f, 2.0f});
    const auto entry = [](const std::string& fields) { return R"({"a":{)" + fields + "}}"; };
    const auto entries = [](const std::string& a, const std::string& b) {
        return R"({"a":{)" + a + R"(},"b":{)" + b + "}}";
    };
    const auto f32 = [](const std::string& shape, int begin, int end) { // the fields of a valid-looking F32 entry
        return R"("dtype":"F32","shape":)" + shape + R"(,"data_offsets":[)" + std::to_string(begin) + "," +
               std::to_string(end) + "]";
    };

    row("3 bytes", std::string("\x01\x02\x03", 3), "3 bytes long, shorter than the 8-byte header length");
    row("empty file", std::string(), "0 bytes long");
    row("header beyond file", u64le(100) + "{}", "header length 100 (file bytes [0, 8)) is larger than the 2 bytes");
    row("absurd header length", u64le(200'000'000) + "{}", "larger than the 100000000 bytes");
    row("header length 2^64-1", u64le(~std::uint64_t{0}) + "{}", "larger than the 100000000 bytes");
    row("empty header", stFile(""), "must start with '{'");
    row("header is a list", stFile("[1]"), "must start with '{'");
    row("header starts with space", stFile(" {}"), "must start with '{'");
    row("not JSON", stFile(R"({"a":})"), "is not valid JSON, error at file byte 13");
    row("trailing garbage", stFile("{}x"), "is not valid JSON");
    row("unterminated", stFile(R"({"a":{"dtype":"F32")"), "is not valid JSON");
    row("invalid UTF-8 in a key", stFile("{\"\xFF\":1}"), "is not valid JSON");
    row("NUL padding", stFile(std::string("{}\0\0", 4)), "NUL byte at file byte 10");
    row("text hidden after NUL", stFile(std::string("{}\0{\"a\":5}", 10)), "NUL byte at file byte 10");
    row("entry not an object", stFile(R"({"a":5})"), "tensor \"a\": the entry must be an object");
    row("missing dtype", stFile(entry(R"("shape":[1],"data_offsets":[0,4])"), one), "has no \"dtype\"");
    row("missing shape", stFile(entry(R"("dtype":"F32","data_offsets":[0,4])"), one), "has no \"shape\"");
    row("missing data_offsets", stFile(entry(R"("dtype":"F32","shape":[1])"), one), "has no \"data_offsets\"");
    row("unknown field", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1)"), one),
        "unexpected field \"x\"");
    row("unsupported dtype", stFile(entry(R"("dtype":"F16","shape":[2],"data_offsets":[0,4])"), one),
        "dtype \"F16\" is not supported; Unroll reads F32 and F64");
    row("unknown dtype", stFile(entry(R"("dtype":"Q7","shape":[1],"data_offsets":[0,4])"), one),
        "unknown dtype \"Q7\"");
    row("dtype not a string", stFile(entry(R"("dtype":4,"shape":[1],"data_offsets":[0,4])"), one),
        "dtype must be a string");
    row("negative shape", stFile(entry(R"("dtype":"F32","shape":[-1],"data_offsets":[0,4])"), one),
        "shape[0] is negative (-1)");
    row("fractional shape", stFile(entry(R"("dtype":"F32","shape":[1.5],"data_offsets":[0,4])"), one),
        "shape[0] is not an integer (1.5)");
    row("float-typed shape", stFile(entry(R"("dtype":"F32","shape":[1,1.0],"data_offsets":[0,4])"), one),
        "shape[1] is not an integer");
    row("shape not a list", stFile(entry(R"("dtype":"F32","shape":1,"data_offsets":[0,4])"), one),
        "shape must be a list");
    row("shape of strings", stFile(entry(R"("dtype":"F32","shape":["1"],"data_offsets":[0,4])"), one),
        "shape[0] is a string");
    row("huge shape wrapping to 0", stFile(entry(f32("[4294967296,4294967296]", 0, 0))),
        "more bytes than a 64-bit size can count");
    row("huge shape", stFile(entry(R"("dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4])"), one),
        "more bytes than a 64-bit size can count");
    row("shape beyond int64", stFile(entry(f32("[18446744073709551615]", 0, 4)), one),
        "is too large");
    row("one offset", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":[0])"), one),
        "data_offsets must be a list [begin, end]");
    row("offsets not a list", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":"0,4")"), one),
        "data_offsets must be a list [begin, end]");
    row("negative offset", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":[-4,0])"), one),
        "data_offsets[0] is negative");
    row("fractional offset", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":[0,4.5])"), one),
        "data_offsets[1] is not an integer");
    row("reversed offsets", stFile(entry(R"("dtype":"F32","shape":[0],"data_offsets":[4,0])"), one),
        "data_offsets [4, 0] end before they begin");
    row("offsets beyond buffer", stFile(entry(R"("dtype":"F32","shape":[2],"data_offsets":[0,8])"), one),
        "reach beyond the data buffer, which has 4 bytes");
    row("size does not match shape",
        stFile(entry(R"("dtype":"F32","shape":[2],"data_offsets":[0,4])"), one),
        "data_offsets [0, 4] span 4 bytes but shape [2] of F32 needs 2 x 4 = 8 bytes");
    row("F64 size is 8 per value", stFile(entry(R"("dtype":"F64","shape":[2],"data_offsets":[0,8])"), two),
        "needs 2 x 8 = 16 bytes");
    row("overlap",
        stFile(entries(f32("[2]", 0, 8), f32("[1]", 4, 8)), two),
        "tensors \"a\" and \"b\" overlap");
    row("same offsets twice",
        stFile(entries(f32("[1]", 0, 4), f32("[1]", 0, 4)), one),
        "overlap");
    row("hole between tensors",
        stFile(entries(f32("[1]", 0, 4), f32("[1]", 8, 12)), f32le({1, 2, 3})),
        "the data buffer has a hole");
    row("hole at the start", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":[4,8])"), two),
        "belong to no tensor");
    row("trailing bytes", stFile(entry(R"("dtype":"F32","shape":[1],"data_offsets":[0,4])"), two),
        "the data buffer has 4 bytes after the last tensor");
    row("data but no tensors", stFile("{}", "x"), "1 bytes after the last tensor");
    row("metadata not an object", stFile(R"({"__metadata__":["a"]})"), "\"__metadata__\" must be an object");
    row("metadata null", stFile(R"({"__metadata__":null})"), "\"__metadata__\" must be an object");
    row("metadata value not a string", stFile(R"({"__metadata__":{"n":1}})"),
        "value for key \"n\" must be a string, found a number");
    row("duplicate tensor",
        stFile("{\"a\":{" + f32("[1]", 0, 4) + "},\"a\":{" + f32("[1]", 4, 8) + "}}", two),
        "the key \"a\" twice");
    row("duplicate field", stFile(entry(R"("dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4])"), one),
        "the key \"dtype\" twice");
    row("duplicate metadata key", stFile(R"({"__metadata__":{"k":"1","k":"2"}})"), "the key \"k\" twice");
    row("duplicate __metadata__", stFile(R"({"__metadata__":{},"__metadata__":{}})"), "twice");
    std::string ones = "[1";
    for (int i = 1; i < 65; ++i)
        ones += ",1";
    row("65 dimensions", stFile(entry(f32(ones + "]", 0, 4)), one), "a list of more than 64 elements");
    row("nested too deep", stFile(entry(R"("dtype":"F32","shape":[[1]],"data_offsets":[0,4])"), one),
        "nests objects or lists deeper");
    row("F64 beyond float range", stFile(entry(R"("dtype":"F64","shape":[1],"data_offsets":[0,8])"), f64le({1e300})),
        "F64 value 1e+300 at element 0 (file byte ");
}

void TestSafetensors::rejectsStructuralViolations()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fragment);
    const std::string_view view(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    const QString message = messageOf<FormatError>([&] { decodeSafetensors(view, "case.safetensors"); });
    QVERIFY2(!message.isNull(), "no FormatError");
    QVERIFY2(message.startsWith("case.safetensors: "), qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

void TestSafetensors::acceptsValidEdgeCases()
{
    // An empty file: no tensors, no data.
    QCOMPARE(decodeSafetensors(stFile("{}"), "x"), TensorFile{});

    // An unpadded header, whitespace, \u escapes, tensors stored out of name order, a 0-size tensor between two,
    // a scalar, F64 converted to float: all valid per the format.
    const std::string header =
        "{ \"b\" : {\"dtype\":\"F32\", \"shape\":[2], \"data_offsets\":[0, 8]},\n"
        "  \"a\\u00e9\" : {\"shape\":[], \"data_offsets\":[8,12], \"dtype\":\"F32\"},\n"
        "  \"z\": {\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[12,12]},\n"
        "  \"d\": {\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[12,28]},\n"
        "  \"__metadata__\": {\"\\ud834\\udd1e\": \"\\n\"} }\t\r\n";
    QVERIFY(header.size() % 8 != 0);
    const TensorFile f = decodeSafetensors(stFile(header, f32le({1, 2, 3}) + f64le({0.5, -1e-3})), "x");
    QCOMPARE(f.tensors.size(), std::size_t{4});
    QCOMPARE(f.tensors.at("b"), (Tensor{{2}, {1, 2}}));
    QCOMPARE(f.tensors.at("a\xC3\xA9"), (Tensor{{}, {3}}));
    QCOMPARE(f.tensors.at("z"), (Tensor{{3, 0}, {}}));
    QCOMPARE(f.tensors.at("d"), (Tensor{{1, 2}, {0.5f, static_cast<float>(-1e-3)}}));
    QCOMPARE(f.metadata.at("\xF0\x9D\x84\x9E"), std::string("\n"));

    // Zero-size tensors may share an offset with each other and with the end of the buffer.
    const TensorFile g = decodeSafetensors(
        stFile(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
               R"("c":{"dtype":"F32","shape":[0,7],"data_offsets":[4,4]}})",
               f32le({5})),
        "x");
    QCOMPARE(g.tensors.at("b").data, std::vector<float>{5});

    // 64 dimensions, the most a list may hold.
    std::string ones = "[1";
    for (int i = 1; i < 64; ++i)
        ones += ",1";
    const std::string header64 = R"({"a":{"dtype":"F32","shape":)" + ones + R"(],"data_offsets":[0,4]}})";
    QCOMPARE(decodeSafetensors(stFile(header64, f32le({7})), "x").tensors.at("a").shape.size(), std::size_t{64});

    // Non-finite values pass through unchanged.
    const TensorFile h = decodeSafetensors(
        stFile(R"({"n":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}})",
               f64le({std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})),
        "x");
    QVERIFY(std::isinf(h.tensors.at("n").data[0]));
    QVERIFY(std::isnan(h.tensors.at("n").data[1]));
}

void TestSafetensors::rejectsEveryTruncationOfTheFixture()
{
    const std::string fixture = readBytes(dataPath("model_fixture.safetensors"));
    QVERIFY(fixture.size() > 100);
    for (std::size_t length = 0; length < fixture.size(); ++length) {
        // A copy of exactly `length` bytes, so that ASan catches any read past the end.
        const std::unique_ptr<char[]> prefix(new char[length > 0 ? length : 1]);
        std::memcpy(prefix.get(), fixture.data(), length);
        const QString message =
            messageOf<FormatError>([&] { decodeSafetensors(std::string_view(prefix.get(), length), "cut"); });
        QVERIFY2(!message.isNull(), qPrintable(QString("no FormatError at length %1").arg(length)));
    }
    // And from disk, through the model loader.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "cut.safetensors";
    writeFileAtomically(path, std::string_view(fixture).substr(0, fixture.size() - 1));
    VERIFY_THROWS_WITH(FormatError, loadModel(path), QString::fromStdString(path.string()));
}

void TestSafetensors::rejectsEveryInvertedHeaderByte()
{
    // Inverting a byte of the JSON header (or its padding) always leaves invalid UTF-8, a control character or an
    // invalid token, so every such file must be refused.
    const std::string fixture = readBytes(dataPath("model_fixture.safetensors"));
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(fixture[static_cast<std::size_t>(i)]);
    for (std::size_t i = 0; i < 8 + n; ++i) {
        std::string bad = fixture;
        bad[i] = static_cast<char>(~static_cast<unsigned char>(bad[i]));
        const QString message = messageOf<FormatError>([&] { decodeSafetensors(bad, "flipped"); });
        QVERIFY2(!message.isNull(), qPrintable(QString("no FormatError with byte %1 inverted").arg(i)));
    }
}

void TestSafetensors::bitFlipsNeverEscapeAsOtherErrors()
{
    // Every single-bit flip of the length and header either still parses (e.g. 'a' -> 'c' inside a string) or is
    // refused with FormatError, by the safetensors layer or the model layer: never a crash, never another exception.
    const std::string fixture = readBytes(dataPath("model_fixture.safetensors"));
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(fixture[static_cast<std::size_t>(i)]);
    int refused = 0, accepted = 0;
    for (std::size_t i = 0; i < 8 + n; ++i)
        for (int bit = 0; bit < 8; ++bit) {
            std::string bad = fixture;
            bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
            try {
                modelFromTensorFile(decodeSafetensors(bad, "flipped"), "flipped");
                ++accepted;
            } catch (const FormatError&) {
                ++refused;
            }
        }
    QVERIFY(refused > accepted); // most flips break the structure
    QVERIFY(accepted > 0);       // and some only change a name or a value
}

void TestSafetensors::readReportsMissingFileAsInputError()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path missing = fs::path(dir.path().toStdString()) / "nope.safetensors";
    const QString message = messageOf<InputError>([&] { readSafetensors(missing); });
    QVERIFY(message.contains(QString::fromStdString(missing.string())));
    QVERIFY(message.contains("no such file"));
    try {
        readSafetensors(missing);
        QFAIL("reading a missing file did not throw");
    } catch (const FormatError&) {
        QFAIL("an unreadable file must be an InputError, not a FormatError: it is not malformed");
    } catch (const InputError&) {
    }
    VERIFY_THROWS_WITH(InputError, readSafetensors(dir.path().toStdString()), "is a folder");
}

// ---- model file ----------------------------------------------------------------------------------------------------

void TestSafetensors::modelRoundTripKeepsEverything()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "model.safetensors";
    ModelFile model = fixtureModel();
    saveModel(path, model);
    QCOMPARE(loadModel(path), model);

    // A single-layer RNN with an empty hyper map and the default normalization.
    ModelFile rnn;
    rnn.kind = "char-rnn";
    rnn.vocab = {"a", "b"};
    rnn.tensors["Wax"] = Tensor{{1, 2}, {1, 2}};
    saveModel(path, rnn);
    const ModelFile back = loadModel(path);
    QCOMPARE(back, rnn);
    QCOMPARE(back.normalization, std::string("none"));
}

void TestSafetensors::modelMetadataIsAllStrings()
{
    const TensorFile f = toTensorFile(fixtureModel());
    QCOMPARE(f.metadata.at("format"), std::string("unroll-model"));
    QCOMPARE(f.metadata.at("format_version"), std::string("2"));
    QCOMPARE(f.metadata.at("kind"), std::string("charlm"));
    QCOMPARE(f.metadata.at("vocab_type"), std::string("chars"));
    QCOMPARE(f.metadata.at("normalization"), std::string("lowercase"));
    QCOMPARE(f.metadata.at("n_a"), std::string("3"));
    // The vocabulary is a JSON list in index order; multi-byte characters stay UTF-8, "\n" is escaped.
    QCOMPARE(f.metadata.at("vocab"),
             std::string("[\"\\n\",\" \",\"a\",\"z\",\"\xC3\xA9\",\"\xE2\x82\xAC\",\"\xF0\x9D\x84\x9E\"]"));
}

void TestSafetensors::modelRefusesUnknownOrNewerVersions()
{
    TensorFile f = toTensorFile(fixtureModel());
    f.metadata["format_version"] = "3";
    const QString newer = messageOf<FormatError>([&] { modelFromTensorFile(f, "future.safetensors"); });
    QVERIFY2(newer.contains("future.safetensors: format_version 3 is newer than this build of Unroll reads "
                            "format_version 2 (and the older 1)"),
             qPrintable(newer));

    for (const char* version : {"0", "1.0", "01", "abc", "", "-1", "99999999999999999999"}) {
        f.metadata["format_version"] = version;
        VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(f, "x"), "reads format_version 2");
    }
    f.metadata.erase("format_version");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(f, "x"), "no \"format_version\"");

    // Through the file: a newer file on disk is refused by loadModel.
    f.metadata["format_version"] = "7";
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "v7.safetensors";
    writeSafetensors(path, f);
    VERIFY_THROWS_WITH(FormatError, loadModel(path), "format_version 7 is newer");
}

void TestSafetensors::modelRefusesNonModelFiles()
{
    TensorFile plain;
    plain.tensors["w"] = Tensor{{1}, {1}};
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(plain, "plain"),
                       "plain: not an Unroll model file: its __metadata__ has no \"format\" key");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(plain, "plain"), "format_version 2");

    TensorFile other = toTensorFile(fixtureModel());
    other.metadata["format"] = "pt";
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(other, "x"), "format is \"pt\", expected \"unroll-model\"");

    for (const char* key : {"kind", "vocab_type", "vocab", "normalization"}) {
        TensorFile missing = toTensorFile(fixtureModel());
        missing.metadata.erase(key);
        VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(missing, "x"), QString("has no \"%1\"").arg(key));
    }
}

void TestSafetensors::modelOfVersionOneOpensAsVersionTwo()
{
    // The fixture as version 1 wrote it: the same model, its kind "char-lstm" read as "charlm" (cell already "lstm").
    const TensorFile v1 = readSafetensors(dataPath("model_fixture_v1.safetensors"));
    QCOMPARE(v1.metadata.at("format_version"), std::string("1"));
    QCOMPARE(v1.metadata.at("kind"), std::string("char-lstm"));
    QCOMPARE(v1.metadata.count("vocab_type"), std::size_t(0));
    QCOMPARE(loadModel(dataPath("model_fixture_v1.safetensors")), fixtureModel());

    // A version-1 kind moves its cell into the hyper-parameters when they lack it; other kinds pass unchanged.
    TensorFile f = toTensorFile(fixtureModel());
    f.metadata["format_version"] = "1";
    f.metadata.erase("vocab_type");
    f.metadata.erase("cell");
    f.metadata["kind"] = "bptt-gru";
    ModelFile m = modelFromTensorFile(f, "old");
    QCOMPARE(m.kind, std::string("bptt"));
    QCOMPARE(m.hyper.at("cell"), std::string("gru"));
    QCOMPARE(m.vocabType, VocabType::Chars);
    f.metadata["kind"] = "other";
    f.metadata["vocab_type"] = "x"; // not a reserved key in version 1: a hyper-parameter
    m = modelFromTensorFile(f, "old");
    QCOMPARE(m.kind, std::string("other"));
    QCOMPARE(m.hyper.at("vocab_type"), std::string("x"));
}

void TestSafetensors::wordVocabularyRoundTripsByteExact()
{
    ModelFile words;
    words.kind = "wordlm";
    words.vocabType = VocabType::Words;
    words.vocab = {"the",
                   "\xC3\xA9t\xC3\xA9" /* été */,
                   "\xE6\x97\xA5\xE6\x9C\xAC" /* 日本 */,
                   "\xF0\x9D\x84\x9E" /* 𝄞 */,
                   "a b",
                   "\n",
                   "\xFF\xFE" "ab" /* not UTF-8 */,
                   "\xC3" /* a truncated é */,
                   std::string("nul\0byte", 8)};
    words.tensors["E"] = Tensor{{9, 2}, std::vector<float>(18, 0.5f)};
    const TensorFile f = toTensorFile(words);
    QCOMPARE(f.metadata.at("vocab_type"), std::string("words"));
    // Valid UTF-8 stays a readable string; a token that is not is the list of its bytes.
    QCOMPARE(f.metadata.at("vocab"), std::string("[\"the\",\"\xC3\xA9t\xC3\xA9\",\"\xE6\x97\xA5\xE6\x9C\xAC\","
                                                 "\"\xF0\x9D\x84\x9E\",\"a b\",\"\\n\",[255,254,97,98],[195],"
                                                 "\"nul\\u0000byte\"]"));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "words.safetensors";
    saveModel(path, words);
    const ModelFile back = loadModel(path);
    QCOMPARE(back, words);
    QCOMPARE(back.vocab[6], std::string("\xFF\xFE" "ab")); // byte for byte
}

void TestSafetensors::modelRejectsMalformedWordVocab()
{
    ModelFile m;
    m.kind = "wordlm";
    m.vocabType = VocabType::Words;
    m.vocab = {"a", ""};
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "vocab[1] = \"\" is empty");
    m.vocab = {"\xFF", "b", "\xFF"};
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "vocab[2] = \"\\xff\" appears twice; each token has one index");

    const auto withVocab = [](const std::string& type, const std::string& vocab) {
        TensorFile f = toTensorFile(fixtureModel());
        f.metadata["vocab_type"] = type;
        f.metadata["vocab"] = vocab;
        return f;
    };
    QCOMPARE(modelFromTensorFile(withVocab("words", "[\"ab\",[99,255]]"), "x").vocab,
             (std::vector<std::string>{"ab", "c\xFF"}));
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[[256]]"), "x"),
                       "vocab[0] holds 256, not a byte value from 0 to 255");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[[-1]]"), "x"), "not a byte value");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[[1.5]]"), "x"), "not a byte value");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[[]]"), "x"), "is empty");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[\"ab\",[97,98]]"), "x"), "appears twice");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[[[1]]]"), "x"), "nests deeper");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("words", "[{\"a\":1}]"), "x"), "holds objects");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("chars", "[[97]]"), "x"), "nests lists");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("tokens", "[]"), "x"),
                       "vocab_type is \"tokens\", expected \"chars\" or \"words\"");
}

void TestSafetensors::modelRejectsMalformedVocab()
{
    const auto withVocab = [](const std::string& vocab) {
        TensorFile f = toTensorFile(fixtureModel());
        f.metadata["vocab"] = vocab;
        return f;
    };
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("not json"), "x"), "text that is not JSON");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("{\"a\":1}"), "x"), "JSON that is not a list");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab(std::string("[\"a\"]\0[", 6)), "x"), "not JSON");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("[\"a\",1]"), "x"), "vocab[1] is not a string");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("[\"a\",\"bc\"]"), "x"),
                       "vocab[1] = \"bc\" is not exactly one character");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("[\"\"]"), "x"), "vocab[0] = \"\" is not exactly");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("[\"a\",\"b\",\"a\"]"), "x"),
                       "vocab[2] = \"a\" appears twice");
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("[[\"a\"]]"), "x"), "nests");
    // "e" + combining acute accent: two code points, though one glyph.
    VERIFY_THROWS_WITH(FormatError, modelFromTensorFile(withVocab("[\"e\\u0301\"]"), "x"), "not exactly one");
    // A 4-byte character written as a JSON surrogate pair is one character.
    QCOMPARE(modelFromTensorFile(withVocab("[\"\\ud834\\udd1e\"]"), "x").vocab,
             std::vector<std::string>{"\xF0\x9D\x84\x9E"});
}

void TestSafetensors::saveModelRejectsBadContent()
{
    ModelFile m = fixtureModel();
    m.hyper["vocab"] = "x";
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "hyper-parameter \"vocab\" has the name of a reserved");
    m = fixtureModel();
    m.vocab.push_back("ab");
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "is not exactly one character");
    m = fixtureModel();
    m.vocab.push_back("\xE2\x82"); // truncated €
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "is not exactly one character");
    m = fixtureModel();
    m.vocab.push_back("\xC0\xAF"); // overlong '/'
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "is not exactly one character");
    m = fixtureModel();
    m.kind.clear();
    VERIFY_THROWS_WITH(InputError, toTensorFile(m), "needs a kind");

    // A failed save leaves the previous file alone.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "m.safetensors";
    saveModel(path, fixtureModel());
    const std::string before = readBytes(path);
    VERIFY_THROWS_WITH(InputError, saveModel(path, m), "needs a kind");
    QCOMPARE(readBytes(path), before);
}

void TestSafetensors::recurrentTensorNameFollowsConvention()
{
    QCOMPARE(recurrentTensorName("Wax", 0, 1), std::string("Wax"));
    QCOMPARE(recurrentTensorName("Wf", 0, 2), std::string("layer0.Wf"));
    QCOMPARE(recurrentTensorName("bc", 1, 2), std::string("layer1.bc"));
    VERIFY_THROWS_WITH(InputError, recurrentTensorName("Wf", 2, 2), "layer 2 does not exist in a model of 2 layers");
}

// ---- atomic writes -------------------------------------------------------------------------------------------------

void TestSafetensors::atomicWriteReplacesFileAndLeavesNoTemporary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path root = dir.path().toStdString();
    const fs::path path = root / "out.bin";
    writeFileAtomically(path, "first");
    QCOMPARE(readBytes(path), std::string("first"));
    writeFileAtomically(path, std::string("sec\0nd", 6));
    QCOMPARE(readBytes(path), std::string("sec\0nd", 6));
    writeFileAtomically(path, "");
    QCOMPARE(readBytes(path), std::string());
    QCOMPARE(dirEntries(root), std::vector<std::string>{"out.bin"});
}

void TestSafetensors::atomicWriteFailureKeepsOldFile()
{
    // Make the OS refuse the write halfway (this works as root too, unlike a read-only directory): a file size limit
    // of 1 KiB turns the 1 MiB write into EFBIG. SIGXFSZ is ignored so that write() reports the error instead.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path root = dir.path().toStdString();
    const fs::path path = root / "model.safetensors";
    writeFileAtomically(path, "old content");

    rlimit saved{};
    QVERIFY(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 1024;
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    const QString message = messageOf<InputError>([&] { writeFileAtomically(path, std::string(1 << 20, 'x')); });
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, oldHandler);

    QVERIFY2(!message.isNull(), "the write did not fail");
    QVERIFY2(message.contains(QString::fromStdString(path.string())), qPrintable(message));
    QVERIFY2(message.contains("File too large"), qPrintable(message));
    QCOMPARE(readBytes(path), std::string("old content"));
    QCOMPARE(dirEntries(root), std::vector<std::string>{"model.safetensors"});
}

void TestSafetensors::atomicWriteIntoReadOnlyDirectoryFails()
{
    if (::geteuid() == 0)
        QSKIP("root ignores directory permissions; atomicWriteFailureKeepsOldFile covers the failure path");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path root = dir.path().toStdString();
    const fs::path path = root / "model.safetensors";
    writeFileAtomically(path, "old");
    fs::permissions(root, fs::perms::owner_read | fs::perms::owner_exec);
    const QString message = messageOf<InputError>([&] { writeFileAtomically(path, "new"); });
    fs::permissions(root, fs::perms::owner_all);
    QVERIFY(message.contains(QString::fromStdString(path.string())));
    QVERIFY2(message.contains("Permission denied"), qPrintable(message));
    QCOMPARE(readBytes(path), std::string("old"));
    QCOMPARE(dirEntries(root), std::vector<std::string>{"model.safetensors"});
}

void TestSafetensors::atomicWriteIntoMissingDirectoryNamesPath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = fs::path(dir.path().toStdString()) / "no" / "such" / "dir" / "m.safetensors";
    const QString message = messageOf<InputError>([&] { writeFileAtomically(path, "x"); });
    QVERIFY(message.contains(QString::fromStdString(path.string())));
    QVERIFY2(message.contains("No such file or directory"), qPrintable(message));
    VERIFY_THROWS_WITH(InputError, writeSafetensors(path, smallFile()), "No such file or directory");
}

void TestSafetensors::atomicWriteOverDirectoryLeavesNoTemporary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path root = dir.path().toStdString();
    fs::create_directory(root / "taken");
    VERIFY_THROWS_WITH(InputError, writeFileAtomically(root / "taken", "x"), "Is a directory");
    QCOMPARE(dirEntries(root), std::vector<std::string>{"taken"});
    QVERIFY(fs::is_directory(root / "taken"));
}

void TestSafetensors::atomicWriteKeepsPermissionsAndSymlinks()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path root = dir.path().toStdString();
    const fs::path path = root / "model.safetensors";
    writeFileAtomically(path, "a");
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    writeFileAtomically(path, "b");
    QCOMPARE(fs::status(path).permissions() & fs::perms::all,
             fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);

    const fs::path link = root / "latest.safetensors";
    fs::create_symlink(path, link);
    writeFileAtomically(link, "c");
    QVERIFY(fs::is_symlink(link));
    QCOMPARE(readBytes(path), std::string("c"));
    QCOMPARE(dirEntries(root), (std::vector<std::string>{"latest.safetensors", "model.safetensors"}));
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
