// Error types thrown across the core boundary. The core never prints or exits: it throws, and the caller (CLI, GUI
// worker, test) decides. The message names the value, the limit and, for files, the path and offset.
#pragma once

#include <stdexcept>
#include <string>

namespace unroll {

// Bad input from the user: a file, a flag, a setting. The CLI exits 2; the GUI shows the message.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A file that does not parse: the message says which file, where, and what was expected.
struct FormatError : InputError {
    using InputError::InputError;
};

// Training produced a NaN or Inf: the message names the step and the tensor.
struct NumericError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Long work (loading a file, counting co-occurrences, a t-SNE run) stopped because its observer asked it to; not an
// error to report, the caller just drops the partial result.
struct CancelledError : std::runtime_error {
    CancelledError() : std::runtime_error("cancelled") {}
};

} // namespace unroll
