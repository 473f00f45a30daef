package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipInputStream;

/**
 * An auditor's offline check of a logs evidence pack of one object or one person, written from docs/logs.md
 * ("Evidence packs of one object or one person") and docs/audit-format.md (sections 1, 2 and 4) with the JDK and a
 * JSON parser, and none of the engine's classes: the entries, the manifest's signature with the public key (pinned
 * by its fingerprint when one is given) and every file's SHA-256; every chain link recomputed and joined to its
 * predecessor, every run ending at a checkpoint whose signature verifies; every batch's audit event a link of that
 * chain whose own content names the batch and carries its root and size; every event's proof from its canonical bytes
 * to that root ({@link LogProofVerifier}); every event of the pack's subject and period. Reports every problem found.
 */
final class LogPackVerifier {

  static final List<String> ENTRIES = List.of("events.json", "batches.json", "chain/segments.jsonl",
      "chain/checkpoints.json", "public-key.pem", "README.txt", "manifest.json", "manifest.sig");
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogPackVerifier() {}

  /** The outcome: the problems found (none: the pack verifies), and what was checked. */
  record Result(List<String> problems, int events, int batches, int links, int checkpoints) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Verifies a pack; {@code pinnedFingerprint} (lowercase hex SHA-256 of the key's DER) may be null. */
  static Result verify(byte[] pack, String pinnedFingerprint) throws Exception {
    List<String> problems = new ArrayList<>();
    Map<String, byte[]> files = new TreeMap<>();
    try (var zip = new ZipInputStream(new ByteArrayInputStream(pack))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (files.put(entry.getName(), zip.readAllBytes()) != null) {
          problems.add(entry.getName() + ": two entries of this name");
        }
      }
    } catch (IOException e) {
      return new Result(List.of("not a readable ZIP: " + e.getMessage()), 0, 0, 0, 0);
    }
    List<String> missing = ENTRIES.stream().filter(n -> !files.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      return new Result(missing.stream().map(n -> n + ": missing").toList(), 0, 0, 0, 0);
    }
    files.keySet().stream().filter(n -> !ENTRIES.contains(n)).forEach(n -> problems.add(n + ": not an entry of a pack"));

    // 1. the key, the manifest's signature, every file's SHA-256
    PublicKey key;
    try {
      key = publicKey(new String(files.get("public-key.pem"), StandardCharsets.US_ASCII));
    } catch (Exception e) {
      return new Result(List.of("public-key.pem: not an Ed25519 public key: " + e.getMessage()), 0, 0, 0, 0);
    }
    if (pinnedFingerprint != null && !hex(sha256(key.getEncoded())).equalsIgnoreCase(pinnedFingerprint)) {
      problems.add("public-key.pem: not the key of the pinned fingerprint " + pinnedFingerprint);
    }
    byte[] manifestBytes = files.get("manifest.json");
    if (!ed25519(key, manifestBytes, new String(files.get("manifest.sig"), StandardCharsets.US_ASCII).strip())) {
      problems.add("manifest.sig: not the key's signature of manifest.json");
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
      } else if (!expected.equals(hex(sha256(file.getValue())))) {
        problems.add(file.getKey() + ": its SHA-256 differs from the manifest's");
      }
    }
    listed.keySet().forEach(n -> problems.add(n + ": in the manifest, not in the pack"));

