package org.itgc.access;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Just-in-time elevations at volume (issue #20): 10,000 active elevations of FIN-SHARES/FIN_SHARE_ADMIN, each a member
 * of the group in the in-memory directory, expiring within the same 10 minutes, must all be removed on time by their
 * expiry timers: the connector removes the membership and reads the directory back. Reports the lateness (removal
 * recorded minus expiry) as p50, p99 and max, and the removals per second.
 *
 * <p>Baseline in the same run: the raw engine's timers, the same number of instances of a model that only waits until
 * the same spread of due dates and then takes one asynchronous step (the elevation's removal is one), measured the same
 * way (instance end minus due date) in a window of the same length before the elevations' own.
 *
 * <p>Set-up shortcut, as the other benchmarks take: the 10,000 people come through the HR import, their eligibility
 * through the baseline import, and the elevations through {@link Elevations#request} (approved by the rule for a
 * tier-3 hour with a change id, provisioned on the directory by the connector); their expiry (an hour after
 * provisioning) is then moved into the measured window in one statement, in {@code access_elevation.expires_at} and
 * the timer jobs' due dates alike. Prints figures; asserts only that every elevation was removed and verified. Run:
 * {@code ./mvnw -o -Pbenchmark failsafe:integration-test@shared-context -Dit.test=ElevationExpiryBenchmark} (size
 * with {@code -Dbenchmark.elevations=...}, window with {@code -Dbenchmark.expiryWindow=PT10M}).
 */
@IntegrationTest
class ElevationExpiryBenchmark {

  private static final int ELEVATIONS = Integer.getInteger("benchmark.elevations", 10_000);
  private static final Duration WINDOW = Duration.parse(System.getProperty("benchmark.expiryWindow", "PT10M"));
  /** The window opens this long after the due dates are set, so that none is due before the measurement starts. */
  private static final Duration LEAD = Duration.ofSeconds(30);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired Elevations elevations;
  @Autowired AccessRegistry registry;
  @Autowired RuntimeService runtimeService;
  @Autowired RepositoryService repositoryService;

  @Test
  void tenThousandElevationsExpiringWithinTenMinutesAreAllRemovedOnTime() throws Exception {
    String run = Long.toString(System.nanoTime(), 36).toLowerCase(Locale.ROOT);
    InMemoryDirectoryServer directory = ConnectorTargets.startDirectory();
    try {
      long setupStart = System.nanoTime();
      people(run, directory);
      eligibility(run);
      List<String> ids = elevate(run);
      double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

      Lateness baseline = rawTimers(run);
      Lateness expiry = expire(ids);
      long members = directory.getEntry(ConnectorTargets.ADMIN_GROUP).getAttribute("member") == null ? 0
          : directory.getEntry(ConnectorTargets.ADMIN_GROUP).getAttribute("member").getValues().length;
      System.out.printf("""
          BENCHMARK elevation expiry: %,d active elevations of FIN-SHARES/FIN_SHARE_ADMIN (in-memory directory), \
          due within %s (set up in %.0f s)
            baseline  raw engine timers + one async step, same spread: %,d ended; lateness p50 %,d ms, p99 %,d ms, \
          max %,d ms; last one ended %.1f s after the window opened (%,.1f per second)
            expiry    removal + read-back on the directory: %,d removed and verified; lateness p50 %,d ms, p99 %,d ms, \
          max %,d ms; last one %.1f s after the window opened (%,.1f per second); p99 %.1fx the baseline's; \
          members left in the group: %d
          """, ELEVATIONS, WINDOW, setupSeconds, baseline.count, baseline.p50, baseline.p99, baseline.max,
          baseline.lastSeconds, baseline.count / baseline.lastSeconds, expiry.count, expiry.p50, expiry.p99, expiry.max,
          expiry.lastSeconds, expiry.count / expiry.lastSeconds, (double) expiry.p99 / Math.max(1, baseline.p99),
          members);
      if (expiry.count != ELEVATIONS || members != 0) {
        throw new AssertionError("removed and verified " + expiry.count + " of " + ELEVATIONS + "; " + members
            + " still members of the group");
      }
    } finally {
      directory.shutDown(true);
    }
  }

  /** The people: HR identities with a login, and their entries in the directory. */
  private void people(String run, InMemoryDirectoryServer directory) throws Exception {
    StringBuilder csv = new StringBuilder("employeeId,name,email,managerId,department,job,status,hireDate,"
        + "terminationDate,userName\n");
    for (int i = 0; i < ELEVATIONS; i++) {
      String login = login(run, i);
      csv.append(employee(run, i)).append(",Bench Admin ").append(i).append(',').append(login)
          .append("@example.com,E1000,Finance,Clerk,active,2024-01-02,,").append(login).append('\n');
      directory.add("dn: uid=" + login + "," + ConnectorTargets.PEOPLE, "objectClass: inetOrgPerson", "uid: " + login,
          "cn: " + login, "sn: " + login);
    }
    var sam = Http.as(port, "sam");
    var answer = sam.post("/api/access/identities/import", "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    String job = answer.header("Location");
    var status = answer;
    while (List.of("queued", "running").contains(status.json().path("state").asText())) {
      Thread.sleep(200);
      status = sam.get(job);
    }
    Integer stored = jdbc.queryForObject("select count(*) from access_identity where id like ?", Integer.class,
        "BE" + run.toUpperCase(Locale.ROOT) + "N%");
    if (stored == null || stored != ELEVATIONS) {
      throw new AssertionError("HR import stored " + stored + " of " + ELEVATIONS + ": " + status.body());
    }
  }

  /** Each person's eligibility, a grant of the registry (source baseline). */
  private void eligibility(String run) {
    StringBuilder csv = new StringBuilder("employeeId,systemId,entitlementId,grantedAt\n");
    for (int i = 0; i < ELEVATIONS; i++) {
      csv.append(employee(run, i)).append(",FIN-SHARES,FIN_SHARE_ADMIN_ELIGIBLE,2024-01-02\n");
    }
    var report = registry.importBaseline(csv.toString(), "benchmark");
    Integer eligible = jdbc.queryForObject("select count(*) from access_grant where identity_id like ? and "
        + "entitlement_id = 'FIN_SHARE_ADMIN_ELIGIBLE' and removed_at is null", Integer.class,
        "BE" + run.toUpperCase(Locale.ROOT) + "N%");
    if (eligible == null || eligible != ELEVATIONS) {
      throw new AssertionError("eligible " + eligible + " of " + ELEVATIONS + ": " + report);
    }
  }

  /** Every person asks for an hour; the rule approves; the connector provisions. Waits until all are provisioned. */
  private List<String> elevate(String run) throws Exception {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < ELEVATIONS; i++) {
        String login = login(run, i);
        work.add(pool.submit(() -> ids.add(elevations.request(login, new Elevations.Request("FIN-SHARES/FIN_SHARE_ADMIN",
            60, null, "Benchmark: share administration", "CHG-2026-BENCH", null, null)).id())));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (provisioned(ids) < ids.size()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("provisioned " + provisioned(ids) + " of " + ids.size() + " in 30 minutes");
      }
      Thread.sleep(1000);
    }
    return ids;
  }

  private int provisioned(List<String> ids) {
    Integer n = jdbc.queryForObject("select count(*) from access_elevation e join act_ru_job j on "
        + "j.process_instance_id_ = e.process_instance_id join act_ru_jobdef d on d.id_ = j.job_def_id_ "
        + "where e.id = any(?) and e.provisioned_at is not null and d.act_id_ = 'TimerEvent_UntilExpiry'", Integer.class,
        (Object) ids.toArray(String[]::new));
    return n == null ? 0 : n;
  }

  /** The raw engine: as many timers, due over the same window, each then one asynchronous step. */
  private Lateness rawTimers(String run) throws Exception {
    if (repositoryService.createProcessDefinitionQuery().processDefinitionKey("it-timer-expiry").count() == 0) {
      repositoryService.createDeployment().name("elevation-expiry-benchmark")
          .addClasspathResource("it-models/timer-expiry.bpmn").deploy();
    }
    Date later = Date.from(TestClock.now().plus(Duration.ofDays(1)));
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < ELEVATIONS; i++) {
      instances.add(runtimeService.startProcessInstanceByKey("it-timer-expiry", "EXP-" + run + "-" + i,
          Map.<String, Object>of("due", later)).getId());
    }
    // the same spread as the elevations get, set the same way: the timer jobs' due dates in one statement
    Instant open = TestClock.now().plus(LEAD);
    Map<String, Instant> due = new ConcurrentHashMap<>();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      due.put(instances.get(i), spread(open, i));
      rows.add(new Object[] {Timestamp.from(spread(open, i)), instances.get(i)});
    }
    jdbc.batchUpdate("update act_ru_job set duedate_ = ? where process_instance_id_ = ?", rows);
    waitUntilPast(open.plus(WINDOW));
    long deadline = System.nanoTime() + WINDOW.multipliedBy(3).toNanos();
    while (true) {
      Integer open2 = jdbc.queryForObject("select count(*) from act_hi_procinst where business_key_ like ? and "
          + "end_time_ is null", Integer.class, "EXP-" + run + "-%");
      if (open2 == null || open2 == 0 || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(500);
    }
    List<Long> late = new ArrayList<>();
    Instant[] last = {open};
    jdbc.query("select proc_inst_id_, end_time_ from act_hi_procinst where business_key_ like ? and end_time_ is not null",
        rs -> {
          Instant ended = rs.getTimestamp("end_time_").toInstant();
          late.add(Duration.between(due.get(rs.getString("proc_inst_id_")), ended).toMillis());
          if (ended.isAfter(last[0])) {
            last[0] = ended;
          }
        }, "EXP-" + run + "-%");
    return Lateness.of(late, Duration.between(open, last[0]));
  }

  /** Moves the elevations' expiry into the window (table and timer job alike), then waits for every removal. */
  private Lateness expire(List<String> ids) throws Exception {
    List<String> ordered = new ArrayList<>(ids);
    Collections.sort(ordered);
    Instant open = TestClock.now().plus(LEAD);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      rows.add(new Object[] {Timestamp.from(spread(open, i)), ordered.get(i)});
    }
    jdbc.batchUpdate("update access_elevation set expires_at = ? where id = ?", rows);
    int moved = jdbc.update("""
        update act_ru_job j set duedate_ = e.expires_at from access_elevation e, act_ru_jobdef d
        where j.process_instance_id_ = e.process_instance_id and d.id_ = j.job_def_id_
          and d.act_id_ = 'TimerEvent_UntilExpiry' and e.id = any(?)
        """, (Object) ordered.toArray(String[]::new));
    if (moved != ordered.size()) {
      throw new AssertionError("moved " + moved + " expiry timers of " + ordered.size());
    }
    waitUntilPast(open.plus(WINDOW));
    long deadline = System.nanoTime() + WINDOW.multipliedBy(3).toNanos();
    String[] array = ordered.toArray(String[]::new);
    while (true) {
      Integer left = jdbc.queryForObject("select count(*) from access_elevation where id = any(?) and verified_at is null",
          Integer.class, (Object) array);
      if (left == null || left == 0 || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(500);
    }
    List<Long> late = new ArrayList<>();
    Instant[] last = {open};
    jdbc.query("select expires_at, verified_at from access_elevation where id = any(?) and verified_at is not null",
        rs -> {
          Instant verified = rs.getTimestamp("verified_at").toInstant();
          late.add(Duration.between(rs.getTimestamp("expires_at").toInstant(), verified).toMillis());
          if (verified.isAfter(last[0])) {
            last[0] = verified;
          }
        }, (Object) array);
    return Lateness.of(late, Duration.between(open, last[0]));
  }

  private static Instant spread(Instant open, int i) {
    return open.plusMillis(WINDOW.toMillis() * i / ELEVATIONS);
  }

  private static void waitUntilPast(Instant at) throws InterruptedException {
    while (TestClock.now().isBefore(at)) {
      Thread.sleep(500);
    }
  }

  private static String login(String run, int i) {
    return "bench-" + run + "-" + i;
  }

  private static String employee(String run, int i) {
    return "BE" + run.toUpperCase(Locale.ROOT) + "N" + i;
  }

  /** Lateness figures of one phase. */
  private record Lateness(int count, long p50, long p99, long max, double lastSeconds) {
    static Lateness of(List<Long> late, Duration last) {
      Collections.sort(late);
      if (late.isEmpty()) {
        return new Lateness(0, 0, 0, 0, last.toMillis() / 1e3);
      }
      return new Lateness(late.size(), late.get(late.size() / 2), late.get(Math.min(late.size() - 1,
          (int) Math.ceil(late.size() * 0.99) - 1)), late.get(late.size() - 1), last.toMillis() / 1e3);
    }
  }
}
