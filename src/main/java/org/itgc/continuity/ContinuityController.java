package org.itgc.continuity;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.BadRequestException;
import org.itgc.systems.SystemsInventory;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Backups as data, and the evidence of continuity tests (BC-01, BC-02). */
@RestController
class ContinuityController {

  private static final Map<String, Integer> CHECKSUM_HEX_LENGTH = Map.of("sha256", 64, "sha512", 128, "md5", 32);
  private static final String READERS = "hasAnyAuthority('auditor', 'governance-lead', 'system-owner', 'it-approver', 'engine-admin')";

  private final ContinuityStore store;
  private final SystemsInventory systems;
  private final AuditRecorder audit;
  private final Clock clock;
  private final EngineContinuity engine;

  ContinuityController(ContinuityStore store, SystemsInventory systems, AuditRecorder audit, Clock clock,
      EngineContinuity engine) {
    this.store = store;
    this.systems = systems;
    this.audit = audit;
    this.clock = clock;
    this.engine = engine;
  }

  /** Backs up the engine's own database now (it also runs on the schedule of config/continuity.yaml). */
  @PostMapping("/api/continuity/engine-backups")
  @PreAuthorize("hasAuthority('engine-admin')")
  ResponseEntity<EngineContinuity.Backup> engineBackup() throws java.io.IOException, java.sql.SQLException {
    return ResponseEntity.status(201).body(engine.backup());
  }

  /** Restores the engine's latest backup into a scratch PostgreSQL and records the test (also quarterly). */
  @PostMapping("/api/continuity/engine-restore-tests")
  @PreAuthorize("hasAuthority('engine-admin')")
  ResponseEntity<EngineContinuity.RestoreTest> engineRestoreTest() throws java.io.IOException, java.sql.SQLException {
    return ResponseEntity.status(201).body(engine.restoreTest());
  }

  /** A backup taken by whatever tool makes it. */
  record BackupRegistration(@NotBlank String systemId, @NotNull Instant takenAt,
      @NotBlank @org.itgc.platform.web.FitsColumn("continuity_backup.location") String location, @NotNull @Min(0) Long sizeBytes,
      @NotBlank @org.itgc.platform.web.FitsColumn("continuity_backup.checksum") String checksum,
      @org.itgc.platform.web.FitsColumn("continuity_backup.checksum_algorithm") String checksumAlgorithm, @Min(0) Long rowCount) {}

  /** A registered backup's id. */
  record Registered(long id) {}

  @PostMapping("/api/continuity/backups")
  @PreAuthorize("hasAnyAuthority('system-owner', 'engine-admin')")
  ResponseEntity<Registered> register(@Valid @RequestBody BackupRegistration backup, Authentication user) {
    if (systems.find(backup.systemId()).isEmpty()) {
      throw new BadRequestException("systemId", "'" + backup.systemId() + "' is not a system of config/systems.yaml");
    }
    String algorithm = backup.checksumAlgorithm() == null ? "sha256" : backup.checksumAlgorithm().toLowerCase();
    Integer length = CHECKSUM_HEX_LENGTH.get(algorithm);
    if (length == null) {
      throw new BadRequestException("checksumAlgorithm", "must be one of " + CHECKSUM_HEX_LENGTH.keySet().stream().sorted().toList());
    }
    if (!backup.checksum().matches("[0-9a-fA-F]{" + length + "}")) {
      throw new BadRequestException("checksum", "must be " + length + " hexadecimal digits for " + algorithm);
    }
    if (backup.takenAt().isAfter(clock.instant().plusSeconds(300))) {
      throw new BadRequestException("takenAt", "is in the future");
    }
    long id = store.registerBackup(new ContinuityStore.NewBackup(backup.systemId(), backup.takenAt(), backup.location(),
        backup.sizeBytes(), backup.checksum().toLowerCase(), algorithm, backup.rowCount(), user.getName(),
        clock.instant()));
    audit.record(AuditEvent.of("backup.register", "backup", String.valueOf(id)).detail("systemId", backup.systemId())
        .detail("takenAt", backup.takenAt().toString()).detail("checksum", backup.checksum()).build());
    return ResponseEntity.created(URI.create("/api/continuity/backups/" + id)).body(new Registered(id));
  }

  @GetMapping("/api/continuity/backups")
  @PreAuthorize(READERS)
  List<ContinuityStore.Backup> backups(@RequestParam String system, @RequestParam Instant from,
      @RequestParam Instant to) {
    checkPeriod(system, from, to);
    return store.backups(system, from, to);
  }

  /** DR and restore tests of a system in [from, to): targets, actuals, verdicts, sign-offs, remediation. */
  @GetMapping("/api/continuity/tests")
  @PreAuthorize(READERS)
  ResponseEntity<?> tests(@RequestParam String system, @RequestParam Instant from, @RequestParam Instant to,
      @RequestParam(defaultValue = "json") String format) {
    checkPeriod(system, from, to);
    if (!List.of("json", "csv").contains(format)) {
      throw new BadRequestException("format", "must be json or csv");
    }
    List<ContinuityStore.ContinuityTest> rows = store.tests(system, from, to);
    audit.record(AuditEvent.of("continuity.tests.read", "system", system).detail("rows", rows.size()).build());
    if ("json".equals(format)) {
      return ResponseEntity.ok(rows);
    }
    // an empty export has the one column "id", as it always had
    List<String> columns = rows.isEmpty() ? List.of("id") : ContinuityStore.ContinuityTest.COLUMNS.names();
    List<List<?>> csvRows = ContinuityStore.ContinuityTest.COLUMNS.rows(rows);
    return org.itgc.platform.csv.Csv.download("continuity-" + system + ".csv", columns, csvRows);
  }

  private void checkPeriod(String system, Instant from, Instant to) {
    if (systems.find(system).isEmpty()) {
      throw new BadRequestException("system", "'" + system + "' is not a system of config/systems.yaml");
    }
    if (!from.isBefore(to)) {
      throw new BadRequestException("to", "must be after from");
    }
  }

}
