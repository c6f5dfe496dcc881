package io.ascendant.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic test corpus for the differential tests and the benchmark: prose, code, CJK, Thai, Arabic, Hebrew,
 * Devanagari, emoji (ZWJ, skin tones, flags, keycaps), combining marks, whitespace and newline runs, number runs of every
 * length in several scripts, literal added-token strings and near misses, very long words, mixtures of all of these, and
 * random code points from every plane (assigned or not, never surrogates).
 */
public final class TextCorpus {
    private static final String[] WORDS = {
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "it",
        "as",
        "was",
        "with",
        "be",
        "by",
        "on",
        "not",
        "he",
        "I",
        "this",
        "are",
        "or",
        "his",
        "from",
        "at",
        "which",
        "but",
        "have",
        "an",
        "had",
        "they",
        "you",
        "were",
        "their",
        "one",
        "all",
        "we",
        "can",
        "her",
        "has",
        "there",
        "been",
        "if",
        "more",
        "when",
        "will",
        "would",
        "who",
        "so",
        "no",
        "tokenizer",
        "DeepSeek",
        "gateway",
        "billing",
        "invoice",
        "Quarkus",
        "don't",
        "I'll",
        "we're",
        "it's",
        "they've",
        "O'Brien",
        "naïve",
        "café",
        "résumé",
        "Zürich",
        "São",
        "Paulo",
        "Ångström",
        "coöperate",
        "HTTP/2",
        "e-mail",
        "co-operate",
        "U.S.A.",
        "Dr.",
        "etc.",
        "i.e.",
        "3rd",
        "21st",
        "COVID-19",
        "GPT-4o",
        "x86_64",
        "snake_case",
        "camelCase",
        "PascalCase",
        "kebab-case",
        "SCREAMING_SNAKE",
        "über",
        "straße",
        "Ωmega",
        "µs",
    };
    private static final String[] PUNCT = {
        ".", ",", "!", "?", ";", ":", "...", " - ", " — ", " – ", "(", ")", "\"", "'", "«", "»", "“", "”", "‘", "’",
        "[", "]", "{", "}", "/", "\\", "@", "#", "$", "%", "&", "*", "+", "=", "<", ">", "|", "~", "^", "`", "_", "€",
        "£", "¥", "©", "®", "™", "°", "±", "×", "÷", "§", "¶", "•", "‰", "′", "″", "→", "⇒", "∀", "∑", "√", "∞", "≠",
        "≤", "★", "♥", "☃", "✓", "、", "。", "，", "！", "？", "：", "；", "「", "」", "『", "』", "（", "）", "・", "ー",
    };
    private static final String[] CODE = {
        "public static void main(String[] args) {\n    System.out.println(\"Hello, world!\");\n}\n",
        "def fib(n):\n\tif n < 2:\n\t\treturn n\n\treturn fib(n - 1) + fib(n - 2)\n",
        "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }\r\n",
        "{\"id\": 42, \"name\": \"x\", \"tags\": [\"a\", \"b\"], \"ok\": true, \"v\": null, \"f\": -1.5e-10}",
        "<div class=\"row\"><a href=\"https://example.com/path?q=1&r=2#frag\">link</a></div>",
        "SELECT id, name FROM users WHERE created_at >= '2024-01-01' AND status <> 'deleted';",
        "    if (x != null && !x.isEmpty()) {\n        return x.trim();\n    }\n",
        "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 1 << 10); return 0; }\n",
        "const f = async (a, b) => { await g(a ?? b); return a?.b?.c ?? `t${b}`; };",
        "$ ./mvnw -B -pl model-host/tokenizer verify -Dtest=Foo#bar && echo ok || exit 1",
        "fn main() { let v: Vec<u32> = (0..10).map(|x| x * x).collect(); println!(\"{:?}\", v); }",
        "  - name: build\n    run: |\n      make all -j$(nproc)\n",
        "x+=1;y-=2;z*=3;w/=4;a%=5;b**=6;c//=7;d<<=8;e>>=9;f&=10;g|=11;h^=12;",
        "// TODO(#123): handle the edge case\n/* block\n * comment */\n",
        "a_b_c __init__ __main__ self.__dict__ obj->field ptr::null() ::std::vector<int>",
    };
    private static final String[] CJK = {
        "你好，世界！",
        "深度求索公司创造了这个模型。",
        "今天天气很好，我们去公园散步吧。",
        "机器学习和人工智能正在改变世界",
        "東京は日本の首都です。",
        "ひらがなとカタカナ、そして漢字。",
        "コンピューター・プログラミング",
        "ｶﾀｶﾅ ﾊﾝｶｸ",
        "안녕하세요, 세계!",
        "한국어 텍스트 토큰화",
        "𠀀𠀁𪚥 extension B",
        "㐀㐁 ext A",
        "龥龦龧鿿 edge",
        "ゟ゠ヿ・ヽヾ",
        "ゔゕゖ゙゚゛゜",
        "〇一二三",
        "中文English混合text",
        "漢字かな交じり文",
    };
    private static final String[] OTHER_SCRIPTS = {
        "สวัสดีครับ ภาษาไทยไม่มีช่องว่างระหว่างคำ",
        "مرحبا بالعالم، هذا نص عربي.",
        "اَلْعَرَبِيَّةُ مع التشكيل",
        "שלום עולם",
        "नमस्ते दुनिया, हिन्दी पाठ",
        "Привет, мир! Ёжик в тумане.",
        "Γειά σου Κόσμε",
        "Καλημέρα κόσμε",
        "Tiếng Việt có dấu: Nguyễn Văn A",
        "ქართული ენა",
        "Հայերեն",
        "ᐃᓄᒃᑎᑐᑦ",
        "ᚠᚢᚦᚨᚱᚲ",
        "ꦧꦱꦗꦮ",
        "ትግርኛ",
        "ߒߞߏ",
    };
    private static final String[] EMOJI = {
        "😀",
        "🌍",
        "👍🏽",
        "👨‍👩‍👧‍👦",
        "🏳️‍🌈",
        "🇯🇵",
        "🇺🇸🇩🇪",
        "1️⃣",
        "#️⃣",
        "❤️",
        "✌🏿",
        "🧑🏻‍💻",
        "👩‍❤️‍💋‍👨",
        "🫠",
        "🦀",
        "🐍",
        "☕",
        "⌚",
        "🀄",
        "🃏",
        "🅰️",
        "©️",
        "™️",
        "🤷‍♀️",
        "🏃🏾‍♂️",
        "😶‍🌫️",
    };
    private static final String[] MARKS = {
        "e\u0301",
        "a\u0300\u0301\u0302",
        "n\u0303",
        "\u0301start",
        "Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o",
        "\u20DD",
        "x\u20E3",
        "\u0915\u094D\u0937",
        "\u0E01\u0E34\u0E48",
        "\u05E9\u05C1",
        " \u0301",
        "1\u0301",
        "!\u0301",
        "\u200D",
        "a\u200Db",
        "\u200B",
        "\uFEFF",
        "\u00AD",
        "\u2060",
        "\uFE0F",
        "a\uFE0Fb",
        "\u034F",
    };
    private static final String[] SPACES = {
        " ",
        "  ",
        "   ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "\n\n\n",
        " \n",
        "\n ",
        "\t\n",
        " \t ",
        "\u00A0",
        "\u3000",
        "\u2028",
        "\u2029",
        "\u0085",
        "\u000B",
        "\u000C",
        "\u1680",
        "\u2000",
        "\u200A",
        "\u202F",
        "\u205F",
        "\u001C",
        "    \n    ",
        "\n\t\t",
        " \r\n \r\n ",
    };
    private static final String[] NUMBERS = {
        "٠١٢٣٤٥٦٧٨٩",
        "۱۲۳۴",
        "０１２３４５",
        "१२३",
        "๑๒๓",
        "²³¹",
        "½¼¾",
        "ⅠⅡⅢⅫ",
        "①②③",
        "𝟙𝟚𝟛",
        "〇",
        "3.14159",
        "1,000,000",
        "-42",
        "+7",
        "0x1F",
        "1e10",
        "2024-11-29",
        "12:34:56",
        "v1.2.3",
        "#123",
        "$9.99",
        "99%",
    };

