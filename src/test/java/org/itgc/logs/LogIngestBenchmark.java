package org.itgc.logs;

import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #19's benchmark: ingestion with sealing, then the auditor's object query at the volume ingested, each against a
 * baseline measured in the same run. Prints figures, asserts only that every event was stored and sealed and that every
 * answer verified. Run: {@code ./mvnw -o -Pbenchmark failsafe:integration-test@shared-context
 * -Dit.test=LogIngestBenchmark}; sizes: {@code -Dbenchmark.logEvents} (default 300,000; the issue's figure is 20
 * million), {@code -Dbenchmark.logShippers} (4), {@code -Dbenchmark.logBatch} (events per request, 1,000).
 *
 * <ol>
 *   <li><b>Baseline.</b> Plain COPY of generated rows, as the engine stores them, into the same table
 *       ({@code logs_record}): the physical bound of this machine for writing these rows (at most 1,000,000).</li>
 *   <li><b>Ingestion with sealing.</b> ERP-GL's audit log over a quarter sent over HEC by several shippers, each
 *       generating its requests as it goes; every request is answered only once its events are stored and sealed (a
 *       request of 100 or more is sealed in its own transaction). Throughput overall, in the slowest 10-second and
 *       60-second windows (sliding by a second), and how many consecutive 10-second windows reach 50,000 events/s;
 *       at the end every event is checked to be in a batch.</li>
 *   <li><b>The object query at volume.</b> "Who touched invoice X in the quarter" over HTTP by a signed-in auditor for
 *       random invoices, each answer's proofs checked by the engine, against the database's own index query for the
 *       same invoices; and "what did person Y do" on one day.</li>
 *   <li><b>The watcher</b> (stopped during 2 and 3, as it is not part of those figures) is then started and its rate
 *       over 30 seconds printed.</li>
 * </ol>
 */
@IntegrationTest
class LogIngestBenchmark {

  private static final long EVENTS = Long.getLong("benchmark.logEvents", 300_000L);
  private static final int PER_REQUEST = Integer.getInteger("benchmark.logBatch", 1_000);
  private static final int SHIPPERS = Integer.getInteger("benchmark.logShippers", 4);
  private static final int QUERIES = Integer.getInteger("benchmark.logQueries", 1_000);
  private static final long COPY_ROWS = Math.min(EVENTS, 1_000_000L);
  private static final String[] ACTIONS = {"VIEW", "VIEW", "VIEW", "VIEW", "VIEW", "VIEW", "UPDATE", "LOGIN", "LOGOUT",
      "VIEW"};
  private static final String[] ENGINE_ACTIONS = {"read", "read", "read", "read", "read", "read", "update", "login",
      "logout", "read"};

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired LogWatch watch;
  @Autowired LogStore store;

  private final String run = Long.toString(System.nanoTime(), 36).toUpperCase(Locale.ROOT);
  private final long objects = Math.max(1_000, EVENTS / 20);
  private final long actors = Math.max(100, Math.min(10_000, EVENTS / 200));
  private Instant quarterStart;
  private long spanSeconds;

  @Test
  void ingestionWithSealingThenTheObjectQueryAtThatVolume() throws Exception {
    String token = issueToken();
    quarterStart = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).minusMonths(2).atStartOfDay()
        .toInstant(ZoneOffset.UTC);
    spanSeconds = ChronoUnit.SECONDS.between(quarterStart, Instant.now().minus(1, ChronoUnit.HOURS));
    YearMonth first = YearMonth.from(quarterStart.atOffset(ZoneOffset.UTC));
    store.ensureMonths(List.of(first, first.plusMonths(1), first.plusMonths(2)));
    watch.stop();
    long watchBacklogBefore = unwatched();

    // 1. baseline: COPY of the same kind of rows into the same table
    long copyStart = System.nanoTime();
    copy(COPY_ROWS);
    double copySeconds = (System.nanoTime() - copyStart) / 1e9;
    double copyRate = COPY_ROWS / copySeconds;

