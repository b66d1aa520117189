// Where the built-in data lives, found without Qt so the core and the CLI reach it too.
//
// Looked up in order: $UNROLL_DATA_DIR; <executable dir>/../share/unroll/data (an installed tree);
// <executable dir>/../../resources/data and the source tree's resources/data (a build tree).
#pragma once

#include <filesystem>
#include <string_view>

namespace unroll {

std::filesystem::path dataDirectory();                        // throws InputError if none exists
std::filesystem::path dataFile(std::string_view relativePath); // throws InputError naming the places searched
const char* versionString();

} // namespace unroll
