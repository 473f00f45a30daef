package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * An auditor's offline check of one event that the log queries answer, written from docs/logs.md ("The proof") with
 * the JDK alone and none of the engine's classes: the canonical bytes decode to the fields the event shows, they hash
 * to the leaf, the audit path leads from the leaf to the root (RFC 9162 section 2.1.3.2), and the root is the one
 * the audit event carries. Returns the first problem, or null when everything holds.
 */
final class LogProofVerifier {

  static final List<String> FIELDS = List.of("id", "system", "protocol", "status", "reason", "receivedAt",
      "occurredAt", "actor", "action", "objectType", "objectId", "before", "after", "sourceAddress", "peerAddress",
      "raw");
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogProofVerifier() {}

  /**
   * Checks an event of the API against the root and leaf count that its batch's audit event carries
   * ({@code trailRoot}, {@code trailLeafCount}).
   */
  static String check(JsonNode event, String trailRoot, long trailLeafCount) throws Exception {
    JsonNode proof = event.get("proof");
    if (proof == null || proof.isNull()) {
      return "no proof";
    }
    byte[] canonical = Base64.getDecoder().decode(proof.get("canonical").asText());
    List<byte[]> fields = decode(canonical);
    if (fields == null) {
      return "the canonical bytes do not decode";
    }
    for (int i = 0; i < FIELDS.size(); i++) {
      String name = FIELDS.get(i);
      byte[] value = fields.get(i);
      String text = value == null ? null : new String(value, StandardCharsets.UTF_8);
      JsonNode shown = event.get(name);
      boolean same = switch (name) {
        case "status" -> "mapped".equals(text);
        case "reason" -> text == null;
        case "id" -> shown.asText().equals(text);
        case "receivedAt", "occurredAt" -> java.time.Instant.parse(shown.asText()).equals(java.time.Instant.parse(text));
        case "before", "after" -> shown == null || shown.isNull() ? text == null
            : text != null && JSON.readTree(text).equals(shown);
        default -> shown == null || shown.isNull() ? text == null : shown.asText().equals(text);
      };
      if (!same) {
        return "the canonical bytes say " + name + " = " + text + ", the event " + shown;
      }
    }
    byte[] leaf = sha256(new byte[] {0}, canonical);
    if (!HexFormat.of().formatHex(leaf).equals(proof.get("leafHash").asText())) {
      return "the canonical bytes do not hash to the leaf hash given";
    }
    if (proof.get("leafCount").asLong() != trailLeafCount) {
      return "the proof's tree has " + proof.get("leafCount").asLong() + " leaves, the audit trail's " + trailLeafCount;
    }
    long fn = proof.get("leafIndex").asLong();
    long sn = proof.get("leafCount").asLong() - 1;
    if (fn > sn) {
      return "the leaf index is outside the tree";
    }
    byte[] r = leaf;
    for (JsonNode node : proof.get("auditPath")) {
      byte[] p = HexFormat.of().parseHex(node.asText());
      if (sn == 0) {
        return "the audit path is too long";
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = sha256(new byte[] {1}, p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = sha256(new byte[] {1}, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      return "the audit path is too short";
    }
    String root = HexFormat.of().formatHex(r);
    if (!root.equals(proof.get("root").asText())) {
      return "the path leads to " + root + ", not to the batch root " + proof.get("root").asText();
    }
    if (!root.equals(trailRoot)) {
      return "the path leads to " + root + ", not to the root the audit trail carries, " + trailRoot;
    }
    return null;
  }

  /** The fields of canonical bytes: the format text, then 16 length-prefixed values (-1: none). */
  static List<byte[]> decode(byte[] canonical) {
    byte[] format = "itgc-log-record-1".getBytes(StandardCharsets.US_ASCII);
    if (canonical.length < format.length || !Arrays.equals(Arrays.copyOf(canonical, format.length), format)) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(canonical, format.length, canonical.length - format.length);
    List<byte[]> fields = new ArrayList<>();
    for (int i = 0; i < FIELDS.size(); i++) {
      if (in.remaining() < 4) {
        return null;
      }
      int length = in.getInt();
      if (length == -1) {
        fields.add(null);
      } else if (length < 0 || length > in.remaining()) {
        return null;
      } else {
        byte[] value = new byte[length];
        in.get(value);
        fields.add(value);
      }
    }
    return in.hasRemaining() ? null : fields;
  }

  private static byte[] sha256(byte[]... parts) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }
}
