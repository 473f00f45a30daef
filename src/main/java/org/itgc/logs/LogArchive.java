package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.itgc.audit.ArchiveFolder;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditSealer;
import org.itgc.audit.SignedManifest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The archive tier of the logs: a closed month's records, all sealed, written as a segment (the month's records with
 * their canonical bytes and places, the batches that hold them with roots, leaves and the audit events that carry the
 * roots; {@link LogArchiveFormat}) into {@code itgc.logs.archive-folder}, with a manifest signed with the audit key,
 * re-read and verified before it is recorded. Read back only whole: a segment is used once its signature, file hash,
 * every batch root and every record's leaf verify. The hot tier's removal is {@link LogRetention}'s.
 */
@Service
public class LogArchive {

  /** A segment that fails verification: nothing of it is used. */
  public static final class SegmentInvalid extends RuntimeException {
    SegmentInvalid(String label, String problem) {
      super("logs archive segment " + label + ": " + problem);
    }
  }

  /** A month that is not archived now, and why. */
  public static final class NotArchivable extends RuntimeException {
    NotArchivable(YearMonth month, String why) {
      super("logs month " + month + " is not archived: " + why);
    }
  }

  /** A segment just written. */
  record Written(String label, YearMonth month, long records, int batches) {}

  private final LogArchiveStore store;
  private final LogStore logs;
  private final LogCarriers carriers;
  private final AuditSealer sealer;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final ArchiveFolder files;
  private final TransactionTemplate snapshot;
  private final org.springframework.jdbc.core.JdbcTemplate jdbc;

  LogArchive(LogArchiveStore store, LogStore logs, LogCarriers carriers, AuditSealer sealer, AuditRecorder audit,
      ObjectMapper json, @Qualifier("auditTrailClock") Clock clock, PlatformTransactionManager transactions,
      org.springframework.jdbc.core.JdbcTemplate jdbc, @Value("${itgc.logs.archive-folder:data/logs/archive}") Path folder) {
    this.store = store;
    this.logs = logs;
    this.carriers = carriers;
    this.sealer = sealer;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.jdbc = jdbc;
    this.files = new ArchiveFolder(folder, "logs");
    this.snapshot = new TransactionTemplate(transactions);
    snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    snapshot.setReadOnly(true);
  }

  public Path folder() {
    return files.folder();
  }

  ArchiveFolder files() {
    return files;
  }

