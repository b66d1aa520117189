#!/usr/bin/env python3
"""The jazz lab's built-in corpus: ten tunes written for Unroll (chord charts of standard progressions - blues,
ii-V-I, rhythm-changes-like, a circle of fourths, a bossa, a modal vamp - and melodies composed for them), each
written out as an MMA chart in two grooves. scripts/make_jazz_corpus.sh runs this, then `mma` on every chart.

Melody notation, one string per bar: "8f 8a 4.c+ 8r" = duration (1, 2, 4, 8, 16, a dot for 1.5x) then a pitch
letter, an accidental (& flat, # sharp; none = natural) and octave marks (+ up, - down) relative to the octave of
middle C. Every note is given an explicit accidental in the MMA output ('n' for natural), because MMA, like sheet
music, carries an accidental to the end of the bar. Each bar must fill 4 beats (checked here).
"""
import sys
from fractions import Fraction
from pathlib import Path

# (file name, title, tempo, grooves, [(chords of the bar, melody of the bar), ...])
TUNES = [
    ("blue_step", "Blue Step", 132, ["Swing", "JazzCombo"], [
        ("F7", "8f 8a 8c+ 8e&+ 4d+ 4c+"), ("Bb7", "4.d+ 8b& 4a& 4f"), ("F7", "8c+ 8a 8f 8a 4c+ 4r"),
        ("F7", "8e&+ 8d+ 8c+ 8a 2f"), ("Bb7", "8b& 8d+ 8f+ 8d+ 4a&+ 4f+"), ("Bb7", "8e&+ 8d+ 8b& 8a& 2f"),
        ("F7", "4c+ 8a 8c+ 4.d+ 8c+"), ("D7", "8f# 8a 8c+ 8e&+ 4d+ 4r"), ("Gm7", "8g 8b& 8d+ 8f+ 4e&+ 4d+"),
        ("C7", "8c+ 8b& 8a 8g 4e 4r"), ("F7 D7", "4f 4a 4f# 4a"), ("Gm7 C7", "4g 4b& 4.c+ 8r")]),
    ("two_five_walk", "Two-Five Walk", 140, ["Swing", "EasySwing"], [
        ("Cm7", "8c 8e& 8g 8b& 4d+ 4c+"), ("F7", "8a 8c+ 8e&+ 8c+ 4a 4f"), ("BbM7", "2d+ 4.f 8a"),
        ("BbM7", "2b& 2r"), ("Ebm7", "8e& 8g& 8b& 8d&+ 4f+ 4e&+"), ("Ab7", "8c+ 8e&+ 8g&+ 8e&+ 4c+ 4a&"),
        ("DbM7", "2f 4.a& 8c+"), ("DbM7", "2d& 2r"), ("Dm7", "8d 8f 8a 8c+ 4e+ 4d+"),
        ("G7", "8b 8d+ 8f+ 8d+ 4b 4g"), ("Cm7", "4.g 8b& 4e&+ 4d+"), ("F7", "8c+ 8a 8f 8e& 2d"),
        ("Cm7 F7", "4e& 4g 4a 4c+"), ("BbM7 G7", "4d+ 4b& 4b 4d+"),
        ("Cm7 F7", "8e&+ 8d+ 8c+ 8b& 8a 8c+ 8e&+ 8a"), ("BbM7", "2b& 2r")]),
    ("rhythm_sketch", "Rhythm Sketch", 180, ["Bebop", "FastSwing"], [
        ("Bb G7", "8d+ 8b& 8f 8d 4b 4d+"), ("Cm7 F7", "8c+ 8e&+ 8g+ 8e&+ 8f+ 8e&+ 8c+ 8a"),
        ("Bb G7", "4b& 8d+ 8f+ 4f+ 8d+ 8b"), ("Cm7 F7", "8c+ 8b& 8a 8g 4f 4r"),
        ("Bb Bb7", "8f 8b& 8d+ 8f+ 8a&+ 8f+ 8d+ 8b&"), ("Eb Edim", "4e&+ 4g+ 4e+ 4d&+"),
        ("Bb G7", "4d+ 4b& 4.b 8d+"), ("Cm7 F7", "8c+ 8e&+ 8d+ 8c+ 4a 4r"),
        ("Bb G7", "2d+ 4b& 4b"), ("Cm7 F7", "8c+ 8d+ 8e&+ 8f+ 8g+ 8f+ 8e&+ 8c+"),
        ("Bb G7", "4.d+ 8b& 4g 4b"), ("Cm7 F7", "8e&+ 8c+ 8a 8f 4e& 4c"),
        ("Bb Bb7", "4b& 4d+ 4a&+ 4f+"), ("Eb Edim", "8g+ 8f+ 8e&+ 8d+ 8e+ 8g+ 8b&+ 8g+"),
        ("Bb G7", "4f+ 4d+ 8r 8b 8d+ 8f+"), ("Bb", "2b& 2r")]),
    ("minor_moan", "Minor Moan", 100, ["SlowBlues", "Blues"], [
        ("Cm7", "4c 8e& 8f 4g 4b&"), ("Cm7", "8c+ 8b& 8g 8f 2e&"), ("Cm7", "4g 8f 8e& 4c 4r"),
        ("Cm7", "8e& 8f 8g 8b& 4c+ 4g"), ("Fm7", "4f 8a& 8c+ 4e&+ 4c+"), ("Fm7", "8d+ 8c+ 8a& 8f 2c+"),
        ("Cm7", "4.g 8f 4e& 4c"), ("Cm7", "2c 2r"), ("Ab7", "8a& 8c+ 8e&+ 8g&+ 4f+ 4e&+"),
        ("G7", "8d+ 8b 8g 8f 4d 4b-"), ("Cm7", "4c 4e& 4g 4c+"), ("G7", "8b 8d+ 8f+ 8d+ 2b")]),
    ("circle_walk", "Circle Walk", 150, ["Swing", "JazzGuitar"], [
        ("Cm7", "4r 8g 8a 4b& 4c+"), ("F7", "4.a 8f 4e& 4c"), ("BbM7", "2d 4f 4a"), ("EbM7", "2g 4b& 4g"),
        ("Am7b5", "8a 8c+ 8e&+ 8g+ 4e&+ 4c+"), ("D7", "8f# 8a 8c+ 8e&+ 4d+ 4a"), ("Gm6", "2b& 4g 4e"),
        ("Gm6", "2g 2r"), ("Cm7", "8e& 8g 8b& 8d+ 4c+ 4b&"), ("F7", "8a 8c+ 8e&+ 8f+ 4e&+ 4d+"),
        ("BbM7", "2d+ 8c+ 8b& 8a 8f"), ("EbM7", "4g 4b& 4d+ 4g+"), ("Am7b5", "4.g+ 8e&+ 4c+ 4a"),
        ("D7", "8f# 8g 8a 8b& 8c+ 8d+ 8e&+ 8f#+"), ("Gm6", "4g+ 4d+ 4b& 4e"), ("Gm6", "2g 2r")]),
    ("harbor_bossa", "Harbor Bossa", 130, ["BossaNova", "JazzRhumba"], [
        ("DM7", "4.f#+ 8e+ 4c#+ 4a"), ("DM7", "2f#+ 4r 4a"), ("Em7", "4.g 8b 4d+ 4e+"), ("A7", "4.c#+ 8b 4a 4g"),
        ("DM7", "2f# 4a 4c#+"), ("Bm7", "4.d+ 8c#+ 4b 4f#"), ("Em7", "4.e 8g 4b 4d+"), ("A7", "2c#+ 2r"),
        ("GM7", "4.b 8a 4f# 4d"), ("Gm6", "4.b& 8g 4e 4d"), ("F#m7", "4.c#+ 8a 4f# 4e"), ("B7", "4.d# 8f# 4a 4b"),
        ("Em7", "4g 4b 4d+ 4f#+"), ("A7", "4e+ 4c#+ 4a 4g"), ("DM7", "4.f# 8a 4c#+ 4e+"), ("DM7", "2d+ 2r")]),
    ("bebop_sunday", "Bebop Sunday", 170, ["Bebop", "Swing"], [
        ("Bb7", "8f 8b& 8d+ 8f+ 8a&+ 8f+ 8d+ 8b&"), ("Eb7", "8g 8b& 8d&+ 8e&+ 4g+ 4e&+"),
        ("Bb7", "8d+ 8c+ 8b& 8a& 8f 8d 8f 8a&"), ("Fm7 Bb7", "8a& 8c+ 8e&+ 8f+ 8a&+ 8f+ 8d+ 8b&"),
        ("Eb7", "4.g 8b& 4d&+ 4c+"), ("Edim", "8d&+ 8b& 8g 8e 2d&"), ("Bb7 G7", "4d 4f 8r 8f 8b 8d+"),
        ("Cm7 F7", "8e&+ 8c+ 8g 8b& 8a 8c+ 8e&+ 8f+"), ("Dm7 G7", "8f+ 8d+ 8c+ 8a 8b 8d+ 8f+ 8a+"),
        ("Cm7 F7", "4g+ 4e&+ 4.c+ 8a"), ("Bb7 G7", "2b& 8r 8b 8d+ 8f+"),
        ("Cm7 F7", "8e&+ 8c+ 8b& 8g 8a 8f 8e& 8c")]),
    ("night_ballad", "Night Ballad", 76, ["SlowJazz", "Ballad"], [
        ("EbM7", "4.g 8b& 2d+"), ("Cm7", "16c+ 16d+ 16e&+ 16g+ 4f+ 2e&+"), ("Fm7", "4.a& 8c+ 4f 4e&"),
        ("Bb7", "2d 4r 8f 8a&"), ("Gm7", "4.b& 8d+ 4f+ 4d+"), ("C7", "16e+ 16f+ 16g+ 16b&+ 4g+ 4e+ 4c+"),
        ("Fm7", "2c+ 4a& 4f"), ("Bb7", "8d 8f 8a& 8c+ 2b&"), ("EbM7 Ab7", "4.g 8b& 4c+ 4e&+"),
        ("Gm7 C7", "4d+ 4b& 4e+ 4c+"), ("Fm7 Bb7", "4a& 4f 8b& 8d+ 8f+ 8a&+"), ("EbM7", "1g")]),
    ("shuffle_home", "Shuffle Home", 120, ["Blues", "ShuffleBoggie"], [
        ("C7", "8g 8b& 8c+ 8e+ 4g+ 4e+"), ("F7", "8e&+ 8c+ 8a 8f 4e& 4c"), ("C7", "4e 8g 8c+ 4b& 4g"),
        ("C7", "8e 8g 8b& 8c+ 2e+"), ("F7", "4.f 8a 4c+ 4e&+"), ("F7", "8d+ 8c+ 8a 8f 2a"),
        ("C7", "8c+ 8b& 8g 8e 4c 4r"), ("A7", "8e 8g 8a 8c#+ 4e+ 4c#+"), ("Dm7", "8d+ 8f+ 8a+ 8f+ 4d+ 4a"),
        ("G7", "8b 8d+ 8f+ 8d+ 4b 4g"), ("C7 A7", "4c+ 4e 4c#+ 4g"), ("Dm7 G7", "4f 4a 4b 4d+")]),
    ("modal_drift", "Modal Drift", 140, ["ModernJazz", "JazzRock"], [
        ("Dm7", "4d 8e 8f 4a 4c+"), ("Dm7", "8b 8a 8g 8f 2e"), ("Dm7", "8d 8f 8a 8c+ 8e+ 8c+ 8a 8f"),
        ("Dm7", "2g 2r"), ("Dm7", "4.a 8g 4f 4e"), ("Dm7", "8c 8d 8e 8f 8g 8a 8b 8c+"), ("Dm7", "4d+ 4a 4f 4d"),
        ("Dm7", "2e 4r 4a"), ("Ebm7", "4.e& 8g& 4b& 4d&+"), ("Ebm7", "8c+ 8b& 8a& 8g& 2f"),
        ("Ebm7", "8e& 8f 8g& 8a& 8b& 8c+ 8d&+ 8e&+"), ("Ebm7", "2b& 2r"), ("Dm7", "4d+ 8c+ 8a 4f 4d"),
        ("Dm7", "8e 8f 8g 8a 8b 8a 8g 8f"), ("Dm7", "4e 4g 4b 4d+"), ("Dm7", "2d+ 2r")]),
]


