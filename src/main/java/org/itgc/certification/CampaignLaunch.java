package org.itgc.certification;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.itgc.access.SodScan;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.certification.CampaignStore.Campaign;
import org.itgc.certification.CampaignStore.OwnItem;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.systems.FinancialSystem;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The launch of a campaign: its registration (the scope checked, the deadlines in business days) and then, in the
 * background, the frozen population (the in-scope grants of the access registry with their flags of today), its
 * SHA-256, and a reviewer for every item: the person's manager; a service account's owner (as the access registry
 * records it) for the account's grants, a security admin when the account is ownerless; the system's owner for
 * privileged entitlements and people HR does not know; never the person themselves.
 */
@Service
class CampaignLaunch {

  /** The reviewer basis of a service account's items reviewed by the account's owner. */
  static final String SERVICE_ACCOUNT_OWNER = "service-account-owner";
  /** The reviewer basis of an ownerless service account's items, reviewed by a security admin. */
  static final String SECURITY_ADMIN = "security-admin";

  private final CampaignStore store;
  private final CertificationSettings settings;
  private final ReviewerDirectory directory;
  private final SodScan sodScan;
  private final AuditRecorder audit;
  private final BusinessCalendar calendar;
  private final Clock clock;
  private final String baseUrl;

  CampaignLaunch(CampaignStore store, CertificationSettings settings, ReviewerDirectory directory, SodScan sodScan,
      AuditRecorder audit, BusinessCalendar calendar, Clock clock, @Value("${itgc.base-url}") String baseUrl) {
    this.store = store;
    this.settings = settings;
    this.directory = directory;
    this.sodScan = sodScan;
    this.audit = audit;
    this.calendar = calendar;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  /**
   * What the start submitted, as texts (null when empty) and flags: the initiator is the engine's, none for the
   * scheduled campaign; the review period is the field's text as sent.
   */
  record Registration(String processInstanceId, String initiator, String name, String tiers, String systems,
      boolean includePrivileged, boolean includeServiceAccounts, String dueBusinessDays) {}

  /** The campaign as registered: its id and name, its deadlines and where its reviewers decide. */
  record Registered(String campaignId, String name, Instant reviewDue, Instant reminderAt, Instant finalDeadline,
      String worklistUrl) {}

  /** Task_RegisterCampaign: checks the scope, records the campaign and its deadlines. */
  Registered register(Registration registration) {
    List<FieldError> errors = new ArrayList<>();
    CertificationSettings.Scope scope = scope(registration, errors);
    int dueDays = CertificationRules.dueBusinessDays(registration.dueBusinessDays(), settings.dueBusinessDays(), errors);
    InvalidInputException.ifAny(errors);
    Instant now = clock.instant();
    Instant dueAt = calendar.addBusinessDays(now, dueDays);
    Instant reminderAt = calendar.addBusinessDays(now,
        CertificationRules.reminderBusinessDays(dueDays, settings.reminderBusinessDaysBefore()));
    Instant finalAt = calendar.addBusinessDays(dueAt, settings.finalDeadlineBusinessDays());
    String id = CertificationRules.campaignId(now.atZone(calendar.zone()).getYear(), store.nextNumber());
    String name = CertificationRules.campaignName(registration.name(), now.atZone(calendar.zone()));
    String launchedBy = CertificationRules.launchedBy(registration.initiator());
    store.insert(new CampaignStore.NewCampaign(id, registration.processInstanceId(), name, scope,
        settings.nonResponseAction(), launchedBy, now, dueAt, reminderAt, finalAt));
    audit.record(AuditEvent.of("certification.start", "campaign", id).actor(launchedBy, null)
        .detail("scope", store.toJson(scope)).detail("dueAt", dueAt.toString()).build());
    return new Registered(id, name, dueAt, reminderAt, finalAt, CertificationRules.worklistPath(id));
  }

  private CertificationSettings.Scope scope(Registration registration, List<FieldError> errors) {
    if (CertificationRules.reviewsScheduledScope(registration.tiers(), registration.systems(), registration.initiator())) {
      return settings.scheduledScope();
    }
    List<FinancialSystem.Tier> tiers = new ArrayList<>();
    for (String tier : CertificationRules.split(registration.tiers())) {
      try {
        tiers.add(FinancialSystem.Tier.of(tier));
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(CertificationProcess.Fields.TIERS, e.getMessage()));
      }
    }
    List<String> systems = CertificationRules.split(registration.systems());
    for (String system : systems) {
      if (!directory.knowsSystem(system)) {
        errors.add(new FieldError(CertificationProcess.Fields.SYSTEMS, "'" + system + "' is not a system of config/systems.yaml"));
      }
    }
    return new CertificationSettings.Scope(tiers, systems, registration.includePrivileged(),
        registration.includeServiceAccounts());
  }

  /**
   * Task_LaunchCampaign (asynchronous): the frozen population, its digest, and a reviewer for every item.
   *
   * @return the campaign's summary for the review tasks
   */
  String launch(String processInstanceId) {
    Campaign campaign = store.get(store.idOf(processInstanceId));
    String id = campaign.id();
    CertificationSettings.Scope scope = store.scopeOf(campaign);
    // flags come from a detective scan of today, not of last night
    sodScan.scan("certification", "campaign:" + id);
    int items = store.insertItems(id, scope, clock.instant());
    assignReviewers(id, campaign.launchedBy());
    store.countReviewers(id);
    String digest = store.populationDigest(id);
    store.open(id, items, digest);
    audit.record(AuditEvent.system("certification.launch", "campaign", id).detail("items", items)
        .detail("populationDigest", digest).build());
    return campaign.name() + ": " + items + " grants, due " + Campaign.shown(campaign.dueAt());
  }

  /** A reviewer for every item of a launched campaign (package-private for its unit test). */
  void assignReviewers(String id, String launchedBy) {
    // a person's grants: their manager, when the manager has a login
    store.assignToManagers(id);
    // a service account's grants: the account's owner (AC-04); an ownerless account's: a security admin
    for (String account : store.serviceAccountsWithoutReviewer(id)) {
      Optional<String> owner = directory.serviceAccountOwnerLogin(account);
      if (owner.isPresent()) {
        store.assignServiceAccount(id, account, owner.get(), SERVICE_ACCOUNT_OWNER);
      } else {
        directory.securityAdmin().ifPresent(admin -> store.assignServiceAccount(id, account, admin, SECURITY_ADMIN));
      }
    }
    // the rest (privileged, orphans, managers without a login, service accounts nobody else takes): the system's owner
    for (String systemId : store.systemsWithoutReviewer(id)) {
      store.assignToOwner(id, systemId, directory.owner(systemId, null).orElse(launchedBy));
    }
    // nobody reviews their own access: their manager (or another owner) does
    for (OwnItem item : store.ownAccessItems(id)) {
      String self = item.reviewer();
      String other = CertificationRules.replacementReviewer(self, directory.managerLogin(self),
          () -> directory.owner(item.systemId(), self), launchedBy)
          .orElseThrow(() -> new IllegalStateException("no reviewer other than " + self + " for item " + item.id()));
      store.assignNotSelf(item.id(), other);
    }
  }

  /** The reviewers of the campaign, each once: one review task each. */
  List<String> reviewers(String processInstanceId) {
    return store.reviewers(store.idOf(processInstanceId));
  }
}
