#!/bin/sh
# Rebuilds resources/data/vectors/builtin-50d.txt, the word vectors Unroll ships: trained by Unroll's own trainer on
# the corpus scripts/make_word_corpus.sh assembles (WordNet glosses, GCIDE, the Jargon File), on one thread with a fixed
# seed so that the same build gives the same file, then cut to the 10,000 most frequent words.
#
#   scripts/make_builtin_vectors.sh [path/to/unroll-cli]      (default: build/app/unroll-cli)
#
# The vocabulary is every word seen at least 5 times (40,318 words); training on all of them and keeping the top
# 10,000 rows gives better vectors for those 10,000 than training on them alone (--max-vocab 10000), which deletes the
# rarer words from the text and so shrinks the contexts (measured; resources/data/vectors/README.md).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$root/build/app/unroll-cli}
if [ ! -x "$cli" ]; then
    echo "$0: $cli not found; build unroll-cli first or pass its path" >&2
    exit 2
fi

# The recipe. Changing any of these changes the file.
METHOD=sgns
DIM=50
EPOCHS=10
WINDOW=5
SAMPLE=1e-3 # word2vec's default; the paper's 1e-5 drops too much of a 5M-word text (measured, README.md)
MIN_COUNT=5
SEED=1
KEEP=10000

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/scripts/make_word_corpus.sh" "$work/words.txt"
"$cli" vectors train --corpus "$work/words.txt" --method "$METHOD" --dim "$DIM" --epochs "$EPOCHS" \
    --window "$WINDOW" --sample "$SAMPLE" --min-count "$MIN_COUNT" --seed "$SEED" --threads 1 --digits 6 --out "$work/all.txt"
# The trainer writes the words by descending count: the first rows are the most frequent words.
out="$root/resources/data/vectors/builtin-50d.txt"
head -n "$KEEP" "$work/all.txt" > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out: $(wc -l < "$out") words, $(wc -c < "$out") bytes" >&2
