package org.itgc.audit;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audit trail figures on the embedded PostgreSQL with 10 million events stored (size with
 * {@code -Dbenchmark.auditEvents=...}): the stored events are loaded in bulk over the last three months and sealed
 * by the sealer (its chaining rate); then, with them stored, the sustained append rate of writers recording through
 * the audit port while the sealer chains behind them, against a baseline of the same writers inserting the same rows
 * into a plain unindexed table in the same run; verification rate of the whole chain; latency of an object query.
 * Prints figures, asserts no timing. Run: {@code ./mvnw verify -Pbenchmark -Dit.test=AuditTrailBenchmark}.
 */
@IntegrationTest
// the production defaults of the sealer (the test profile checkpoints more often)
@org.springframework.test.context.TestPropertySource(properties = {"itgc.audit.checkpoint-every=PT5S",
    "itgc.audit.checkpoint-every-events=1000", "itgc.audit.seal-interval=PT1S"})
class AuditTrailBenchmark {

  private static final long STORED = Long.getLong("benchmark.auditEvents", 10_000_000L);
  private static final int APPENDED = Integer.getInteger("benchmark.auditAppends", 200_000);
  private static final int WRITERS = Integer.getInteger("benchmark.auditWriters", 4);
  private static final int PER_TRANSACTION = 10;
  private static final int OBJECTS = 50_000;

