// Built-in data lookup; see Resources.hpp.
#include "util/Resources.hpp"

#include "util/Error.hpp"

#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace unroll {

namespace {
std::vector<std::filesystem::path> candidates()
{
    namespace fs = std::filesystem;
    std::vector<fs::path> out;
    if (const char* env = std::getenv("UNROLL_DATA_DIR"); env && *env) out.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path dir = exe.parent_path();
        out.push_back(dir / ".." / "share" / "unroll" / "data");
        out.push_back(dir / ".." / ".." / "resources" / "data");
    }
    out.emplace_back(UNROLL_SOURCE_DATA_DIR);
    return out;
}
} // namespace

std::filesystem::path dataDirectory()
{
    std::error_code ec;
    for (const auto& dir : candidates())
        if (std::filesystem::is_directory(dir, ec)) return std::filesystem::weakly_canonical(dir, ec);
    throw InputError("the built-in data folder was not found; set UNROLL_DATA_DIR to the installed share/unroll/data");
}

std::filesystem::path dataFile(std::string_view relativePath)
{
    std::string searched;
    std::error_code ec;
    for (const auto& dir : candidates()) {
        const auto p = dir / relativePath;
        if (std::filesystem::is_regular_file(p, ec)) return std::filesystem::weakly_canonical(p, ec);
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    throw InputError("built-in data file '" + std::string(relativePath) + "' not found (searched " + searched + ")");
}

const char* versionString() { return UNROLL_VERSION; }

} // namespace unroll
