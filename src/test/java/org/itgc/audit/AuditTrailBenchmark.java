package org.itgc.audit;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audit trail figures on the embedded PostgreSQL: append rate through the recorder with sealing into the chain,
 * against a baseline of plain inserts of the same rows into an unindexed, unchained table in the same run;
 * verification rate; latency of an object query with the events stored. Prints figures, asserts no timing.
 * Run: {@code ./mvnw verify -Pbenchmark} (size with {@code -Dbenchmark.auditEvents=...}).
 */
@IntegrationTest
class AuditTrailBenchmark {

  private static final int EVENTS = Integer.getInteger("benchmark.auditEvents", 200_000);
  private static final int PER_TRANSACTION = 100;

  @Autowired AuditRecorder recorder;
  @Autowired AuditSealer sealer;
  @Autowired AuditTrail trail;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transactions;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  @Test
  void appendVerifyAndQuery() throws Exception {
    // the baseline's scratch table belongs to the schema's owner, who writes it (the application's role cannot create)
    JdbcTemplate owner = new JdbcTemplate(ownerDataSource);
    TransactionTemplate ownerTransactions = new TransactionTemplate(
        new org.springframework.jdbc.datasource.DataSourceTransactionManager(ownerDataSource));
    owner.execute("create table if not exists bench_plain_event (id bigserial, occurred_at timestamptz, actor text, "
        + "actor_roles varchar(64)[], client_address text, action text, object_type text, object_id text, outcome text, "
        + "details jsonb)");
    long plainStart = System.nanoTime();
    for (int t = 0; t < EVENTS / PER_TRANSACTION; t++) {
      int base = t * PER_TRANSACTION;
      // one statement per event, as the recorder does, so that the ratio shows the cost of indexes, JSON and chain
      ownerTransactions.executeWithoutResult(s -> {
        for (int i = 0; i < PER_TRANSACTION; i++) {
          owner.update("insert into bench_plain_event (occurred_at, actor, actor_roles, action, object_type, object_id, "
              + "outcome, details) values (now(), ?, '{}', ?, ?, ?, 'SUCCESS', '{}')", "john", "invoice.view", "invoice",
              "AP-" + ((base + i) % 50_000));
        }
      });
    }
    double plainRate = EVENTS / ((System.nanoTime() - plainStart) / 1e9);

    long appendStart = System.nanoTime();
    for (int t = 0; t < EVENTS / PER_TRANSACTION; t++) {
      int base = t * PER_TRANSACTION;
      transactions.executeWithoutResult(s -> {
        for (int i = 0; i < PER_TRANSACTION; i++) {
          recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-" + ((base + i) % 50_000)).build());
        }
      });
    }
    double recordNanos = System.nanoTime() - appendStart;
    while (sealer.seal() > 0) {
      // until everything recorded is sealed
    }
    double appendRate = EVENTS / ((System.nanoTime() - appendStart) / 1e9);
    long stored = jdbc.queryForObject("select count(*) from audit_chain", Long.class);

    long verifyStart = System.nanoTime();
    var result = AuditVerifier.verify(dataSource, sealer.checkpointFolder());
    double verifyRate = result.eventsVerified() / ((System.nanoTime() - verifyStart) / 1e9);

    Random random = new Random(42);
    long[] latencies = new long[1000];
    for (int i = 0; i < latencies.length; i++) {
      String objectId = "AP-" + random.nextInt(50_000);
      long start = System.nanoTime();
      trail.find(new AuditTrail.Query("system", null, null, objectId, null, null, 0, 100));
      latencies[i] = System.nanoTime() - start;
    }
    Arrays.sort(latencies);
    System.out.printf("%nBENCHMARK audit trail, %d events appended in transactions of %d, %d events in the chain%n",
        EVENTS, PER_TRANSACTION, stored);
    System.out.printf("BENCHMARK baseline: plain single-row inserts, unindexed:  %10.0f events/s%n", plainRate);
    System.out.printf("BENCHMARK recorded through the audit port:               %10.0f events/s%n",
        EVENTS / (recordNanos / 1e9));
    System.out.printf("BENCHMARK recorded and sealed into the hash chain:       %10.0f events/s (ratio to baseline %.2f)%n",
        appendRate, appendRate / plainRate);
    System.out.printf("BENCHMARK verification of the chain (verdict %s):        %10.0f events/s%n", result.ok(), verifyRate);
    System.out.printf("BENCHMARK object query (actor + object, 100 rows max): p50 %.2f ms, p99 %.2f ms%n%n",
        latencies[500] / 1e6, latencies[990] / 1e6);
  }
}
