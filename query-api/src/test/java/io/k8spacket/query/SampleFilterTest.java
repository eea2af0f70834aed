package io.k8spacket.query;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.NODE_1;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

class SampleFilterTest {
  private static final EdgeSample FE_TO_WEB = sample(0, FE_1, WEB_1, 1, 0, 1, 1, 1, 1);
  private static final EdgeSample WEB_TO_DNS = sample(0, WEB_1, DNS, 1, 0, 1, 1, 1, 1);
  private static final EdgeSample NODE_TO_EXTERNAL = sample(0, NODE_1, EXTERNAL, 1, 0, 1, 1, 1, 1);

  private static SampleFilter namespace(String re) {
    return new SampleFilter(Pattern.compile(re), null, null);
  }

  private static SampleFilter include(String re) {
    return new SampleFilter(null, Pattern.compile(re), null);
  }

  private static SampleFilter exclude(String re) {
    return new SampleFilter(null, null, Pattern.compile(re));
  }

  @Test
  void no_filter_keeps_everything() {
    assertThat(SampleFilter.NONE.test(FE_TO_WEB)).isTrue();
    assertThat(SampleFilter.NONE.test(NODE_TO_EXTERNAL)).isTrue();
  }

  @Test
  void namespace_matches_client_or_server_namespace_unanchored() {
    assertThat(namespace("kube").test(WEB_TO_DNS)).isTrue();
    assertThat(namespace("kube").test(FE_TO_WEB)).isFalse();
    assertThat(namespace("ho").test(FE_TO_WEB)).isTrue();
    assertThat(namespace("^shop$").test(WEB_TO_DNS)).isTrue();
    assertThat(namespace("^hop").test(FE_TO_WEB)).isFalse();
  }

  @Test
  void a_missing_namespace_matches_as_the_empty_string_like_the_original() {
    assertThat(namespace("^$").test(NODE_TO_EXTERNAL)).isTrue();
    assertThat(namespace("^$").test(FE_TO_WEB)).isFalse();
  }

  @Test
  void include_matches_ip_name_or_workload_of_either_end() {
    assertThat(include("10\\.0\\.1\\.").test(FE_TO_WEB)).isTrue();
    assertThat(include("7d9f-a1").test(FE_TO_WEB)).isTrue();
    assertThat(include("worker-1").test(NODE_TO_EXTERNAL)).isTrue();
    assertThat(include("coredns").test(FE_TO_WEB)).isFalse();
    EndpointView db = Fixtures.pod("10.0.3.3", "shop", "db-0", "database");
    assertThat(include("database").test(sample(0, FE_1, db, 1, 0, 1, 1, 1, 1))).isTrue();
  }

  @Test
  void include_does_not_look_at_namespaces() {
    assertThat(include("kube-system").test(WEB_TO_DNS)).isFalse();
  }

  @Test
  void exclude_drops_when_any_identity_matches() {
    assertThat(exclude("coredns").test(WEB_TO_DNS)).isFalse();
    assertThat(exclude("^10\\.0\\.0\\.1$").test(FE_TO_WEB)).isFalse();
    assertThat(exclude("coredns").test(FE_TO_WEB)).isTrue();
  }

  @Test
  void all_three_filters_must_pass() {
    SampleFilter all = new SampleFilter(Pattern.compile("shop"), Pattern.compile("web"), Pattern.compile("dns"));
    assertThat(all.test(FE_TO_WEB)).isTrue();
    assertThat(all.test(WEB_TO_DNS)).isFalse();
  }

  @Test
  void include_and_exclude_also_match_the_service_name_and_namespace_the_service_namespace() {
    EndpointView checkout = Fixtures.service("10.96.0.30", "edge", "checkout");
    EdgeSample viaCheckout = Fixtures.through(checkout, FE_TO_WEB);

    assertThat(include("^checkout$").test(viaCheckout)).isTrue();
    assertThat(include("^checkout$").test(FE_TO_WEB)).isFalse();
    assertThat(exclude("^checkout$").test(viaCheckout)).isFalse();
    assertThat(exclude("^checkout$").test(FE_TO_WEB)).isTrue();
    assertThat(namespace("^edge$").test(viaCheckout)).isTrue();
    assertThat(namespace("^edge$").test(FE_TO_WEB)).isFalse();
  }
}
