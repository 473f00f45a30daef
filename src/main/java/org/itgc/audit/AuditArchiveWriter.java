package org.itgc.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.itgc.platform.SchedulingConfiguration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Writes the archive tier and deletes what has outlived it. A segment is a run of the chain (by the month its links
 * were sealed, so that its sequence numbers are contiguous) written as gzip-compressed JSON lines, with a manifest
 * that names the file's SHA-256, the first and last sequence, the links from the last one to the signed checkpoint
 * that covers it, and the checkpoint itself; the manifest is signed with the audit key. The files' format is
 * docs/audit-format.md's: external verifiers check it. Segments past the archive's retention are deleted, their
 * expiry recorded. Reading and verifying segments is {@link AuditArchive}'s job.
 */
@Service
class AuditArchiveWriter {

  /** A segment just written. */
  record Written(String label, int events, long firstSeq, long lastSeq, String file) {}

  private final AuditCheckpoints checkpoints;
  private final AuditArchiveStore store;
  private final AuditSealer sealer;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final AuditArchiveFiles files;
  private final java.time.Period archiveRetention;
  private final org.itgc.platform.ScheduledOnce once;
  private final String archiveCron;
  private final String expiryCron;

  AuditArchiveWriter(AuditArchiveStore store, AuditCheckpoints checkpoints, AuditSealer sealer, AuditRecorder audit,
      ObjectMapper json,
      @Qualifier("auditTrailClock") Clock clock, AuditArchiveFiles files,
      @Value("${itgc.audit.archive-retention:P7Y}") java.time.Period archiveRetention, org.itgc.platform.ScheduledOnce once,
      @Value("${itgc.audit.archive-schedule:0 0 3 2 * *}") String archiveCron,
      @Value("${itgc.audit.archive-expiry-schedule:0 0 5 2 * *}") String expiryCron) {
    this.store = store;
    this.checkpoints = checkpoints;
    this.sealer = sealer;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.files = files;
    this.archiveRetention = archiveRetention;
    this.once = once;
    this.archiveCron = archiveCron;
    this.expiryCron = expiryCron;
  }

  /**
   * Monthly: every month whose links were all sealed before this month began and that has no segment yet (the hot
   * copy stays until the retention job removes the month, hot-days after its end).
   */
  @Scheduled(cron = "${itgc.audit.archive-schedule:0 0 3 2 * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledArchive() {
    once.run("audit-archive", archiveCron, unchecked(this::archiveDue));
  }

  /** Monthly: {@link #expireDue}. */
  @Scheduled(cron = "${itgc.audit.archive-expiry-schedule:0 0 5 2 * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledExpiry() {
    once.run("audit-archive-expiry", expiryCron, unchecked(() -> expireDue()));
  }

  private interface FileWork {
    void run() throws IOException;
  }

  private static Runnable unchecked(FileWork work) {
    return () -> {
      try {
        work.run();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /** Writes a segment for every closed month that has none yet, oldest first. */
  void archiveDue() throws IOException {
    YearMonth current = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    for (String month : store.monthsSealedBefore(current.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
      if (!store.segmentExists(month)) {
        long[] range = store.seqsSealedIn(YearMonth.parse(month));
        archive(month, range[0], range[1]);
      }
    }
  }

  /**
   * Segments whose newest event is older than the archive's retention (7 years) are deleted with their manifests;
   * the segment's record stays, with the expiry beside it. Returns the labels expired.
   */
  List<String> expireDue() throws IOException {
    Instant horizon = clock.instant().atZone(ZoneOffset.UTC).minus(archiveRetention).toInstant();
    List<String> expired = new ArrayList<>();
    for (String label : store.liveLabelsEndingBefore(horizon)) {
      int removed = 0;
      for (Path file : files.all(label)) {
        removed += Files.deleteIfExists(file) ? 1 : 0;
      }
      store.recordExpiry(label, clock.instant(), removed);
      audit.record(AuditEvent.system("audit.archive.expire", "audit-segment", label).detail("files", removed)
          .detail("retention", archiveRetention.toString()).build());
      expired.add(label);
    }
    return expired;
  }

  /**
   * Writes the links firstSeq..lastSeq as segment {@code label}, covered by a signed checkpoint. The file's lines and
   * the manifest are JSON documents of docs/audit-format.md, written from ordered maps exactly as they always were
   * (signed bytes: their format does not change).
   */
  Written archive(String label, long firstSeq, long lastSeq) throws IOException {
    if (!label.matches("[A-Za-z0-9-]{1,32}") || lastSeq < firstSeq) {
      throw new IllegalArgumentException("segment " + label + " " + firstSeq + ".." + lastSeq);
    }
    if (checkpoints.firstFrom(lastSeq).isEmpty()) {
      sealer.checkpointNow();
    }
    AuditCheckpoints.Checkpoint checkpoint = checkpoints.firstFrom(lastSeq)
        .orElseThrow(() -> new IllegalStateException("no checkpoint covers sequence " + lastSeq));
    Files.createDirectories(files.folder());
    String file = files.segmentName(label);
    Path partial = files.named(file + ".partial");
    var digest = org.itgc.platform.Hashes.sha256Digest();
    int[] events = {0};
    Instant[] span = {null, null};
    try (var gzip = new GZIPOutputStream(new java.security.DigestOutputStream(
        new java.io.BufferedOutputStream(Files.newOutputStream(partial)), digest), 1 << 16)) {
      store.eachLink(firstSeq, lastSeq, line -> {
        try {
          gzip.write(json.writeValueAsBytes(line.json()));
          gzip.write('\n');
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        Instant at = line.occurredAt();
        span[0] = span[0] == null || at.isBefore(span[0]) ? at : span[0];
        span[1] = span[1] == null || at.isAfter(span[1]) ? at : span[1];
        events[0]++;
      });
    }
    String sha256 = java.util.HexFormat.of().formatHex(digest.digest());
    List<Map<String, Object>> bridge = new ArrayList<>();
    store.eachLink(lastSeq + 1, checkpoint.seq(), line -> bridge.add(line.link().asMap()));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("label", label);
    manifest.put("file", file);
    manifest.put("sha256", sha256);
    manifest.put("firstSeq", firstSeq);
    manifest.put("lastSeq", lastSeq);
    manifest.put("events", events[0]);
    manifest.put("firstOccurredAt", span[0] == null ? null : span[0].toString());
    manifest.put("lastOccurredAt", span[1] == null ? null : span[1].toString());
    manifest.put("bridge", bridge);
    Map<String, Object> cp = new LinkedHashMap<>();
    cp.put("seq", checkpoint.seq());
    cp.put("headHash", checkpoint.headHash());
    cp.put("createdAt", checkpoint.createdAt().toString());
    cp.put("keyId", checkpoint.keyId());
    cp.put("signature", checkpoint.signature());
    manifest.put("checkpoint", cp);
    manifest.put("publicKey", sealer.key().publicPem());
    Files.move(partial, files.segment(label), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    SignedManifest.write(json, manifest, sealer.key(), files.manifest(label), files.signature(label));
    store.insertSegment(new AuditArchiveStore.Segment(label, firstSeq, lastSeq, events[0], file, sha256, checkpoint.seq(),
        span[0], span[1], clock.instant()));
    audit.record(AuditEvent.system("audit.archive", "audit-segment", label).detail("firstSeq", firstSeq)
        .detail("lastSeq", lastSeq).detail("events", events[0]).detail("sha256", sha256).build());
    return new Written(label, events[0], firstSeq, lastSeq, file);
  }
}
