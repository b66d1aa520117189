// Bounded whole-file reads with POSIX calls (fstat on the opened descriptor, so the check and the read see the same
// file); see ReadFile.hpp.
#include "util/ReadFile.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace unroll {

namespace {

struct Descriptor {
    int fd = -1;
    ~Descriptor()
    {
        if (fd >= 0) ::close(fd);
    }
};

std::string osError(int err) { return std::generic_category().message(err); }

const char* fileType(mode_t mode)
{
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a named pipe";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

} // namespace

std::string byteSizeText(std::size_t bytes)
{
    char buf[64];
    if (bytes < 10000) std::snprintf(buf, sizeof buf, "%zu bytes", bytes);
    else if (bytes < (std::size_t(10) << 20)) std::snprintf(buf, sizeof buf, "%.1f KB", double(bytes) / 1024);
    else if (bytes < (std::size_t(10) << 30)) std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / (1 << 20));
    else std::snprintf(buf, sizeof buf, "%.1f GB", double(bytes) / (1 << 30));
    return buf;
}

std::string readFileBounded(const std::filesystem::path& path, std::size_t limit, const std::string& what)
{
    const std::string name = path.string();
    // O_NONBLOCK: opening a FIFO with no writer must not hang before fstat can refuse it.
    Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    if (file.fd < 0) {
        const int err = errno;
        if (err == ENOENT) throw InputError(name + ": no such file");
        throw InputError(name + ": cannot be opened: " + osError(err));
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) throw InputError(name + ": cannot be read: " + osError(errno));
    if (!S_ISREG(st.st_mode))
        throw InputError(name + ": is " + fileType(st.st_mode) + ", not a file (" + what + " must be a regular file)");
    if (std::uint64_t(st.st_size) > limit)
        throw InputError(name + ": " + byteSizeText(std::size_t(st.st_size)) + " is too large for " + what +
                         " (limit " + byteSizeText(limit) + ")");
    const int flags = ::fcntl(file.fd, F_GETFL);
    if (flags >= 0) ::fcntl(file.fd, F_SETFL, flags & ~O_NONBLOCK);
    std::string bytes;
    bytes.resize(std::size_t(st.st_size) + 1); // one byte more than the size detects a file that grew
    std::size_t have = 0;
    for (;;) {
        if (have == bytes.size()) {
            if (bytes.size() > limit)
                throw InputError(name + ": more than " + byteSizeText(limit) + " is too large for " + what +
                                 " (limit " + byteSizeText(limit) + ")");
            bytes.resize(std::min(limit + 1, bytes.size() * 2 + 4096));
        }
        const ssize_t got = ::read(file.fd, bytes.data() + have, bytes.size() - have);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw InputError(name + ": cannot be read: " + osError(errno));
        }
        if (got == 0) break;
        have += std::size_t(got);
    }
    bytes.resize(have);
    return bytes;
}

} // namespace unroll
