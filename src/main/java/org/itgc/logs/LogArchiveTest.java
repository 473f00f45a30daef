package org.itgc.logs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.ScheduledOnce;
import org.itgc.platform.SchedulingConfiguration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The retrieval test of the logs' archive (control LG-02), quarterly on the audit archive's test schedule and on
 * request: a segment picked at random (the seed is stored) is retrieved and verified whole, each batch's root compared
 * with what its audit event carries (hot, or from the audit archive), each record's canonical bytes decoded and
 * encoded again, and each record compared with the hot store while its month is still hot. Every run is recorded in
 * {@code logs_archive_test} and on the trail.
 */
@Service
class LogArchiveTest {

  /** The answer of one run. */
  sealed interface Result permits Skipped, Ran {}

  @JsonPropertyOrder({"tested", "reason"})
  record Skipped(String reason) implements Result {
    @JsonProperty("tested")
    boolean tested() {
      return false;
    }
  }

  @JsonPropertyOrder({"tested", "label", "seed", "passed", "records", "batches", "comparedWithHot", "problem"})
  record Ran(String label, long seed, boolean passed, long records, int batches, long comparedWithHot, String problem)
      implements Result {
    @JsonProperty("tested")
    boolean tested() {
      return true;
    }
  }

  private final LogArchive archive;
  private final LogArchiveStore store;
  private final LogCarriers carriers;
  private final AuditRecorder audit;
  private final Clock clock;
  private final ScheduledOnce once;
  private final String testCron;

  LogArchiveTest(LogArchive archive, LogArchiveStore store, LogCarriers carriers, AuditRecorder audit,
      @Qualifier("auditTrailClock") Clock clock, ScheduledOnce once,
      @Value("${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}") String testCron) {
    this.archive = archive;
    this.store = store;
    this.carriers = carriers;
    this.audit = audit;
    this.clock = clock;
    this.once = once;
    this.testCron = testCron;
  }

  @Scheduled(cron = "${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledTest() {
    once.runWithOutcome("logs-archive-test", testCron, () -> {
      Result result = test("schedule");
      if (result instanceof Skipped skipped) {
        return "skipped: " + skipped.reason();
      }
      Ran ran = (Ran) result;
      return ran.passed() ? ScheduledOnce.DONE : "failed: the retrieved logs segment " + ran.label() + ": " + ran.problem();
    });
  }

  /** One run, by whom (a user's name, or "schedule"). */
  Result test(String by) {
    List<String> labels = store.liveLabels();
    if (labels.isEmpty()) {
      return new Skipped("no logs archive segment to test");
    }
    long seed = new SecureRandom().nextLong();
    return test(labels.get(new Random(seed).nextInt(labels.size())), seed, by);
  }

  /** A run on the given segment (the seed as drawn). */
  Ran test(String label, long seed, String by) {
    String problem = null;
    long[] counts = {0, 0};
    int batches = 0;
    try {
      YearMonth month = store.monthOf(label);
      boolean hot = store.hotMonths().contains(month);
      List<LogRecord> chunk = new ArrayList<>();
      String[] mismatch = {null};
      List<LogArchiveFormat.SegmentBatch> segmentBatches = archive.verifyWithBatches(label, a -> {
        counts[0]++;
        if (!Arrays.equals(LogRecord.fromCanonical(a.record().canonical()).canonical(), a.record().canonical())) {
          throw new IllegalStateException("record " + a.record().id() + " does not encode again as read");
        }
        if (hot) {
          chunk.add(a.record());
          if (chunk.size() == 1000) {
            compare(month, chunk, counts, mismatch);
          }
        }
      });
      if (hot) {
        compare(month, chunk, counts, mismatch);
      }
      batches = segmentBatches.size();
      if (mismatch[0] != null) {
        problem = mismatch[0];
      }
      for (LogArchiveFormat.SegmentBatch b : segmentBatches) {
        if (problem != null) {
          break;
        }
        LogCarriers.Found found = carriers.find(b.batch(), b.carrierChainSeq());
        var c = found.carrier();
        if (c == null) {
          problem = "the audit event that carries batch " + b.batch().id() + "'s root is in neither the hot trail nor "
              + "the audit archive" + (found.problem() == null ? "" : ": " + found.problem());
        } else if (c.sequence() != b.batch().auditEventId() || !b.batch().root().equals(String.valueOf(c.root()))
            || !String.valueOf(b.batch().leafCount()).equals(String.valueOf(c.leafCount()))
            || (b.carrierHash() != null && c.chainSeq() != null && (!c.chainSeq().equals(b.carrierChainSeq())
                || !b.carrierHash().equals(c.hash())))) {
          problem = "batch " + b.batch().id() + "'s root, size or audit link differs from its audit event";
        }
      }
    } catch (LogArchive.SegmentInvalid | IOException | IllegalStateException | IllegalArgumentException e) {
      problem = e.getMessage();
    }
    boolean passed = problem == null;
    store.insertTest(label, seed, passed, counts[0], batches, counts[1], problem, clock.instant(), by);
    audit.record(AuditEvent.of("logs.archive.test", "logs-segment", label).actor(by, null)
        .outcome(passed ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE).detail("seed", seed)
        .detail("records", counts[0]).detail("batches", batches).detail("comparedWithHot", counts[1])
        .detail("problem", problem).build());
    return new Ran(label, seed, passed, counts[0], batches, counts[1], problem);
  }

  /** Compares archived records with the hot store's (those still there), counting them. */
  private void compare(YearMonth month, List<LogRecord> chunk, long[] counts, String[] mismatch) {
    if (chunk.isEmpty()) {
      return;
    }
    Map<Long, LogRecord> hot = new HashMap<>();
    store.hotRecords(month, chunk.stream().map(LogRecord::id).toList()).forEach(r -> hot.put(r.id(), r));
    for (LogRecord archived : chunk) {
      LogRecord stored = hot.get(archived.id());
      if (stored != null) {
        counts[1]++;
        if (mismatch[0] == null && !Arrays.equals(stored.canonical(), archived.canonical())) {
          mismatch[0] = "record " + archived.id() + " differs from the hot store";
        }
      }
    }
    chunk.clear();
  }
}