  /**
   * Writes a segment of the month's hot records that no segment holds yet (all of them, unless records of the month
   * arrived after an earlier segment). The month must be closed, every record of it sealed, and the audit event of
   * every batch chained. Returns null when there is nothing new to archive.
   */
  Written archive(YearMonth month) throws IOException {
    // one writer at a time across the nodes (a session lock on a connection of its own, held while the files are
    // written and the segment recorded)
    try {
      return jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<Written>) connection -> {
        try (var lock = connection.prepareStatement("select pg_try_advisory_lock(hashtext('logs_archive'))");
            var rs = lock.executeQuery()) {
          if (!rs.next() || !rs.getBoolean(1)) {
            throw new NotArchivable(month, "another node is writing a segment now");
          }
        }
        try {
          return archiveLocked(month);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          try (var unlock = connection.prepareStatement("select pg_advisory_unlock(hashtext('logs_archive'))")) {
            unlock.execute();
          }
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private Written archiveLocked(YearMonth month) throws IOException {
    YearMonth current = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    if (!month.isBefore(current)) {
      throw new NotArchivable(month, "it is not closed yet");
    }
    Set<Long> already = new HashSet<>();
    for (String label : store.hotSegments(month)) {
      verify(label, a -> already.add(a.record().id()));
    }
    sealer.seal(); // the batches' audit events get their links before their references are written
    String label = store.segmentsOf(month) == 0 ? month.toString() : month + "-r" + (store.segmentsOf(month) + 1);
    Files.createDirectories(files.folder());
    Path partial = files.named(files.segmentName(label) + ".partial");
    Map<String, Object> manifest = new LinkedHashMap<>();
    try {
      snapshot.executeWithoutResult(status -> {
        long unsealed = store.unsealed(month);
        if (unsealed > 0) {
          throw new NotArchivable(month, unsealed + " of its records are not sealed yet");
        }
        var digest = org.itgc.platform.Hashes.sha256Digest();
        long[] counts = {0, Long.MIN_VALUE, Long.MIN_VALUE};
        List<Long> batchIds = store.batchIds(month);
        try (var out = new GZIPOutputStream(new java.security.DigestOutputStream(
            new java.io.BufferedOutputStream(Files.newOutputStream(partial)), digest), 1 << 16)) {
          for (int i = 0; i < batchIds.size(); i += 1000) {
            for (LogStore.Batch batch : logs.batches(batchIds.subList(i, Math.min(batchIds.size(), i + 1000)))
                .stream().sorted(java.util.Comparator.comparingLong(LogStore.Batch::id)).toList()) {
              LogCarriers.Found found = carriers.find(batch, null);
              if (found.carrier() == null || found.carrier().chainSeq() == null) {
                throw new NotArchivable(month, "the audit event that carries batch " + batch.id()
                    + "'s root is not in the audit chain" + (found.problem() == null ? " yet" : ": " + found.problem()));
              }
              LogArchiveFormat.write(json, out, LogArchiveFormat.batchLine(new LogArchiveFormat.SegmentBatch(batch,
                  found.carrier().chainSeq(), found.carrier().hash())));
            }
          }
          store.eachSealed(month, stored -> {
            if (already.contains(stored.record().id())) {
              return;
            }
            try {
              LogArchiveFormat.write(json, out, LogArchiveFormat.recordLine(stored.record(), stored.batchId(),
                  stored.leafIndex()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            counts[0]++;
            counts[1] = counts[1] == Long.MIN_VALUE ? stored.record().id() : counts[1];
            counts[2] = stored.record().id();
          });
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        manifest.put("format", LogArchiveFormat.FORMAT);
        manifest.put("label", label);
        manifest.put("month", month.toString());
        manifest.put("file", files.segmentName(label));
        manifest.put("sha256", java.util.HexFormat.of().formatHex(digest.digest()));
        manifest.put("records", counts[0]);
        manifest.put("batches", batchIds.size());
        manifest.put("firstRecordId", counts[0] == 0 ? null : counts[1]);
        manifest.put("lastRecordId", counts[0] == 0 ? null : counts[2]);
      });
    } catch (RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    if ((long) manifest.get("records") == 0) {
      Files.deleteIfExists(partial);
      return null;
    }
    manifest.put("createdAt", clock.instant().toString());
    manifest.put("keyId", sealer.key().keyId());
    manifest.put("publicKey", sealer.key().publicPem());
    Files.move(partial, files.segment(label), StandardCopyOption.REPLACE_EXISTING);
    SignedManifest.write(json, manifest, sealer.key(), files.manifest(label), files.signature(label));
    // read back and verified whole before it counts
    try {
      verify(label, a -> { });
    } catch (SegmentInvalid | IOException e) {
      for (Path file : files.all(label)) {
        Files.deleteIfExists(file);
      }
      throw new NotArchivable(month, "the segment written does not verify: " + e.getMessage());
    }
    long records = (long) manifest.get("records");
    int batches = (int) manifest.get("batches");
    store.insertSegment(label, month, records, batches, (Long) manifest.get("firstRecordId"),
        (Long) manifest.get("lastRecordId"), files.segmentName(label), (String) manifest.get("sha256"));
    audit.record(AuditEvent.system("logs.archive.write", "logs-segment", label).detail("month", month.toString())
        .detail("records", records).detail("batches", batches).detail("sha256", manifest.get("sha256")).build());
    return new Written(label, month, records, batches);
  }

  /**
   * Checks a segment whole (signed manifest, the file's SHA-256, each batch's root from its leaves, each record's leaf
   * in its batch, the counts), streaming, and hands each record over as it is read. It throws when anything fails,
   * also after records were handed over: a caller keeps what it collected only when this returns.
   */
  public void verify(String label, Consumer<LogArchiveFormat.Archived> each) throws IOException {
    verifyWithBatches(label, each);
  }

  /** {@link #verify}, returning the segment's batches. */
  List<LogArchiveFormat.SegmentBatch> verifyWithBatches(String label, Consumer<LogArchiveFormat.Archived> each)
      throws IOException {
    JsonNode manifest;
    try {
      manifest = SignedManifest.verified(json, files.manifest(label), files.signature(label), sealer.trustedKeysById());
      if (!LogArchiveFormat.FORMAT.equals(manifest.path("format").asText())
          || !label.equals(manifest.path("label").asText())) {
        throw new SignedManifest.Invalid("the manifest is not that of logs segment " + label);
      }
      SignedManifest.checkSha256(files.named(manifest.get("file").asText()), manifest.get("sha256").asText());
      var checker = new LogArchiveFormat.Checker(YearMonth.parse(manifest.get("month").asText()), each);
      ArchiveFolder.readJsonLines(json, files.named(manifest.get("file").asText()), checker::accept);
      checker.finish(manifest);
      return checker.batches();
    } catch (SignedManifest.Invalid | LogArchiveFormat.Invalid e) {
      throw new SegmentInvalid(label, e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException | java.util.zip.ZipException
        | java.io.EOFException | java.time.format.DateTimeParseException e) {
      throw new SegmentInvalid(label, "its content cannot be read: " + e.getMessage());
    }
  }

  /**
   * The archived records of [from, to) that match, from the segments of the months that have left the hot tier, each
   * verified whole first; at most {@code limit} (the caller asks for one more than it answers).
   */
  List<LogArchiveFormat.Archived> records(Instant from, Instant to, Predicate<LogRecord> matches, int limit)
      throws IOException {
    List<LogArchiveFormat.Archived> found = new ArrayList<>();
    YearMonth first = YearMonth.from(from.atZone(ZoneOffset.UTC));
    YearMonth last = YearMonth.from(to.minusNanos(1).atZone(ZoneOffset.UTC));
    for (String label : store.removedSegments(first, last)) {
      List<LogArchiveFormat.Archived> ofSegment = new ArrayList<>();
      verify(label, a -> {
        LogRecord r = a.record();
        if (!r.occurredAt().isBefore(from) && r.occurredAt().isBefore(to) && matches.test(r)
            && found.size() + ofSegment.size() < limit) {
          ofSegment.add(a);
        }
      });
      found.addAll(ofSegment);
    }
    return found;
  }

  /** Deletes a segment's files; returns how many there were. */
  int delete(String label) throws IOException {
    int removed = 0;
    for (Path file : files.all(label)) {
      removed += Files.deleteIfExists(file) ? 1 : 0;
    }
    return removed;
  }

  /** The batches of a segment by id (for tests and the retrieval test). */
  static Map<Long, LogArchiveFormat.SegmentBatch> byId(List<LogArchiveFormat.SegmentBatch> batches) {
    Map<Long, LogArchiveFormat.SegmentBatch> map = new HashMap<>();
    batches.forEach(b -> map.put(b.batch().id(), b));
    return map;
  }
}
