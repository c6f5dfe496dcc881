# deploy/launcher.d/modelhost.sh: the model-host pod (native V4 engine behind the vLLM-compatible API).
# `./ascendant up` calls start_model_host before the gateway and passes MODEL_HOST_GATEWAY_FLAGS to the gateway, so
# the gateway's static catalogue routes deepseek-v4-flash to it. `./ascendant model-host [--model DIR]` runs one in
# the foreground. The demo checkpoint is generated into $ASCENDANT_HOME/models/demo on first use (71 MB, seconds).
MODEL_HOST_JAR="$ROOT/model-host/server/target/quarkus-app/quarkus-run.jar"
MODEL_HOST_DIR="${ASCENDANT_MODEL_DIR:-$ASCENDANT_HOME/models/demo}"
MODEL_HOST_HEAP="${ASCENDANT_MODEL_HOST_HEAP:-3g}"
MODEL_HOST_GATEWAY_FLAGS=(
    "-Dgateway.catalogue.pools.local-cpu.endpoints=http://127.0.0.1:${MODEL_HOST_PORT:-8090}"
    "-Dgateway.catalogue.pools.local-cpu.accelerator=CPU"
    "-Dgateway.catalogue.models.deepseek-v4-flash.pool=local-cpu"
)
EXTRA_COMMANDS[model-host]="run one model-host pod in the foreground: model-host [--model DIR] [--port N] [--host ADDR]"
help_model-host() {
    echo "Usage: ./ascendant model-host [--model DIR] [--port N] [--host ADDR]"
    echo
    echo "Runs one model-host pod in the foreground on ADDR:N (default 127.0.0.1 and ASCENDANT_MODEL_HOST_PORT, 8090;"
    echo "--host 0.0.0.0 serves other machines), serving the checkpoint in DIR (default ASCENDANT_MODEL_DIR, else the"
    echo "demo V4 checkpoint, generated on first use). A port already in use is refused before the model loads."
}

# Generates the demo checkpoint unless $MODEL_HOST_DIR already holds a model.
ensure_demo_model() {
    [ -f "$MODEL_HOST_DIR/config.json" ] && return 0
    [ "$MODEL_HOST_DIR" = "$ASCENDANT_HOME/models/demo" ] ||
        die "$MODEL_HOST_DIR holds no config.json: point ASCENDANT_MODEL_DIR at a DeepSeek V4 checkpoint."
    [ -d "$ROOT/model-host/server/target/quarkus-app/lib/main" ] ||
        die "Build the model host first: ./mvnw -B -pl model-host/server -am package -DskipTests."
    say "generating the demo V4 checkpoint into $MODEL_HOST_DIR (first use)"
    mkdir -p "$MODEL_HOST_DIR"
    "$JAVA" "${JVM_FLAGS[@]}" -cp "$ROOT/model-host/server/target/quarkus-app/lib/main/*" \
        io.ascendant.engine.demo.GenerateDemoCheckpoint "$MODEL_HOST_DIR" demo >>"$LOG_DIR/modelhost.log" 2>&1 ||
        die "Generating the demo checkpoint failed; see $LOG_DIR/modelhost.log."
}

# Starts the model host as component "modelhost" in the background (also how `up` restarts one that died).
spawn_model_host() {
    spawn modelhost "$JAVA" "-Xmx$MODEL_HOST_HEAP" "${JVM_FLAGS[@]}" -Dquarkus.http.port="$MODEL_HOST_PORT" \
        -Dquarkus.http.host=127.0.0.1 -Dmodelhost.model-dir="$MODEL_HOST_DIR" -jar "$MODEL_HOST_JAR"
    MODEL_HOST_STARTED_AT=$SECONDS
}

# Starts the model host as component "modelhost" and waits until /health answers 200 (model loaded).
start_model_host() {
    [ -f "$MODEL_HOST_JAR" ] || die "$MODEL_HOST_JAR does not exist: build it with ./mvnw -B -pl model-host/server -am package -DskipTests."
    # `up` checked this port with the others before starting anything; checked again here because Keycloak's start
    # takes a minute, and a program that took the port meanwhile would answer the health probe below.
    require_free_port "$MODEL_HOST_PORT" "the model host" ASCENDANT_MODEL_HOST_PORT
    ensure_demo_model
    say "starting the model host on http://127.0.0.1:$MODEL_HOST_PORT (model $MODEL_HOST_DIR, served as deepseek-v4-flash)"
    spawn_model_host
    await_healthy modelhost "http://127.0.0.1:$MODEL_HOST_PORT/health"
    # The gateway advertises (and checks max_tokens against) what this host really serves, not V4's 1M default.
    local max_len
    max_len="$(curl -s --max-time 5 "http://127.0.0.1:$MODEL_HOST_PORT/v1/models" |
        sed -n 's/.*"max_model_len":\([0-9][0-9]*\).*/\1/p' | head -n 1)"
    if [ -n "$max_len" ]; then
        MODEL_HOST_GATEWAY_FLAGS+=("-Dgateway.catalogue.models.deepseek-v4-flash.context-length=$max_len"
            "-Dgateway.catalogue.models.deepseek-v4-flash.max-output-tokens=$max_len")
    fi
}

cmd_model-host() {
    local port="$MODEL_HOST_PORT" host=127.0.0.1
    while [ $# -gt 0 ]; do
        case "$1" in
            --model) MODEL_HOST_DIR="${2:?--model needs a directory}"; shift 2 ;;
            --port) port="${2:?--port needs a number}"; shift 2 ;;
            --host) host="${2:?--host needs an address}"; shift 2 ;;
            -h | --help) command_usage model-host; return 0 ;;
            *) die "Unknown option '$1': use model-host [--model DIR] [--port N] [--host ADDR]." ;;
        esac
    done
    [[ "$port" =~ ^[0-9]{1,5}$ ]] && [ "$((10#$port))" -ge 1 ] && [ "$((10#$port))" -le 65535 ] ||
        die "--port is '$port', which is not a port: give a whole number from 1 to 65535."
    [[ "$host" =~ ^[0-9A-Za-z.:-]+$ ]] ||
        die "--host is '$host', which is not an address: give one such as 127.0.0.1 (this machine only) or 0.0.0.0."
    # Loading (or first generating) the model takes a while; a taken port would only show once it is done.
    require_free_port "$((10#$port))" "the model host" "--port"
    find_jdk
    mkdir -p "$ASCENDANT_HOME/logs"
    LOG_DIR="$ASCENDANT_HOME/logs"
    ensure_demo_model
    # Loopback unless --host says otherwise, like every part `up` starts: the model host has no authentication.
    exec "$JAVA" "-Xmx$MODEL_HOST_HEAP" "${JVM_FLAGS[@]}" -Dquarkus.http.port="$((10#$port))" \
        -Dquarkus.http.host="$host" -Dmodelhost.model-dir="$MODEL_HOST_DIR" -jar "$MODEL_HOST_JAR"
}
