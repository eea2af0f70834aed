package io.k8spacket.streams.topology;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.NamedTlsHandshake;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The step that names servers still named by IP (no metadata, no SNI) by their cached PTR name. The cache is
 * the process's {@link ReverseDnsCache} under {@link ReverseDnsCache#CONFIG} in the streams properties; without
 * one (reverse DNS off, the default) the step passes records through. It only reads the cache, which never
 * blocks: lookups run on the cache's own threads.
 */
final class ReverseDnsNaming {
  private ReverseDnsNaming() {}

  /** For connections. */
  static FixedKeyProcessorSupplier<String, Connection, Connection> connections() {
    return () -> new Step<>(Connection::getServer,
        (c, server) -> Connection.newBuilder(c).setServer(server).build());
  }

  /** For TLS handshakes. */
  static FixedKeyProcessorSupplier<String, NamedTlsHandshake, NamedTlsHandshake> handshakes() {
    return () -> new Step<>(NamedTlsHandshake::getServer,
        (h, server) -> NamedTlsHandshake.newBuilder(h).setServer(server).build());
  }

  private static final class Step<V> implements FixedKeyProcessor<String, V, V> {
    private final Function<V, Endpoint> server;
    private final BiFunction<V, Endpoint, V> withServer;
    private FixedKeyProcessorContext<String, V> context;
    private ReverseDnsCache cache;

    Step(Function<V, Endpoint> server, BiFunction<V, Endpoint, V> withServer) {
      this.server = server;
      this.withServer = withServer;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
      this.context = context;
      this.cache = context.appConfigs().get(ReverseDnsCache.CONFIG) instanceof ReverseDnsCache c ? c : null;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      V value = record.value();
      if (cache == null || value == null || !Enrichment.namedByIp(server.apply(value))) {
        context.forward(record);
        return;
      }
      String ip = server.apply(value).getIp();
      Optional<String> ptr = cache.name(ip);
      context.forward(ptr.isEmpty() ? record
          : record.withValue(withServer.apply(value, Enrichment.external(ip, ptr.get()))));
    }
  }
}
