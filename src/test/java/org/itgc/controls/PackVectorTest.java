package org.itgc.controls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.itgc.audit.AuditSigningKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence-pack test vectors of {@code docs/audit-format.md} (section 6, "An evidence pack";
 * {@code docs/test-vectors/}): a pack that verifies and copies that each fail one check of section 4. The engine's own
 * {@link EvidencePackVerifier} and the auditor's script written from the document ({@code itgc_audit_verify.py}) give
 * the documented answer for each, and the generator ({@code make_pack_vector.py}) still writes exactly these bytes.
 */
class PackVectorTest {

  private static final Path VECTORS = Path.of("docs/test-vectors");
  private static final Path VERIFIER = Path.of("src/test/python/itgc_audit_verify.py");
  private static final Path GENERATOR = Path.of("src/test/python/make_pack_vector.py");
  /** The test key's fingerprint (the vectors block's "key"): the auditor's pin. */
  private static final String PINNED = "a050837d85070582ccf7394b0988847cc312cb88259b894899f6f239cf1791a5";

  /** Each file and the engine's verifier's problems, given the pinned key (none: the pack verifies). */
  private static final Map<String, List<String>> ENGINE = new LinkedHashMap<>();
  /** Each file and the lines the script prints (exit status 0 for OK, 1 for FAILED). */
  private static final Map<String, List<String>> SCRIPT = new LinkedHashMap<>();

  static {
    ENGINE.put("pack-vector.zip", List.of());
    SCRIPT.put("pack-vector.zip", List.of("OK: 12 files, 2 links, 1 checkpoints, 3 samples"));
    // check 1
    ENGINE.put("pack-vector-duplicate-entry.zip", List.of("population.csv: the pack holds two entries of this name",
        "population.csv: the ZIP directory lists this name twice"));
    SCRIPT.put("pack-vector-duplicate-entry.zip", List.of("FAILED: the ZIP holds two entries of one name"));
    // check 2
    ENGINE.put("pack-vector-stranger-key.zip", List.of("public-key.pem is not the key given to the verifier",
        "manifest.sig: the signature of manifest.json does not verify"));
    SCRIPT.put("pack-vector-stranger-key.zip", List.of("FAILED: public-key.pem is not the pinned key " + PINNED));
    // check 3
    ENGINE.put("pack-vector-population-edited.zip", List.of("population.csv: SHA-256 differs from the manifest"));
    SCRIPT.put("pack-vector-population-edited.zip",
        List.of("FAILED: population.csv: not in the manifest or its SHA-256 differs"));
    // check 4
    ENGINE.put("pack-vector-link-edited.zip", List.of("chain seq 1: the hash does not match its content"));
    SCRIPT.put("pack-vector-link-edited.zip", List.of("FAILED: seq 1: the hash does not match its content"));
    // check 5
    ENGINE.put("pack-vector-event-edited.zip",
        List.of("evidence/001-E.json: audit event seq 1 says other than the chain's content of that link"));
    SCRIPT.put("pack-vector-event-edited.zip",
        List.of("FAILED: evidence/001-E.json: event seq 1 differs from the chain's content"));
    // check 6
    ENGINE.put("pack-vector-wrong-sample.zip", List.of("samples.json: the sample is not re-performed from its seed "
        + "and the population (seed 42 draws [E, G, C])"));
    SCRIPT.put("pack-vector-wrong-sample.zip",
        List.of("FAILED: samples.json: the sample is not re-performed from its seed and the population"));
  }

  record Run(int status, List<String> lines) {}

  private static Run python(Path script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("python3 is not installed: " + e.getMessage());
      throw e;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output.lines().toList());
  }

  /** The pinned key: the vectors block's test key, whose fingerprint is the pin. */
  private static PublicKey pinnedKey() throws Exception {
    String doc = Files.readString(Path.of("docs/audit-format.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf("```json vectors");
    var vectors = new ObjectMapper().readTree(doc.substring(doc.indexOf('\n', start) + 1, doc.indexOf("```", start + 3)));
    PublicKey key = AuditSigningKey.parsePublic(vectors.at("/key/publicKeyPem").asText());
    assertThat(AuditSigningKey.fingerprint(key)).isEqualTo(PINNED).isEqualTo(vectors.at("/key/fingerprint").asText());
    return key;
  }

  private static TreeSet<String> zips(Path folder) throws IOException {
    try (var files = Files.list(folder)) {
      return new TreeSet<>(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".zip")).toList());
    }
  }

  @Test
  void everyVectorHasItsAnswer() throws Exception {
    assertThat(zips(VECTORS)).containsExactlyInAnyOrderElementsOf(SCRIPT.keySet());
    assertThat(SCRIPT.keySet()).containsAll(ENGINE.keySet());
  }

  @Test
  void theEnginesVerifierGivesTheDocumentedAnswer() throws Exception {
    PublicKey key = pinnedKey();
    for (var vector : ENGINE.entrySet()) {
      var result = EvidencePackVerifier.verify(Files.readAllBytes(VECTORS.resolve(vector.getKey())), key);
      assertThat(result.problems()).as(vector.getKey()).containsExactlyElementsOf(vector.getValue());
      assertThat(result.files()).as(vector.getKey()).isEqualTo(12);
      assertThat(result.links()).as(vector.getKey()).isEqualTo(2);
      assertThat(result.checkpoints()).as(vector.getKey()).isEqualTo(1);
    }
  }

  @Test
  void aPackWithAnEntryTheFormatDoesNotNameFailsBothVerifiers(@TempDir Path folder) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(VECTORS.resolve("pack-vector.zip")));
        var out = new java.util.zip.ZipOutputStream(bytes)) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
        out.write(in.readAllBytes());
      }
      out.putNextEntry(new java.util.zip.ZipEntry("notes/extra.txt"));
      out.write("an extra file".getBytes(StandardCharsets.UTF_8));
    }
    Path extra = folder.resolve("extra.zip");
    Files.write(extra, bytes.toByteArray());
    assertThat(EvidencePackVerifier.verify(bytes.toByteArray(), pinnedKey()).problems())
        .contains("notes/extra.txt: not an entry of an evidence pack");
    var run = python(VERIFIER, "pack", extra.toString(), PINNED);
    assertThat(run.status()).isEqualTo(1);
    assertThat(String.join("\n", run.lines())).contains("notes/extra.txt: not an entry of an evidence pack");
  }

  @Test
  void anAuditorsScriptGivesTheDocumentedAnswer() throws Exception {
    for (var vector : SCRIPT.entrySet()) {
      var run = python(VERIFIER, "pack", VECTORS.resolve(vector.getKey()).toString(), PINNED);
      assertThat(run.lines()).as(vector.getKey()).containsExactlyElementsOf(vector.getValue());
      assertThat(run.status()).as(vector.getKey()).isEqualTo(vector.getValue().get(0).startsWith("OK:") ? 0 : 1);
    }
  }

  @Test
  void theGeneratorWritesExactlyTheseFiles(@TempDir Path folder) throws Exception {
    var run = python(GENERATOR, folder.toString());
    assertThat(run.status()).as(String.join("\n", run.lines())).isZero();
    assertThat(zips(folder)).isEqualTo(zips(VECTORS));
    for (String name : zips(VECTORS)) {
      assertThat(Files.readAllBytes(folder.resolve(name))).as(name).isEqualTo(Files.readAllBytes(VECTORS.resolve(name)));
    }
  }
}
