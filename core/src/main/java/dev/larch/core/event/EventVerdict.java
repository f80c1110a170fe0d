package dev.larch.core.event;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What checking a received event's content hash and signatures found, as data rather than an exception.
 *
 * <p>Spec: server-server API, "Validating hashes and signatures on received events". The two findings lead to
 * different actions: an event not validly signed by every expected server is rejected, while a content hash
 * mismatch only means the receiver must keep the redacted form of the event.
 *
 * @param eventId the event's ID
 * @param contentHash the outcome of checking {@code hashes.sha256}
 * @param signatures one entry per ed25519 signature the event carries (other algorithms are ignored)
 */
public record EventVerdict(String eventId, ContentHash.Verdict contentHash, List<SignatureCheck> signatures) {
  /** The outcome for one signature. */
  public enum SignatureStatus {
    /** The signature verifies with the server's key. */
    OK,
    /** The signature does not verify, or is not Base64 of 64 bytes. */
    BAD,
    /** No key is known for this server and key ID, so the signature could not be checked. */
    UNKNOWN_KEY
  }

  /** One signature of the event and what checking it found. */
  public record SignatureCheck(String serverName, String keyId, SignatureStatus status) {
    public SignatureCheck {
      Objects.requireNonNull(serverName, "serverName");
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(status, "status");
    }
  }

  public EventVerdict {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(contentHash, "contentHash");
    signatures = List.copyOf(signatures);
  }

  /** Whether at least one signature by {@code serverName} verified. */
  public boolean isSignedBy(String serverName) {
    for (SignatureCheck check : signatures) {
      if (check.status() == SignatureStatus.OK && check.serverName().equals(serverName)) {
        return true;
      }
    }
    return false;
  }

  /** Whether every server in {@code servers} has at least one verified signature (the condition to accept). */
  public boolean isSignedByAll(Collection<String> servers) {
    for (String server : servers) {
      if (!isSignedBy(server)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the content hash matched, so the event may be kept unredacted. */
  public boolean contentHashOk() {
    return contentHash == ContentHash.Verdict.OK;
  }
}
