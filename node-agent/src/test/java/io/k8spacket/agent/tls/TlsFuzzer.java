package io.k8spacket.agent.tls;

import io.k8spacket.agent.tls.Chunks.Side;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded mutator of recorded handshakes (bit flips, truncation, length-field corruption, splicing) that feeds
 * the results, cut into chunks and sometimes disordered, through one {@link TlsAssembler} and checks after every
 * chunk that nothing escaped and the held bytes stayed within the bound.
 */
final class TlsFuzzer {
  /** What a run did. */
  record Result(long handshakes, long segments, long bytes, long events, long maxBytesHeld, double seconds,
                TlsAssemblerStats stats) {
    String summary() {
      return String.format("%,d mutated handshakes, %,d chunks, %,.1f MB in %.1f s: %,.0f handshakes/s,"
              + " %,.0f chunks/s, %,.1f MB/s; %,d events; max held %,d bytes; %s", handshakes, segments,
          bytes / 1e6, seconds, handshakes / seconds, segments / seconds, bytes / 1e6 / seconds, events,
          maxBytesHeld, stats);
    }
  }

  static final TlsAssemblerConfig CONFIG = new TlsAssemblerConfig(16384, 256L << 10, 1024, Duration.ofSeconds(5),
      false, Duration.ofHours(1), Duration.ofSeconds(2));

  private final List<byte[][]> corpus = new ArrayList<>();
  private final List<byte[]> streams = new ArrayList<>();

  TlsFuzzer() {
    for (TestHandshakes.Recorded recorded : List.of(TestHandshakes.tls12(), TestHandshakes.tls13())) {
      byte[] client = TestHandshakes.kernelView(recorded.client());
      byte[] server = TestHandshakes.kernelView(recorded.server());
      corpus.add(new byte[][] {client, server});
      corpus.add(new byte[][] {TestHandshakes.reframe(client, 100), TestHandshakes.reframe(server, 300)});
    }
    List<Integer> suites = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      suites.add(0x1300 + i);
    }
    byte[] bigHello = HelloBuilder.records(16384, HelloBuilder.clientHello(0x0303, suites,
        HelloBuilder.supportedVersions(List.of(0x0304, 0x0303)), HelloBuilder.keyShare(0x11ec, 1216),
        HelloBuilder.sni("fuzz.example"), HelloBuilder.alpn("h2")));
    byte[] retry = HelloBuilder.concat(HelloBuilder.records(16384, HelloBuilder.serverHello(
        TlsCodes.HELLO_RETRY_REQUEST_RANDOM, 0x0303, 0x1301, HelloBuilder.selectedVersion(0x0304))),
        HelloBuilder.changeCipherSpec(), HelloBuilder.records(16384, HelloBuilder.serverHello(new byte[32], 0x0303,
            0x1301, HelloBuilder.selectedVersion(0x0304))));
    corpus.add(new byte[][] {bigHello, retry});
    for (byte[][] pair : corpus) {
      streams.add(pair[0]);
      streams.add(pair[1]);
    }
  }

  Result run(long iterations, long seed) throws Exception {
    Random random = new Random(seed);
    long[] events = new long[1];
    TlsAssembler assembler = new TlsAssembler(CONFIG, "fuzz", event -> events[0]++);
    long now = TlsAssemblerTest.T0;
    long segments = 0;
    long bytes = 0;
    long maxHeld = 0;
    long started = System.nanoTime();
    for (long i = 0; i < iterations; i++) {
      byte[][] pair = corpus.get(random.nextInt(corpus.size()));
      byte[] client = random.nextInt(3) == 0 ? pair[0] : mutate(pair[0], random);
      byte[] server = random.nextInt(3) == 0 && client != pair[0] ? pair[1] : mutate(pair[1], random);
      Side c = new Side(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 16), (byte) (i >> 8)}),
          1024 + (int) (i & 0xff) * 200);
      Side s = new Side(InetAddress.getByAddress(new byte[] {10, 2, 0, (byte) random.nextInt(4)}), 443);
      long clientIsn = random.nextLong() & 0xffff_ffffL;
      long serverIsn = random.nextBoolean() ? (1L << 32) - random.nextInt(4000) : random.nextLong() & 0xffff_ffffL;
      List<TlsSegment> chunks;
      if (random.nextInt(4) == 0) {
        int maxSize = 1 + random.nextInt(1500);
        chunks = Chunks.interleave(Chunks.disordered(client, clientIsn, c, s, now, maxSize, random),
            Chunks.disordered(server, serverIsn, s, c, now, maxSize, random), random);
      } else {
        int size = 64 + random.nextInt(1448);
        chunks = new ArrayList<>(Chunks.inOrder(client, clientIsn, c, s, now, size));
        chunks.addAll(Chunks.inOrder(server, serverIsn, s, c, now, size));
      }
      for (TlsSegment chunk : chunks) {
        assembler.accept(chunk);
        long held = assembler.bytesHeld();
        if (held > CONFIG.maxTotalBytes() || held < 0) {
          throw new AssertionError("held " + held + " bytes at iteration " + i + " (seed " + seed + ")");
        }
        maxHeld = Math.max(maxHeld, held);
        bytes += chunk.payload().length;
      }
      segments += chunks.size();
      now += 1_000_000; // 1 ms of wall clock per handshake
      assembler.expire(now);
    }
    assembler.expire(now + 2 * CONFIG.handshakeTimeout().toNanos());
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(iterations, segments, bytes, events[0], maxHeld, seconds, assembler.stats());
  }

  /** One to three mutations of a copy of {@code stream}. */
  byte[] mutate(byte[] stream, Random random) {
    byte[] bytes = stream.clone();
    int count = 1 + random.nextInt(3);
    for (int m = 0; m < count && bytes.length > 0; m++) {
      switch (random.nextInt(4)) {
        case 0 -> { // bit flips
          for (int f = 1 + random.nextInt(8); f > 0; f--) {
            int at = random.nextInt(bytes.length);
            bytes[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncation
        case 2 -> corruptLength(bytes, random);
        default -> bytes = splice(bytes, streams.get(random.nextInt(streams.size())), random);
      }
    }
    return bytes;
  }

  /** Writes an extreme or random value over a 1-, 2- or 3-byte field, near the front more often. */
  private static void corruptLength(byte[] bytes, Random random) {
    int at = random.nextBoolean() ? random.nextInt(Math.min(bytes.length, 64)) : random.nextInt(bytes.length);
    int width = 1 + random.nextInt(3);
    int value = switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> -1; // all ones
      case 2 -> random.nextInt(64);
      case 3 -> (1 << (8 * width - 1)) + random.nextInt(3) - 1;
      default -> random.nextInt();
    };
    for (int b = 0; b < width && at + b < bytes.length; b++) {
      bytes[at + b] = (byte) (value >> (8 * (width - 1 - b)));
    }
  }

  /** Replaces or inserts a slice of another stream at a random point. */
  private static byte[] splice(byte[] bytes, byte[] other, Random random) {
    int from = random.nextInt(other.length);
    int length = random.nextInt(Math.min(other.length - from, 2000) + 1);
    int at = random.nextInt(bytes.length + 1);
    int replaced = random.nextBoolean() ? Math.min(bytes.length - at, length) : 0;
    byte[] out = new byte[bytes.length - replaced + length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(other, from, out, at, length);
    System.arraycopy(bytes, at + replaced, out, at + length, bytes.length - at - replaced);
    return out;
  }
}
