#!/usr/bin/python3
"""Skip-gram training throughput of gensim's Word2Vec, the reference for `unroll-cli bench sgns`.

    OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/bench/bench_gensim_word2vec.py --corpus FILE \
        [--threads N] [--epochs E] [--json]

Same settings as the bench: Word2Vec(vector_size=50, window=5, sg=1, negative=5, sample=1e-5, min_count=5,
workers=N). Tokens are white-space separated, one sentence per line (gensim's LineSentence would cut lines at 10,000
words; the lines of our corpora are far shorter). Words per second = the corpus's words (before min_count removes any,
as gensim counts raw words) times the epochs, over the time of train() alone; the vocabulary is built beforehand and
timed separately, as `unroll-cli bench sgns` does.
"""
import argparse
import json
import time

from gensim.models import Word2Vec


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    with open(a.corpus, encoding="utf-8", errors="surrogateescape") as f:
        sentences = [line.split() for line in f]
    sentences = [s for s in sentences if s]
    raw_words = sum(len(s) for s in sentences)

    t0 = time.perf_counter()
    model = Word2Vec(vector_size=50, window=5, sg=1, negative=5, sample=1e-5, min_count=5, workers=a.threads, seed=1)
    model.build_vocab(sentences)
    t1 = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), total_words=raw_words, epochs=a.epochs)
    t2 = time.perf_counter()

    result = {"corpus": a.corpus, "raw_words": raw_words, "vocabulary": len(model.wv), "epochs": a.epochs,
              "threads": a.threads, "vocab_seconds": t1 - t0, "train_seconds": t2 - t1,
              "words_per_second": raw_words * a.epochs / (t2 - t1)}
    if a.json:
        print(json.dumps(result, indent=4))
    else:
        print("gensim sgns: %.0f words/s (%d words x %d epochs in %.2f s on %d threads; vocabulary %.2f s)"
              % (result["words_per_second"], raw_words, a.epochs, t2 - t1, a.threads, t1 - t0))


if __name__ == "__main__":
    main()
