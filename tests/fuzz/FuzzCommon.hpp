// Shared by the libFuzzer targets (built with -DUNROLL_FUZZ=ON, clang only; see scripts/fuzz.sh).
//
// A loader passes a fuzz input when it returns a result or throws InputError (FormatError included) — a message for
// the user. Anything else is a finding: another exception escapes LLVMFuzzerTestOneInput and aborts, and
// AddressSanitizer / UBSan report memory errors and undefined behaviour.
#pragma once

#include "util/Error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include <unistd.h>

namespace unroll::fuzz {

inline std::string_view bytesOf(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// For loaders that only take a path: the input written to a file of this process (one file per extension).
inline std::filesystem::path writeInput(std::string_view bytes, const std::string& extension)
{
    const auto path = std::filesystem::temp_directory_path() /
                      ("unroll-fuzz-" + std::to_string(::getpid()) + extension);
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }
    return path;
}

// Runs `load`, treating an InputError as the expected answer to bad input.
template <class F> void expectResultOrInputError(F&& load)
{
    try {
        load();
    } catch (const InputError&) {
    }
}

} // namespace unroll::fuzz
