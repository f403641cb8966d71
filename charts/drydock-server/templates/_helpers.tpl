{{- define "drydock-server.fullname" -}}
{{- .Values.fullnameOverride | default .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "drydock-server.labels" -}}
app.kubernetes.io/name: drydock-server
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "drydock-server.selectorLabels" -}}
app.kubernetes.io/name: drydock-server
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Secret holding the store's JDBC URL (and optionally user and password). */}}
{{- define "drydock-server.storeSecret" -}}
{{- .Values.store.existingSecret | default (printf "%s-store" (include "drydock-server.fullname" .)) -}}
{{- end -}}

{{/* The Secret holding the bootstrap admin token; empty when none is configured. */}}
{{- define "drydock-server.adminTokenSecret" -}}
{{- if .Values.adminToken.existingSecret -}}
{{- .Values.adminToken.existingSecret -}}
{{- else if .Values.adminToken.value -}}
{{- printf "%s-admin-token" (include "drydock-server.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The name the server gives its Lease (fixed in the server); the leader Role is limited to it. */}}
{{- define "drydock-server.leaseName" -}}
drydock-serve-leader
{{- end -}}

{{/*
serve.yaml: the chart's own settings (the paths of its mounts, where secrets come from) and .Values.config,
in the order of the documented example; keys of .Values.config the chart does not know are copied as they are.
*/}}
{{- define "drydock-server.config" -}}
{{- $own := list "version" "listen" "home" "store" "tokens" "admission" -}}
{{- $known := list "workers" "leader" "kubernetes" "advisories" "notifications" -}}
version: 1
listen:
  port: 8443
  tls:
    cert: /etc/drydock/tls/tls.crt
    key: /etc/drydock/tls/tls.key
home: /var/lib/drydock
store: env:DRYDOCK_STORE_URL
{{- range $key := $known }}
{{- if hasKey $.Values.config $key }}
{{ toYaml (dict $key (get $.Values.config $key)) }}
{{- end }}
{{- end }}
{{- $rest := deepCopy .Values.config -}}
{{- range $key := concat $own $known }}
{{- $_ := unset $rest $key }}
{{- end }}
{{- with $rest }}
{{ toYaml . }}
{{- end }}
{{- if include "drydock-server.adminTokenSecret" . }}
tokens: env:DRYDOCK_ADMIN_TOKEN
{{- end }}
{{- if .Values.admission.enabled }}
admission: /etc/drydock/admission/{{ .Values.admission.configFile }}
{{- end }}
{{- end -}}

{{/* Refuse combinations that render but cannot work. */}}
{{- define "drydock-server.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (eq (toString .Values.config.leader) "none") -}}
{{- fail "config.leader none runs the base-update loop in every replica: use kubernetes or postgres, or replicaCount 1" -}}
{{- end -}}
{{- if not (has (toString .Values.config.leader) (list "kubernetes" "store" "postgres" "none")) -}}
{{- fail (printf "config.leader must be kubernetes, store, postgres or none, not %v" .Values.config.leader) -}}
{{- end -}}
{{- if and .Values.admission.enabled (not (hasKey .Values.admission.files .Values.admission.configFile)) -}}
{{- fail (printf "admission.configFile %s is not one of admission.files" .Values.admission.configFile) -}}
{{- end -}}
{{- if and (not .Values.store.existingSecret) (not .Values.store.url) -}}
{{- fail "set store.url (jdbc:postgresql://HOST:PORT/DB) or store.existingSecret" -}}
{{- end -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.store.existingSecret) (hasPrefix "jdbc:sqlite:" .Values.store.url) -}}
{{- fail "replicas share the store: a SQLite file cannot be shared, use PostgreSQL or replicaCount 1" -}}
{{- end -}}
{{- end -}}
