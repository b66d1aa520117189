// The Emojify lab's class labels; see EmojiText.hpp.
#include "labs/emojify/EmojiText.hpp"

#include "widgets/ColorMaps.hpp"

#include <QFontDatabase>

namespace unroll {

bool emojiFontAvailable(const QStringList& families)
{
    return families.contains(QString::fromLatin1(kEmojiFamily), Qt::CaseInsensitive);
}

bool emojiFontAvailable()
{
    static const bool available = emojiFontAvailable(QFontDatabase::families());
    return available;
}

QString className(const emojify::EmojiClass& c, int index)
{
    return c.name.empty() ? QString("class %1").arg(index) : QString::fromStdString(c.name);
}

ClassText classText(const emojify::EmojiClass& c, int index, bool emojiFont)
{
    if (emojiFont && !c.emoji.empty()) return {QString::fromStdString(c.emoji), true};
    return {className(c, index), false};
}

QFont emojiFont(double pointSize)
{
    QFont f(QString::fromLatin1(kEmojiFamily));
    f.setPointSizeF(pointSize);
    return f;
}

QString classHtml(const emojify::EmojiClass& c, int index, bool emojiFont)
{
    const QString name = className(c, index).toHtmlEscaped();
    if (!emojiFont || c.emoji.empty()) return name;
    return QString("<span style=\"font-family: '%1'\">%2</span> %3")
        .arg(QString::fromLatin1(kEmojiFamily), QString::fromStdString(c.emoji).toHtmlEscaped(), name);
}

QColor classColor(int k) { return paletteColor(k); }

} // namespace unroll