    // 2. the checkpoints' signatures; the chain's links, recomputed and joined; each run ending at a checkpoint
    Map<Long, JsonNode> checkpoints = new HashMap<>();
    for (JsonNode checkpoint : JSON.readTree(files.get("chain/checkpoints.json"))) {
      long seq = checkpoint.get("seq").asLong();
      checkpoints.put(seq, checkpoint);
      String text = "itgc-audit-checkpoint/1\n" + seq + "\n" + checkpoint.get("headHash").asText() + "\n"
          + checkpoint.get("createdAt").asText();
      if (!ed25519(key, text.getBytes(StandardCharsets.UTF_8), checkpoint.get("signature").asText())) {
        problems.add("checkpoint " + seq + ": its signature does not verify");
      }
    }
    Map<Long, JsonNode> chain = new HashMap<>();
    JsonNode previous = null;
    int lastFormat = 1;
    int links = 0;
    for (String line : new String(files.get("chain/segments.jsonl"), StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode link = JSON.readTree(line);
      links++;
      long seq = link.get("seq").asLong();
      int format = link.path("format").asInt(1);
      String canonical = link.get("canonical").asText();
      String prefix = format == 2 ? "itgc-audit-link/2\n" : "";
      String recomputed = hex(sha256((prefix + link.get("prevHash").asText() + "\n" + seq + "\n" + canonical)
          .getBytes(StandardCharsets.UTF_8)));
      boolean good = true;
      if (format != 1 && format != 2) {
        problems.add("chain seq " + seq + ": unknown format " + format);
        good = false;
      } else if (!recomputed.equals(link.get("hash").asText())) {
        problems.add("chain seq " + seq + ": its hash does not match its content");
        good = false;
      }
      if (format < lastFormat) {
        problems.add("chain seq " + seq + ": format " + format + " after format " + lastFormat);
      }
      lastFormat = Math.max(lastFormat, format);
      boolean continues = previous != null && previous.get("seq").asLong() == seq - 1;
      if (continues && !previous.get("hash").asText().equals(link.get("prevHash").asText())) {
        problems.add("chain seq " + seq + ": does not follow seq " + (seq - 1));
      }
      if (previous != null && !continues && !checkpoints.containsKey(previous.get("seq").asLong())) {
        problems.add("chain seq " + previous.get("seq").asLong() + ": a run of links ends without a checkpoint");
      }
      if (good) {
        chain.put(seq, link);
      }
      previous = link;
    }
    if (previous != null && !checkpoints.containsKey(previous.get("seq").asLong())) {
      problems.add("chain seq " + previous.get("seq").asLong() + ": the last run of links ends without a checkpoint");
    }
    for (var checkpoint : checkpoints.values()) {
      JsonNode head = chain.get(checkpoint.get("seq").asLong());
      if (head == null || !head.get("hash").asText().equals(checkpoint.get("headHash").asText())) {
        problems.add("checkpoint " + checkpoint.get("seq").asLong() + ": the chain does not reach its head hash");
      }
    }

    // 3. each batch's audit event: a link of the verified chain whose own content names the batch, its root, its size
    Map<Long, String[]> roots = new HashMap<>(); // batch id -> {root, leafCount, chainSeq, hash}
    JsonNode batches = JSON.readTree(files.get("batches.json"));
    for (JsonNode batch : batches) {
      long batchId = batch.get("batchId").asLong();
      JsonNode carrier = batch.get("auditEvent");
      if (carrier == null || carrier.isNull() || carrier.path("chainSeq").isNull()) {
        problems.add("batch " + batchId + ": no audit event in the chain carries its root");
        continue;
      }
      long seq = carrier.get("chainSeq").asLong();
      JsonNode link = chain.get(seq);
      if (link == null || !link.get("hash").asText().equals(carrier.get("hash").asText())) {
        problems.add("batch " + batchId + ": its audit event (chain seq " + seq + ") is not in the verified chain");
        continue;
      }
      String[] fields = fields(link.path("format").asInt(1), link.get("canonical").asText());
      if (fields == null) {
        problems.add("batch " + batchId + ": chain seq " + seq + "'s content does not decode");
        continue;
      }
      if (!"logs.batch.seal".equals(fields[5]) || !"logs-batch".equals(fields[6])
          || !String.valueOf(batchId).equals(fields[7])) {
        problems.add("batch " + batchId + ": chain seq " + seq + " records " + fields[5] + " of " + fields[6] + " "
            + fields[7] + ", not the seal of this batch");
        continue;
      }
      JsonNode details = JSON.readTree(fields[9]);
      String root = details.path("root").asText();
      String leafCount = details.path("leafCount").asText();
      if (!root.equals(batch.path("root").asText()) || !leafCount.equals(batch.path("leafCount").asText())) {
        problems.add("batch " + batchId + ": batches.json says root " + batch.path("root").asText() + " of "
            + batch.path("leafCount").asText() + " leaves, its audit event " + root + " of " + leafCount);
      }
      roots.put(batchId, new String[] {root, leafCount, String.valueOf(seq), link.get("hash").asText()});
    }

    // 4. each event: of the subject and the period, its proof up to the root its batch's audit event carries
    JsonNode eventsFile = JSON.readTree(files.get("events.json"));
    JsonNode subject = manifest.path("subject");
    if (!subject.equals(eventsFile.path("subject"))) {
      problems.add("events.json: its subject is not the manifest's");
    }
    Instant from = Instant.parse(manifest.path("from").asText());
    Instant to = Instant.parse(manifest.path("to").asText());
    JsonNode events = eventsFile.path("events");
    if (events.size() != manifest.path("events").asInt(-1) || events.size() != eventsFile.path("count").asInt(-1)) {
      problems.add("events.json: holds " + events.size() + " events, the manifest says " + manifest.path("events"));
    }
    for (JsonNode event : events) {
      String name = "event " + event.path("id").asText();
      boolean ofSubject = "object".equals(subject.path("kind").asText())
          ? subject.path("objectType").asText().equals(event.path("objectType").asText())
              && subject.path("objectId").asText().equals(event.path("objectId").asText())
          : subject.path("actor").asText().equals(event.path("actor").asText());
      if (!ofSubject) {
        problems.add(name + ": not of the pack's subject " + subject);
      }
      Instant at = Instant.parse(event.path("occurredAt").asText());
      if (at.isBefore(from) || !at.isBefore(to)) {
        problems.add(name + ": occurred at " + at + ", outside the pack's period");
      }
      JsonNode proof = event.get("proof");
      if (proof == null || proof.isNull()) {
        problems.add(name + ": no proof (" + event.path("problem").asText() + ")");
        continue;
      }
      String[] carried = roots.get(proof.get("batchId").asLong());
      if (carried == null) {
        problems.add(name + ": its batch " + proof.get("batchId").asLong() + " has no verified audit event");
        continue;
      }
      JsonNode link = proof.path("auditEvent");
      if (!carried[2].equals(link.path("chainSeq").asText()) || !carried[3].equals(link.path("hash").asText())) {
        problems.add(name + ": its proof names another audit event than its batch's");
      }
      String problem = LogProofVerifier.check(event, carried[0], Long.parseLong(carried[1]));
      if (problem != null) {
        problems.add(name + ": " + problem);
      }
    }
    return new Result(problems, events.size(), batches.size(), links, checkpoints.size());
  }

