package org.itgc.controls;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.itgc.audit.AuditArchive;
import org.itgc.audit.AuditCheckpoints;
import org.itgc.audit.AuditSealer;
import org.springframework.stereotype.Service;

/**
 * What every pack the engine signs has, whatever its evidence (a control's population and samples, or the logs of one
 * object or person): the hash-chain segments from the audit events it names up to the signed checkpoints that cover
 * them ({@code chain/segments.jsonl}, {@code chain/checkpoints.json}), the audit key's public half
 * ({@code public-key.pem}), and a manifest of every file's SHA-256 signed with the audit key ({@code manifest.json},
 * {@code manifest.sig}); docs/audit-format.md, section 4. One implementation for {@link EvidencePacks} and the logs'
 * packs (docs/logs.md).
 */
@Service
public class SignedPacks {

  private final AuditSealer sealer;
  private final AuditArchive archive;
  private final AuditCheckpoints checkpoints;
  private final ObjectMapper json;

  SignedPacks(AuditSealer sealer, AuditArchive archive, AuditCheckpoints checkpoints, ObjectMapper json) {
    this.sealer = sealer;
    this.archive = archive;
    this.checkpoints = checkpoints;
    this.json = json;
  }

  /** Seals what the trail holds and signs a checkpoint at its head, so that every event recorded so far is covered. */
  public void checkpointNow() {
    sealer.checkpointNow();
  }

  /**
   * Adds {@code chain/segments.jsonl} and {@code chain/checkpoints.json}: for each chain sequence number given, the
   * links from it up to the first checkpoint of the pack's key that covers it (overlapping runs merged), and those
   * checkpoints. A sequence number that no checkpoint of the key covers yet is left out (the caller signs one first
   * with {@link #checkpointNow}).
   */
  public void addChain(Map<String, byte[]> files, Collection<Long> seqs) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    for (long seq : seqs) {
      Long covering = checkpoints.covering(seq, sealer.key().keyId());
      if (covering != null) {
        ranges.add(new long[] {seq, covering});
      }
    }
    StringBuilder segments = new StringBuilder();
    List<Long> checkpointSeqs = new ArrayList<>();
    for (long[] range : merge(ranges)) {
      checkpointSeqs.add(range[1]);
      for (Map<String, Object> link : archive.links(range[0], range[1])) {
        segments.append(json.writeValueAsString(link)).append('\n');
      }
    }
    files.put("chain/segments.jsonl", segments.toString().getBytes(StandardCharsets.UTF_8));
    List<Map<String, Object>> signed = new ArrayList<>();
    for (Long seq : checkpointSeqs) {
      checkpoints.at(seq).ifPresent(checkpoint -> {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("seq", checkpoint.seq());
        entry.put("headHash", checkpoint.headHash());
        entry.put("createdAt", checkpoint.createdAt().toString());
        entry.put("keyId", checkpoint.keyId());
        entry.put("signature", checkpoint.signature());
        signed.add(entry);
      });
    }
    files.put("chain/checkpoints.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(signed));
  }

  /**
   * Adds {@code public-key.pem}, then the manifest (the header's members, {@code keyId}, and {@code files}: every
   * file's SHA-256, lowercase hex) and its signature, and returns the ZIP of all the files.
   */
  public byte[] sign(Map<String, byte[]> files, Map<String, Object> header) throws IOException {
    Map<String, byte[]> all = new TreeMap<>(files);
    all.put("public-key.pem", sealer.key().publicPem().getBytes(StandardCharsets.US_ASCII));
    Map<String, Object> manifest = new LinkedHashMap<>(header);
    manifest.put("keyId", sealer.key().keyId());
    Map<String, String> hashes = new TreeMap<>();
    all.forEach((name, bytes) -> hashes.put(name, org.itgc.platform.Hashes.sha256(bytes)));
    manifest.put("files", hashes);
    byte[] manifestBytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    String signature;
    try {
      signature = sealer.key().sign(new String(manifestBytes, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the pack", e);
    }
    all.put("manifest.json", manifestBytes);
    all.put("manifest.sig", signature.getBytes(StandardCharsets.US_ASCII));
    return zip(all);
  }

  /** The audit key's id (the first 16 hex digits of its fingerprint). */
  public String keyId() {
    return sealer.key().keyId();
  }

  private static List<long[]> merge(List<long[]> ranges) {
    ranges.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] range : ranges) {
      if (!merged.isEmpty() && range[0] <= merged.get(merged.size() - 1)[1]) {
        long[] last = merged.get(merged.size() - 1);
        last[1] = Math.max(last[1], range[1]);
      } else {
        merged.add(new long[] {range[0], range[1]});
      }
    }
    return merged;
  }

  private static byte[] zip(Map<String, byte[]> files) throws IOException {
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
}
