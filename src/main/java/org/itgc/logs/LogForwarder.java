package org.itgc.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Forwards sealed records to the log stores of {@code itgc.logs.forward.destinations} (docs/logs.md "Forwarding"):
 * Elasticsearch or OpenSearch through {@code _bulk} (op {@code create}, {@code _id} the record's id) and a SIEM's
 * Splunk HTTP Event Collector. Every {@code itgc.logs.forward.interval}, per destination, under a lease of its own in
 * the database (one round per destination at a time, on any node; renewed before each request; no transaction is open
 * during the HTTP call): the records sealed after the
 * destination's cursor, in seal order, {@code batch-size} at a time. At least once: the cursor moves in the
 * transaction that records the outcome, only over records delivered (2xx, or 409: there already) or dead-lettered
 * (refused for good, kept with the reason and audited); a record the store asked to retry (429, 5xx) and everything
 * after it is sent again. A refused request (connection refused, timeout, 408, 413, 429, 5xx) backs off doubling from
 * {@code initial-backoff} to {@code max-backoff} without moving the cursor; 401, 403 and other refusals stall the
 * destination (audited once, and its recovery). A destination whose oldest unsent record was received longer ago than
 * {@code max-lag} is one LG-01 control exception per lagging period, mailed to its owners and the security admins.
 */
@Component
public class LogForwarder implements SmartLifecycle {

  public static final String DESTINATION_OBJECT = "log-destination";
  public static final String DEAD_LETTER_ACTION = "logs.forward.dead-letter";
  public static final String STALLED_ACTION = "logs.forward.stalled";
  public static final String RESUMED_ACTION = "logs.forward.resumed";
  public static final String LAGGING_ACTION = "logs.forward.lagging";
  public static final String CAUGHT_UP_ACTION = "logs.forward.caught-up";
  public static final String READ_ACTION = "logs.forwarding.read";
  /** The most requests one destination is sent per round (the next round goes on). */
  static final int REQUESTS_PER_ROUND = 20;
  private static final Logger log = LoggerFactory.getLogger(LogForwarder.class);

  private final LogDestinations destinations;
  private final LogForwardStore store;
  private final TransactionTemplate transactions;
  private final AuditRecorder audit;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final ObjectMapper json;
  private final Clock clock;
  private final Rounds rounds;
  private final HttpClient http;
  private final String node = UUID.randomUUID().toString();
  /** Per destination, the batch size after a 413 (halved; grows back on success). */
  private final Map<String, Integer> batchSizes = new ConcurrentHashMap<>();

  LogForwarder(LogDestinations destinations, LogForwardStore store, TransactionTemplate transactions,
      AuditRecorder audit, ControlExceptions controlExceptions, UserAccounts users, ObjectMapper json, Clock clock) {
    this.destinations = destinations;
    this.store = store;
    this.transactions = transactions;
    this.audit = audit;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.json = json;
    this.clock = clock;
    this.rounds = new Rounds("logs-forwarder", destinations.properties().getInterval(), this::forwardQuietly);
    this.http = HttpClient.newBuilder().connectTimeout(destinations.properties().getRequestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** What one round did for a destination. */
  public record Round(String destination, int requests, int delivered, int deadLetters, String outcome) {}

  /** A round for every destination, the backoff of each respected. */
  public List<Round> forwardAll() {
    List<Round> done = new ArrayList<>();
    for (LogDestinations.Destination d : destinations.all()) {
      done.add(forward(d, false));
    }
    return done;
  }

  /** A round for one destination now, whatever its backoff (tests; an operator's "try now"). */
  Round forwardNow(String name) {
    return forward(destinations.find(name).orElseThrow(), true);
  }

  private Round forward(LogDestinations.Destination d, boolean ignoreBackoff) {
    // the lease is this round's: another node, or another thread of this one, waits for it to end or run out
    String owner = node + "/" + UUID.randomUUID();
    Duration leaseFor = destinations.properties().getRequestTimeout().multipliedBy(2).plusSeconds(30);
    Boolean leased = transactions.execute(status -> {
      Instant now = clock.instant();
      store.ensureCursor(d.name(), d.startLatest(), now);
      return store.lease(d.name(), owner, now, now.plus(leaseFor));
    });
    if (!Boolean.TRUE.equals(leased)) {
      return new Round(d.name(), 0, 0, 0, "another round forwards");
    }
    try {
      int requests = 0;
      int delivered = 0;
      int dead = 0;
      String outcome = "up to date";
      LogForwardStore.Cursor cursor = store.cursor(d.name()).orElseThrow();
      if (!ignoreBackoff && cursor.nextAttemptAt() != null && cursor.nextAttemptAt().isAfter(clock.instant())) {
        outcome = "backing off until " + cursor.nextAttemptAt();
      } else {
        while (requests < REQUESTS_PER_ROUND) {
          cursor = store.cursor(d.name()).orElseThrow();
          int size = batchSizes.getOrDefault(d.name(), d.batchSize());
          List<LogForwardWire.Sealed> records = store.next(d, cursor.batchId(), cursor.leafIndex(), size);
          if (records.isEmpty()) {
            break;
          }
          Instant now = clock.instant();
          if (!store.lease(d.name(), owner, now, now.plus(leaseFor))) {
            outcome = "lease lost";
            break;
          }
          requests++;
          Sent sent = send(d, records);
          Applied applied = transactions.execute(status -> apply(d, owner, records, sent));
          if (applied == null) {
            outcome = "lease lost";
            break;
          }
          delivered += applied.delivered();
          dead += applied.dead();
          if (!applied.goOn()) {
            outcome = sent.error();
            break;
          }
        }
      }
      transactions.executeWithoutResult(status -> {
        if (store.holds(d.name(), owner, clock.instant())) {
          checkLag(d);
        }
      });
      return new Round(d.name(), requests, delivered, dead, outcome);
    } finally {
      transactions.executeWithoutResult(status -> store.release(d.name(), owner));
    }
  }

  // ---------------------------------------------------------------- one request

  private enum Failure { NONE, BACKOFF, STALL, TOO_LARGE }

  /**
   * What a request came back with: per record sent, what became of it (empty when the request failed as a whole),
   * whether to back off, and the error to show.
   */
  private record Sent(List<LogForwardWire.Item> items, Failure failure, boolean backoff, String error) {}

  private Sent send(LogDestinations.Destination d, List<LogForwardWire.Sealed> records) {
    byte[] body = d.elasticsearch() ? LogForwardWire.bulkBody(json, d.index(), records)
        : LogForwardWire.hecBody(json, d.index(), d.sourcetype(), records);
    HttpRequest.Builder request = HttpRequest.newBuilder(d.endpoint())
        .timeout(destinations.properties().getRequestTimeout())
        .header("Content-Type", d.elasticsearch() ? "application/x-ndjson" : "application/json")
        .header("User-Agent", "itgc-engine-log-forwarder")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (d.authorization() != null) {
      request.header("Authorization", d.authorization());
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      return new Sent(List.of(), Failure.BACKOFF, true, "connection refused: " + d.endpoint());
    } catch (HttpTimeoutException e) {
      return new Sent(List.of(), Failure.BACKOFF, true, "no answer within " + destinations.properties()
          .getRequestTimeout() + ": " + d.endpoint());
    } catch (IOException e) {
      return new Sent(List.of(), Failure.BACKOFF, true, "request failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Sent(List.of(), Failure.BACKOFF, true, "interrupted");
    }
    int status = response.statusCode();
    byte[] answer = response.body() == null ? new byte[0] : response.body();
    String said = "HTTP " + status + ": " + LogForwardWire.abbreviate(new String(answer,
        java.nio.charset.StandardCharsets.UTF_8));
    if (status == 401 || status == 403) {
      return new Sent(List.of(), Failure.STALL, true, said);
    }
    if (status == 413) {
      return new Sent(List.of(), Failure.TOO_LARGE, records.size() > 1, said);
    }
    if (status == 408 || status == 429 || status >= 500) {
      return new Sent(List.of(), Failure.BACKOFF, true, said);
    }
    if (d.elasticsearch()) {
      if (status != 200) {
        return new Sent(List.of(), Failure.STALL, true, said);
      }
      try {
        List<LogForwardWire.Item> items = LogForwardWire.bulkItems(json, answer, records);
        Optional<LogForwardWire.Item> retry = items.stream()
            .filter(i -> i.outcome() == LogForwardWire.Outcome.RETRY).findFirst();
        return new Sent(items, Failure.NONE, retry.isPresent(), retry.map(i -> "record " + i.id() + ": "
            + i.status() + " " + i.errorType() + ": " + i.reason()).orElse(null));
      } catch (IllegalArgumentException e) {
        return new Sent(List.of(), Failure.BACKOFF, true, e.getMessage());
      }
    }
    LogForwardWire.HecAnswer hec = LogForwardWire.hecAnswer(json, answer);
    if (status == 200 && hec.code() == 0) {
      return new Sent(records.stream().map(r -> new LogForwardWire.Item(Long.toString(r.record().id()),
          LogForwardWire.Outcome.DELIVERED, 200, null, null)).toList(), Failure.NONE, false, null);
    }
    if (status == 400 && hec.invalidEventNumber() != null && hec.invalidEventNumber() >= 0
        && hec.invalidEventNumber() < records.size()) {
      // the event named is refused for good; the others are sent again (HEC may or may not have kept those before it)
      List<LogForwardWire.Item> items = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        items.add(new LogForwardWire.Item(Long.toString(records.get(i).record().id()), i == hec.invalidEventNumber()
            ? LogForwardWire.Outcome.DEAD : LogForwardWire.Outcome.RETRY, 400, i == hec.invalidEventNumber()
            ? "hec-code-" + hec.code() : null, i == hec.invalidEventNumber() ? hec.text() : null));
      }
      return new Sent(items, Failure.NONE, false, "record " + records.get(hec.invalidEventNumber()).record().id()
          + ": HEC code " + hec.code() + " " + hec.text());
    }
    return new Sent(List.of(), Failure.STALL, true, "HTTP " + status + ": HEC code " + hec.code() + " " + hec.text());
  }

  // ---------------------------------------------------------------- recording the outcome

  private record Applied(int delivered, int dead, boolean goOn) {}

  /** Records what a request did, in one transaction, if this node still holds the lease; null when it does not. */
  private Applied apply(LogDestinations.Destination d, String owner, List<LogForwardWire.Sealed> records,
      Sent sent) {
    Instant now = clock.instant();
    if (!store.holds(d.name(), owner, now)) {
      log.warn("Forwarding to {}: the lease ran out during the request; what it delivered is sent again", d);
      return null;
    }
    if (sent.failure() == Failure.TOO_LARGE && records.size() == 1) {
      int dead = deadLetter(d, records.get(0), 413, "request_entity_too_large", sent.error(), now) ? 1 : 0;
      store.advance(d.name(), records.get(0).batchId(), records.get(0).leafIndex(), 0, dead, now);
      return new Applied(0, dead, true);
    }
    if (sent.failure() != Failure.NONE) {
      if (sent.failure() == Failure.TOO_LARGE) {
        batchSizes.put(d.name(), Math.max(1, records.size() / 2));
      }
      if (sent.failure() == Failure.STALL && store.stalled(d.name(), sent.error(), now)) {
        log.warn("Forwarding to {} stalled: {}", d, sent.error());
        audit.record(AuditEvent.system(STALLED_ACTION, DESTINATION_OBJECT, d.name()).detail("kind", d.kind())
            .detail("url", d.shownUrl()).detail("reason", sent.error()).build());
      }
      LogForwardStore.Cursor cursor = store.cursor(d.name()).orElseThrow();
      store.failed(d.name(), sent.error(), now, now.plus(backoff(cursor.failures() + 1)));
      return new Applied(0, 0, false);
    }
    resumed(d, now);
    int delivered = 0;
    int dead = 0;
    int prefix = -1;
    boolean open = true;
    for (int i = 0; i < records.size(); i++) {
      LogForwardWire.Item item = sent.items().get(i);
      switch (item.outcome()) {
        case DELIVERED -> {
          if (open) {
            delivered++;
            prefix = i;
          }
        }
        case DEAD -> {
          // recorded wherever it stands: the next request leaves it out
          if (deadLetter(d, records.get(i), item.status(), item.errorType(), item.reason(), now)) {
            dead++;
          }
          if (open) {
            prefix = i;
          }
        }
        case RETRY -> open = false;
      }
    }
    if (prefix >= 0) {
      store.advance(d.name(), records.get(prefix).batchId(), records.get(prefix).leafIndex(), delivered, dead, now);
    } else if (dead > 0) {
      store.advance(d.name(), cursorBatch(d), cursorLeaf(d), 0, dead, now);
    }
    if (sent.backoff()) {
      LogForwardStore.Cursor cursor = store.cursor(d.name()).orElseThrow();
      store.failed(d.name(), sent.error(), now, now.plus(backoff(cursor.failures() + 1)));
      return new Applied(delivered, dead, false);
    }
    store.succeeded(d.name());
    batchSizes.computeIfPresent(d.name(), (k, v) -> v * 2 >= d.batchSize() ? null : v * 2);
    return new Applied(delivered, dead, true);
  }

  private long cursorBatch(LogDestinations.Destination d) {
    return store.cursor(d.name()).orElseThrow().batchId();
  }

  private int cursorLeaf(LogDestinations.Destination d) {
    return store.cursor(d.name()).orElseThrow().leafIndex();
  }

  private boolean deadLetter(LogDestinations.Destination d, LogForwardWire.Sealed s, Integer status, String type,
      String reason, Instant now) {
    if (!store.deadLetter(d.name(), s, status, type, reason, now)) {
      return false;
    }
    log.warn("Forwarding to {}: record {} refused for good ({} {}): {}", d, s.record().id(), status, type, reason);
    audit.record(AuditEvent.system(DEAD_LETTER_ACTION, DESTINATION_OBJECT, d.name())
        .detail("recordId", s.record().id()).detail("batchId", s.batchId()).detail("status", status)
        .detail("errorType", type).detail("reason", reason == null ? "no reason given" : reason).build());
    return true;
  }

  private void resumed(LogDestinations.Destination d, Instant now) {
    store.unstalled(d.name()).ifPresent(since -> {
      log.info("Forwarding to {} resumed (stalled since {})", d, since);
      audit.record(AuditEvent.system(RESUMED_ACTION, DESTINATION_OBJECT, d.name())
          .detail("stalledSince", since.toString()).detail("resumedAt", now.toString()).build());
    });
  }

  private Duration backoff(int failures) {
    Duration initial = destinations.properties().getInitialBackoff();
    Duration max = destinations.properties().getMaxBackoff();
    Duration wait = initial.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
    return wait.compareTo(max) > 0 ? max : wait;
  }

  // ---------------------------------------------------------------- lag (LG-01)

  /** Raises LG-01 when the destination lags beyond max-lag (once per lagging period), records its catching up. */
  private void checkLag(LogDestinations.Destination d) {
    Instant now = clock.instant();
    Duration maxLag = destinations.properties().getMaxLag();
    LogForwardStore.Cursor cursor = store.cursor(d.name()).orElseThrow();
    LogForwardStore.Lag lag = store.lag(d, cursor.batchId(), cursor.leafIndex());
    boolean lagging = lag.oldestReceivedAt() != null && lag.oldestReceivedAt().plus(maxLag).isBefore(now);
    Optional<LogForwardStore.Lagging> open = store.openLag(d.name());
    if (open.isPresent()) {
      if (!lagging) {
        store.caughtUp(open.get().id(), now);
        audit.record(AuditEvent.system(CAUGHT_UP_ACTION, DESTINATION_OBJECT, d.name())
            .detail("lagId", open.get().id()).detail("laggingSince", open.get().laggingSince().toString())
            .detail("caughtUpAt", now.toString()).detail("exceptionId", open.get().exceptionId())
            .detail("waiting", lag.records()).build());
      }
      return;
    }
    if (!lagging) {
      return;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("destination", d.name());
    details.put("kind", d.kind());
    details.put("url", d.shownUrl());
    details.put("waiting", lag.records());
    details.put("oldestUnsentRecordId", lag.oldestRecordId());
    details.put("oldestUnsentReceivedAt", lag.oldestReceivedAt().toString());
    details.put("lag", Duration.between(lag.oldestReceivedAt(), now).withNanos(0).toString());
    details.put("maxLag", maxLag.toString());
    details.put("lastError", cursor.lastError() == null ? "none" : cursor.lastError());
    if (cursor.stalledSince() != null) {
      details.put("stalledSince", cursor.stalledSince().toString());
    }
    Set<String> to = new LinkedHashSet<>(d.owners());
    to.addAll(users.emailsOf(Role.SECURITY_ADMIN));
    long exceptionId = controlExceptions.raise(LogWatch.CONTROL, DESTINATION_OBJECT, d.name(), "Log forwarding to "
        + d.name() + " lags: " + lag.records() + " sealed records wait, the oldest received at "
        + lag.oldestReceivedAt() + " (more than " + maxLag + " ago)" + (cursor.lastError() == null ? ""
        : "; last error: " + cursor.lastError()), details, to);
    long lagId = store.insertLag(d.name(), lag.oldestReceivedAt(), lag.oldestRecordId(), maxLag.toString(), now,
        exceptionId);
    audit.record(AuditEvent.system(LAGGING_ACTION, DESTINATION_OBJECT, d.name()).detail("lagId", lagId)
        .detail("laggingSince", lag.oldestReceivedAt().toString()).detail("waiting", lag.records())
        .detail("maxLag", maxLag.toString()).detail("exceptionId", exceptionId).build());
  }

  /** The lagging periods of a destination, oldest first. */
  List<LogForwardStore.Lagging> lags(String destination) {
    return store.lags(destination);
  }

  // ---------------------------------------------------------------- the status page

  /** Per destination: cursor, lag, delivered, dead letters (the newest with their reasons), errors, stall. */
  public List<Map<String, Object>> status() {
    Instant now = clock.instant();
    List<Map<String, Object>> all = new ArrayList<>();
    for (LogDestinations.Destination d : destinations.all()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", d.name());
      s.put("kind", d.kind());
      s.put("url", d.shownUrl());
      s.put(d.elasticsearch() ? "index" : "splunkIndex", d.index());
      if (!d.elasticsearch()) {
        s.put("sourcetype", d.sourcetype());
      }
      s.put("statuses", d.statuses());
      s.put("systems", d.systems().isEmpty() ? "all" : d.systems());
      s.put("batchSize", d.batchSize());
      s.put("maxLag", destinations.properties().getMaxLag().toString());
      Optional<LogForwardStore.Cursor> stored = store.cursor(d.name());
      if (stored.isEmpty()) {
        s.put("started", false);
        all.add(s);
        continue;
      }
      LogForwardStore.Cursor c = stored.get();
      s.put("started", true);
      Map<String, Object> cursor = new LinkedHashMap<>();
      cursor.put("batchId", c.batchId());
      cursor.put("leafIndex", c.leafIndex());
      s.put("cursor", cursor);
      LogForwardStore.Lag lag = store.lag(d, c.batchId(), c.leafIndex());
      Map<String, Object> lagShown = new LinkedHashMap<>();
      lagShown.put("records", lag.records());
      lagShown.put("oldestUnsentRecordId", lag.oldestRecordId());
      lagShown.put("oldestUnsentReceivedAt", lag.oldestReceivedAt() == null ? null : lag.oldestReceivedAt()
          .toString());
      lagShown.put("oldestUnsentAge", lag.oldestReceivedAt() == null ? null
          : Duration.between(lag.oldestReceivedAt(), now).withNanos(0).toString());
      s.put("lag", lagShown);
      s.put("delivered", c.delivered());
      s.put("lastDeliveredAt", c.lastDeliveredAt() == null ? null : c.lastDeliveredAt().toString());
      Map<String, Object> dead = new LinkedHashMap<>();
      dead.put("count", c.deadLetters());
      dead.put("newest", store.deadLetters(d.name(), 20).stream().map(l -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordId", l.recordId());
        m.put("batchId", l.batchId());
        m.put("status", l.status());
        m.put("errorType", l.errorType());
        m.put("reason", l.reason());
        m.put("recordedAt", l.recordedAt().toString());
        return m;
      }).toList());
      s.put("deadLetters", dead);
      s.put("failures", c.failures());
      s.put("lastError", c.lastError());
      s.put("lastErrorAt", c.lastErrorAt() == null ? null : c.lastErrorAt().toString());
      s.put("nextAttemptAt", c.nextAttemptAt() == null ? null : c.nextAttemptAt().toString());
      s.put("stalled", c.stalledSince() == null ? null
          : Map.of("since", c.stalledSince().toString(), "reason", String.valueOf(c.stallReason())));
      s.put("lagging", store.openLag(d.name()).map(l -> (Object) Map.of("since", l.laggingSince().toString(),
          "detectedAt", l.detectedAt().toString(), "exceptionId", l.exceptionId())).orElse(null));
      all.add(s);
    }
    audit.record(AuditEvent.of(READ_ACTION, "report", "log-forwarding").build());
    return all;
  }

  private void forwardQuietly() {
    for (LogDestinations.Destination d : destinations.all()) {
      try {
        forward(d, false);
      } catch (RuntimeException e) {
        log.warn("Forwarding log records to {} failed; the next round tries again: {}", d, e.toString());
      }
    }
  }

  @Override
  public void start() {
    // each destination's cursor from the first start on (start: latest counts from then)
    transactions.executeWithoutResult(status -> destinations.all().forEach(d -> store.ensureCursor(d.name(),
        d.startLatest(), clock.instant())));
    if (!destinations.all().isEmpty()) {
      rounds.start();
    }
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
