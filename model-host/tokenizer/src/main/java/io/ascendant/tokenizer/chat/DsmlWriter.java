package io.ascendant.tokenizer.chat;

import static io.ascendant.tokenizer.chat.V4Markers.DSML;
import static io.ascendant.tokenizer.chat.V4Markers.THINK_END;
import static io.ascendant.tokenizer.chat.V4Markers.THINK_START;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * Writes the DSML side of a V4 prompt: the tools block of a system prompt (the reference's {@code TOOLS_TEMPLATE}) and
 * an assistant turn's tool calls as {@code <｜DSML｜tool_calls>} markup, exactly as the reference encoder does. The
 * inverse, reading DSML that the model generated, is {@link DsmlInvokeReader}.
 */
final class DsmlWriter {
    /** Parses tool-call arguments as Python's json.loads would: whole text only, NaN/Infinity accepted. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private DsmlWriter() {}

    /**
     * The tools block of the system prompt, one schema per line.
     *
     * @throws IllegalArgumentException if a tool definition has no {@code function} object
     */
    static String renderTools(List<JsonNode> tools) {
        StringBuilder schemas = new StringBuilder();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode function = tools.get(i).get("function");
            if (function == null) {
                throw new IllegalArgumentException("tools[" + i + "] has no \"function\" object");
            }
            if (i > 0) {
                schemas.append('\n');
            }
            schemas.append(PythonJson.dumps(function));
        }
        return "## Tools\n\n"
                + "You have access to a set of tools to help answer the user's question. You can invoke tools by writing"
                + " a \"<" + DSML + "tool_calls>\" block like the following:\n\n"
                + "<" + DSML + "tool_calls>\n"
                + "<" + DSML + "invoke name=\"$TOOL_NAME\">\n"
                + "<" + DSML + "parameter name=\"$PARAMETER_NAME\" string=\"true|false\">$PARAMETER_VALUE</" + DSML
                + "parameter>\n"
                + "...\n"
                + "</" + DSML + "invoke>\n"
                + "<" + DSML + "invoke name=\"$TOOL_NAME2\">\n"
                + "...\n"
                + "</" + DSML + "invoke>\n"
                + "</" + DSML + "tool_calls>\n\n"
                + "String parameters should be specified as is and set `string=\"true\"`. For all other types (numbers,"
                + " booleans, arrays, objects), pass the value in JSON format and set `string=\"false\"`.\n\n"
                + "If thinking_mode is enabled (triggered by " + THINK_START + "), you MUST output your complete"
                + " reasoning inside " + THINK_START + "..." + THINK_END
                + " BEFORE any tool calls or final response.\n\n"
                + "Otherwise, output directly after " + THINK_END + " with tool calls or final response.\n\n"
                + "### Available Tool Schemas\n\n"
                + schemas
                + "\n\nYou MUST strictly follow the above defined tool name and parameter schemas to invoke tool calls.\n";
    }

    /**
     * Appends an assistant turn's tool calls (at least one): a blank line, then the block with one invoke per call.
     *
     * @throws IllegalArgumentException for arguments that are JSON but not an object
     */
    static void appendToolCalls(List<ToolCall> calls, StringBuilder prompt) {
        prompt.append("\n\n<").append(DSML).append("tool_calls>\n");
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) {
                prompt.append('\n');
            }
            ToolCall c = calls.get(i);
            prompt.append('<')
                    .append(DSML)
                    .append("invoke name=\"")
                    .append(c.name())
                    .append("\">\n");
            appendArguments(c, prompt);
            prompt.append("\n</").append(DSML).append("invoke>");
        }
        prompt.append("\n</").append(DSML).append("tool_calls>");
    }

    /** DSML parameters of one call; arguments that are not JSON become one string parameter "arguments". */
    private static void appendArguments(ToolCall call, StringBuilder prompt) {
        JsonNode args;
        try {
            args = JSON.readTree(call.arguments());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            args = null;
        }
        if (args == null || args.isMissingNode()) {
            args = JSON.createObjectNode().put("arguments", call.arguments());
        }
        if (!args.isObject()) {
            throw new IllegalArgumentException(
                    "tool call \"" + call.name() + "\": arguments must be a JSON object, got " + args.getNodeType());
        }
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : args.properties()) {
            if (!first) {
                prompt.append('\n');
            }
            first = false;
            JsonNode v = e.getValue();
            prompt.append('<')
                    .append(DSML)
                    .append("parameter name=\"")
                    .append(e.getKey())
                    .append("\" string=\"")
                    .append(v.isTextual() ? "true" : "false")
                    .append("\">")
                    .append(v.isTextual() ? v.textValue() : PythonJson.dumps(v))
                    .append("</")
                    .append(DSML)
                    .append("parameter>");
        }
    }
}
