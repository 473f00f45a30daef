package org.itgc.notify;

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
}
