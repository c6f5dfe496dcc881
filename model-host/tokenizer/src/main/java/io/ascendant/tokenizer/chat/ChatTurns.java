package io.ascendant.tokenizer.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A conversation as the reference {@code encode_messages} sees it just before rendering: tool messages merged into user
 * turns, tool results ordered as the preceding assistant's calls, and (in thinking mode) the reasoning of earlier turns
 * dropped. {@link ChatEncoder} renders the turns one by one; this class decides what there is to render.
 *
 * @param turns the turns to render, oldest first
 * @param dropThinking whether reasoning before the last user turn is dropped: the option, unless a message carries tools
 * @param lastUser index in {@code turns} of the last user or developer turn, or -1
 */
record ChatTurns(List<Turn> turns, boolean dropThinking, int lastUser) {

    /** A piece of a merged user turn: the user's own text or one tool result. */
    record Block(boolean toolResult, String text, String toolUseId) {}

    /** One message after merging; user turns carry their content as blocks. */
    static final class Turn {
        final ChatMessage m;
        String reasoning;
        List<Block> blocks; // user turns only (after merging); null otherwise

        Turn(ChatMessage m) {
            this.m = m;
            this.reasoning = m.reasoningContent();
        }

        String role() {
            return m.role();
        }
    }

    /** Merges, orders and (when the options say so) drops earlier reasoning, as the reference does in that order. */
    static ChatTurns prepare(List<ChatMessage> messages, ChatOptions options) {
        List<Turn> turns = mergeToolMessages(messages);
        sortToolResultsByCallOrder(turns);
        boolean drop = options.dropThinking();
        for (Turn t : turns) {
            if (!t.m.tools().isEmpty()) {
                drop = false;
            }
        }
        if (options.thinking() && drop) {
            turns = dropThinking(turns);
        }
        return new ChatTurns(turns, drop, lastUserIndex(turns));
    }

    /**
     * Consecutive tool messages become one user turn of tool-result blocks; a user message right after joins it (unless
     * it carries a task).
     */
    private static List<Turn> mergeToolMessages(List<ChatMessage> messages) {
        List<Turn> merged = new ArrayList<>();
        for (ChatMessage m : messages) {
            Turn last = merged.isEmpty() ? null : merged.getLast();
            switch (m.role()) {
                case "tool" -> {
                    Block b = new Block(true, nz(m.content()), nz(m.toolCallId()));
                    if (last != null && last.role().equals("user") && last.blocks != null) {
                        last.blocks.add(b);
                    } else {
                        Turn t = new Turn(new ChatMessage("user", null, null, null, null, null, null, null, false));
                        t.blocks = new ArrayList<>(List.of(b));
                        merged.add(t);
                    }
                }
                case "user" -> {
                    Block b = new Block(false, nz(m.content()), null);
                    if (last != null && last.role().equals("user") && last.blocks != null && last.m.task() == null) {
                        last.blocks.add(b);
                    } else {
                        Turn t = new Turn(new ChatMessage(
                                "user", m.content(), null, null, null, null, null, m.task(), m.withoutEos()));
                        t.blocks = new ArrayList<>(List.of(b));
                        merged.add(t);
                    }
                }
                default -> merged.add(new Turn(m));
            }
        }
        return merged;
    }

    /** Tool results of a merged turn follow the order of the calls of the assistant turn before them. */
    private static void sortToolResultsByCallOrder(List<Turn> turns) {
        Map<String, Integer> order = new HashMap<>();
        for (Turn t : turns) {
            if (t.role().equals("assistant") && !t.m.toolCalls().isEmpty()) {
                order = new HashMap<>();
                List<ToolCall> calls = t.m.toolCalls();
                for (int i = 0; i < calls.size(); i++) {
                    if (!calls.get(i).id().isEmpty()) {
                        order.put(calls.get(i).id(), i);
                    }
                }
            } else if (t.role().equals("user") && t.blocks != null) {
                List<Block> toolBlocks = new ArrayList<>();
                for (Block b : t.blocks) {
                    if (b.toolResult()) {
                        toolBlocks.add(b);
                    }
                }
                if (toolBlocks.size() > 1 && !order.isEmpty()) {
                    Map<String, Integer> o = order;
                    toolBlocks.sort(Comparator.comparingInt(b -> o.getOrDefault(b.toolUseId(), 0)));
                    int k = 0;
                    for (int i = 0; i < t.blocks.size(); i++) {
                        if (t.blocks.get(i).toolResult()) {
                            t.blocks.set(i, toolBlocks.get(k++));
                        }
                    }
                }
            }
        }
    }

    private static int lastUserIndex(List<Turn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            String r = turns.get(i).role();
            if (r.equals("user") || r.equals("developer")) {
                return i;
            }
        }
        return -1;
    }

    private static List<Turn> dropThinking(List<Turn> turns) {
        int lastUser = lastUserIndex(turns);
        List<Turn> out = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            String r = t.role();
            boolean keep = r.equals("user") || r.equals("system") || r.equals("tool") || r.equals("latest_reminder");
            if (keep || i >= lastUser) {
                out.add(t);
            } else if (r.equals("assistant")) {
                Turn copy = new Turn(t.m);
                copy.blocks = t.blocks;
                copy.reasoning = null;
                out.add(copy);
            }
            // developer messages (and unknown roles) before the last user message are dropped
        }
        return out;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
