// The Unroll model file: a .safetensors file (io/Safetensors.hpp) whose `__metadata__` says what model it holds.
// docs/formats.md is the full specification; in short, every metadata value is a string:
//
//   format          "unroll-model"            (required; a file without it is not an Unroll model)
//   format_version  "1"                       (required; a reader refuses versions it does not know)
//   kind            e.g. "char-rnn"           (required, non-empty)
//   vocab           JSON list of one-character strings in index order, e.g. "[\"\\n\",\"a\",\"é\"]"
//   normalization   e.g. "lowercase", "none"  (how text was normalised before it met the vocabulary)
//   <any other key> a hyper-parameter, e.g. "n_a" = "64" (caller-chosen names and values)
//
// Tensor names (the shapes are the course's): a single-layer recurrent model uses the plain names
//   RNN  Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1)
//   LSTM Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1)
//   GRU  Wr, Wu, Wc (n_a, n_a + n_x), br, bu, bc (n_a, 1)
// a model with L > 1 layers prefixes the recurrent tensors "layer0.", "layer1.", ... (layer l > 0 sees n_x = n_a of
// the layer below), and the output layer is always Wya (n_y, n_a), by (n_y, 1).
// Leaves out: checking that the tensors fit the kind; the code that builds a model from a ModelFile does that.
#pragma once

#include "io/Safetensors.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

inline constexpr std::string_view kModelFormat = "unroll-model";
inline constexpr int kModelFormatVersion = 1;

// A model as stored: what it is, how it was configured, its vocabulary, and its tensors by name.
// Usage: saveModel("names.safetensors", {.kind = "char-rnn", .hyper = {{"n_a", "50"}}, .vocab = chars, .tensors = t});
struct ModelFile {
    std::string kind;                          // e.g. "char-rnn", "char-lstm", "char-gru"
    std::map<std::string, std::string> hyper;  // hyper-parameters; names must not be one of the keys above
    std::vector<std::string> vocab;            // vocab[i] is the character (one UTF-8 code point) of index i
    std::string normalization = "none";        // e.g. "lowercase"
    std::map<std::string, Tensor> tensors;

    friend bool operator==(const ModelFile&, const ModelFile&) = default;
};

// The safetensors content of a model (metadata as listed above).
//   throws: InputError if kind is empty, a hyper-parameter is named like a reserved key, or a vocab entry is not
//           exactly one character or appears twice.
TensorFile toTensorFile(const ModelFile& model);

// The model a safetensors file holds; sourceName starts every error message.
//   throws: FormatError if the metadata is missing, names another format or a format_version other than 1 (the
//           message names the version found and the one supported), or holds a malformed vocab.
ModelFile modelFromTensorFile(const TensorFile& file, const std::string& sourceName);

// toTensorFile + writeSafetensors (atomic). throws: InputError.
void saveModel(const std::filesystem::path& path, const ModelFile& model);

// readSafetensors + modelFromTensorFile. throws: InputError if unreadable, FormatError if malformed.
ModelFile loadModel(const std::filesystem::path& path);

// The name of recurrent tensor `base` (e.g. "Wax") of layer `layer` in a model of `layers` layers:
// "Wax" when layers == 1, "layer<l>.Wax" otherwise.
std::string recurrentTensorName(std::string_view base, int layer, int layers);

} // namespace unroll
