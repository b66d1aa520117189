// libFuzzer target: the character model's text corpus (charlm/CharCorpus), both modes, lower-casing on and off.
#include "FuzzCommon.hpp"

#include "charlm/CharCorpus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace unroll;
    if (size == 0) return 0;
    const auto flags = data[0]; // the first byte picks the options, the rest is the file
    const auto text = fuzz::bytesOf(data + 1, size - 1);
    fuzz::expectResultOrInputError([&] {
        const TextLoadOptions o{.mode = flags & 1 ? TextMode::Continuous : TextMode::Lines,
                                .lowercase = (flags & 2) != 0,
                                .heldOut = flags & 4 ? 0.2 : 0.0,
                                .maxVocabulary = flags & 8 ? 4 : 200};
        const auto corpus = loadCharCorpus(text, "fuzz.txt", o);
        for (const auto& line : corpus.train) corpus.vocab.encode(line);
    });
    return 0;
}