    // 2. the engine: HEC requests of PER_REQUEST events from SHIPPERS shippers
    long firstId = jdbc.queryForObject("select nextval('logs_record_id_seq')", Long.class);
    HttpClient client = HttpClient.newHttpClient();
    java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
    List<long[]> answered = new CopyOnWriteArrayList<>();
    ExecutorService shippers = Executors.newFixedThreadPool(SHIPPERS);
    long t0 = System.nanoTime();
    List<Future<Long>> sent = new ArrayList<>();
    for (int s = 0; s < SHIPPERS; s++) {
      sent.add(shippers.submit(() -> {
        long failures = 0;
        StringBuilder body = new StringBuilder(PER_REQUEST * 300);
        while (true) {
          long from = next.getAndAdd(PER_REQUEST);
          if (from >= EVENTS) {
            return failures;
          }
          long to = Math.min(EVENTS, from + PER_REQUEST);
          body.setLength(0);
          for (long i = from; i < to; i++) {
            body.append(hecEvent(i)).append('\n');
          }
          HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                  URI.create("http://localhost:" + port + "/services/collector/event"))
              .header("Authorization", "Splunk " + token).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() != 200) {
            failures++;
            System.out.println("HEC answered " + answer.statusCode() + " " + answer.body());
          }
          answered.add(new long[] {System.nanoTime(), to - from});
        }
      }));
    }
    long failures = 0;
    for (Future<Long> f : sent) {
      failures += f.get();
    }
    shippers.shutdown();
    double storedSeconds = (System.nanoTime() - t0) / 1e9;
    long lastId = jdbc.queryForObject("select max(id) from logs_record", Long.class);
    long unsealed = jdbc.queryForObject("select count(*) from logs_unsealed where record_id between ? and ?",
        Long.class, firstId, lastId);
    long sealed = jdbc.queryForObject("""
        select count(*) from logs_record r left join logs_seal s on s.record_id = r.id and s.occurred_at = r.occurred_at
        where (r.batch_id is not null or s.batch_id is not null) and r.id between ? and ? and r.system_id = 'ERP-GL' and r.status = 'mapped' and r.actor like ?
        """, Long.class, firstId, lastId, "bench-" + run + "-%");
    if (failures > 0 || sealed != EVENTS || unsealed != 0) {
      throw new AssertionError("stored and sealed " + sealed + " of " + EVENTS + " (" + unsealed
          + " waiting for the sealer); " + failures + " requests refused");
    }
    long batches = jdbc.queryForObject(
        "select count(*) from logs_batch where first_record_id >= ? and last_record_id <= ?", Long.class, firstId,
        lastId);
    double slowest = slowestWindow(answered, t0, 10_000_000_000L);
    double slowestMinute = slowestWindow(answered, t0, 60_000_000_000L);
    double[] windows = windowRates(answered, t0, 10_000_000_000L);

    jdbc.execute("analyze logs_record");
    jdbc.execute("analyze logs_seal");
    long total = jdbc.queryForObject("select count(*) from logs_record", Long.class);
    System.out.printf("""
        BENCHMARK log ingestion: %,d ERP-GL events of a quarter over HEC (%,d events a request, %d shippers), mapped,
          stored and sealed (%,d batches, each root an audit event), on %d cores; the database's fsync %s,
          synchronous_commit %s, full_page_writes %s
          baseline  COPY of %,d such rows into logs_record: %.1f s, %,.0f rows/s
          engine    %.1f s, %,.0f events/s overall (%.2f of the baseline's rate); slowest 10 s window %s, slowest
                    60 s window %s; of %d whole 10 s windows, %d at 50,000 events/s or more (median %,.0f); all
                    sealed when the last answer came
        """, EVENTS, PER_REQUEST, SHIPPERS, batches, Runtime.getRuntime().availableProcessors(), setting("fsync"),
        setting("synchronous_commit"), setting("full_page_writes"), COPY_ROWS,
        copySeconds, copyRate, storedSeconds, EVENTS / storedSeconds, EVENTS / storedSeconds / copyRate,
        Double.isNaN(slowest) ? "n/a (under 10 s)" : String.format("%,.0f events/s", slowest),
        Double.isNaN(slowestMinute) ? "n/a (under 60 s)" : String.format("%,.0f events/s", slowestMinute),
        windows.length, java.util.Arrays.stream(windows).filter(r -> r >= 50_000).count(),
        windows.length == 0 ? Double.NaN : pct(windows, 50));

    // 3. the auditor's questions at this volume
    Random random = new Random(19);
    List<String> invoices = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      invoices.add("BQ-" + run + "-" + random.nextInt((int) objects));
    }
    String from = quarterStart.toString();
    String to = Instant.now().toString();
    double[] sql = new double[QUERIES];
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < QUERIES; i++) {
        long s = System.nanoTime();
        jdbc.queryForList("""
            select r.*, coalesce(r.batch_id, s.batch_id), coalesce(r.leaf_index, s.leaf_index) from logs_record r
              left join logs_seal s on s.record_id = r.id and s.occurred_at = r.occurred_at
            where r.object_type = 'invoice' and r.object_id = ? and r.occurred_at >= ?::timestamptz
              and r.occurred_at < ?::timestamptz order by r.occurred_at, r.id
            """, invoices.get(i), from, to);
        sql[i] = (System.nanoTime() - s) / 1e6;
      }
    }
    WebSession audrey = WebSession.tasklist(port, "audrey", Http.DEMO_PASSWORD);
    double[] api = new double[QUERIES];
    long events = 0;
    for (int round = 0; round < 2; round++) {
      events = 0;
      for (int i = 0; i < QUERIES; i++) {
        long s = System.nanoTime();
        var page = audrey.get("/api/logs/objects/invoice/" + invoices.get(i) + "?from=" + from + "&to=" + to);
        api[i] = (System.nanoTime() - s) / 1e6;
        events += verified(invoices.get(i), page);
      }
    }
    String day = LocalDate.now(ZoneOffset.UTC).minusDays(3).toString();
    String dayAfter = LocalDate.now(ZoneOffset.UTC).minusDays(2).toString();
    double[] person = new double[Math.min(QUERIES, 200)];
    long personEvents = 0;
    for (int i = 0; i < person.length; i++) {
      String actor = "bench-" + run + "-" + random.nextInt((int) actors);
      long s = System.nanoTime();
      var page = audrey.get("/api/logs/actors/" + actor + "?from=" + day + "&to=" + dayAfter);
      person[i] = (System.nanoTime() - s) / 1e6;
      personEvents += verified(actor, page);
    }
    System.out.printf("""
        BENCHMARK log queries at %,d stored events (%,d invoices and %,d people in the quarter's events)
          baseline  the database's index query for an invoice's quarter (records and seal places): p50 %.2f ms,
                    p99 %.2f ms, max %.2f ms
          object    GET /api/logs/objects/invoice/{id}, the quarter, as a signed-in auditor, %,d invoices, %,d events,
                    every proof checked: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (p99 %.1fx the baseline's)
          person    GET /api/logs/actors/{person}, one day, %,d people, %,d events: p50 %.2f ms, p99 %.2f ms
        """, total, objects, actors, pct(sql, 50), pct(sql, 99), pct(sql, 100), QUERIES, events, pct(api, 50),
        pct(api, 95), pct(api, 99), pct(api, 100), pct(api, 99) / pct(sql, 99), person.length, personEvents,
        pct(person, 50), pct(person, 99));

    // 4. the watcher, over the newest 20,000 of the events (its rounds run hourly in tests, so the round is called
    // here; the older events leave its queue unwatched, as it is their rate that is measured, not their findings)
    long queued = unwatched();
    jdbc.update("delete from logs_watch_queue where batch_id < (select min(batch_id) from (select batch_id from "
        + "logs_watch_queue order by batch_id desc limit ?) newest)", Math.max(1, 20_000 / PER_REQUEST));
    long measured = unwatched();
    long watchStart = System.nanoTime();
    var round = watch.watchNew();
    double watchSeconds = (System.nanoTime() - watchStart) / 1e9;
    watch.start();
    System.out.printf("""
        BENCHMARK log watcher: %,d sealed events were waiting (%,d before this run); the newest %,d watched in one
          round in %.1f s: %,.0f events/s (%d rules fired)
        """, queued, watchBacklogBefore, measured, watchSeconds, round.events() / watchSeconds, round.fired());
  }

  private static long verified(String what, WebSession.Page page) {
    if (page.status() != 200 || !page.body().contains("\"allVerified\":true")) {
      throw new AssertionError(what + ": " + page.status() + " "
          + page.body().substring(0, Math.min(300, page.body().length())));
    }
    return count(page.body(), "\"verified\":true");
  }

  /** The lowest rate of answered events in any whole window after the start (NaN when the run is shorter). */
  /** The rate of answered events in each whole, consecutive window after the start. */
  private static double[] windowRates(List<long[]> answered, long t0, long window) {
    long end = answered.stream().mapToLong(a -> a[0]).max().orElse(t0);
    int count = (int) ((end - t0) / window);
    double[] rates = new double[count];
    for (long[] a : answered) {
      int w = (int) ((a[0] - t0) / window);
      if (w < count) {
        rates[w] += a[1] / (window / 1e9);
      }
    }
    return rates;
  }

  /** The lowest rate of answered events in any window of this length, sliding by a second (NaN: a shorter run). */
  private static double slowestWindow(List<long[]> answered, long t0, long window) {
    long end = answered.stream().mapToLong(a -> a[0]).max().orElse(t0);
    double slowest = Double.NaN;
    for (long w = t0; w + window <= end; w += 1_000_000_000L) {
      long from = w;
      long n = answered.stream().filter(a -> a[0] >= from && a[0] < from + window).mapToLong(a -> a[1]).sum();
      double rate = n / (window / 1e9);
      slowest = Double.isNaN(slowest) ? rate : Math.min(slowest, rate);
    }
    return slowest;
  }

  private String issueToken() {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name",
        "benchmark " + run, "scopes", List.of("logs"), "system", "ERP-GL",
        "expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).toString())));
    if (issued.status() != 201) {
      throw new AssertionError(issued.toString());
    }
    return issued.json().get("token").asText();
  }

  /** The i-th event's time: the events of the quarter in order, as a system writes its log. */
  private Instant at(long i) {
    return quarterStart.plusMillis((long) (i * (spanSeconds * 1000.0 / EVENTS)));
  }

  private String object(long i) {
    String action = ACTIONS[(int) (i % ACTIONS.length)];
    return action.equals("VIEW") || action.equals("UPDATE") ? "BQ-" + run + "-" + ((i * 104729) % objects) : null;
  }

  private String hecEvent(long i) {
    String action = ACTIONS[(int) (i % ACTIONS.length)];
    Instant at = at(i);
    int millis = at.getNano() / 1_000_000;
    // as a shipper writes it, without parsing a format per event
    StringBuilder e = new StringBuilder(300).append("{\"time\":").append(at.getEpochSecond()).append('.')
        .append(millis < 100 ? "0" : "").append(millis < 10 ? "0" : "").append(millis)
        .append(",\"host\":\"erp-gl-app-01\",\"source\":\"erp-gl:audit\",\"sourcetype\":\"erp:audit\",\"event\":{")
        .append("\"user\":\"bench-").append(run).append('-').append(i % actors).append("\",\"action\":\"")
        .append(action).append('"');
    String object = object(i);
    if (object != null) {
      e.append(",\"object\":{\"type\":\"invoice\",\"id\":\"").append(object).append("\"}");
    }
    if (action.equals("UPDATE")) {
      e.append(",\"before\":{\"amount\":").append(1000 + i % 500).append("},\"after\":{\"amount\":")
          .append(1001 + i % 500).append('}');
    }
    return e.append(",\"clientIp\":\"10.1.").append(i % 200).append('.').append(i % 250).append("\"}}").toString();
  }

  /** COPY of n rows into logs_record as the engine stores such events (other actors and invoices: not queried). */
  private void copy(long n) throws Exception {
    String columns = "occurred_at, received_at, system_id, protocol, status, reason, actor, action, object_type, "
        + "object_id, before_json, after_json, source_address, peer_address, raw";
    long chunk = 50_000;
    String received = Instant.now().toString();
    try (var connection = jdbc.getDataSource().getConnection()) {
      var copy = connection.unwrap(PGConnection.class).getCopyAPI();
      for (long from = 0; from < n; from += chunk) {
        StringBuilder text = new StringBuilder();
        for (long i = from; i < Math.min(n, from + chunk); i++) {
          int kind = (int) (i % ACTIONS.length);
          String object = object(i);
          text.append(at(i)).append('\t').append(received).append("\tERP-GL\thec\tmapped\t\\N\tcopy-").append(run)
              .append('-').append(i % actors).append('\t').append(ENGINE_ACTIONS[kind]).append('\t')
              .append(object == null ? "\\N" : "invoice").append('\t')
              .append(object == null ? "\\N" : "BC" + object.substring(2)).append('\t')
              .append(kind == 6 ? "{\"amount\":" + (1000 + i % 500) + "}" : "\\N").append('\t')
              .append(kind == 6 ? "{\"amount\":" + (1001 + i % 500) + "}" : "\\N").append("\t10.1.")
              .append(i % 200).append('.').append(i % 250).append("\t127.0.0.1\t\\\\x")
              .append(HexFormat.of().formatHex(hecEvent(i).getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        copy.copyIn("copy logs_record (" + columns + ") from stdin", (Reader) new java.io.StringReader(text.toString()));
      }
    }
  }

  private String setting(String name) {
    return jdbc.queryForObject("select current_setting(?)", String.class, name);
  }

  private long unwatched() {
    return jdbc.queryForObject("select coalesce(sum(records), 0) from logs_watch_queue", Long.class);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  private static double pct(double[] values, int p) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int index = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)];
  }
}
