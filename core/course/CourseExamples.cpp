// The course's eight seeded examples (Sequence Models, week 1) on our RecurrentLayer / Linear / cellBackward; see
// CourseExamples.hpp. Also numpy's way of printing a float64 array, so the text matches the notebook's lines.
#include "course/CourseExamples.hpp"

#include "math/Rng.hpp"
#include "nn/Linear.hpp"
#include "nn/Recurrent.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace unroll {

// --- NdArray ---------------------------------------------------------------------------------------------------

namespace {

using IndexSpan = std::span<const std::int64_t>;

std::string indexString(IndexSpan index)
{
    std::string s;
    for (auto i : index) { // appended piecewise: "[" + std::to_string(i) trips GCC 12's -Wrestrict false positive
        s += '[';
        s += std::to_string(i);
        s += ']';
    }
    return s;
}

// Offset of a[index] (a prefix of the axes) in C order; throws std::out_of_range.
std::size_t offsetOf(const NdArray& a, IndexSpan index)
{
    if (index.size() > a.shape.size())
        throw std::out_of_range("index " + indexString(index) + " has more axes than shape " + a.shapeString());
    std::size_t offset = 0, axis = 0;
    for (auto i : index) {
        if (i < 0 || i >= a.shape[axis])
            throw std::out_of_range("index " + indexString(index) + " outside shape " + a.shapeString());
        offset = offset * std::size_t(a.shape[axis]) + std::size_t(i);
        ++axis;
    }
    for (; axis < a.shape.size(); ++axis) offset *= std::size_t(a.shape[axis]);
    return offset;
}

} // namespace

namespace {

double valueAt(const NdArray& a, IndexSpan index)
{
    if (index.size() != a.shape.size())
        throw std::out_of_range("index " + indexString(index) + " needs one entry per axis of " + a.shapeString());
    return a.data[offsetOf(a, index)];
}

std::span<const double> lastAxisAt(const NdArray& a, IndexSpan lead)
{
    if (a.shape.empty() || lead.size() + 1 != a.shape.size())
        throw std::out_of_range("index " + indexString(lead) + " needs " + std::to_string(int(a.shape.size()) - 1) +
                                " entries for the last axis of " + a.shapeString());
    return std::span<const double>(a.data).subspan(offsetOf(a, lead), std::size_t(a.shape.back()));
}

} // namespace

double NdArray::at(std::initializer_list<std::int64_t> index) const
{
    return valueAt(*this, IndexSpan(index.begin(), index.size()));
}

std::span<const double> NdArray::lastAxis(std::initializer_list<std::int64_t> lead) const
{
    return lastAxisAt(*this, IndexSpan(lead.begin(), lead.size()));
}

std::string NdArray::shapeString() const
{
    std::string s = "(";
    for (std::size_t k = 0; k < shape.size(); ++k) {
        if (k) s += ", ";
        s += std::to_string(shape[k]);
    }
    return s + (shape.size() == 1 ? ",)" : ")");
}

const NdArray& CourseExample::array(std::string_view key) const
{
    for (const auto& [name, a] : arrays)
        if (name == key) return a;
    throw std::out_of_range(function + " has no array '" + std::string(key) + "'");
}

// --- numpy's str() of float64 values (numpy 1.24 arrayprint.py, default options) --------------------------------

namespace {

enum class Notation { Fixed, Scientific };

// The shortest digits that round-trip (Dragon4 "unique", as numpy and Python's repr).
std::string shortest(double v, Notation n)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v,
                                 n == Notation::Fixed ? std::chars_format::fixed : std::chars_format::scientific);
    return std::string(buf, r.ptr);
}

// Digits after the decimal point of a number's mantissa ("0.123" -> 3, "1.5e-05" -> 1, "12" -> 0).
std::size_t fractionDigits(const std::string& s)
{
    const auto dot = s.find('.');
    if (dot == std::string::npos) return 0;
    const auto end = s.find('e');
    return (end == std::string::npos ? s.size() : end) - dot - 1;
}

