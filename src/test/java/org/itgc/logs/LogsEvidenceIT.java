package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #19, the parts an auditor touches: the evidence pack of one object or one person verifies offline with a
 * verifier written from the docs ({@link LogPackVerifier}) and fails, with the reason, when any event, root, link,
 * checkpoint or signature was altered; the watcher's findings as JSON and CSV; the evidence browser's page of both
 * questions and of the findings. Only auditors, governance leads and security admins; everything audited. The objects
 * and people here are this test's own (a unique tag), so the shared context's other data does not count.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsEvidenceIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired LogSealer sealer;
  @Autowired LogWatch watch;
  @Autowired JdbcTemplate jdbc;

  final String tag = Long.toString(System.currentTimeMillis(), 36);
  final String invoice = "AP-EV-" + tag;
  final String viewer = "evjohn-" + tag;
  final String changer = "evmary-" + tag;
  final String burster = "evburst-" + tag;
  final String bankAccount = "V-EV-" + tag;
  String from;
  String to;

  @BeforeAll
  void theErpSendsItsLog() throws Exception {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name",
        "erp-gl evidence shipper", "scopes", List.of("logs"), "system", "ERP-GL", "expiresAt",
        Instant.now().plus(30, ChronoUnit.DAYS).toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    String token = issued.json().get("token").asText();
    // a few minutes into an hour at least an hour ago: the failed logins' finding and its repeat in one hour
    Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS).plus(5, ChronoUnit.MINUTES);
    from = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    to = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
    List<ErpGlLogGenerator.Activity> day = new ArrayList<>();
    day.add(act(start, viewer, "LOGIN", null, null, null, null, "10.7.0.1"));
    day.add(act(start.plusSeconds(10), viewer, "VIEW", "invoice", invoice, null, null, "10.7.0.1"));
    day.add(act(start.plusSeconds(20), changer, "VIEW", "invoice", invoice, null, null, "10.7.0.2"));
    day.add(act(start.plusSeconds(30), changer, "UPDATE", "invoice", invoice, Map.of("amount", 700),
        Map.of("amount", 777), "10.7.0.2"));
    day.add(act(start.plusSeconds(40), viewer, "LOGOUT", null, null, null, null, "10.7.0.1"));
    // someone unknown to the registry: six failed logins in two minutes, and a read of a vendor's bank account
    for (int i = 0; i < 6; i++) {
      day.add(act(start.plusSeconds(100 + 20 * i), burster, "LOGIN_FAILED", null, null, null, null, "10.7.0.3"));
    }
    day.add(act(start.plusSeconds(300), burster, "VIEW", "vendor-bank-account", bankAccount, null, null, "10.7.0.3"));
    var sent = Http.anonymous(port).send("POST", "/services/collector/event", "application/json",
        ErpGlLogGenerator.hecBody(day), Map.of("Authorization", "Splunk " + token));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    sealer.sealAll();
    watch.watchNew();
    // the background round may have taken them first: wait for its findings
    for (int i = 0; i < 60 && findings("actor=" + burster).size() < 2; i++) {
      Thread.sleep(500);
    }
  }

  private static ErpGlLogGenerator.Activity act(Instant at, String user, String action, String type, String id,
      Map<String, Object> before, Map<String, Object> after, String ip) {
    return new ErpGlLogGenerator.Activity(at, user, action, type, id, before, after, ip);
  }

  private JsonNode findings(String query) {
    var answer = Http.as(port, "grace").get("/api/logs/findings?from=" + from + "&to=" + to + "&" + query);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  private HttpResponse<byte[]> download(String user, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + Http.DEMO_PASSWORD)
            .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String fingerprint() {
    return Http.as(port, "audrey").get("/api/audit/signing-key").json().get("fingerprint").asText();
  }

  // ------------------------------------------------------------------ packs

  @Test
  void thePackOfAnObjectVerifiesOfflineAndEveryAlterationFailsWithItsReason() throws Exception {
    var response = download("audrey", "/api/logs/objects/invoice/" + invoice + "/pack?from=" + from + "&to=" + to);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
    byte[] pack = response.body();
    var result = LogPackVerifier.verify(pack, fingerprint());
    assertThat(result.problems()).isEmpty();
    assertThat(result.events()).isEqualTo(3);
    assertThat(result.batches()).isPositive();
    assertThat(result.links()).isPositive();
    assertThat(result.checkpoints()).isPositive();
    Map<String, byte[]> files = unzip(pack);
    assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(LogPackVerifier.ENTRIES);
    JsonNode events = JSON.readTree(files.get("events.json")).get("events");
    assertThat(events).extracting(e -> e.get("actor").asText() + " " + e.get("action").asText())
        .containsExactly(viewer + " read", changer + " read", changer + " update");
    assertThat(events.get(2).at("/after/amount").asInt()).isEqualTo(777);

    // an event says another action than the one sealed (the manifest's hash then differs too)
    var altered = LogPackVerifier.verify(rezip(files, "events.json", text -> text.replace(
        "\"action\" : \"update\"", "\"action\" : \"read\"")), null);
    assertThat(altered.problems()).contains("events.json: its SHA-256 differs from the manifest's")
        .anyMatch(p -> p.contains("the canonical bytes say action = update"));
    // the same, with the manifest's hash made to fit: its signature no longer verifies
    byte[] refitted = refit(unzip(rezip(files, "events.json", text -> text.replace(
        "\"action\" : \"update\"", "\"action\" : \"read\""))));
    assertThat(LogPackVerifier.verify(refitted, null).problems())
        .contains("manifest.sig: not the key's signature of manifest.json")
        .noneMatch(p -> p.contains("SHA-256")).anyMatch(p -> p.contains("the canonical bytes say action = update"));
    // a proof's root replaced
    String root = events.get(0).at("/proof/root").asText();
    var rooted = LogPackVerifier.verify(refit(unzip(rezip(files, "events.json",
        text -> text.replace("\"root\" : \"" + root + "\"", "\"root\" : \"" + "0".repeat(64) + "\"")))), null);
    assertThat(rooted.problems()).anyMatch(p -> p.contains("not to the batch root " + "0".repeat(64)));
    // a batch's root in batches.json replaced
    var batch = LogPackVerifier.verify(refit(unzip(rezip(files, "batches.json",
        text -> text.replace(root, "f".repeat(64))))), null);
    assertThat(batch.problems()).anyMatch(p -> p.contains("batches.json says root " + "f".repeat(64)));
    // the audit event that carries the root altered in the chain (its details' root)
    var linked = LogPackVerifier.verify(refit(unzip(rezip(files, "chain/segments.jsonl",
        text -> text.replaceFirst(root, "e".repeat(64))))), null);
    assertThat(linked.problems()).anyMatch(p -> p.endsWith("its hash does not match its content"))
        .anyMatch(p -> p.contains("is not in the verified chain"));
    // a checkpoint's signature altered
    var checkpoints = (com.fasterxml.jackson.databind.node.ArrayNode) JSON.readTree(files.get("chain/checkpoints.json"));
    String signature = checkpoints.get(0).get("signature").asText();
    ((ObjectNode) checkpoints.get(0)).put("signature", (signature.startsWith("A") ? "B" : "A") + signature.substring(1));
    Map<String, byte[]> resigned = new TreeMap<>(files);
    resigned.put("chain/checkpoints.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(checkpoints));
    assertThat(LogPackVerifier.verify(refit(resigned), null).problems())
        .contains("checkpoint " + checkpoints.get(0).get("seq").asLong() + ": its signature does not verify");
    // another key pinned
    assertThat(LogPackVerifier.verify(pack, "ab".repeat(32)).problems())
        .anyMatch(p -> p.startsWith("public-key.pem: not the key of the pinned fingerprint"));

    // the pack is audited with its digest
    String digest = response.headers().firstValue("X-Pack-SHA256").orElseThrow();
    assertThat(LogPackVerifier.hex(LogPackVerifier.sha256(pack))).isEqualTo(digest);
    assertThat(jdbc.queryForList("select actor from audit_event where action = 'logs.pack.object' and object_id = ? "
        + "and details->>'sha256' = ? and (details->>'events')::int = 3", String.class, "invoice/" + invoice, digest))
        .containsExactly("audrey");
  }

  @Test
  void thePackOfAPersonVerifiesOfflineAndHoldsOnlyWhatTheyDid() throws Exception {
    var response = download("sam", "/api/logs/actors/" + viewer + "/pack?from=" + from + "&to=" + to);
    assertThat(response.statusCode()).isEqualTo(200);
    var result = LogPackVerifier.verify(response.body(), fingerprint());
    assertThat(result.problems()).isEmpty();
    assertThat(result.events()).isEqualTo(3);
    JsonNode events = JSON.readTree(unzip(response.body()).get("events.json")).get("events");
    assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("login", "read", "logout");
    // an event of someone else slipped in is not of the pack's subject
    ObjectNode eventsFile = (ObjectNode) JSON.readTree(unzip(response.body()).get("events.json"));
    ((ObjectNode) eventsFile.get("events").get(1)).put("actor", changer);
    Map<String, byte[]> slipped = new TreeMap<>(unzip(response.body()));
    slipped.put("events.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(eventsFile));
    var other = LogPackVerifier.verify(refit(slipped), null);
    assertThat(other.problems()).anyMatch(p -> p.contains("not of the pack's subject"))
        .anyMatch(p -> p.contains("the canonical bytes say actor = " + viewer));
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.pack.actor' and object_id = ?",
        Integer.class, viewer)).isEqualTo(1);
  }

  // ------------------------------------------------------------------ findings

  @Test
  void theWatchersFindingsAreListedWithTheDecisionAndTheException() throws Exception {
    JsonNode list = findings("actor=" + burster);
    assertThat(list).extracting(f -> f.get("ruleId").asText() + " " + f.get("controlId").asText() + " "
        + f.get("severity").asText()).containsExactly("LW-FAILED-LOGIN-BURST IA-01 medium",
        "LW-SENSITIVE-READ LG-01 medium");
    JsonNode burst = list.get(0);
    assertThat(burst.get("system").asText()).isEqualTo("ERP-GL");
    assertThat(burst.get("actor").asText()).isEqualTo(burster);
    assertThat(burst.path("object").isMissingNode() || burst.get("object").isNull()).isTrue();
    assertThat(burst.get("repeats").asInt()).as("the sixth failed login is counted, not raised").isEqualTo(1);
    assertThat(burst.get("decisionDefinitionId").asText()).isNotBlank();
    assertThat(burst.get("decisionVersion").asInt()).isPositive();
    assertThat(burst.at("/inputs/action").asText()).isEqualTo("login-failure");
    assertThat(burst.at("/inputs/failedLoginsInWindow").asInt()).isEqualTo(5);
    assertThat(burst.get("exceptionId").asLong()).isPositive();
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class,
        burst.get("exceptionId").asLong())).isEqualTo("IA-01");
    // the first record is the fifth failed login, in the store with its proof
    JsonNode fifth = Http.as(port, "audrey").get("/api/logs/actors/" + burster + "?from=" + from + "&to=" + to)
        .json().get("events").get(4);
    assertThat(burst.get("firstRecordId").asLong()).isEqualTo(fifth.get("id").asLong());
    assertThat(Instant.parse(burst.get("occurredAt").asText())).isEqualTo(Instant.parse(fifth.get("occurredAt").asText()));
    assertThat(list.get(1).get("object").asText()).isEqualTo("vendor-bank-account/" + bankAccount);

    assertThat(findings("actor=" + burster + "&rule=LW-SENSITIVE-READ&system=ERP-GL")).hasSize(1);
    assertThat(findings("actor=" + burster + "&rule=LW-TERMINATED-LOGIN")).isEmpty();
    assertThat(findings("actor=" + viewer)).isEmpty();

    var csv = Http.as(port, "audrey").get("/api/logs/findings?actor=" + burster + "&format=csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("rule_id,severity,control_id,system_id,actor,object,occurred_at,hour,repeats,"
        + "first_record_id,decision_definition_id,decision_version,inputs,exception_id,fired_at");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith("LW-FAILED-LOGIN-BURST,medium,IA-01,ERP-GL," + burster + ",,")
        .contains("," + burst.get("exceptionId").asLong() + ",");
    assertThat(lines.get(2)).startsWith("LW-SENSITIVE-READ,medium,LG-01,ERP-GL," + burster + ",vendor-bank-account/");

    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.findings.read' "
        + "and details->>'actor' = ? and details->>'format' = 'csv'", Integer.class, burster)).isEqualTo(1);
  }

  @Test
  void badInputIsAProblemNamingTheParameter() {
    for (var bad : Map.of("from=2026-13-45", "from", "to=yesterday", "to", "format=xml", "format",
        "system=NO-SUCH", "system", "from=2026-12-02&to=2026-12-01", "to").entrySet()) {
      var answer = Http.as(port, "audrey").get("/api/logs/findings?" + bad.getKey());
      assertThat(answer.status()).as(bad.getKey()).isEqualTo(400);
      assertThat(answer.contentType()).as(bad.getKey()).startsWith("application/problem+json");
      assertThat(answer.json().at("/errors/0/field").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
    }
    var pack = Http.as(port, "audrey").get("/api/logs/actors/" + viewer + "/pack?from=not-a-date");
    assertThat(pack.status()).isEqualTo(400);
    assertThat(pack.json().at("/errors/0/field").asText()).isEqualTo("from");
  }

  @Test
  void onlyAuditorsGovernanceLeadsAndSecurityAdminsMaySeeThem() throws Exception {
    for (String user : List.of("rachel", "ivan")) {
      for (String path : List.of("/api/logs/findings", "/api/logs/objects/invoice/" + invoice + "/pack",
          "/api/logs/actors/" + viewer + "/pack")) {
        var refused = download(user, path);
        assertThat(refused.statusCode()).as(user + " " + path).isEqualTo(403);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("Forbidden")
            .doesNotContain("\"events\"", "ruleId", "PK\u0003\u0004");
      }
      var page = WebSession.signedIn(port, user).get("/app/evidence/logs?question=object&objectType=invoice&objectId="
          + invoice);
      assertThat(page.status()).as(user).isEqualTo(403);
      assertThat(page.body()).contains("You may not open this page").doesNotContain(changer);
      assertThat(WebSession.signedIn(port, user).get("/app/evidence/logs/pack?question=actor&actor=" + viewer).status())
          .isEqualTo(403);
    }
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.pack.object' "
        + "and object_id = ? and actor in ('rachel', 'ivan')", Integer.class, "invoice/" + invoice)).isZero();
    for (String user : List.of("audrey", "grace", "sam")) {
      assertThat(download(user, "/api/logs/findings?actor=" + burster).statusCode()).as(user).isEqualTo(200);
    }
  }

  // ------------------------------------------------------------------ the page

  @Test
  void thePageAnswersBothQuestionsAndListsTheFindings() {
    var sam = WebSession.signedIn(port, "sam");
    var home = sam.get("/app/evidence/logs");
    assertThat(home.status()).as(home.body()).isEqualTo(200);
    assertThat(home.body()).contains("id=\"nav-logs\"", "id=\"logs-form\"").doesNotContain("id=\"log-events\"");

    var audrey = WebSession.signedIn(port, "audrey");
    assertThat(audrey.get("/app/evidence").body()).contains("href=\"/app/evidence/logs\"");
    var object = audrey.get("/app/evidence/logs?question=object&objectType=invoice&objectId=" + invoice + "&from="
        + from + "&to=" + to);
    assertThat(object.status()).as(object.body()).isEqualTo(200);
    String body = object.body();
    assertThat(body).contains("3 event(s)", "every proof verifies", viewer, changer, "invoice/" + invoice,
        "10.7.0.1", "10.7.0.2", "{&quot;amount&quot;:700}", "{&quot;amount&quot;:777}", "id=\"download-pack\"");
    assertThat(rows(body)).containsExactly(
        List.of("ERP-GL", viewer, "read", "invoice/" + invoice, "no", "", "", "10.7.0.1", "\u2713"),
        List.of("ERP-GL", changer, "read", "invoice/" + invoice, "no", "", "", "10.7.0.2", "\u2713"),
        List.of("ERP-GL", changer, "update", "invoice/" + invoice, "yes", "{&quot;amount&quot;:700}",
            "{&quot;amount&quot;:777}", "10.7.0.2", "\u2713"));
    String packLink = body.substring(body.indexOf("id=\"download-pack\" href=\"") + 25);
    packLink = packLink.substring(0, packLink.indexOf('"')).replace("&amp;", "&");
    var pack = audrey.get(packLink);
    assertThat(pack.status()).as(packLink).isEqualTo(200);
    assertThat(pack.contentType()).startsWith("application/zip");

    // the system narrows the table
    assertThat(rows(audrey.get("/app/evidence/logs?question=object&objectType=invoice&objectId=" + invoice
        + "&system=AP-PAY").body())).isEmpty();

    var person = audrey.get("/app/evidence/logs?question=actor&actor=" + viewer + "&from=" + from);
    assertThat(person.status()).isEqualTo(200);
    assertThat(rows(person.body())).extracting(r -> r.get(2)).containsExactly("login", "read", "logout");

    var findingsPage = audrey.get("/app/evidence/logs?question=findings&actor=" + burster);
    assertThat(findingsPage.status()).isEqualTo(200);
    assertThat(findingsPage.body()).contains("2 finding(s)", "LW-FAILED-LOGIN-BURST", "LW-SENSITIVE-READ", "IA-01",
        "vendor-bank-account/" + bankAccount);

    // bad input: a form error naming the field, not an error page
    var missing = audrey.get("/app/evidence/logs?question=object&objectType=invoice");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("id=\"form-errors\"", "id=\"error-objectId\"", "is required")
        .doesNotContain("Something went wrong", "id=\"log-events\"");
    var badDate = audrey.get("/app/evidence/logs?question=actor&actor=" + viewer + "&from=2026-13-45");
    assertThat(badDate.status()).isEqualTo(400);
    assertThat(badDate.body()).contains("id=\"error-from\"", "2026-13-45", "is not a date")
        .doesNotContain("id=\"log-events\"");
    var noPerson = audrey.get("/app/evidence/logs?question=actor&from=" + from);
    assertThat(noPerson.body()).contains("id=\"error-actor\"");
    var badSystem = audrey.get("/app/evidence/logs?question=findings&system=NO-SUCH");
    assertThat(badSystem.status()).isEqualTo(400);
    assertThat(badSystem.body()).contains("id=\"error-system\"");

    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.query.object' "
        + "and object_id = ? and actor = 'audrey'", Integer.class, "invoice/" + invoice)).isGreaterThanOrEqualTo(2);
  }

  /** The cells of the page's event table after the time: system, actor, action, object, changes, ..., verified. */
  private static List<List<String>> rows(String html) {
    List<List<String>> rows = new ArrayList<>();
    var row = java.util.regex.Pattern.compile("<tr class=\"log-event\">(.*?)</tr>", java.util.regex.Pattern.DOTALL)
        .matcher(html);
    while (row.find()) {
      List<String> cells = new ArrayList<>();
      var cell = java.util.regex.Pattern.compile("<td[^>]*>(.*?)</td>", java.util.regex.Pattern.DOTALL)
          .matcher(row.group(1));
      while (cell.find()) {
        cells.add(cell.group(1).replaceAll("<[^>]+>", "").strip());
      }
      rows.add(cells.subList(1, cells.size()));
    }
    return rows;
  }

  // ------------------------------------------------------------------ zip helpers

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        files.put(entry.getName(), in.readAllBytes());
      }
    }
    return files;
  }

  static byte[] zip(Map<String, byte[]> files) throws Exception {
    var out = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(out)) {
      for (var file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** The pack with one file's text changed (the manifest left as it was); the change must change something. */
  static byte[] rezip(Map<String, byte[]> files, String name, UnaryOperator<String> change) throws Exception {
    Map<String, byte[]> copy = new TreeMap<>(files);
    String before = new String(files.get(name), StandardCharsets.UTF_8);
    String after = change.apply(before);
    assertThat(after).as("the alteration of " + name).isNotEqualTo(before);
    copy.put(name, after.getBytes(StandardCharsets.UTF_8));
    return zip(copy);
  }

  /** The pack with the manifest's hashes made to fit the files again (its signature cannot be). */
  static byte[] refit(Map<String, byte[]> files) throws Exception {
    ObjectNode manifest = (ObjectNode) JSON.readTree(files.get("manifest.json"));
    ObjectNode hashes = (ObjectNode) manifest.get("files");
    for (var name : new ArrayList<>(files.keySet())) {
      if (!name.startsWith("manifest.")) {
        hashes.put(name, LogPackVerifier.hex(LogPackVerifier.sha256(files.get(name))));
      }
    }
    Map<String, byte[]> copy = new TreeMap<>(files);
    copy.put("manifest.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    return zip(copy);
  }
}
