// Optimizer state to and from a ModelFile; see OptimizerState.hpp.
#include "train/OptimizerState.hpp"

#include "util/Error.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <system_error>

namespace unroll {

namespace {

constexpr const char* kKindKey = "optimizer";
constexpr const char* kStepsKey = "optimizer_steps";
constexpr const char* kFirst = "optimizer.v.";
constexpr const char* kSecond = "optimizer.s.";

std::string shortest(double x)
{
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
    return std::string(buffer, end);
}

// Built with += rather than "(" + s: GCC 12 warns falsely (-Wrestrict, bug 105329) on const char* + string.
std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string out;
    out += '(';
    for (size_t k = 0; k < shape.size(); ++k) {
        if (k) out += ", ";
        out += std::to_string(shape[k]);
    }
    return out + ")";
}

// The hyper-parameters as stored; restore compares these strings, so a value survives the trip exactly.
std::vector<std::pair<std::string, std::string>> hyperParameters(const OptimizerOptions& o)
{
    return {{"optimizer_lr", shortest(o.learningRate)},
            {"optimizer_beta1", shortest(o.beta1)},
            {"optimizer_beta2", shortest(o.beta2)},
            {"optimizer_epsilon", shortest(o.epsilon)},
            {"optimizer_clip", std::string(clipModeIds[size_t(o.clip)])},
            {"optimizer_clip_value", shortest(o.clipValue)}};
}

} // namespace

template <class T> void saveOptimizerState(const Optimizer<T>& optimizer, ModelFile& file)
{
    const auto& o = optimizer.options();
    file.hyper[kKindKey] = std::string(optimizerKindIds[size_t(o.kind)]);
    for (const auto& [key, value] : hyperParameters(o)) file.hyper[key] = value;
    file.hyper[kStepsKey] = std::to_string(optimizer.steps());
    const auto& params = optimizer.parameters();
    for (size_t i = 0; i < optimizer.firstMoments().size(); ++i)
        file.tensors[kFirst + params[i].name] = tensorFromMatrix(optimizer.firstMoments()[i]);
    for (size_t i = 0; i < optimizer.secondMoments().size(); ++i)
        file.tensors[kSecond + params[i].name] = tensorFromMatrix(optimizer.secondMoments()[i]);
}

template <class T>
void restoreOptimizerState(Optimizer<T>& optimizer, const ModelFile& file, const std::string& sourceName)
{
    const std::string prefix = sourceName + ": ";
    const auto fail = [&](const std::string& what) { throw InputError(prefix + what); };
    const auto& o = optimizer.options();
    const std::string kind(optimizerKindIds[size_t(o.kind)]);

    const auto stored = file.hyper.find(kKindKey);
    if (stored == file.hyper.end()) fail("holds no optimizer state (no \"optimizer\" key): not a checkpoint of this version");
    if (stored->second != kind)
        fail("the checkpoint's optimizer is " + stored->second + ", this run's is " + kind +
             " (resume with the checkpoint's optimizer)");
    for (const auto& [key, value] : hyperParameters(o)) {
        const auto it = file.hyper.find(key);
        if (it == file.hyper.end()) fail("the optimizer state has no " + key);
        if (it->second != value)
            fail("the checkpoint's " + key + " is " + it->second + ", this run's is " + value);
    }
    const auto stepsText = file.hyper.find(kStepsKey);
    if (stepsText == file.hyper.end()) fail("the optimizer state has no " + std::string(kStepsKey));
    std::int64_t steps = -1;
    const auto& s = stepsText->second;
    const auto parsed = std::from_chars(s.data(), s.data() + s.size(), steps);
    if (parsed.ec != std::errc() || parsed.ptr != s.data() + s.size() || steps < 0)
        fail(std::string(kStepsKey) + " \"" + s + "\" is not a step count");

    // Every moment tensor this optimizer needs, of its parameter's shape; then no other optimizer tensor.
    const auto& params = optimizer.parameters();
    std::set<std::string> expected;
    const auto read = [&](const std::string& group, size_t count) {
        std::vector<Mat<T>> out;
        for (size_t i = 0; i < count; ++i) {
            const auto& p = params[i];
            const std::string name = group + p.name;
            expected.insert(name);
            const auto it = file.tensors.find(name);
            if (it == file.tensors.end())
                fail("optimizer tensor " + name + " is missing (the checkpoint has other parameters)");
            const auto& shape = it->second.shape;
            if (shape.size() != 2 || shape[0] != p.blockRows() || shape[1] != p.blockCols())
                fail("optimizer tensor " + name + " has shape " + shapeText(shape) + ", this run's parameter " +
                     p.name + " is " + shapeText({p.blockRows(), p.blockCols()}));
            out.push_back(matrixFromTensor<T>(it->second));
        }
        return out;
    };
    auto v = read(kFirst, optimizer.firstMoments().size());
    auto sm = read(kSecond, optimizer.secondMoments().size());
    for (const auto& [name, tensor] : file.tensors)
        if (name.rfind("optimizer.", 0) == 0 && !expected.count(name))
            fail("optimizer tensor " + name + " is extra: this run's " + kind + " optimizer has no such moment");
    optimizer.restoreState(std::move(v), std::move(sm), steps);
}

template void saveOptimizerState<float>(const Optimizer<float>&, ModelFile&);
template void saveOptimizerState<double>(const Optimizer<double>&, ModelFile&);
template void restoreOptimizerState<float>(Optimizer<float>&, const ModelFile&, const std::string&);
template void restoreOptimizerState<double>(Optimizer<double>&, const ModelFile&, const std::string&);

} // namespace unroll
