package io.k8spacket.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and returns its standard output; fails with its standard error otherwise. */
public final class Processes {
  private Processes() {}

  public static String output(ProcessBuilder builder, int timeoutSeconds) {
    try {
      Process p = builder.redirectErrorStream(false).start();
      p.getOutputStream().close();
      InputStream err = p.getErrorStream();
      byte[][] errBytes = new byte[1][];
      Thread errReader = new Thread(() -> {
        try {
          errBytes[0] = err.readAllBytes();
        } catch (IOException e) {
          errBytes[0] = new byte[0];
        }
      });
      errReader.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(builder.command() + " timed out after " + timeoutSeconds + " s");
      }
      errReader.join();
      if (p.exitValue() != 0) {
        throw new IllegalStateException(builder.command() + " exited " + p.exitValue() + ": "
            + new String(errBytes[0], StandardCharsets.UTF_8).trim());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
