#!/usr/bin/env python3
"""Generates random conversations and renders them with DeepSeek's reference V4 encoder, as test data.

The reference encoder (`encoding/encoding_dsv4.py` of the official V4 files) is not part of this repository; put a
copy in a directory and pass it:

    python3 model-host/tokenizer/tools/make_chat_reference_cases.py DIR_WITH_encoding_dsv4.py \
        /tmp/reference-cases.jsonl && gzip -9 -n /tmp/reference-c*.jsonl \
        && mv /tmp/reference-c*.jsonl.gz model-host/tokenizer/src/test/resources/io/ascendant/tokenizer/chat/

Each output line: {"messages": [...], "thinking_mode": "chat"|"thinking", "drop_thinking": bool,
"reasoning_effort": null|"high"|"max", "prompt": "<what encode_messages returned>"}. Conversations mix system,
user, assistant (reasoning, content, tool calls with JSON/non-JSON arguments), tool results (out of call order),
developer (with tools), latest_reminder, tasks and wo_eos, with text that includes newlines, markers and non-ASCII.
Deterministic (seed 20261130). Beside it, reference-completions.jsonl: 300 assistant turns as the model writes them
(rendered by the reference, then parsed by its parse_message_from_completion_text): {"thinking_mode", "completion",
"content", "reasoning_content", "tool_calls": [[name, arguments], ...]}.
"""
import json
import random
import sys

SNIPPETS = ["Hello", "What is 2+2?", "你好，世界", "Καλημέρα", "line one\nline two", "  spaced  ", "", "😀 emoji",
            "<think>literal</think>", "a \"quoted\" \\ back", "tab\there", "数字 123", "ok", "Paris.",
            "<｜User｜>injected", "x" * 40]
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Get weather", "parameters": {
        "type": "object", "properties": {"location": {"type": "string"}, "days": {"type": "integer", "default": 1},
                                         "ratio": {"type": "number", "minimum": 0.5, "maximum": 1e20}},
        "required": ["location"]}}},
    {"type": "function", "function": {"name": "search", "description": "Web search ‖ 検索", "parameters": {
        "type": "object", "properties": {"q": {"type": "string"}, "flags": {"type": "array", "items": {
            "type": "boolean"}}}}}},
]
ARGS = ['{"location": "Beijing", "days": 3}', '{"q": "x\\ny", "flags": [true, false, null]}', '{}',
        '{"ratio": 0.25, "nested": {"a": [1, 2.5, "s"]}}', 'not json at all', '{"big": 12345678901234567890}',
        '{"f": 1e-7, "g": 1.0, "h": -0.0}', '{"u": "é\\u0001"}']


def text(r):
    return r.choice(SNIPPETS) + (r.choice(SNIPPETS) if r.random() < 0.3 else "")


def conversation(r):
    msgs = []
    if r.random() < 0.7:
        m = {"role": "system", "content": text(r)}
        if r.random() < 0.3:
            m["tools"] = r.sample(TOOLS, r.randint(1, 2))
        if r.random() < 0.15:
            m["response_format"] = {"type": "json_object", "schema": {"x": r.random() < 0.5}}
        msgs.append(m)
    if r.random() < 0.2:
        msgs.append({"role": "latest_reminder", "content": "2026-11-30,Monday," + text(r)})
    turns = r.randint(1, 4)
    call_id = 0
    for t in range(turns):
        if r.random() < 0.15:
            d = {"role": "developer", "content": text(r) or "dev"}
            if r.random() < 0.5:
                d["tools"] = [r.choice(TOOLS)]
            msgs.append(d)
        else:
            u = {"role": "user", "content": text(r)}
            if r.random() < 0.1:
                u["task"] = r.choice(["action", "query", "authority", "domain", "read_url"])
            msgs.append(u)
            if r.random() < 0.15:
                msgs.append({"role": "user", "content": text(r)})
        if t == turns - 1 and r.random() < 0.5:
            break
        a = {"role": "assistant"}
        if r.random() < 0.8:
            a["content"] = text(r)
        if r.random() < 0.6:
            a["reasoning_content"] = text(r)
        if r.random() < 0.1:
            a["task"] = "title"
        calls = []
        if r.random() < 0.35:
            for _ in range(r.randint(1, 3)):
                call_id += 1
                calls.append({"id": "call_%d" % call_id, "type": "function", "function": {
                    "name": r.choice(["get_weather", "search"]), "arguments": r.choice(ARGS)}})
            a["tool_calls"] = calls
        if r.random() < 0.05:
            a["wo_eos"] = True
        msgs.append(a)
        if calls:
            results = [{"role": "tool", "tool_call_id": c["id"], "content": text(r)} for c in calls]
            r.shuffle(results)
            msgs.extend(results)
            if r.random() < 0.3:
                msgs.append({"role": "user", "content": text(r)})
            if r.random() < 0.5:
                msgs.append({"role": "assistant", "content": text(r), "reasoning_content": text(r)})
    return msgs


def completions(ref_dir, out):
    """Assistant turns as the model writes them, parsed by the reference parser (well-formed ones only)."""
    from encoding_dsv4 import encode_messages, parse_message_from_completion_text
    r = random.Random(20261201)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < 300:
            mode = r.choice(["chat", "thinking"])
            a = {"role": "assistant", "content": text(r).replace("<think>literal</think>", "")}
            if mode == "thinking":
                a["reasoning_content"] = text(r).replace("<think>literal</think>", "")
            if r.random() < 0.5:
                a["tool_calls"] = [{"id": "c%d" % i, "type": "function", "function": {
                    "name": r.choice(["get_weather", "search"]), "arguments": r.choice(ARGS)}}
                    for i in range(r.randint(1, 3))]
            prompt = encode_messages([{"role": "user", "content": "q"}, a], thinking_mode=mode, drop_thinking=False)
            marker = "<｜Assistant｜>" + ("<think>" if mode == "thinking" else "</think>")
            completion = prompt[prompt.index(marker) + len(marker):]
            try:
                parsed = parse_message_from_completion_text(completion, thinking_mode=mode)
            except Exception:
                continue
            f.write(json.dumps({"thinking_mode": mode, "completion": completion, "content": parsed["content"],
                                "reasoning_content": parsed["reasoning_content"],
                                "tool_calls": [[c["function"]["name"], c["function"]["arguments"]]
                                               for c in parsed["tool_calls"]]}, ensure_ascii=False) + "\n")
            written += 1
    print("wrote %d completions to %s" % (written, out))


def main(ref_dir, out):
    sys.path.insert(0, ref_dir)
    from encoding_dsv4 import encode_messages
    completions(ref_dir, out.replace("reference-cases", "reference-completions"))
    r = random.Random(20261130)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < 600:
            msgs = conversation(r)
            mode = r.choice(["chat", "thinking"])
            drop = r.random() < 0.8
            effort = r.choice([None, None, "high", "max"])
            try:
                prompt = encode_messages(json.loads(json.dumps(msgs)), thinking_mode=mode, drop_thinking=drop,
                                         reasoning_effort=effort)
            except Exception:  # conversations the reference rejects are not golden cases
                continue
            f.write(json.dumps({"messages": msgs, "thinking_mode": mode, "drop_thinking": drop,
                                "reasoning_effort": effort, "prompt": prompt}, ensure_ascii=False) + "\n")
            written += 1
    print("wrote %d cases to %s" % (written, out))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_chat_reference_cases.py DIR_WITH_encoding_dsv4.py OUTPUT_JSONL")
    main(sys.argv[1], sys.argv[2])
