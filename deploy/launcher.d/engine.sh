# deploy/launcher.d/engine.sh: ./ascendant engine generate|score|inspect [options]
# The native V4 engine's command-line tools (model-host/engine/README.md): stream a completion, write teacher-forced
# logits as .npy, or validate a checkpoint. Builds the engine on first use.
EXTRA_COMMANDS[engine]="native V4 engine: generate --model DIR --prompt TEXT | score --model DIR --prompt-ids .. --forced-ids .. --out F.npy | inspect --model DIR"
help_engine() {
    echo "Usage: ./ascendant engine generate --model DIR --prompt TEXT"
    echo "       ./ascendant engine score --model DIR --prompt-ids IDS --forced-ids IDS --out FILE.npy"
    echo "       ./ascendant engine inspect --model DIR"
    echo
    echo "The native V4 engine's tools: stream a completion, write teacher-forced logits, validate a checkpoint"
    echo "(model-host/engine/README.md). Builds the engine on first use."
}
cmd_engine() {
    find_jdk
    local jar="$ROOT/model-host/engine/target/model-host-engine-0.1.0-SNAPSHOT.jar"
    if [ ! -f "$jar" ] || [ ! -d "$ROOT/model-host/engine/target/lib" ]; then
        say "building the engine (first use)" >&2
        (cd "$ROOT" && ./mvnw -B -q -pl model-host/engine -am package -DskipTests -Dquarkus.analytics.disabled=true) >&2 \
            || die "Building the engine failed: run ./mvnw -B -pl model-host/engine -am package -DskipTests to see why."
    fi
    # the JVM announces the incubating Vector API on stderr at every start; the engine's users need not see it
    exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar "$jar" "$@" \
        2> >(grep -v --line-buffered '^WARNING: Using incubator modules' >&2)
}
