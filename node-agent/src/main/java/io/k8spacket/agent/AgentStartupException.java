package io.k8spacket.agent;

/**
 * An expected reason the agent cannot run on this host (old kernel, no BTF, missing privileges, missing host
 * library). Its message is one line meant for the operator; launchers print it without a stack trace.
 */
public final class AgentStartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AgentStartupException(String message) {
    super(message);
  }

  public AgentStartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
