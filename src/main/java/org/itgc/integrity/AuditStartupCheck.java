package org.itgc.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.itgc.audit.AuditCheckpoints;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditSealer;
import org.itgc.audit.AuditVerifier;
import org.itgc.notify.Notifier;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * No unsigned trust across a restart: before the engine signs anything new, the chain the database holds is verified
 * against the checkpoints published outside it (the checkpoint folder, with the pinned keys). A chain that does not
 * extend them is tampering: it is never signed over, the health of the {@code auditTrail} component is DOWN, and the
 * auditors and the audit mailbox are mailed at once. (Bean name: the health component is "auditTrail".)
 */
@Component("auditTrailHealthIndicator")
class AuditStartupCheck implements HealthIndicator {

  private static final Logger log = LoggerFactory.getLogger(AuditStartupCheck.class);

  private final AuditSealer sealer;
  private final AuditCheckpoints checkpoints;
  private final DataSource dataSource;
  private final AuditRecorder audit;
  private final Notifier notifier;
  private final UserAccounts users;
  private final String mailbox;

  private final int retries;
  private final java.time.Duration retryDelay;

  /** Waits between two verifications; the tests give one that does not sleep. */
  interface Pause {
    void sleep(long millis) throws InterruptedException;
  }

  AuditStartupCheck(AuditSealer sealer, AuditCheckpoints checkpoints, DataSource dataSource, AuditRecorder audit, Notifier notifier,
      UserAccounts users, @Value("${itgc.audit.mailbox:}") String mailbox,
      @Value("${itgc.audit.startup-verify-retries:2}") int retries,
      @Value("${itgc.audit.startup-verify-retry-delay:PT3S}") java.time.Duration retryDelay) {
    this.retries = retries;
    this.retryDelay = retryDelay;
    this.sealer = sealer;
    this.checkpoints = checkpoints;
    this.dataSource = dataSource;
    this.audit = audit;
    this.notifier = notifier;
    this.users = users;
    this.mailbox = mailbox;
  }

  @EventListener(ApplicationReadyEvent.class)
  void verifyBeforeSigning() {
    AuditVerifier.Result result;
    try {
      if (sealer.recordKeyRotation()) {
        audit.recordIndependently(AuditEvent.system("audit.key-rotated", "audit-key", sealer.key().fingerprint())
            .detail("keyId", sealer.key().keyId()).build());
      }
      long inDatabase = checkpoints.count();
      long published;
      try (var files = java.nio.file.Files.list(sealer.checkpointFolder())) {
        published = files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).count();
      }
      result = inDatabase > 0 && published == 0
          // the checkpoints outside the database are what the chain is verified against: an emptied folder would let
          // a rewritten chain pass, so it is not taken for a fresh start
          ? new AuditVerifier.Result(false, 0, 0, null, "the checkpoint folder " + sealer.checkpointFolder()
              + " holds none of the " + inDatabase + " checkpoints the database holds: restore it (backup, audit "
              + "mailbox) before signing resumes")
          : verifyAgainUntilSteady(() -> {
            try {
              return sealer.verifySealed(dataSource);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }, retries, retryDelay, Thread::sleep);
    } catch (java.io.IOException | RuntimeException e) {
      result = new AuditVerifier.Result(false, 0, 0, null, "the audit trail could not be verified: " + e.getMessage());
    }
    sealer.startupVerdict(result.ok(), result.problem());
    if (result.ok()) {
      log.info("Audit trail verified at start-up: {} events, {} checkpoints; signing resumes", result.eventsVerified(),
          result.checkpointsVerified());
      return;
    }
    String problem = (result.firstBadSequence() == null ? "" : "at sequence " + result.firstBadSequence() + ": ")
        + result.problem();
    log.error("AUDIT TRAIL TAMPERING at start-up, nothing will be signed over it: {}", problem);
    report(problem, "at start-up");
  }

  /**
   * The verdict of a verification that is verified again, after a pause, when it fails: a finding that goes away
   * (another node's transaction committing late, while this one starts) is no tampering, and stopping to sign on it
   * would take the audit trail DOWN for nothing. Tampering stays, and is reported after the last attempt.
   */
  static AuditVerifier.Result verifyAgainUntilSteady(java.util.function.Supplier<AuditVerifier.Result> verify,
      int retries, java.time.Duration delay, Pause pause) {
    AuditVerifier.Result result = verify.get();
    for (int attempt = 0; attempt < retries && !result.ok(); attempt++) {
      log.warn("Audit trail did not verify at start-up ({}); verifying again in {}", result.problem(), delay);
      try {
        pause.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
      result = verify.get();
    }
    return result;
  }

  /** Tampering the sealer finds while the engine runs: recorded and mailed like the start-up verdict. */
  @org.springframework.context.event.EventListener
  void whileRunning(org.itgc.audit.AuditSealer.TamperingDetected detected) {
    report(detected.problem(), "while running");
  }

  private void report(String problem, String when) {
    audit.recordIndependently(AuditEvent.system("audit.tampering-detected", "audit-trail", "chain")
        .outcome(AuditEvent.Outcome.FAILURE).detail("problem", problem).detail("found", when).build());
    List<String> to = new ArrayList<>(users.emailsOf(Role.AUDITOR));
    if (!mailbox.isBlank()) {
      to.add(mailbox);
    }
    if (!to.isEmpty()) {
      notifier.send("audit-tampering", to, Map.of("problem", problem, "when", when));
    }
  }

  @Override
  public Health health() {
    var tampering = sealer.tampering();
    if (tampering.isPresent()) {
      return Health.down().withDetail("problem", tampering.get()).build();
    }
    var stalled = sealer.stalled();
    return stalled.isPresent() ? Health.down().withDetail("problem", stalled.get()).build() : Health.up().build();
  }
}
