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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
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
 * </ul>
 */
@Component
public class LogWatch implements SmartLifecycle {

  public static final String CONTROL = "LG-01";
  public static final String SILENCE_OBJECT = "log-source";
  public static final String SILENT_ACTION = "logs.source.silent";
  public static final String RESUMED_ACTION = "logs.source.resumed";
  private static final Logger log = LoggerFactory.getLogger(LogWatch.class);

  private final LogSources sources;
  private final LogWatchStore store;
  private final SystemsInventory systems;
  private final ControlExceptions controlExceptions;
  private final AuditRecorder audit;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final Duration interval;
  private ScheduledExecutorService executor;

  LogWatch(LogSources sources, LogWatchStore store, SystemsInventory systems, ControlExceptions controlExceptions,
      AuditRecorder audit, TransactionTemplate transactions, Clock clock,
      @Value("${itgc.logs.watch-interval:PT5S}") Duration interval) {
    this.sources = sources;
    this.store = store;
    this.systems = systems;
    this.controlExceptions = controlExceptions;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
    this.interval = interval;
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

  private void watchQuietly() {
    try {
      checkSilence();
    } catch (RuntimeException e) {
      log.warn("Watching the logs failed; the next round tries again: {}", e.toString());
    }
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "logs-watch");
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(this::watchQuietly, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
