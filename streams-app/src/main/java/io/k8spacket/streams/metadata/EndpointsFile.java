package io.k8spacket.streams.metadata;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.k8spacket.avro.EndpointKind;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parses the standalone endpoints file. Example:
 *
 * <pre>
 * endpoints:
 *   - {ip: 10.0.0.1, name: web-5d9c7-abcde, namespace: shop, workload: web, workloadKind: Deployment,
 *      kind: pod, node: node-1}
 *   - {ip: 10.96.0.10, name: kube-dns, namespace: kube-system, kind: service}
 * </pre>
 *
 * {@code ip}, {@code name} and {@code kind} (pod, service or node) are required; {@code workload} defaults to
 * the name. A file without an {@code endpoints:} key, an unknown key (a typo would silently drop data), a
 * duplicate IP or a bad value makes the whole file invalid; {@code endpoints: []} is a valid empty file.
 */
final class EndpointsFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("ip", "name", "namespace", "workload", "workloadKind", "kind",
      "node");
  private static final Map<String, EndpointKind> KINDS = Map.of("pod", EndpointKind.POD, "service",
      EndpointKind.SERVICE, "node", EndpointKind.NODE);

  /** Why a file was rejected; the message names the entry. */
  static final class InvalidException extends Exception {
    InvalidException(String message) {
      super(message);
    }
  }

  private EndpointsFile() {}

  /** IP → entry, sorted by IP. */
  static SortedMap<String, EndpointEntry> parse(byte[] yaml) throws InvalidException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new InvalidException("not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " "));
    } catch (IOException e) {
      throw new InvalidException("unreadable: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.has("endpoints")) {
      throw new InvalidException("no top-level 'endpoints:' list");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("endpoints")) {
        throw new InvalidException("unknown top-level key '" + key + "'");
      }
    }
    JsonNode list = root.get("endpoints");
    if (!list.isArray() && !list.isNull()) {
      throw new InvalidException("'endpoints' must be a list");
    }
    SortedMap<String, EndpointEntry> entries = new TreeMap<>();
    for (int i = 0; i < list.size(); i++) {
      EndpointEntry entry = entry(i + 1, list.get(i));
      if (entries.putIfAbsent(entry.ip(), entry) != null) {
        throw new InvalidException("entry " + (i + 1) + ": ip " + entry.ip() + " is listed twice");
      }
    }
    return entries;
  }

  private static EndpointEntry entry(int n, JsonNode node) throws InvalidException {
    if (!node.isObject()) {
      throw new InvalidException("entry " + n + ": must be a mapping of ip, name, kind, ...");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidException("entry " + n + ": unknown key '" + key + "' (allowed: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    String where = "entry " + n;
    String rawIp = text(node, "ip", where, true);
    String ip;
    try {
      ip = IpLiterals.canonical(rawIp);
    } catch (IllegalArgumentException e) {
      throw new InvalidException(where + ": " + e.getMessage());
    }
    where = where + " (ip " + ip + ")";
    String name = text(node, "name", where, true);
    String kindText = text(node, "kind", where, true);
    EndpointKind kind = KINDS.get(kindText.toLowerCase(Locale.ROOT));
    if (kind == null) {
      throw new InvalidException(where + ": kind '" + kindText + "' is not one of pod, service, node");
    }
    String workload = text(node, "workload", where, false);
    return new EndpointEntry(ip, name, text(node, "namespace", where, false), workload == null ? name : workload,
        text(node, "workloadKind", where, false), kind, text(node, "node", where, false));
  }

  private static String text(JsonNode entry, String key, String where, boolean required) throws InvalidException {
    JsonNode v = entry.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidException(where + ": '" + key + "' is required");
      }
      return null;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      throw new InvalidException(where + ": '" + key + "' must be a non-empty text");
    }
    return v.asText().trim();
  }
}
