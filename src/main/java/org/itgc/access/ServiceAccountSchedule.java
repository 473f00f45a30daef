package org.itgc.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.platform.ScheduledOnce;
import org.itgc.platform.SchedulingConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * When service accounts' credentials are rotated without anyone asking (control AC-04): every day on
 * {@code settings.serviceAccountRotationSchedule} (one node per slot), each account that a connector rotates and whose
 * last successful rotation is older than its {@code rotationDays} (or that was never rotated) is rotated, trigger
 * {@code schedule}; the same run checks that every account has an active owner. At start-up, after the service
 * accounts became identities, the owners are compared with access.yaml (a changed owner rotates the credential).
 */
@Component
@Order(11)
class ServiceAccountSchedule implements ApplicationRunner {

  static final String JOB = "service-account-rotation";
  private static final Logger log = LoggerFactory.getLogger(ServiceAccountSchedule.class);

  /** What a scheduled run did: the rotations by connector, the ownerless accounts raised, the tasks opened. */
  record Run(List<ServiceAccountRotations.Rotated> rotations, int ownerless, List<String> tasksOpened) {}

  private final AccessCatalogue catalogue;
  private final ServiceAccountStore store;
  private final ServiceAccountRotations rotations;
  private final ServiceAccountOwners owners;
  private final ServiceAccountRotationTasks tasks;
  private final ScheduledOnce once;
  private final Clock clock;

  ServiceAccountSchedule(AccessCatalogue catalogue, ServiceAccountStore store, ServiceAccountRotations rotations,
      ServiceAccountOwners owners, ServiceAccountRotationTasks tasks, ScheduledOnce once, Clock clock) {
    this.catalogue = catalogue;
    this.store = store;
    this.rotations = rotations;
    this.owners = owners;
    this.tasks = tasks;
    this.once = once;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    var changed = owners.reconcileWithConfig();
    changed.forEach(c -> log.info("Service account {}: owner {} -> {} (access.yaml); rotation {}",
        c.change().serviceAccountId(), c.change().previousOwnerId(), c.change().ownerId(), c.rotation().outcome()));
    owners.checkOwners();
  }

  @Scheduled(cron = "#{@accessCatalogue.serviceAccountRotationSchedule()}", scheduler = SchedulingConfiguration.ACCESS)
  void scheduled() {
    once.runWithOutcome(JOB, catalogue.serviceAccountRotationSchedule(), () -> {
      Run run = rotateDue(clock.instant());
      long failed = run.rotations().stream().filter(r -> !r.succeeded()).count();
      return failed == 0 ? ScheduledOnce.DONE
          : "done; " + failed + " of " + run.rotations().size() + " rotations failed";
    });
  }

  /**
   * Rotates every account a connector rotates that is due at {@code asOf}, and checks the owners. A due account that no
   * connector rotates, or whose connector has now failed {@code settings.serviceAccountRotationAttempts} runs in a
   * row, becomes a security admin's task (service-account-rotation); while it is open, the account is left to them.
   */
  Run rotateDue(Instant asOf) {
    int ownerless = owners.checkOwners();
    Map<String, Instant> last = store.lastRotated();
    List<ServiceAccountRotations.Rotated> done = new ArrayList<>();
    List<String> opened = new ArrayList<>();
    for (AccessCatalogue.ServiceAccount account : catalogue.serviceAccounts()) {
      if (!isDue(last.get(account.id()), catalogue.rotationDays(account), asOf)
          || store.openRotationTask(account.id()).isPresent()) {
        continue;
      }
      if (rotations.connectorOf(account.id()).isEmpty()) {
        tasks.request(account.id(), ServiceAccountRotations.SCHEDULE, null, null, "The credential is due (every "
            + catalogue.rotationDays(account) + " days) and no connector of " + ConnectorsFile.FILE
            + " rotates it: rotate it by hand.").ifPresent(id -> opened.add(account.id()));
        continue;
      }
      ServiceAccountRotations.Rotated rotated = rotations.rotate(account.id(), ServiceAccountRotations.SCHEDULE,
          "system", null);
      done.add(rotated);
      int failures = rotated.succeeded() ? 0 : store.failuresSinceLastSuccess(account.id());
      if (failures >= catalogue.serviceAccountRotationAttempts()) {
        tasks.request(account.id(), ServiceAccountRotations.SCHEDULE, null, rotated.rotationId(), "The credential is "
            + "due and connector " + rotated.connectorId() + " failed " + failures + " times in a row (last: "
            + rotated.error() + "): rotate it by hand.").ifPresent(id -> opened.add(account.id()));
      }
    }
    return new Run(done, ownerless, opened);
  }

  /** When a credential last rotated at {@code lastRotated} is due again; null when it was never rotated (due now). */
  static Instant nextDue(Instant lastRotated, int rotationDays) {
    return lastRotated == null ? null : lastRotated.plus(Duration.ofDays(rotationDays));
  }

  /** Whether a credential is due at {@code asOf}: never rotated, or last rotated {@code rotationDays} ago or more. */
  static boolean isDue(Instant lastRotated, int rotationDays, Instant asOf) {
    Instant due = nextDue(lastRotated, rotationDays);
    return due == null || !due.isAfter(asOf);
  }
}
