package io.k8spacket.schema;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.2 refuses to instantiate classes outside trusted packages; this trusts the generated package
 * {@code io.k8spacket.avro} once per JVM, so no launcher or test needs a system property.
 */
public final class AvroTrust {
  private static volatile boolean installed;

  private AvroTrust() {}

  /** Idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.DEFAULT,
        ClassSecurityValidator.builder().add("io.k8spacket.avro").build()));
    installed = true;
  }
}
