package io.k8spacket.streams.metadata.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.streams.metadata.EndpointEntry;
import io.k8spacket.streams.metadata.IpLiterals;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What each Kubernetes object says about IPs: which IPs it holds (as {@link EndpointEntry}s) and, for pods,
 * when it started and stopped holding them, read from the object's status. No I/O.
 */
final class Claims {
  /** Node IPs beat Service IPs beat pod IPs when two objects name the same IP. */
  static final int NODE_PRIORITY = 3;
  static final int SERVICE_PRIORITY = 2;
  static final int POD_PRIORITY = 1;

  private Claims() {}

  /**
   * The entries of a pod that holds its IPs: it has IPs, is not on the host network (those IPs are the
   * node's) and has not terminated (phase Succeeded or Failed: a finished pod keeps its IPs in its status,
   * but the network has already given them back). Empty otherwise.
   */
  static Map<String, EndpointEntry> ofPod(Pod pod, OwnerResolver.Workload workload) {
    if (isHostNetwork(pod) || isTerminated(pod)) {
      return Map.of();
    }
    Map<String, EndpointEntry> entries = new LinkedHashMap<>();
    for (String ip : podIps(pod)) {
      entries.put(ip, new EndpointEntry(ip, pod.getMetadata().getName(), pod.getMetadata().getNamespace(),
          workload.name(), workload.kind(), EndpointKind.POD, pod.getSpec() == null ? null
          : pod.getSpec().getNodeName()));
    }
    return entries;
  }

  /** A Service's cluster IPs (both families; headless {@code None} and ExternalName services have none). */
  static Map<String, EndpointEntry> ofService(Service service) {
    Set<String> raw = new LinkedHashSet<>();
    if (service.getSpec() != null) {
      if (service.getSpec().getClusterIPs() != null) {
        raw.addAll(service.getSpec().getClusterIPs());
      }
      if (service.getSpec().getClusterIP() != null) {
        raw.add(service.getSpec().getClusterIP());
      }
    }
    String name = service.getMetadata().getName();
    Map<String, EndpointEntry> entries = new LinkedHashMap<>();
    for (String ip : canonical(raw)) {
      entries.put(ip, new EndpointEntry(ip, name, service.getMetadata().getNamespace(), name, "Service",
          EndpointKind.SERVICE, null));
    }
    return entries;
  }

  /** A node's InternalIP addresses (both families); hostNetwork pods on the node share them. */
  static Map<String, EndpointEntry> ofNode(Node node) {
    Set<String> raw = new LinkedHashSet<>();
    if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
      for (NodeAddress a : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(a.getType())) {
          raw.add(a.getAddress());
        }
      }
    }
    String name = node.getMetadata().getName();
    Map<String, EndpointEntry> entries = new LinkedHashMap<>();
    for (String ip : canonical(raw)) {
      entries.put(ip, new EndpointEntry(ip, name, null, name, "Node", EndpointKind.NODE, name));
    }
    return entries;
  }

  /** {@code status.podIPs} (both families), else {@code status.podIP}, canonical, invalid ones skipped. */
  static List<String> podIps(Pod pod) {
    PodStatus status = pod.getStatus();
    Set<String> raw = new LinkedHashSet<>();
    if (status != null) {
      if (status.getPodIPs() != null) {
        for (PodIP ip : status.getPodIPs()) {
          raw.add(ip.getIp());
        }
      }
      if (raw.isEmpty() && status.getPodIP() != null) {
        raw.add(status.getPodIP());
      }
    }
    return canonical(raw);
  }

  static boolean isHostNetwork(Pod pod) {
    return pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
  }

  static boolean isTerminated(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /**
   * When the pod got its IPs: the {@code PodReadyToStartContainers} condition (sandbox and network ready)
   * turning True, else {@code status.startTime}; empty when neither is known.
   */
  static OptionalLong ipAssignedAt(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return OptionalLong.empty();
    }
    for (PodCondition c : nullToEmpty(status.getConditions())) {
      if ("PodReadyToStartContainers".equals(c.getType()) && "True".equals(c.getStatus())) {
        OptionalLong t = parse(c.getLastTransitionTime());
        if (t.isPresent()) {
          return t;
        }
      }
    }
    return parse(status.getStartTime());
  }

  /**
   * When the pod gave its IPs back, for a pod that terminated or was deleted: the latest {@code finishedAt}
   * of its containers when all of them terminated; else, for a terminated pod (phase Succeeded or Failed),
   * the latest transition of a condition to False (Ready, ContainersReady); else {@code nowMs}.
   */
  static long releasedAt(Pod pod, long nowMs) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return nowMs;
    }
    List<ContainerStatus> containers = nullToEmpty(status.getContainerStatuses());
    long latest = Long.MIN_VALUE;
    boolean allTerminated = !containers.isEmpty();
    for (ContainerStatus c : containers) {
      OptionalLong finished = c.getState() == null || c.getState().getTerminated() == null
          ? OptionalLong.empty() : parse(c.getState().getTerminated().getFinishedAt());
      allTerminated &= finished.isPresent();
      latest = Math.max(latest, finished.orElse(Long.MIN_VALUE));
    }
    if (allTerminated) {
      return latest;
    }
    if (!isTerminated(pod)) {
      return nowMs;
    }
    latest = Long.MIN_VALUE;
    for (PodCondition c : nullToEmpty(status.getConditions())) {
      if ("False".equals(c.getStatus())) {
        latest = Math.max(latest, parse(c.getLastTransitionTime()).orElse(Long.MIN_VALUE));
      }
    }
    return latest == Long.MIN_VALUE ? nowMs : latest;
  }

  /** An RFC 3339 time of the API (ms since the epoch); empty when absent or unparsable. */
  static OptionalLong parse(String time) {
    if (time == null || time.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Instant.parse(time).toEpochMilli());
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }

  private static List<String> canonical(Set<String> raw) {
    List<String> ips = new ArrayList<>();
    for (String ip : raw) {
      if (ip == null || ip.isEmpty() || "None".equals(ip)) {
        continue;
      }
      try {
        String canonical = IpLiterals.canonical(ip);
        if (!ips.contains(canonical)) {
          ips.add(canonical);
        }
      } catch (IllegalArgumentException e) {
        // not an IP literal: nothing to name
      }
    }
    return ips;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
