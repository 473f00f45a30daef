package org.itgc.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seals committed audit events into the hash chain in the order the sealer sees them committed, giving each the next
 * gap-free sequence number, and writes signed checkpoints every N events or M minutes, in the database and as files
 * outside it. One sealer at a time across nodes (a transaction-scoped advisory lock); an event committed after a
 * round's snapshot is sealed in the next round, so no committed event stays unsealed, also after a crash.
 */
@Service
public class AuditSealer {

  private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);
  private static final long LOCK = 0x17C0_A0D1L;
  private static final int BATCH = 5000;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final AuditSigningKey key;
  private final ObjectMapper json;
  private final Clock clock;
  private final Path checkpointFolder;
  private final long checkpointEvery;
  private final Duration checkpointInterval;
  private final org.itgc.notify.Notifier notifier;
  private final String mailbox;

  AuditSealer(JdbcTemplate jdbc, TransactionTemplate transactions, ObjectMapper json, Clock clock,
      @Value("${itgc.audit.signing-key-file}") Path keyFile, @Value("${itgc.audit.checkpoint-folder}") Path checkpointFolder,
      @Value("${itgc.audit.checkpoint-every-events:1000}") long checkpointEvery,
      @Value("${itgc.audit.checkpoint-every:PT5M}") Duration checkpointInterval, org.itgc.notify.Notifier notifier,
      @Value("${itgc.audit.mailbox:}") String mailbox) throws IOException, GeneralSecurityException {
    this.notifier = notifier;
    this.mailbox = mailbox;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.json = json;
    this.clock = clock;
    this.key = AuditSigningKey.loadOrCreate(keyFile);
    this.checkpointFolder = checkpointFolder;
    this.checkpointEvery = checkpointEvery;
    this.checkpointInterval = checkpointInterval;
    Files.createDirectories(checkpointFolder);
    Files.writeString(checkpointFolder.resolve("public-key-" + key.keyId() + ".pem"), key.publicPem());
  }

  public AuditSigningKey key() {
    return key;
  }

  public Path checkpointFolder() {
    return checkpointFolder;
  }

  @Scheduled(fixedDelayString = "${itgc.audit.seal-interval:PT1S}")
  void scheduledSeal() {
    try {
      seal(false);
    } catch (RuntimeException e) {
      log.error("Sealing the audit trail failed; it is retried in the next round", e);
    }
  }

  /**
   * Seals everything committed before the call (waiting for a round running elsewhere to finish) and writes a
   * checkpoint when one is due; returns the number of events this call sealed.
   */
  public int seal() {
    return seal(true);
  }

  private int seal(boolean wait) {
    Integer sealed = transactions.execute(status -> {
      if (wait) {
        jdbc.queryForObject("select pg_advisory_xact_lock(?)::text", String.class, LOCK);
      } else if (!Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
        return 0;
      }
      var head = jdbc.queryForList("select seq, hash from audit_chain order by seq desc limit 1");
      long seq = head.isEmpty() ? 0 : ((Number) head.get(0).get("seq")).longValue();
      String previous = head.isEmpty() ? AuditChain.GENESIS : ((String) head.get(0).get("hash"));
      Timestamp now = Timestamp.from(clock.instant());
      List<Object[]> links = new ArrayList<>();
      long[] last = {seq};
      String[] prev = {previous};
      jdbc.query("select " + AuditChain.EVENT_COLUMNS + " from audit_event e where not exists "
          + "(select 1 from audit_chain c where c.event_id = e.id) order by e.id limit " + BATCH, rs -> {
            long next = ++last[0];
            String hash = AuditChain.hash(prev[0], next, AuditChain.canonical(rs));
            links.add(new Object[] {next, rs.getLong("id"), prev[0], hash, now});
            prev[0] = hash;
          });
      if (!links.isEmpty()) {
        jdbc.batchUpdate("insert into audit_chain (seq, event_id, prev_hash, hash, sealed_at) values (?, ?, ?, ?, ?)", links);
      }
      checkpointIfDue(last[0], prev[0]);
      return links.size();
    });
    return sealed == null ? 0 : sealed;
  }

  /**
   * Seals everything recorded so far and signs a checkpoint at the head now, due or not (an evidence pack needs its
   * events covered). Returns the checkpoint's sequence number (0 for an empty trail).
   */
  public long checkpointNow() {
    seal();
    Long done = transactions.execute(status -> {
      jdbc.queryForObject("select pg_advisory_xact_lock(?)::text", String.class, LOCK);
      var head = jdbc.queryForList("select seq, hash from audit_chain order by seq desc limit 1");
      if (head.isEmpty()) {
        return 0L;
      }
      long seq = ((Number) head.get(0).get("seq")).longValue();
      Long last = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_checkpoint", Long.class);
      if (last == null || last < seq) {
        checkpoint(seq, (String) head.get(0).get("hash"), true);
      }
      return seq;
    });
    return done == null ? 0 : done;
  }

  private void checkpointIfDue(long seq, String headHash) {
    checkpoint(seq, headHash, false);
  }

  private void checkpoint(long seq, String headHash, boolean force) {
    if (seq == 0) {
      return;
    }
    var last = jdbc.queryForList("select seq, created_at from audit_checkpoint order by seq desc limit 1");
    long lastSeq = last.isEmpty() ? 0 : ((Number) last.get(0).get("seq")).longValue();
    Instant lastAt = last.isEmpty() ? Instant.EPOCH : ((Timestamp) last.get(0).get("created_at")).toInstant();
    // microseconds, as PostgreSQL keeps them, so that the signed text can be rebuilt from the table
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    if (seq == lastSeq || (!force && seq - lastSeq < checkpointEvery
        && Duration.between(lastAt, now).compareTo(checkpointInterval) < 0)) {
      return;
    }
    String createdAt = now.toString();
    String signature;
    try {
      signature = key.sign(AuditChain.checkpointText(seq, headHash, createdAt));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an audit checkpoint", e);
    }
    jdbc.update("insert into audit_checkpoint (seq, head_hash, created_at, key_id, signature) values (?, ?, ?, ?, ?)",
        seq, headHash, Timestamp.from(now), key.keyId(), signature);
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("seq", seq);
    file.put("headHash", headHash);
    file.put("createdAt", createdAt);
    file.put("keyId", key.keyId());
    file.put("signature", signature);
    try {
      Files.write(checkpointFolder.resolve(String.format("checkpoint-%012d.json", seq)), json.writeValueAsBytes(file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot publish the audit checkpoint to " + checkpointFolder, e);
    }
    if (!mailbox.isBlank()) {
      notifier.send("audit-checkpoint", List.of(mailbox), file);
    }
  }
}
