package org.itgc.portal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.itgc.access.Revocations;
import org.itgc.audit.AuditCheckpoints;
import org.itgc.certification.Campaigns;
import org.itgc.controls.ControlExceptions;
import org.itgc.controls.ControlPopulations;
import org.itgc.controls.ControlsCatalogue;
import org.itgc.integrity.ModelChanges;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.stereotype.Service;

/**
 * The populations behind the dashboard's figures, each a {@link Table}: a control's population, its exceptions, the
 * revocations and their SLA breaches, overdue approvals, a campaign's reviewers, pending model changes and the signed
 * checkpoints. Every figure of the dashboard links to one of these with the same period and filter, so that the count
 * shown is the number of rows listed.
 */
@Service
class GovernanceLists {

  /** The lists by name, as the dashboard links them. */
  static final List<String> NAMES = List.of("population", "exceptions", "removals", "sla-breaches",
      "overdue-approvals", "open-approvals", "campaign", "model-changes", "checkpoints");

  private final ControlsCatalogue catalogue;
  private final ControlPopulations populations;
  private final ControlExceptions exceptions;
  private final Revocations revocations;
  private final TaskService tasks;
  private final RepositoryService repository;
  private final Campaigns campaigns;
  private final ModelChanges modelChanges;
  private final AuditCheckpoints checkpoints;
  private final Clock clock;

  GovernanceLists(ControlsCatalogue catalogue, ControlPopulations populations, ControlExceptions exceptions,
      Revocations revocations, TaskService tasks, RepositoryService repository, Campaigns campaigns,
      ModelChanges modelChanges, AuditCheckpoints checkpoints, Clock clock) {
    this.catalogue = catalogue;
    this.populations = populations;
    this.exceptions = exceptions;
    this.revocations = revocations;
    this.tasks = tasks;
    this.repository = repository;
    this.campaigns = campaigns;
    this.modelChanges = modelChanges;
    this.checkpoints = checkpoints;
    this.clock = clock;
  }

  /** A list by name for a period; {@code key} names the control, campaign or status where the list needs one. */
  Table table(String name, Period period, String key, String status) {
    return switch (name) {
      case "population" -> population(control(key), period);
      case "exceptions" -> exceptions(key == null || key.isBlank() ? null : control(key), status(status), period);
      case "removals" -> removals(period, false);
      case "sla-breaches" -> removals(period, true);
      case "overdue-approvals" -> approvals(true);
      case "open-approvals" -> approvals(false);
      case "campaign" -> campaign(key);
      case "model-changes" -> modelChanges();
      case "checkpoints" -> checkpoints(period);
      default -> throw new NotFoundException("list", name);
    };
  }

  private String control(String id) {
    if (id == null || catalogue.find(id).isEmpty()) {
      throw new NotFoundException("control", String.valueOf(id));
    }
    return id;
  }

  private static String status(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    if (!List.of("open", "closed").contains(status)) {
      throw new BadRequestException("status", "must be open or closed");
    }
    return status;
  }

  Table population(String control, Period period) {
    return Table.ofMaps("Population of " + control, populations.of(control, period.from(), period.to()),
        List.of("item_id", "audit_object_id"));
  }

  Table exceptions(String control, String status, Period period) {
    var slice = exceptions.raisedBetween(control, status, period.from(), period.to(), 0, Integer.MAX_VALUE);
    List<List<Object>> rows = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (var e : slice.rows()) {
      rows.add(cells(e.id(), e.controlId(), e.objectType(), e.objectId(), e.summary(), e.raisedAt(), e.status()));
      links.add(Table.linkOf(e.objectId(), e.objectType()));
    }
    String title = (status == null ? "Exceptions" : status.equals("open") ? "Open exceptions" : "Closed exceptions")
        + (control == null ? "" : " of " + control);
    return new Table(title, List.of("id", "control", "object_type", "object_id", "summary", "raised_at", "status"), rows,
        links);
  }

