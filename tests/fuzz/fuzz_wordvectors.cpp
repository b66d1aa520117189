// libFuzzer target: word-vector files (vectors/VectorFile: GloVe text, word2vec text and binary).
#include "FuzzCommon.hpp"

#include "vectors/VectorFile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace unroll;
    fuzz::expectResultOrInputError([&] { vectors::parseVectors(fuzz::bytesOf(data, size), "fuzz.vec"); });
    return 0;
}
