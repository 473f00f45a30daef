package org.itgc.reminders;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reminders at volume: 10,000 open tasks due within the reminder horizon, none reminded yet; one deadline check must
 * remind every one of them (a reminder row and a queued mail each). Baseline in the same run: the engine's own task
 * query over the same due tasks plus the candidate-group read a reminder needs, task by task. Prints figures,
 * asserts only that every task got its reminder. Run: {@code ./mvnw verify -Pbenchmark} (size with
 * {@code -Dbenchmark.dueTasks=...}).
 */
@IntegrationTest
class TaskDeadlinesBenchmark {

  private static final int TASKS = Integer.getInteger("benchmark.dueTasks", 10_000);

  @Autowired TaskDeadlines deadlines;
  @Autowired RepositoryService repositoryService;
  @Autowired RuntimeService runtimeService;
  @Autowired TaskService taskService;
  @Autowired JdbcTemplate jdbc;

  @Test
  void everyOneOfTenThousandDueTasksIsReminded() {
    if (repositoryService.createProcessDefinitionQuery().processDefinitionKey("it-group-tasks").count() == 0) {
      repositoryService.createDeployment().name("task-deadlines-benchmark")
          .addClasspathResource("it-models/group-tasks.bpmn").deploy();
    }
    String run = java.util.UUID.randomUUID().toString().substring(0, 8);
    long setupStart = System.nanoTime();
    List<String> instances = new java.util.ArrayList<>();
    for (int i = 0; i < TASKS / 2; i++) { // two tasks per instance
      instances.add(runtimeService.startProcessInstanceByKey("it-group-tasks", "DUE-" + run + "-" + i).getId());
    }
    Instant due = TestClock.now().plus(Duration.ofHours(2));
    // due dates set in one statement (saving 10,000 tasks one by one would measure the setup, not the check)
    int dated = 0;
    for (int from = 0; from < instances.size(); from += 1000) {
      dated += jdbc.update("update act_ru_task set due_date_ = ? where proc_inst_id_ = any(?)",
          java.sql.Timestamp.from(due), (Object) instances.subList(from, Math.min(instances.size(), from + 1000))
              .toArray(String[]::new));
    }
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

    // baseline: the engine reads the same due tasks and each one's candidate groups
    long baselineStart = System.nanoTime();
    Date horizon = Date.from(TestClock.now().plus(Duration.ofHours(24)));
    long links = 0;
    int read = 0;
    for (int page = 0; ; page++) {
      var tasks = taskService.createTaskQuery().dueBefore(horizon).processInstanceBusinessKeyLike("DUE-" + run + "-%")
          .orderByDueDate().asc().orderByTaskId().asc().listPage(page * 500, 500);
      for (var task : tasks) {
        links += taskService.getIdentityLinksForTask(task.getId()).size();
      }
      read += tasks.size();
      if (tasks.size() < 500) {
        break;
      }
    }
    double baselineSeconds = (System.nanoTime() - baselineStart) / 1e9;

    long checkStart = System.nanoTime();
    int looked = deadlines.check(500);
    double checkSeconds = (System.nanoTime() - checkStart) / 1e9;
    String[] ids = taskService.createTaskQuery().processInstanceBusinessKeyLike("DUE-" + run + "-%").list().stream()
        .map(org.camunda.bpm.engine.task.Task::getId).toArray(String[]::new);
    int reminded = jdbc.queryForObject("select count(*) from task_deadline_notice where kind = 'reminder' "
        + "and task_id = any(?)", Integer.class, (Object) ids);
    if (dated != TASKS || reminded != TASKS) {
      throw new AssertionError("tasks dated " + dated + ", reminded " + reminded + " of " + TASKS);
    }
    System.out.printf("""
        BENCHMARK task deadlines: %,d due tasks (set up in %.1f s), none reminded before
          baseline  engine query of the due tasks + candidate groups: %,d tasks, %,d links in %.2f s (%,.0f tasks/s)
          check     one deadline check reminded %,d of %,d (looked at %,d) in %.2f s (%,.0f tasks/s), %.1fx the baseline's time
        """, TASKS, setupSeconds, read, links, baselineSeconds, read / baselineSeconds, reminded, TASKS, looked,
        checkSeconds, reminded / checkSeconds, checkSeconds / baselineSeconds);
    runtimeService.deleteProcessInstances(instances, "benchmark done", true, true);
  }
}