// numpy's dragon4 with unique=True, precision=8, trim='.': the shortest round-trip digits, but at most 8 after the
// point (then rounded from the exact binary value, as printf does), trailing zeros dropped, the point kept ("1.").
std::string eightDigitUnique(double v, Notation n)
{
    std::string s = shortest(v, n);
    if (fractionDigits(s) > 8) {
        char buf[64];
        std::snprintf(buf, sizeof buf, n == Notation::Fixed ? "%.8f" : "%.8e", v);
        s = buf;
    }
    const auto e = s.find('e');
    std::string mantissa = s.substr(0, e), exponent = e == std::string::npos ? "" : s.substr(e);
    if (mantissa.find('.') == std::string::npos) mantissa += '.';
    while (mantissa.back() == '0') mantissa.pop_back();
    return mantissa + exponent;
}

std::string padLeft(const std::string& s, std::size_t width)
{
    return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string nonFinite(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

// FloatingFormat (floatmode 'maxprec', precision 8, sign '-'): one width for every element.
std::vector<std::string> formatElements(std::span<const double> values)
{
    double maxAbs = 0, minAbs = HUGE_VAL;
    for (double v : values)
        if (std::isfinite(v) && v != 0) {
            maxAbs = std::max(maxAbs, std::abs(v));
            minAbs = std::min(minAbs, std::abs(v));
        }
    const bool scientific = maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
    const Notation notation = scientific ? Notation::Scientific : Notation::Fixed;

    // Split every finite value into integer part, fraction digits and exponent, then pad to common widths.
    struct Parts {
        std::string whole, fraction, exponent;
    };
    std::vector<Parts> parts(values.size());
    std::size_t padLeftWidth = 0, padRightWidth = 0, expDigits = 0;
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (!std::isfinite(values[k])) continue;
        const std::string s = eightDigitUnique(values[k], notation);
        const auto dot = s.find('.'), e = s.find('e');
        parts[k].whole = s.substr(0, dot);
        parts[k].fraction = s.substr(dot + 1, e == std::string::npos ? std::string::npos : e - dot - 1);
        if (e != std::string::npos) parts[k].exponent = s.substr(e + 1); // sign and digits, "-05"
        padLeftWidth = std::max(padLeftWidth, parts[k].whole.size());
        padRightWidth = std::max(padRightWidth, parts[k].fraction.size());
        expDigits = std::max(expDigits, parts[k].exponent.empty() ? 0 : parts[k].exponent.size() - 1);
    }
    std::vector<std::string> out(values.size());
    for (std::size_t k = 0; k < values.size(); ++k) {
        const Parts& p = parts[k];
        if (!std::isfinite(values[k])) continue;
        std::string s = padLeft(p.whole, padLeftWidth) + ".";
        if (scientific) {
            // trim 'k' with min_digits = the widest fraction: zeros fill, the exponent has expDigits digits
            s += p.fraction + std::string(padRightWidth - p.fraction.size(), '0');
            const std::string digits = p.exponent.substr(1);
            s += "e" + p.exponent.substr(0, 1) + std::string(expDigits - digits.size(), '0') + digits;
        } else {
            s += p.fraction + std::string(padRightWidth - p.fraction.size(), ' ');
        }
        out[k] = s;
    }
    const std::size_t width = scientific ? padLeftWidth + 1 + padRightWidth + 2 + expDigits
                                         : padLeftWidth + 1 + padRightWidth;
    for (std::size_t k = 0; k < values.size(); ++k)
        if (!std::isfinite(values[k])) out[k] = padLeft(nonFinite(values[k]), width);
    return out;
}

} // namespace

std::string numpyArrayString(std::span<const double> values)
{
    // _formatArray for one axis: separator ' ', line width 75, continuation lines indented by one space; a word
    // wraps when it would pass column 74 (one column is kept for the closing bracket). No summarisation: numpy
    // only summarises above 1000 elements.
    constexpr std::size_t lineWidth = 75 - 1;
    const std::string indent = " ";
    std::string s, line = indent;
    const auto words = formatElements(values);
    for (std::size_t k = 0; k < words.size(); ++k) {
        if (line.size() + words[k].size() > lineWidth && line.size() > indent.size()) {
            while (!line.empty() && line.back() == ' ') line.pop_back();
            s += line + "\n";
            line = indent;
        }
        line += words[k];
        if (k + 1 < words.size()) line += ' ';
    }
    s += line;
    return "[" + s.substr(indent.size()) + "]";
}

std::string numpyScalarString(double value)
{
    if (!std::isfinite(value)) return nonFinite(value);
    const double a = std::abs(value);
    if (a == 0 || (a >= 1e-4 && a < 1e16)) {
        std::string s = shortest(value, Notation::Fixed);
        if (s.find('.') == std::string::npos) s += ".0";
        return s;
    }
    return shortest(value, Notation::Scientific); // "1e-05", "1.5e+16"
}

