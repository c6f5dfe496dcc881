# deploy/launcher.d/tokenize.sh: ./ascendant tokenize --tokenizer FILE|deepseek-v4 [--chat]
# JSON lines on stdin ({"id":..,"text":..}, or with --chat {"id":..,"messages":[..],"tools":[..],"thinking":true}),
# {"id":..,"ids":[..]} lines on stdout; see model-host/tokenizer/README.md.
EXTRA_COMMANDS[tokenize]="token ids of JSON-lines text or V4 chats read from stdin (--tokenizer FILE|deepseek-v4 [--chat])"
help_tokenize() {
    echo "Usage: ./ascendant tokenize --tokenizer FILE|deepseek-v4 [--chat] <input.jsonl"
    echo
    echo "Reads JSON lines ({\"id\":..,\"text\":..}, or with --chat {\"id\":..,\"messages\":[..],\"tools\":[..]}) and"
    echo "writes {\"id\":..,\"ids\":[..]} lines (model-host/tokenizer/README.md). Builds the tokenizer on first use."
}
cmd_tokenize() {
    find_jdk
    local jar="$ROOT/model-host/tokenizer/target/model-host-tokenizer-0.1.0-SNAPSHOT.jar"
    if [ ! -f "$jar" ] || [ ! -d "$ROOT/model-host/tokenizer/target/lib" ]; then
        say "building the tokenizer (first use)" >&2
        (cd "$ROOT" && ./mvnw -B -q -pl model-host/tokenizer -am package -DskipTests -Dquarkus.analytics.disabled=true) >&2 \
            || die "Building the tokenizer failed: run ./mvnw -B -pl model-host/tokenizer -am package -DskipTests to see why."
    fi
    # The jar's manifest names the main class and its Jackson jars in target/lib. No JVM_FLAGS: the tokenizer needs
    # neither the Vector API nor native access (and the incubator warning would only clutter stderr).
    exec "$JAVA" -jar "$jar" "$@"
}
