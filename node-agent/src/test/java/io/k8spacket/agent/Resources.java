package io.k8spacket.agent;

/** Tear-down of the integration tests' static fixtures. */
public final class Resources {
  private Resources() {}

  /**
   * Closes {@code resources} in the order given (dependents first), skipping the nulls a failed set-up left; a
   * failing close does not keep the rest open, and the first failure is thrown at the end.
   */
  public static void closeAll(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
