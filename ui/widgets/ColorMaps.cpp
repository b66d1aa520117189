// Colour-map lookup over the generated tables in ColorMapData.cpp, conversion to QCustomPlot gradients, and the
// categorical palette.
#include "widgets/ColorMaps.hpp"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace unroll {

namespace colormapdata {
// Defined in the generated ColorMapData.cpp.
extern const float kViridisData[kColorMapSize][3];
extern const float kMagmaData[kColorMapSize][3];
extern const float kDivergingData[kColorMapSize][3];
extern const float kGreysData[kColorMapSize][3];
extern const float kBluesData[kColorMapSize][3];
} // namespace colormapdata

QString colorMapName(ColorMap map) {
    for (const auto& entry : kColorMapNames) {
        if (entry.map == map) return QString::fromUtf8(entry.name);
    }
    return QStringLiteral("?");
}

const ColorTable& colorTable(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis: return colormapdata::kViridisData;
    case ColorMap::Magma: return colormapdata::kMagmaData;
    case ColorMap::Diverging: return colormapdata::kDivergingData;
    case ColorMap::Greys: return colormapdata::kGreysData;
    case ColorMap::Blues: return colormapdata::kBluesData;
    }
    return colormapdata::kViridisData;
}

QColor colorAt(ColorMap map, double t) {
    if (std::isnan(t)) return nanColor();
    const ColorTable& table = colorTable(map);
    const double x = std::clamp(t, 0.0, 1.0) * (kColorMapSize - 1);
    const int i = std::min(static_cast<int>(x), kColorMapSize - 2);
    const double f = x - i; // 0 at entry i, 1 at entry i + 1 (f == 1 exactly when t == 1)
    auto mix = [&](int c) { return (1.0 - f) * table[i][c] + f * table[i + 1][c]; };
    if (f == 0.0) return QColor::fromRgbF(table[i][0], table[i][1], table[i][2]);
    if (f == 1.0) return QColor::fromRgbF(table[i + 1][0], table[i + 1][1], table[i + 1][2]);
    return QColor::fromRgbF(static_cast<float>(mix(0)), static_cast<float>(mix(1)), static_cast<float>(mix(2)));
}

QColor nanColor() { return QColor(214, 214, 214); }

QCPColorGradient toGradient(ColorMap map) {
    const ColorTable& table = colorTable(map);
    QMap<double, QColor> stops;
    for (int i = 0; i < kColorMapSize; ++i) {
        stops.insert(double(i) / (kColorMapSize - 1), QColor::fromRgbF(table[i][0], table[i][1], table[i][2]));
    }
    QCPColorGradient gradient; // starts as gpCold; every stop is replaced below
    gradient.setColorStops(stops);
    gradient.setLevelCount(kColorMapSize);
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    gradient.setPeriodic(false);
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(nanColor());
    return gradient;
}

QColor paletteColor(int i) {
    // Okabe & Ito, "Color Universal Design" (2008): blue, vermillion, bluish green, reddish purple, orange,
    // sky blue, black, yellow.
    static const std::array<QRgb, kPaletteSize> kColors{0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7,
                                                        0xE69F00, 0x56B4E9, 0x000000, 0xF0E442};
    const int k = ((i % kPaletteSize) + kPaletteSize) % kPaletteSize;
    return QColor(kColors[static_cast<std::size_t>(k)]);
}

} // namespace unroll