NdArray fromMatrix(const MatD& M) { return NdArray{{M.rows(), M.cols()}, rowMajorValues<double>(M)}; }

// --- the examples --------------------------------------------------------------------------------------------

namespace {


// S (n, m*T), step t in columns [t*m, (t+1)*m) -> numpy (n, m, T).
NdArray fromSequence(const MatD& S, Index m)
{
    const Index n = S.rows(), T = S.cols() / m;
    NdArray a{{n, m, T}, std::vector<double>(std::size_t(S.size()))};
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < m; ++j)
            for (Index t = 0; t < T; ++t) a.data[std::size_t((i * m + j) * T + t)] = S(i, t * m + j);
    return a;
}

// np.random.randn(n, m, T) -> our (n, m*T): x[i][j][t] is draw number (i*m + j)*T + t.
MatD drawSequence(Rng& rng, Index n, Index m, Index T)
{
    const auto v = rng.randnVector(std::size_t(n * m * T));
    MatD X(n, m * T);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < m; ++j)
            for (Index t = 0; t < T; ++t) X(i, t * m + j) = v[std::size_t((i * m + j) * T + t)];
    return X;
}

// The course-named block ("Wax", "Wf", "bo", …) of a layer's stacked W or b, with its gradient block.
Param<double> named(RecurrentLayer<double>& layer, std::string_view name)
{
    for (const auto& p : layer.namedTensors())
        if (p.name == name) return p;
    throw std::logic_error("no tensor '" + std::string(name) + "' in a " + std::string(cellKindName(layer.kind())));
}

// The course's RNN parameters Waa (n_a, n_a), Wax (n_a, n_x), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1), drawn in the
// notebook's order: Waa first in the forward tests, Wax first in the 2021 backward tests (the notebook).
void drawRnnParameters(Rng& rng, RecurrentLayer<double>& layer, Linear<double>& out, bool waxFirst)
{
    const Index n_a = layer.hiddenSize(), n_x = layer.inputSize();
    if (waxFirst) {
        named(layer, "Wax").valueBlock() = rng.randn(n_a, n_x);
        named(layer, "Waa").valueBlock() = rng.randn(n_a, n_a);
    } else {
        named(layer, "Waa").valueBlock() = rng.randn(n_a, n_a);
        named(layer, "Wax").valueBlock() = rng.randn(n_a, n_x);
    }
    out.W = rng.randn(out.outputSize(), n_a);
    named(layer, "ba").valueBlock() = rng.randn(n_a, 1);
    out.b = rng.randn(out.outputSize(), 1);
}

// The course's LSTM parameters W_k (n_a, n_a + n_x) acting on [a_prev; x], b_k (n_a, 1), drawn in the notebook's
// order Wf, bf, Wi, bi, Wo, bo, Wc, bc into our stacked rows; then Wy (n_y, n_a), by (n_y, 1) unless they are zeros
// (the 2021 lstm_backward test: not drawn).
void drawLstmParameters(Rng& rng, RecurrentLayer<double>& layer, Linear<double>& out, bool drawOutput)
{
    const Index n_a = layer.hiddenSize(), n_x = layer.inputSize();
    for (const char* g : {"f", "i", "o", "c"}) {
        named(layer, std::string("W") + g).valueBlock() = rng.randn(n_a, n_a + n_x);
        named(layer, std::string("b") + g).valueBlock() = rng.randn(n_a, 1);
    }
    if (drawOutput) {
        out.W = rng.randn(out.outputSize(), n_a);
        out.b = rng.randn(out.outputSize(), 1);
    } else {
        out.W.setZero();
        out.b.setZero();
    }
}

// "name[i][j] = <numpy str of a[i][j]>": a scalar when the index is full, else the last axis.
std::string element(const CourseExample& ex, const std::string& key, const std::vector<std::int64_t>& index,
                    const std::string& shownAs = "")
{
    const NdArray& a = ex.array(key);
    const std::string lhs = (shownAs.empty() ? key : shownAs) + indexString(index) + " = ";
    if (index.size() == a.shape.size()) return lhs + numpyScalarString(valueAt(a, index));
    return lhs + numpyArrayString(lastAxisAt(a, index));
}

