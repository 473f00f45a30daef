package org.itgc.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.itgc.support.BenchmarkPopulation;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Access figures on the embedded PostgreSQL: the detective SoD scan over 50,000 identities holding 20 entitlements
 * each (1,000,000 grants), against a baseline of reading the same grants in the same run; the preventive check's
 * latency (registry read, two evaluations of the deployed decision read as membership rules, exceptions) against a
 * baseline of one evaluation of the same decision by the DMN engine, row by row in FEEL. Prints figures, asserts no timing. Run: {@code ./mvnw verify -Pbenchmark}
 * (size with {@code -Dbenchmark.identities=...} and {@code -Dbenchmark.grantsPerIdentity=...}).
 */
@IntegrationTest
class AccessBenchmark {

  private static final int IDENTITIES = Integer.getInteger("benchmark.identities", 50_000);
  private static final int GRANTS = Integer.getInteger("benchmark.grantsPerIdentity", 20);
  private static final int CHECKS = 2_000;

  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;
  @Autowired AccessCatalogue catalogue;
  @Autowired SodScan scan;
  @Autowired SodRules rules;
  @Autowired AccessRequests requests;

  @Test
  void detectiveScanAndPreventiveCheck() throws Exception {
    List<AccessCatalogue.SystemEntitlement> entitlements = catalogue.entitlements();
    Random random = new Random(42);
    double loadSeconds = BenchmarkPopulation.ensure(jdbc, dataSource, ownerDataSource, catalogue, IDENTITIES, GRANTS);
    long grantsStored = jdbc.queryForObject("select count(*) from access_grant where granted_by = 'benchmark'", Long.class);

    // baseline: one pass over the active grants, as the scan reads them
    long readStart = System.nanoTime();
    long[] rows = new long[1];
    jdbc.query("select identity_id, system_id, entitlement_id from access_grant where removed_at is null", rs -> {
      rows[0]++;
    });
    double readSeconds = (System.nanoTime() - readStart) / 1e9;

    var first = scan.scan("benchmark", "benchmark").orElseThrow();
    double firstSeconds = (first.finishedAt().toEpochMilli() - first.startedAt().toEpochMilli()) / 1e3;
    long secondStart = System.nanoTime();
    var second = scan.scan("benchmark", "benchmark").orElseThrow();
    double secondSeconds = (System.nanoTime() - secondStart) / 1e9;

    // preventive check: registry read + evaluations, against one bare evaluation of the same decision
    List<String> someFunctions = new ArrayList<>(new TreeSet<>(List.of("AP_INVOICE_ENTER", "GL_JOURNAL_POST",
        "PO_CREATE", "BANK_RECONCILE", "CHANGE_REQUEST", "PAYROLL_RUN")));
    for (int i = 0; i < 200; i++) {
      rules.evaluateRowByRow(someFunctions);
      requests.sodCheck(String.format("BENCH-%06d", i), List.of(entitlements.get(i % entitlements.size())));
    }
    // each measured in its own loop after a collection, so that one's garbage does not pause the other
    long[] bare = new long[CHECKS];
    long[] check = new long[CHECKS];
    System.gc();
    for (int i = 0; i < CHECKS; i++) {
      long start = System.nanoTime();
      rules.evaluateRowByRow(someFunctions);
      bare[i] = System.nanoTime() - start;
    }
    System.gc();
    for (int i = 0; i < CHECKS; i++) {
      String identity = String.format("BENCH-%06d", random.nextInt(IDENTITIES));
      var wanted = List.of(entitlements.get(random.nextInt(entitlements.size())));
      long start = System.nanoTime();
      requests.sodCheck(identity, wanted);
      check[i] = System.nanoTime() - start;
    }
    Arrays.sort(bare);
    Arrays.sort(check);
    double bareP50 = bare[CHECKS / 2] / 1e6;
    double bareP99 = bare[CHECKS * 99 / 100] / 1e6;
    double checkP50 = check[CHECKS / 2] / 1e6;
    double checkP99 = check[CHECKS * 99 / 100] / 1e6;

    System.out.printf("%nBENCHMARK access, %d identities x %d grants = %d grants (%d entitlements in the catalogue), "
        + "loaded by COPY in %.1f s (0: loaded before), %d cores%n", IDENTITIES, GRANTS, grantsStored, entitlements.size(), loadSeconds,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("  baseline: read the %d active grants once         %6.2f s%n", rows[0], readSeconds);
    System.out.printf("  detective scan, first (stores %d findings)      %6.2f s  (%.1f x the read; %d identities, "
        + "%d distinct function sets, %d conflicts; read %d ms, evaluate %d ms, write %d ms)%n", first.newFindings(),
        firstSeconds, firstSeconds / readSeconds, first.identities(), first.distinctFunctionSets(), first.conflicts(),
        first.readMillis(), first.evaluateMillis(), first.writeMillis());
    System.out.printf("  detective scan, again (nothing changed)         %6.2f s  (%.1f x the read; read %d ms, "
        + "evaluate %d ms, compare and write %d ms)%n", secondSeconds, secondSeconds / readSeconds, second.readMillis(),
        second.evaluateMillis(), second.writeMillis());
    System.out.printf("  baseline: DMN engine, sod-conflicts row by row  p50 %.3f ms, p99 %.3f ms%n", bareP50, bareP99);
    System.out.printf("  preventive check (registry + 2 evaluations)     p50 %.3f ms, p99 %.3f ms  (p99 %.2f x the "
        + "baseline)%n%n", checkP50, checkP99, checkP99 / bareP99);
  }
}
