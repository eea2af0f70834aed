package io.k8spacket.agent.tls;

import io.k8spacket.testsupport.tls.TestPki;
import io.k8spacket.testsupport.tls.TestPki.Key;
import io.k8spacket.testsupport.tls.TestPki.Spec;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;

/**
 * The chain of the JDK TLS tests, made once per JVM with the shared {@link TestPki}: root EC P-384 → intermediate
 * RSA-2048 → leaf EC P-256 (the ECDSA suites need an EC leaf) with known subjects, SANs and validity, plus a
 * self-signed Ed25519 certificate. The expected serial and SHA-256 of each certificate are read back from
 * openssl ({@link TestPki.Issued}), not from our parser's JDK path.
 */
final class DemoPki {
  static final String PASSWORD = "changeit";
  static final String LEAF_SUBJECT = "CN=demo.example.test,OU=Tests,O=k8spacket,C=DE";
  static final String INTERMEDIATE_SUBJECT = "CN=k8spacket Test Intermediate,O=k8spacket";
  static final String ROOT_SUBJECT = "CN=k8spacket Test Root,O=k8spacket";
  static final List<String> LEAF_SANS = List.of("DNS:demo.example.test", "DNS:*.demo.example.test", "IP:10.1.2.3",
      "IP:fd00::1", "URI:https://demo.example.test/", "email:ops@example.test");
  static final Instant LEAF_NOT_BEFORE = Instant.parse("2025-03-01T12:00:00Z");
  static final Instant LEAF_NOT_AFTER = LEAF_NOT_BEFORE.plusSeconds(3653L * 86_400);
  static final Instant INTERMEDIATE_NOT_BEFORE = Instant.parse("2025-02-01T00:00:00Z");
  static final Instant INTERMEDIATE_NOT_AFTER = INTERMEDIATE_NOT_BEFORE.plusSeconds(5000L * 86_400);
  private static final Path DIR = Path.of("target", "tls-pki");

  private static DemoPki instance;

  final TestPki.Issued leaf;
  final TestPki.Issued intermediate;
  final TestPki.Issued root;
  final TestPki.Issued ed25519;
  private final TestPki.Chain chain;

  private DemoPki() {
    chain = TestPki.create(DIR,
        new Spec("/O=k8spacket/CN=k8spacket Test Root", Key.EC_P384, 0x5eed01,
            Instant.parse("2025-01-01T00:00:00Z"), 7300),
        new Spec("/O=k8spacket/CN=k8spacket Test Intermediate", Key.RSA_2048, 0x5eed02, INTERMEDIATE_NOT_BEFORE,
            5000),
        new Spec("/C=DE/O=k8spacket/OU=Tests/CN=demo.example.test", Key.EC_P256, 0x1a2b3c4d5eL, LEAF_NOT_BEFORE,
            3653),
        LEAF_SANS);
    leaf = TestPki.issued(chain.leafCert());
    intermediate = TestPki.issued(chain.intermediateCert());
    root = TestPki.issued(chain.rootCert());
    ed25519 = TestPki.selfSigned(DIR, Spec.of("/CN=ed25519.example.test", Key.ED25519, 0xed25519, 30));
  }

  static synchronized DemoPki get() {
    if (instance == null) {
      instance = new DemoPki();
    }
    return instance;
  }

  /** The server's key store: the leaf key with the chain leaf, intermediate (as servers send it). */
  KeyStore serverKeyStore() {
    return chain.serverKeyStore(PASSWORD);
  }
}
