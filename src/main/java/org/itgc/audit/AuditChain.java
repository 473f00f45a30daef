package org.itgc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The chain's hash, as {@code docs/audit-format.md} specifies it for auditors: SHA-256 over the previous hash, the
 * sequence number and the event's canonical content (every column as stored, in a fixed order, the details as
 * PostgreSQL's normalised jsonb text). Whoever holds a copy of the rows can recompute it.
 *
 * <p>Two formats, recorded per link ({@code audit_chain.format}): format 1 (links sealed before December 2026) joins
 * the fields with U+001F and writes NULL as the text {@code null}, which is not one-to-one (a NULL and the text
 * "null" hash alike; a field holding U+001F can shift into its neighbour); it is still verified as it was sealed.
 * Format 2, sealed since, is injective: every field is length-prefixed ({@code <UTF-8 byte count>:<bytes>}), NULL is
 * {@code -}, the roles are a counted list of such fields, and the hashed text starts with the format's name, so no
 * link of one format can pass for another. A chain never goes back from format 2 to 1.
 */
public final class AuditChain {

  /** The previous hash of the first link. */
  public static final String GENESIS = "0".repeat(64);

  /** The chain's last link: its sequence and hash. */
  record Head(long seq, String hash) {

    /** The head before the first link: sequence 0 and the genesis value. */
    static final Head EMPTY = new Head(0, GENESIS);
  }

  /** The chain's head as the given connection sees it; {@link Head#EMPTY} for an empty chain. */
  static Head head(org.springframework.jdbc.core.JdbcOperations db) {
    return db.query("select seq, hash from audit_chain order by seq desc limit 1",
        (rs, i) -> new Head(rs.getLong("seq"), rs.getString("hash").strip())).stream().findFirst().orElse(Head.EMPTY);
  }

  /** The format new links are sealed in. */
  public static final int CURRENT_FORMAT = 2;

  /** The columns the hash covers, as the sealer and the verifier select them (roles joined by commas, and as a list). */
  public static final String EVENT_COLUMNS = "e.id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
      + "as occurred, e.actor, array_to_string(e.actor_roles, ',') as roles, e.actor_roles as role_list, e.client_address, "
      + "e.action, e.object_type, e.object_id, e.outcome, e.details::text as details";

  private AuditChain() {}

  /** The canonical content of the event in the current row, in the given format. */
  public static String canonical(ResultSet rs, int format) throws SQLException {
    return Row.of(rs).canonical(format);
  }

  /** An event's columns as the hash covers them (read with {@link #EVENT_COLUMNS}). */
  public record Row(long id, String occurred, String actor, String roles, String[] roleList, String clientAddress,
      String action, String objectType, String objectId, String outcome, String details) {

    public static Row of(ResultSet rs) throws SQLException {
      java.sql.Array roles = rs.getArray("role_list");
      return new Row(rs.getLong("id"), rs.getString("occurred"), rs.getString("actor"), rs.getString("roles"),
          roles == null ? null : (String[]) roles.getArray(), rs.getString("client_address"), rs.getString("action"),
          rs.getString("object_type"), rs.getString("object_id"), rs.getString("outcome"), rs.getString("details"));
    }

    public String canonical(int format) {
      if (format == 1) {
        return String.join("\u001f", String.valueOf(id), occurred, actor, roles, String.valueOf(clientAddress), action,
            objectType, String.valueOf(objectId), outcome, details);
      }
      requireKnown(format);
      return encode(String.valueOf(id), occurred, actor, roleList, clientAddress, action, objectType, objectId, outcome,
          details);
    }
  }

  /** Format 2's canonical text of an event's fields (roles may be null: the empty list is {@code 0*}). */
  public static String encode(String id, String occurred, String actor, String[] roles, String clientAddress,
      String action, String objectType, String objectId, String outcome, String details) {
    StringBuilder out = new StringBuilder(256);
    field(out, id);
    field(out, occurred);
    field(out, actor);
    if (roles == null) {
      out.append('-');
    } else {
      out.append(roles.length).append('*');
      for (String role : roles) {
        field(out, role);
      }
    }
    field(out, clientAddress);
    field(out, action);
    field(out, objectType);
    field(out, objectId);
    field(out, outcome);
    field(out, details);
    return out.toString();
  }

