// libFuzzer target: safetensors decoding, the Unroll model-file metadata, and the character model built from it
// (io/Safetensors, io/ModelFile, charlm loadCharModel: the size fields checked before allocating).
#include "FuzzCommon.hpp"

#include "charlm/CharLmTask.hpp"
#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace unroll;
    const auto bytes = fuzz::bytesOf(data, size);
    fuzz::expectResultOrInputError([&] { modelFromTensorFile(decodeSafetensors(bytes, "fuzz.safetensors"), "fuzz"); });
    fuzz::expectResultOrInputError([&] { loadCharModel(fuzz::writeInput(bytes, ".safetensors")); });
    return 0;
}
