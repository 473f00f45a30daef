package org.itgc.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.itgc.platform.SchedulingConfiguration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The retrieval-and-restore test of control LG-02, quarterly and on request: a segment picked at random (the seed is
 * stored) is retrieved and verified whole ({@link AuditArchive#verify}), restored into PostgreSQL, every link's hash
 * recomputed from the restored rows, and each link compared with the hot chain while its month is still hot. Every
 * run is recorded in {@code audit_archive_test} and on the trail, as LG-02's evidence.
 */
@Service
class AuditArchiveRestoreTest {

  /** The answer of one run (POST /api/audit/archive/tests). */
  sealed interface Result permits Skipped, Ran {}

  /** No segment to test. */
  @JsonPropertyOrder({"tested", "reason"})
  record Skipped(String reason) implements Result {
    @JsonProperty("tested")
    boolean tested() {
      return false;
    }
  }

  /** A segment tested: passed when it verified, restored and matched; else the problem found (absent when none). */
  @JsonPropertyOrder({"tested", "label", "seed", "passed", "events", "comparedWithHotChain", "problem"})
  record Ran(String label, long seed, boolean passed, long events, long comparedWithHotChain, String problem)
      implements Result {
    @JsonProperty("tested")
    boolean tested() {
      return true;
    }
  }

  /** A segment restored: its events, and how many of them were compared with the hot chain. */
  record Restored(long events, long comparedWithHotChain) {}

  private final AuditArchive archive;
  private final AuditArchiveStore store;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final AuditRecorder audit;
  private final Clock clock;
  private final org.itgc.platform.ScheduledOnce once;
  private final String testCron;

  AuditArchiveRestoreTest(AuditArchive archive, AuditArchiveStore store, JdbcTemplate jdbc,
      TransactionTemplate transactions, AuditRecorder audit, @Qualifier("auditTrailClock") Clock clock,
      org.itgc.platform.ScheduledOnce once,
      @Value("${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}") String testCron) {
    this.archive = archive;
    this.store = store;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.once = once;
    this.testCron = testCron;
  }

  /** Quarterly (control LG-02): a random segment retrieved, verified and compared event by event with the database. */
  @Scheduled(cron = "${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  public void scheduledTest() {
    once.runWithOutcome("audit-archive-test", testCron, () -> {
      Result result = test("schedule");
      if (result instanceof Skipped skipped) {
        return "skipped: " + skipped.reason();
      }
      Ran ran = (Ran) result;
      return ran.passed() ? org.itgc.platform.ScheduledOnce.DONE
          : "failed: the retrieved segment " + ran.label() + " did not match: " + ran.problem();
    });
  }

  /** One run, by whom (a user's name, or "schedule"). */
  Result test(String by) {
    List<String> labels = store.liveLabels();
    if (labels.isEmpty()) {
      return new Skipped("no archive segment to test");
    }
    long seed = new SecureRandom().nextLong();
    String label = labels.get(new Random(seed).nextInt(labels.size()));
    String problem = null;
    Restored restored = new Restored(0, 0);
    try {
      archive.verify(label, link -> { });
      restored = restore(label);
    } catch (AuditArchive.SegmentInvalid | IOException | IllegalStateException e) {
      problem = e.getMessage();
    }
    boolean passed = problem == null;
    store.insertTest(label, seed, passed, restored.events(), problem, clock.instant(), by);
    audit.record(AuditEvent.of("audit.archive.test", "audit-segment", label).actor(by, null)
        .outcome(passed ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE).detail("seed", seed)
        .detail("events", restored.events()).detail("comparedWithHotChain", restored.comparedWithHotChain())
        .detail("problem", problem).build());
    return new Ran(label, seed, passed, restored.events(), restored.comparedWithHotChain(), problem);
  }

  /**
   * Restores a verified segment into PostgreSQL (a temporary table, dropped at the end of the transaction), recomputes
   * every link's hash from the restored rows with the chain's own canonical form, and compares each link with the hot
   * chain where its month is still hot. Throws IllegalStateException naming the first sequence that differs.
   */
  Restored restore(String label) throws IOException {
    JsonNode manifest = archive.manifest(label);
    Path segmentFile = archive.folder().resolve(manifest.get("file").asText());
    return transactions.execute(status -> {
      jdbc.execute("""
          create temporary table audit_restore (seq bigint, format int, prev_hash text, hash text, id bigint, occurred_at timestamptz,
            actor text, actor_roles varchar(64)[], client_address text, action text, object_type text, object_id text,
            outcome text, details jsonb) on commit drop
          """);
      List<String[]> chunk = new ArrayList<>();
      try {
        archive.readLinks(segmentFile, link -> {
          int format = link.path("format").asInt(1);
          String[] fields = AuditChain.fields(format, link.get("canonical").asText());
          String[] row = new String[14];
          row[0] = link.get("seq").asText();
          row[1] = link.get("prevHash").asText();
          row[2] = link.get("hash").asText();
          System.arraycopy(fields, 0, row, 3, fields.length);
          row[13] = String.valueOf(format);
          chunk.add(row);
          if (chunk.size() == 10_000) {
            insertRestored(chunk);
          }
        });
      } catch (IOException e) {
        throw new IllegalStateException("the segment could not be read: " + e.getMessage(), e);
      }
      insertRestored(chunk);
      long[] counts = {0, 0};
      jdbc.query("select e.seq, e.format, e.prev_hash, e.hash, c.hash as hot, " + AuditChain.EVENT_COLUMNS
          + " from audit_restore e left join audit_chain c on c.seq = e.seq and c.occurred_at = e.occurred_at "
          + "order by e.seq", rs -> {
            long seq = rs.getLong("seq");
            int format = rs.getInt("format");
            if (!AuditChain.hash(format, rs.getString("prev_hash"), seq, AuditChain.canonical(rs, format))
                .equals(rs.getString("hash"))) {
              throw new IllegalStateException("sequence " + seq + " restored does not give its hash again");
            }
            String hot = rs.getString("hot");
            if (hot != null) {
              if (!hot.strip().equals(rs.getString("hash"))) {
                throw new IllegalStateException("sequence " + seq + " differs from the database");
              }
              counts[1]++;
            }
            counts[0]++;
          });
      return new Restored(counts[0], counts[1]);
    });
  }

  private void insertRestored(List<String[]> rows) {
    if (rows.isEmpty()) {
      return;
    }
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into audit_restore select u.s::bigint, u.f::int, u.p, u.h, u.i::bigint, u.o::timestamptz, u.a,
            string_to_array(u.r, ',')::varchar(64)[], u.c, u.ac, u.ot, u.oi, u.out, u.d::jsonb
          from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as u(s, p, h, i, o, a, r, c, ac, ot, oi, out, d, f)
          """);
      for (int column = 0; column < 14; column++) {
        String[] values = new String[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          values[r] = rows.get(r)[column];
        }
        ps.setArray(column + 1, con.createArrayOf("text", values));
      }
      return ps;
    });
    rows.clear();
  }
}
