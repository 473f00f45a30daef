package org.itgc.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The signed checkpoints as other capabilities read them: as a population (LG-01's, for the evidence packs), the one
 * covering an event, one by sequence, how many there are. The SQL over {@code audit_checkpoint} stays in audit, which
 * knows no control; {@code controls} and {@code integrity} ask here (issue #21).
 */
@Component
public class AuditCheckpoints {

  private final JdbcTemplate jdbc;

  AuditCheckpoints(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The checkpoints signed in [from, to), by sequence: item_id and audit_object_id are the sequence. */
  public List<Map<String, Object>> signedBetween(Instant from, Instant to) {
    return jdbc.queryForList("""
        select seq::text as item_id, seq::text as audit_object_id, seq, head_hash, created_at, key_id
        from audit_checkpoint where created_at >= ? and created_at < ? order by seq
        """, Timestamp.from(from), Timestamp.from(to));
  }

  /** A signed checkpoint: the chain's head at {@code seq}, signed with the key {@code keyId}. */
  public record Checkpoint(long seq, String headHash, Instant createdAt, String keyId, String signature) {}

  /** The sequence of the first checkpoint at or after {@code seq} signed with the key {@code keyId}; null when none. */
  public Long covering(long seq, String keyId) {
    return jdbc.queryForObject("select min(seq) from audit_checkpoint where seq >= ? and key_id = ?", Long.class, seq,
        keyId);
  }

  private static final String COLUMNS = "select seq, head_hash, created_at, key_id, signature from audit_checkpoint ";

  private static final org.springframework.jdbc.core.RowMapper<Checkpoint> CHECKPOINT = (rs, i) -> new Checkpoint(
      rs.getLong("seq"), rs.getString("head_hash").strip(), rs.getTimestamp("created_at").toInstant(),
      rs.getString("key_id"), rs.getString("signature"));

  /** The checkpoint at a sequence. */
  public Optional<Checkpoint> at(long seq) {
    return jdbc.query(COLUMNS + "where seq = ?", CHECKPOINT, seq).stream().findFirst();
  }

  /** The first checkpoint at or after a sequence (the one that covers it), if any. */
  Optional<Checkpoint> firstFrom(long seq) {
    return jdbc.query(COLUMNS + "where seq >= ? order by seq limit 1", CHECKPOINT, seq).stream().findFirst();
  }

  /**
   * The newest checkpoints first. In JSON {@code createdAt} is the instant's ISO text, microseconds as stored: exactly
   * the text the checkpoint signed ({@link AuditChain#checkpointText}).
   */
  List<Checkpoint> newest(int size) {
    return jdbc.query(COLUMNS + "order by seq desc limit ?", CHECKPOINT, size);
  }

  /** The newest signed checkpoint, if any. */
  public Optional<Checkpoint> newest() {
    return newest(1).stream().findFirst();
  }

  /** The chain's head sequence (0 for an empty chain): how far the sealer has linked the trail. */
  public long chainHead() {
    Long head = jdbc.queryForObject("select max(seq) from audit_chain", Long.class);
    return head == null ? 0 : head;
  }

  /** How many checkpoints the database holds. */
  public long count() {
    Long count = jdbc.queryForObject("select count(*) from audit_checkpoint", Long.class);
    return count == null ? 0 : count;
  }
}