  /**
   * The ten fields of a link's canonical content (docs/audit-format.md section 1): format 2, each a length in UTF-8
   * bytes, ':', the bytes, or '-' for none, the roles a count, '*', then the texts; format 1, joined by U+001F.
   */
  static String[] fields(int format, String canonical) {
    if (format == 1) {
      String[] parts = canonical.split("\u001f", -1);
      return parts.length == 10 ? parts : null;
    }
    byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
    String[] fields = new String[10];
    int[] at = {0};
    for (int i = 0; i < 10; i++) {
      if (i == 3 && at[0] < bytes.length && bytes[at[0]] == '-') {
        at[0]++;
        fields[i] = null;
      } else if (i == 3) {
        int count = number(bytes, at, (byte) '*');
        if (count < 0) {
          return null;
        }
        List<String> roles = new ArrayList<>();
        for (int r = 0; r < count; r++) {
          String role = text(bytes, at);
          if (role == null) {
            return null;
          }
          roles.add(role);
        }
        fields[i] = String.join(",", roles);
      } else if (at[0] < bytes.length && bytes[at[0]] == '-') {
        at[0]++;
        fields[i] = null;
      } else {
        fields[i] = text(bytes, at);
        if (fields[i] == null) {
          return null;
        }
      }
    }
    return at[0] == bytes.length ? fields : null;
  }

  private static String text(byte[] bytes, int[] at) {
    int length = number(bytes, at, (byte) ':');
    if (length < 0 || at[0] + length > bytes.length) {
      return null;
    }
    String text = new String(bytes, at[0], length, StandardCharsets.UTF_8);
    at[0] += length;
    return text;
  }

  private static int number(byte[] bytes, int[] at, byte end) {
    int start = at[0];
    long value = 0;
    while (at[0] < bytes.length && bytes[at[0]] >= '0' && bytes[at[0]] <= '9') {
      value = value * 10 + (bytes[at[0]++] - '0');
      if (value > Integer.MAX_VALUE) {
        return -1;
      }
    }
    if (at[0] == start || at[0] >= bytes.length || bytes[at[0]] != end) {
      return -1;
    }
    at[0]++;
    return (int) value;
  }

  static PublicKey publicKey(String pem) throws Exception {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  private static boolean ed25519(PublicKey key, byte[] text, String base64) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(key);
      signature.update(text);
      return signature.verify(Base64.getDecoder().decode(base64));
    } catch (Exception e) {
      return false;
    }
  }

  static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
