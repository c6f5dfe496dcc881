package io.ascendant.engine.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny {@code --name value} / {@code --flag} parser for the engine commands: unknown options and missing values
 * are errors with a message naming the option, never a stack trace.
 */
final class CliArgs {
    private final Map<String, List<String>> values = new HashMap<>();
    private final Map<String, Boolean> flags = new HashMap<>();

    /** Thrown for bad command lines; the message is shown to the user with the usage text. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    CliArgs(String[] args, Set<String> valueOptions, Set<String> flagOptions) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (flagOptions.contains(a)) {
                flags.put(a, Boolean.TRUE);
            } else if (valueOptions.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option " + a + " needs a value");
                }
                values.computeIfAbsent(a, k -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new UsageException("unknown option " + a);
            }
        }
    }

    /**
     * Why {@code --model} cannot name a checkpoint before anything is read, or null: it must be an existing
     * directory (the one that holds {@code config.json} and the {@code *.safetensors} files).
     */
    static String modelDirProblem(java.nio.file.Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return "--model " + dir + ": no such directory";
        }
        if (!java.nio.file.Files.isDirectory(dir)) {
            return "--model " + dir + ": not a directory (a checkpoint is a directory holding config.json and its"
                    + " *.safetensors files)";
        }
        return null;
    }

    boolean flag(String name) {
        return flags.containsKey(name);
    }

    String required(String name) {
        List<String> v = values.get(name);
        if (v == null) {
            throw new UsageException("option " + name + " is required");
        }
        return v.get(v.size() - 1);
    }

    String optional(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    int intValue(String name, int fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " must be an integer, got \"" + v + "\"");
        }
    }

    long longValue(String name, long fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " must be an integer, got \"" + v + "\"");
        }
    }

    float floatValue(String name, float fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " must be a number, got \"" + v + "\"");
        }
    }

    /** Parses {@code "1,2,3"} (spaces allowed; empty string = no ids). */
    static int[] ids(String option, String csv) {
        String t = csv.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(option + " must be comma-separated token ids, got \"" + parts[i] + "\"");
            }
        }
        return out;
    }
}
