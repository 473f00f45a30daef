package org.itgc.change;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Throughput of the full change path (request, assessment, technical review, CAB, IT and finance approval,
 * implementation, post-implementation review, close) with the project's glue, against a raw-engine baseline of the
 * same BPMN shape (same decision, same user tasks) without it, both on the same embedded PostgreSQL in one run.
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

  private int slot;

  @Test
  void changesPerSecondWithTheProjectGlueAgainstTheRawEngine() {
    repositoryService.createDeployment().name("benchmark-raw").addModelInstance("benchmark-raw-change.bpmn", rawModel())
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

  private void projectChange() {
    // one-hour slots that never overlap, so that collision checks find nothing and every change is alike
    Instant start = Instant.parse("2027-02-01T00:00:00Z").plus(slot++, ChronoUnit.HOURS);
    var input = new ChangeRequestInput("Benchmark change " + slot, "ERP-GL", "normal", null, "d", "j", true, "p", true,
        "r", start, start.plus(30, ChronoUnit.MINUTES), null, List.of(), "tested", List.of());
    String id = changes.submit(input, "rachel", List.of("requester"));
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
    Map<String, Object> variables = Map.of("changeType", "normal", "systemTier", "tier1", "touchesFinancialData", true,
        "hasTestedRollback", true, "outsideMaintenanceWindow", false);
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

  private static BpmnModelInstance rawModel() {
    var builder = Bpmn.createExecutableProcess("benchmark-raw-change").camundaHistoryTimeToLive(1)
        .startEvent().serviceTask("Raw_Register").camundaExpression("${true}")
        .businessRuleTask("Raw_Assess").camundaDecisionRef("change-criticality").camundaMapDecisionResult("singleResult")
        .camundaResultVariable("assessment");
    org.camunda.bpm.model.bpmn.builder.AbstractFlowNodeBuilder<?, ?> next = builder;
    for (String[] step : STEPS) {
      next = next.userTask(step[2]).camundaCandidateGroups(step[1]);
    }
    return next.serviceTask("Raw_Close").camundaExpression("${true}").endEvent().done();
  }
}
