package io.k8spacket.query;

import java.util.Locale;
import java.util.Optional;

/**
 * How endpoints are merged into graph nodes and connection rows. Keys are built so that they cannot collide
 * across kinds: IPs contain no {@code /}, Kubernetes names contain no {@code /}, and namespaces contain no
 * {@code .}.
 *
 * <pre>
 *                 ip          pod              workload           namespace
 * pod             10.0.0.7    shop/web-5d9-x   shop/web           shop
 * service         10.96.0.1   shop/svc.web     shop/svc.web       shop
 * node            10.0.0.2    node.worker-1    node.worker-1      node.worker-1
 * unknown (IP)    1.2.3.4     1.2.3.4          1.2.3.4            1.2.3.4
 * </pre>
 */
public enum GroupBy {
  IP, POD, WORKLOAD, NAMESPACE;

  /** The default grouping of the API. */
  public static final GroupBy DEFAULT = WORKLOAD;

  /** The enum for a query-string value ({@code ip}, {@code pod}, {@code workload}, {@code namespace}). */
  public static Optional<GroupBy> parse(String value) {
    for (GroupBy g : values()) {
      if (g.wireName().equals(value)) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /** The query-string spelling. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The group this endpoint belongs to under this grouping. */
  public Group group(EndpointView e) {
    String kind = e.kind().toLowerCase(Locale.ROOT);
    if (this == IP) {
      return new Group(e.ip(), e.name(), e.namespace(), e.ip());
    }
    if ("unknown".equals(kind)) {
      return new Group(e.ip(), e.name(), null, e.ip());
    }
    if (e.namespace() == null) {
      return new Group(kind + "." + e.name(), e.name(), null, kind);
    }
    String ns = e.namespace();
    if (this == NAMESPACE) {
      return new Group(ns, ns, ns, ns);
    }
    if ("pod".equals(kind)) {
      boolean byWorkload = this == WORKLOAD && e.workload() != null;
      String name = byWorkload ? e.workload() : e.name();
      return new Group(ns + "/" + name, name, ns, ns);
    }
    String prefix = "service".equals(kind) ? "svc" : kind;
    return new Group(ns + "/" + prefix + "." + e.name(), e.name(), ns, ns);
  }
}
