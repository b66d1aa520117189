// SequenceModel: stacked recurrent layers + softmax output; see SequenceModel.hpp.
#include "nn/SequenceModel.hpp"

#include "math/Activations.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <string>

namespace unroll {

template <class T> SequenceModel<T>::SequenceModel(const SequenceModelOptions& o) : options_(o)
{
    if (o.layers < 1 || o.layers > 16) throw InputError("layers must be 1..16, got " + std::to_string(o.layers));
    for (int l = 0; l < o.layers; ++l)
        layers.emplace_back(o.cell, l == 0 ? o.inputSize : o.hiddenSize, o.hiddenSize);
    output = Linear<T>(o.hiddenSize, o.outputSize);
    a0_.resize(size_t(o.layers));
    c0_.resize(size_t(o.layers));
}

template <class T> void SequenceModel<T>::initialize(Rng& rng, const RecurrentInit& init)
{
    for (auto& l : layers) l.initialize(rng, init);
    output.initialize(rng);
    resetState();
}

template <class T> ParamList<T> SequenceModel<T>::parameters()
{
    ParamList<T> out;
    for (size_t l = 0; l < layers.size(); ++l) {
        auto p = layers[l].parameters();
        if (layers.size() > 1) p = prefixed(std::move(p), "layer" + std::to_string(l) + ".");
        out.insert(out.end(), p.begin(), p.end());
    }
    out.push_back(wholeParam<T>("Wya", output.W, output.dW));
    out.push_back(wholeParam<T>("by", output.b, output.db));
    return out;
}

template <class T> ParamList<T> SequenceModel<T>::namedTensors()
{
    ParamList<T> out;
    for (size_t l = 0; l < layers.size(); ++l) {
        auto p = layers[l].namedTensors();
        if (layers.size() > 1) p = prefixed(std::move(p), "layer" + std::to_string(l) + ".");
        out.insert(out.end(), p.begin(), p.end());
    }
    out.push_back(wholeParam<T>("Wya", output.W, output.dW));
    out.push_back(wholeParam<T>("by", output.b, output.db));
    return out;
}

template <class T> std::vector<std::pair<std::string, Mat<T>>> SequenceModel<T>::namedValues() const
{
    std::vector<std::pair<std::string, Mat<T>>> out;
    for (size_t l = 0; l < layers.size(); ++l)
        for (auto& [name, value] : layers[l].namedValues())
            out.emplace_back((layers.size() > 1 ? "layer" + std::to_string(l) + "." : std::string()) + name,
                             std::move(value));
    out.emplace_back("Wya", output.W);
    out.emplace_back("by", output.b);
    return out;
}

template <class T> void SequenceModel<T>::zeroGrads()
{
    for (auto& l : layers) l.zeroGrads();
    output.zeroGrads();
}

template <class T> void SequenceModel<T>::resetState() { carry_ = false; }

template <class T> void SequenceModel<T>::setState(int layer, const Mat<T>& a, const Mat<T>& c)
{
    if (layer < 0 || layer >= int(layers.size()) || a.rows() != options_.hiddenSize ||
        (c.size() != 0 && (c.rows() != a.rows() || c.cols() != a.cols())))
        throw InputError("a saved state does not fit the model");
    a0_[size_t(layer)] = a;
    c0_[size_t(layer)] = c.size() ? c : Mat<T>::Zero(a.rows(), a.cols());
    carry_ = true;
}

template <class T> void SequenceModel<T>::prepareState(Index m)
{
    const Index n = options_.hiddenSize;
    if (!carry_ || a0_[0].cols() != m) {
        for (size_t l = 0; l < layers.size(); ++l) {
            a0_[l].setZero(n, m);
            c0_[l].setZero(n, m);
        }
    }
}

template <class T> void SequenceModel<T>::forwardUpperLayers()
{
    auto& first = layers.front();
    const Index m = first.batch();
    for (size_t l = 1; l < layers.size(); ++l) {
        // The layer below's outputs a<1..T> are this layer's input.
        layers[l].forward(layers[l - 1].outputs(), m, a0_[l], c0_[l]);
    }
    // Carry the final state into the next window.
    for (size_t l = 0; l < layers.size(); ++l) {
        a0_[l] = layers[l].lastA();
        if (hasCellState(options_.cell)) c0_[l] = layers[l].lastC();
    }
    carry_ = true;
    output.forward(layers.back().outputs(), logits_); // (n_y, m*T)
}

template <class T> double SequenceModel<T>::forwardRest(std::span<const std::int32_t> targets)
{
    forwardUpperLayers();
    targets_.assign(targets.begin(), targets.end());
    const Reduction r = options_.reduction == LossReduction::Mean ? Reduction::Mean : Reduction::Sum;
    const double loss = softmaxCrossEntropyForward<T>(logits_.Y, targets, {}, r, ce_);
    // SumPerExample: the summed loss over the m examples side by side.
    return options_.reduction == LossReduction::SumPerExample ? loss / double(layers.front().batch()) : loss;
}

template <class T>
double SequenceModel<T>::forward(std::span<const std::int32_t> inputs, std::span<const std::int32_t> targets,
                                 Index m)
{
    if (inputs.size() != targets.size()) throw InputError("inputs and targets differ in length");
    prepareState(m);
    layers.front().forward(inputs, m, a0_[0], c0_[0]);
    return forwardRest(targets);
}

template <class T>
double SequenceModel<T>::forward(ConstMatRef<T> X, std::span<const std::int32_t> targets, Index m)
{
    if (Index(targets.size()) != X.cols()) throw InputError("inputs and targets differ in length");
    prepareState(m);
    layers.front().forward(X, m, a0_[0], c0_[0]);
    return forwardRest(targets);
}

template <class T>
const Mat<T>& SequenceModel<T>::predict(std::span<const std::int32_t> inputs, Index m, SequenceWorkspace<T>& ws) const
{
    const size_t L = layers.size();
    const Index n = options_.hiddenSize;
    if (m < 1 || inputs.empty() || inputs.size() % size_t(m) != 0)
        throw InputError("predict: " + std::to_string(inputs.size()) + " inputs are not a multiple of m = " +
                         std::to_string(m));
    const Index N = Index(inputs.size());
    ws.layers.resize(L);
    if (ws.a.size() != L || ws.a[0].cols() != m) {
        ws.a.assign(L, Mat<T>::Zero(n, m));
        ws.c.assign(L, Mat<T>::Zero(n, m));
    }
    // one-hot -> layer 0 -> ... -> layer L-1 -> logits -> softmax, each layer from the state the last predict left.
    layers[0].forward(inputs, m, ws.a[0], ws.c[0], ws.layers[0]);
    for (size_t l = 1; l < L; ++l)
        layers[l].forward(ws.layers[l - 1].A.rightCols(N), m, ws.a[l], ws.c[l], ws.layers[l]);
    for (size_t l = 0; l < L; ++l) {
        ws.a[l] = ws.layers[l].A.rightCols(m);
        if (hasCellState(options_.cell)) ws.c[l] = ws.layers[l].C.rightCols(m);
    }
    output.forward(ws.layers[L - 1].A.rightCols(N), ws.logits);
    ws.probs = ws.logits.Y;
    softmaxColumnsInPlace<T>(ws.probs);
    return ws.probs;
}

template <class T> void SequenceModel<T>::backward()
{
    if (targets_.empty()) throw InputError("backward() needs a forward() with targets first");
    softmaxCrossEntropyBackward<T>(ce_, targets_, {}, dZ_); // (n_y, m*T)
    if (options_.reduction == LossReduction::SumPerExample) dZ_ /= T(layers.front().batch());
    output.backward(layers.back().outputs(), logits_, dZ_, &dA_);
    for (size_t l = layers.size(); l-- > 0;) {
        layers[l].backward(dA_, l > 0 ? &dX_ : nullptr);
        if (l > 0) dA_.swap(dX_);
    }
}

template class SequenceModel<float>;
template class SequenceModel<double>;

} // namespace unroll
