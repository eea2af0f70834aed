package io.k8spacket.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryApiConfigTest {
  private static final String SECRET = "s3cr3t-Token_value.42";

  @TempDir
  Path dir;

  @Test
  void defaults_apply_when_nothing_is_set() {
    assertThat(QueryApiConfig.fromMap(Map.of())).isEqualTo(new QueryApiConfig(6676, 60_000, 1000, 5,
        Optional.empty(), List.of("*"), 8192, 10_000, 32, 512, 2000));
    assertThat(QueryApiConfig.defaults().authRequired()).isFalse();
  }

  @Test
  void values_come_from_the_environment_names() {
    QueryApiConfig c = QueryApiConfig.fromMap(Map.ofEntries(Map.entry("K8SPACKET_API_PORT", "8080"),
        Map.entry("K8SPACKET_API_WINDOW_MS", "3600000"), Map.entry("K8SPACKET_API_MAX_PARAM_LENGTH", "200"),
        Map.entry("K8SPACKET_API_RETRY_AFTER_SECONDS", " 2 "), Map.entry("K8SPACKET_API_TOKEN", SECRET),
        Map.entry("K8SPACKET_API_CORS_ORIGINS", "https://grafana.example.com, http://localhost:3000"),
        Map.entry("K8SPACKET_API_MAX_HEADER_BYTES", "4096"), Map.entry("K8SPACKET_API_QUERY_TIMEOUT_MS", "2500"),
        Map.entry("K8SPACKET_API_MAX_THREADS", "16"), Map.entry("K8SPACKET_API_MAX_CONNECTIONS", "100"),
        Map.entry("K8SPACKET_API_PEER_TIMEOUT_MS", "750")));
    assertThat(c).isEqualTo(new QueryApiConfig(8080, 3_600_000, 200, 2,
        Optional.of(BearerToken.of("test", SECRET)),
        List.of("https://grafana.example.com", "http://localhost:3000"), 4096, 2500, 16, 100, 750));
  }

  @Test
  void the_token_file_is_read_once_and_trimmed() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  " + SECRET + "\n");

    QueryApiConfig c = QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN_FILE", file.toString()));
    Files.writeString(file, "changed");

    assertThat(c.authRequired()).isTrue();
    assertThat(c.token().orElseThrow().matches(SECRET)).isTrue();
    assertThat(c.token().orElseThrow().matches("changed")).isFalse();
  }

  @Test
  void the_token_is_trimmed_when_given_directly_too() {
    QueryApiConfig c = QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN", SECRET + "\n"));

    assertThat(c.token().orElseThrow().matches(SECRET)).isTrue();
  }

  @Test
  void the_token_never_appears_in_the_config_text_or_in_errors() throws Exception {
    QueryApiConfig c = QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN", SECRET));
    assertThat(c.toString()).doesNotContain(SECRET).contains("redacted");

    Path withSpace = Files.writeString(dir.resolve("bad"), "s3cr3t token");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN_FILE", withSpace.toString())))
        .hasMessageContaining("K8SPACKET_API_TOKEN_FILE").hasMessageContaining("printable ASCII")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN", "qwerty\tzx")))
        .hasMessageContaining("K8SPACKET_API_TOKEN").hasMessageNotContaining("qwerty");
  }

  @Test
  void token_and_token_file_are_exclusive_and_the_file_must_be_readable_and_non_empty() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), SECRET);
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN", SECRET,
        "K8SPACKET_API_TOKEN_FILE", file.toString())))
        .hasMessage("set K8SPACKET_API_TOKEN or K8SPACKET_API_TOKEN_FILE, not both");

    String missing = dir.resolve("missing").toString();
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN_FILE", missing)))
        .hasMessage("K8SPACKET_API_TOKEN_FILE " + missing + " cannot be read: NoSuchFileException");

    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN_FILE", empty.toString())))
        .hasMessage("K8SPACKET_API_TOKEN_FILE " + empty + " is empty");

    Path huge = Files.writeString(dir.resolve("huge"), "x".repeat(10_000));
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_TOKEN_FILE", huge.toString())))
        .hasMessageContaining("larger than a token can be");
  }

  @Test
  void cors_origins_are_star_or_a_list_of_origins() {
    assertThat(QueryApiConfig.fromMap(Map.of("K8SPACKET_API_CORS_ORIGINS", " * ")).corsOrigins())
        .containsExactly("*");
    assertThat(QueryApiConfig.fromMap(Map.of("K8SPACKET_API_CORS_ORIGINS", "http://[::1]:3000,,https://g.example"))
        .corsOrigins()).containsExactly("http://[::1]:3000", "https://g.example");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_CORS_ORIGINS", "*,https://g.example")))
        .hasMessageContaining("K8SPACKET_API_CORS_ORIGINS");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_CORS_ORIGINS", "https://g.example/")))
        .hasMessageContaining("K8SPACKET_API_CORS_ORIGINS").hasMessageContaining("'https://g.example/'");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_CORS_ORIGINS", "g.example")))
        .hasMessageContaining("K8SPACKET_API_CORS_ORIGINS");
  }

  @Test
  void a_bad_value_names_the_variable() {
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_WINDOW_MS", "1m")))
        .hasMessageContaining("K8SPACKET_API_WINDOW_MS");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_PORT", "70000")))
        .hasMessageContaining("K8SPACKET_API_PORT");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_MAX_PARAM_LENGTH", "99999999999")))
        .hasMessageContaining("K8SPACKET_API_MAX_PARAM_LENGTH");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_MAX_HEADER_BYTES", "100")))
        .hasMessageContaining("K8SPACKET_API_MAX_HEADER_BYTES");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_QUERY_TIMEOUT_MS", "0")))
        .hasMessageContaining("K8SPACKET_API_QUERY_TIMEOUT_MS");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_MAX_THREADS", "1")))
        .hasMessageContaining("K8SPACKET_API_MAX_THREADS");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_MAX_CONNECTIONS", "0")))
        .hasMessageContaining("K8SPACKET_API_MAX_CONNECTIONS");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_PEER_TIMEOUT_MS", "0")))
        .hasMessageContaining("K8SPACKET_API_PEER_TIMEOUT_MS");
  }

  @Test
  void settings_list_every_variable_with_a_doc() {
    assertThat(QueryApiConfig.settings()).extracting(QueryApiConfig.Setting::name).containsExactly(
        "K8SPACKET_API_PORT", "K8SPACKET_API_WINDOW_MS", "K8SPACKET_API_MAX_PARAM_LENGTH",
        "K8SPACKET_API_RETRY_AFTER_SECONDS", "K8SPACKET_API_TOKEN", "K8SPACKET_API_TOKEN_FILE",
        "K8SPACKET_API_CORS_ORIGINS", "K8SPACKET_API_MAX_HEADER_BYTES", "K8SPACKET_API_QUERY_TIMEOUT_MS",
        "K8SPACKET_API_MAX_THREADS", "K8SPACKET_API_MAX_CONNECTIONS", "K8SPACKET_API_PEER_TIMEOUT_MS");
    assertThat(QueryApiConfig.settings()).allSatisfy(s -> assertThat(s.doc()).isNotBlank());
    assertThat(QueryApiConfig.settings()).filteredOn(s -> s.defaultValue().isEmpty())
        .extracting(QueryApiConfig.Setting::name)
        .containsExactly("K8SPACKET_API_TOKEN", "K8SPACKET_API_TOKEN_FILE");
  }
}
