#!/usr/bin/env bash
# Makes the trigger-word lab's built-in clips: the word "activate" (positives) and a few dozen other words
# (negatives, some sharing sounds with "activate"), spoken by espeak-ng and flite in many voices, pitches and speeds,
# trimmed of leading and trailing silence, peak-normalised, FLAC 16 kHz mono 16-bit, with a manifest recording how each
# clip was made (docs/formats.md, "Trigger-word clip manifest").
#
#   bash scripts/make_trigger_clips.sh [OUT_DIR]      # default resources/data/trigger
#
# Needs espeak-ng, flite and sox (Debian packages of the same names). Deterministic: every choice comes from a fixed
# list or a fixed linear congruential sequence, and sox runs without dither (-D), so two runs give identical files.
#
# Speakers: a speaker is an engine + voice. espeak-ng voices are an English accent with a voice variant
# ("en-gb-scotland+f2"); each variant is used once, with the accents taken in turn, so a held-out speaker (every 5th,
# core/trigger/Clips.hpp splitByVoice) has a variant no training speaker has. flite's voices are kal16, awb, rms and slt
# (kal, the same speaker at 8 kHz, is left out so that one person cannot sit on both sides of the split; awb_time only
# speaks times). espeak-ng's pitch is its -p (0-99) and speed its -s (words per minute); flite's pitch is a shift in
# cents applied by sox's pitch effect (flite's own f0 setting is ignored by some of its voices) and its speed is the
# percentage of the voice's own rate (flite's duration_stretch = 100 / speed). The flite voices that honour flite's
# int_f0_target_mean (awb, kal16, slt; rms's output does not change with it) also speak at a mean f0 drawn from a list
# (its own sequence, so the other clips' draws stay as they were): sox's pitch shift moves the formants with the pitch
# (it resamples), flite's f0 target moves the pitch alone, so together they give pitch and vocal tract apart, as
# different speakers have them. With only three flite voices in training this is what widens them most.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../resources/data/trigger"}
for tool in espeak-ng flite sox; do
    command -v "$tool" >/dev/null || { echo "make_trigger_clips: $tool is not installed" >&2; exit 2; }
done

rate=16000
accents=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029 en-us-nyc)
# espeak-ng variants whose output differs from every other's (klatt6 and caleb sound exactly as klatt; whisper and the
# effect voices are left out as not speech-like). "" is the accent's own voice.
variants=("" m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 klatt klatt2 klatt3 klatt4 klatt5
          Alex Andy Annie aunty belinda benjamin boris david ed edward grandma grandpa iven john linda max michel
          norbert paul quincy rob robert steph travis victor Gene Lee Michael Mike Jacky adam anika announcer shelby
          Hugo Mario Storm Tweaky)
flite_voices=(awb kal16 rms slt)
# Negatives: words that share sounds with "activate" first, then plain everyday words ("innocent" and "baby" as in the
# course's label figure).
negatives=(active activity activist actor act cactus captivate captive vacate attack cattle native motivate cultivate
           elevate evaluate detective relative tactic vacation
           banana window coffee music yellow garden morning kitchen water paper table happy baby innocent orange
           pencil summer travel number listen computer weather picture tomorrow hello bottle river simple basket
           chicken seven)
espeak_pitches=(25 35 45 50 55 65 75)
espeak_speeds=(120 140 155 170 185 200)
flite_pitches=(-300 -200 -100 0 100 200 300)
flite_speeds=(80 90 100 110 125)
flite_f0_voices=" awb kal16 slt "
flite_f0s=(80 95 110 125 140 160 185 210)

