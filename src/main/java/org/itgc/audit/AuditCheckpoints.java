package org.itgc.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The signed checkpoints as a population (LG-01's, for the evidence packs): the SQL over {@code audit_checkpoint}
 * stays in audit, which knows no control; {@code controls} adapts it.
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
}
