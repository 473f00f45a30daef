package org.itgc.reminders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.TaskService;
import org.itgc.support.TestClock;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;

/** Reminder mails before a task's due date and escalation mails after it, once each. */
@IntegrationTest
@DateSensitive
class TaskDeadlinesIT {

  @LocalServerPort int port;
  @Autowired TaskDeadlines deadlines;
  @Autowired TaskService taskService;
  @Autowired org.camunda.bpm.engine.RepositoryService repositoryService;
  @Autowired org.camunda.bpm.engine.RuntimeService runtimeService;
  @Autowired JdbcTemplate jdbc;

  @Test
  void anApprovalTaskGetsOneReminderBeforeItsDueDateAndOneEscalationAfterIt() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", "Deadline test");
    body.put("systemId", "PAYROLL");
    body.put("changeType", "normal");
    body.put("description", "d");
    body.put("justification", "j");
    body.put("implementationPlan", "p");
    body.put("hasTestedRollback", true);
    body.put("rollbackPlan", "r");
    // a Wednesday evening (PAYROLL's maintenance window) a month after the clock's today
    var wednesday = TestClock.today(java.time.ZoneId.of("America/New_York")).plusDays(30)
        .with(java.time.temporal.TemporalAdjusters.nextOrSame(java.time.DayOfWeek.WEDNESDAY));
    body.put("plannedStart", wednesday + "T20:30:00");
    body.put("plannedEnd", wednesday + "T21:30:00");
    body.put("testEvidence", "tested");
    var created = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    var task = taskService.createTaskQuery().processInstanceBusinessKey(id).singleResult();
    assertThat(task.getDueDate()).as("approval tasks carry a due date").isNotNull();

    task.setDueDate(Date.from(TestClock.now().plus(Duration.ofHours(2))));
    taskService.saveTask(task);
    deadlines.check();
    var reminder = TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Reminder: Technical review") && TestMailServer.body(m).contains(id),
        Duration.ofSeconds(20));
    assertThat(List.of(reminder.getAllRecipients()).toString()).contains("sofia@demo.itgc.local");

    task.setDueDate(Date.from(TestClock.now().minus(Duration.ofHours(1))));
    taskService.saveTask(task);
    deadlines.check();
    deadlines.check();
    var escalation = TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Overdue: Technical review") && TestMailServer.subject(m).contains(id),
        Duration.ofSeconds(20));
    assertThat(List.of(escalation.getAllRecipients()).toString()).contains("sofia@demo.itgc.local", "grace@demo.itgc.local");
    assertThat(TestMailServer.body(escalation)).contains("CM-02");
    assertThat(jdbc.queryForObject("select count(*) from task_deadline_notice where task_id = ?", Integer.class,
        task.getId())).as("one reminder and one escalation, never repeated").isEqualTo(2);
  }

  @Test
  void everyDueTaskGetsItsReminderHoweverManyAreDueAndHoweverManyWereRemindedBefore() {
    if (repositoryService.createProcessDefinitionQuery().processDefinitionKey("it-group-tasks").count() == 0) {
      repositoryService.createDeployment().name("task-deadlines-it").addClasspathResource("it-models/group-tasks.bpmn")
          .deploy();
    }
    String run = java.util.UUID.randomUUID().toString().substring(0, 8);
    List<org.camunda.bpm.engine.task.Task> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String instance = runtimeService.startProcessInstanceByKey("it-group-tasks", "PAGING-" + run + "-" + i).getId();
      tasks.addAll(taskService.createTaskQuery().processInstanceId(instance).list());
    }
    Instant due = TestClock.now().plus(Duration.ofHours(2));
    for (var task : tasks) {
      task.setDueDate(Date.from(due));
      taskService.saveTask(task);
    }
    // six of them were reminded before: with pages of five they would fill the first page if the check paged over
    // all due tasks instead of the ones still missing their reminder
    List<String> ids = tasks.stream().map(org.camunda.bpm.engine.task.Task::getId).sorted().toList();
    for (String id : ids.subList(0, 6)) {
      jdbc.update("insert into task_deadline_notice (task_id, kind, due_at, sent_at, recipients) "
          + "values (?, 'reminder', ?, now(), '{}')", id, java.sql.Timestamp.from(due));
    }
    assertThat(deadlines.check(5)).as("tasks looked at").isGreaterThanOrEqualTo(8);
    assertThat(jdbc.queryForObject("select count(*) from task_deadline_notice where kind = 'reminder' and task_id = any(?)",
        Integer.class, (Object) ids.toArray(String[]::new))).as("all 14 reminded").isEqualTo(14);
    assertThat(jdbc.queryForObject("select count(*) from task_deadline_notice where kind = 'reminder' and task_id = any(?) "
        + "and cardinality(recipients) > 0", Integer.class, (Object) ids.toArray(String[]::new)))
        .as("the eight not reminded before got a mail now").isEqualTo(8);
    tasks.stream().map(org.camunda.bpm.engine.task.Task::getProcessInstanceId).distinct()
        .forEach(instance -> runtimeService.deleteProcessInstance(instance, "test done"));
  }
}
