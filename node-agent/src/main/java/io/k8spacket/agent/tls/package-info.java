/**
 * TLS handshakes from kernel chunks to Avro {@code TlsHandshakeEvent}s: reassembly, parsing, JA4, emission, and
 * the opt-in active fetch of TLS 1.3 chains.
 *
 * <h2>What is reassembled</h2>
 * The TC program copies, per direction of a TCP connection, the payload from the first segment that starts a
 * handshake record carrying a ClientHello or ServerHello, up to the first non-handshake record; each chunk comes
 * with the TCP sequence number of its first byte ({@link io.k8spacket.agent.tls.TlsSegment}). Chunks repeat (two
 * interfaces, retransmissions), overlap, arrive out of order (several CPUs) and their sequence numbers wrap at
 * 2^32. {@link io.k8spacket.agent.tls.TlsAssembler} keys connections by both endpoints in a fixed order, so the
 * two directions meet; the side that sends the ClientHello is the client. Each direction
 * ({@code DirectionStream}) is anchored at the first chunk that starts a hello record (bytes 0-2 and 5, as the
 * kernel checks; when the chunk holds the message's 24-bit length it must be 38 bytes to the direction bound);
 * chunks seen before the anchor wait and are placed once it arrives. Bytes go into one array by their distance
 * from the anchor modulo 2^32, so duplicates and overlaps simply land on the same bytes (first copy wins for
 * bytes already contiguous) and a bitmap tells where the contiguous prefix ends. Complete records at the front
 * are de-framed in place, complete handshake messages cut out: records split over chunks, messages split over
 * records and several messages in one record all look the same to the parsers.
 *
 * <h2>Bounds</h2>
 * Per direction at most {@code K8SPACKET_AGENT_TLS_MAX_DIRECTION_BYTES} (64 KiB) stream bytes: the array grows by
 * doubling from 2 KiB, plus a bitmap of an eighth of it; a record or message that cannot fit ends the direction
 * (counted as dropped bytes) and the handshake is emitted with what was read. In total at most
 * {@code K8SPACKET_AGENT_TLS_MAX_TOTAL_BYTES} (32 MiB) of arrays, bitmaps and waiting chunks: before growing,
 * the oldest other unfinished connections are evicted ({@code flowsEvicted}); at most
 * {@code K8SPACKET_AGENT_TLS_MAX_FLOWS} (20000) connections, oldest out first. A finished connection gives its
 * bytes back at once and keeps only its key for one more timeout, to swallow late retransmissions. The parsed
 * hellos and certificate summaries are small and not counted. Parse errors never escape: each is counted by
 * {@link io.k8spacket.agent.tls.ParseErrorKind} and ends the direction it happened in.
 *
 * <h2>Emission</h2>
 * One event of kind HANDSHAKE per handshake, when both directions are done: the client's after its ClientHello;
 * the server's after a TLS 1.3 ServerHello (everything after it is encrypted), or for TLS &le; 1.2 after the
 * Certificate message, a ServerHelloDone or the first non-handshake record (resumption), whichever comes first.
 * A HelloRetryRequest is skipped, with the ChangeCipherSpec that may follow it, and the real ServerHello
 * awaited; the first ClientHello is the one reported. {@code K8SPACKET_AGENT_TLS_HANDSHAKE_TIMEOUT_MS} (5 s)
 * after a connection's first chunk (by its capture time) whatever was parsed is emitted (a ClientHello alone
 * gives {@code serverHello} null); a connection with no parseable hello is dropped and counted
 * ({@code flowsAbandoned}). {@code observedAtNs} is the capture time of the earlier hello chunk;
 * {@code certificateSource} is HANDSHAKE when at least one certificate was read, else NONE. A certificate that
 * does not parse is counted (X509) and the rest of the chain kept; summaries are cached by SHA-256 of the DER.
 *
 * <h2>JA4</h2>
 * {@link io.k8spacket.agent.tls.Ja4} implements FoxIO's published JA4 TLS client algorithm for TLS over TCP with
 * no deviation: version from the highest supported_versions entry, SNI {@code d}/{@code i}, counts capped at 99,
 * ALPN first/last character (hex digits when not alphanumeric), SHA-256 prefixes of the sorted cipher list and of
 * the sorted extensions without SNI and ALPN followed by {@code _} and the signature algorithms in wire order,
 * {@code 000000000000} for empty lists, GREASE ignored everywhere. (The third part is one hash over extensions
 * and signature algorithms together, as the specification's worked example shows.)
 *
 * <h2>Active fetch (opt-in)</h2>
 * With {@code K8SPACKET_AGENT_TLS_ACTIVE_FETCH=true}, after a TLS 1.3 handshake with SNI,
 * {@link io.k8spacket.agent.tls.CertificateFetcher} connects to (server IP, port) with that SNI, trusting any
 * chain, at most once per (server, port, SNI) per {@code FETCH_PERIOD_S} (3600 s; 10,000 endpoints remembered),
 * on two daemon threads with 64 queued, connect and read timeout {@code FETCH_TIMEOUT_MS} (2 s). Results come
 * back through a queue drained in {@code expire} on the reader thread and go out as CERTIFICATE_FETCH events
 * (certificateSource ACTIVE_FETCH, clientIp "", clientPort 0, the SNI in serverName). A failure is one log line
 * and a counter.
 *
 * <h2>Known limits</h2>
 * A chunk that begins with a record whose first payload byte is 1 or 2 (and, if visible, a plausible length)
 * and arrives before the real start is taken as the start: the kernel's detection has the same ambiguity, and
 * real stacks write records far larger than the few bytes this needs. SSLv2-format hellos, QUIC and ECH's inner
 * hello are not parsed.
 */
package io.k8spacket.agent.tls;
