// The trigger-word lab's word clips: the built-in manifest, the user's folders, and the split by speaker; see
// Clips.hpp. Files are decoded in parallel (util/Threads' pool) in batches, with progress and cancellation checked
// between batches on the calling thread, so a progress callback never runs on a pool thread.
#include "trigger/Clips.hpp"

#include "audio/AudioFile.hpp"
#include "trigger/Synthesis.hpp"
#include "util/Error.hpp"
#include "util/Resources.hpp"
#include "util/Threads.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace unroll {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kMaxClipSeconds = kCourseClipMs / 1000.0; // a word must fit in an example
constexpr std::uintmax_t kMaxManifestBytes = 16u << 20;

// One file to decode into *audio; `what` names it in messages ("clip 'x.flac' (manifest entry 3)").
struct LoadJob {
    fs::path path;
    AudioClip* audio = nullptr;
    double maxSeconds = kMaxClipSeconds;
    bool word = true; // a word clip (refused when too long) rather than a background
};

// Decodes every job at sampleRate, in parallel, reporting progress between batches. A file's reading error is
// rethrown with its path already in the message (readAudio names it); a word clip that is too long is refused here.
void loadAll(std::vector<LoadJob>& jobs, int sampleRate, const LoadProgress& progress)
{
    const auto total = std::int64_t(jobs.size());
    if (progress && !progress(0, total)) throw CancelledError();
    const std::int64_t batch = std::max<std::int64_t>(8, 4 * threadCount());
    for (std::int64_t begin = 0; begin < total; begin += batch) {
        const std::int64_t end = std::min(total, begin + batch);
        parallelFor(end - begin, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = begin + b; i < begin + e; ++i) {
                LoadJob& job = jobs[std::size_t(i)];
                // Check the length from the header before decoding a long file.
                const AudioInfo info = probeAudio(job.path);
                if (job.word && info.seconds() > job.maxSeconds) {
                    std::ostringstream msg;
                    msg << "clip '" << job.path.string() << "' is " << info.seconds() << " s long; a word clip may be at most "
                        << job.maxSeconds << " s";
                    throw InputError(msg.str());
                }
                *job.audio = readAudio(job.path, sampleRate);
                if (job.word && job.audio->milliseconds() >= kCourseClipMs)
                    throw InputError("clip '" + job.path.string() + "' is " + std::to_string(job.audio->milliseconds()) +
                                     " ms long; a word clip must be shorter than " + std::to_string(kCourseClipMs) + " ms");
            }
        });
        if (progress && !progress(end, total)) throw CancelledError();
    }
}

void requireRate(int sampleRate)
{
    if (sampleRate < 1000 || sampleRate > 384000)
        throw InputError("clip sample rate " + std::to_string(sampleRate) + " Hz must be 1000 .. 384000 Hz");
}

std::string settingsText(const std::string& engine, double pitch, double speed, double f0)
{
    std::ostringstream s;
    if (engine == "espeak-ng")
        s << "pitch " << pitch << ", speed " << speed << " wpm";
    else if (engine == "flite")
        s << "pitch " << (pitch > 0 ? "+" : "") << pitch << " cents, speed " << speed << "%";
    else
        s << "pitch " << pitch << ", speed " << speed;
    if (f0 > 0) s << ", f0 " << f0 << " Hz";
    return s.str();
}

// The manifest's entries, checked: FormatError naming the manifest, the entry and the field.
struct ManifestEntry {
    std::string file, word, engine, voice;
    bool positive = false;
    double pitch = 0, speed = 0;
    double f0 = 0; // optional: flite's int_f0_target_mean (0: absent, the voice's own)
};

