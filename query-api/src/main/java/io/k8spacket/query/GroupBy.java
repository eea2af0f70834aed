package io.k8spacket.query;

import java.util.Locale;
import java.util.Optional;

/**
 * How endpoints are merged into graph nodes and connection rows. Keys are built so that they cannot collide
 * across kinds: IPs contain no {@code /}, Kubernetes names contain no {@code /}, and namespaces contain no
 * {@code .}.
 *
 * <pre>
 *                 ip          pod              workload / service   namespace
 * pod             10.0.0.7    shop/web-5d9-x   shop/web             shop
 * service         10.96.0.1   shop/svc.web     shop/svc.web         shop
 * node            10.0.0.2    node.worker-1    node.worker-1        node.worker-1
 * unknown (IP)    1.2.3.4     1.2.3.4          1.2.3.4              1.2.3.4
 * </pre>
 *
 * {@code SERVICE} groups endpoints as {@code WORKLOAD} does, except the server of a sample whose client
 * connected to a Service: that server is grouped as the Service ({@link #server}). So {@code shop/frontend}
 * calling pod {@code web-5c6b-x1} through Service {@code web} is {@code shop/frontend -> shop/svc.web}; a direct
 * call to the same pod stays {@code shop/frontend -> shop/web}.
 */
public enum GroupBy {
  IP, POD, WORKLOAD, SERVICE, NAMESPACE;

  /** The default grouping of the API. */
  public static final GroupBy DEFAULT = WORKLOAD;
  /** The kind shown for a namespace group. */
  static final String NAMESPACE_KIND = "Namespace";

  /**
   * The enum for a query-string value ({@code ip}, {@code pod}, {@code workload}, {@code service},
   * {@code namespace}).
   */
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

  /** The group of a sample's server: its Service under {@code SERVICE} when it has one, else {@link #group}. */
  public Group server(EdgeSample s) {
    return this == SERVICE && s.service() != null ? service(s.service()) : group(s.server());
  }

  /**
   * The group of a Service as a node of its own, the same in every grouping: key {@code ns/svc.name}, name the
   * Service's name (as a Service endpoint is grouped under {@code WORKLOAD}).
   */
  public static Group service(EndpointView service) {
    return WORKLOAD.group(service);
  }

  /**
   * True when a sample through a Service is drawn as two graph edges, client -> Service -> backend: in the
   * {@code pod} and {@code workload} views, where a Service is a node between them.
   */
  public boolean drawsServiceHop() {
    return this == POD || this == WORKLOAD;
  }

  /** The group this endpoint belongs to under this grouping (a client, or a server without a Service). */
  public Group group(EndpointView e) {
    String kind = e.kind().toLowerCase(Locale.ROOT);
    String display = kindName(e);
    if (this == IP) {
      return new Group(e.ip(), e.name(), e.namespace(), e.ip(), display);
    }
    if ("unknown".equals(kind)) {
      return new Group(e.ip(), e.name(), null, e.ip(), display);
    }
    if (e.namespace() == null) {
      return new Group(kind + "." + e.name(), e.name(), null, kind, display);
    }
    String ns = e.namespace();
    if (this == NAMESPACE) {
      return new Group(ns, ns, ns, ns, NAMESPACE_KIND);
    }
    if ("pod".equals(kind)) {
      boolean byWorkload = (this == WORKLOAD || this == SERVICE) && e.workload() != null;
      String name = byWorkload ? e.workload() : e.name();
      return new Group(ns + "/" + name, name, ns, ns, display);
    }
    String prefix = "service".equals(kind) ? "svc" : kind;
    return new Group(ns + "/" + prefix + "." + e.name(), e.name(), ns, ns, display);
  }

  /**
   * What an endpoint is, for people: a pod's workload kind ({@code Deployment}; {@code Pod} for a bare pod or
   * one whose owner is unknown), else its endpoint kind capitalised ({@code Service}, {@code Node},
   * {@code Unknown}).
   */
  static String kindName(EndpointView e) {
    String kind = e.kind().toLowerCase(Locale.ROOT);
    if ("pod".equals(kind)) {
      return e.workloadKind() == null || e.workloadKind().isEmpty() ? "Pod" : e.workloadKind();
    }
    return kind.isEmpty() ? "Unknown" : Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
  }
}
