// libFuzzer target: audio files through libsndfile and our checks (audio/AudioFile: probe, read, resample).
#include "FuzzCommon.hpp"

#include "audio/AudioFile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace unroll;
    const auto path = fuzz::writeInput(fuzz::bytesOf(data, size), ".wav");
    fuzz::expectResultOrInputError([&] { probeAudio(path); });
    fuzz::expectResultOrInputError([&] { readAudio(path, 16000); });
    return 0;
}
