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

  private EvidencePackVerifier() {}

  /** The outcome: the problems found (none: the pack verifies). */
  public record Result(List<String> problems, int files, int links, int checkpoints) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static Result verify(byte[] pack, PublicKey expectedKey) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (var zip = new ZipInputStream(new ByteArrayInputStream(pack))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        files.put(entry.getName(), zip.readAllBytes());
      }
    } catch (IOException e) {
      return new Result(List.of("not a readable ZIP: " + e.getMessage()), 0, 0, 0);
    }
    List<String> problems = new ArrayList<>();
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
    int links = 0;
    JsonNode previous = null;
    String segments = new String(files.getOrDefault("chain/segments.jsonl", new byte[0]), StandardCharsets.UTF_8);
    for (String line : segments.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode link = JSON.readTree(line);
      links++;
      long seq = link.get("seq").asLong();
      String recomputed = AuditChain.hash(link.get("prevHash").asText(), seq, link.get("canonical").asText());
      if (!recomputed.equals(link.get("hash").asText())) {
        problems.add("chain seq " + seq + ": the hash does not match its content");
      }
      boolean continues = previous != null && previous.get("seq").asLong() == seq - 1;
      if (continues && !previous.get("hash").asText().equals(link.get("prevHash").asText())) {
        problems.add("chain seq " + seq + ": does not follow seq " + (seq - 1));
      }
      if (previous != null && !continues && !checkpoints.containsKey(previous.get("seq").asLong())) {
        problems.add("chain seq " + previous.get("seq").asLong() + ": a segment ends without a checkpoint");
      }
      hashes.put(seq, link.get("hash").asText());
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
          }
        }
      }
    }
    return new Result(problems, files.size(), links, checkpoints.size());
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: EvidencePackVerifier PACK.zip [PUBLIC-KEY.pem]");
      System.exit(2);
    }
    PublicKey key = args.length == 2 ? AuditSigningKey.readPublic(Path.of(args[1])) : null;
    Result result = verify(Files.readAllBytes(Path.of(args[0])), key);
    if (result.ok()) {
      System.out.printf("OK: %d files, %d chain links, %d signed checkpoints%s%n", result.files(), result.links(),
          result.checkpoints(), key == null ? " (with the key inside the pack: compare it with the published one)" : "");
    } else {
      result.problems().forEach(p -> System.out.println("FAILED: " + p));
      System.exit(1);
    }
  }
}
