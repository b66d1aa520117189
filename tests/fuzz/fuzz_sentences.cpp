// libFuzzer target: labelled sentences (emojify/EmojifyData parseSentences: "sentence,label" CSV).
#include "FuzzCommon.hpp"

#include "emojify/EmojifyData.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace unroll;
    fuzz::expectResultOrInputError([&] { emojify::parseSentences(fuzz::bytesOf(data, size), "fuzz.csv"); });
    return 0;
}