  private static void field(StringBuilder out, String value) {
    if (value == null) {
      out.append('-');
    } else {
      out.append(utf8Length(value)).append(':').append(value);
    }
  }

  private static int utf8Length(String value) {
    int bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * The ten fields of a canonical text (id, occurred, actor, roles joined by commas, client address, action, object
   * type, object id, outcome, details), NULL as null; what an archive restores its rows from.
   */
  public static String[] fields(int format, String canonical) {
    if (format == 1) {
      String[] fields = canonical.split("\u001f", 10);
      for (int i : new int[] {4, 7}) {
        if ("null".equals(fields[i])) {
          fields[i] = null;
        }
      }
      return fields;
    }
    requireKnown(format);
    byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
    int[] at = {0};
    String[] fields = new String[10];
    for (int i = 0; i < 10; i++) {
      if (i == 3) {
        if (bytes[at[0]] == '-') {
          at[0]++;
          fields[i] = null;
          continue;
        }
        int count = number(bytes, at, '*');
        List<String> roles = new ArrayList<>();
        for (int r = 0; r < count; r++) {
          roles.add(next(bytes, at));
        }
        fields[i] = String.join(",", roles);
      } else {
        fields[i] = next(bytes, at);
      }
    }
    if (at[0] != bytes.length) {
      throw new IllegalArgumentException("canonical text has " + (bytes.length - at[0]) + " bytes after its last field");
    }
    return fields;
  }

  private static String next(byte[] bytes, int[] at) {
    if (bytes[at[0]] == '-') {
      at[0]++;
      return null;
    }
    int length = number(bytes, at, ':');
    String value = new String(bytes, at[0], length, StandardCharsets.UTF_8);
    at[0] += length;
    return value;
  }

  private static int number(byte[] bytes, int[] at, char end) {
    int n = 0;
    int start = at[0];
    while (bytes[at[0]] != end) {
      byte b = bytes[at[0]++];
      if (b < '0' || b > '9' || at[0] - start > 10) {
        throw new IllegalArgumentException("canonical text: a length is expected at byte " + start);
      }
      n = n * 10 + (b - '0');
    }
    at[0]++;
    return n;
  }

  private static void requireKnown(int format) {
    if (format != 1 && format != 2) {
      throw new IllegalArgumentException("audit chain format " + format + " is unknown");
    }
  }

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(org.itgc.platform.Hashes::sha256Digest);

  /** The link hash of format 1 or 2. */
  public static String hash(int format, String previous, long seq, String canonical) {
    requireKnown(format);
    MessageDigest digest = DIGEST.get();
    digest.reset();
    if (format >= 2) {
      digest.update(("itgc-audit-link/" + format + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    digest.update(previous.getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) '\n');
    digest.update(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) '\n');
    digest.update(canonical.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The hash of a link as written to packs and archive segments ({@code format} absent: format 1). */
  public static String hash(JsonNode link) {
    return hash(link.path("format").asInt(1), link.get("prevHash").asText(), link.get("seq").asLong(),
        link.get("canonical").asText());
  }

  /** The text a checkpoint's signature covers. */
  public static String checkpointText(long seq, String headHash, String createdAt) {
    return "itgc-audit-checkpoint/1\n" + seq + "\n" + headHash + "\n" + createdAt;
  }

  /** The text a key rotation's signature (by the previous key) covers. */
  public static String rotationText(String previousFingerprint, String nextFingerprint, String rotatedAt) {
    return "itgc-audit-key-rotation/1\n" + previousFingerprint + "\n" + nextFingerprint + "\n" + rotatedAt;
  }
}
