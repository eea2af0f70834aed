package io.k8spacket.standalone.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.ServerHello;
import io.k8spacket.avro.TlsSession;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObserveFormatTest {
  private static final long T0 = 1_795_000_000_000L * 1_000_000; // ns
  private static final Endpoint WEB = pod("10.0.0.1", "web-7d9f4-abcde", "shop", "web");
  private static final Endpoint DB = pod("10.0.0.2", "db-0", "data", "db");

  @Test
  void a_closed_connection_has_its_totals_and_duration() {
    assertThat(ObserveFormat.text(connection(WEB, DB, CloseKind.NORMAL, 1234, 38000, 4_200_000)))
        .isEqualTo("2026-11-18T11:06:40Z tcp shop/web-7d9f4-abcde 10.0.0.1:51234 -> data/db-0 10.0.0.2:5432"
            + " sent 1234 B received 38000 B 4.2 ms");
    assertThat(ObserveFormat.text(connection(WEB, DB, CloseKind.RESET, 1, 0, 2_500_000_000L)))
        .endsWith(" sent 1 B received 0 B 2.5 s reset");
    assertThat(ObserveFormat.text(connection(WEB, DB, CloseKind.NEVER_ESTABLISHED, 0, 0, 1_000_000)))
        .endsWith(" sent 0 B received 0 B never established");
  }

  @Test
  void a_progress_report_of_an_open_connection_shows_deltas_and_open() {
    assertThat(ObserveFormat.text(connection(WEB, DB, CloseKind.OPEN, 240, 4800, 15_000_000_000L)))
        .endsWith("-> data/db-0 10.0.0.2:5432 sent +240 B received +4800 B open");
  }

  @Test
  void unnamed_ends_show_only_their_address_and_ipv6_is_bracketed() {
    Endpoint unknown = Endpoint.newBuilder().setIp("fd00::2").setName("fd00::2").setKind(EndpointKind.UNKNOWN).build();
    assertThat(ObserveFormat.text(connection(WEB, unknown, CloseKind.NORMAL, 1, 1, 1_000_000)))
        .contains(" -> [fd00::2]:5432 sent");
  }

  @Test
  void a_handshake_line_has_version_suite_and_sni() {
    TlsSession session = TlsSession.newBuilder().setClient(WEB).setClientPort(40000).setServer(DB).setServerPort(443)
        .setNode("n1").setObservedAtNs(T0).setServerName("db.example")
        .setServerHello(ServerHello.newBuilder().setLegacyVersion(0x0303).setSelectedVersion(0x0304)
            .setCipherSuite(0x1302).build()).build();
    assertThat(ObserveFormat.text(session)).isEqualTo("2026-11-18T11:06:40Z tls shop/web-7d9f4-abcde 10.0.0.1:40000"
        + " -> data/db-0 10.0.0.2:443 TLS 1.3 TLS_AES_256_GCM_SHA384 sni db.example");
    session.setServerHello(null);
    session.setServerName(null);
    assertThat(ObserveFormat.text(session)).endsWith(":443 no ServerHello");
  }

  @Test
  void json_lines_carry_every_field_and_null_duration_while_open() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode closed = json.readTree(ObserveFormat.json(connection(WEB, DB, CloseKind.NORMAL, 1234, 38000, 4_200_000)));
    assertThat(closed.get("type").asText()).isEqualTo("connection");
    assertThat(closed.get("time").asText()).isEqualTo("2026-11-18T11:06:40Z");
    assertThat(closed.get("state").asText()).isEqualTo("closed");
    assertThat(closed.get("durationMs").asDouble()).isEqualTo(4.2);
    assertThat(closed.get("bytesClientToServer").asLong()).isEqualTo(1234);
    assertThat(closed.get("client").get("workload").asText()).isEqualTo("web");
    assertThat(closed.get("server").get("port").asInt()).isEqualTo(5432);
    JsonNode open = json.readTree(ObserveFormat.json(connection(WEB, DB, CloseKind.OPEN, 1, 2, 1)));
    assertThat(open.get("state").asText()).isEqualTo("open");
    assertThat(open.get("closeKind").asText()).isEqualTo("OPEN");
    assertThat(open.get("durationMs").isNull()).isTrue();
  }

  @Test
  void filters_match_either_end() {
    ObserveOptions shop = ObserveOptions.parse(List.of("--namespace", "^shop$"));
    ObserveOptions db = ObserveOptions.parse(List.of("--workload", "^db"));
    ObserveOptions none = ObserveOptions.parse(List.of("--namespace", "kube-system"));
    assertThat(ObserveFormat.keeps(shop, WEB, DB)).isTrue();
    assertThat(ObserveFormat.keeps(shop, DB, WEB)).isTrue();
    assertThat(ObserveFormat.keeps(db, WEB, DB)).isTrue();
    assertThat(ObserveFormat.keeps(none, WEB, DB)).isFalse();
    assertThat(ObserveFormat.keeps(ObserveOptions.parse(List.of()), WEB, DB)).isTrue();
  }

  private static Connection connection(Endpoint client, Endpoint server, CloseKind kind, long sent, long received,
      long durationNs) {
    return Connection.newBuilder().setClient(client).setClientPort(51234).setServer(server).setServerPort(5432)
        .setFamily(AddressFamily.IPV4).setObserver(Observer.CLIENT).setNode("n1").setBytesClientToServer(sent)
        .setBytesServerToClient(received).setSegmentsClientToServer(1).setSegmentsServerToClient(1).setRetransmits(0)
        .setSrttMicros(50).setOpenTimeNs(T0 - durationNs).setCloseTimeNs(T0).setCloseKind(kind).build();
  }

  private static Endpoint pod(String ip, String name, String namespace, String workload) {
    return Endpoint.newBuilder().setIp(ip).setName(name).setNamespace(namespace).setWorkload(workload)
        .setWorkloadKind("Deployment").setKind(EndpointKind.POD).build();
  }
}
