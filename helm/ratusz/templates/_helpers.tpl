{{/* Names and labels. */}}
{{- define "ratusz.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ratusz.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ratusz.labels" -}}
{{ include "ratusz.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of one component: (dict "root" $ "component" "web") */}}
{{- define "ratusz.componentLabels" -}}
{{ include "ratusz.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ratusz.componentSelector" -}}
{{ include "ratusz.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ratusz.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{- define "ratusz.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ .Values.serviceAccount.name | default (include "ratusz.fullname" .) }}
{{- else -}}
{{ .Values.serviceAccount.name | default "default" }}
{{- end -}}
{{- end -}}

{{- define "ratusz.secretName" -}}
{{ .Values.existingSecret | default (printf "%s-env" (include "ratusz.fullname" .)) }}
{{- end -}}

{{- define "ratusz.platformDomain" -}}
{{- required "platformDomain is required: the regional portal's domain (units live at <slug>.<platformDomain>)" .Values.platformDomain -}}
{{- end -}}

{{/* The settings every process reads (a ConfigMap, and the migrate hook's copy of it). */}}
{{- define "ratusz.configData" -}}
RATUSZ_ENV: "production"
PLATFORM_DOMAIN: {{ include "ratusz.platformDomain" . | quote }}
ALLOWED_HOSTS: {{ join "," (concat (list (include "ratusz.platformDomain" .) (printf ".%s" (include "ratusz.platformDomain" .))) .Values.customDomains) | quote }}
CONN_MAX_AGE: {{ .Values.postgresql.connMaxAge | quote }}
CONN_MAX_SCHEMAS: {{ .Values.postgresql.connMaxSchemas | quote }}
CONN_MAX_PER_THREAD: {{ .Values.postgresql.connMaxPerThread | quote }}
{{- with .Values.redis.cacheKeyPrefix }}
CACHE_KEY_PREFIX: {{ . | quote }}
{{- end }}
KEYCLOAK_SERVER_URL: {{ required "keycloak.serverUrl is required" .Values.keycloak.serverUrl | quote }}
KEYCLOAK_REALM: {{ .Values.keycloak.realm | quote }}
OIDC_CLIENT_ID: {{ .Values.keycloak.clientId | quote }}
KEYCLOAK_ADMIN_CLIENT_ID: {{ .Values.keycloak.adminClientId | quote }}
UPO_KEYS_DIR: "/var/run/ratusz/upo-keys"
STORAGE_BACKEND: {{ .Values.storage.backend | quote }}
{{- if eq .Values.storage.backend "s3" }}
AWS_STORAGE_BUCKET_NAME: {{ required "storage.s3.bucket is required with storage.backend=s3" .Values.storage.s3.bucket | quote }}
{{- with .Values.storage.s3.endpointUrl }}
AWS_S3_ENDPOINT_URL: {{ . | quote }}
{{- end }}
{{- with .Values.storage.s3.region }}
AWS_S3_REGION_NAME: {{ . | quote }}
{{- end }}
{{- with .Values.storage.s3.addressingStyle }}
AWS_S3_ADDRESSING_STYLE: {{ . | quote }}
{{- end }}
{{- with .Values.storage.s3.location }}
AWS_LOCATION: {{ . | quote }}
{{- end }}
AWS_S3_CHECKSUM_ALGORITHM: {{ .Values.storage.s3.checksumAlgorithm | quote }}
{{- with .Values.storage.s3.exportBucket }}
UNIT_EXPORT_BUCKET_NAME: {{ . | quote }}
{{- end }}
UNIT_EXPORT_PREFIX: {{ .Values.storage.s3.exportPrefix | quote }}
{{- else }}
MEDIA_ROOT: "/var/lib/ratusz/media"
UNIT_EXPORT_ROOT: "/var/lib/ratusz/exports"
{{- end }}
{{- with .Values.email.defaultFrom }}
DEFAULT_FROM_EMAIL: {{ . | quote }}
{{- end }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
SENTRY_ENVIRONMENT: {{ .Values.config.sentryEnvironment | quote }}
MAX_REQUEST_MB: {{ .Values.config.maxRequestMB | quote }}
PARTICIPATION_TARGET: {{ .Values.config.participationTarget | quote }}
{{- with .Values.config.rateLimits }}
RATE_LIMITS: {{ . | quote }}
{{- end }}
{{- with .Values.config.paymentNotificationAllowedIps }}
PAYMENT_NOTIFICATION_ALLOWED_IPS: {{ . | quote }}
{{- end }}
{{- with .Values.config.trustedProxies }}
TRUSTED_PROXIES: {{ join "," . | quote }}
FORWARDED_ALLOW_IPS: {{ join "," . | quote }}
{{- end }}
GUNICORN_WORKERS: {{ .Values.web.workers | quote }}
GUNICORN_TIMEOUT: {{ .Values.web.timeoutSeconds | quote }}
GUNICORN_MAX_REQUESTS: {{ .Values.web.maxRequests | quote }}
METRICS_PORT: {{ .Values.worker.metricsPort | quote }}
{{- range $name, $value := .Values.extraEnv }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* The Secret the chart makes when no existingSecret is given. */}}
{{- define "ratusz.secretData" -}}
{{- range $name, $value := .Values.secrets }}
{{ $name }}: {{ $value | b64enc | quote }}
{{- end }}
{{- end -}}

{{- define "ratusz.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ratusz.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* envFrom of every container: the settings, then the secrets. (dict "root" $ "configName" "…") */}}
{{- define "ratusz.envFrom" -}}
- configMapRef:
    name: {{ .configName }}
- secretRef:
    name: {{ .secretName }}
{{- end -}}

{{- define "ratusz.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: upo-keys
  mountPath: /var/run/ratusz/upo-keys
  readOnly: true
{{- if and .withData (eq .root.Values.storage.backend "filesystem") }}
- name: data
  mountPath: /var/lib/ratusz
{{- end }}
{{- end -}}

{{- define "ratusz.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.tmpSizeLimit }}
- name: upo-keys
  secret:
    secretName: {{ required "upoKeys.existingSecret is required: the Secret with the keys that sign receipts" .root.Values.upoKeys.existingSecret }}
    defaultMode: 0440  # read by the group the pod runs with (fsGroup 10001)
{{- if and .withData (eq .root.Values.storage.backend "filesystem") }}
- name: data
  persistentVolumeClaim:
    claimName: {{ required "storage.filesystem.existingClaim is required with storage.backend=filesystem" .root.Values.storage.filesystem.existingClaim }}
{{- end }}
{{- end -}}

{{/* What every pod shares: service account, scheduling, security. */}}
{{- define "ratusz.podCommon" -}}
serviceAccountName: {{ include "ratusz.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- include "ratusz.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "ratusz.podAnnotations" -}}
checksum/config: {{ include "ratusz.configData" . | sha256sum }}
{{- if not .Values.existingSecret }}
checksum/secret: {{ include "ratusz.secretData" . | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}