std::string shapeLine(const CourseExample& ex, const std::string& key, const std::string& shownAs = "")
{
    return (shownAs.empty() ? key : shownAs) + ".shape = " + ex.array(key).shapeString();
}

// The gradient prints of the backward tests: "dxt[1][2] = …" then "dxt.shape = (3, 10)" for each pick.
void gradientLines(CourseExample& ex, const std::vector<std::pair<std::string, std::vector<std::int64_t>>>& picks)
{
    for (const auto& [key, index] : picks) {
        ex.printed.push_back(element(ex, key, index));
        ex.printed.push_back(shapeLine(ex, key));
    }
}

constexpr Index n_x = 3, n_a = 5, n_y = 2, m = 10; // the sizes of every seeded test

CourseExample rnnCellForward()
{
    Rng rng(1);
    const MatD xt = rng.randn(n_x, m), aPrev = rng.randn(n_a, m); // (3, 10), (5, 10)
    RecurrentLayer<double> layer(CellKind::Rnn, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax);
    LinearCache<double> y;
    drawRnnParameters(rng, layer, out, false);
    layer.forward(xt, m, aPrev, aPrev); // one step; c0 is ignored by an RNN
    out.forward(layer.lastA(), y);
    CourseExample ex{"rnn_cell_forward",
                     {{"a_next", fromMatrix(layer.lastA())}, {"yt_pred", fromMatrix(y.Y)}},
                     {}};
    ex.printed = {element(ex, "a_next", {4}), shapeLine(ex, "a_next"), element(ex, "yt_pred", {1}),
                  shapeLine(ex, "yt_pred")};
    return ex;
}

CourseExample rnnForward()
{
    constexpr Index T_x = 4;
    Rng rng(1);
    const MatD x = drawSequence(rng, n_x, m, T_x); // (3, 10*4)
    const MatD a0 = rng.randn(n_a, m);
    RecurrentLayer<double> layer(CellKind::Rnn, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax);
    LinearCache<double> y;
    drawRnnParameters(rng, layer, out, false);
    layer.forward(x, m, a0, a0);
    out.forward(layer.outputs(), y); // (2, 10*4)
    CourseExample ex{"rnn_forward",
                     {{"a", fromSequence(layer.outputs(), m)}, {"y_pred", fromSequence(y.Y, m)}}, {}};
    const NdArray xs = fromSequence(x, m); // caches[1] is x
    ex.printed = {element(ex, "a", {4, 1}), shapeLine(ex, "a"), element(ex, "y_pred", {1, 3}),
                  shapeLine(ex, "y_pred"), "caches[1][1][3] = " + numpyArrayString(xs.lastAxis({1, 3})),
                  "len(caches) = 2"};
    return ex;
}

CourseExample lstmCellForward()
{
    Rng rng(1);
    const MatD xt = rng.randn(n_x, m), aPrev = rng.randn(n_a, m), cPrev = rng.randn(n_a, m);
    RecurrentLayer<double> layer(CellKind::Lstm, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax);
    LinearCache<double> y;
    drawLstmParameters(rng, layer, out, true);
    layer.forward(xt, m, aPrev, cPrev);
    out.forward(layer.lastA(), y);
    CourseExample ex{"lstm_cell_forward",
                     {{"a_next", fromMatrix(layer.lastA())},
                      {"c_next", fromMatrix(layer.lastC())},
                      {"yt_pred", fromMatrix(y.Y)}},
                     {}};
    // cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters): cache[1][3] is c_next[3].
    ex.printed = {element(ex, "a_next", {4}),
                  shapeLine(ex, "a_next"),
                  element(ex, "c_next", {2}),
                  shapeLine(ex, "c_next"),
                  element(ex, "yt_pred", {1}, "yt"), // the notebook prints yt_pred as yt
                  shapeLine(ex, "yt_pred", "yt"),
                  element(ex, "c_next", {3}, "cache[1]"),
                  "len(cache) = 10"};
    return ex;
}

