package io.k8spacket.agent.tc;

import com.sun.jna.Native;
import io.k8spacket.agent.bpf.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * Counts the tc filters on one clsact hook of an interface with the rtnetlink dump that {@code tc filter show dev X
 * ingress} sends ({@code RTM_GETTFILTER}). {@link ClsactAttacher} uses it to destroy a clsact qdisc that it created
 * only when no one else has since put a filter on it.
 *
 * <p>The dump (seen on kernel 6.18) for {@code tc filter add dev X ingress prio 7 handle 7 bpf bytecode '1,6 0 0 0,'}
 * has two {@code RTM_NEWTFILTER} messages, both with {@code TCA_KIND "bpf"}, {@code TCA_CHAIN 0} and {@code tcm_info
 * = 7 << 16 | htons(ETH_P_ALL)}. The first is the filter head, with handle 0 and no {@code TCA_OPTIONS}; tc prints it
 * as {@code filter protocol all pref 7 bpf chain 0}. The second is the filter itself, with handle 7 and its options.
 * So a message with a non-zero handle counts as one filter per distinct (chain, tcm_info, handle). A head with no
 * filter under it counts as one too, to be safe; this was not observed, because the kernel drops a head together
 * with its last filter. An interface without a clsact qdisc, or one that no longer exists, dumps nothing.
 */
public final class RtnetlinkFilters {
  /** {@code TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)}. */
  public static final int INGRESS = 0xFFFFFFF2;
  /** {@code TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)}. */
  public static final int EGRESS = 0xFFFFFFF3;

  private static final int NLMSG_HDRLEN = 16;
  private static final int TCMSG_LEN = 20;
  private static final short NLMSG_ERROR = 2;
  private static final short NLMSG_DONE = 3;
  private static final short RTM_NEWTFILTER = 44;
  private static final short RTM_GETTFILTER = 46;
  private static final short NLM_F_REQUEST = 1;
  private static final short NLM_F_DUMP = 0x300;
  private static final short NLM_F_DUMP_INTR = 0x10;
  private static final int TCA_CHAIN = 11;
  private static final int NLA_TYPE_MASK = 0x3fff;
  private static final int EINTR = 4;
  private static final int SEQ = 1;
  /** More than the 32 KiB a kernel puts in one dump message batch. */
  private static final int BUFFER = 64 * 1024;
  private static final int RECEIVE_TIMEOUT_SECONDS = 5;

  private RtnetlinkFilters() {}

  /**
   * The number of filters on hook {@code parent} ({@link #INGRESS} or {@link #EGRESS}) of interface {@code ifindex};
   * throws when the kernel's answer is an error, malformed or late. Callers must treat that as "not empty".
   */
  public static int count(int ifindex, int parent) throws IOException {
    LibC libc = LibC.INSTANCE;
    int fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
    if (fd < 0) {
      throw failure("socket", Native.getLastError());
    }
    try {
      long[] timeout = {RECEIVE_TIMEOUT_SECONDS, 0}; // struct timeval
      if (libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, 16) < 0) {
        throw failure("setsockopt", Native.getLastError());
      }
      byte[] request = request(ifindex, parent);
      if (libc.send(fd, request, request.length, 0) != request.length) {
        throw failure("send", Native.getLastError());
      }
      Dump dump = new Dump();
      byte[] buffer = new byte[BUFFER];
      while (!dump.done) {
        long n = libc.recv(fd, buffer, buffer.length, 0);
        if (n < 0 && Native.getLastError() == EINTR) {
          continue;
        }
        if (n < 0) {
          throw failure("recv", Native.getLastError());
        }
        if (n == 0) {
          throw new IOException("rtnetlink filter dump: socket closed");
        }
        dump.accept(ByteBuffer.wrap(buffer, 0, (int) n).order(ByteOrder.nativeOrder()));
      }
      return dump.count();
    } finally {
      libc.close(fd);
    }
  }

  /** {@code struct nlmsghdr} then {@code struct tcmsg}: dump the filters of {@code parent} on {@code ifindex}. */
  static byte[] request(int ifindex, int parent) {
    ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + TCMSG_LEN).order(ByteOrder.nativeOrder());
    b.putInt(NLMSG_HDRLEN + TCMSG_LEN).putShort(RTM_GETTFILTER).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
        .putInt(SEQ).putInt(0); // nlmsg_pid 0: to the kernel
    b.put((byte) 0).put((byte) 0).putShort((short) 0); // tcm_family AF_UNSPEC, tcm__pad1, tcm__pad2
    b.putInt(ifindex).putInt(0).putInt(parent).putInt(0); // tcm_ifindex, tcm_handle, tcm_parent, tcm_info
    return b.array();
  }

  private static IOException failure(String call, int errno) {
    return new IOException("rtnetlink filter dump: " + call + ": " + LibC.INSTANCE.strerror(errno) + " (errno "
        + errno + ")");
  }

  /** The replies to one dump request, fed as received; several messages per buffer, each 4-byte aligned. */
  static final class Dump {
    private record Filter(int chain, int info, int handle) {}

    private final Set<Filter> filters = new HashSet<>();
    private final Set<Filter> heads = new HashSet<>();
    boolean done;

    /** Reads the messages in {@code b} (native byte order) up to {@code NLMSG_DONE}. */
    void accept(ByteBuffer b) throws IOException {
      int at = b.position();
      while (!done && b.limit() - at >= NLMSG_HDRLEN) {
        int len = b.getInt(at);
        short type = b.getShort(at + 4);
        short flags = b.getShort(at + 6);
        if (len < NLMSG_HDRLEN || len > b.limit() - at) {
          throw new IOException("rtnetlink filter dump: malformed message of " + len + " bytes");
        }
        if (b.getInt(at + 8) == SEQ) {
          if ((flags & NLM_F_DUMP_INTR) != 0) {
            throw new IOException("rtnetlink filter dump: interrupted by a concurrent change");
          }
          if (type == NLMSG_DONE) {
            done = true;
          } else if (type == NLMSG_ERROR) {
            int errno = len >= NLMSG_HDRLEN + 4 ? -b.getInt(at + NLMSG_HDRLEN) : 0;
            throw failure("kernel", errno);
          } else if (type == RTM_NEWTFILTER && len >= NLMSG_HDRLEN + TCMSG_LEN) {
            filter(b, at, len);
          }
        }
        at += (len + 3) & ~3;
      }
    }

    private void filter(ByteBuffer b, int at, int len) {
      int handle = b.getInt(at + NLMSG_HDRLEN + 8);
      int info = b.getInt(at + NLMSG_HDRLEN + 16);
      int chain = 0;
      int attr = at + NLMSG_HDRLEN + TCMSG_LEN;
      while (at + len - attr >= 4) {
        int attrLen = Short.toUnsignedInt(b.getShort(attr));
        if (attrLen < 4 || attrLen > at + len - attr) {
          break;
        }
        if ((b.getShort(attr + 2) & NLA_TYPE_MASK) == TCA_CHAIN && attrLen >= 8) {
          chain = b.getInt(attr + 4);
        }
        attr += (attrLen + 3) & ~3;
      }
      (handle == 0 ? heads : filters).add(new Filter(chain, info, handle));
    }

    /** Filters, plus heads that had no filter. */
    int count() {
      return filters.size()
          + (int) heads.stream().filter(h -> filters.stream().noneMatch(f -> f.chain == h.chain && f.info == h.info))
              .count();
    }
  }
}
