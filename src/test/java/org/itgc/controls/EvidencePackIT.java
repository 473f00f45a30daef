package org.itgc.controls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.itgc.audit.AuditSealer;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;
import org.itgc.support.TestClock;

/**
 * An auditor creates an evidence pack over HTTP and verifies it offline: manifest signature, file hashes, chain
 * segments to signed checkpoints; the samples re-perform from the seed; one changed byte fails the verification.
 */
@IntegrationTest
@DateSensitive
class EvidencePackIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired AuditSealer sealer;

  byte[] download(String id) throws Exception {
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/api/evidence-packs/" + id)).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("audrey:" + Http.DEMO_PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

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

  @Test
  void anAuditorBuildsAPackAndVerifiesItWithoutTheDatabase() throws Exception {
    // a population of the period: access requests (this one is stopped by the SoD check)
    var request = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("AP-PAY/AP_PAYMENT_APPROVER"), "justification", "for the evidence pack test")));
    assertThat(request.status()).as(request.toString()).isEqualTo(201);

    // the period: the year up to tomorrow, at the date the suite runs at
    var today = TestClock.today(java.time.ZoneOffset.UTC);
    var created = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", "AC-01",
        "from", today.minusYears(1).toString(), "to", today.plusDays(1).toString(), "seed", 20261202L)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    int population = created.json().get("population").asInt();
    assertThat(population).isPositive();
    byte[] pack = download(id);
    var key = org.itgc.audit.AuditSigningKey.readPublic(sealer.checkpointFolder().resolve("public-key-" + sealer.key().keyId() + ".pem"));
    var result = EvidencePackVerifier.verify(pack, key);
    assertThat(result.problems()).isEmpty();
    assertThat(result.links()).isPositive();
    assertThat(result.checkpoints()).isPositive();

    Map<String, byte[]> files = unzip(pack);
    assertThat(files).containsKeys("population.csv", "population.xlsx", "samples.json", "manifest.json", "manifest.sig",
        "chain/segments.jsonl", "chain/checkpoints.json", "public-key.pem", "README.txt");
    JsonNode samples = new ObjectMapper().readTree(files.get("samples.json"));
    // the auditor brought the seed, and the pack says so
    assertThat(samples.get("seed").asLong()).isEqualTo(20261202L);
    assertThat(samples.get("seedBy").asText()).isEqualTo("auditor");
    // AC-01 is per event: 25 samples, or the whole population when smaller; re-performed from the seed
    assertThat(samples.get("samples").size()).isEqualTo(Math.min(25, population));
    List<String> ids = new ArrayList<>();
    new String(files.get("population.csv"), StandardCharsets.UTF_8).lines().skip(1).forEach(l -> ids.add(l.split(",")[0]));
    Collections.shuffle(ids, new Random(samples.get("seed").asLong()));
    List<String> drawn = new ArrayList<>();
    samples.get("samples").forEach(s -> drawn.add(s.asText()));
    assertThat(drawn).isEqualTo(ids.subList(0, drawn.size()));
    assertThat(files.keySet().stream().filter(f -> f.startsWith("evidence/")).count()).isEqualTo(drawn.size());

    // one byte changed, a link rewritten, a file added: each fails
    Map<String, byte[]> changed = new TreeMap<>(files);
    byte[] csv = files.get("population.csv").clone();
    csv[csv.length - 2] ^= 1;
    changed.put("population.csv", csv);
    assertThat(EvidencePackVerifier.verify(zip(changed), key).problems()).anyMatch(p -> p.startsWith("population.csv"));
    Map<String, byte[]> added = new TreeMap<>(files);
    added.put("evidence/999-extra.json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(EvidencePackVerifier.verify(zip(added), key).problems()).anyMatch(p -> p.contains("not in the manifest"));
    assertThat(EvidencePackVerifier.verify(new byte[] {1, 2, 3}, key).ok()).isFalse();
    var otherKey = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    assertThat(EvidencePackVerifier.verify(pack, otherKey).problems()).anyMatch(p -> p.contains("manifest.sig"));
    // two entries of one name (the verifier reading one, an unzip tool showing the other): a name of the same length
    // written with the other file, then renamed in the ZIP's bytes, since ZipOutputStream refuses duplicates
    var twice = new java.util.TreeMap<>(unzip(pack));
    twice.put("population.csx", "identity,forged\n".getBytes(StandardCharsets.UTF_8));
    byte[] doubled = zip(twice);
    byte[] from = "population.csx".getBytes(StandardCharsets.UTF_8);
    byte[] to = "population.csv".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + from.length <= doubled.length; i++) {
      if (java.util.Arrays.equals(doubled, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, doubled, i, to.length);
      }
    }
    assertThat(EvidencePackVerifier.verify(doubled, key).problems())
        .anyMatch(p -> p.contains("population.csv: the pack holds two entries of this name"));

    assertThat(jdbc.queryForObject("select count(*) from audit_event where action in ('evidence-pack.create', "
        + "'evidence-pack.read') and object_id = ?", Integer.class, id)).isEqualTo(2);
  }

  @Test
  void theAc04PackHoldsTheServiceAccountsRotationsAndOwnerChangesBesideTheCertificationItems() throws Exception {
    // a rotation a security admin did by hand, in the period
    var rotated = Http.as(port, "sam").post("/api/access/service-accounts/SVC-GL-ETL/rotations",
        Http.json(Map.of("method", "password-vault", "reference", "EVIDENCE-PACK-IT")));
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    String itemId = "rotation-" + rotated.json().get("id").asLong();

    var today = TestClock.today(java.time.ZoneOffset.UTC);
    var created = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", "AC-04",
        "from", today.minusYears(1).toString(), "to", today.plusDays(1).toString(), "seed", 4L)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    byte[] pack = download(created.json().get("id").asText());
    var key = org.itgc.audit.AuditSigningKey.readPublic(sealer.checkpointFolder().resolve("public-key-" + sealer.key().keyId() + ".pem"));
    assertThat(EvidencePackVerifier.verify(pack, key).problems()).isEmpty();
    List<String> lines = new String(unzip(pack).get("population.csv"), StandardCharsets.UTF_8).lines().toList();
    List<String> header = List.of(lines.get(0).split(","));
    assertThat(header).contains("item_id", "audit_object_id", "record", "service_account_id", "trigger", "method",
        "performed_via", "reference", "performed_by", "previous_owner_id", "owner_id");
    String row = lines.stream().filter(l -> l.startsWith(itemId + ",")).findFirst().orElseThrow();
    List<String> cells = List.of(row.split(",", -1));
    assertThat(cells.get(header.indexOf("audit_object_id"))).isEqualTo("SVC-GL-ETL");
    assertThat(cells.get(header.indexOf("record"))).isEqualTo("service-account-rotation");
    assertThat(cells.get(header.indexOf("method"))).isEqualTo("manual");
    assertThat(cells.get(header.indexOf("reference"))).isEqualTo("EVIDENCE-PACK-IT");
    assertThat(cells.get(header.indexOf("performed_by"))).isEqualTo("sam");
    assertThat(created.json().get("population").asInt()).isEqualTo(lines.size() - 1);
  }

  @Test
  void aPackForAnUnknownControlOrPeriodIsRefusedAndOnlyAuditorsMakePacks() {
    var unknown = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", "XX-99",
        "from", "2026-01-01", "to", "2027-01-01")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/errors/0/field").asText()).isEqualTo("controlId");
    var inverted = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", "AC-01",
        "from", "2027-01-01", "to", "2026-01-01")));
    assertThat(inverted.status()).isEqualTo(400);
    assertThat(inverted.json().at("/errors/0/field").asText()).isEqualTo("to");
    assertThat(Http.as(port, "rachel").post("/api/evidence-packs", Http.json(Map.of("controlId", "AC-01",
        "from", "2026-01-01", "to", "2027-01-01"))).status()).isEqualTo(403);
    assertThat(Http.as(port, "audrey").get("/api/evidence-packs/EP-0").status()).isEqualTo(404);
  }
}
