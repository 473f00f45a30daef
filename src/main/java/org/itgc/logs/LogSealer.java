package org.itgc.logs;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seals received records in batches: every {@code itgc.logs.seal-interval} (default 5 s), and at once when
 * {@code itgc.logs.batch-size} records (default 1000) have arrived, each system's waiting records (and the
 * quarantine's) become batches of at most that size, in id order. Per batch, in one transaction under a database lock
 * (one node seals at a time; the others wait their turn, so that a call returns when everything committed before it
 * is sealed): the Merkle tree of the records' canonical bytes (RFC 6962), the batch with its root and leaf hashes,
 * each record's place in it, and the audit event {@code logs.batch.seal} that carries the root into the engine's
 * hash-chained, signed trail.
 */
@Component
public class LogSealer implements SmartLifecycle {

  public static final String SEAL_ACTION = "logs.batch.seal";
  public static final String BATCH_OBJECT = "logs-batch";
  private static final Logger log = LoggerFactory.getLogger(LogSealer.class);

  private final LogStore store;
  private final TransactionTemplate transactions;
  private final AuditRecorder audit;
  private final Clock clock;
  private final Rounds rounds;
  private final int batchSize;
  private final AtomicLong arrived = new AtomicLong();

  LogSealer(LogStore store, TransactionTemplate transactions, AuditRecorder audit, Clock clock,
      @Value("${itgc.logs.seal-interval:PT5S}") Duration interval, @Value("${itgc.logs.batch-size:1000}") int batchSize) {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("itgc.logs.batch-size must be 1 to 100000, not " + batchSize);
    }
    this.store = store;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.rounds = new Rounds("logs-sealer", interval, this::sealQuietly);
    this.batchSize = batchSize;
  }

  /** Records arrived: seal at once when a batch is full. */
  void arrived(int count) {
    if (arrived.addAndGet(count) >= batchSize && rounds.runNow()) {
      arrived.set(0);
    }
  }

  /** Seals every record waiting (committed before the call); returns the batches sealed. */
  public List<Long> sealAll() {
    List<Long> sealed = new ArrayList<>();
    boolean more = true;
    while (more) {
      more = false;
      for (String system : store.unsealedSystems()) {
        Long batch = transactions.execute(status -> sealOne(system));
        if (batch != null) {
          sealed.add(batch);
          more = true;
        }
      }
    }
    return sealed;
  }

  private Long sealOne(String system) {
    store.lockSealer();
    List<LogRecord> records = store.unsealed(system, batchSize);
    return records.isEmpty() ? null : seal(system, records, true);
  }

  /**
   * Seals records that arrived together in the transaction that stores them (a request of many events: no queue, no
   * reading back), in batches of at most {@code batch-size}; returns each record's place, in the records' order, for
   * the caller to store with the records ({@link LogStore#insert}). The caller's transaction commits records, batches
   * and the roots' audit events together.
   */
  List<LogStore.Place> sealInline(String system, List<LogRecord> records) {
    List<LogStore.Place> places = new ArrayList<>(records.size());
    for (int from = 0; from < records.size(); from += batchSize) {
      List<LogRecord> batch = records.subList(from, Math.min(records.size(), from + batchSize));
      long id = seal(system, batch, false);
      for (int i = 0; i < batch.size(); i++) {
        places.add(new LogStore.Place(id, i));
      }
    }
    return places;
  }

  private long seal(String system, List<LogRecord> records, boolean fromQueue) {
    List<byte[]> leaves = records.stream().map(LogRecord::leafHash).toList();
    byte[] tree = Merkle.tree(leaves);
    String root = Merkle.hex(Merkle.treeRoot(tree));
    byte[] packed = new byte[32 * leaves.size()];
    for (int i = 0; i < leaves.size(); i++) {
      System.arraycopy(leaves.get(i), 0, packed, 32 * i, 32);
    }
    long id = store.nextBatchId();
    long first = records.get(0).id();
    long last = records.get(records.size() - 1).id();
    long auditEvent = audit.record(AuditEvent.system(SEAL_ACTION, BATCH_OBJECT, Long.toString(id))
        .detail("system", system == null ? "quarantine" : system).detail("leafCount", records.size())
        .detail("root", root).detail("firstRecordId", first).detail("lastRecordId", last).build());
    store.saveBatch(new LogStore.Batch(id, system, clock.instant(), records.size(), root, packed, first, last,
        auditEvent, tree), records, fromQueue);
    return id;
  }

  private void sealQuietly() {
    try {
      // this month's and the next one's partitions exist before records need them (outside the records' transactions)
      java.time.YearMonth now = java.time.YearMonth.from(clock.instant().atOffset(java.time.ZoneOffset.UTC));
      transactions.executeWithoutResult(status -> store.ensureMonths(List.of(now, now.plusMonths(1))));
      sealAll();
    } catch (RuntimeException e) {
      log.warn("Sealing log records failed; the records wait for the next round: {}", e.toString());
    }
  }

  @Override
  public void start() {
    rounds.start();
  }

  @Override
  public void stop() {
    rounds.stop();
  }

  @Override
  public boolean isRunning() {
    return rounds.isRunning();
  }
}
