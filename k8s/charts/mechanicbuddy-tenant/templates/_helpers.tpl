{{- define "tenant.labels" -}}
app.kubernetes.io/part-of: mechanicbuddy
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
mechanicbuddy.app/tenant-id: {{ required "tenant.id is required" .Values.tenant.id | quote }}
mechanicbuddy.app/tier: {{ .Values.tenant.tier | quote }}
{{- end -}}

{{- define "tenant.hosts" -}}
{{- $hosts := list (required "domains.default is required" .Values.domains.default) -}}
{{- if .Values.domains.custom -}}{{- $hosts = append $hosts .Values.domains.custom -}}{{- end -}}
{{- toJson $hosts -}}
{{- end -}}

{{/* A generated secret value that survives upgrades: reuse what the cluster already holds. */}}
{{- define "tenant.keepOrGenerate" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret -}}
{{- if and $existing (index $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum 48 | b64enc -}}
{{- end -}}
{{- end -}}

{{- define "tenant.appEnv" -}}
- name: MECHANICBUDDY__TENANTID
  value: {{ .Values.tenant.id | quote }}
- name: MECHANICBUDDY__TENANTMODE
  value: single-tenant
- name: MECHANICBUDDY__COMPANYNAME
  value: {{ .Values.tenant.companyName | quote }}
- name: MECHANICBUDDY__OWNEREMAIL
  value: {{ .Values.tenant.ownerEmail | quote }}
- name: MECHANICBUDDY__MECHANICLIMIT
  value: {{ .Values.billing.mechanicLimit | quote }}
- name: DATABASE__HOST
  value: postgres-rw
- name: DATABASE__USERNAME
  valueFrom:
    secretKeyRef:
      name: postgres-app
      key: username
- name: DATABASE__PASSWORD
  valueFrom:
    secretKeyRef:
      name: postgres-app
      key: password
- name: JWT__SIGNINGKEY
  valueFrom:
    secretKeyRef:
      name: jwt-secret
      key: signing-key
{{- end -}}
