package io.k8spacket.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {
  static {
    RocksDB.loadLibrary();
  }

  @Test
  void every_store_gets_the_one_shared_cache_with_index_and_filter_blocks_in_it() {
    BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
    Map<String, Object> configs = Map.of(BoundedRocksDbMemory.BUDGET_CONFIG, "67108864");
    try (Options a = new Options(); Options b = new Options()) {
      a.setTableFormatConfig(new BlockBasedTableConfig());
      b.setTableFormatConfig(new BlockBasedTableConfig());

      setter.setConfig("edge-stats.1700000000000", a, configs);
      setter.setConfig("count-once", b, configs);

      BlockBasedTableConfig table = (BlockBasedTableConfig) a.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
      // made once per process, by the first store configured (in this JVM, maybe another test's)
      BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(1);
      assertThat(shared.budgetBytes()).isGreaterThan(1);
      assertThat(BoundedRocksDbMemory.shared(2)).isSameAs(shared);
      setter.close("count-once", b);
      assertThat(shared.cache().isOwningHandle()).as("a store's close leaves the shared cache open").isTrue();
    }
  }

  @Test
  void a_config_without_a_budget_is_refused_with_the_key_it_needs() {
    try (Options o = new Options()) {
      assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("s", o, Map.of()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining(BoundedRocksDbMemory.BUDGET_CONFIG);
    }
  }
}
