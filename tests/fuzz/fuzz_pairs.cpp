// libFuzzer target: CSV/TSV translation pairs (translate/TranslationData loadPairFile).
#include "FuzzCommon.hpp"

#include "translate/TranslationData.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace unroll;
    const auto bytes = fuzz::bytesOf(data, size);
    fuzz::expectResultOrInputError([&] { loadPairFile(fuzz::writeInput(bytes, ".tsv")); });
    fuzz::expectResultOrInputError([&] { loadPairFile(fuzz::writeInput(bytes, ".csv")); });
    return 0;
}
