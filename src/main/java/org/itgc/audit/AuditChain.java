package org.itgc.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The chain's hash: SHA-256 over the previous hash, the sequence number and the event's canonical content (every
 * column as stored, in a fixed order, the details as PostgreSQL's normalised jsonb text). Whoever holds a copy of
 * the rows can recompute it.
 */
public final class AuditChain {

  /** The previous hash of the first link. */
  public static final String GENESIS = "0".repeat(64);

  /** The columns the hash covers, as the sealer and the verifier select them (roles joined by commas). */
  public static final String EVENT_COLUMNS = "e.id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
      + "as occurred, e.actor, array_to_string(e.actor_roles, ',') as roles, e.client_address, e.action, e.object_type, "
      + "e.object_id, e.outcome, e.details::text as details";

  private AuditChain() {}

  public static String canonical(ResultSet rs) throws SQLException {
    return String.join("\u001f", String.valueOf(rs.getLong("id")), rs.getString("occurred"), rs.getString("actor"),
        rs.getString("roles"), String.valueOf(rs.getString("client_address")), rs.getString("action"),
        rs.getString("object_type"), String.valueOf(rs.getString("object_id")), rs.getString("outcome"),
        rs.getString("details"));
  }

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(org.itgc.platform.Hashes::sha256Digest);

  public static String hash(String previous, long seq, String canonical) {
    MessageDigest digest = DIGEST.get();
    digest.reset();
    digest.update(previous.getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) '\n');
    digest.update(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) '\n');
    digest.update(canonical.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The text a checkpoint's signature covers. */
  public static String checkpointText(long seq, String headHash, String createdAt) {
    return "itgc-audit-checkpoint/1\n" + seq + "\n" + headHash + "\n" + createdAt;
  }
}
