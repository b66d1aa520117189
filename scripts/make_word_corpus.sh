#!/bin/sh
# Assembles the English text the built-in word vectors are trained on, from three Debian packages:
#   wordnet-base  WordNet 3.0 glosses and example sentences (WordNet 3.0 licence, Princeton University)
#   dict-gcide    GNU Collaborative International Dictionary of English: definitions and quotations (GPL-2+)
#   jargon-text   the Jargon File 4.4.7 (public domain)
# The text is lower-cased and reduced to letters and apostrophes (apostrophes only inside words); one paragraph per
# line, so that a training window never crosses from one definition into the next.
#
#   scripts/make_word_corpus.sh /tmp/words.txt
#
# Installs the three packages with apt-get when they are missing (needs root). Writes only the given output file.
set -eu
# Byte-wise character classes: GCIDE has a few Latin-1 bytes, which a UTF-8 locale's sed and grep would choke on.
export LC_ALL=C

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTPUT.txt" >&2
    exit 2
fi
out=$1

missing=""
for p in wordnet-base dict-gcide jargon-text; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing$missing" >&2
    apt-get install -y $missing >&2
fi

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

{
    # WordNet: each synset line of data.* ends with "| gloss; \"example\"". The licence header lines start with
    # two spaces.
    for pos in noun verb adj adv; do
        grep -v '^  ' "/usr/share/wordnet/data.$pos" | sed 's/^.*| //'
    done

    # GCIDE: entries are blocks separated by blank lines. Drop the headword lines (they carry the \pro*nun"ci*a`tion\),
    # the [1913 Webster]-style source tags and other [..] and {..} notes, and "--Author." attributions; join each
    # block's remaining lines into one paragraph.
    zcat /usr/share/dictd/gcide.dict.dz | perl -ne '
        chomp;
        if (/^\s*$/) { flush(); next; }
        next if /\\[^\\]*\\/;
        $para .= " $_";
        sub flush {
            return unless defined $para;
            $para =~ s/\[[^\]]*\]//g;
            $para =~ s/\{[^}]*\}//g;
            $para =~ s/--\S+//g;
            print "$para\n" if $para =~ /\S/;
            undef $para;
        }
        END { flush(); }'

    # The Jargon File: prose broken at ~70 columns, paragraphs separated by blank lines; one paragraph per line.
    zcat /usr/share/doc/jargon-text/jargon.txt.gz | perl -00 -ne 's/\s+/ /g; print "$_\n";'
} | tr 'A-Z' 'a-z' \
  | sed -E "s/[^a-z']+/ /g; s/(^| )'+/ /g; s/'+( |$)/ /g; s/  +/ /g; s/^ //; s/ $//" \
  | grep -v '^$' > "$tmp"

mv "$tmp" "$out"
trap - EXIT
echo "$out: $(wc -l < "$out") lines, $(wc -w < "$out") words" >&2
