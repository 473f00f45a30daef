package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #19 end to end over HEC: ERP-GL sends its audit log with its own credential; the auditor asks who touched
 * invoice AP-12345 and gets John's read (no change by John) and Mary's update with proofs that verify offline against
 * the roots the engine's audit trail carries; a record changed in the database fails its proof; an unmapped record is
 * kept raw and counted; wrong credentials are refused in HEC's codes and audited.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsIT {

  @LocalServerPort int port;
  @Autowired LogSealer sealer;
  @Autowired JdbcTemplate jdbc;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  String erpToken;
  String apToken;
  String auditToken;
  Instant morning;
  String from;
  String to;

  @BeforeAll
  void credentials() {
    erpToken = issue("erp-gl log shipper", List.of("logs"), "ERP-GL");
    apToken = issue("ap-pay log shipper", List.of("logs"), "AP-PAY");
    auditToken = issue("siem reader", List.of("audit-read"), null);
    morning = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    from = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    to = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
  }

  private String issue(String name, List<String> scopes, String system) {
    var body = new java.util.HashMap<String, Object>(Map.of("name", name, "scopes", scopes,
        "expiresAt", Instant.now().plus(30, ChronoUnit.DAYS).toString()));
    if (system != null) {
      body.put("system", system);
    }
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(body));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    return issued.json().get("token").asText();
  }

  private Http.Response hec(String token, String body) {
    return Http.anonymous(port).send("POST", "/services/collector/event", "application/json", body,
        token == null ? Map.of() : Map.of("Authorization", "Splunk " + token));
  }

  private JsonNode objectQuery(String type, String id) {
    var answer = Http.as(port, "audrey").get("/api/logs/objects/" + type + "/" + id + "?from=" + from + "&to=" + to);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  /** Every event's proof checked offline against the root and size its audit event carries in the trail. */
  private List<String> offlineProblems(JsonNode answer) throws Exception {
    List<String> problems = new ArrayList<>();
    for (JsonNode event : answer.get("events")) {
      JsonNode proof = event.get("proof");
      var carriers = Http.as(port, "audrey").get("/api/audit/events?action=logs.batch.seal&objectId="
          + proof.get("batchId").asText()).json();
      assertThat(carriers).hasSize(1);
      JsonNode carrier = carriers.get(0);
      assertThat(proof.at("/auditEvent/sequence").asLong()).isEqualTo(carrier.get("sequence").asLong());
      String problem = LogProofVerifier.check(event, carrier.at("/details/root").asText(),
          carrier.at("/details/leafCount").asLong());
      if (problem != null) {
        problems.add(event.get("id") + ": " + problem);
      }
    }
    return problems;
  }

  @Test
  void theAuditorSeesJohnOnlyViewedTheInvoiceAndMaryChangedIt() throws Exception {
    var day = ErpGlLogGenerator.morning(morning, "AP-12345", "AP-12346");
    var sent = hec(erpToken, ErpGlLogGenerator.hecBody(day));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    assertThat(sent.json().get("text").asText()).isEqualTo("Success");
    assertThat(sent.json().get("code").asInt()).isZero();
    assertThat(sealer.sealAll()).isNotEmpty();

    JsonNode answer = objectQuery("invoice", "AP-12345");
    JsonNode events = answer.get("events");
    assertThat(events).hasSize(3);
    assertThat(events).extracting(e -> e.get("actor").asText() + " " + e.get("action").asText())
        .containsExactly("john read", "mary read", "mary update");
    assertThat(events).filteredOn(e -> e.get("actor").asText().equals("john"))
        .allMatch(e -> !e.get("changes").asBoolean());
    JsonNode update = events.get(2);
    assertThat(update.get("system").asText()).isEqualTo("ERP-GL");
    assertThat(update.at("/before/amount").asDouble()).isEqualTo(1200.0);
    assertThat(update.at("/after/amount").asDouble()).isEqualTo(1250.0);
    assertThat(update.get("sourceAddress").asText()).isEqualTo("10.1.2.4");
    assertThat(Instant.parse(update.get("occurredAt").asText())).isEqualTo(morning.plusSeconds(120));
    assertThat(answer.get("allVerified").asBoolean()).isTrue();
    assertThat(events).allMatch(e -> e.get("verified").asBoolean());
    assertThat(offlineProblems(answer)).isEmpty();

    // what did John do: logins, two reads, a logout, and no change
    var john = Http.as(port, "grace").get("/api/logs/actors/john?from=" + morning + "&to=" + morning.plusSeconds(3600))
        .json();
    assertThat(john.get("events")).extracting(e -> e.get("action").asText())
        .containsExactly("login", "read", "read", "logout");
    assertThat(john.get("allVerified").asBoolean()).isTrue();

    // the reads are audited, as queries of the trail are
    var reads = Http.as(port, "audrey").get("/api/audit/events?action=logs.query.object&objectId=invoice/AP-12345")
        .json();
    assertThat(reads).isNotEmpty();
    assertThat(reads.get(0).get("actor").asText()).isEqualTo("audrey");
  }

  @Test
  void aRecordChangedInTheDatabaseFailsItsProof() throws Exception {
    var day = ErpGlLogGenerator.morning(morning.plusSeconds(7), "AP-70001", "AP-70002");
    assertThat(hec(erpToken, ErpGlLogGenerator.hecBody(day)).status()).isEqualTo(200);
    sealer.sealAll();
    assertThat(objectQuery("invoice", "AP-70001").get("allVerified").asBoolean()).isTrue();

    // nobody may change a record, the owner included
    var owner = new JdbcTemplate(ownerDataSource);
    assertThatThrownBy(() -> owner.update("update logs_record set actor = 'john' where object_id = 'AP-70001'"))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
    assertThatThrownBy(() -> owner.update("delete from logs_record where object_id = 'AP-70001'"))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");

    // a superuser who switches the triggers off makes Mary's update John's read
    var attacker = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
        ownerDataSource.getConnection(), true));
    attacker.execute("set session_replication_role = replica");
    int changed = attacker.update("update logs_record set actor = 'john', action = 'read', before_json = null, "
        + "after_json = null where object_id = 'AP-70001' and action = 'update'");
    attacker.execute("set session_replication_role = origin");
    assertThat(changed).isEqualTo(1);

    JsonNode answer = objectQuery("invoice", "AP-70001");
    assertThat(answer.get("allVerified").asBoolean()).isFalse();
    JsonNode tampered = java.util.stream.StreamSupport.stream(answer.get("events").spliterator(), false)
        .filter(e -> !e.get("verified").asBoolean()).findFirst().orElseThrow();
    assertThat(tampered.get("actor").asText()).isEqualTo("john");
    assertThat(tampered.get("problem").asText()).contains("changed after sealing");
    assertThat(offlineProblems(answer)).singleElement().asString().contains("not to the batch root");
    assertThat(answer.get("events")).filteredOn(e -> e.get("verified").asBoolean()).hasSize(2);
  }

  @Test
  void aRequestOfManyEventsIsSealedWhenItIsStoredAndATamperedTreeFailsItsProofs() throws Exception {
    List<ErpGlLogGenerator.Activity> burst = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      burst.addAll(ErpGlLogGenerator.morning(morning.plusSeconds(11 + i), "AP-71" + String.format("%03d", i),
          "AP-72" + String.format("%03d", i)));
    }
    assertThat(burst).hasSize(360);
    var sent = hec(erpToken, ErpGlLogGenerator.hecBody(burst));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);

    // no sealer round ran: the request's 360 records were sealed in its own transaction, one batch with its tree
    // each record carries its place in its own row (written by the same COPY), none is in logs_seal
    List<Long> batches = jdbc.queryForList("""
        select distinct r.batch_id from logs_record r where r.object_id like 'AP-71%' or r.object_id like 'AP-72%'
        """, Long.class);
    assertThat(batches).hasSize(1).doesNotContainNull();
    assertThat(jdbc.queryForList("""
        select r.leaf_index from logs_record r where r.batch_id = ? order by r.id""", Integer.class, batches.get(0)))
        .isEqualTo(java.util.stream.IntStream.range(0, 360).boxed().toList());
    assertThat(jdbc.queryForObject("select count(*) from logs_seal where batch_id = ?", Long.class, batches.get(0)))
        .isZero();
    assertThat(jdbc.queryForObject("""
        select count(*) from logs_unsealed u join logs_record r on r.id = u.record_id
        where r.object_id like 'AP-71%'""", Long.class)).isZero();
    var batch = jdbc.queryForMap("select leaf_count, leaves, tree, root from logs_batch where id = ?", batches.get(0));
    assertThat(batch.get("leaf_count")).isEqualTo(360);
    List<byte[]> leafHashes = Merkle.split((byte[]) batch.get("leaves"), 360);
    assertThat((byte[]) batch.get("tree")).isEqualTo(Merkle.tree(leafHashes));
    JsonNode answer = objectQuery("invoice", "AP-71007");
    assertThat(answer.get("events")).hasSize(3);
    assertThat(answer.get("allVerified").asBoolean()).isTrue();
    assertThat(answer.get("events")).allMatch(e -> e.at("/proof/leafCount").asInt() == 360
        && e.at("/proof/auditPath").size() == 9);
    assertThat(offlineProblems(answer)).isEmpty();

    // a superuser who rewrites a stored inner node of the tree makes every proof through it fail, in the API and
    // offline: a path read from the stored tree is checked against the root the audit trail carries
    var attacker = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
        ownerDataSource.getConnection(), true));
    attacker.execute("set session_replication_role = replica");
    // node 1 is the root of the left subtree (the first 256 leaves): the top of the path of every record in the right
    // subtree, AP-71039's among them (records 351 to 359)
    attacker.update("update logs_batch set tree = overlay(tree placing decode(repeat('ab', 32), 'hex') from 33 for 32)"
        + " where id = ?", batches.get(0));
    attacker.execute("set session_replication_role = origin");
    JsonNode tampered = objectQuery("invoice", "AP-71039");
    assertThat(tampered.get("allVerified").asBoolean()).isFalse();
    assertThat(tampered.get("events")).hasSize(3).allMatch(e -> !e.get("verified").asBoolean()
        && e.get("problem").asText().contains("do not lead from this record to the batch's root"));
    assertThat(offlineProblems(tampered)).hasSize(3);
    // a record whose path does not pass through the rewritten node still verifies
    JsonNode late = objectQuery("invoice", "AP-71007");
    assertThat(late.get("allVerified").asBoolean()).as(late.toString()).isTrue();
  }

  @Test
  void aSenderCannotMakeARequestSealedWithItsStorageDisagreeWithWhatWasHashed() throws Exception {
    // sealed in the request's transaction, the leaf is hashed from the values as mapped, not as read back: values that
    // COPY's text format escapes (backslash, tab, newline, carriage return, a literal \N) or that are not ASCII must
    // come back from the database byte for byte, or every such event would read as tampered
    String actor = "m\\a\tr\ny\r\\N \u00e9\u00df\u4e2d\ud83d\ude00";
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      var event = json.createObjectNode().put("time", morning.getEpochSecond() + 20 + i);
      var e = event.putObject("event").put("user", actor).put("action", i % 2 == 0 ? "VIEW" : "UPDATE")
          .put("clientIp", "10.9.\t.1");
      e.putObject("object").put("type", "invoice").put("id", "AP-73000");
      if (i % 2 == 1) {
        e.putObject("before").put("memo", "a\\b\tc");
        e.putObject("after").put("memo", "\\N\r\n\\.");
      }
      body.append(event).append('\n');
    }
    var sent = hec(erpToken, body.toString());
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    JsonNode answer = objectQuery("invoice", "AP-73000");
    assertThat(answer.get("count").asInt()).isEqualTo(120);
    assertThat(answer.get("events").get(0).get("actor").asText()).isEqualTo("m\\a\tr\ny\r\\N \u00e9\u00df\u4e2d\ud83d\ude00");
    assertThat(answer.get("events")).allMatch(e -> e.at("/proof/leafCount").asInt() == 120);
    assertThat(answer.get("allVerified").asBoolean()).as(answer.toString()).isTrue();
    assertThat(offlineProblems(answer)).isEmpty();
  }

  @Test
  void anUnmappedRecordIsKeptRawAndCounted() {
    var before = source("ERP-GL");
    String printed = "{\"time\": " + morning.getEpochSecond() + ", \"event\": {\"user\": \"john\", \"action\": "
        + "\"PRINT\", \"object\": {\"type\": \"invoice\", \"id\": \"AP-12345\"}}}";
    String noUser = "{\"time\": " + morning.getEpochSecond() + ", \"event\": {\"action\": \"VIEW\"}}";
    var sent = hec(erpToken, printed + noUser);
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    var after = source("ERP-GL");
    assertThat(after.get("received").asLong()).isEqualTo(before.get("received").asLong() + 2);
    assertThat(after.get("unmapped").asLong()).isEqualTo(before.get("unmapped").asLong() + 2);
    assertThat(after.get("mapped").asLong()).isEqualTo(before.get("mapped").asLong());
    assertThat(after.get("lastReceivedAt").isNull()).isFalse();
    assertThat(after.get("recentRaw")).extracting(r -> r.get("reason").asText()).anyMatch(r ->
        r.contains("action 'PRINT'") && r.contains("not in the actions table"))
        .anyMatch(r -> r.contains("actor (event.user) is missing"));
    assertThat(after.get("recentRaw")).extracting(r -> r.get("raw").asText()).contains(printed, noUser);

    // a malformed event: HEC's code 6, the good one before it stored, the rest kept raw
    var bad = hec(erpToken, printed + "{\"event\": {\"user\": ");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).contains("application/problem+json");
    assertThat(bad.json().get("code").asInt()).isEqualTo(6);
    assertThat(bad.json().get("text").asText()).isEqualTo("Invalid data format");
    assertThat(bad.json().get("invalid-event-number").asInt()).isEqualTo(1);
    assertThat(source("ERP-GL").get("unmapped").asLong()).isEqualTo(after.get("unmapped").asLong() + 2);

    var empty = hec(erpToken, " ");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("code").asInt()).isEqualTo(5);
    assertThat(empty.json().get("text").asText()).isEqualTo("No data");

    // a period that cannot be read, or is empty, is a 400 naming the parameter
    var badDate = Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-12345?from=last-tuesday");
    assertThat(badDate.status()).isEqualTo(400);
    assertThat(badDate.contentType()).contains("application/problem+json");
    assertThat(badDate.body()).contains("from");
    var backwards = Http.as(port, "audrey").get("/api/logs/actors/john?from=" + to + "&to=" + from);
    assertThat(backwards.status()).isEqualTo(400);
    assertThat(backwards.body()).contains("to").contains("must be after from");

    // the sources are the auditors', governance's and security's to read, not a requester's
    assertThat(Http.as(port, "rachel").get("/api/logs/sources").status()).isEqualTo(403);
    assertThat(Http.as(port, "rachel").get("/api/logs/objects/invoice/AP-12345").status()).isEqualTo(403);
  }

  private JsonNode source(String system) {
    var sources = Http.as(port, "audrey").get("/api/logs/sources");
    assertThat(sources.status()).as(sources.toString()).isEqualTo(200);
    for (JsonNode s : sources.json().get("sources")) {
      if (s.get("system").asText().equals(system)) {
        return s;
      }
    }
    throw new AssertionError(system + " not in " + sources.body());
  }

  @Test
  void theHealthCheckOfShippersIsAnsweredAsHecDoes() {
    var health = Http.anonymous(port).get("/services/collector/health/1.0");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("code").asInt()).isEqualTo(17);
    assertThat(health.json().get("text").asText()).isEqualTo("HEC is healthy");
  }

  @Test
  void wrongCredentialsAreRefusedInHecsCodesAndAudited() {
    String event = ErpGlLogGenerator.hec(ErpGlLogGenerator.morning(morning, "AP-99999", "AP-99998").get(1));
    var none = hec(null, event);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).contains("application/problem+json");
    assertThat(none.json().get("code").asInt()).isEqualTo(2);
    assertThat(none.json().get("text").asText()).isEqualTo("Token is required");

    var bearer = Http.anonymous(port).send("POST", "/services/collector/event", "application/json", event,
        Map.of("Authorization", "Bearer " + erpToken));
    assertThat(bearer.status()).isEqualTo(401);
    assertThat(bearer.json().get("code").asInt()).isEqualTo(3);

    var unknown = hec("itgc_nosuchid_" + "x".repeat(43), event);
    assertThat(unknown.status()).isEqualTo(403);
    assertThat(unknown.json().get("code").asInt()).isEqualTo(4);
    assertThat(unknown.json().get("text").asText()).isEqualTo("Invalid token");

    var otherScope = hec(auditToken, event);
    assertThat(otherScope.status()).isEqualTo(403);
    assertThat(otherScope.json().get("code").asInt()).isEqualTo(4);

    // AP-PAY's credential sending into ERP-GL's index
    var otherSystem = hec(apToken, event.replaceFirst("\\{", "{\"index\": \"ERP-GL\", "));
    assertThat(otherSystem.status()).as(otherSystem.toString()).isEqualTo(403);
    assertThat(otherSystem.json().get("code").asInt()).isEqualTo(7);
    assertThat(otherSystem.json().get("text").asText()).isEqualTo("Incorrect index");

    // a logs credential opens nothing else
    assertThat(Http.bearer(port, erpToken).get("/api/logs/objects/invoice/AP-12345").status()).isEqualTo(403);

    assertThat(objectQuery("invoice", "AP-99999").get("events")).isEmpty();
    var refused = Http.as(port, "audrey").get("/api/audit/events?action=logs.sender.refused&size=50").json();
    assertThat(refused).extracting(e -> e.at("/details/reason").asText())
        .contains("no Authorization header", "an Authorization header without the Splunk scheme",
            "an unknown, revoked or expired credential", "a credential without scope logs")
        .anyMatch(r -> r.contains("names index ERP-GL, but the credential is bound to AP-PAY"));
    assertThat(refused).allMatch(e -> e.get("outcome").asText().equals("DENIED"));
  }

  @Test
  void aRecordOfAnEarlierMonthGetsItsPartitionAndSurvivesTheEnginesOwnBackupAndRestore() {
    Instant lastQuarter = morning.minus(70, ChronoUnit.DAYS);
    var late = new ErpGlLogGenerator.Activity(lastQuarter, "mary", "DELETE", "invoice", "AP-11111",
        Map.of("amount", 10), null, "10.1.2.4");
    assertThat(hec(erpToken, ErpGlLogGenerator.hec(late)).status()).isEqualTo(200);
    sealer.sealAll();
    String month = lastQuarter.atOffset(ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern(
        "'y'yyyy'm'MM"));
    assertThat(jdbc.queryForObject("select count(*) from pg_class where relname in (?, ?)", Long.class,
        "logs_record_" + month, "logs_seal_" + month)).isEqualTo(2);
    var answer = Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-11111?from="
        + LocalDate.ofInstant(lastQuarter, ZoneOffset.UTC).minusDays(1) + "&to=" + to).json();
    assertThat(answer.get("events")).singleElement().satisfies(e -> {
      assertThat(e.get("action").asText()).isEqualTo("delete");
      assertThat(e.get("verified").asBoolean()).isTrue();
    });

    // the engine's backup lists the logs' months and its restore test makes them before loading the rows
    var backup = Http.as(port, "admin").post("/api/continuity/engine-backups", "{}");
    assertThat(backup.status()).as(backup.toString()).isEqualTo(201);
    var test = Http.as(port, "admin").post("/api/continuity/engine-restore-tests", "{}");
    assertThat(test.status()).as(test.toString()).isEqualTo(201);
    assertThat(test.json().get("passed").asBoolean()).as(test.toString()).isTrue();
    assertThat(test.json().get("restoredRows").get("logs_record")).isEqualTo(test.json().get("expectedRows")
        .get("logs_record"));
    assertThat(test.json().get("expectedRows").get("logs_record").asLong()).isPositive();
  }

  @Test
  void theDemoProfileIssuesERPGLALogsCredentialWhoseTokenItWritesToAFile(@Autowired DemoLogSender demo)
      throws Exception {
    String token = java.nio.file.Files.readString(demo.file()).strip();
    var activity = new ErpGlLogGenerator.Activity(morning, "erin", "LOGIN", null, null, null, null, "10.9.9.9");
    assertThat(hec(token, ErpGlLogGenerator.hec(activity)).status()).isEqualTo(200);
    sealer.sealAll();
    var erin = Http.as(port, "audrey").get("/api/logs/actors/erin").json();
    assertThat(erin.get("events")).singleElement().satisfies(e -> {
      assertThat(e.get("system").asText()).isEqualTo("ERP-GL");
      assertThat(e.get("action").asText()).isEqualTo("login");
    });
  }

  @Test
  void aLogsCredentialIsBoundToOneKnownSystem() {
    var expires = Instant.now().plus(1, ChronoUnit.DAYS).toString();
    var noSystem = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "shipper",
        "scopes", List.of("logs"), "expiresAt", expires)));
    assertThat(noSystem.status()).isEqualTo(400);
    assertThat(noSystem.body()).contains("system");
    var unknown = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "shipper",
        "scopes", List.of("logs"), "system", "NOPE", "expiresAt", expires)));
    assertThat(unknown.status()).isEqualTo(400);
    var mixed = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "shipper",
        "scopes", List.of("logs", "audit-read"), "system", "ERP-GL", "expiresAt", expires)));
    assertThat(mixed.status()).isEqualTo(400);
    var listed = Http.as(port, "sam").get("/api/security/credentials").json().get("credentials");
    assertThat(listed).anyMatch(c -> c.get("name").asText().equals("erp-gl log shipper")
        && c.get("system").asText().equals("ERP-GL"));
  }
}
