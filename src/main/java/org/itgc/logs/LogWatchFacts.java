package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.itgc.access.AccessRegistry;
import org.itgc.access.AccessRequests;
import org.itgc.access.Grant;
import org.itgc.access.Identities;
import org.itgc.access.Identity;
import org.itgc.change.ChangeService;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The inputs of {@code dmn/log-watch.dmn} for one event, computed by the server from its own tables and config,
 * through the other capabilities' public services (identities and the access registry, access requests, approved
 * changes) and the logs' own events. A {@link Batch} keeps what it looked up for the events of one watcher round.
 */
@Component
class LogWatchFacts {

  static final Set<String> CHANGES = Set.of("create", "update", "delete");
  static final String GRANTED = "granted";
  /** How long after the event the registry may record the grant that backs a privilege change. */
  static final Duration GRANT_RECORDED_WITHIN = Duration.ofDays(1);

  private final LogSources sources;
  private final LogWatchStore store;
  private final SystemsInventory systems;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessRequests requests;
  private final ChangeService changes;
  private final ObjectMapper json;
  private final Duration failedLoginWindow;

  LogWatchFacts(LogSources sources, LogWatchStore store, SystemsInventory systems, Identities identities,
      AccessRegistry registry, AccessRequests requests, ChangeService changes, ObjectMapper json,
      @Value("${itgc.logs.failed-login-window:PT15M}") Duration failedLoginWindow) {
    this.sources = sources;
    this.store = store;
    this.systems = systems;
    this.identities = identities;
    this.registry = registry;
    this.requests = requests;
    this.changes = changes;
    this.json = json;
    this.failedLoginWindow = failedLoginWindow;
  }

  /**
   * Lookups for the events of one round: the people they name (actors, and the subjects of privilege changes) read
   * in one query per way of naming them, the rest on first use.
   */
  Batch batch(List<LogRecord> records) {
    Instant from = records.stream().map(LogRecord::occurredAt).min(Instant::compareTo).orElseThrow();
    Instant to = records.stream().map(LogRecord::occurredAt).max(Instant::compareTo).orElseThrow();
    Batch batch = new Batch(from, to);
    Map<String, java.util.Set<String>> byUserName = new HashMap<>();
    Map<String, java.util.Set<String>> byId = new HashMap<>();
    for (LogRecord r : records) {
      LogSourcesFile.Watch watch = sources.watch(r.system());
      Map<String, java.util.Set<String>> names = "userName".equals(watch.actorIs()) ? byUserName : byId;
      if (r.actor() != null) {
        names.computeIfAbsent(r.system(), k -> new java.util.HashSet<>()).add(r.actor());
      }
      if (LogAction.PRIVILEGE_CHANGE.value().equals(r.action()) && r.objectId() != null) {
        names.computeIfAbsent(r.system(), k -> new java.util.HashSet<>()).add(r.objectId());
      }
    }
    batch.know(byUserName, identities::findAllByUserName);
    batch.know(byId, identities::findAll);
    return batch;
  }

  /** Lookups shared by the events of one round. */
  final class Batch {
    private final Map<String, Optional<Identity>> people = new HashMap<>();
    private final Map<String, List<ChangeService.ApprovedWindow>> windows = new HashMap<>();
    private final Map<String, List<Grant>> grants = new HashMap<>();
    private final Map<String, Boolean> granted = new HashMap<>();
    private final Map<String, List<Instant>> failures = new HashMap<>();
    private final Instant from;
    private final Instant to;

    Batch(Instant from, Instant to) {
      this.from = from;
      this.to = to;
    }

    /** Reads the people named per system in one query, and remembers who is not known too. */
    private void know(Map<String, java.util.Set<String>> namesBySystem,
        java.util.function.Function<java.util.Collection<String>, Map<String, Identity>> read) {
      java.util.Set<String> all = new java.util.HashSet<>();
      namesBySystem.values().forEach(all::addAll);
      if (all.isEmpty()) {
        return;
      }
      Map<String, Identity> found = read.apply(all);
      namesBySystem.forEach((system, names) -> names.forEach(name -> people.put(system + "\u0000" + name,
          Optional.ofNullable(found.get(name)))));
    }

    /** Failed logins of the actor on the system in (at - window, at]: one query per actor and round. */
    private int failedLogins(LogRecord r) {
      List<Instant> times = failures.computeIfAbsent(r.system() + "\u0000" + r.actor(),
          k -> store.failedLoginTimes(r.system(), r.actor(), from.minus(failedLoginWindow), to));
      Instant after = r.occurredAt().minus(failedLoginWindow);
      return (int) times.stream().filter(t -> t.isAfter(after) && !t.isAfter(r.occurredAt())).count();
    }