std::vector<ManifestEntry> readManifest(const fs::path& path)
{
    const std::string where = "clip manifest '" + path.string() + "'";
    std::error_code ec;
    const auto bytes = fs::file_size(path, ec);
    if (ec) throw InputError(where + " cannot be read: " + ec.message());
    if (bytes > kMaxManifestBytes)
        throw FormatError(where + " is " + std::to_string(bytes) + " bytes; the limit is " +
                          std::to_string(kMaxManifestBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(where + " cannot be opened");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw FormatError(where + ": not valid JSON at byte " + std::to_string(e.byte) +
                          " (expected an object {\"version\": 1, \"sample_rate\": …, \"clips\": […]})");
    }
    if (!doc.is_object()) throw FormatError(where + ": the top level must be a JSON object");
    if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<std::int64_t>() != 1)
        throw FormatError(where + ": \"version\" must be 1");
    if (!doc.contains("clips") || !doc["clips"].is_array() || doc["clips"].empty())
        throw FormatError(where + ": \"clips\" must be a non-empty array");

    std::vector<ManifestEntry> entries;
    std::set<std::string> files;
    const json& clips = doc["clips"];
    for (std::size_t i = 0; i < clips.size(); ++i) {
        const json& c = clips[i];
        const std::string at = where + ", clip " + std::to_string(i + 1) + " of " + std::to_string(clips.size());
        if (!c.is_object()) throw FormatError(at + ": expected an object");
        const auto text = [&](const char* key) {
            if (!c.contains(key) || !c[key].is_string() || c[key].get_ref<const std::string&>().empty())
                throw FormatError(at + ": \"" + key + "\" must be a non-empty string");
            return c[key].get<std::string>();
        };
        const auto number = [&](const char* key) {
            if (!c.contains(key) || !c[key].is_number() || !std::isfinite(c[key].get<double>()))
                throw FormatError(at + ": \"" + key + "\" must be a number");
            return c[key].get<double>();
        };
        ManifestEntry e;
        e.file = text("file");
        e.word = text("word");
        e.engine = text("engine");
        e.voice = text("voice");
        if (!c.contains("positive") || !c["positive"].is_boolean())
            throw FormatError(at + ": \"positive\" must be true or false");
        e.positive = c["positive"].get<bool>();
        e.pitch = number("pitch");
        e.speed = number("speed");
        if (c.contains("f0")) {
            e.f0 = number("f0");
            if (!(e.f0 > 0 && e.f0 < 2000)) throw FormatError(at + ": \"f0\" must be in (0, 2000) Hz");
        }
        const fs::path rel(e.file);
        bool escapes = rel.is_absolute();
        for (const auto& part : rel) escapes = escapes || part == "..";
        if (escapes)
            throw FormatError(at + ": \"file\" '" + e.file + "' must be a path inside the manifest's folder");
        if (!files.insert(rel.lexically_normal().string()).second)
            throw FormatError(at + ": \"file\" '" + e.file + "' is listed twice");
        entries.push_back(std::move(e));
    }
    return entries;
}

// Extensions of the audio files a folder contributes (what libsndfile reads); other files are skipped.
bool isAudioName(const fs::path& p)
{
    static const std::set<std::string> known = {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif",
                                                ".aiff", ".aifc", ".au", ".snd", ".caf", ".w64", ".rf64"};
    std::string ext = p.extension().string();
    for (char& ch : ext) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return known.count(ext) > 0;
}

std::vector<fs::path> audioFilesIn(const fs::path& folder, const char* what)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw InputError("the " + std::string(what) + " folder '" + folder.string() + "' is not a folder");
    std::vector<fs::path> files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code fe;
        if (it->is_regular_file(fe) && isAudioName(it->path())) files.push_back(it->path());
    }
    if (ec) throw InputError("the " + std::string(what) + " folder '" + folder.string() + "' cannot be read: " + ec.message());
    if (files.empty())
        throw InputError("the " + std::string(what) + " folder '" + folder.string() +
                         "' has no audio files (.wav, .flac, .ogg, .opus, .mp3, .aiff, …)");
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        return a.filename().string() < b.filename().string();
    });
    return files;
}

// Backgrounds cut into whole 10 s pieces (the remainder is dropped); one shorter than 10 s is refused. Frees each
// decoded file as it goes.
std::vector<AudioClip> cutBackgrounds(std::vector<AudioClip>& decoded, const std::vector<fs::path>& files, int sampleRate)
{
    const AudioClip probe{{}, sampleRate};
    const std::int64_t piece = probe.sampleAt(kCourseClipMs / 1000.0);
    std::vector<AudioClip> out;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
        const AudioClip& a = decoded[i];
        if (a.size() < piece)
            throw InputError("background '" + files[i].string() + "' is " + std::to_string(a.milliseconds()) +
                             " ms long; a background must be at least " + std::to_string(kCourseClipMs) + " ms");
        for (std::int64_t s = 0; s + piece <= a.size(); s += piece) {
            AudioClip cut;
            cut.sampleRate = sampleRate;
            cut.samples.assign(a.samples.begin() + s, a.samples.begin() + s + piece);
            out.push_back(std::move(cut));
        }
        decoded[i] = {};
    }
    return out;
}

} // namespace

ClipLibrary loadBuiltinClips(int sampleRate, const LoadProgress& progress)
{
    requireRate(sampleRate);
    const fs::path manifest = dataFile("trigger/manifest.json");
    const std::vector<ManifestEntry> entries = readManifest(manifest);
    const fs::path folder = manifest.parent_path();

    std::vector<WordClip> clips(entries.size());
    std::vector<LoadJob> jobs;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const ManifestEntry& e = entries[i];
        const fs::path path = folder / e.file;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw InputError("clip '" + path.string() + "' (entry " + std::to_string(i + 1) + " of clip manifest '" +
                             manifest.string() + "') is missing");
        WordClip& c = clips[i];
        c.name = path.filename().string();
        c.word = e.word;
        c.positive = e.positive;
        c.speaker = e.engine + ":" + e.voice;
        c.settings = settingsText(e.engine, e.pitch, e.speed, e.f0);
        jobs.push_back({path, &c.audio});
    }
    loadAll(jobs, sampleRate, progress);

    ClipLibrary lib;
    lib.sampleRate = sampleRate;
    lib.origin = "built-in";
    for (WordClip& c : clips) (c.positive ? lib.positives : lib.negatives).push_back(std::move(c));
    if (lib.positives.empty() || lib.negatives.empty())
        throw FormatError("clip manifest '" + manifest.string() + "' must list both positive and negative clips (" +
                          std::to_string(lib.positives.size()) + " positive, " + std::to_string(lib.negatives.size()) +
                          " negative)");
    return lib;
}