  /** A removal breaches its SLA when it took longer, or when it is still open past its deadline. */
  static boolean breached(Revocations.Item item, Instant now) {
    return Boolean.FALSE.equals(item.metSla())
        || (item.removedAt() == null && item.deadline() != null && item.deadline().isBefore(now));
  }

  List<Revocations.Item> removalsOf(Period period) {
    return revocations.report(period.from(), period.to());
  }

  private Table removals(Period period, boolean breachesOnly) {
    Instant now = clock.instant();
    List<List<Object>> rows = new ArrayList<>();
    for (var i : removalsOf(period)) {
      if (!breachesOnly || breached(i, now)) {
        rows.add(cells(i.revocationId(), i.identityId(), i.reason(), i.systemId(), i.entitlementId(), i.triggeredAt(),
            i.slaBusinessDays(), i.deadline(), i.removedAt(), i.businessDaysTaken(), i.metSla(), i.status()));
      }
    }
    return new Table(breachesOnly ? "Removals past their SLA" : "Removals (revocations triggered in the period)",
        List.of("revocation_id", "identity_id", "reason", "system_id", "entitlement_id", "triggered_at",
            "sla_business_days", "deadline", "removed_at", "business_days_taken", "met_sla", "status"), rows, null);
  }

  /** Open user tasks, oldest first; only those past their due date when {@code overdueOnly}. */
  List<Task> openTasks(boolean overdueOnly) {
    var query = tasks.createTaskQuery().active();
    if (overdueOnly) {
      query = query.dueBefore(java.util.Date.from(clock.instant()));
    }
    return query.orderByTaskCreateTime().asc().list();
  }

  private Table approvals(boolean overdueOnly) {
    Instant now = clock.instant();
    List<List<Object>> rows = new ArrayList<>();
    var names = new java.util.HashMap<String, String>();
    for (Task t : openTasks(overdueOnly)) {
      String process = t.getProcessDefinitionId() == null ? "" : names.computeIfAbsent(t.getProcessDefinitionId(),
          id -> repository.getProcessDefinition(id).getName());
      Instant created = t.getCreateTime().toInstant();
      Instant due = t.getDueDate() == null ? null : t.getDueDate().toInstant();
      rows.add(cells(t.getId(), t.getName(), process, t.getAssignee(), created, due,
          Duration.between(created, now).toDays(), due == null ? null : Math.max(0, Duration.between(due, now).toDays())));
    }
    return new Table(overdueOnly ? "Approvals past their due date" : "Open approvals",
        List.of("task_id", "task", "process", "assignee", "created", "due", "age_days", "days_overdue"), rows, null);
  }

  private Table campaign(String id) {
    if (id == null) {
      throw new BadRequestException("key", "names the campaign");
    }
    var progress = campaigns.summary(id);
    List<List<Object>> rows = new ArrayList<>();
    for (var r : progress.reviewers()) {
      rows.add(cells(r.reviewer(), r.items(), r.decided(), r.items() - r.decided(), r.certified(), r.revoked(),
          r.nonResponse()));
    }
    return new Table("Reviewers of " + id + " " + progress.name(),
        List.of("reviewer", "items", "decided", "undecided", "certified", "revoked", "non_response"), rows, null);
  }

  private Table modelChanges() {
    List<List<Object>> rows = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (var c : modelChanges.pending(0, 10_000).rows()) {
      rows.add(cells(c.id(), c.title(), c.status(), c.criticality(), c.createdAt()));
      links.add(Table.linkOf(c.id()));
    }
    return new Table("Model changes waiting for approval", List.of("change_id", "title", "status", "criticality",
        "created_at"), rows, links);
  }

  private Table checkpoints(Period period) {
    return Table.ofMaps("Signed checkpoints", checkpoints.signedBetween(period.from(), period.to()),
        List.of("item_id", "audit_object_id", "seq", "head_hash", "created_at", "key_id"));
  }

  private static List<Object> cells(Object... values) {
    return new ArrayList<>(java.util.Arrays.asList(values));
  }
}
