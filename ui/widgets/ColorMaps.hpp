// Colour maps for heatmaps and spectrograms, and the categorical palette for curves.
//
// QCustomPlot 2.1 ships no perceptually uniform map (no gpViridis), so the tables are ours: 256 RGB entries per map,
// generated from matplotlib by scripts/make_colormaps.py into ColorMapData.cpp (never edited by hand).
//   Viridis, Magma  perceptually uniform sequential maps (van der Walt & Smith, 2015), bright = high;
//   Diverging       ColorBrewer RdBu reversed, blue (low) -> white (middle) -> red (high): signed values such as
//                   gradients, with a range symmetric about 0 so that white means 0;
//   Greys           black -> white, bright = high (the attention-figure convention);
//   Blues           ColorBrewer Blues, near-white (low) -> dark blue (high): the Sequence Models course's attention
//                   map, where a weight near 0 stays almost white so the few large weights stand out.
// Leaves out: user-defined maps, reversed variants, banded/contour maps.
#pragma once

#include <QColor>
#include <QString>

#include <array>

class QCPColorGradient;

namespace unroll {

enum class ColorMap { Viridis, Magma, Diverging, Greys, Blues };

// Display names beside the enum (fill combo boxes and menus from it, in this order).
struct ColorMapName {
    ColorMap map;
    const char* name;
};
inline constexpr std::array<ColorMapName, 5> kColorMapNames{{
    {ColorMap::Viridis, "Viridis"},
    {ColorMap::Magma, "Magma"},
    {ColorMap::Diverging, "Diverging (blue-white-red)"},
    {ColorMap::Greys, "Greys"},
    {ColorMap::Blues, "Blues"},
}};
QString colorMapName(ColorMap map);

inline constexpr int kColorMapSize = 256;
using ColorTable = float[kColorMapSize][3];

// The map's 256 RGB entries, components in [0, 1]; entry 0 is t = 0, entry 255 is t = 1.
const ColorTable& colorTable(ColorMap map);

// Colour at t in [0, 1] (clamped), linearly interpolated between the table's entries, so colorAt(m, 0) and
// colorAt(m, 1) are exactly the first and last entries. A NaN t gives nanColor().
QColor colorAt(ColorMap map, double t);

// The colour of missing (NaN) cells in every map: a light neutral grey that none of the maps reaches exactly.
QColor nanColor();

// A QCPColorGradient with one stop per table entry and 256 levels, RGB interpolation, NaN cells drawn in nanColor().
QCPColorGradient toGradient(ColorMap map);

// Categorical palette for runs and series: Okabe & Ito (2008), distinguishable under the common colour-vision
// deficiencies, ordered so the first colours contrast best on white (yellow, the weakest on white, comes last).
// Index i wraps around after kPaletteSize colours.
inline constexpr int kPaletteSize = 8;
QColor paletteColor(int i);

} // namespace unroll