  @Autowired AuditRecorder recorder;
  @org.springframework.beans.factory.annotation.Value("${itgc.audit.checkpoint-every}") String checkpointEvery;
  @org.springframework.beans.factory.annotation.Value("${itgc.audit.checkpoint-every-events}") String checkpointEveryEvents;
  @Autowired AuditSealer sealer;
  @Autowired AuditTrail trail;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transactions;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  @Test
  void appendVerifyAndQueryWithTenMillionEventsStored() throws Exception {
    JdbcTemplate owner = new JdbcTemplate(ownerDataSource);

    // 1. the stored events: bulk-loaded over the last three months (their partitions made first), then chained
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    for (int m = 3; m >= 1; m--) {
      owner.queryForObject("select audit_create_month(?)::text", String.class, java.sql.Date.valueOf(now.minusMonths(m).atDay(1)));
    }
    long loadStart = System.nanoTime();
    long chunk = 1_000_000;
    for (long done = 0; done < STORED; done += chunk) {
      long n = Math.min(chunk, STORED - done);
      owner.update("""
          insert into audit_event (occurred_at, actor, actor_roles, client_address, action, object_type, object_id, outcome, details)
          select now() - interval '89 days' * (1 - (? + g)::float8 / ?) - interval '1 second' * (g % 7),
                 'user' || (g % 2000), '{auditor}', '10.0.' || (g % 250) || '.' || (g % 200),
                 case when g % 10 = 0 then 'invoice.update' else 'invoice.view' end, 'invoice',
                 'AP-' || ((? + g) % ?), 'SUCCESS', jsonb_build_object('n', ? + g)
          from generate_series(1, ?) g
          """, done, STORED, done, OBJECTS, done, n);
    }
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    owner.execute("analyze audit_event");
    // the scheduled sealer works alongside: the rate counts the links made, whoever made them
    long chainBefore = jdbc.queryForObject("select count(*) from audit_chain", Long.class);
    long sealStart = System.nanoTime();
    while (sealer.seal() > 0) {
      // until the backlog is chained
    }
    double sealSeconds = (System.nanoTime() - sealStart) / 1e9;
    double bulkSealRate = (jdbc.queryForObject("select count(*) from audit_chain", Long.class) - chainBefore) / sealSeconds;
    owner.execute("analyze audit_chain");
    long stored = jdbc.queryForObject("select count(*) from audit_chain", Long.class);

    // 2. sustained append with the events stored: the baseline's writers, then the audit port's with the sealer behind
    owner.execute("create table if not exists bench_plain_event (id bigserial, occurred_at timestamptz, actor text, "
        + "actor_roles varchar(64)[], client_address text, action text, object_type text, object_id text, outcome text, "
        + "details jsonb)");
    // the same pool and role as the audit port's writers (the owner's connections are not pooled)
    owner.execute("grant select, insert on bench_plain_event to itgc_app");
    owner.execute("grant usage on sequence bench_plain_event_id_seq to itgc_app");
    double plainRate = concurrently(APPENDED, (writer, base) -> transactions.executeWithoutResult(s -> {
      for (int i = 0; i < PER_TRANSACTION; i++) {
        jdbc.update("insert into bench_plain_event (occurred_at, actor, actor_roles, action, object_type, object_id, "
            + "outcome, details) values (now(), ?, '{}', ?, ?, ?, 'SUCCESS', '{}')", "john", "invoice.view", "invoice",
            "AP-" + ((base + i) % OBJECTS));
      }
    }), () -> { });
    // commit-to-signature: for every 20th transaction, the wall time of its commit and its last event, later matched
    // with the first signed checkpoint that covers that event
    java.util.concurrent.ConcurrentLinkedQueue<long[]> commits = new java.util.concurrent.ConcurrentLinkedQueue<>();
    double appendRate = concurrently(APPENDED, (writer, base) -> {
      long[] last = new long[1];
      transactions.executeWithoutResult(s -> {
        for (int i = 0; i < PER_TRANSACTION; i++) {
          last[0] = recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-" + ((base + i) % OBJECTS)).build());
        }
      });
      if ((base / PER_TRANSACTION) % 20 == 0) {
        commits.add(new long[] {last[0], System.currentTimeMillis()});
      }
    }, () -> {
      while (sealer.seal() > 0) {
        // the chain catches up: the rate counts events recorded and sealed
      }
    });
    sealer.checkpointNow();
    long[] signatureLags = commits.stream().mapToLong(c -> {
      Long seq = jdbc.queryForObject("select seq from audit_chain where event_id = ?", Long.class, c[0]);
      java.sql.Timestamp signed = jdbc.queryForObject("select min(created_at) from audit_checkpoint where seq >= ?",
          java.sql.Timestamp.class, seq);
      return signed.getTime() - c[1];
    }).sorted().toArray();
    long chained = jdbc.queryForObject("select count(*) from audit_chain", Long.class);
    long events = jdbc.queryForObject("select count(*) from audit_event", Long.class);

    // 3. verification of the whole chain
    long verifyStart = System.nanoTime();
    var result = AuditVerifier.verify(dataSource, sealer.checkpointFolder(), sealer.trustedFingerprints());
    double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
    double verifyRate = result.eventsVerified() / verifySeconds;
    // the baseline in the same run: one reader merely reading every link joined to its event in sequence order, the
    // plain SQL way (no hashing)
    double readRate = readRate("select c.seq, c.event_id, c.prev_hash, c.hash, e.id as present, " + AuditChain.EVENT_COLUMNS
        + " from audit_chain c left join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at order by c.seq");

    // 4. "did X only view Y": by object, newest first, one page
    Random random = new Random(42);
    long[] latencies = new long[2000];
    for (int i = 0; i < latencies.length; i++) {
      String objectId = "AP-" + random.nextInt(OBJECTS);
      long start = System.nanoTime();
      trail.find(new AuditTrail.Query(null, null, null, objectId, null, null, 0, 100));
      latencies[i] = System.nanoTime() - start;
    }
    Arrays.sort(latencies);
    long[] actorLatencies = new long[500];
    for (int i = 0; i < actorLatencies.length; i++) {
      String actor = "user" + random.nextInt(2000);
      String objectId = "AP-" + random.nextInt(OBJECTS);
      long start = System.nanoTime();
      trail.find(new AuditTrail.Query(actor, null, null, objectId, null, null, 0, 100));
      actorLatencies[i] = System.nanoTime() - start;
    }
    Arrays.sort(actorLatencies);

    System.out.printf("%nBENCHMARK audit trail: %,d events stored (%,d in the chain, %,d stored in all)%n", STORED, chained,
        events);
    System.out.printf("BENCHMARK bulk load of the stored events (one INSERT..SELECT per million): %.1f s%n", loadSeconds);
    System.out.printf("BENCHMARK chaining of the stored events by the sealer (%.0f s): %10.0f events/s%n", sealSeconds,
        bulkSealRate);
    System.out.printf("BENCHMARK baseline: %d writers, plain inserts, unindexed table:  %10.0f events/s%n", WRITERS, plainRate);
    System.out.printf("BENCHMARK %d writers through the audit port, sealed into the chain: %10.0f events/s "
        + "(ratio to baseline %.2f)%n", WRITERS, appendRate, appendRate / plainRate);
    System.out.printf("BENCHMARK commit to signed checkpoint under that load (%d transactions sampled; checkpoint every "
        + "%s or %s events): p50 %d ms, p99 %d ms, longest %d ms%n", signatureLags.length, checkpointEvery,
        checkpointEveryEvents, signatureLags[signatureLags.length / 2], signatureLags[signatureLags.length * 99 / 100],
        signatureLags[signatureLags.length - 1]);
    System.out.printf("BENCHMARK verification of the chain (verdict %s, %,d events, %.1f s): %10.0f events/s "
        + "(ratio to one reader merely reading each link joined to its event %.2f; that read %.0f rows/s)%n", result.ok(), result.eventsVerified(),
        verifySeconds, verifyRate, verifyRate / readRate, readRate);
    System.out.printf("BENCHMARK object query (100 newest of ~%d per object): p50 %.2f ms, p99 %.2f ms%n",
        stored / OBJECTS, latencies[latencies.length / 2] / 1e6, latencies[latencies.length * 99 / 100] / 1e6);
    System.out.printf("BENCHMARK actor + object query: p50 %.2f ms, p99 %.2f ms%n%n",
        actorLatencies[actorLatencies.length / 2] / 1e6, actorLatencies[actorLatencies.length * 99 / 100] / 1e6);
    if (!result.ok()) {
      System.out.println("BENCHMARK verification problem: " + result.problem());
    }
  }

  private double readRate(String sql) throws Exception {
    try (var connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      long start = System.nanoTime();
      long rows = 0;
      try (var ps = connection.prepareStatement(sql)) {
        ps.setFetchSize(10_000);
        try (var rs = ps.executeQuery()) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int c = 1; c <= columns; c++) {
              rs.getString(c);
            }
            rows++;
          }
        }
      }
      connection.rollback();
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  interface Work {
    void run(int writer, int base) throws Exception;
  }

  /** WRITERS threads doing transactions of PER_TRANSACTION until total events, then {@code after}; events/s. */
  private double concurrently(int total, Work work, Runnable after) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    int perWriter = total / WRITERS;
    long start = System.nanoTime();
    List<Future<Object>> futures = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      futures.add(pool.submit((Callable<Object>) () -> {
        for (int t = 0; t < perWriter / PER_TRANSACTION; t++) {
          work.run(writer, writer * perWriter + t * PER_TRANSACTION);
        }
        return null;
      }));
    }
    for (var future : futures) {
      future.get();
    }
    after.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return perWriter * WRITERS / seconds;
  }
}
