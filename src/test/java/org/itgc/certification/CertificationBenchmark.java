package org.itgc.certification;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.itgc.access.AccessCatalogue;
import org.itgc.support.BenchmarkPopulation;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Certification figures on the embedded PostgreSQL: launching a campaign over 50,000 people x 20 grants (1,000,000
 * items: snapshot with flags, reviewers, digest, one task per reviewer) against a baseline of copying the same grants
 * into a plain table in the same run; a reviewer's worklist page of 50 (median and p99) against a baseline of reading
 * 50 grants by primary key; bulk certify decisions per second against a baseline of a plain UPDATE of as many rows.
 * Prints figures, asserts no timing. Run: {@code ./mvnw verify -Pbenchmark}.
 */
@IntegrationTest
class CertificationBenchmark {

  private static final int PEOPLE = Integer.getInteger("benchmark.identities", 50_000);
  private static final int GRANTS = Integer.getInteger("benchmark.grantsPerIdentity", 20);
  private static final int PAGES = 1_000;

  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;
  @Autowired AccessCatalogue catalogue;
  @Autowired Campaigns campaigns;

  @Test
  void launchWorklistAndBulkDecisions() throws Exception {
    BenchmarkPopulation.ensure(jdbc, dataSource, ownerDataSource, catalogue, PEOPLE, GRANTS);
    // the baselines' scratch table belongs to the schema's owner (the application's role cannot create tables)
    JdbcTemplate owner = new JdbcTemplate(ownerDataSource);

    // baseline: copy the active grants into a plain table
    long copyStart = System.nanoTime();
    owner.execute("create table bench_grant_copy as select g.id, g.identity_id, g.system_id, g.entitlement_id, g.privileged, "
        + "g.granted_at from access_grant g where g.removed_at is null");
    double copySeconds = (System.nanoTime() - copyStart) / 1e9;
    long grants = owner.queryForObject("select count(*) from bench_grant_copy", Long.class);
    owner.execute("alter table bench_grant_copy add primary key (id)");

    long launchStart = System.nanoTime();
    String id = campaigns.start(new Campaigns.NewCampaign("Benchmark", List.of(), List.of(), true, true, 10), "grace",
        List.of("governance-lead"));
    while (!"open".equals(jdbc.queryForObject("select status from cert_campaign where id = ?", String.class, id))) {
      Thread.sleep(100);
    }
    double launchSeconds = (System.nanoTime() - launchStart) / 1e9;
    String instance = jdbc.queryForObject("select process_instance_id from cert_campaign where id = ?", String.class, id);
    long items = jdbc.queryForObject("select item_count from cert_campaign where id = ?", Long.class, id);
    long tasks = jdbc.queryForObject("select count(*) from act_ru_task where proc_inst_id_ = ?", Long.class, instance);
    long reviewers = jdbc.queryForObject("select count(distinct reviewer) from cert_item where campaign_id = ?", Long.class, id);
    long largest = jdbc.queryForObject("select max(n) from (select count(*) n from cert_item where campaign_id = ? "
        + "group by reviewer) t", Long.class, id);

    // worklist pages: random managers, random positions, some filtered; baseline: 50 grants by primary key
    Random random = new Random(7);
    List<String> managers = jdbc.queryForList("select distinct reviewer from cert_item where campaign_id = ? "
        + "and reviewer like 'bench-mgr-%'", String.class, id);
    List<Long> someIds = owner.queryForList("select id from bench_grant_copy limit 100000", Long.class);
    for (int i = 0; i < 200; i++) {
      campaigns.worklist(id, managers.get(random.nextInt(managers.size())), null, null, null, false, null, 50);
    }
    long[] page = new long[PAGES];
    long[] baseline = new long[PAGES];
    String[] flags = {null, null, "sod-conflict", "privileged"};
    for (int i = 0; i < PAGES; i++) {
      String reviewer = i % 10 == 0 ? "sofia" : managers.get(random.nextInt(managers.size()));
      Long after = random.nextBoolean() ? null : (long) random.nextInt((int) Math.min(Integer.MAX_VALUE, items));
      String flag = flags[random.nextInt(flags.length)];
      long start = System.nanoTime();
      campaigns.worklist(id, reviewer, null, null, flag, false, after, 50);
      page[i] = System.nanoTime() - start;
      Long[] keys = new Long[50];
      for (int k = 0; k < keys.length; k++) {
        keys[k] = someIds.get(random.nextInt(someIds.size()));
      }
      start = System.nanoTime();
      owner.query(con -> {
        var ps = con.prepareStatement("select * from bench_grant_copy where id = any(?)");
        ps.setArray(1, con.createArrayOf("bigint", keys));
        return ps;
      }, rs -> { });
      baseline[i] = System.nanoTime() - start;
    }
    Arrays.sort(page);
    Arrays.sort(baseline);

    // bulk certify: whole worklists of managers in batches of 500
    List<Object[]> work = new ArrayList<>();
    for (String reviewer : managers.subList(0, Math.min(400, managers.size()))) {
      List<Long> ids = jdbc.queryForList("select id from cert_item where campaign_id = ? and reviewer = ? and decision is null",
          Long.class, id, reviewer);
      for (int from = 0; from < ids.size(); from += 500) {
        work.add(new Object[] {reviewer, ids.subList(from, Math.min(ids.size(), from + 500))});
      }
    }
    long decided = 0;
    long decideStart = System.nanoTime();
    for (Object[] batch : work) {
      @SuppressWarnings("unchecked")
      List<Long> ids = (List<Long>) batch[1];
      decided += ((Number) campaigns.decide(id, (String) batch[0], ids, Campaigns.CERTIFY, null).get("decided")).longValue();
    }
    double decideSeconds = (System.nanoTime() - decideStart) / 1e9;
    owner.execute("alter table bench_grant_copy add column decision varchar(16)");
    List<Long> copyIds = owner.queryForList("select id from bench_grant_copy order by id limit " + decided, Long.class);
    long plainStart = System.nanoTime();
    for (int from = 0; from < copyIds.size(); from += 500) {
      Long[] chunk = copyIds.subList(from, Math.min(copyIds.size(), from + 500)).toArray(Long[]::new);
      owner.update(con -> {
        var ps = con.prepareStatement("update bench_grant_copy set decision = 'certify' where id = any(?)");
        ps.setArray(1, con.createArrayOf("bigint", chunk));
        return ps;
      });
    }
    double plainSeconds = (System.nanoTime() - plainStart) / 1e9;

    System.out.printf("%nBENCHMARK certification, %d items (%d grants active), %d reviewers (largest worklist %d), "
        + "%d review tasks, %d cores%n", items, grants, reviewers, largest, tasks, Runtime.getRuntime().availableProcessors());
    System.out.printf("  baseline: copy the active grants into a plain table      %6.1f s%n", copySeconds);
    System.out.printf("  launch (scan, snapshot with flags, reviewers, digest, tasks) %6.1f s  (%.1f x the copy)%n",
        launchSeconds, launchSeconds / copySeconds);
    System.out.printf("  baseline: read 50 grants by primary key    p50 %.2f ms, p99 %.2f ms%n", baseline[PAGES / 2] / 1e6,
        baseline[PAGES * 99 / 100] / 1e6);
    System.out.printf("  worklist page of 50 (filters, keyset)      p50 %.2f ms, p99 %.2f ms  (p99 %.1f x the baseline)%n",
        page[PAGES / 2] / 1e6, page[PAGES * 99 / 100] / 1e6, (double) page[PAGES * 99 / 100] / baseline[PAGES * 99 / 100]);
    System.out.printf("  bulk certify, batches of 500: %d decisions in %.1f s = %.0f decisions/s; plain UPDATE of as many "
        + "rows %.0f rows/s (%.2f x)%n%n", decided, decideSeconds, decided / decideSeconds, decided / plainSeconds,
        (decided / decideSeconds) / (decided / plainSeconds));
  }
}
