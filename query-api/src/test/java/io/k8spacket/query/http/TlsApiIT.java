package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.http.ApiServer.JSON;
import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static io.k8spacket.query.tls.TlsFixtures.DNS_PENDING;
import static io.k8spacket.query.tls.TlsFixtures.DOT_FAILED;
import static io.k8spacket.query.tls.TlsFixtures.GOOGLE;
import static io.k8spacket.query.tls.TlsFixtures.GOOGLE_CERT;
import static io.k8spacket.query.tls.TlsFixtures.OLD_CERT;
import static io.k8spacket.query.tls.TlsFixtures.WEB_CERT;
import static io.k8spacket.query.tls.TlsFixtures.WEB_TLS12;
import static io.k8spacket.query.tls.TlsFixtures.WEB_TLS13;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.tls.InMemoryTlsReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TLS routes over a fake reader; now = T0 + 3 minutes (2026-05-12T10:03:00Z). */
class TlsApiIT {
  static final String WEB_ID = "MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYi5zaG9wLnN2Yw";
  static final String GOOGLE_ID = "MTAuMC4wLjJ8MTQyLjI1MC43NC43OHw0NDN8d3d3Lmdvb2dsZS5jb20";
  static final String DOT_ID = "MTkyLjE2OC4xLjEwfDEwLjAuOS45fDg1M3w";
  static final List<String> ROW_KEYS = List.of("id", "src", "srcName", "srcNamespace", "dst", "dstName", "dstPort",
      "domain", "usedTLSVersion", "usedCipherSuite", "lastSeen");

  static final InMemoryTlsReader TLS = new InMemoryTlsReader()
      .add(WEB_TLS12, WEB_TLS13, GOOGLE, DOT_FAILED)
      .add(WEB_CERT, GOOGLE_CERT, DNS_PENDING, OLD_CERT);
  private static ApiServer api;

  @BeforeAll
  static void start() {
    api = new ApiServer(TLS);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode ok(String pathAndQuery) {
    HttpResponse<String> r = api.get(pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    return json(r);
  }

  private static String range(int fromMinute, int toMinute) {
    return "from=" + (T0 + fromMinute * MINUTE) + "&to=" + (T0 + toMinute * MINUTE);
  }

  private static List<String> fieldNames(JsonNode node) {
    return StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false).toList();
  }

  @Test
  void the_table_has_one_row_per_connection_with_exactly_the_original_keys() throws Exception {
    JsonNode rows = ok("/tlsparser/api/data?" + range(0, 3));

    assertThat(rows.isArray()).isTrue();
    assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(fieldNames(row)).containsExactlyElementsOf(ROW_KEYS));
    assertThat(rows.get(0)).isEqualTo(JSON.readTree("""
        {"id":"MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYi5zaG9wLnN2Yw","src":"10.0.0.1","srcName":"frontend-7d9f-a1",
         "srcNamespace":"shop","dst":"10.0.1.1","dstName":"web-5c6b-x1","dstPort":443,"domain":"web.shop.svc",
         "usedTLSVersion":"TLS 1.3","usedCipherSuite":"TLS_AES_128_GCM_SHA256","lastSeen":"2026-05-12T10:01:30Z"}"""));
    assertThat(rows.get(0).get("dstPort").isInt()).isTrue();
  }

  @Test
  void an_external_server_is_named_by_its_sni_and_missing_values_are_empty_strings() throws Exception {
    JsonNode rows = ok("/tlsparser/api/data?" + range(0, 3));

    assertThat(rows.get(1)).isEqualTo(JSON.readTree("""
        {"id":"MTAuMC4wLjJ8MTQyLjI1MC43NC43OHw0NDN8d3d3Lmdvb2dsZS5jb20","src":"10.0.0.2",
         "srcName":"frontend-7d9f-b2","srcNamespace":"shop","dst":"142.250.74.78","dstName":"www.google.com",
         "dstPort":443,"domain":"www.google.com","usedTLSVersion":"TLS 1.3",
         "usedCipherSuite":"TLS_AES_256_GCM_SHA384","lastSeen":"2026-05-12T10:01:30Z"}"""));
    assertThat(rows.get(2)).isEqualTo(JSON.readTree("""
        {"id":"MTkyLjE2OC4xLjEwfDEwLjAuOS45fDg1M3w","src":"192.168.1.10","srcName":"worker-1","srcNamespace":"",
         "dst":"10.0.9.9","dstName":"coredns-55cb-k2","dstPort":853,"domain":"","usedTLSVersion":"",
         "usedCipherSuite":"","lastSeen":"2026-05-12T10:02:30Z"}"""));
  }

