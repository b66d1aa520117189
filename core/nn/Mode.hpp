// Train or inference: the switch of the layers that behave differently in training (BatchNorm, Dropout).
#pragma once

#include <array>
#include <string_view>

namespace unroll {

// Train: BatchNorm normalises with the batch's statistics, Dropout drops. Infer: BatchNorm uses its moving
// statistics, Dropout is the identity.
enum class Mode { Train, Infer };
inline constexpr std::array<std::string_view, 2> modeIds = {"train", "infer"};
inline std::string_view modeId(Mode mode) { return modeIds[size_t(mode)]; }

} // namespace unroll
