{{- define "drydock-admission.fullname" -}}
{{- .Values.fullnameOverride | default .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "drydock-admission.labels" -}}
app.kubernetes.io/name: drydock-admission
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "drydock-admission.selectorLabels" -}}
app.kubernetes.io/name: drydock-admission
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Shared by both webhook configurations so they can never drift apart. */}}
{{- define "drydock-admission.webhookCommon" -}}
admissionReviewVersions: ["v1"]
sideEffects: None
failurePolicy: Fail
timeoutSeconds: 10
matchPolicy: Equivalent
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- range (append .Values.webhook.excludedNamespaces .Release.Namespace | uniq) }}
        - {{ . | quote }}
        {{- end }}
rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods", "pods/ephemeralcontainers", "replicationcontrollers"]
    operations: ["CREATE", "UPDATE"]
    scope: Namespaced
  - apiGroups: ["apps"]
    apiVersions: ["v1"]
    resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
    operations: ["CREATE", "UPDATE"]
    scope: Namespaced
  - apiGroups: ["batch"]
    apiVersions: ["v1"]
    resources: ["jobs", "cronjobs"]
    operations: ["CREATE", "UPDATE"]
    scope: Namespaced
{{- end -}}

{{- define "drydock-admission.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "drydock-admission.fullname" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: 443
  {{- with .root.Values.webhook.caBundle }}
  caBundle: {{ . }}
  {{- end }}
{{- end -}}
