package org.itgc.portal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.itgc.audit.AuditCheckpoints;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.certification.Campaigns;
import org.itgc.controls.Control;
import org.itgc.controls.ControlExceptions;
import org.itgc.controls.ControlPopulations;
import org.itgc.controls.ControlsCatalogue;
import org.itgc.integrity.ModelChanges;
import org.springframework.stereotype.Service;

/**
 * The governance dashboard's figures for a period: per control of the catalogue its population and exceptions, the
 * revocations against their SLA, the approvals past due, the certification campaigns' progress per reviewer, the
 * continuity tests against RTO/RPO, the model changes waiting for approval and the audit chain's state. Each figure
 * is the size of a list of {@link GovernanceLists}, so the two always agree.
 */
@Service
class GovernanceDashboard {

  /** The age buckets of the approvals' chart, in days: [0, 1), [1, 3), ... and 30 or more. */
  static final int[] AGE_BUCKETS = {0, 1, 3, 7, 14, 30};

  private final ControlsCatalogue catalogue;
  private final ControlPopulations populations;
  private final ControlExceptions exceptions;
  private final GovernanceLists lists;
  private final Campaigns campaigns;
  private final ModelChanges modelChanges;
  private final AuditCheckpoints checkpoints;
  private final AuditTrail trail;
  private final Clock clock;

  GovernanceDashboard(ControlsCatalogue catalogue, ControlPopulations populations, ControlExceptions exceptions,
      GovernanceLists lists, Campaigns campaigns, ModelChanges modelChanges, AuditCheckpoints checkpoints,
      AuditTrail trail, Clock clock) {
    this.catalogue = catalogue;
    this.populations = populations;
    this.exceptions = exceptions;
    this.lists = lists;
    this.campaigns = campaigns;
    this.modelChanges = modelChanges;
    this.checkpoints = checkpoints;
    this.trail = trail;
    this.clock = clock;
  }

  /** One control's line: its population's size (null without one), its exceptions, and what its rows say. */
  record ControlLine(Control control, Integer population, long openExceptions, long closedExceptions, Long passed,
      Long failed) {}

  /** The revocations of the period against their SLA, and the chart's series (one point per completed removal). */
  record Sla(int removals, long breaches, long open, List<Integer> daysTaken, List<Integer> slaDays) {}

  /** The open approvals: how many, how many past due, and their ages by bucket (overdue and not). */
  record Approvals(int open, long overdue, List<String> buckets, List<Long> onTime, List<Long> late) {}

  /** The audit chain: its head, its newest signed checkpoint, how many, and the last recorded verification. */
  record Chain(long head, AuditCheckpoints.Checkpoint lastCheckpoint, long checkpoints, StoredAuditEvent lastVerification) {}

  record Dashboard(List<ControlLine> controls, Sla sla, Approvals approvals, List<Campaigns.Summary> campaigns,
      long pendingModelChanges, List<org.itgc.change.ChangeService.ChangeSummary> modelChanges, Chain chain) {}

  Dashboard of(Period period) {
    var pending = modelChanges.pending(0, 5);
    return new Dashboard(controls(period), sla(period), approvals(), campaigns.runningBetween(period.from(), period.to()),
        pending.total(), pending.rows(), chain());
  }

  private List<ControlLine> controls(Period period) {
    Map<String, ControlExceptions.Counts> counts = exceptions.countsRaisedBetween(period.from(), period.to());
    List<ControlLine> lines = new ArrayList<>();
    for (Control control : catalogue.all()) {
      var count = counts.getOrDefault(control.id(), new ControlExceptions.Counts(control.id(), 0, 0));
      Integer size = null;
      Long passed = null;
      Long failed = null;
      if (populations.controls().contains(control.id())) {
        var rows = populations.of(control.id(), period.from(), period.to());
        size = rows.size();
        if (!rows.isEmpty() && rows.get(0).containsKey("passed")) {
          passed = rows.stream().filter(r -> Boolean.TRUE.equals(r.get("passed"))).count();
          failed = rows.stream().filter(r -> Boolean.FALSE.equals(r.get("passed"))).count();
        }
      }
      lines.add(new ControlLine(control, size, count.open(), count.closed(), passed, failed));
    }
    return lines;
  }

  private Sla sla(Period period) {
    Instant now = clock.instant();
    var items = lists.removalsOf(period);
    long breaches = items.stream().filter(i -> GovernanceLists.breached(i, now)).count();
    long open = items.stream().filter(i -> i.removedAt() == null).count();
    List<Integer> taken = new ArrayList<>();
    List<Integer> sla = new ArrayList<>();
    for (var i : items) {
      if (i.businessDaysTaken() != null) {
        taken.add(i.businessDaysTaken());
        sla.add(i.slaBusinessDays());
      }
    }
    return new Sla(items.size(), breaches, open, taken, sla);
  }

  private Approvals approvals() {
    Instant now = clock.instant();
    var open = lists.openTasks(false);
    long[] onTime = new long[AGE_BUCKETS.length];
    long[] late = new long[AGE_BUCKETS.length];
    long overdue = 0;
    for (var task : open) {
      long age = Duration.between(task.getCreateTime().toInstant(), now).toDays();
      int bucket = 0;
      while (bucket + 1 < AGE_BUCKETS.length && age >= AGE_BUCKETS[bucket + 1]) {
        bucket++;
      }
      boolean isLate = task.getDueDate() != null && task.getDueDate().toInstant().isBefore(now);
      if (isLate) {
        overdue++;
        late[bucket]++;
      } else {
        onTime[bucket]++;
      }
    }
    List<String> names = new ArrayList<>();
    for (int b = 0; b < AGE_BUCKETS.length; b++) {
      names.add(b + 1 < AGE_BUCKETS.length ? AGE_BUCKETS[b] + "-" + AGE_BUCKETS[b + 1] + " d" : AGE_BUCKETS[b] + "+ d");
    }
    return new Approvals(open.size(), overdue, names, java.util.Arrays.stream(onTime).boxed().toList(),
        java.util.Arrays.stream(late).boxed().toList());
  }

  private Chain chain() {
    Optional<AuditCheckpoints.Checkpoint> last = checkpoints.newest();
    var verification = trail.find(new AuditTrail.Query(null, "audit.verify", null, null, null, null, 0, 1));
    return new Chain(checkpoints.chainHead(), last.orElse(null), checkpoints.count(),
        verification.isEmpty() ? null : verification.get(0));
  }
}
