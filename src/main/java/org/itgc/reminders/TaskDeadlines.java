package org.itgc.reminders;

import org.itgc.notify.Notifier;
import org.itgc.platform.SchedulingConfiguration;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.ModelProperties;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reminder mails before a user task's due date and escalation mails after it, for every process: to the assignee
 * (or the members of the candidate groups), and on escalation to the governance leads too. Each task gets at most
 * one reminder and one escalation, recorded in {@code task_deadline_notice}; its primary key makes that hold with
 * several nodes. The control a task operates comes from the model's {@code controlId} property. Tasks whose model
 * handles its deadline with timers ({@link #DEADLINE_TIMERS}) are left to it.
 */
@Component
public class TaskDeadlines {

  /**
   * A user task whose model has this property set to {@code model} sends its own reminder and escalation with timer
   * events (access-revocation's removal, whose escalation raises a control exception); it gets no mail from here.
   */
  public static final String DEADLINE_TIMERS = "deadlineTimers";

  static final int PAGE = 500;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TaskDeadlines.class);

  private final TaskService taskService;
  private final org.camunda.bpm.engine.ManagementService managementService;
  private final RepositoryService repositoryService;
  private final org.camunda.bpm.engine.RuntimeService runtimeService;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final Duration reminderBefore;
  private final String baseUrl;

  TaskDeadlines(TaskService taskService, org.camunda.bpm.engine.ManagementService managementService,
      RepositoryService repositoryService,
      org.camunda.bpm.engine.RuntimeService runtimeService, UserAccounts users, Notifier notifier,
      AuditRecorder audit, JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock,
      @Value("${itgc.tasks.reminder-before:PT24H}") Duration reminderBefore, @Value("${itgc.base-url}") String baseUrl) {
    this.taskService = taskService;
    this.managementService = managementService;
    this.repositoryService = repositoryService;
    this.runtimeService = runtimeService;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
    this.reminderBefore = reminderBefore;
    this.baseUrl = baseUrl;
  }

  @Scheduled(fixedDelayString = "${itgc.tasks.deadline-check-interval:PT1M}", initialDelayString = "PT30S", scheduler = SchedulingConfiguration.DEADLINES)
  public void check() {
    check(PAGE);
  }

  /**
   * Every active task due before the reminder horizon that still lacks its notice (a reminder before its due time,
   * an escalation after it), however many there are: pages of {@code pageSize} by due date and id, each page
   * starting after the last task of the one before, and only tasks whose notice is still missing. Returns how many
   * tasks were looked at.
   */
  int check(int pageSize) {
    Instant now = clock.instant();
    Date horizon = Date.from(now.plus(reminderBefore));
    String table = managementService.getTableName(Task.class);
    Date lastDue = new Date(0);
    String lastId = "";
    int seen = 0;
    while (true) {
      List<Task> due = taskService.createNativeTaskQuery().sql("select T.* from " + table + " T "
          + "where T.SUSPENSION_STATE_ = 1 and T.DUE_DATE_ is not null and T.DUE_DATE_ < #{horizon} "
          + "and (T.DUE_DATE_ > #{lastDue} or (T.DUE_DATE_ = #{lastDue} and T.ID_ > #{lastId})) "
          + "and not exists (select 1 from task_deadline_notice N where N.task_id = T.ID_ and N.kind = "
          + "case when T.DUE_DATE_ > #{now} then 'reminder' else 'escalation' end) "
          + "order by T.DUE_DATE_, T.ID_")
          .parameter("horizon", horizon).parameter("lastDue", lastDue).parameter("lastId", lastId)
          .parameter("now", Date.from(now)).listPage(0, pageSize);
      for (Task task : due) {
        String kind = task.getDueDate().toInstant().isAfter(now) ? "reminder" : "escalation";
        try {
          transactions.executeWithoutResult(status -> notify(task, kind, now));
        } catch (RuntimeException e) {
          // one task that cannot be notified (a task without a process, a model gone) does not stop the others
          log.warn("No {} for task {} ({}): {}", kind, task.getId(), task.getName(), e.getMessage());
        }
      }
      seen += due.size();
      if (due.size() < pageSize) {
        return seen;
      }
      Task last = due.get(due.size() - 1);
      lastDue = last.getDueDate();
      lastId = last.getId();
    }
  }

  private void notify(Task task, String kind, Instant now) {
    Integer sent = jdbc.queryForObject("select count(*) from task_deadline_notice where task_id = ? and kind = ?",
        Integer.class, task.getId(), kind);
    if (sent != null && sent > 0) {
      return;
    }
    UserTask element = repositoryService.getBpmnModelInstance(task.getProcessDefinitionId())
        .getModelElementById(task.getTaskDefinitionKey());
    if (ModelProperties.of(element, DEADLINE_TIMERS).map("model"::equals).orElse(false)) {
      return;
    }
    Set<String> recipients = new LinkedHashSet<>();
    if (task.getAssignee() != null) {
      users.email(task.getAssignee()).ifPresent(recipients::add);
    }
    if (recipients.isEmpty() || "escalation".equals(kind)) {
      taskService.getIdentityLinksForTask(task.getId()).stream()
          .filter(link -> IdentityLinkType.CANDIDATE.equals(link.getType()) && link.getGroupId() != null)
          .forEach(link -> Role.fromGroupId(link.getGroupId()).ifPresent(role -> recipients.addAll(users.emailsOf(role))));
    }
    if ("escalation".equals(kind)) {
      recipients.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
    }
    if (recipients.isEmpty()) {
      return;
    }
    int inserted = jdbc.update(con -> {
      var ps = con.prepareStatement("insert into task_deadline_notice (task_id, kind, due_at, sent_at, recipients) "
          + "values (?, ?, ?, ?, ?) on conflict do nothing");
      ps.setString(1, task.getId());
      ps.setString(2, kind);
      ps.setTimestamp(3, new Timestamp(task.getDueDate().getTime()));
      ps.setTimestamp(4, Timestamp.from(now));
      ps.setArray(5, con.createArrayOf("varchar", recipients.toArray()));
      return ps;
    });
    if (inserted == 0) {
      return;
    }
    var definition = repositoryService.getProcessDefinition(task.getProcessDefinitionId());
    var instance = task.getProcessInstanceId() == null ? null
        : runtimeService.createProcessInstanceQuery().processInstanceId(task.getProcessInstanceId()).singleResult();
    String businessKey = instance == null ? "" : instance.getBusinessKey() != null ? instance.getBusinessKey()
        : instance.getId();
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("recipientName", "colleague");
    variables.put("taskName", task.getName());
    variables.put("processName", definition.getName() == null ? definition.getKey() : definition.getName());
    variables.put("businessKey", businessKey);
    variables.put("dueDate", task.getDueDate().toInstant().toString());
    variables.put("tasklistUrl", baseUrl + "/camunda/app/tasklist/default/#/?task=" + task.getId());
    variables.put("assignee", task.getAssignee() == null ? "nobody yet" : task.getAssignee());
    variables.put("controlId", ModelProperties.of(element, "controlId").orElse("-"));
    notifier.send("reminder".equals(kind) ? "task-reminder" : "task-escalation", recipients, variables);
    audit.record(AuditEvent.system("task." + kind, "task", task.getId()).detail("taskName", task.getName())
        .detail("businessKey", businessKey).detail("dueDate", variables.get("dueDate"))
        .detail("recipients", List.copyOf(recipients)).build());
  }
}