ClipLibrary loadClipFolders(const fs::path& positives, const fs::path& negatives, const fs::path& backgrounds,
                            int sampleRate, const LoadProgress& progress)
{
    requireRate(sampleRate);
    const std::vector<fs::path> posFiles = audioFilesIn(positives, "positives");
    const std::vector<fs::path> negFiles = audioFilesIn(negatives, "negatives");
    std::vector<fs::path> bgFiles;
    if (!backgrounds.empty()) bgFiles = audioFilesIn(backgrounds, "backgrounds");

    ClipLibrary lib;
    lib.sampleRate = sampleRate;
    lib.positives.resize(posFiles.size());
    lib.negatives.resize(negFiles.size());
    std::vector<AudioClip> bgAudio(bgFiles.size());
    std::vector<LoadJob> jobs;
    const auto addWords = [&](const std::vector<fs::path>& files, std::vector<WordClip>& out, bool positive) {
        for (std::size_t i = 0; i < files.size(); ++i) {
            WordClip& c = out[i];
            c.name = files[i].filename().string();
            c.word = files[i].stem().string();
            c.positive = positive;
            c.speaker = "user:" + c.name;
            c.settings = "from " + files[i].parent_path().string();
            jobs.push_back({files[i], &c.audio});
        }
    };
    addWords(posFiles, lib.positives, true);
    addWords(negFiles, lib.negatives, false);
    const AudioReadLimits limits;
    for (std::size_t i = 0; i < bgFiles.size(); ++i) jobs.push_back({bgFiles[i], &bgAudio[i], limits.maxSeconds, false});
    loadAll(jobs, sampleRate, progress);

    lib.backgrounds = cutBackgrounds(bgAudio, bgFiles, sampleRate);
    lib.origin = positives.string() + ", " + negatives.string() + (backgrounds.empty() ? "" : ", " + backgrounds.string());
    return lib;
}

std::vector<AudioClip> loadBackgroundFolder(const fs::path& folder, int sampleRate, const LoadProgress& progress)
{
    requireRate(sampleRate);
    const std::vector<fs::path> files = audioFilesIn(folder, "backgrounds");
    std::vector<AudioClip> decoded(files.size());
    std::vector<LoadJob> jobs;
    const AudioReadLimits limits;
    for (std::size_t i = 0; i < files.size(); ++i) jobs.push_back({files[i], &decoded[i], limits.maxSeconds, false});
    loadAll(jobs, sampleRate, progress);
    return cutBackgrounds(decoded, files, sampleRate);
}

ClipSplit splitByVoice(const ClipLibrary& library, int period)
{
    if (period < 2) throw InputError("split period " + std::to_string(period) + " must be at least 2");
    ClipSplit split;
    for (ClipLibrary* side : {&split.train, &split.heldOut}) {
        side->sampleRate = library.sampleRate;
        side->origin = library.origin;
    }
    const auto heldOutAt = [period](std::size_t index) { return index % std::size_t(period) == std::size_t(period - 1); };

    std::set<std::string> speakers;
    for (const auto* list : {&library.positives, &library.negatives})
        for (const WordClip& c : *list) speakers.insert(c.speaker);
    if (speakers.size() > 1) {
        std::map<std::string, bool> heldOut; // speaker -> held out; std::set iterates in sorted order
        std::size_t k = 0;
        for (const std::string& s : speakers) heldOut[s] = heldOutAt(k++);
        for (const WordClip& c : library.positives) (heldOut[c.speaker] ? split.heldOut : split.train).positives.push_back(c);
        for (const WordClip& c : library.negatives) (heldOut[c.speaker] ? split.heldOut : split.train).negatives.push_back(c);
    } else {
        for (std::size_t i = 0; i < library.positives.size(); ++i)
            (heldOutAt(i) ? split.heldOut : split.train).positives.push_back(library.positives[i]);
        for (std::size_t i = 0; i < library.negatives.size(); ++i)
            (heldOutAt(i) ? split.heldOut : split.train).negatives.push_back(library.negatives[i]);
    }
    for (std::size_t i = 0; i < library.backgrounds.size(); ++i)
        (heldOutAt(i) ? split.heldOut : split.train).backgrounds.push_back(library.backgrounds[i]);
    return split;
}

} // namespace unroll