CourseExample lstmForward()
{
    constexpr Index T_x = 7;
    Rng rng(1);
    const MatD x = drawSequence(rng, n_x, m, T_x); // (3, 10*7)
    const MatD a0 = rng.randn(n_a, m), c0 = MatD::Zero(n_a, m); // c starts at zeros, not drawn
    RecurrentLayer<double> layer(CellKind::Lstm, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax);
    LinearCache<double> y;
    drawLstmParameters(rng, layer, out, true);
    layer.forward(x, m, a0, c0);
    out.forward(layer.outputs(), y);
    CourseExample ex{"lstm_forward",
                     {{"a", fromSequence(layer.outputs(), m)},
                      {"y", fromSequence(y.Y, m)},
                      {"c", fromSequence(layer.C().rightCols(m * T_x), m)}},
                     {}};
    const NdArray xs = fromSequence(x, m);
    ex.printed = {element(ex, "a", {4, 3, 6}), shapeLine(ex, "a"), element(ex, "y", {1, 4, 3}), shapeLine(ex, "y"),
                  "caches[1][1][1] = " + numpyArrayString(xs.lastAxis({1, 1})), element(ex, "c", {1, 2, 1}),
                  "len(caches) = 2"};
    return ex;
}

CourseExample rnnCellBackward()
{
    Rng rng(1);
    const MatD xt = rng.randn(n_x, m), aPrev = rng.randn(n_a, m);
    RecurrentLayer<double> layer(CellKind::Rnn, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax); // drawn, unused: the backward pass stops below the output layer
    drawRnnParameters(rng, layer, out, true);
    layer.forward(xt, m, aPrev, aPrev);
    const MatD daNext = rng.randn(n_a, m); // (5, 10)
    MatD dxt;
    layer.backward(daNext, &dxt); // gradients start at zero (constructor)
    CourseExample ex{"rnn_cell_backward",
                     {{"dxt", fromMatrix(dxt)},
                      {"da_prev", fromMatrix(layer.da0())},
                      {"dWax", fromMatrix(named(layer, "Wax").gradBlock())},
                      {"dWaa", fromMatrix(named(layer, "Waa").gradBlock())},
                      {"dba", fromMatrix(named(layer, "ba").gradBlock())}},
                     {}};
    gradientLines(ex, {{"dxt", {1, 2}}, {"da_prev", {2, 3}}, {"dWax", {3, 1}}, {"dWaa", {1, 2}}, {"dba", {4}}});
    return ex;
}

CourseExample rnnBackward()
{
    constexpr Index T_x = 4;
    Rng rng(1);
    const MatD x = drawSequence(rng, n_x, m, T_x);
    const MatD a0 = rng.randn(n_a, m);
    RecurrentLayer<double> layer(CellKind::Rnn, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax);
    drawRnnParameters(rng, layer, out, true);
    layer.forward(x, m, a0, a0);
    const MatD da = drawSequence(rng, n_a, m, T_x); // (5, 10, 4) -> (5, 10*4)
    MatD dx;
    layer.backward(da, &dx); // da_next = da[:,:,t] + da_prevt, from t = T_x - 1 down to 0
    CourseExample ex{"rnn_backward",
                     {{"dx", fromSequence(dx, m)},
                      {"da0", fromMatrix(layer.da0())},
                      {"dWax", fromMatrix(named(layer, "Wax").gradBlock())},
                      {"dWaa", fromMatrix(named(layer, "Waa").gradBlock())},
                      {"dba", fromMatrix(named(layer, "ba").gradBlock())}},
                     {}};
    gradientLines(ex, {{"dx", {1, 2}}, {"da0", {2, 3}}, {"dWax", {3, 1}}, {"dWaa", {1, 2}}, {"dba", {4}}});
    return ex;
}

// The LSTM gradients of a layer, under the course's names (dWf … dbo).
std::vector<std::pair<std::string, NdArray>> lstmParameterGrads(RecurrentLayer<double>& layer)
{
    std::vector<std::pair<std::string, NdArray>> out;
    for (const char* name : {"Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo"})
        out.emplace_back(std::string("d") + name, fromMatrix(named(layer, name).gradBlock()));
    return out;
}

