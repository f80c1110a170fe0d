package dev.larch.server.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.ContentHash;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.EventVerdict.SignatureCheck;
import dev.larch.core.event.EventVerdict.SignatureStatus;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code verify-event} tool: reads a PDU from stdin, checks its content hash and ed25519 signatures against the
 * public keys given, and prints a one-line JSON report.
 *
 * <p>Spec: server-server API, "Validating hashes and signatures on received events". Every ed25519 signature on the
 * event (only those of {@code --server} / {@code --key-id} when given) is checked against each {@code --key}; a
 * signature is {@code ok} if any key verifies it. The event is {@code valid} when its content hash is {@code ok},
 * at least one signature was checked and every checked signature is {@code ok}. Exit status: 0 valid, 1 not valid,
 * 2 on a usage error or input that is not a well-formed event.
 */
public final class VerifyEventTool {
  static final String USAGE =
      "usage: verify-event --key BASE64 [--key BASE64 ...] [--room-version N] [--server NAME] [--key-id ID]"
          + " < event.json";

  private static final Set<String> FLAGS = Set.of("--key", "--room-version", "--server", "--key-id");

  private VerifyEventTool() {}

  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    List<byte[]> keys = new ArrayList<>();
    RoomVersion roomVersion = RoomVersion.DEFAULT;
    String server = null;
    String keyId = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        out.println(USAGE);
        return 0;
      }
      int eq = arg.indexOf('=');
      String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      if (!FLAGS.contains(flag)) {
        return fail(err, "unknown argument " + arg + " (" + USAGE + ")");
      }
      String value;
      if (flag.length() < arg.length()) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        return fail(err, "missing value for " + arg + " (" + USAGE + ")");
      }
      switch (flag) {
        case "--key" -> {
          byte[] key;
          try {
            key = UnpaddedBase64.decode(value);
          } catch (IllegalArgumentException e) {
            return fail(err, "--key is not base64: " + value);
          }
          if (key.length != SigningKey.PUBLIC_KEY_LENGTH) {
            return fail(err, "--key must be a 32-byte ed25519 public key, got " + key.length + " bytes");
          }
          keys.add(key);
        }
        case "--room-version" -> {
          Optional<RoomVersion> version = RoomVersion.byIdentifier(value);
          if (version.isEmpty()) {
            return fail(err, "unknown room version " + value);
          }
          roomVersion = version.get();
        }
        case "--server" -> server = value;
        case "--key-id" -> {
          if (!Signatures.isSupportedKeyId(value)) {
            return fail(err, "--key-id must be an ed25519 key ID such as ed25519:abc, got " + value);
          }
          keyId = value;
        }
        default -> throw new IllegalStateException("unhandled flag " + flag);
      }
    }
    if (keys.isEmpty()) {
      return fail(err, "at least one --key is required (" + USAGE + ")");
    }

    Pdu pdu;
    try {
      pdu = Pdu.fromJson(roomVersion, ReceivedJson.parseObject(in.readAllBytes()));
    } catch (MatrixException e) {
      return fail(err, e.getMessage());
    } catch (IOException e) {
      return fail(err, "cannot read stdin: " + e.getMessage());
    }

    // Key IDs name keys only to their owner, so every given key is tried against every signature.
    EventVerdict verdict = null;
    List<SignatureStatus> best = new ArrayList<>();
    for (byte[] key : keys) {
      verdict = PduVerifier.verify(pdu, (s, k) -> Optional.of(VerifyKey.of(k, key)));
      for (int i = 0; i < verdict.signatures().size(); i++) {
        SignatureStatus status = verdict.signatures().get(i).status();
        if (i == best.size()) {
          best.add(status);
        } else if (status == SignatureStatus.OK) {
          best.set(i, status);
        }
      }
    }

    ObjectNode report = JsonMapper.shared().createObjectNode();
    report.put("event_id", pdu.eventId());
    report.put("content_hash", verdict.contentHash().name().toLowerCase(Locale.ROOT));
    ArrayNode signatures = report.putArray("signatures");
    boolean allOk = true;
    for (int i = 0; i < best.size(); i++) {
      SignatureCheck check = verdict.signatures().get(i);
      if ((server != null && !server.equals(check.serverName()))
          || (keyId != null && !keyId.equals(check.keyId()))) {
        continue;
      }
      boolean ok = best.get(i) == SignatureStatus.OK;
      allOk &= ok;
      signatures
          .addObject()
          .put("server", check.serverName())
          .put("key_id", check.keyId())
          .put("verdict", ok ? "ok" : "bad");
    }
    boolean valid = verdict.contentHash() == ContentHash.Verdict.OK && !signatures.isEmpty() && allOk;
    report.put("valid", valid);
    try {
      out.writeBytes(JsonMapper.shared().writeValueAsBytes(report));
    } catch (JsonProcessingException e) {
      return fail(err, "cannot write the report: " + e.getMessage());
    }
    out.write('\n');
    out.flush();
    return valid ? 0 : 1;
  }

  private static int fail(PrintStream err, String message) {
    err.println("verify-event: " + CanonicalJsonTool.oneLine(message));
    return 2;
  }
}
