// How the Emojify lab writes a class: its emoji in the colour emoji font ("Noto Color Emoji", set explicitly on the
// labels that show one, because Qt's fallback may pick a monochrome or a missing glyph), or, when the system has no
// such font, the class's name in text. The decision is one function of the font families, so both paths are tested.
//
//   const bool colour = emojiFontAvailable();            // QFontDatabase::families() has "Noto Color Emoji"
//   ClassText t = classText(classes[k], colour);          // {"😞", true} or {"sad", false}
//   label->setFont(t.emoji ? emojiFont(10) : font());
//
// What it leaves out: other colour emoji fonts (Apple, Segoe) — the lab names the one Debian packages.
#pragma once

#include "emojify/EmojifyData.hpp"

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>

#include <vector>

namespace unroll {

inline constexpr const char* kEmojiFamily = "Noto Color Emoji";

// Whether `families` (as QFontDatabase::families() lists them) holds the colour emoji font, case-insensitively.
bool emojiFontAvailable(const QStringList& families);
bool emojiFontAvailable(); // of the running system (cached after the first call)

struct ClassText {
    QString text; // the emoji, or the class's name
    bool emoji = false;
};
// The class's emoji when the colour font is there and the class has one; else its name ("class k" when unnamed).
ClassText classText(const emojify::EmojiClass& c, int index, bool emojiFont);
// The font for an emoji label: the colour emoji family alone, at `pointSize`.
QFont emojiFont(double pointSize);
// "😞 sad" as rich text: the emoji in its font (when there), then the name; for table cells and tooltips.
QString classHtml(const emojify::EmojiClass& c, int index, bool emojiFont);
// Plain "sad" or "class 3".
QString className(const emojify::EmojiClass& c, int index);

// The colour of class k in every view of the lab (bars, chips, stacked prefixes).
QColor classColor(int k);

} // namespace unroll
