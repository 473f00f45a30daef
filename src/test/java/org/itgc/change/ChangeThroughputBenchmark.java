package org.itgc.change;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Throughput of the full change path (request, assessment, technical review, CAB, IT and finance approval,
 * implementation, post-implementation review, close) with the project's glue, against a raw-engine baseline of the
 * same model (its copy with every call into the glue replaced by a no-op, started with the same data) without it,
 * both on the same embedded PostgreSQL in one run. The project side also runs with the users' identities, so the
 * engine's authorization checks are part of its cost.
 * A third side runs the same path as people do, through Tasklist's own REST API (start form, task list, claim,
 * submit-form) with logged-in sessions, so that the HTTP layer and the engine surface guard are measured too.
 * Prints figures; asserts nothing about time. Run: {@code ./mvnw verify -Pbenchmark}.
 */
@IntegrationTest
class ChangeThroughputBenchmark {

  private static final int WARM_UP = Integer.getInteger("benchmark.warmup", 20);
  private static final int ROUNDS = 4;
  private static final int CHANGES = Integer.getInteger("benchmark.changes", 200) / ROUNDS * ROUNDS;
  private static final List<String[]> STEPS = List.of(
      new String[] {"sofia", "system-owner", ChangeProcess.Elements.TECHNICAL_REVIEW},
      new String[] {"carlos", "cab", ChangeProcess.Elements.CAB_REVIEW},
      new String[] {"ivan", "it-approver", ChangeProcess.Elements.IT_APPROVAL},
      new String[] {"fiona", "finance-approver", ChangeProcess.Elements.FINANCE_APPROVAL},
      new String[] {"dmitri", "deployer", ChangeProcess.Elements.IMPLEMENT},
      new String[] {"sofia", "system-owner", ChangeProcess.Elements.POST_IMPLEMENTATION_REVIEW});

  @Autowired ChangeService changes;
  @Autowired RuntimeService runtimeService;
  @Autowired TaskService taskService;
  @Autowired IdentityService identityService;
  @Autowired RepositoryService repositoryService;
  @Autowired org.springframework.context.ConfigurableApplicationContext context;

  private static final String API = "/camunda/api/engine/engine/default";

  @org.springframework.boot.test.web.server.LocalServerPort int port;
  private final Map<String, WebSession> sessions = new java.util.HashMap<>();
  /** Time spent in each kind of call of the Tasklist side (warm-up included), to see where its cost lies. */
  private final Map<String, Long> callNanos = new java.util.TreeMap<>();
  private int slot;

  @Test
  void changesPerSecondWithTheProjectGlueAgainstTheRawEngine() throws java.io.IOException {
    // the raw baseline runs the very same model, with every call into the project's glue replaced by a no-op
    context.getBeanFactory().registerSingleton("benchmarkNoGlue", new NoGlue());
    String model = Files.readString(Path.of("processes", "change-request.bpmn"))
        .replace("id=\"change-request\"", "id=\"benchmark-raw-change\"")
        .replace("${changeProcess.", "${benchmarkNoGlue.");
    repositoryService.createDeployment().name("benchmark-raw").addString("benchmark-raw-change.bpmn", model)
        .enableDuplicateFiltering(true).deploy();
    for (String[] step : STEPS) {
      sessions.computeIfAbsent(step[0], user -> WebSession.tasklist(port, user, Http.DEMO_PASSWORD));
    }
    sessions.put("rachel", WebSession.tasklist(port, "rachel", Http.DEMO_PASSWORD));
    for (int i = 0; i < WARM_UP; i++) {
      projectChange();
      rawChange();
      tasklistChange();
    }
    // alternate rounds, so that drift (JIT, caches, table growth) weighs on both sides alike
    long projectNanos = 0;
    long rawNanos = 0;
    long tasklistNanos = 0;
    for (int round = 0; round < ROUNDS; round++) {
      projectNanos += time(this::projectChange, CHANGES / ROUNDS);
      rawNanos += time(this::rawChange, CHANGES / ROUNDS);
      tasklistNanos += time(this::tasklistChange, CHANGES / ROUNDS);
    }
    double project = CHANGES / (projectNanos / 1e9);
    double raw = CHANGES / (rawNanos / 1e9);
    double tasklist = CHANGES / (tasklistNanos / 1e9);
    System.out.printf("%nBENCHMARK change path, %d changes each (%d alternating rounds) after %d warm-up, "
        + "embedded PostgreSQL, history full%n", CHANGES, ROUNDS, WARM_UP);
    System.out.printf("BENCHMARK raw engine, same BPMN shape:   %8.1f changes/s (%.1f ms per change)%n", raw,
        rawNanos / 1e6 / CHANGES);
    System.out.printf("BENCHMARK ITGC Engine with its glue:      %8.1f changes/s (%.1f ms per change)%n", project,
        projectNanos / 1e6 / CHANGES);
    System.out.printf("BENCHMARK ratio project / raw:            %8.2f%n", project / raw);
    System.out.printf("BENCHMARK ITGC Engine through Tasklist's API: %8.1f changes/s (%.1f ms per change; HTTP, "
        + "sessions, CSRF, the surface guard)%n", tasklist, tasklistNanos / 1e6 / CHANGES);
    System.out.printf("BENCHMARK ratio Tasklist's API / raw:     %8.2f%n", tasklist / raw);
    long measured = CHANGES + WARM_UP;
    callNanos.forEach((call, nanos) -> System.out.printf("BENCHMARK   Tasklist's API, %-24s %6.1f ms per change%n", call,
        nanos / 1e6 / measured));
    System.out.println();
  }

