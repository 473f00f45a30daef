package org.itgc.audit;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What auditors read of the chain's tables through the API ({@code audit_chain}, {@code audit_key_rotation}; the
 * checkpoints are {@link AuditCheckpoints}'), as records whose JSON is what {@code docs/audit-format.md} documents:
 * instants as the ISO text of {@link java.time.Instant} (microseconds as stored).
 */
@Repository
class AuditChainReads {

  private final JdbcTemplate jdbc;

  AuditChainReads(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** An event sealed after its time: its link's sealing bounds its commit. */
  record LateSealed(long seq, long eventId, String occurredAt, String sealedAt, String actor, String action,
      String objectType, String objectId) {}

  record KeyRotation(String previousFingerprint, String previousPublicKey, String nextFingerprint, String nextPublicKey,
      String rotatedAt, String signature) {}

  /** The chain's head sequence; 0 for an empty chain. */
  long head() {
    Long head = jdbc.queryForObject("select max(seq) from audit_chain", Long.class);
    return head == null ? 0 : head;
  }

  /** Events sealed more than the given seconds after their time, newest link first. */
  List<LateSealed> sealedLate(int seconds, int size) {
    return jdbc.query("""
        select c.seq, e.id, e.occurred_at, c.sealed_at, e.actor, e.action, e.object_type, e.object_id
        from audit_chain c join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at
        where c.sealed_at > c.occurred_at + make_interval(secs => ?) order by c.seq desc limit ?
        """, (rs, i) -> new LateSealed(rs.getLong("seq"), rs.getLong("id"),
        rs.getTimestamp("occurred_at").toInstant().toString(), rs.getTimestamp("sealed_at").toInstant().toString(),
        rs.getString("actor"), rs.getString("action"), rs.getString("object_type"), rs.getString("object_id")),
        seconds, size);
  }

  /** Key rotations, oldest first, each with the public half of the key that signed it. */
  List<KeyRotation> keyRotations() {
    return jdbc.query("select previous_fingerprint, previous_public_key, next_fingerprint, next_public_key, rotated_at, "
        + "signature from audit_key_rotation order by rotated_at", (rs, i) -> new KeyRotation(
        rs.getString("previous_fingerprint"), rs.getString("previous_public_key"), rs.getString("next_fingerprint"),
        rs.getString("next_public_key"), rs.getTimestamp("rotated_at").toInstant().toString(), rs.getString("signature")));
  }
}
