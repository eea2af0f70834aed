{{/* Names, labels, images, and the Kafka client wiring shared by the agent and the streams app. */}}

{{- define "k8spacket.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "k8spacket.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object; call with (dict "ctx" $ "component" "agent"). */}}
{{- define "k8spacket.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: k8spacket
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
{{ include "k8spacket.selectorLabels" . }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "k8spacket.selectorLabels" -}}
app.kubernetes.io/name: {{ include "k8spacket.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{- define "k8spacket.agent.name" -}}{{ include "k8spacket.fullname" . }}-agent{{- end }}
{{- define "k8spacket.streams.name" -}}{{ include "k8spacket.fullname" . }}-streams{{- end }}
{{- define "k8spacket.streams.headless" -}}{{ include "k8spacket.fullname" . }}-streams-peers{{- end }}
{{/* The Service Grafana reads: the fullname itself, so a release named k8spacket serves http://k8spacket:8080. */}}
{{- define "k8spacket.streams.service" -}}{{ include "k8spacket.fullname" . }}{{- end }}
{{- define "k8spacket.leaseName" -}}{{ default (printf "%s-metadata-publisher" (include "k8spacket.fullname" .)) .Values.streams.leaseName }}{{- end }}

{{/* Image reference; call with (dict "ctx" $ "repository" ...). */}}
{{- define "k8spacket.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .ctx.Values.image.tag }}
{{- if .ctx.Values.image.registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" .ctx.Values.image.registry) .repository $tag }}
{{- else }}
{{- printf "%s:%s" .repository $tag }}
{{- end }}
{{- end }}


{{/* ---------- Kafka ---------- */}}

{{/* Fails on combinations that cannot work, with a message naming the values. */}}
{{- define "k8spacket.kafka.validate" -}}
{{- $k := .Values.kafka }}
{{- if and (eq $k.authentication "tls") (not $k.tls.enabled) }}
{{- fail "kafka.authentication=tls (mutual TLS) needs kafka.tls.enabled=true" }}
{{- end }}
{{- if not .Values.strimzi.enabled }}
{{- if not $k.bootstrapServers }}
{{- fail "kafka.bootstrapServers is required when strimzi.enabled=false" }}
{{- end }}
{{- if ne $k.authentication "none" }}
{{- if or (not $k.agent.secret) (not $k.streams.secret) }}
{{- fail (printf "kafka.agent.secret and kafka.streams.secret are required when strimzi.enabled=false and kafka.authentication=%s" $k.authentication) }}
{{- end }}
{{- if and (eq $k.authentication "scram-sha-512") (or (not $k.agent.username) (not $k.streams.username)) }}
{{- fail "kafka.agent.username and kafka.streams.username are required when strimzi.enabled=false and kafka.authentication=scram-sha-512" }}
{{- end }}
{{- end }}
{{- end }}
{{- if gt (int .Values.streams.standbyReplicas) (sub (int .Values.streams.replicas) 1 | int) }}
{{- fail (printf "streams.standbyReplicas (%d) must be at most streams.replicas - 1 (%d)" (int .Values.streams.standbyReplicas) (sub (int .Values.streams.replicas) 1)) }}
{{- end }}
{{- if gt (int .Values.topics.minInsyncReplicas) (int .Values.topics.replicas) }}
{{- fail "topics.minInsyncReplicas must be at most topics.replicas" }}
{{- end }}
{{- end }}

{{- define "k8spacket.kafka.port" -}}
{{- if .Values.strimzi.bootstrapPort }}{{ .Values.strimzi.bootstrapPort }}
{{- else if eq .Values.kafka.authentication "tls" }}9093
{{- else if eq .Values.kafka.authentication "scram-sha-512" }}9094
{{- else }}9092
{{- end }}
{{- end }}

{{- define "k8spacket.kafka.bootstrap" -}}
{{- if .Values.kafka.bootstrapServers }}{{ .Values.kafka.bootstrapServers }}
{{- else }}{{ printf "%s-kafka-bootstrap.%s.svc:%s" .Values.strimzi.clusterName .Release.Namespace (include "k8spacket.kafka.port" .) }}
{{- end }}
{{- end }}

{{- define "k8spacket.kafka.securityProtocol" -}}
{{- $tls := or .Values.kafka.tls.enabled (eq .Values.kafka.authentication "tls") }}
{{- if eq .Values.kafka.authentication "scram-sha-512" }}{{ ternary "SASL_SSL" "SASL_PLAINTEXT" $tls }}
{{- else }}{{ ternary "SSL" "PLAINTEXT" $tls }}
{{- end }}
{{- end }}

{{/* Secret with the CA certificate, empty when the JVM's own CAs are used. */}}
{{- define "k8spacket.kafka.caSecret" -}}
{{- if or .Values.kafka.tls.enabled (eq .Values.kafka.authentication "tls") }}
{{- if .Values.kafka.tls.caSecret }}{{ .Values.kafka.tls.caSecret }}
{{- else if .Values.strimzi.enabled }}{{ printf "%s-cluster-ca-cert" .Values.strimzi.clusterName }}
{{- end }}
{{- end }}
{{- end }}

{{/* KafkaUser name of a component; call with (dict "ctx" $ "component" "agent"). */}}
{{- define "k8spacket.kafka.userName" -}}
{{- $c := index .ctx.Values.kafka .component }}
{{- if $c.username }}{{ $c.username }}
{{- else }}{{ printf "%s-%s" (include "k8spacket.fullname" .ctx) .component }}
{{- end }}
{{- end }}

{{/* Secret with a component's credentials (Strimzi names it after the KafkaUser); empty without authentication. */}}
{{- define "k8spacket.kafka.userSecret" -}}
{{- if ne .ctx.Values.kafka.authentication "none" }}
{{- $c := index .ctx.Values.kafka .component }}
{{- if $c.secret }}{{ $c.secret }}
{{- else }}{{ printf "%s-%s" (include "k8spacket.fullname" .ctx) .component }}
{{- end }}
{{- end }}
{{- end }}

{{- define "k8spacket.kafka.dir" -}}/etc/k8spacket/kafka{{- end }}

{{/* The client properties file of a component: no secret in it, only paths of mounted Secret files. */}}
{{- define "k8spacket.kafka.properties" -}}
{{- $v := .ctx.Values }}
{{- $dir := include "k8spacket.kafka.dir" .ctx -}}
# Kafka client properties of the {{ .component }}, rendered by the k8spacket chart. No secret is written here:
# passwords and keystores are files of mounted Secrets, read at start by Kafka's DirectoryConfigProvider.
security.protocol={{ include "k8spacket.kafka.securityProtocol" .ctx }}
config.providers=dir
config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
config.providers.dir.param.allowed.paths={{ $dir }}
{{- if include "k8spacket.kafka.caSecret" .ctx }}
ssl.truststore.type=PEM
ssl.truststore.location={{ $dir }}/ca/ca.crt
{{- end }}
{{- if eq $v.kafka.authentication "tls" }}
ssl.keystore.type=PKCS12
ssl.keystore.location={{ $dir }}/user/user.p12
ssl.keystore.password=${dir:{{ $dir }}/user:user.password}
{{- else if eq $v.kafka.authentication "scram-sha-512" }}
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="{{ include "k8spacket.kafka.userName" . }}" password="${dir:{{ $dir }}/user:password}";
{{- end }}
{{- range $key, $value := $v.kafka.extraProperties }}
{{ $key }}={{ $value }}
{{- end }}
{{- end }}

{{/* Volumes of a component's Kafka client: the properties ConfigMap, the CA and the user Secret (only the keys used). */}}
{{- define "k8spacket.kafka.volumes" -}}
- name: kafka-client
  configMap:
    name: {{ include "k8spacket.fullname" .ctx }}-kafka-client
    items:
      - key: {{ .component }}.properties
        path: client.properties
{{- with include "k8spacket.kafka.caSecret" .ctx }}
- name: kafka-ca
  secret:
    secretName: {{ . }}
    items:
      - key: {{ $.ctx.Values.kafka.tls.caKey }}
        path: ca.crt
{{- end }}
{{- with include "k8spacket.kafka.userSecret" . }}
- name: kafka-user
  secret:
    secretName: {{ . }}
    items:
    {{- if eq $.ctx.Values.kafka.authentication "tls" }}
      - key: {{ $.ctx.Values.kafka.keystoreKey }}
        path: user.p12
      - key: {{ $.ctx.Values.kafka.keystorePasswordKey }}
        path: user.password
    {{- else }}
      - key: {{ $.ctx.Values.kafka.passwordKey }}
        path: password
    {{- end }}
{{- end }}
{{- end }}

{{- define "k8spacket.kafka.volumeMounts" -}}
{{- $dir := include "k8spacket.kafka.dir" .ctx -}}
- name: kafka-client
  mountPath: {{ $dir }}/client
  readOnly: true
{{- if include "k8spacket.kafka.caSecret" .ctx }}
- name: kafka-ca
  mountPath: {{ $dir }}/ca
  readOnly: true
{{- end }}
{{- if include "k8spacket.kafka.userSecret" . }}
- name: kafka-user
  mountPath: {{ $dir }}/user
  readOnly: true
{{- end }}
{{- end }}

{{/* Extra K8SPACKET_* settings as env entries, leaving out the ones the chart sets itself. */}}
{{- define "k8spacket.configEnv" -}}
{{- $owned := .owned -}}
{{- range $name, $value := .config }}
{{- if not (has $name $owned) }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end }}