def mma_bar(melody, where):
    """'8f 8e&+ 4r' -> '8fn;8e&+;4r;' with the bar's length checked."""
    out, beats = [], Fraction(0)
    for item in melody.split():
        i = 0
        while item[i].isdigit():
            i += 1
        length = Fraction(4, int(item[:i]))
        dotted = item[i:i + 1] == "."
        if dotted:
            length *= Fraction(3, 2)
        note = item[i + (1 if dotted else 0):]
        beats += length
        if note[0] == "r":
            out.append(item[:i + (1 if dotted else 0)] + "r")
            continue
        letter, rest = note[0], note[1:]
        accidental = rest[0] if rest[:1] in ("&", "#") else "n"
        octave = rest.lstrip("&#")
        out.append(item[:i + (1 if dotted else 0)] + letter + accidental + octave)
    if beats != 4:
        sys.exit(f"{where}: the bar holds {beats} beats, not 4")
    return ";".join(out) + ";"


def chart(name, title, tempo, groove, bars):
    lines = [f"// {title}: chord chart and melody written for Unroll's jazz lab (GPL-3.0, as the project).",
             "RndSeed 1", f"Tempo {tempo}", "Time 4", f"Groove {groove}", "Lyric Chords=On",
             "Begin Solo", "  Voice TenorSax", "  Octave 5", "  Articulate 90", "  Volume mf", "End", ""]
    for i, (chords, melody) in enumerate(bars, 1):
        lines.append(f"{i} {chords} {{ {mma_bar(melody, f'{name} bar {i}')} }}")
    return "\n".join(lines) + "\n"


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, title, tempo, grooves, bars in TUNES:
        for groove in grooves:
            (out / f"{name}_{groove.lower()}.mma").write_text(chart(name, title, tempo, groove, bars))


if __name__ == "__main__":
    main()