  @Test
  void the_table_answers_without_parameters_and_with_a_trailing_slash() {
    JsonNode all = ok("/tlsparser/api/data");

    assertThat(all).hasSize(3);
    assertThat(ok("/tlsparser/api/data/")).isEqualTo(all);
    assertThat(ok("/tlsparser/api/data?from=&to=")).isEqualTo(all);
  }

  @Test
  void an_empty_range_is_an_empty_array() {
    HttpResponse<String> r = api.get("/tlsparser/api/data?" + range(10, 20));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().trim()).isEqualTo("[]");
  }

  @Test
  void details_carry_every_key_the_offer_and_the_chain_as_text_and_fields() throws Exception {
    JsonNode d = ok("/tlsparser/api/data/" + WEB_ID);

    assertThat(fieldNames(d)).containsExactly("id", "domain", "dst", "port", "clientTLSVersions",
        "clientCipherSuites", "usedTLSVersion", "usedCipherSuite", "certificate");
    assertThat(d.get("id").asText()).isEqualTo(WEB_ID);
    assertThat(d.get("domain").asText()).isEqualTo("web.shop.svc");
    assertThat(d.get("dst").asText()).isEqualTo("10.0.1.1");
    assertThat(d.get("port").asInt()).isEqualTo(443);
    assertThat(d.get("clientTLSVersions")).isEqualTo(JSON.readTree("[\"TLS 1.3\",\"TLS 1.2\"]"));
    assertThat(d.get("clientCipherSuites")).isEqualTo(JSON.readTree(
        "[\"TLS_AES_128_GCM_SHA256\",\"TLS_AES_256_GCM_SHA384\",\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"]"));
    assertThat(d.get("usedTLSVersion").asText()).isEqualTo("TLS 1.3");
    assertThat(d.get("usedCipherSuite").asText()).isEqualTo("TLS_AES_128_GCM_SHA256");
    JsonNode cert = d.get("certificate");
    assertThat(fieldNames(cert)).containsExactly("notBefore", "notAfter", "serverChain", "lastScrape", "chain",
        "source");
    assertThat(cert.get("notBefore").asText()).isEqualTo("2026-05-11T10:00:00Z");
    assertThat(cert.get("notAfter").asText()).isEqualTo("2026-06-11T10:00:00Z");
    assertThat(cert.get("lastScrape").asText()).isEqualTo("2026-05-12T10:01:30Z");
    assertThat(cert.get("source").asText()).isEqualTo("HANDSHAKE");
    assertThat(cert.get("serverChain").isTextual()).isTrue();
    assertThat(cert.get("serverChain").asText()).startsWith("Certificate:\n    Data:\n        Serial Number:\n"
        + "            03:e8\n").contains("        Subject: CN=Shop Issuing CA,O=Shop\n");
    assertThat(cert.get("chain")).hasSize(2);
    assertThat(cert.get("chain").get(0)).isEqualTo(JSON.readTree("""
        {"subject":"CN=web.shop.svc","issuer":"CN=Shop Issuing CA,O=Shop",
         "subjectAltNames":["DNS:web.shop.svc","IP:10.0.1.1"],"serial":"3e8",
         "notBefore":"2026-05-11T10:00:00Z","notAfter":"2026-06-11T10:00:00Z","keyType":"RSA","keyBits":2048,
         "signatureAlgorithm":"SHA256withRSA",
         "sha256":"abababababababababababababababababababababababababababababababab"}"""));
  }

  @Test
  void details_without_a_chain_say_unavailable_with_go_zero_times() throws Exception {
    JsonNode d = ok("/tlsparser/api/data/" + DOT_ID);

    assertThat(d.get("domain").asText()).isEmpty();
    assertThat(d.get("usedTLSVersion").asText()).isEmpty();
    assertThat(d.get("certificate")).isEqualTo(JSON.readTree("""
        {"notBefore":"0001-01-01T00:00:00Z","notAfter":"0001-01-01T00:00:00Z","serverChain":"UNAVAILABLE",
         "lastScrape":"0001-01-01T00:00:00Z","chain":[],"source":"NONE"}"""));
  }

  @Test
  void details_of_an_unknown_id_are_a_json_404() {
    for (String id : List.of("MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYg", "garbage")) {
      HttpResponse<String> r = api.get("/tlsparser/api/data/" + id);

      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(contentType(r)).startsWith("application/json");
      assertThat(json(r).get("error").asText()).isEqualTo("no TLS connection with id '" + id + "' in the range");
    }
  }

  @Test
  void details_honour_the_range() {
    assertThat(api.get("/tlsparser/api/data/" + GOOGLE_ID + "?" + range(1, 2)).statusCode()).isEqualTo(200);
    assertThat(api.get("/tlsparser/api/data/" + GOOGLE_ID + "?" + range(2, 3)).statusCode()).isEqualTo(404);
  }

  @Test
  void certificates_are_listed_soonest_expiry_first_with_their_clients() throws Exception {
    JsonNode certs = ok("/tlsparser/api/certificates?" + range(0, 3));

    assertThat(certs).hasSize(2);
    assertThat(fieldNames(certs.get(0))).containsExactly("server", "serverIp", "port", "domain", "source",
        "notBefore", "notAfter", "daysLeft", "subject", "issuer", "sha256", "firstSeen", "lastSeen", "chain",
        "clients");
    JsonNode google = certs.get(0);
    assertThat(google.get("server").asText()).isEqualTo("142.250.74.78");
    assertThat(google.get("domain").asText()).isEqualTo("www.google.com");
    assertThat(google.get("source").asText()).isEqualTo("ACTIVE_FETCH");
    assertThat(google.get("notAfter").asText()).isEqualTo("2026-05-22T10:00:00Z");
    assertThat(google.get("daysLeft").asLong()).isEqualTo(9);
    assertThat(google.get("clients")).isEqualTo(JSON.readTree("""
        [{"name":"frontend-7d9f-b2","namespace":"shop","workload":"frontend"},
         {"name":"frontend-7d9f-a1","namespace":"shop","workload":"frontend"}]"""));
    JsonNode web = certs.get(1);
    assertThat(web.get("server").asText()).isEqualTo("shop/web");
    assertThat(web.get("serverIp").asText()).isEqualTo("10.0.1.1");
    assertThat(web.get("port").asInt()).isEqualTo(443);
    assertThat(web.get("daysLeft").asLong()).isEqualTo(29);
    assertThat(web.get("subject").asText()).isEqualTo("CN=web.shop.svc");
    assertThat(web.get("issuer").asText()).isEqualTo("CN=Shop Issuing CA,O=Shop");
    assertThat(web.get("sha256").asText()).isEqualTo("ab".repeat(32));
    assertThat(web.get("firstSeen").asText()).isEqualTo("2026-05-12T10:00:30Z");
    assertThat(web.get("lastSeen").asText()).isEqualTo("2026-05-12T10:01:30Z");
    assertThat(web.get("chain")).hasSize(2);
  }

  @Test
  void certificates_without_a_range_include_older_ones_and_an_empty_range_is_an_empty_array() {
    JsonNode all = ok("/tlsparser/api/certificates");

    assertThat(all).extracting(c -> c.get("serverIp").asText() + ":" + c.get("port").asInt())
        .containsExactly("142.250.74.78:443", "10.0.1.1:443", "10.0.1.1:8443");
    assertThat(ok("/tlsparser/api/certificates?" + range(10, 20))).isEmpty();
  }

  @Test
  void bad_parameters_are_400s_naming_the_parameter() {
    for (String path : List.of("/tlsparser/api/data?from=abc", "/tlsparser/api/data/" + WEB_ID + "?to=1700000000",
        "/tlsparser/api/certificates?from=" + (T0 + 1) + "&to=" + T0)) {
      HttpResponse<String> r = api.get(path);

      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(contentType(r)).startsWith("application/json");
      assertThat(json(r).get("error").asText()).containsAnyOf("'from'", "'to'");
    }
  }

  @Test
  void an_unavailable_store_is_a_503() {
    try (ApiServer failing = new ApiServer(failingReader())) {
      HttpResponse<String> r = failing.get("/tlsparser/api/certificates");

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).contains("5");
      assertThat(json(r).get("error").asText()).startsWith("store unavailable, retry later: ");
    }
  }

  private static InMemoryTlsReader failingReader() {
    InMemoryTlsReader reader = new InMemoryTlsReader();
    reader.failWith(new StoreUnavailableException("rebalancing", null));
    return reader;
  }
}
