{{/* One KafkaTopic; call with (dict "ctx" $ "id" "tcp" "partitions" N "config" dict). */}}
{{- define "k8spacket.kafkaTopic" -}}
{{- $t := index .ctx.Values.topics .id -}}
apiVersion: {{ .ctx.Values.strimzi.apiVersion }}
kind: KafkaTopic
metadata:
  name: {{ include "k8spacket.fullname" .ctx }}-{{ .id | kebabcase }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    strimzi.io/cluster: {{ .ctx.Values.strimzi.clusterName }}
    {{- include "k8spacket.labels" (dict "ctx" .ctx "component" "kafka") | nindent 4 }}
spec:
  topicName: {{ $t.name }}
  partitions: {{ .partitions }}
  replicas: {{ .ctx.Values.topics.replicas }}
  config:
    {{- toYaml (merge (dict "min.insync.replicas" .ctx.Values.topics.minInsyncReplicas) .config (deepCopy $t.config)) | nindent 4 }}
{{- end }}

{{/* One ACL entry of a KafkaUser; call with (list type name patternType operations...). */}}
{{- define "k8spacket.acl" -}}
- resource:
    type: {{ index . 0 }}
    name: {{ index . 1 | quote }}
    patternType: {{ index . 2 }}
  operations: {{ index . 3 | toJson }}
  host: "*"
{{- end }}

{{/* The authentication block of a KafkaUser. */}}
{{- define "k8spacket.kafkaUserAuthentication" -}}
authentication:
  type: {{ .Values.kafka.authentication }}
{{- end }}