CourseExample lstmCellBackward()
{
    Rng rng(1);
    const MatD xt = rng.randn(n_x, m), aPrev = rng.randn(n_a, m), cPrev = rng.randn(n_a, m);
    RecurrentLayer<double> layer(CellKind::Lstm, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax);
    drawLstmParameters(rng, layer, out, true);
    layer.forward(xt, m, aPrev, cPrev);
    const MatD daNext = rng.randn(n_a, m), dcNext = rng.randn(n_a, m);
    // One cell with a gradient arriving on c as well: the layer's backward starts with dc = 0, so call the cell.
    MatD dz(4 * n_a, m), daPrev(n_a, m), dcPrev(n_a, m); // dz: dL/d(gate pre-activations), rows f, i, c~, o
    MatD z = layer.Z(), tanhC = layer.Aux(), a(n_a, m), c(n_a, m);
    cellBackward<double>(CellKind::Lstm, {.Wa = layer.W.leftCols(n_a)},
                         {.aPrev = aPrev, .cPrev = cPrev, .z = z, .aux = tanhC, .a = a, .c = c},
                         {.da = daNext, .dcNext = dcNext, .dz = dz, .daPrev = daPrev, .dcPrev = dcPrev});
    // dW = dz [a_prev; xt]^T, db = sum over the batch, dxt = W_x^T dz (the x columns of dconcat).
    accumulateRecurrentGrad<double>(CellKind::Lstm, {.dz = dz, .aPrev = aPrev}, layer.dW.leftCols(n_a));
    layer.dW.rightCols(n_x).noalias() += dz * xt.transpose();
    layer.db.col(0) += dz.rowwise().sum();
    const MatD dxt = layer.W.rightCols(n_x).transpose() * dz; // (3, 10)
    CourseExample ex{"lstm_cell_backward",
                     {{"dxt", fromMatrix(dxt)}, {"da_prev", fromMatrix(daPrev)}, {"dc_prev", fromMatrix(dcPrev)}},
                     {}};
    for (auto& g : lstmParameterGrads(layer)) ex.arrays.push_back(std::move(g));
    gradientLines(ex, {{"dxt", {1, 2}}, {"da_prev", {2, 3}}, {"dc_prev", {2, 3}}, {"dWf", {3, 1}}, {"dWi", {1, 2}},
                       {"dWc", {3, 1}}, {"dWo", {1, 2}}, {"dbf", {4}}, {"dbi", {4}}, {"dbc", {4}}, {"dbo", {4}}});
    return ex;
}

CourseExample lstmBackward()
{
    constexpr Index T_x = 7, T_da = 4;
    Rng rng(1);
    const MatD x = drawSequence(rng, n_x, m, T_x); // (3, 10*7)
    const MatD a0 = rng.randn(n_a, m), c0 = MatD::Zero(n_a, m);
    RecurrentLayer<double> layer(CellKind::Lstm, n_x, n_a);
    Linear<double> out(n_a, n_y, Activation::Softmax); // Wy, by = zeros, not drawn (2021 test); unused by backward
    drawLstmParameters(rng, layer, out, false);
    // The course runs lstm_forward over all 7 steps, but lstm_backward takes T_x from da.shape and uses only
    // caches[0..3]. Step t depends on steps <= t alone, so a forward over the first 4 steps gives the same caches.
    layer.forward(x.leftCols(m * T_da), m, a0, c0);
    const MatD da = drawSequence(rng, n_a, m, T_da); // (5, 10, 4)
    MatD dx;
    layer.backward(da, &dx); // carries da_prevt and dc_prevt, both starting at zeros
    CourseExample ex{"lstm_backward", {{"dx", fromSequence(dx, m)}, {"da0", fromMatrix(layer.da0())}}, {}};
    for (auto& g : lstmParameterGrads(layer)) ex.arrays.push_back(std::move(g));
    gradientLines(ex, {{"dx", {1, 2}}, {"da0", {2, 3}}, {"dWf", {3, 1}}, {"dWi", {1, 2}}, {"dWc", {3, 1}},
                       {"dWo", {1, 2}}, {"dbf", {4}}, {"dbi", {4}}, {"dbc", {4}}, {"dbo", {4}}});
    return ex;
}

} // namespace

std::vector<CourseExample> runCourseExamples()
{
    return {rnnCellForward(),  rnnForward(),      lstmCellForward(),  lstmForward(),
            rnnCellBackward(), rnnBackward(),     lstmCellBackward(), lstmBackward()};
}

std::string courseExamplesText(const std::vector<CourseExample>& examples)
{
    std::string text;
    for (const auto& ex : examples) {
        text += ex.function + "\n";
        for (const auto& line : ex.printed) text += line + "\n";
        text += "\n";
    }
    return text;
}

std::string courseExamplesText() { return courseExamplesText(runCourseExamples()); }

} // namespace unroll
