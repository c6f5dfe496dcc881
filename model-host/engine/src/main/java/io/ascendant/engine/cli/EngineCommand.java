package io.ascendant.engine.cli;

import java.util.Arrays;

/** {@code engine generate|score|inspect …}: dispatches to the engine's command-line tools. */
public final class EngineCommand {
    private EngineCommand() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "generate" -> GenerateCommand.main(rest);
            case "score" -> ScoreCommand.main(rest);
            case "inspect" -> InspectCommand.main(rest);
            default -> {
                System.err.println("engine: unknown command '" + args[0] + "' (generate, score or inspect)");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: engine generate|score|inspect [options]");
        System.err.println("  " + GenerateCommand.USAGE);
        System.err.println("  " + ScoreCommand.USAGE);
        System.err.println("  " + InspectCommand.USAGE);
    }
}
