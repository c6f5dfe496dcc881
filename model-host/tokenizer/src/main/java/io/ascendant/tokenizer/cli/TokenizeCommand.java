package io.ascendant.tokenizer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.TokenizerLoadException;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.ascendant.tokenizer.chat.ReasoningEffort;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ascendant tokenize --tokenizer FILE [--chat]}: reads JSON lines on standard input and writes one JSON line of
 * ids per input line on standard output, in order, streaming (constant memory for any number of lines).
 *
 * <ul>
 *   <li>Text mode: {@code {"id": any, "text": "..."}} gives {@code {"id": any, "ids": [...]}} (no BOS/EOS added).
 *   <li>Chat mode: {@code {"id": any, "messages": [...], "tools": [...], "thinking": true, "reasoning_effort": "max"}}
 *       ({@code tools}, {@code thinking} (default true) and {@code reasoning_effort} optional) gives the ids of the
 *       DeepSeek V4 prompt, BOS included.
 * </ul>
 *
 * <p>{@code FILE} is a tokenizer.json (plain or gzip); {@code deepseek-v4} names the built-in V4 tokenizer. A bad line is
 * reported on standard error as {@code line N: what is wrong} and produces no output line; the exit status is then 1.
 * Exit status 2: bad arguments or a tokenizer that cannot be loaded.
 */
public final class TokenizeCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = "usage: tokenize --tokenizer FILE|deepseek-v4 [--chat]\n"
            + "  reads JSON lines {\"id\":..,\"text\":..} (or, with --chat, {\"id\":..,\"messages\":[..],\"tools\":[..],"
            + "\"thinking\":true}) on stdin and writes {\"id\":..,\"ids\":[..]} lines on stdout";

    private TokenizeCommand() {}

    public static void main(String[] args) throws IOException {
        Reader in = new InputStreamReader(System.in, StandardCharsets.UTF_8);
        Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        System.exit(run(args, in, out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, Reader input, Writer output, PrintStream err) throws IOException {
        String tokenizerArg = null;
        boolean chat = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tokenizer" -> {
                    if (i + 1 >= args.length) {
                        err.println("--tokenizer needs a file\n" + USAGE);
                        return 2;
                    }
                    tokenizerArg = args[++i];
                }
                case "--chat" -> chat = true;
                case "-h", "--help" -> {
                    err.println(USAGE);
                    return 0;
                }
                default -> {
                    err.println("unknown argument " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (tokenizerArg == null) {
            err.println("--tokenizer is required\n" + USAGE);
            return 2;
        }
        Tokenizer tokenizer;
        try {
            tokenizer =
                    tokenizerArg.equals("deepseek-v4") ? Tokenizer.deepSeekV4() : Tokenizer.load(Path.of(tokenizerArg));
        } catch (TokenizerLoadException e) {
            err.println(e.getMessage());
            return 2;
        }
        ChatEncoder encoder = new ChatEncoder(tokenizer);
        BufferedReader reader = new BufferedReader(input, 1 << 16);
        BufferedWriter writer = new BufferedWriter(output, 1 << 16);
        int failures = 0;
        long lineNumber = 0;
        StringBuilder line = new StringBuilder();
        String raw;
        while ((raw = reader.readLine()) != null) {
            lineNumber++;
            if (raw.isBlank()) {
                continue;
            }
            try {
                JsonNode request = JSON.readTree(raw);
                if (request == null || !request.isObject()) {
                    throw new IllegalArgumentException("expected a JSON object");
                }
                int[] ids = chat ? chatIds(encoder, request) : textIds(tokenizer, request);
                line.setLength(0);
                line.append("{\"id\":")
                        .append(JSON.writeValueAsString(request.path("id").isMissingNode() ? null : request.get("id")))
                        .append(",\"ids\":[");
                for (int k = 0; k < ids.length; k++) {
                    if (k > 0) {
                        line.append(',');
                    }
                    line.append(ids[k]);
                }
                line.append("]}\n");
                writer.append(line);
            } catch (JsonProcessingException e) {
                failures++;
                err.println("line " + lineNumber + ": not valid JSON (" + e.getOriginalMessage() + ")");
            } catch (IllegalArgumentException e) {
                failures++;
                err.println("line " + lineNumber + ": " + e.getMessage());
            }
            if (!reader.ready()) {
                writer.flush(); // interactive use sees each answer; bulk input is written in large blocks
            }
        }
        writer.flush();
        return failures == 0 ? 0 : 1;
    }

    private static int[] textIds(Tokenizer tokenizer, JsonNode request) {
        JsonNode text = request.path("text");
        if (!text.isTextual()) {
            throw new IllegalArgumentException("\"text\" must be a string");
        }
        return tokenizer.encode(text.asText());
    }

    private static int[] chatIds(ChatEncoder encoder, JsonNode request) {
        List<ChatMessage> messages = ChatMessage.listFromJson(request.path("messages"));
        List<JsonNode> tools = new ArrayList<>();
        JsonNode t = request.path("tools");
        if (t.isArray()) {
            t.forEach(tools::add);
        } else if (!t.isMissingNode() && !t.isNull()) {
            throw new IllegalArgumentException("\"tools\" must be an array");
        }
        JsonNode thinking = request.path("thinking");
        if (!thinking.isMissingNode() && !thinking.isBoolean()) {
            throw new IllegalArgumentException("\"thinking\" must be true or false");
        }
        ChatOptions options = thinking.asBoolean(true) ? ChatOptions.thinkingMode() : ChatOptions.chatMode();
        JsonNode effort = request.path("reasoning_effort");
        if (effort.isTextual()) {
            try {
                options = options.withReasoningEffort(
                        ReasoningEffort.valueOf(effort.asText().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"reasoning_effort\" must be high or max, got " + effort);
            }
        }
        return encoder.encode(messages, tools, options);
    }
}
