{{- define "ascendant.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ascendant.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "ascendant.dbSecret" -}}
{{- default (printf "%s-db" (include "ascendant.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "ascendant.keycloakSecret" -}}
{{- default (printf "%s-keycloak" (include "ascendant.fullname" .)) .Values.keycloak.existingSecret -}}
{{- end -}}

{{- define "ascendant.tenancySecret" -}}
{{- default (printf "%s-tenancy" (include "ascendant.fullname" .)) .Values.tenancy.existingSecret -}}
{{- end -}}

{{/* Environment shared by gateway containers and the migration Job. */}}
{{- define "ascendant.gatewayEnv" -}}
- name: QUARKUS_HTTP_HOST
  value: "0.0.0.0"
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ include "ascendant.dbSecret" . }}, key: password } }
- name: ASCENDANT_PLATFORM_CLIENT_SECRET
  valueFrom: { secretKeyRef: { name: {{ include "ascendant.keycloakSecret" . }}, key: client-secret } }
- name: TENANCY_API_KEYS_PEPPER
  valueFrom: { secretKeyRef: { name: {{ include "ascendant.tenancySecret" . }}, key: pepper } }
{{- end -}}

{{/*
The `java` arguments as a JSON list: the fixed flags in "before", each option of the javaOpts value (split at
whitespace, so "-Xss1m -XX:MaxRAMPercentage=75" is two arguments and "" none), then "after".
*/}}
{{- define "ascendant.javaArgs" -}}
{{- $opts := regexSplit "\\s+" (trim .opts) -1 | compact -}}
{{- concat .before $opts .after | toJson -}}
{{- end -}}

{{/* The model-host Service's DNS name: `<fullname>-model-host.<namespace>.svc.<clusterDomain>`. */}}
{{- define "ascendant.modelHostDns" -}}
{{- printf "%s-model-host.%s.svc.%s" (include "ascendant.fullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/*
The gateway's application.properties (SMALLRYE_CONFIG_LOCATIONS points at it): with modelHost.enabled, the static
pool of the chart's model hosts (DNS discovery on their headless Service) and a route to it for every public name in
modelHost.models, as deploy/launcher.d/modelhost.sh configures a local model host. A file, not environment
variables: map keys such as "deepseek-v4-flash" have no reliable environment form.
*/}}
{{- define "ascendant.gatewayProperties" -}}
# Rendered by the ascendant Helm chart; read by the gateway through SMALLRYE_CONFIG_LOCATIONS.
{{- if .Values.modelHost.enabled }}
{{- $pool := .Values.modelHost.pool }}
gateway.catalogue.pools.{{ $pool }}.dns={{ include "ascendant.modelHostDns" . }}:{{ int .Values.modelHost.port }}
gateway.catalogue.pools.{{ $pool }}.accelerator={{ .Values.modelHost.accelerator }}
{{- range .Values.modelHost.models }}
gateway.catalogue.models.{{ . }}.pool={{ $pool }}
{{- end }}
{{- else }}
# modelHost.enabled is false: no static pool or route (register them through the admin API).
{{- end }}
{{- end -}}
