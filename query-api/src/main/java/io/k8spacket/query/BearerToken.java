package io.k8spacket.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The API's bearer token, kept only as its SHA-256 digest so that neither the token nor its length can leak
 * through {@code toString}, a heap dump of this object, or the time a comparison takes: {@link #matches}
 * hashes the candidate and compares the two 32-byte digests with {@link MessageDigest#isEqual} (constant time).
 */
public final class BearerToken {
  /** Longest accepted token; a longer one could not fit in the request-header limit anyway. */
  public static final int MAX_LENGTH = 4096;

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /**
   * The token {@code value} (already trimmed). Messages name {@code source} (the variable it came from), never
   * the value.
   *
   * @throws IllegalArgumentException when the value is empty, too long, or not printable ASCII without spaces
   *     (RFC 6750's token characters are a subset)
   */
  public static BearerToken of(String source, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(source + " is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(source + " is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(source + " must be printable ASCII without spaces");
      }
    }
    return new BearerToken(sha256(value));
  }

  /** True when {@code candidate} is the token; the time taken does not depend on where they differ. */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must provide it
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BearerToken other && MessageDigest.isEqual(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
