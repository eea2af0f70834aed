package io.k8spacket.agent;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the agent as its own process (the DaemonSet): configuration from the environment, and a
 * shutdown hook so SIGTERM detaches the probe and flushes Kafka before the JVM exits. Expected startup
 * failures log one line and exit with status 2; no stack trace.
 */
public final class AgentMain {
  /** The agent's own log4j2 configuration, used unless {@code -Dlog4j2.configurationFile} says otherwise. */
  static final String LOG_CONFIG = "k8spacket-agent-log4j2.xml";

  private AgentMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOG_CONFIG); // before the first logger exists
    }
    Logger log = LoggerFactory.getLogger(AgentMain.class);
    NodeAgent agent;
    try {
      agent = NodeAgent.start(AgentConfig.fromEnv(System.getenv()));
    } catch (AgentStartupException | IllegalArgumentException e) {
      log.error("k8spacket agent cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "k8spacket-agent-shutdown"));
    stopped.await();
  }
}