# A fixed pseudo-random sequence (the C library's old rand() constants), so choices look varied but never change.
lcg=20260310
draw() { # draw N -> $pick in [0, N)
    lcg=$(( (lcg * 1103515245 + 12345) % 2147483648 ))
    pick=$(( (lcg / 65536) % $1 ))
}
lcg_f0=20261203
draw_f0() { # draw N -> $pick in [0, N), from the f0 sequence
    lcg_f0=$(( (lcg_f0 * 1103515245 + 12345) % 2147483648 ))
    pick=$(( (lcg_f0 / 65536) % $1 ))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/trigger/clips"
manifest="$work/trigger/manifest.json"
declare -A count=()
first=1
printf '{"version": 1, "sample_rate": %d, "clips": [\n' "$rate" > "$manifest"

# finish WORD POSITIVE ENGINE VOICE PITCH SPEED F0 RAW.wav [sox effects before trimming]: trim, normalise, encode,
# record (F0 0: the voice's own, not recorded).
finish() {
    local word=$1 positive=$2 engine=$3 voice=$4 pitch=$5 speed=$6 f0=$7 raw=$8
    shift 8
    local n=$(( ${count[$word]:-0} + 1 ))
    count[$word]=$n
    local name
    name=$(printf '%s_%04d.flac' "$word" "$n")
    # Normalise first so the silence threshold (-50 dBFS) is relative to the word's own peak; trim both ends (reverse,
    # trim, reverse); normalise again to -1 dBFS peak; no dither, maximum FLAC compression.
    sox -D "$raw" -r "$rate" -c 1 -b 16 -C 8 "$work/trigger/clips/$name" remix - gain -n -6 "$@" rate "$rate" norm -1 \
        silence 1 0.01 0.3% reverse silence 1 0.01 0.3% reverse norm -1
    # sox writes a "Processed by SoX" comment; it is the same every run.
    [ "$first" = 1 ] || printf ',\n' >> "$manifest"
    first=0
    printf '  {"file": "clips/%s", "word": "%s", "positive": %s, "engine": "%s", "voice": "%s", "pitch": %d, "speed": %d' \
        "$name" "$word" "$positive" "$engine" "$voice" "$pitch" "$speed" >> "$manifest"
    [ "$f0" = 0 ] || printf ', "f0": %d' "$f0" >> "$manifest"
    printf '}' >> "$manifest"
}

espeak_clip() { # WORD POSITIVE VOICE
    draw ${#espeak_pitches[@]}; local pitch=${espeak_pitches[$pick]}
    draw ${#espeak_speeds[@]}; local speed=${espeak_speeds[$pick]}
    espeak-ng -v "$3" -p "$pitch" -s "$speed" -w "$work/raw.wav" "$1"
    finish "$1" "$2" espeak-ng "$3" "$pitch" "$speed" 0 "$work/raw.wav"
}

flite_clip() { # WORD POSITIVE VOICE
    draw ${#flite_pitches[@]}; local pitch=${flite_pitches[$pick]}
    draw ${#flite_speeds[@]}; local speed=${flite_speeds[$pick]}
    local stretch f0=0 setf0=()
    stretch=$(awk -v s="$speed" 'BEGIN { printf "%.4f", 100 / s }')
    if [[ $flite_f0_voices == *" $3 "* ]]; then
        draw_f0 ${#flite_f0s[@]}; f0=${flite_f0s[$pick]}
        setf0=(--setf int_f0_target_mean="$f0")
    fi
    flite -voice "$3" --setf duration_stretch="$stretch" "${setf0[@]}" -t "$1" -o "$work/raw.wav"
    if [ "$pitch" = 0 ]; then
        finish "$1" "$2" flite "$3" "$pitch" "$speed" "$f0" "$work/raw.wav"
    else
        finish "$1" "$2" flite "$3" "$pitch" "$speed" "$f0" "$work/raw.wav" pitch "$pitch"
    fi
}

# The negatives are taken in a fixed stride coprime with their count, so every word recurs evenly and a speaker's words
# are spread over the list.
stride=7
gcd() { local a=$1 b=$2; while [ "$b" != 0 ]; do set -- "$b" $(( a % b )); a=$1; b=$2; done; echo "$a"; }
[ "$(gcd $stride ${#negatives[@]})" = 1 ] || { echo "make_trigger_clips: stride $stride shares a factor with ${#negatives[@]} words" >&2; exit 1; }
neg=0
next_negative() { # -> $word
    word=${negatives[$(( (neg * stride) % ${#negatives[@]} ))]}
    neg=$((neg + 1))
}

# espeak-ng: every variant once, the accents in turn; 2 "activate"s and 3 or 4 other words each.
for i in "${!variants[@]}"; do
    accent=${accents[$(( i % ${#accents[@]} ))]}
    voice=$accent${variants[$i]:++${variants[$i]}}
    for _ in 1 2; do espeak_clip activate true "$voice"; done
    for _ in $(seq $(( 3 + i % 2 ))); do next_negative; espeak_clip "$word" false "$voice"; done
done
# flite: fewer voices, so more clips each.
for voice in "${flite_voices[@]}"; do
    for _ in $(seq 9); do flite_clip activate true "$voice"; done
    for _ in $(seq 12); do next_negative; flite_clip "$word" false "$voice"; done
done
# The flite voices that take an f0 target, once more: 6 "activate"s and 3 other words each (after all the clips above,
# so those stay as they were).
for voice in $flite_f0_voices; do
    for _ in $(seq 6); do flite_clip activate true "$voice"; done
    for _ in $(seq 3); do next_negative; flite_clip "$word" false "$voice"; done
done
printf '\n]}\n' >> "$manifest"

cat > "$work/trigger/README.md" <<'EOF'
# Trigger-word clips

The trigger-word lab's built-in words: "activate" (the positives) and a few dozen other words (the negatives, some
sharing sounds with "activate": active, cactus, captivate, vacate, …), one word per FLAC file (16 kHz, mono, 16-bit),
trimmed of leading and trailing silence and peak-normalised to -1 dBFS.

They are generated by the project's own script, `scripts/make_trigger_clips.sh`, with Debian's espeak-ng and flite
speech synthesizers and sox; they are that script's output, not recordings of people and not taken from any other
data set. Running the script again gives identical files.

`manifest.json` lists every clip with the word, whether it is the trigger word, and how it was spoken: the engine,
the voice (espeak-ng: accent+variant; flite: voice), the pitch and the speed (see docs/formats.md). A clip's speaker
is its engine and voice; the lab holds out whole speakers for evaluation, so the detector is tested on voices it never
heard in training.
EOF

# Replace the old output only once the new one is complete.
mkdir -p "$out"
rm -rf "$out/clips.new"
mv "$work/trigger/clips" "$out/clips.new"
rm -rf "$out/clips"
mv "$out/clips.new" "$out/clips"
mv "$work/trigger/manifest.json" "$out/manifest.json"
mv "$work/trigger/README.md" "$out/README.md"
positives=$(grep -c '"positive": true' "$out/manifest.json")
total=$(grep -c '"file"' "$out/manifest.json")
echo "make_trigger_clips: $positives positives, $(( total - positives )) negatives, $(du -sh "$out" | cut -f1) in $out"
