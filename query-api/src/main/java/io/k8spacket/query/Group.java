package io.k8spacket.query;

import java.util.Objects;

/**
 * One node of a grouped view: the endpoints that share a {@link GroupBy} key.
 *
 * @param key unique within one grouping, stable across queries ({@code 10.0.0.1}, {@code shop/web},
 *     {@code shop/svc.web}, {@code node.worker-1}, {@code shop}); see {@link GroupBy}
 * @param name what a person calls it: pod, workload, service, node or namespace name, or the IP
 * @param namespace the namespace, or null when the endpoint has none (node, unknown IP)
 * @param context what tells same-named groups apart: the IP for IP grouping and unknown endpoints, else the
 *     namespace, else the kind ({@code node})
 * @param kind what the group is, for people: the workload kind of a pod ({@code Deployment}, {@code StatefulSet},
 *     {@code Pod} for a bare pod), else {@code Service}, {@code Node}, {@code Namespace} or {@code Unknown}; see
 *     {@link GroupBy#group}
 */
public record Group(String key, String name, String namespace, String context, String kind) {
  public Group {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(kind, "kind");
  }
}
