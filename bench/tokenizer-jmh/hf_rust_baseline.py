#!/usr/bin/env python3
"""Times Hugging Face tokenizers (Rust, through its Python binding) on the tokenizer benchmark's corpus.

The Python binding is the thinnest way to call the Rust library here (DJL's JNI binding, used inside the JMH run,
adds per-call overhead of its own). Usage, after `java -cp bench/tokenizer-jmh/target/tokenizer-benchmarks.jar
io.ascendant.bench.tokenizer.ExportBenchmarkInputs bench/results/tokenizer`:

    RAYON_NUM_THREADS=1 python3 bench/tokenizer-jmh/hf_rust_baseline.py bench/results/tokenizer

Needs the `tokenizers` wheel (pip install tokenizers). Prints tokens/s and MB/s of `encode` one text at a time
(single thread) and of `encode_batch` over the whole corpus (Rust threads = RAYON_NUM_THREADS), for the mixed and the
unseen-words corpus.
"""
import json
import os
import sys
import time

from tokenizers import Tokenizer


def main(directory):
    tok = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
    for corpus in ("mixed", "unseen"):
        with open(os.path.join(directory, "corpus-%s.jsonl" % corpus), encoding="utf-8") as f:
            texts = [json.loads(line) for line in f]
        measure(tok, corpus, texts)


def measure(tok, corpus, texts):
    size = sum(len(t.encode("utf-8")) for t in texts)
    tokens = sum(len(tok.encode(t, add_special_tokens=False).ids) for t in texts)
    print("tokenizers %s, corpus %s: %d texts, %d UTF-8 bytes, %d tokens" % (
        __import__("tokenizers").__version__, corpus, len(texts), size, tokens))
    for name, run in (
        ("encode, one text per call", lambda: [tok.encode(t, add_special_tokens=False) for t in texts]),
        ("encode_batch, whole corpus", lambda: tok.encode_batch(texts, add_special_tokens=False)),
    ):
        best = None
        for _ in range(5):
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print("%-28s %8.3f M tokens/s %7.2f MB/s (best of 5 passes)" % (
            name, tokens / best / 1e6, size / best / 1e6))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/tokenizer")
