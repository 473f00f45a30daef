package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.support.ForwardDestinationsInitializer;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Forwarding sealed records (docs/logs.md "Forwarding") to a server that answers in the documented shapes of
 * OpenSearch's {@code _bulk} API and Splunk's HEC ({@link RecordedLogStore}; no real instance runs here): records
 * arrive once per {@code _id} with their seals through a 429 item, a 400 item (dead letter), a whole-request 503 and
 * a refused connection; the destination's lag raises LG-01 once and its catching up is recorded; wrong credentials
 * stall a destination, audited once; HEC gets its header and body.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogForwardIT {

  static final String OS = "test-opensearch";

  @LocalServerPort int port;
  @Autowired LogSealer sealer;
  @Autowired LogForwarder forwarder;
  @Autowired JdbcTemplate jdbc;
  @Autowired org.springframework.transaction.support.TransactionTemplate transactions;

  RecordedLogStore store;
  String erpToken;
  final List<Long> ours = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    store = new RecordedLogStore(ForwardDestinationsInitializer.PORT, ForwardDestinationsInitializer.USER,
        ForwardDestinationsInitializer.PASSWORD, ForwardDestinationsInitializer.HEC_TOKEN);
    store.start();
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name",
        "erp-gl forwarding test", "scopes", List.of("logs"), "system", "ERP-GL",
        "expiresAt", Instant.now().plus(30, ChronoUnit.DAYS).toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    erpToken = issued.json().get("token").asText();
  }

  @AfterAll
  void stop() {
    store.stop();
  }

  /** Sends n ERP-GL events over HEC, seals them, and answers their record ids. */
  private List<Long> ingest(int n) {
    long before = jdbc.queryForObject("select coalesce(max(id), 0) from logs_record", Long.class);
    StringBuilder body = new StringBuilder();
    long t = Instant.now().getEpochSecond() - 60;
    for (int i = 0; i < n; i++) {
      body.append("{\"time\": ").append(t + i).append(", \"event\": {\"user\": \"fwd-").append(i)
          .append("\", \"action\": \"VIEW\", \"object\": {\"type\": \"invoice\", \"id\": \"FWD-").append(i)
          .append("\"}}}\n");
    }
    var sent = Http.anonymous(port).send("POST", "/services/collector/event", "application/json", body.toString(),
        Map.of("Authorization", "Splunk " + erpToken));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    sealer.sealAll();
    List<Long> ids = jdbc.queryForList("select id from logs_record where id > ? and system_id = 'ERP-GL' "
        + "and actor like 'fwd-%' order by id", Long.class, before);
    assertThat(ids).hasSize(n);
    ours.addAll(ids);
    return ids;
  }

  private JsonNode status(String name) {
    var answer = Http.as(port, "audrey").get("/api/logs/forwarding");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    for (JsonNode d : answer.json().get("destinations")) {
      if (d.get("name").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError(name + " not in " + answer.body());
  }

  /** Rounds (backoff ignored) until nothing waits for the destination. */
  private void drain(String name) {
    forwarder.forwardNow(name);
    for (int i = 0; i < 100 && status(name).path("lag").path("records").asLong() > 0; i++) {
      forwarder.forwardNow(name);
    }
    assertThat(status(name).path("lag").path("records").asLong()).isZero();
  }

  private long audited(String action, String destination) {
    return jdbc.queryForObject("select count(*) from audit_event where action = ? and object_id = ?", Long.class,
        action, destination);
  }

  private long lg01(String destination) {
    return jdbc.queryForObject("select count(*) from control_exception where control_id = 'LG-01' "
        + "and object_type = 'log-destination' and object_id = ?", Long.class, destination);
  }

  @Test
  @Order(1)
  void recordsArriveOnceByIdWithTheirSeals() {
    List<Long> ids = ingest(6);
    drain(OS);
    for (Long id : ids) {
      assertThat(store.documents).containsKey(id.toString());
      assertThat(store.attempts().get(id.toString())).isEqualTo(1);
    }
    assertThat(store.contentTypes).allMatch(t -> t.startsWith("application/x-ndjson"));
    // the document: the event shape and the seal the engine proves it with
    JsonNode doc = store.documents.get(ids.get(2).toString());
    assertThat(doc.get("id").asLong()).isEqualTo(ids.get(2));
    assertThat(doc.get("system").asText()).isEqualTo("ERP-GL");
    assertThat(doc.get("actor").asText()).isEqualTo("fwd-2");
    assertThat(doc.get("action").asText()).isEqualTo("read");
    assertThat(doc.get("objectId").asText()).isEqualTo("FWD-2");
    assertThat(doc.get("status").asText()).isEqualTo("mapped");
    Map<String, Object> seal = jdbc.queryForMap("select s.batch_id, s.leaf_index, b.root, b.leaf_count, "
        + "b.audit_event_id from " + LogStore.SEALED + " s join logs_batch b on b.id = s.batch_id where s.record_id = ?",
        ids.get(2));
    assertThat(doc.at("/seal/batchId").asLong()).isEqualTo(((Number) seal.get("batch_id")).longValue());
    assertThat(doc.at("/seal/leafIndex").asInt()).isEqualTo(((Number) seal.get("leaf_index")).intValue());
    assertThat(doc.at("/seal/leafCount").asInt()).isEqualTo(((Number) seal.get("leaf_count")).intValue());
    assertThat(doc.at("/seal/root").asText()).isEqualTo(seal.get("root").toString().strip());
    assertThat(doc.at("/seal/auditEvent/sequence").asLong())
        .isEqualTo(((Number) seal.get("audit_event_id")).longValue());
    assertThat(doc.at("/seal/auditEvent/action").asText()).isEqualTo("logs.batch.seal");
    // the leaf hash is the record's, as the proofs of the auditor's queries give it
    var answer = Http.as(port, "audrey").get("/api/logs/objects/invoice/FWD-2");
    JsonNode proofs = answer.json().get("events");
    boolean matched = false;
    for (JsonNode e : proofs) {
      if (e.get("id").asLong() == ids.get(2)) {
        assertThat(e.at("/proof/leafHash").asText()).isEqualTo(doc.at("/seal/leafHash").asText());
        matched = true;
      }
    }
    assertThat(matched).isTrue();
    JsonNode s = status(OS);
    assertThat(s.get("delivered").asLong()).isGreaterThanOrEqualTo(6);
    assertThat(s.hasNonNull("lastError")).isFalse();
    assertThat(s.get("url").asText()).doesNotContain(ForwardDestinationsInitializer.PASSWORD);

    // a request of many events is sealed as it is stored (each place in its record's row, not in logs_seal): its
    // records are forwarded like the sealer's, each once with its own place, and after those sealed before them
    List<Long> many = ingest(150);
    List<Long> few = ingest(4);
    drain(OS);
    assertThat(jdbc.queryForObject("select count(*) from logs_record where id between ? and ? and actor like 'fwd-%' "
        + "and batch_id is not null", Long.class, many.get(0), many.get(149))).isEqualTo(150L);
    assertThat(jdbc.queryForObject("select count(*) from logs_record where id between ? and ? and actor like 'fwd-%' "
        + "and batch_id is not null", Long.class, few.get(0), few.get(3))).as("sealed from the queue").isZero();
    for (Long id : concat(many, few)) {
      assertThat(store.attempts().get(id.toString())).as("record " + id).isEqualTo(1);
      Map<String, Object> place = jdbc.queryForMap("select batch_id, leaf_index from " + LogStore.SEALED + " s where record_id = ?",
          id);
      JsonNode forwarded = store.documents.get(id.toString());
      assertThat(forwarded.at("/seal/batchId").asLong()).isEqualTo(((Number) place.get("batch_id")).longValue());
      assertThat(forwarded.at("/seal/leafIndex").asInt()).isEqualTo(((Number) place.get("leaf_index")).intValue());
    }
    assertThat(status(OS).get("delivered").asLong()).isGreaterThanOrEqualTo(160);
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  @Order(2)
  void aThrottledItemIsSentAgainAndARefusedOneIsADeadLetter() {
    long deliveredBefore = status(OS).get("delivered").asLong();
    List<Long> ids = ingest(6);
    String throttled = ids.get(1).toString();
    String refused = ids.get(3).toString();
    store.throttleOnce.add(throttled);
    store.rejectMapping.add(refused);

    LogForwarder.Round first = forwarder.forwardNow(OS);
    assertThat(first.outcome()).contains(throttled).contains("429").contains("es_rejected_execution_exception");
    JsonNode s = status(OS);
    // the record before the 429 is delivered and the cursor stands before the 429; the 400 is a dead letter
    assertThat(s.get("delivered").asLong()).isEqualTo(deliveredBefore + 1);
    assertThat(s.path("lag").path("records").asLong()).isEqualTo(4);
    assertThat(s.get("lastError").asText()).contains("429");
    assertThat(s.hasNonNull("nextAttemptAt")).isTrue();
    assertThat(s.at("/deadLetters/count").asLong()).isEqualTo(1);
    JsonNode dead = s.at("/deadLetters/newest/0");
    assertThat(dead.get("recordId").asText()).isEqualTo(refused);
    assertThat(dead.get("status").asInt()).isEqualTo(400);
    assertThat(dead.get("errorType").asText()).isEqualTo("mapper_parsing_exception");
    assertThat(dead.get("reason").asText()).contains("failed to parse field");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.forward.dead-letter' "
        + "and object_id = ? and details->>'recordId' = ?", Long.class, OS, refused)).isEqualTo(1);

    drain(OS);
    s = status(OS);
    // each of the five others once, whatever was sent twice (409 on the second create counts as delivered)
    assertThat(s.get("delivered").asLong()).isEqualTo(deliveredBefore + 5);
    assertThat(s.at("/deadLetters/count").asLong()).isEqualTo(1);
    assertThat(s.get("failures").asInt()).isZero();
    for (Long id : ids) {
      if (id.toString().equals(refused)) {
        assertThat(store.documents).doesNotContainKey(refused);
      } else {
        assertThat(store.documents).containsKey(id.toString());
      }
    }
    assertThat(store.attempts().get(throttled)).isEqualTo(2);
    // the dead letter is not sent again, and not recorded twice
    assertThat(store.attempts().get(refused)).isEqualTo(1);
    assertThat(audited(LogForwarder.DEAD_LETTER_ACTION, OS)).isEqualTo(1);
  }

  @Test
  @Order(3)
  void anUnavailableStoreBacksOffThenARefusedConnectionLagsIntoLg01OnceAndCatchesUp() throws Exception {
    List<Long> ids = ingest(3);
    store.unavailable = true;
    LogForwarder.Round failed = forwarder.forwardNow(OS);
    assertThat(failed.outcome()).contains("HTTP 503").contains("cluster_block_exception");
    JsonNode s = status(OS);
    assertThat(s.path("lag").path("records").asLong()).isEqualTo(3);
    assertThat(s.get("failures").asInt()).isEqualTo(1);
    // the backoff is respected by the rounds: no request until it is over
    int requests = store.bulkRequests.get();
    assertThat(forwarder.forwardAll()).anySatisfy(r -> {
      assertThat(r.destination()).isEqualTo(OS);
      assertThat(r.outcome()).startsWith("backing off until");
    });
    assertThat(store.bulkRequests.get()).isEqualTo(requests);

    // the store goes away: connection refused
    store.unavailable = false;
    store.stop();
    LogForwarder.Round refused = forwarder.forwardNow(OS);
    assertThat(refused.outcome()).contains("connection refused");
    assertThat(status(OS).get("failures").asInt()).isEqualTo(2);
    long exceptionsBefore = lg01(OS);
    assertThat(exceptionsBefore).isZero();
    // ingested a minute ago by the events' time, received now: lagging once max-lag (PT3S in tests) has passed
    Thread.sleep(3_500);
    forwarder.forwardNow(OS);
    assertThat(lg01(OS)).isEqualTo(1);
    forwarder.forwardNow(OS);
    forwarder.forwardNow(OS);
    assertThat(lg01(OS)).as("one exception per lagging period").isEqualTo(1);
    assertThat(audited(LogForwarder.LAGGING_ACTION, OS)).isEqualTo(1);
    s = status(OS);
    assertThat(s.get("lagging").get("exceptionId").asLong()).isPositive();
    assertThat(s.at("/lag/oldestUnsentRecordId").asLong()).isEqualTo(ids.get(0));
    assertThat(s.get("lastError").asText()).contains("connection refused");
    String details = jdbc.queryForObject("select details::text from control_exception where control_id = 'LG-01' "
        + "and object_type = 'log-destination' and object_id = ?", String.class, OS);
    assertThat(details).contains("connection refused").contains("\"waiting\": 3");

    // back up: everything arrives, once; the lagging period is closed and audited
    store.start();
    drain(OS);
    forwarder.forwardNow(OS);
    s = status(OS);
    assertThat(s.hasNonNull("lagging")).isFalse();
    assertThat(s.get("failures").asInt()).isZero();
    assertThat(forwarder.lags(OS)).hasSize(1).allSatisfy(l -> assertThat(l.caughtUpAt()).isNotNull());
    assertThat(audited(LogForwarder.CAUGHT_UP_ACTION, OS)).isEqualTo(1);
    assertThat(lg01(OS)).isEqualTo(1);
    for (Long id : ours) {
      if (!status(OS).at("/deadLetters/newest/0/recordId").asText().equals(id.toString())) {
        assertThat(store.documents).as("record " + id).containsKey(id.toString());
      }
    }
    // every record the engine sealed for ERP-GL is in the store exactly once (a map keyed by _id), none missing
    List<String> sealed = jdbc.queryForList("select s.record_id::text from " + LogStore.SEALED + " s join logs_batch b "
        + "on b.id = s.batch_id where b.system_id = 'ERP-GL' and s.record_id not in (select record_id from "
        + "logs_forward_dead_letter where destination = ?)", String.class, OS);
    assertThat(store.documents.keySet()).containsAll(sealed);
    assertThat(store.documents).hasSize(sealed.size());
  }

  @Test
  @Order(4)
  void wrongCredentialsStallTheDestinationAuditedOnce() {
    String name = "test-opensearch-wrong-key";
    int refused = store.refusedAuth.get();
    LogForwarder.Round round = forwarder.forwardNow(name);
    assertThat(round.outcome()).contains("HTTP 401").contains("security_exception");
    assertThat(store.refusedAuth.get()).isGreaterThan(refused);
    forwarder.forwardNow(name);
    JsonNode s = status(name);
    assertThat(s.get("stalled").get("reason").asText()).contains("401");
    assertThat(s.get("delivered").asLong()).isZero();
    assertThat(s.path("lag").path("records").asLong()).isPositive();
    assertThat(audited(LogForwarder.STALLED_ACTION, name)).as("once per stall").isEqualTo(1);
    assertThat(jdbc.queryForObject("select details->>'reason' from audit_event where action = ? and object_id = ?",
        String.class, LogForwarder.STALLED_ACTION, name)).contains("401");
  }

  @Test
  @Order(5)
  void theSiemsCollectorGetsItsHeaderAndBody() {
    List<Long> ids = ingest(2);
    drain("test-splunk");
    assertThat(store.hecAuthorizations).isNotEmpty()
        .allMatch(a -> a.equals("Splunk " + ForwardDestinationsInitializer.HEC_TOKEN));
    JsonNode event = store.hecEvents.stream().filter(e -> e.at("/event/id").asLong() == ids.get(1)).findFirst()
        .orElseThrow();
    assertThat(event.get("sourcetype").asText()).isEqualTo("itgc:log-record");
    assertThat(event.get("index").asText()).isEqualTo("itgc_test");
    assertThat(event.get("host").asText()).isEqualTo("ERP-GL");
    assertThat(event.get("time").isNumber()).isTrue();
    assertThat(event.at("/event/actor").asText()).isEqualTo("fwd-1");
    assertThat(event.at("/event/seal/root").asText()).hasSize(64);
    assertThat(store.hecEvents.stream().filter(e -> e.at("/event/id").asLong() == ids.get(1))).hasSize(1);
    assertThat(status("test-splunk").hasNonNull("lastError")).isFalse();
  }

  @Test
  @Order(6)
  void theStatusIsForTheAuditorsRolesOnly() {
    assertThat(Http.anonymous(port).get("/api/logs/forwarding").status()).isEqualTo(401);
    for (String user : List.of("sam", "audrey", "grace")) {
      assertThat(Http.as(port, user).get("/api/logs/forwarding").status()).isEqualTo(200);
    }
    for (String user : List.of("rachel", "admin")) {
      assertThat(Http.as(port, user).get("/api/logs/forwarding").status()).isEqualTo(403);
    }
  }

  @Test
  @Order(7)
  void aBatchThatCommitsAfterALaterOneIsStillForwarded() throws Exception {
    // A: a few records wait in the sealer's queue, and the sealer's transaction that seals them (taking the lower batch
    // id) stays open; B: a request of many, sealed with its request (the higher id), commits first
    sealer.stop();
    java.util.concurrent.CountDownLatch aSealed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch aMayCommit = new java.util.concurrent.CountDownLatch(1);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      send("fwd-late-a", 4);
      var a = pool.submit(() -> transactions.execute(status -> {
        List<Long> batches = sealer.sealAll();
        aSealed.countDown();
        try {
          aMayCommit.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return batches;
      }));
      assertThat(aSealed.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      send("fwd-late-b", 120);
      // the forwarder waits for A's sealing to end rather than pass A's batch with B's
      var round = pool.submit(() -> forwarder.forwardNow(OS));
      Thread.sleep(500);
      assertThat(round.isDone()).as("the forwarder waits while a lower batch is being sealed").isFalse();
      aMayCommit.countDown();
      List<Long> aBatches = a.get(30, java.util.concurrent.TimeUnit.SECONDS);
      round.get(30, java.util.concurrent.TimeUnit.SECONDS);
      drain(OS);
      List<Long> ids = jdbc.queryForList("select id from logs_record where actor like 'fwd-late-%'", Long.class);
      assertThat(ids).hasSize(124);
      Long bBatch = jdbc.queryForObject("select distinct batch_id from logs_record where actor = 'fwd-late-b'",
          Long.class);
      assertThat(aBatches).hasSize(1).allMatch(batch -> batch < bBatch);
      for (Long id : ids) {
        assertThat(store.attempts().get(id.toString())).as("record " + id).isEqualTo(1);
      }
    } finally {
      aMayCommit.countDown();
      pool.shutdownNow();
      sealer.start();
    }
  }

  /** Sends n ERP-GL events of one person over HEC, without sealing them. */
  private void send(String actor, int n) {
    StringBuilder body = new StringBuilder();
    long t = Instant.now().getEpochSecond() - 30;
    for (int i = 0; i < n; i++) {
      body.append("{\"time\": ").append(t + i % 20).append(", \"event\": {\"user\": \"").append(actor)
          .append("\", \"action\": \"VIEW\", \"object\": {\"type\": \"invoice\", \"id\": \"FWD-LATE-").append(i)
          .append("\"}}}\n");
    }
    var sent = Http.anonymous(port).send("POST", "/services/collector/event", "application/json", body.toString(),
        Map.of("Authorization", "Splunk " + erpToken));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
  }
}
