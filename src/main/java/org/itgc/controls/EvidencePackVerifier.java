package org.itgc.controls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipInputStream;
import org.itgc.audit.AuditChain;
import org.itgc.audit.AuditSigningKey;

/**
 * Checks an evidence pack offline, without the database: the manifest's signature (with the public key given, or the
 * one in the pack), every file's SHA-256 against the manifest and no file unlisted, the hash chain of each segment
 * (each link's hash recomputed from its content and the previous hash), each segment ending at a signed checkpoint,
 * and every audit event of the evidence found in the chain with the same hash.
 *
 * <p>Command line: {@code EvidencePackVerifier PACK.zip [PUBLIC-KEY.pem]}; exit status 0 when the pack verifies.
 */
public final class EvidencePackVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The entries every pack has; besides them only evidence files. */
  private static final List<String> ENTRIES = List.of("population.csv", "population.xlsx", "samples.json",
      "chain/segments.jsonl", "chain/checkpoints.json", "public-key.pem", "README.txt", "manifest.json", "manifest.sig");
  private static final java.util.regex.Pattern EVIDENCE = java.util.regex.Pattern.compile("evidence/\\d{3}-[^/]+\\.json");

  private EvidencePackVerifier() {}

  /** The outcome: the problems found (none: the pack verifies). */
  public record Result(List<String> problems, int files, int links, int checkpoints) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static Result verify(byte[] pack, PublicKey expectedKey) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    try (var zip = new ZipInputStream(new ByteArrayInputStream(pack))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (files.put(entry.getName(), zip.readAllBytes()) != null) {
          // two entries of one name: the one checked need not be the one an unzip tool shows
          problems.add(entry.getName() + ": the pack holds two entries of this name");
        }
      }
    } catch (IOException e) {
      return new Result(List.of("not a readable ZIP: " + e.getMessage()), 0, 0, 0);
    }
    problems.addAll(centralDirectoryDiffers(pack, files));
    // exactly the entries of the format (docs/audit-format.md, section 4): nothing missing, nothing else
    List<String> absent = ENTRIES.stream().filter(name -> !files.containsKey(name)).toList();
    if (!absent.isEmpty()) {
      return new Result(absent.stream().map(name -> name + ": missing from the pack").toList(), files.size(), 0, 0);
    }
    files.keySet().stream().filter(name -> !ENTRIES.contains(name) && !EVIDENCE.matcher(name).matches())
        .forEach(name -> problems.add(name + ": not an entry of an evidence pack"));
    byte[] manifestBytes = files.get("manifest.json");
    byte[] signature = files.get("manifest.sig");
    if (manifestBytes == null || signature == null) {
      return new Result(List.of("manifest.json or manifest.sig is missing"), files.size(), 0, 0);
    }
    PublicKey key = expectedKey;
    try {
      PublicKey included = AuditSigningKey.parsePublic(new String(files.getOrDefault("public-key.pem", new byte[0]),
          StandardCharsets.US_ASCII));
      if (key == null) {
        key = included;
      } else if (!java.util.Arrays.equals(key.getEncoded(), included.getEncoded())) {
        problems.add("public-key.pem is not the key given to the verifier");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      if (key == null) {
        return new Result(List.of("public-key.pem cannot be read and no key was given"), files.size(), 0, 0);
      }
    }
    if (!AuditSigningKey.verify(key, new String(manifestBytes, StandardCharsets.UTF_8),
        new String(signature, StandardCharsets.US_ASCII).strip())) {
      problems.add("manifest.sig: the signature of manifest.json does not verify");
    }
    JsonNode manifest = JSON.readTree(manifestBytes);
    Map<String, String> listed = new HashMap<>();
    manifest.path("files").fields().forEachRemaining(f -> listed.put(f.getKey(), f.getValue().asText()));
    for (var file : files.entrySet()) {
      if (file.getKey().equals("manifest.json") || file.getKey().equals("manifest.sig")) {
        continue;
      }
      String expected = listed.remove(file.getKey());
      if (expected == null) {
        problems.add(file.getKey() + ": not in the manifest");
      } else if (!expected.equals(org.itgc.platform.Hashes.sha256(file.getValue()))) {
        problems.add(file.getKey() + ": SHA-256 differs from the manifest");
      }
    }
    listed.keySet().forEach(missing -> problems.add(missing + ": in the manifest but not in the pack"));

    // the chain: each link recomputed, consecutive links joined, each segment ending at a signed checkpoint
    Map<Long, JsonNode> checkpoints = new HashMap<>();
    for (JsonNode checkpoint : JSON.readTree(files.getOrDefault("chain/checkpoints.json", "[]".getBytes()))) {
      checkpoints.put(checkpoint.get("seq").asLong(), checkpoint);
      String text = AuditChain.checkpointText(checkpoint.get("seq").asLong(), checkpoint.get("headHash").asText(),
          checkpoint.get("createdAt").asText());
      if (!AuditSigningKey.verify(key, text, checkpoint.get("signature").asText())) {
        problems.add("checkpoint " + checkpoint.get("seq").asLong() + ": its signature does not verify");
      }
    }
    Map<Long, String> hashes = new HashMap<>();
    Map<Long, JsonNode> contents = new HashMap<>();
    int links = 0;
    int lastFormat = 1;
    JsonNode previous = null;
    String segments = new String(files.getOrDefault("chain/segments.jsonl", new byte[0]), StandardCharsets.UTF_8);
    for (String line : segments.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode link = JSON.readTree(line);
      links++;
      long seq = link.get("seq").asLong();
      String recomputed;
      try {
        recomputed = AuditChain.hash(link);
      } catch (IllegalArgumentException e) {
        problems.add("chain seq " + seq + ": " + e.getMessage());
        continue;
      }
      if (!recomputed.equals(link.get("hash").asText())) {
        problems.add("chain seq " + seq + ": the hash does not match its content");
      }
      int format = link.path("format").asInt(1);
      if (format < lastFormat) {
        problems.add("chain seq " + seq + ": format " + format + " after format " + lastFormat);
      }
      lastFormat = Math.max(lastFormat, format);
      boolean continues = previous != null && previous.get("seq").asLong() == seq - 1;
      if (continues && !previous.get("hash").asText().equals(link.get("prevHash").asText())) {
        problems.add("chain seq " + seq + ": does not follow seq " + (seq - 1));
      }
      if (previous != null && !continues && !checkpoints.containsKey(previous.get("seq").asLong())) {
        problems.add("chain seq " + previous.get("seq").asLong() + ": a segment ends without a checkpoint");
      }
      hashes.put(seq, link.get("hash").asText());
      contents.put(seq, link);
      previous = link;
    }
    if (previous != null) {
      JsonNode last = checkpoints.get(previous.get("seq").asLong());
      if (last == null) {
        problems.add("chain seq " + previous.get("seq").asLong() + ": the last segment ends without a checkpoint");
      }
    }
    for (var checkpoint : checkpoints.values()) {
      String head = hashes.get(checkpoint.get("seq").asLong());
      if (head == null || !head.equals(checkpoint.get("headHash").asText())) {
        problems.add("checkpoint " + checkpoint.get("seq").asLong() + ": the chain does not reach its head hash");
      }
    }
    // every audit event of the evidence is in the verified chain
    for (var file : files.entrySet()) {
      if (file.getKey().startsWith("evidence/")) {
        for (JsonNode event : JSON.readTree(file.getValue()).path("auditEvents")) {
          String hash = hashes.get(event.get("seq").asLong());
          if (hash == null || !hash.equals(event.get("hash").asText())) {
            problems.add(file.getKey() + ": audit event seq " + event.get("seq").asLong() + " is not in the verified chain");
          } else if (!sameContent(event, contents.get(event.get("seq").asLong()))) {
            problems.add(file.getKey() + ": audit event seq " + event.get("seq").asLong()
                + " says other than the chain's content of that link");
          }
        }
      }
    }
    problems.addAll(samplesDiffer(files));
    return new Result(problems, files.size(), links, checkpoints.size());
  }

  /**
   * Re-performs the sample: the item ids of {@code population.csv} in file order, shuffled with
   * {@code java.util.Random(seed)} of {@code samples.json}; its first items are the samples.
   */
  private static List<String> samplesDiffer(Map<String, byte[]> files) throws IOException {
    byte[] population = files.get("population.csv");
    byte[] sampleFile = files.get("samples.json");
    if (population == null || sampleFile == null) {
      return List.of((population == null ? "population.csv" : "samples.json") + ": missing, so the sample cannot be "
          + "re-performed");
    }
    JsonNode samples = JSON.readTree(sampleFile);
    if (!samples.path("seed").canConvertToLong() || !samples.path("samples").isArray()) {
      return List.of("samples.json: no seed or no samples");
    }
    List<String> ids;
    try {
      ids = new ArrayList<>(org.itgc.platform.csv.Csv.read(new String(population, StandardCharsets.UTF_8)).rows()
          .stream().map(row -> row.get("item_id")).toList());
    } catch (RuntimeException e) {
      return List.of("population.csv: cannot be read as CSV with an item_id column: " + e.getMessage());
    }
    java.util.Collections.shuffle(ids, new java.util.Random(samples.get("seed").asLong()));
    List<String> listed = new ArrayList<>();
    samples.get("samples").forEach(s -> listed.add(s.asText()));
    List<String> drawn = ids.subList(0, Math.min(listed.size(), ids.size()));
    return drawn.equals(listed) ? List.of() : List.of("samples.json: the sample is not re-performed from its seed and "
        + "the population (seed " + samples.get("seed").asLong() + " draws " + drawn + ")");
  }

  /** The evidence's copy of an event says what the link's canonical content says (actor, action, object, outcome). */
  private static boolean sameContent(JsonNode event, JsonNode link) {
    String[] fields;
    try {
      fields = AuditChain.fields(link.path("format").asInt(1), link.get("canonical").asText());
    } catch (RuntimeException e) {
      return false;
    }
    String[][] pairs = {{"actor", fields[2]}, {"action", fields[5]}, {"objectType", fields[6]}, {"objectId", fields[7]},
        {"outcome", fields[8]}, {"details", fields[9]}};
    for (String[] pair : pairs) {
      JsonNode value = event.path(pair[0]);
      String stated = value.isMissingNode() || value.isNull() ? null : value.asText();
      if (!java.util.Objects.equals(stated, pair[1])) {
        return false;
      }
    }
    return true;
  }

  /**
   * What an unzip tool reads (the ZIP's central directory) must be exactly what was verified (its local entries):
   * the same names and bytes, nothing more.
   */
  static List<String> centralDirectoryDiffers(byte[] pack, Map<String, byte[]> verified) {
    List<String> problems = new ArrayList<>();
    Path copy = null;
    try {
      copy = Files.createTempFile("pack-", ".zip");
      Files.write(copy, pack);
      try (var zip = new java.util.zip.ZipFile(copy.toFile())) {
        var seen = new java.util.HashSet<String>();
        for (var entries = zip.entries(); entries.hasMoreElements(); ) {
          var entry = entries.nextElement();
          if (!seen.add(entry.getName())) {
            problems.add(entry.getName() + ": the ZIP directory lists this name twice");
            continue;
          }
          byte[] bytes;
          try (var in = zip.getInputStream(entry)) {
            bytes = in.readAllBytes();
          }
          if (!verified.containsKey(entry.getName()) || !java.util.Arrays.equals(bytes, verified.get(entry.getName()))) {
            problems.add(entry.getName() + ": the ZIP directory shows other content than the entry verified");
          }
        }
        verified.keySet().stream().filter(name -> !seen.contains(name))
            .forEach(name -> problems.add(name + ": not in the ZIP directory (hidden from unzip tools)"));
      }
    } catch (IOException e) {
      problems.add("the ZIP directory cannot be read: " + e.getMessage());
    } finally {
      if (copy != null) {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
    return problems;
  }

  /**
   * Command line: {@code EvidencePackVerifier PACK.zip TRUSTED-KEY}, where the trusted key is the audit key's
   * fingerprint (from {@code GET /api/audit/signing-key}, pinned by the auditor) or its public key file. The key inside
   * the pack is only trusted when it is that key.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: EvidencePackVerifier PACK.zip TRUSTED-KEY-FINGERPRINT|PUBLIC-KEY.pem");
      System.exit(2);
    }
    byte[] pack = Files.readAllBytes(Path.of(args[0]));
    PublicKey key;
    if (args[1].matches("[0-9a-fA-F]{64}")) {
      key = keyInPack(pack);
      if (key == null || !AuditSigningKey.fingerprint(key).equalsIgnoreCase(args[1])) {
        System.out.println("FAILED: the pack's public-key.pem is not the key with fingerprint " + args[1]);
        System.exit(1);
      }
    } else {
      key = AuditSigningKey.readPublic(Path.of(args[1]));
    }
    Result result = verify(pack, key);
    if (result.ok()) {
      System.out.printf("OK: %d files, %d chain links, %d signed checkpoints, key %s%n", result.files(),
          result.links(), result.checkpoints(), AuditSigningKey.fingerprint(key));
    } else {
      result.problems().forEach(p -> System.out.println("FAILED: " + p));
      System.exit(1);
    }
  }

  private static PublicKey keyInPack(byte[] pack) throws IOException {
    try (var zip = new ZipInputStream(new ByteArrayInputStream(pack))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (entry.getName().equals("public-key.pem")) {
          return AuditSigningKey.parsePublic(new String(zip.readAllBytes(), StandardCharsets.US_ASCII));
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
