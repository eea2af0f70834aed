package io.k8spacket.agent.tls;

import java.util.List;

/**
 * One TCP connection's handshake: its two {@link DirectionStream}s and what was parsed from them. The side that
 * sends a ClientHello is the client (or, if only a ServerHello is seen, the other side). The client direction is
 * done after its ClientHello; the server direction after a TLS 1.3 ServerHello (all that follows is encrypted), or
 * for TLS ≤ 1.2 after the Certificate message, a ServerHelloDone or the first non-handshake record. A
 * HelloRetryRequest is skipped (with the ChangeCipherSpec that may follow it) and the real ServerHello awaited.
 * The flow is complete when both directions are done; the assembler then emits it.
 */
final class TlsFlow {
  /** What a flow needs from its assembler. */
  interface Context {
    CertificateParser certificates();

    void parseError(ParseErrorKind kind, int count);
  }

  final ConnectionKey key;
  final long firstSeenNs;
  private final DirectionStream[] directions = new DirectionStream[2];
  private final Context context;

  private int clientDirection = -1;
  private ClientHelloInfo clientHello;
  private ServerHelloInfo serverHello;
  private List<CertificateSummary> certificates = List.of();
  private boolean chainRead;
  private boolean awaitingRealServerHello;
  private boolean finished;

  TlsFlow(ConnectionKey key, long firstSeenNs, int maxDirectionBytes, DirectionStream.Budget budget,
          DirectionStream.Tally tally, Context context) {
    this.key = key;
    this.firstSeenNs = firstSeenNs;
    this.context = context;
    directions[0] = new DirectionStream(maxDirectionBytes, budget, tally);
    directions[1] = new DirectionStream(maxDirectionBytes, budget, tally);
  }

  /** Adds a chunk of direction {@code direction} and parses whatever became complete. */
  void add(int direction, TlsSegment segment) {
    DirectionStream stream = directions[direction];
    stream.add(segment.seq(), segment.payload(), segment.capturedAtNs());
    stream.drain(new DirectionHandler(direction));
  }

  /** Both directions done (nothing more to learn), or the flow was closed. */
  boolean complete() {
    return finished || clientDirection >= 0 && directions[0].ended() && directions[1].ended();
  }

  boolean hasHello() {
    return clientHello != null || serverHello != null;
  }

  /** Finished flows keep their key (to absorb late retransmissions) but no bytes. */
  void finish() {
    finished = true;
    directions[0].end();
    directions[1].end();
  }

  boolean finished() {
    return finished;
  }

  long heldBytes() {
    return directions[0].heldBytes() + directions[1].heldBytes();
  }

  /** The client's endpoint index in {@link #key}; 0 when unknown (only used once a hello was parsed). */
  int clientEndpoint() {
    return Math.max(clientDirection, 0);
  }

  ClientHelloInfo clientHello() {
    return clientHello;
  }

  ServerHelloInfo serverHello() {
    return serverHello;
  }

  List<CertificateSummary> certificates() {
    return certificates;
  }

  boolean chainRead() {
    return chainRead;
  }

  /** Wall clock of the first handshake byte: the earlier anchor of the two directions. */
  long observedAtNs() {
    long observed = Long.MAX_VALUE;
    for (DirectionStream stream : directions) {
      if (stream.anchored()) {
        observed = Math.min(observed, stream.anchorCapturedNs());
      }
    }
    return observed == Long.MAX_VALUE ? firstSeenNs : observed;
  }

  private final class DirectionHandler implements DirectionStream.Handler {
    private final int direction;

    DirectionHandler(int direction) {
      this.direction = direction;
    }

    @Override
    public boolean onMessage(int type, byte[] bytes, int offset, int length) {
      try {
        return switch (type) {
          case TlsCodes.HS_CLIENT_HELLO -> clientHello(bytes, offset, length);
          case TlsCodes.HS_SERVER_HELLO -> serverHello(bytes, offset, length);
          case TlsCodes.HS_CERTIFICATE -> certificate(bytes, offset, length);
          case TlsCodes.HS_SERVER_HELLO_DONE -> serverHello == null ? unexpected() : false;
          default -> serverHello != null; // ServerKeyExchange, CertificateStatus, ...: read on
        };
      } catch (TlsParseException e) {
        context.parseError(e.kind(), 1);
        return false;
      }
    }

    private boolean clientHello(byte[] bytes, int offset, int length) throws TlsParseException {
      if (clientHello != null || clientDirection >= 0 && clientDirection != direction) {
        return unexpected();
      }
      clientDirection = direction;
      clientHello = ClientHelloParser.parse(bytes, offset, length);
      return false; // the rest of the client's side tells us nothing more
    }

    private boolean serverHello(byte[] bytes, int offset, int length) throws TlsParseException {
      if (serverHello != null || clientDirection == direction) {
        return unexpected();
      }
      clientDirection = 1 - direction;
      ServerHelloInfo hello = ServerHelloParser.parse(bytes, offset, length);
      if (hello.helloRetryRequest()) {
        awaitingRealServerHello = true;
        return true;
      }
      awaitingRealServerHello = false;
      serverHello = hello;
      return !hello.isTls13(); // TLS 1.3 encrypts everything after this
    }

    private boolean certificate(byte[] bytes, int offset, int length) throws TlsParseException {
      if (serverHello == null || direction == clientDirection) {
        return unexpected();
      }
      CertificateParser.Chain chain = context.certificates().parseMessage(bytes, offset, length);
      if (chain.rejected() > 0) {
        context.parseError(ParseErrorKind.X509, chain.rejected());
      }
      certificates = chain.certificates();
      chainRead = !certificates.isEmpty();
      return false;
    }

    private boolean unexpected() {
      context.parseError(ParseErrorKind.HANDSHAKE_MESSAGE, 1);
      return false;
    }

    @Override
    public boolean onOtherRecord(int contentType) {
      return contentType == TlsCodes.RECORD_CHANGE_CIPHER_SPEC && awaitingRealServerHello
          && direction != clientDirection;
    }

    @Override
    public void onError(ParseErrorKind kind) {
      context.parseError(kind, 1);
    }
  }
}
