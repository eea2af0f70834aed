package io.k8spacket.testsupport.net;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The libc calls that move one thread into a network namespace (the JDK has none). */
interface NetnsLibC extends Library {
  NetnsLibC INSTANCE = Native.load("c", NetnsLibC.class);

  int O_RDONLY = 0;
  int O_CLOEXEC = 0x80000;
  /** {@code CLONE_NEWNET}: setns may only join a network namespace. */
  int CLONE_NEWNET = 0x40000000;

  int open(String path, int flags);

  int close(int fd);

  int setns(int fd, int nstype);

  String strerror(int errnum);
}
