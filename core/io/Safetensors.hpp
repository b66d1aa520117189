// Reading and writing `.safetensors` files exactly as Hugging Face defines the format
// (https://github.com/huggingface/safetensors, "Format"):
//
//   bytes [0, 8)        N, the header length: unsigned 64-bit little-endian
//   bytes [8, 8+N)      the header: UTF-8 JSON object, padded with spaces so that 8+N is a multiple of 8
//                         {"__metadata__": {"key": "value", ...},                      (optional, string values only)
//                          "<name>": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
//   bytes [8+N, end)    the data buffer: every tensor little-endian, row-major (C order), at [begin, end) relative
//                       to the start of the buffer; the tensors tile the buffer with no holes and no overlap.
//
// We write F32 only, tensors in name order, so the bytes are a function of the content alone. We read F32 and F64
// (converted to float) and refuse every other dtype by name. The reader is strict: every structural rule above is
// checked and a violation throws FormatError naming the file, the byte offset where there is one, and what was
// expected; it never reads outside the given bytes, and its time and memory grow roughly in proportion to the
// file size whatever the header holds (a shape has at most 64 dimensions). Like Hugging Face's own reader it accepts
// a header whose length is not padded to a multiple of 8 (older writers did not pad).
// Leaves out: memory mapping and lazy loading (Unroll's models are a few MB), dtypes other than F32/F64.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

// An n-dimensional float array. data holds prod(shape) values in row-major (C, numpy) order: the last index varies
// fastest. A shape of {} is a scalar (one value); a dimension of 0 makes an empty tensor.
struct Tensor {
    std::vector<std::int64_t> shape;
    std::vector<float> data;

    friend bool operator==(const Tensor&, const Tensor&) = default;
};

// The content of one .safetensors file: the string-to-string `__metadata__` and the tensors by name.
struct TensorFile {
    std::map<std::string, std::string> metadata;
    std::map<std::string, Tensor> tensors;

    friend bool operator==(const TensorFile&, const TensorFile&) = default;
};

// The number of values a shape holds (1 for the scalar shape {}).
//   throws: InputError if a dimension is negative or the product overflows.
std::int64_t elementCount(const std::vector<std::int64_t>& shape);

// The file's bytes. Deterministic: header keys and data in name order, compact JSON, F32.
//   throws: InputError if a tensor's data size does not match its shape, a tensor is named "__metadata__", or a
//           name, metadata key or metadata value is not valid UTF-8.
std::string encodeSafetensors(const TensorFile& file);

// Parses the bytes of a .safetensors file; sourceName (usually the path) starts every error message.
//   throws: FormatError for any violation of the format, or a dtype other than F32/F64.
TensorFile decodeSafetensors(std::string_view bytes, const std::string& sourceName);

// encodeSafetensors + writeFileAtomically. throws: InputError (bad content, or the OS refused the write).
void writeSafetensors(const std::filesystem::path& path, const TensorFile& file);

// The largest model or checkpoint file read (2 GiB: a 3-layer LSTM of 2048 units with Adam's moments is ~1.2 GB).
inline constexpr std::size_t kMaxSafetensorsBytes = std::size_t(2) << 30;

// Reads the whole file (at most kMaxSafetensorsBytes + 1 bytes) and decodes it. throws: InputError if the file
// cannot be read, is not a regular file or is over the limit; FormatError if it does not parse.
TensorFile readSafetensors(const std::filesystem::path& path);

// A matrix as a 2-D tensor of shape {rows, cols}, converting Eigen's column-major storage to row-major.
// A column vector (n, 1) stays 2-D, as the course stores biases.
//   throws: InputError (double overload) if a finite value is too large for a float.
Tensor tensorFromMatrix(const Eigen::Ref<const Eigen::MatrixXf>& m);
Tensor tensorFromMatrix(const Eigen::Ref<const Eigen::MatrixXd>& m);

// The inverse of tensorFromMatrix: a 2-D tensor {rows, cols} -> (rows, cols); a 1-D tensor {n} -> (n, 1).
// Instantiated for float and double.
//   throws: InputError for any other rank, or if data.size() does not match the shape.
template <class T> Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> matrixFromTensor(const Tensor& t);

extern template Eigen::MatrixXf matrixFromTensor<float>(const Tensor&);
extern template Eigen::MatrixXd matrixFromTensor<double>(const Tensor&);

} // namespace unroll
