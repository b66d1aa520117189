// Atomic whole-file writes: the bytes go to a temporary file in the target's directory, are flushed to disk (fsync),
// and the temporary file is renamed over the target, so a reader sees either the old file or the complete new one,
// never a half-written file, even if the program or the machine stops midway. POSIX only (rename(2) within one
// directory is atomic there). Leaves out: streaming writes (the caller builds the bytes in memory, which is fine for
// model files of a few MB) and preserving the owner of an existing file (its permission bits are kept).
#pragma once

#include <filesystem>
#include <string_view>

namespace unroll {

// Replaces (or creates) `path` with exactly `bytes`.
//   requires: the directory of `path` exists and is writable.
//   ensures:  on success `path` holds `bytes`; an existing file's permission bits are kept, a new file gets
//             0666 & ~umask; if `path` is a symlink, the file it points to is replaced and the link kept.
//             On failure nothing is left behind (the temporary file is removed) and `path` is untouched.
//   throws:   InputError naming the path and the OS error (e.g. "No space left on device").
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

} // namespace unroll
