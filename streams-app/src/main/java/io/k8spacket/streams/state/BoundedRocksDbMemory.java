package io.k8spacket.streams.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB instance of the process (each store, each partition, each window segment) under one memory
 * budget: one block cache shared by all, index and filter blocks counted in it, and memtables charged to it
 * through a shared write buffer manager. Without it each instance gets its own 50 MiB block cache and 48 MiB of
 * memtables (Kafka Streams' defaults), and the window stores alone have dozens of instances per partition
 * ({@code WindowSegments}).
 *
 * <p>Kafka Streams creates config setters by class name, so the budget comes from the streams config
 * ({@value #BUDGET_CONFIG}, bytes) and the shared cache is made once per process, by the first store opened.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
  /** Streams config key: the process's RocksDB memory budget in bytes (block cache and memtables together). */
  public static final String BUDGET_CONFIG = "k8spacket.rocksdb.memory.bytes";
  /** Share of the budget memtables may take. */
  static final double MEMTABLE_SHARE = 0.25;

  private static Shared shared;

  /** The cache and write buffer manager every instance of the process uses. */
  record Shared(long budgetBytes, Cache cache, WriteBufferManager writeBuffers) {}

  /** The process's shared budget, made on first use with {@code budgetBytes}. */
  static synchronized Shared shared(long budgetBytes) {
    if (shared == null) {
      Cache cache = new LRUCache(budgetBytes, -1, false, 0.1);
      shared = new Shared(budgetBytes, cache, new WriteBufferManager((long) (budgetBytes * MEMTABLE_SHARE), cache));
    }
    return shared;
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object budget = configs.get(BUDGET_CONFIG);
    if (budget == null) {
      throw new IllegalStateException(BUDGET_CONFIG + " is not set: the streams config names this setter without"
          + " a budget");
    }
    Shared s = shared(Long.parseLong(budget.toString()));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(s.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(s.writeBuffers());
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and write buffer manager are shared by every store of the process: not closed with one of them
  }
}
