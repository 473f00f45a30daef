package org.itgc.logs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Watches the financial systems' logs (control LG-01, docs/logs.md "Watching"), every {@code itgc.logs.watch-interval}
 * (default 5 s), one node at a time (a transaction-scoped advisory lock):
 * <ul>
 *   <li>silence: a system of config/log-sources.yaml that has sent nothing for longer than its {@code expectEvery}
 *       (counted from its last record received, or from when the engine began to watch it) is one LG-01 exception per
 *       silent period, mailed to its owners; when it sends again the period is closed and audited.</li>
 *   <li>rules: each mapped event sealed since (queue {@code logs_watch_queue}, by sealed batch) is given to the latest
 *       version of {@code dmn/log-watch.dmn} with inputs the server computes ({@link LogWatchFacts}); each rule that
 *       fires is recorded once per rule, system, actor, object and hour (repeats counted), and the first raises a
 *       control exception of the control the rule names, mailed to the system's owners and the security admins, and
 *       audited with the decision's version and inputs. Never in the request path: a HEC request or syslog burst only
 *       stores; the watcher reads what the sealer sealed.</li>
 * </ul>
 */
@Component
public class LogWatch implements SmartLifecycle {

  public static final String CONTROL = "LG-01";
  public static final String SILENCE_OBJECT = "log-source";
  public static final String SILENT_ACTION = "logs.source.silent";
  public static final String RESUMED_ACTION = "logs.source.resumed";
  public static final String RULE_OBJECT = "log-event";
  public static final String FIRE_ACTION = "logs.watch.fire";
  static final int WATCH_BATCH = 500;
  private static final Logger log = LoggerFactory.getLogger(LogWatch.class);

  private final LogSources sources;
  private final LogWatchStore store;
  private final SystemsInventory systems;
  private final ControlExceptions controlExceptions;
  private final AuditRecorder audit;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final Rounds rounds;
  private final LogWatchDecision decision;
  private final LogWatchFacts facts;
  private final org.itgc.controls.ControlsCatalogue controls;
  private final UserAccounts users;
  private final ObjectMapper json;

  LogWatch(LogSources sources, LogWatchStore store, SystemsInventory systems, ControlExceptions controlExceptions,
      AuditRecorder audit, TransactionTemplate transactions, Clock clock,
      @Value("${itgc.logs.watch-interval:PT5S}") Duration interval, LogWatchDecision decision, LogWatchFacts facts,
      org.itgc.controls.ControlsCatalogue controls, UserAccounts users, ObjectMapper json) {
    this.decision = decision;
    this.facts = facts;
    this.controls = controls;
    this.users = users;
    this.json = json;
    this.sources = sources;
    this.store = store;
    this.systems = systems;
    this.controlExceptions = controlExceptions;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
    this.rounds = new Rounds("logs-watch", interval, this::watchQuietly);
  }

  /** What one look at a source found. */
  public enum SilenceOutcome { SENDING, SILENCE_RAISED, STILL_SILENT, RESUMED }

  /** Looks at every source once; answers what it found per system. */
  public Map<String, SilenceOutcome> checkSilence() {
    Map<String, SilenceOutcome> found = new java.util.TreeMap<>();
    for (var expectation : new java.util.TreeMap<>(sources.expectations()).entrySet()) {
      found.put(expectation.getKey(), transactions.execute(status -> checkSilence(expectation.getKey(),
          expectation.getValue())));
    }
    return found;
  }