    private final SplittableRandom random;
    private final List<String> addedTokens;

    private TextCorpus(long seed, List<String> addedTokens) {
        this.random = new SplittableRandom(seed);
        this.addedTokens = addedTokens;
    }

    /** About {@code 6,500} texts; the same for the same seed and token list. */
    public static List<String> generate(long seed, List<String> addedTokens) {
        return new TextCorpus(seed, addedTokens).all();
    }

    /** Only the realistic part (prose, code, CJK, other scripts, emoji): the benchmark's mixed corpus. */
    public static List<String> realistic(long seed, int count) {
        TextCorpus c = new TextCorpus(seed, List.of());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(
                    switch (i % 6) {
                        case 0, 1 -> c.prose(20 + c.random.nextInt(200));
                        case 2 -> c.code();
                        case 3 -> c.pick(CJK) + c.pick(CJK) + c.prose(5) + c.pick(CJK);
                        case 4 -> c.pick(OTHER_SCRIPTS) + " " + c.prose(10) + " " + c.pick(EMOJI);
                        default -> c.mixture(10 + c.random.nextInt(60));
                    });
        }
        return out;
    }

    /**
     * Text that defeats word caches: {@code count} texts of 20..300 random "words" (random Latin letters, sometimes
     * capitalised, random CJK ideographs, random digits) with spaces and punctuation. The benchmark's cold corpus.
     */
    public static List<String> unseenWords(long seed, int count) {
        TextCorpus c = new TextCorpus(seed, List.of());
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int words = 20 + c.random.nextInt(281);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    sb.append(c.random.nextInt(12) == 0 ? c.pick(PUNCT) + " " : " ");
                }
                int kind = c.random.nextInt(10);
                if (kind < 7) {
                    String letters = c.randomLetters(2 + c.random.nextInt(9)).toLowerCase(java.util.Locale.ROOT);
                    sb.append(kind == 0 ? Character.toUpperCase(letters.charAt(0)) + letters.substring(1) : letters);
                } else if (kind < 9) {
                    for (int k = 1 + c.random.nextInt(4); k > 0; k--) {
                        sb.append((char) (0x4E00 + c.random.nextInt(0x51A6)));
                    }
                } else {
                    sb.append(c.digits(1 + c.random.nextInt(8)));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    private List<String> all() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            out.add(prose(1 + random.nextInt(120)));
        }
        for (String s : CODE) {
            out.add(s);
        }
        for (int i = 0; i < 400; i++) {
            out.add(code());
        }
        for (int i = 0; i < 400; i++) {
            out.add(pick(CJK) + (random.nextBoolean() ? pick(PUNCT) : "") + pick(CJK) + pick(SPACES) + pick(CJK));
        }
        for (int i = 0; i < 300; i++) {
            out.add(pick(OTHER_SCRIPTS) + pick(PUNCT) + pick(OTHER_SCRIPTS) + pick(SPACES) + word());
        }
        for (int i = 0; i < 300; i++) {
            out.add(word() + pick(EMOJI) + pick(EMOJI) + (random.nextBoolean() ? " " : "") + pick(EMOJI) + pick(PUNCT));
        }
        for (int i = 0; i < 300; i++) {
            out.add(pick(MARKS) + word() + pick(MARKS) + pick(PUNCT) + pick(MARKS) + pick(SPACES) + pick(MARKS));
        }
        for (int i = 0; i < 400; i++) {
            out.add(whitespaceText());
        }
        for (int len = 1; len <= 64; len++) {
            out.add(digits(len));
            out.add("x" + digits(len) + "y");
            out.add(" " + digits(len) + " ");
            out.add(digits(len) + "." + digits(1 + len % 7));
        }
        for (int i = 0; i < 200; i++) {
            out.add(pick(NUMBERS) + pick(SPACES) + digits(1 + random.nextInt(20)) + pick(NUMBERS) + pick(CJK));
        }
        for (String token : addedTokens) {
            out.add(token);
            out.add("a" + token + "b");
        }
        for (int i = 0; i < 600; i++) {
            out.add(specialTokenText());
        }
        for (int i = 0; i < 60; i++) {
            out.add(longWord());
        }
        for (int i = 0; i < 800; i++) {
            out.add(mixture(1 + random.nextInt(40)));
        }
        for (int i = 0; i < 1500; i++) {
            out.add(randomUnicode(1 + random.nextInt(30)));
        }
        return out;
    }

    private String pick(String[] a) {
        return a[random.nextInt(a.length)];
    }

    private String word() {
        String w = pick(WORDS);
        return switch (random.nextInt(8)) {
            case 0 -> w.toUpperCase(java.util.Locale.ROOT);
            case 1 -> Character.toUpperCase(w.charAt(0)) + w.substring(1);
            default -> w;
        };
    }

    private String prose(int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(random.nextInt(20) == 0 ? pick(SPACES) : " ");
            }
            sb.append(word());
            if (random.nextInt(6) == 0) {
                sb.append(pick(PUNCT));
            }
            if (random.nextInt(25) == 0) {
                sb.append(' ').append(digits(1 + random.nextInt(6)));
            }
        }
        return sb.toString();
    }

    private String code() {
        StringBuilder sb = new StringBuilder(pick(CODE));
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(pick(SPACES)).append(pick(CODE));
        }
        return sb.toString();
    }

    private String digits(int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private String whitespaceText() {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(pick(SPACES));
            int k = random.nextInt(4);
            if (k == 0) {
                sb.append(word());
            } else if (k == 1) {
                sb.append(pick(PUNCT));
            } else if (k == 2) {
                sb.append(pick(SPACES).repeat(1 + random.nextInt(5)));
            }
        }
        return sb.toString();
    }

    private String specialTokenText() {
        if (addedTokens.isEmpty()) {
            return prose(3);
        }
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String t = addedTokens.get(random.nextInt(addedTokens.size()));
            switch (random.nextInt(6)) {
                case 0 -> sb.append(t.substring(0, Math.max(1, t.length() - 1))); // near miss
                case 1 -> sb.append(' ').append(t).append(' ');
                case 2 -> sb.append(t).append(t);
                case 3 -> sb.append(t.substring(1)); // missing first char
                default -> sb.append(t);
            }
            if (random.nextBoolean()) {
                sb.append(random.nextBoolean() ? word() : pick(SPACES));
            }
        }
        return sb.toString();
    }

    private String longWord() {
        int len = 200 + random.nextInt(5000);
        return switch (random.nextInt(7)) {
            case 0 -> "a".repeat(len);
            case 1 -> randomLetters(len);
            case 2 -> "ab".repeat(len / 2) + "!";
            case 3 -> "😀".repeat(len / 20 + 1);
            case 4 -> " ".repeat(len) + "x";
            case 5 -> "\n".repeat(len / 10 + 1) + " x";
            default -> randomBase64(len);
        };
    }

    private String randomLetters(int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26)));
        }
        return sb.toString();
    }

    private String randomBase64(int len) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.append("==").toString();
    }

    private String mixture(int parts) {
        String[][] pools = {WORDS, PUNCT, CODE, CJK, OTHER_SCRIPTS, EMOJI, MARKS, SPACES, NUMBERS};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            sb.append(pick(pools[random.nextInt(pools.length)]));
            if (random.nextInt(5) == 0) {
                sb.append(digits(1 + random.nextInt(5)));
            }
            if (!addedTokens.isEmpty() && random.nextInt(30) == 0) {
                sb.append(addedTokens.get(random.nextInt(addedTokens.size())));
            }
        }
        return sb.toString();
    }

    /** Random code points: mostly BMP, some supplementary, sometimes ASCII glue; never surrogates. */
    private String randomUnicode(int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int cp;
            int r = random.nextInt(10);
            if (r < 2) {
                cp = 0x20 + random.nextInt(0x5F);
            } else if (r < 7) {
                cp = random.nextInt(0x10000);
            } else if (r < 9) {
                cp = 0x10000 + random.nextInt(0x20000);
            } else {
                cp = random.nextInt(0x110000);
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
