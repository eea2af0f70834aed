package io.k8spacket.query;

import com.google.re2j.Pattern;

/**
 * The original's {@code namespace}, {@code include} and {@code exclude} filters, applied to one fine-grained
 * sample before grouping. Each pattern is an RE2 expression matched anywhere in the string ({@code find}); a
 * null pattern means no filter. A missing value (null namespace or workload) is matched as the empty string,
 * as the original stored {@code ""} for unknown namespaces.
 *
 * @param namespace keeps a sample when it matches the client's, the server's or the Service's namespace
 * @param include keeps a sample when it matches the IP, name or workload of either end, or the Service's name
 * @param exclude drops a sample when it matches the IP, name or workload of either end, or the Service's name
 */
public record SampleFilter(Pattern namespace, Pattern include, Pattern exclude) {
  /** No filtering at all. */
  public static final SampleFilter NONE = new SampleFilter(null, null, null);

  /** True when the sample passes all three filters. */
  public boolean test(EdgeSample sample) {
    return test(sample.client(), sample.server(), sample.service());
  }

  /**
   * True when a client, server and Service (null for none) pass all three filters: the ends of an edge sample,
   * or of TLS handshakes counted against the same edges.
   */
  public boolean test(EndpointView client, EndpointView server, EndpointView service) {
    if (namespace != null && !(finds(namespace, client.namespace()) || finds(namespace, server.namespace())
        || (service != null && finds(namespace, service.namespace())))) {
      return false;
    }
    if (include != null && !anyIdentity(include, client, server, service)) {
      return false;
    }
    return exclude == null || !anyIdentity(exclude, client, server, service);
  }

  private static boolean anyIdentity(Pattern pattern, EndpointView client, EndpointView server,
      EndpointView service) {
    return identity(pattern, client) || identity(pattern, server)
        || (service != null && finds(pattern, service.name()));
  }

  private static boolean identity(Pattern pattern, EndpointView end) {
    return finds(pattern, end.ip()) || finds(pattern, end.name()) || finds(pattern, end.workload());
  }

  private static boolean finds(Pattern pattern, String value) {
    return pattern.matcher(value == null ? "" : value).find();
  }
}
