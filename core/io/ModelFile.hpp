// The Unroll model file: a .safetensors file (io/Safetensors.hpp) whose `__metadata__` says what model it holds.
// docs/formats.md is the full specification; in short, every metadata value is a string:
//
//   format          "unroll-model"            (required; a file without it is not an Unroll model)
//   format_version  "2"                       (required; this reader also reads "1", see below, and refuses others)
//   kind            the lab's model kind, e.g. "charlm", "bptt" (required, non-empty; the cell is a hyper-parameter)
//   vocab_type      "chars" or "words"        (how to read vocab)
//   vocab           JSON list in index order. chars: one-character strings, e.g. "[\"\\n\",\"a\",\"é\"]".
//                   words: one entry per token, a string when the token is valid UTF-8, else the list of its byte
//                   values (0-255), so any byte string survives exactly: "[\"the\",\"été\",[101,255]]"
//   normalization   e.g. "lowercase", "none"  (how text was normalised before it met the vocabulary)
//   <any other key> a hyper-parameter, e.g. "n_a" = "64" (caller-chosen names and values)
//
// Version 1 (no vocab_type, characters only; kind "char-rnn" / "char-gru" / "char-lstm" or "bptt-<cell>") is read as
// version 2: vocab_type "chars", kind "charlm" or "bptt" with the cell moved into the hyper-parameter "cell".
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
#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

inline constexpr std::string_view kModelFormat = "unroll-model";
inline constexpr int kModelFormatVersion = 2;

// What a vocabulary entry is (metadata "vocab_type").
enum class VocabType { Chars, Words };
inline constexpr std::array<std::string_view, 2> vocabTypeIds = {"chars", "words"};
inline constexpr std::array<std::string_view, 2> vocabTypeNames = {"Characters", "Words"};

// A model as stored: what it is, how it was configured, its vocabulary, and its tensors by name.
// Usage: saveModel("names.safetensors", {.kind = "charlm", .hyper = {{"cell", "rnn"}, {"n_a", "50"}}, .vocab = chars,
//                                        .tensors = t});
struct ModelFile {
    std::string kind;                          // the lab's model kind, e.g. "charlm", "bptt"
    std::map<std::string, std::string> hyper;  // hyper-parameters; names must not be one of the keys above
    VocabType vocabType = VocabType::Chars;
    // vocab[i] is the symbol of index i: one UTF-8 code point (Chars), or any non-empty byte string (Words).
    std::vector<std::string> vocab;
    std::string normalization = "none";        // e.g. "lowercase"
    std::map<std::string, Tensor> tensors;

    friend bool operator==(const ModelFile&, const ModelFile&) = default;
};

// The safetensors content of a model (metadata as listed above).
//   throws: InputError if kind is empty, a hyper-parameter is named like a reserved key, or a vocab entry appears
//           twice, is empty, or (Chars) is not exactly one character.
TensorFile toTensorFile(const ModelFile& model);

// The model a safetensors file holds; sourceName starts every error message.
//   throws: FormatError if the metadata is missing, names another format or a format_version other than 1 or 2
//           (the message names the version found and the one supported), or holds a malformed vocab.
ModelFile modelFromTensorFile(const TensorFile& file, const std::string& sourceName);

// toTensorFile + writeSafetensors (atomic). throws: InputError.
void saveModel(const std::filesystem::path& path, const ModelFile& model);

// readSafetensors + modelFromTensorFile. throws: InputError if unreadable, FormatError if malformed.
ModelFile loadModel(const std::filesystem::path& path);

// The name of recurrent tensor `base` (e.g. "Wax") of layer `layer` in a model of `layers` layers:
// "Wax" when layers == 1, "layer<l>.Wax" otherwise.
std::string recurrentTensorName(std::string_view base, int layer, int layers);

} // namespace unroll