  private SilenceOutcome checkSilence(String system, Duration expected) {
    store.lockWatcher();
    Instant now = clock.instant();
    Instant watchedSince = store.watchedSince(system, now);
    Optional<Instant> lastReceived = store.lastReceived(system);
    Optional<LogWatchStore.Silence> open = store.openSilence(system);
    if (open.isPresent()) {
      LogWatchStore.Silence silence = open.get();
      if (lastReceived.isPresent() && lastReceived.get().isAfter(silence.silentSince())) {
        store.resumed(silence.id(), lastReceived.get(), now);
        audit.record(AuditEvent.system(RESUMED_ACTION, SILENCE_OBJECT, system)
            .detail("silenceId", silence.id()).detail("silentSince", silence.silentSince().toString())
            .detail("resumedBy", lastReceived.get().toString()).detail("exceptionId", silence.exceptionId())
            .build());
        return SilenceOutcome.RESUMED;
      }
      return SilenceOutcome.STILL_SILENT;
    }
    Instant since = lastReceived.filter(t -> t.isAfter(watchedSince)).orElse(watchedSince);
    if (!since.plus(expected).isBefore(now)) {
      return SilenceOutcome.SENDING;
    }
    FinancialSystem financialSystem = systems.find(system).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("system", system);
    details.put("expectEvery", expected.toString());
    details.put("silentSince", since.toString());
    details.put("lastReceivedAt", lastReceived.map(Instant::toString).orElse("never"));
    details.put("silentFor", Duration.between(since, now).withNanos(0).toString());
    Set<String> owners = new LinkedHashSet<>(List.of(financialSystem.businessOwner().email(),
        financialSystem.technicalOwner().email()));
    long exceptionId = controlExceptions.raise(CONTROL, SILENCE_OBJECT, system, system + " ("
        + financialSystem.name() + ") has sent no log record since " + since + "; it is expected every " + expected,
        details, owners);
    long silenceId = store.insertSilence(system, since, lastReceived.orElse(null), expected.toString(), now,
        exceptionId);
    audit.record(AuditEvent.system(SILENT_ACTION, SILENCE_OBJECT, system).detail("silenceId", silenceId)
        .detail("silentSince", since.toString()).detail("expectEvery", expected.toString())
        .detail("exceptionId", exceptionId).build());
    return SilenceOutcome.SILENCE_RAISED;
  }

  /** The silent periods of a system, oldest first. */
  List<LogWatchStore.Silence> silences(String system) {
    return store.silences(system);
  }

  // ---------------------------------------------------------------- the rules of dmn/log-watch.dmn

  /** What one pass over the waiting events did. */
  public record RulesRound(int events, int fired, int raised, long millis) {}

