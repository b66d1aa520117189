// Reading a user's whole file with a bound: the one way a file enters Unroll's memory.
//
//   const std::string bytes = readFileBounded("names.txt", 8 << 20, "a text corpus");
//
// Refuses, naming the file: a path that does not exist, a folder, anything that is not a regular file (a FIFO, a
// device such as /dev/zero, a socket: an endless stream has no size to check), and a file over the limit. At most
// limit + 1 bytes are ever read, so a file that grows while it is read is still refused rather than exhausting memory.
// Leaves out: memory mapping (the files are small enough to copy).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace unroll {

// The file's bytes. throws: InputError "<path>: …" (missing, folder, not a regular file, over `limit` bytes,
// unreadable). `what` names the kind of file in the size message ("a text corpus", "a model file").
std::string readFileBounded(const std::filesystem::path& path, std::size_t limit, const std::string& what);

// "12.5 MB", "300 bytes": sizes in messages.
std::string byteSizeText(std::size_t bytes);

} // namespace unroll
