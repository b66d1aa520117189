// An optimizer's state in a file, for checkpoints: its kind, hyper-parameters, update count and moment tensors by
// parameter name, written beside a model into the same ModelFile (io/ModelFile.hpp), so that every lab's checkpoint
// keeps its optimizer the same way and none writes optimizer code of its own.
//
//   ModelFile f = describeMyModel(...);   saveOptimizerState(optimizer, f);   saveModel(path, f);
//   restoreOptimizerState(optimizer, loadModel(path), "run.ckpt");   // refuses a state of another optimizer
//
// In the file (docs/formats.md, "Checkpoints"):
//   hyper-parameters  optimizer (kind id: "sgd", "momentum", "adam"), optimizer_lr, optimizer_beta1, optimizer_beta2,
//                     optimizer_epsilon, optimizer_clip (clip mode id), optimizer_clip_value (shortest round-trip
//                     decimals), optimizer_steps (updates made)
//   tensors           optimizer.v.<parameter> first moments (momentum, Adam), optimizer.s.<parameter> second moments
//                     (Adam), each of its parameter's shape; <parameter> is the Param's name ("layer0.W").
// Leaves out: the learning-rate schedule (a function: the caller sets it again); moments are stored as F32, so a
// double optimizer resumes within float precision.
#pragma once

#include "io/ModelFile.hpp"
#include "train/Optimizer.hpp"

#include <string>

namespace unroll {

// Adds the optimizer's state to `file` (the keys and tensors above; existing ones of those names are replaced).
template <class T> void saveOptimizerState(const Optimizer<T>& optimizer, ModelFile& file);

// Sets the optimizer's moments and update count from `file`. All or nothing: the optimizer is unchanged on failure.
//   requires: the optimizer was built with the same kind, hyper-parameters and parameters (names and shapes).
//   throws:   InputError starting with sourceName and naming what differs: the kind ("the checkpoint's optimizer is sgd,
//             this run's is adam"), a hyper-parameter and both values, a missing or extra moment tensor, a shape; or
//             a file without optimizer state.
template <class T>
void restoreOptimizerState(Optimizer<T>& optimizer, const ModelFile& file, const std::string& sourceName);

extern template void saveOptimizerState<float>(const Optimizer<float>&, ModelFile&);
extern template void saveOptimizerState<double>(const Optimizer<double>&, ModelFile&);
extern template void restoreOptimizerState<float>(Optimizer<float>&, const ModelFile&, const std::string&);
extern template void restoreOptimizerState<double>(Optimizer<double>&, const ModelFile&, const std::string&);

} // namespace unroll