    /** The decision's inputs for one mapped event. */
    Map<String, Object> inputs(LogRecord r) {
      FinancialSystem system = systems.find(r.system()).orElseThrow(() -> new IllegalStateException(
          "system " + r.system() + " of record " + r.id() + " is not in config/systems.yaml"));
      LogSourcesFile.Watch watch = sources.watch(r.system());
      LogSourcesFile.ObjectKind kind = r.objectType() == null ? null : watch.objects().get(r.objectType());
      Optional<Identity> actor = person(r.system(), watch, r.actor());
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("action", r.action());
      in.put("systemTier", system.tier().value());
      in.put("actorStatus", status(actor, r.occurredAt()));
      in.put("privilegeChangeBackedByApprovedRequest", LogAction.PRIVILEGE_CHANGE.value().equals(r.action())
          ? backed(r, watch) : null);
      boolean financial = kind != null && kind.isFinancial();
      in.put("objectFinancial", financial);
      in.put("insideApprovedChangeWindow", financial && CHANGES.contains(r.action())
          ? windows.computeIfAbsent(r.system(), changes::approvedWindows).stream()
              .anyMatch(w -> w.contains(r.occurredAt()))
          : null);
      boolean sensitive = kind != null && kind.isSensitive();
      in.put("objectSensitivity", sensitive ? "sensitive" : "normal");
      in.put("actorRoleNeedsObject", sensitive ? needs(actor, r, kind.needed()) : null);
      in.put("failedLoginsInWindow", LogAction.LOGIN_FAILURE.value().equals(r.action())
          ? failedLogins(r) : 0);
      return in;
    }

    private Optional<Identity> person(String system, LogSourcesFile.Watch watch, String name) {
      if (name == null) {
        return Optional.empty();
      }
      return people.computeIfAbsent(system + "\u0000" + name, k -> "userName".equals(watch.actorIs())
          ? identities.findByUserName(name) : identities.find(name));
    }

    /** Active, terminated (the event is after the termination date), or unknown to the registry. */
    private String status(Optional<Identity> person, Instant at) {
      if (person.isEmpty()) {
        return "unknown";
      }
      Identity p = person.get();
      if (Identity.TERMINATED.equals(p.status())) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        return p.terminationDate() == null || day.isAfter(p.terminationDate()) ? "terminated" : "active";
      }
      return p.active() ? "active" : p.status();
    }

    /**
     * A grant (the entitlement in {@code after.<grantField>}) is backed when the registry holds that grant of the
     * person (the record's object id) from an access request that was granted, recorded at most a day after the event
     * and not removed before it; a removal ({@code before.<grantField>} only) is backed when the registry no longer
     * holds it.
     */
    private boolean backed(LogRecord r, LogSourcesFile.Watch watch) {
      Optional<Identity> subject = person(r.system(), watch, r.objectId());
      String added = member(r.afterJson(), watch.grantField());
      String removed = member(r.beforeJson(), watch.grantField());
      if (subject.isEmpty() || (added == null && removed == null)) {
        return false;
      }
      List<Grant> history = grants.computeIfAbsent(subject.get().id(), registry::history);
      if (added != null) {
        return history.stream().anyMatch(g -> g.systemId().equals(r.system()) && g.entitlementId().equals(added)
            && g.requestId() != null && !g.grantedAt().isAfter(r.occurredAt().plus(GRANT_RECORDED_WITHIN))
            && (g.removedAt() == null || g.removedAt().isAfter(r.occurredAt()))
            && granted.computeIfAbsent(g.requestId(), id -> requests.find(id)
                .map(q -> GRANTED.equals(q.status())).orElse(false)));
      }
      return history.stream().noneMatch(g -> g.active() && g.systemId().equals(r.system())
          && g.entitlementId().equals(removed));
    }

    private String member(String jsonText, String field) {
      if (jsonText == null) {
        return null;
      }
      try {
        JsonNode node = json.readTree(jsonText).get(field);
        return node == null || !node.isValueNode() || node.asText().isBlank() ? null : node.asText();
      } catch (java.io.IOException e) {
        return null;
      }
    }

    /** The actor holds, at the event, an entitlement of the system that needs the object, or has a job that does. */
    private boolean needs(Optional<Identity> actor, LogRecord r, LogSourcesFile.NeededBy needed) {
      if (actor.isEmpty()) {
        return false;
      }
      if (actor.get().job() != null && needed.jobs().contains(actor.get().job())) {
        return true;
      }
      return grants.computeIfAbsent(actor.get().id(), registry::history).stream()
          .anyMatch(g -> g.systemId().equals(r.system()) && needed.entitlements().contains(g.entitlementId())
              && !g.grantedAt().isAfter(r.occurredAt())
              && (g.removedAt() == null || g.removedAt().isAfter(r.occurredAt())));
    }
  }
}
