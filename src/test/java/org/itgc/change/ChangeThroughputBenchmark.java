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
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Throughput of the full change path (request, assessment, technical review, CAB, IT and finance approval,
 * implementation, post-implementation review, close) with the project's glue, against a raw-engine baseline of the
 * same model (its copy with every call into the glue replaced by a no-op, started with the same data) without it,
 * both on the same embedded PostgreSQL in one run. The project side also runs with the users' identities, so the
 * engine's authorization checks are part of its cost.
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
    for (int i = 0; i < WARM_UP; i++) {
      projectChange();
      rawChange();
    }
    // alternate rounds, so that drift (JIT, caches, table growth) weighs on both sides alike
    long projectNanos = 0;
    long rawNanos = 0;
    for (int round = 0; round < ROUNDS; round++) {
      projectNanos += time(this::projectChange, CHANGES / ROUNDS);
      rawNanos += time(this::rawChange, CHANGES / ROUNDS);
    }
    double project = CHANGES / (projectNanos / 1e9);
    double raw = CHANGES / (rawNanos / 1e9);
    System.out.printf("%nBENCHMARK change path, %d changes each (%d alternating rounds) after %d warm-up, "
        + "embedded PostgreSQL, history full%n", CHANGES, ROUNDS, WARM_UP);
    System.out.printf("BENCHMARK raw engine, same BPMN shape:   %8.1f changes/s (%.1f ms per change)%n", raw,
        rawNanos / 1e6 / CHANGES);
    System.out.printf("BENCHMARK ITGC Engine with its glue:      %8.1f changes/s (%.1f ms per change)%n", project,
        projectNanos / 1e6 / CHANGES);
    System.out.printf("BENCHMARK ratio project / raw:            %8.2f%n%n", project / raw);
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
