{{/*
Rules across several values, which values.schema.json (one value at a time) cannot express. validate.yaml
includes this before anything renders, so a wrong combination fails `helm install/upgrade/template` with a
message naming the values and the limit, and nothing is applied.
*/}}

{{/* Milliseconds of a duration the schema accepted: whole seconds, or a whole number with ms, s, m or h. */}}
{{- define "ascendant.durationMillis" -}}
{{- $text := toString . -}}
{{- $number := regexFind "^[0-9]+" $text -}}
{{- $unit := trimPrefix $number $text -}}
{{- $factor := get (dict "" 1000 "s" 1000 "ms" 1 "m" 60000 "h" 3600000) $unit -}}
{{- mul (int64 $number) $factor -}}
{{- end -}}

{{- define "ascendant.validate" -}}
{{- $v := .Values -}}

{{/* Shutdown: delay + timeout + ~15 s of usage-ledger flush must end before Kubernetes sends SIGKILL. */}}
{{- $shutdown := $v.gateway.shutdown -}}
{{- $delay := include "ascendant.durationMillis" $shutdown.delay | int64 -}}
{{- $timeout := include "ascendant.durationMillis" $shutdown.timeout | int64 -}}
{{- if eq $timeout 0 -}}
{{- fail "gateway.shutdown.timeout must be more than 0: requests in flight (a stream until its last byte) get this long to finish" -}}
{{- end -}}
{{- $needed := add $delay $timeout 15000 -}}
{{- $grace := mul (int64 $shutdown.terminationGracePeriodSeconds) 1000 -}}
{{- if ge $needed $grace -}}
{{- fail (printf "gateway.shutdown: delay (%v) + timeout (%v) + 15s of usage-ledger flush must stay below terminationGracePeriodSeconds (%vs), else pods are killed before their usage is committed: raise terminationGracePeriodSeconds to at least %d or shorten delay/timeout" $shutdown.delay $shutdown.timeout $shutdown.terminationGracePeriodSeconds (add (div $needed 1000) 1)) -}}
{{- end -}}

{{/* Secrets: a value and an existing Secret together leave it unclear which one is meant. */}}
{{- range $pair := list (list "database" "password") (list "keycloak" "platformClientSecret") (list "tenancy" "apiKeyPepper") -}}
{{- $section := get $v (index $pair 0) -}}
{{- if and (get $section (index $pair 1)) $section.existingSecret -}}
{{- fail (printf "%s.%s and %s.existingSecret are both set: give one of them (the existing Secret %q would be used and the value ignored)" (index $pair 0) (index $pair 1) (index $pair 0) $section.existingSecret) -}}
{{- end -}}
{{- end -}}

{{/* gateway.env must not set what the chart sets: the container's env wins over the ConfigMap, or the key is duplicated. */}}
{{- $reserved := dict
    "QUARKUS_DATASOURCE_JDBC_URL" "database.jdbcUrl"
    "QUARKUS_DATASOURCE_USERNAME" "database.username"
    "QUARKUS_DATASOURCE_PASSWORD" "database.password or database.existingSecret"
    "ASCENDANT_KEYCLOAK_URL" "keycloak.url"
    "QUARKUS_KEYCLOAK_ADMIN_CLIENT_SERVER_URL" "keycloak.url"
    "ASCENDANT_PLATFORM_CLIENT_SECRET" "keycloak.platformClientSecret or keycloak.existingSecret"
    "TENANCY_API_KEYS_PEPPER" "tenancy.apiKeyPepper or tenancy.existingSecret"
    "QUARKUS_FLYWAY_MIGRATE_AT_START" "migration.enabled (the migration Job applies the schema)"
    "QUARKUS_HTTP_HOST" "nothing (the gateway listens on all interfaces in its pod)"
    "QUARKUS_HTTP_PORT" "gateway.port"
    "GATEWAY_METERING_JOURNAL_DIR" "gateway.usageJournal (an emptyDir the chart mounts)"
    "QUARKUS_SHUTDOWN_DELAY" "gateway.shutdown.delay"
    "QUARKUS_SHUTDOWN_TIMEOUT" "gateway.shutdown.timeout"
    "ADMIN_ENABLED" "dataPlane.enabled (data-plane replicas switch the admin API off)"
    "SMALLRYE_CONFIG_LOCATIONS" "modelHost.pool and modelHost.models (the chart's application.properties for the gateway)"
    "QUARKUS_CONFIG_LOCATIONS" "modelHost.pool and modelHost.models (the chart's application.properties for the gateway)" -}}
{{- range $name := keys $v.gateway.env | sortAlpha -}}
{{- if hasKey $reserved $name -}}
{{- fail (printf "gateway.env.%s is set by the chart: use %s instead" $name (get $reserved $name)) -}}
{{- end -}}
{{- end -}}

{{/*
Names Kubernetes keeps within 63 characters (a Service name is a DNS label, a Job's name becomes its pods' job-name
label), derived from the release's full name: refused here rather than by the API server halfway through an install.
A StatefulSet's name gets "-" and a 10-character revision hash in its pods' controller-revision-hash label, so it
must stay within 52 (kubernetes/kubernetes#64023).
*/}}
{{- $fullname := include "ascendant.fullname" . -}}
{{- $names := list (list (printf "%s-gateway" $fullname) 63 "gateway Service") -}}
{{- if $v.migration.enabled -}}
{{- $names = append $names (list (printf "%s-migrate-%d" $fullname .Release.Revision) 63 "migration Job") -}}
{{- end -}}
{{- if $v.modelHost.enabled -}}
{{- $names = append $names (list (printf "%s-model-host" $fullname) 63 "model-host Service") -}}
{{- if eq $v.modelHost.kind "StatefulSet" -}}
{{- $names = append $names (list (printf "%s-model-host" $fullname) 52 "model-host StatefulSet (its pods' controller-revision-hash label adds 11)") -}}
{{- end -}}
{{- end -}}
{{- range $names -}}
{{- $name := index . 0 -}}
{{- $limit := index . 1 -}}
{{- if gt (len $name) $limit -}}
{{- fail (printf "release name %q is too long: the %s would be named %q (%d characters), Kubernetes allows at most %d; choose a release name of at most %d characters" $.Release.Name (index . 2) $name (len $name) $limit (sub (len $.Release.Name) (sub (len $name) $limit))) -}}
{{- end -}}
{{- end -}}

{{/* Every model-host volume mount names a volume of the pod. */}}
{{- $volumes := dict -}}
{{- range $v.modelHost.volumes -}}
{{- $_ := set $volumes .name true -}}
{{- end -}}
{{- range $v.modelHost.volumeMounts -}}
{{- if not (hasKey $volumes .name) -}}
{{- fail (printf "modelHost.volumeMounts: %q (at %s) names no entry of modelHost.volumes (%s)" .name .mountPath (keys $volumes | sortAlpha | join ", " | default "none")) -}}
{{- end -}}
{{- end -}}
{{- end -}}
