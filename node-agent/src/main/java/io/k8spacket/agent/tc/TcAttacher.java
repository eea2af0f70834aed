package io.k8spacket.agent.tc;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Attaches the TLS programs to both hooks (ingress and egress) of one interface. Implementations: TCX links
 * ({@link TcxAttacher}, kernel 6.6+), clsact filters ({@link ClsactAttacher}), and the choice between them
 * ({@link AutoAttacher}).
 */
public interface TcAttacher {
  /** Detaches what one {@link #attach} attached; idempotent, never throws (the interface may be gone). */
  interface Attachment {
    void detach();

    /** An attachment that runs {@code detach} on its first {@link #detach()} only. */
    static Attachment once(Runnable detach) {
      AtomicBoolean attached = new AtomicBoolean(true);
      return () -> {
        if (attached.getAndSet(false)) {
          detach.run();
        }
      };
    }
  }

  /**
   * Attaches to {@code iface}, whose link type has a program variant.
   *
   * @throws AttachException when the kernel refuses; nothing stays attached then
   */
  Attachment attach(NetInterface iface);

  /** Short description for logs: {@code tcx} or {@code tc clsact}. */
  String kind();

  /** The kernel refused an attach; {@code errno} is positive. */
  final class AttachException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public AttachException(String message, int errno) {
      super(message);
      this.errno = errno;
    }

    public int errno() {
      return errno;
    }
  }
}
