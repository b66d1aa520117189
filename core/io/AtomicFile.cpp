// Atomic whole-file writes with POSIX calls: open a fresh temporary file next to the target (O_EXCL, so two writers
// never share one), write, fsync, close, rename over the target, then fsync the directory so the rename itself is
// durable. std::filesystem cannot fsync, hence the raw calls. Leaves out: Windows (no atomic replace via rename).
#include "io/AtomicFile.hpp"

#include "util/Error.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <sstream>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace unroll {
namespace {

namespace fs = std::filesystem;

std::string osError(int err) { return std::generic_category().message(err); }

[[noreturn]] void fail(const fs::path& target, int err, const std::string& step)
{
    throw InputError("cannot write \"" + target.string() + "\": " + osError(err) + " (" + step + ")");
}

// A name no other writer uses at the same moment: hidden, next to the target, unique per process and call.
fs::path temporaryNameFor(const fs::path& target, unsigned attempt)
{
    static std::atomic<unsigned> counter{0};
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    std::ostringstream name;
    name << '.' << target.filename().string() << '.' << ::getpid() << '-' << counter++ << '-'
         << (ticks + attempt) % 1000000 << ".tmp";
    return target.parent_path() / name.str();
}

// Owns the temporary file until it has been renamed: closes and removes it on every early exit.
struct TemporaryFile {
    fs::path path;
    int fd = -1;
    bool renamed = false;

    ~TemporaryFile()
    {
        if (fd >= 0)
            ::close(fd);
        if (!path.empty() && !renamed)
            ::unlink(path.c_str());
    }
};

} // namespace

void writeFileAtomically(const fs::path& path, std::string_view bytes)
{
    if (path.empty() || !path.has_filename())
        throw InputError("cannot write \"" + path.string() + "\": not a file name");

    // Write through a symlink to the file it names, as QSaveFile does, so the link survives.
    fs::path target = path;
    std::error_code ec;
    if (fs::is_symlink(path, ec)) {
        fs::path resolved = fs::canonical(path, ec);
        if (!ec)
            target = resolved;
    }

    struct stat existing {};
    const bool exists = ::stat(target.c_str(), &existing) == 0;
    if (exists && S_ISDIR(existing.st_mode))
        fail(path, EISDIR, "refusing to replace a directory");
    // Renaming over a device or a named pipe would replace it with a regular file.
    if (exists && !S_ISREG(existing.st_mode))
        throw InputError("cannot write \"" + path.string() + "\": it is " +
                         (S_ISFIFO(existing.st_mode) ? "a named pipe"
                          : S_ISCHR(existing.st_mode) || S_ISBLK(existing.st_mode) ? "a device"
                                                                                    : "not a regular file") +
                         ", not a file to replace");

    TemporaryFile tmp;
    for (unsigned attempt = 0; tmp.fd < 0; ++attempt) {
        tmp.path = temporaryNameFor(target, attempt);
        // 0666 lets the umask decide a new file's permissions, as for any file the user creates.
        tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (tmp.fd < 0) {
            const int err = errno;
            const fs::path tried = tmp.path;
            tmp.path.clear(); // not ours: nothing to remove
            if (err == EEXIST && attempt < 100)
                continue;
            fail(path, err, "creating temporary file \"" + tried.string() + "\"");
        }
    }

    if (exists && ::fchmod(tmp.fd, existing.st_mode & 07777) != 0) {
        const int err = errno;
        fail(path, err, "copying the permissions of the existing file");
    }

    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const std::size_t chunk = left < (std::size_t{1} << 30) ? left : (std::size_t{1} << 30);
        const ssize_t written = ::write(tmp.fd, data, chunk);
        if (written < 0) {
            const int err = errno;
            if (err == EINTR)
                continue;
            fail(path, err, "writing temporary file \"" + tmp.path.string() + "\"");
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }

    if (::fsync(tmp.fd) != 0) {
        const int err = errno;
        fail(path, err, "flushing temporary file \"" + tmp.path.string() + "\" to disk");
    }
    const int fd = tmp.fd;
    tmp.fd = -1;
    // On Linux the descriptor is released even when close reports EINTR; the data is already on disk after fsync.
    if (::close(fd) != 0 && errno != EINTR) {
        const int err = errno;
        fail(path, err, "closing temporary file \"" + tmp.path.string() + "\"");
    }

    if (::rename(tmp.path.c_str(), target.c_str()) != 0) {
        const int err = errno;
        fail(path, err, "renaming temporary file \"" + tmp.path.string() + "\" over it");
    }
    tmp.renamed = true;

    // Make the rename durable. Best effort: the new file is in place whatever this reports, and some file systems
    // refuse to fsync a directory.
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
}

} // namespace unroll