  /** Evaluates the rules over every mapped event waiting (sealed before the call), batch by batch. */
  public RulesRound watchNew() {
    long start = System.nanoTime();
    int[] totals = new int[3];
    while (true) {
      int[] batch = transactions.execute(status -> watchBatch());
      if (batch == null || batch[3] == 0) {
        break;
      }
      for (int i = 0; i < 3; i++) {
        totals[i] += batch[i];
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (totals[0] > 0) {
      log.info("Watched {} log events in {} ms: {} rules fired, {} control exceptions raised", totals[0], millis,
          totals[1], totals[2]);
    }
    return new RulesRound(totals[0], totals[1], totals[2], millis);
  }

  private int[] watchBatch() {
    store.lockWatcher();
    LogWatchStore.Unwatched queued = store.unwatched(WATCH_BATCH);
    if (queued.batchIds().isEmpty()) {
      return new int[4];
    }
    List<LogRecord> records = queued.records();
    LogWatchDecision.Parsed version = decision.current();
    LogWatchFacts.Batch lookups = facts.batch(records);
    Instant now = clock.instant();
    int fired = 0;
    int raised = 0;
    // a finding met again in the batch is counted here and written once at the end
    Map<String, LogWatchStore.Firing> seen = new java.util.HashMap<>();
    Map<String, Integer> repeats = new java.util.LinkedHashMap<>();
    for (LogRecord r : records) {
      Map<String, Object> inputs = lookups.inputs(r);
      for (LogWatchDecision.Fired rule : decision.evaluate(version, inputs)) {
        fired++;
        LogWatchStore.Firing firing = firing(r, rule, inputs, version, now);
        if (seen.containsKey(firing.key())) {
          repeats.merge(firing.key(), 1, Integer::sum);
          continue;
        }
        seen.put(firing.key(), firing);
        if (fire(r, rule, inputs, version, firing)) {
          raised++;
        }
      }
    }
    if (!repeats.isEmpty()) {
      store.repeated(repeats.keySet().stream().map(seen::get).toList(), List.copyOf(repeats.values()));
    }
    store.watched(queued.batchIds());
    return new int[] {records.size(), fired, raised, queued.batchIds().size()};
  }

  private LogWatchStore.Firing firing(LogRecord r, LogWatchDecision.Fired rule, Map<String, Object> inputs,
      LogWatchDecision.Parsed version, Instant now) {
    String inputsJson;
    try {
      inputsJson = json.writeValueAsString(inputs);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return new LogWatchStore.Firing(rule.ruleId(), r.system(), r.actor(), objectKey(r),
        r.occurredAt().truncatedTo(java.time.temporal.ChronoUnit.HOURS), r.id(), r.occurredAt(), rule.severity(),
        rule.controlId() == null ? CONTROL : rule.controlId(), version.definitionId(), version.version(), inputsJson,
        now);
  }

  private static String objectKey(LogRecord r) {
    return r.objectType() == null ? "-" : r.objectType() + "/" + (r.objectId() == null ? "" : r.objectId());
  }

  /** Records a firing; the first of its rule, system, actor, object and hour raises a control exception. */
  private boolean fire(LogRecord r, LogWatchDecision.Fired rule, Map<String, Object> inputs,
      LogWatchDecision.Parsed version, LogWatchStore.Firing firing) {
    String object = firing.objectKey();
    if (!store.fire(firing)) {
      return false;
    }
    String control = controls.find(firing.controlId()).isPresent() ? firing.controlId() : CONTROL;
    FinancialSystem system = systems.find(r.system()).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("ruleId", rule.ruleId());
    details.put("severity", rule.severity());
    if (!control.equals(firing.controlId())) {
      details.put("controlIdNotInCatalogue", firing.controlId());
    }
    details.put("system", r.system());
    details.put("actor", r.actor());
    details.put("action", r.action());
    details.put("object", object);
    details.put("occurredAt", r.occurredAt().toString());
    details.put("recordId", r.id());
    details.put("decision", LogWatchDecision.KEY + " v" + version.version() + " (" + version.definitionId() + ")");
    details.put("inputs", inputs);
    Set<String> to = new LinkedHashSet<>(List.of(system.businessOwner().email(), system.technicalOwner().email()));
    to.addAll(users.emailsOf(Role.SECURITY_ADMIN));
    long exceptionId = controlExceptions.raise(control, RULE_OBJECT, Long.toString(r.id()),
        (rule.description() == null ? rule.ruleId() : rule.description()) + ": " + r.actor() + " " + r.action()
            + ("-".equals(object) ? "" : " " + object) + " on " + r.system() + " at " + r.occurredAt(),
        details, to);
    store.firingException(firing, exceptionId);
    audit.record(AuditEvent.system(FIRE_ACTION, RULE_OBJECT, Long.toString(r.id())).detail("ruleId", rule.ruleId())
        .detail("controlId", control).detail("severity", rule.severity()).detail("system", r.system())
        .detail("actor", r.actor()).detail("decisionDefinitionId", version.definitionId())
        .detail("decisionVersion", version.version()).detail("exceptionId", exceptionId).detail("inputs", inputs)
        .build());
    return true;
  }

  /** The rules that fired on an actor's events, oldest first. */
  List<LogWatchStore.StoredFiring> firings(String actor) {
    return store.firings(actor);
  }

  private void watchQuietly() {
    try {
      checkSilence();
      watchNew();
    } catch (RuntimeException e) {
      log.warn("Watching the logs failed; the next round tries again: {}", e.toString());
    }
  }

  @Override
  public void start() {
    rounds.start();
  }

  @Override
  public void stop() {
    rounds.stop();
  }

  @Override
  public boolean isRunning() {
    return rounds.isRunning();
  }
}
