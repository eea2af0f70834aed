package io.k8spacket.query.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.query.QueryContext;
import io.k8spacket.query.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FanOutTest {
  private static final Share LOCAL = new Share("10.0.0.1:6676", true, Set.of(0, 3));
  private static final Share B = new Share("10.0.0.2:6676", false, Set.of(1));
  private static final Share C = new Share("[fd00::3]:6676", false, Set.of(2, 4));

  private final List<String> asked = new CopyOnWriteArrayList<>();

  @Test
  void the_shares_of_every_instance_are_concatenated_each_read_once() {
    QueryContext context = QueryContext.forCaller("Bearer t");

    List<String> all = FanOut.gather(List.of(LOCAL, B, C), parts -> List.of("local " + parts),
        (share, ctx) -> answer(share, ctx), context);

    assertThat(all).containsExactlyInAnyOrder("local [0, 3]", "10.0.0.2:6676 [1]", "[fd00::3]:6676 [2, 4]");
    assertThat(asked).containsExactlyInAnyOrder("10.0.0.2:6676 Bearer t", "[fd00::3]:6676 Bearer t");
    assertThat(context.complete()).isTrue();
  }

  @Test
  void a_failing_peer_is_left_out_and_named_in_the_context() {
    QueryContext context = QueryContext.anonymous();

    List<String> all = FanOut.gather(List.of(LOCAL, B, C), parts -> List.of("local " + parts),
        (share, ctx) -> share == B ? CompletableFuture.failedFuture(new PeerUnavailableException(share.peer(),
            "timeout", "peer 10.0.0.2:6676 timed out after 2000 ms", null)) : answer(share, ctx), context);

    assertThat(all).containsExactlyInAnyOrder("local [0, 3]", "[fd00::3]:6676 [2, 4]");
    assertThat(context.missingParts()).containsExactly("peer 10.0.0.2:6676 timed out after 2000 ms");
  }

  @Test
  void a_peer_that_failed_earlier_in_the_query_is_not_asked_again() {
    QueryContext context = QueryContext.anonymous();
    context.peerMissing(B.peer(), "peer 10.0.0.2:6676 timed out after 2000 ms");

    List<String> all = FanOut.gather(List.of(LOCAL, B, C), parts -> List.of("local " + parts), this::answer,
        context);

    assertThat(all).containsExactlyInAnyOrder("local [0, 3]", "[fd00::3]:6676 [2, 4]");
    assertThat(asked).containsExactly("[fd00::3]:6676 -");
    assertThat(context.missingParts()).containsExactly("peer 10.0.0.2:6676 timed out after 2000 ms");
  }

  @Test
  void an_unexpected_peer_failure_is_named_too() {
    QueryContext context = QueryContext.anonymous();

    FanOut.gather(List.of(B), parts -> List.of(), (share, ctx) -> CompletableFuture.<List<String>>failedFuture(
        new IllegalStateException("boom")), context);

    assertThat(context.missingParts()).containsExactly("peer 10.0.0.2:6676 failed: java.lang.IllegalStateException:"
        + " boom");
  }

  @Test
  void a_local_failure_fails_the_read_and_cancels_the_peers() {
    List<CompletableFuture<List<String>>> pending = new ArrayList<>();

    assertThatThrownBy(() -> FanOut.gather(List.of(B, LOCAL), parts -> {
      throw new StoreUnavailableException("rebalancing", null);
    }, (share, ctx) -> {
      CompletableFuture<List<String>> never = new CompletableFuture<>();
      pending.add(never);
      return never;
    }, QueryContext.anonymous())).isInstanceOf(StoreUnavailableException.class);

    assertThat(pending).hasSize(1).allSatisfy(f -> assertThat(f).isCancelled());
  }

  @Test
  void a_single_local_share_needs_no_peer() {
    List<String> all = FanOut.gather(List.of(LOCAL), parts -> List.of("local"), (share, ctx) -> {
      throw new AssertionError("no peer to ask");
    }, QueryContext.anonymous());

    assertThat(all).containsExactly("local");
  }

  @Test
  void a_share_lists_its_partitions_sorted_for_the_internal_endpoints() {
    assertThat(new Share("h:1", false, Set.of(5, 0, 2)).partitionList()).isEqualTo("0,2,5");
    assertThatThrownBy(() -> new Share("h:1", false, Set.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(Map.of(LOCAL, 1)).containsKey(new Share("10.0.0.1:6676", true, Set.of(3, 0)));
  }

  private CompletableFuture<List<String>> answer(Share share, QueryContext context) {
    asked.add(share.peer() + " " + context.authorization().orElse("-"));
    return CompletableFuture.supplyAsync(() -> List.of(share.peer() + " " + share.partitions()));
  }
}
