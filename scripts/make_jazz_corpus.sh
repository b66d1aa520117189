#!/bin/bash
# The jazz lab's built-in corpus: our own chord charts and melodies (scripts/jazz/charts.py) rendered to Standard MIDI
# Files by MMA (Musical MIDI Accompaniment, Debian package `mma`), into resources/data/jazz/. MMA is run with a fixed
# random seed (RndSeed 1 in every chart), so the files are reproducible. Needs python3 and mma.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/resources/data/jazz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v mma >/dev/null || { echo "make_jazz_corpus.sh: needs mma (apt install mma)" >&2; exit 1; }
python3 "$root/scripts/jazz/charts.py" "$work"
mkdir -p "$out"
rm -f "$out"/*.mid
for chart in "$work"/*.mma; do
    name="$(basename "$chart" .mma)"
    (cd "$work" && mma -f "$out/$name.mid" "$name.mma" >/dev/null 2>"$work/$name.err") ||
        { cat "$work/$name.err" >&2; exit 1; }
done
echo "$(ls "$out"/*.mid | wc -l) files, $(du -ch "$out"/*.mid | tail -1 | cut -f1) in $out"
