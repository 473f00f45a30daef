package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A second verifier, written from {@code docs/audit-format.md} alone in another language (Python, standard library and
 * the openssl command), verifies what the engine produces: an evidence pack (signature, files, chain, checkpoints,
 * events' content, the sample re-performed) and the whole chain over the API from the first link to the head with its
 * checkpoints. A pack changed by one byte fails it.
 */
@IntegrationTest
@org.itgc.support.DateSensitive
class AuditFormatIT {

  private static final Path SCRIPT = Path.of("src/test/python/itgc_audit_verify.py");

  @LocalServerPort int port;
  @Autowired AuditSealer sealer;

  record Run(int status, String output) {}

  private static Run python(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }

  private byte[] download(String id) throws Exception {
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/api/evidence-packs/" + id)).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("audrey:" + Http.DEMO_PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void anAuditorsOwnScriptVerifiesAPackAndTheChain() throws Exception {
    // something to sample: an access request of the period
    var request = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("AP-PAY/AP_PAYMENT_APPROVER"), "justification", "for the second verifier")));
    assertThat(request.status()).as(request.toString()).isEqualTo(201);
    var today = TestClock.today(java.time.ZoneOffset.UTC);
    var created = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", "AC-01",
        "from", today.minusYears(1).toString(), "to", today.plusDays(1).toString(), "seed", -7243019433373414226L)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    byte[] pack = download(created.json().get("id").asText());
    Path file = Files.createTempFile(Path.of("target"), "pack-", ".zip");
    Files.write(file, pack);
    String fingerprint = sealer.key().fingerprint();

    var verified = python("pack", file.toString(), fingerprint);
    assertThat(verified.output()).as(verified.output()).startsWith("OK:").contains("links");
    assertThat(verified.status()).isZero();

    // one byte of the population changed
    Map<String, byte[]> files = unzip(pack);
    byte[] csv = files.get("population.csv").clone();
    csv[csv.length - 2] ^= 1;
    files.put("population.csv", csv);
    Path changed = Files.createTempFile(Path.of("target"), "pack-changed-", ".zip");
    Files.write(changed, zip(files));
    var refused = python("pack", changed.toString(), fingerprint);
    assertThat(refused.output()).contains("FAILED: population.csv");
    assertThat(refused.status()).isEqualTo(1);
    // a stranger's pin
    var stranger = python("pack", file.toString(), "0".repeat(64));
    assertThat(stranger.output()).as(stranger.output()).contains("FAILED: public-key.pem is not the pinned key");
    assertThat(stranger.status()).isEqualTo(1);
    // a second entry of one name after the real one (the JDK refuses to write one: a placeholder of the same length
    // is renamed in the bytes, headers and central directory alike)
    Map<String, byte[]> withSecond = new java.util.LinkedHashMap<>(unzip(pack));
    withSecond.put("populatioN.csv", csv);
    byte[] bytes = zip(withSecond);
    byte[] placeholder = "populatioN.csv".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i + placeholder.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + placeholder.length, placeholder, 0, placeholder.length)) {
        bytes[i + 9] = 'n';
      }
    }
    Path twice = Files.createTempFile(Path.of("target"), "pack-twice-", ".zip");
    Files.write(twice, bytes);
    var duplicate = python("pack", twice.toString(), fingerprint);
    assertThat(duplicate.output()).as(duplicate.output()).contains("FAILED: the ZIP holds two entries of one name");
    assertThat(duplicate.status()).isEqualTo(1);

    sealer.checkpointNow();
    var chain = python("chain", "http://localhost:" + port, "audrey", Http.DEMO_PASSWORD, fingerprint);
    assertThat(chain.output()).as(chain.output()).startsWith("OK:");
    assertThat(chain.status()).isZero();
  }

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        files.put(entry.getName(), in.readAllBytes());
      }
    }
    return files;
  }

  static byte[] zip(Map<String, byte[]> files) throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    try (var zip = new java.util.zip.ZipOutputStream(out)) {
      for (var entry : files.entrySet()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