  private long time(Runnable change, int count) {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      change.run();
    }
    return System.nanoTime() - start;
  }

  private ChangeRequestInput input() {
    Instant start = Instant.parse("2027-02-01T00:00:00Z").plus(slot++, ChronoUnit.HOURS);
    return new ChangeRequestInput("Benchmark change " + slot, "ERP-GL", "normal", null, "Raise the posting limit",
        "Quarter-end volumes", true, "Apply through the pipeline", true, "Re-apply the previous value", start,
        start.plus(30, ChronoUnit.MINUTES), null, List.of(), "Regression run passed", List.of());
  }

  private void projectChange() {
    // one-hour slots that never overlap, so that collision checks find nothing and every change is alike
    String id = changes.submit(input(), "rachel", List.of("requester"));
    String pid = runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id).singleResult().getId();
    for (String[] step : STEPS) {
      var task = taskService.createTaskQuery().processInstanceId(pid).taskDefinitionKey(step[2]).singleResult();
      identityService.setAuthentication(step[0], List.of(step[1]));
      try {
        taskService.claim(task.getId(), step[0]);
        taskService.complete(task.getId(), variables(step[2]));
      } finally {
        identityService.clearAuthentication();
      }
    }
  }

  /**
   * The people's path: rachel submits Tasklist's start form and each approver finds, claims and completes their task
   * through Tasklist's own REST API with a logged-in session and its CSRF token, so HTTP, the session, the surface
   * guard (form fields, refusals) and JSON are part of the cost.
   */
  private void tasklistChange() {
    Map<String, Object> start = new java.util.HashMap<>(ChangeService.toVariables(input()));
    start.values().removeIf(java.util.Objects::isNull);
    long t0 = System.nanoTime();
    var started = sessions.get("rachel").api("POST", API + "/process-definition/key/change-request/submit-form",
        typed(start));
    callNanos.merge("start (submit-form)", System.nanoTime() - t0, Long::sum);
    if (started.status() != 200) {
      throw new IllegalStateException("start through Tasklist's API: " + started.status() + " " + started.body());
    }
    String pid = json(started.body()).get("id").asText();
    for (String[] step : STEPS) {
      WebSession session = sessions.get(step[0]);
      long t1 = System.nanoTime();
      var tasks = session.api("GET", API + "/task?processInstanceId=" + pid + "&taskDefinitionKey=" + step[2], null);
      String taskId = json(tasks.body()).get(0).get("id").asText();
      long t2 = System.nanoTime();
      var claim = session.api("POST", API + "/task/" + taskId + "/claim", Http.json(Map.of("userId", step[0])));
      long t3 = System.nanoTime();
      var done = session.api("POST", API + "/task/" + taskId + "/submit-form", typed(variables(step[2])));
      long t4 = System.nanoTime();
      callNanos.merge("task list (GET)", t2 - t1, Long::sum);
      callNanos.merge("claim", t3 - t2, Long::sum);
      callNanos.merge("complete (submit-form)", t4 - t3, Long::sum);
      if (claim.status() != 204 || done.status() != 204) {
        throw new IllegalStateException(step[0] + " at " + step[2] + ": " + claim.status() + ", " + done.status()
            + " " + done.body());
      }
    }
  }

  private static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new java.util.HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String body) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(body, e);
    }
  }

  private void rawChange() {
    // the same request data as the project's change, plus what registration would have derived
    Map<String, Object> variables = new java.util.HashMap<>(ChangeService.toVariables(input()));
    variables.putAll(Map.of("changeId", "RAW-" + slot, "requester", "rachel", "systemTier", "tier1",
        "outsideMaintenanceWindow", false, "scheduleConflict", false, "scheduleFindings", "none"));
    String pid = runtimeService.startProcessInstanceByKey("benchmark-raw-change", variables).getId();
    for (String[] step : STEPS) {
      var task = taskService.createTaskQuery().processInstanceId(pid).taskDefinitionKey(step[2]).singleResult();
      taskService.claim(task.getId(), step[0]);
      taskService.complete(task.getId(), variables(step[2]));
    }
  }

  private static Map<String, Object> variables(String taskKey) {
    return switch (taskKey) {
      case ChangeProcess.Elements.IMPLEMENT -> Map.of("deploymentReference", "run", "implementationNotes", "done");
      case ChangeProcess.Elements.POST_IMPLEMENTATION_REVIEW -> Map.of("reviewOutcome", "success", "reviewComment", "ok");
      default -> Map.of("decision", "approve", "comment", "ok");
    };
  }

  /** Stands in for {@link ChangeProcessGlue} in the baseline: every step does nothing. */
  public static class NoGlue {
    public void register(Object execution) {}
    public void recordAssessment(Object execution) {}
    public void decide(Object task) {}
    public void readyForImplementation(Object task) {}
    public void implement(Object task) {}
    public void review(Object task) {}
    public void rollBack(Object task) {}
    public void reject(Object execution) {}
    public void close(Object execution) {}
    public void openFollowUp(Object execution) {}
    public void emergencyApprovalOverdue(Object execution) {}
  }
}
