package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.itgc.access.AccessRequestProcess.Data;
import org.itgc.access.AccessRequestProcess.Fields;
import org.itgc.access.AccessRequests.Item;
import org.itgc.access.AccessRequests.NewRequest;
import org.itgc.access.AccessRequests.SodCheck;
import org.itgc.access.SodRules.Conflict;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.ProcessStarter;
import org.itgc.platform.Role;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.security.HistoryAccess;
import org.itgc.security.UserAccounts;
import org.springframework.stereotype.Service;

/**
 * The start of an access request (control AC-01) and its preventive SoD check (AC-05): the API starts the process as
 * the requester; {@code Task_RegisterRequest} validates what was asked, for whom, checks {@code sod-conflicts} on the
 * person's current plus requested functions and records the request.
 */
@Service
class AccessRequestSubmission {

  private final AccessRequestStore store;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final SodRules sodRules;
  private final UserAccounts users;
  private final AuditRecorder audit;
  private final ProcessStarter starter;
  private final Clock clock;
  private final AccessIds ids;
  private final HistoryAccess history;

  AccessRequestSubmission(AccessRequestStore store, Identities identities, AccessRegistry registry,
      AccessCatalogue catalogue, SodRules sodRules, UserAccounts users, AuditRecorder audit, ProcessStarter starter,
      Clock clock, AccessIds ids, HistoryAccess history) {
    this.store = store;
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.sodRules = sodRules;
    this.users = users;
    this.audit = audit;
    this.starter = starter;
    this.clock = clock;
    this.ids = ids;
    this.history = history;
  }

  /** Starts a request for the logged-in requester, with the engine's authorization checks applied to them. */
  String submit(NewRequest request, String requester, List<String> groups) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(Fields.BENEFICIARY_ID, request.beneficiaryId());
    variables.put(Fields.ENTITLEMENTS, request.entitlements() == null ? null : String.join(",", request.entitlements()));
    variables.put(Fields.JUSTIFICATION, request.justification());
    variables.put(Fields.EXCEPTION_REQUESTED, Boolean.TRUE.equals(request.exceptionRequested()));
    return (String) starter.startAs(requester, groups, AccessRequestProcess.KEY, variables)
        .get(Data.REQUEST_ID.name());
  }

  /**
   * What the start submitted, as texts (null when empty).
   *
   * @param requester the engine's initiator
   * @param entitlementFields the start form's entitlement fields
   */
  record Registration(String processInstanceId, String requester, String beneficiaryId, String entitlements,
      List<String> entitlementFields, String justification) {}

  /** What the process keeps of a registered request. */
  record Registered(String requestId, String beneficiaryId, boolean sodConflict, String sodConflicts,
      boolean privileged, String summary) {}

  /** Task_RegisterRequest: validates, checks SoD on current plus requested functions, records the request. */
  Registered register(Registration registration) {
    List<FieldError> errors = new ArrayList<>();
    String requester = registration.requester();
    Identity requesterIdentity = null;
    if (requester == null) {
      errors.add(new FieldError(Data.REQUESTER.name(), "an access request needs a logged-in requester"));
    } else {
      requesterIdentity = identities.findByUserName(requester).orElse(null);
      if (requesterIdentity == null) {
        errors.add(new FieldError(Data.REQUESTER.name(), "login '" + requester + "' is not linked to an HR identity"));
      }
    }
    List<AccessCatalogue.SystemEntitlement> requested = requestedEntitlements(registration, errors);
    Identity beneficiary = requesterIdentity;
    String beneficiaryId = registration.beneficiaryId();
    if (beneficiaryId != null) {
      beneficiary = identities.find(beneficiaryId).orElse(null);
      if (beneficiary == null) {
        errors.add(new FieldError(Fields.BENEFICIARY_ID, "'" + beneficiaryId + "' is not a known identity"));
      } else if (requesterIdentity != null && !mayRequestFor(requesterIdentity, beneficiary, requested, requester)) {
        errors.add(new FieldError(Fields.BENEFICIARY_ID, "'" + beneficiaryId
            + "' is not you nor one of your reports: ask their manager to request (a security admin requests "
            + "this engine's roles for anyone)"));
      }
    }
    if (beneficiary != null && !beneficiary.active()) {
      errors.add(new FieldError(Fields.BENEFICIARY_ID, "'" + beneficiary.id() + "' is not active (terminated)"));
    }
    String justification = registration.justification();
    if (justification == null) {
      errors.add(new FieldError(Fields.JUSTIFICATION, "is required: why the person needs this access"));
    }
    if (beneficiary != null) {
      for (AccessCatalogue.SystemEntitlement item : requested) {
        if (!registry.active(beneficiary.id(), item.systemId(), item.entitlement().id()).isEmpty()) {
          errors.add(new FieldError(Fields.ENTITLEMENTS, beneficiary.id() + " already holds " + item.key()));
        } else {
          Optional<String> open = store.openRequestFor(beneficiary.id(), item.systemId(), item.entitlement().id());
          if (open.isPresent()) {
            errors.add(new FieldError(Fields.ENTITLEMENTS, beneficiary.id() + " has asked for " + item.key() + " in "
                + open.get() + ", still open"));
          }
        }
      }
      // this engine's roles go to the login the registry binds to the person, by the connector only: without an
      // enabled login there is nobody to give them to, and the grant would be recorded with no role behind it
      boolean engineRoles = requested.stream().anyMatch(i -> EngineRoleRequests.SYSTEM.equals(i.systemId()));
      if (engineRoles && (beneficiary.userName() == null
          || users.find(beneficiary.userName()).filter(a -> a.enabled()).isEmpty())) {
        errors.add(new FieldError(Fields.BENEFICIARY_ID, beneficiary.id() + " has no enabled login of this engine"
            + (beneficiary.userName() == null ? " (HR names none)" : " ('" + beneficiary.userName() + "')")
            + ": its roles are given to a person's login"));
      }
    }
    InvalidInputException.ifAny(errors);
    SodCheck check = sodCheck(beneficiary.id(), requested);
    String id = ids.next("AR");
    List<Item> items = requested.stream().map(item -> new Item(item.systemId(), item.entitlement().id(),
        item.entitlement().privileged(), item.entitlement().functions())).toList();
    store.insert(new AccessRequestStore.NewRow(id, registration.processInstanceId(), requester,
        requesterIdentity.id(), beneficiary.id(),
        justification, items, check, clock.instant()));
    history.grantReader(registration.processInstanceId(), requester);
    boolean privileged = requested.stream().anyMatch(i -> i.entitlement().privileged());
    audit.record(AuditEvent.of("access.request.submit", "access-request", id).actor(requester, null)
        .detail("beneficiaryId", beneficiary.id())
        .detail("entitlements", requested.stream().map(AccessCatalogue.SystemEntitlement::key).toList())
        .detail("privileged", privileged).detail("sodConflicts", check.uncovered().stream().map(Conflict::ruleId).toList())
        .detail("decisionDefinitionId", check.decisionDefinitionId()).build());
    return new Registered(id, beneficiary.id(), !check.uncovered().isEmpty(), check.describe(), privileged,
        beneficiary.name() + " (" + beneficiary.id() + "): "
            + requested.stream().map(i -> i.key() + (i.entitlement().privileged() ? " [privileged]" : ""))
                .collect(Collectors.joining(", ")) + ". Justification: " + justification);
  }

  private boolean mayRequestFor(Identity requester, Identity beneficiary,
      List<AccessCatalogue.SystemEntitlement> requested, String requesterLogin) {
    boolean engineRolesOnly = AccessRequestRules.engineRolesOnly(
        requested.stream().map(AccessCatalogue.SystemEntitlement::systemId).toList());
    return AccessRequestRules.mayRequestFor(requester.id(), beneficiary.id(), beneficiary.managerId(), engineRolesOnly,
        engineRolesOnly && holds(requesterLogin, Role.SECURITY_ADMIN));
  }

  private boolean holds(String login, Role role) {
    return login != null && users.find(login).filter(a -> a.enabled() && a.roles().contains(role)).isPresent();
  }

  /** The preventive check: conflicts the request would add, and which of them an active exception already covers. */
  SodCheck sodCheck(String identityId, List<AccessCatalogue.SystemEntitlement> requested) {
    List<String> current = registry.currentFunctions(identityId);
    Set<String> after = new LinkedHashSet<>(current);
    requested.forEach(i -> after.addAll(i.entitlement().functions()));
    SodRules.Batch rules = sodRules.batch();
    Set<String> existing = rules.evaluate(current).stream().map(Conflict::ruleId).collect(Collectors.toSet());
    SodRules.Evaluation evaluation = new SodRules.Evaluation(rules.evaluate(after), rules.decisionDefinitionId(),
        rules.decisionVersion());
    Set<String> covered = store.coveredRules(identityId, clock.instant());
    List<Conflict> added = evaluation.conflicts().stream().filter(c -> !existing.contains(c.ruleId())).toList();
    List<Conflict> uncovered = added.stream().filter(c -> !covered.contains(c.ruleId())).toList();
    return new SodCheck(List.copyOf(after), added, uncovered, evaluation.decisionDefinitionId(),
        evaluation.decisionVersion());
  }

  private List<AccessCatalogue.SystemEntitlement> requestedEntitlements(Registration registration,
      List<FieldError> errors) {
    Set<String> keys = AccessRequestRules.requestedKeys(registration.entitlements(), registration.entitlementFields());
    if (keys.isEmpty()) {
      errors.add(new FieldError(Fields.ENTITLEMENTS, "name at least one entitlement as SYSTEM/ENTITLEMENT"));
    }
    List<AccessCatalogue.SystemEntitlement> result = new ArrayList<>();
    for (String key : keys) {
      String[] parts = key.split("/", 2);
      if (parts.length != 2) {
        errors.add(new FieldError(Fields.ENTITLEMENTS, "'" + key + "' is not SYSTEM/ENTITLEMENT"));
      } else if (!catalogue.systemIds().contains(parts[0])) {
        errors.add(new FieldError(Fields.ENTITLEMENTS, "'" + parts[0] + "' is not a system of config/access.yaml"));
      } else {
        catalogue.entitlement(parts[0], parts[1]).ifPresentOrElse(
            e -> {
              if (e.isRequestable()) {
                result.add(new AccessCatalogue.SystemEntitlement(parts[0], e));
              } else if (e.isJit()) {
                errors.add(new FieldError(Fields.ENTITLEMENTS, "'" + key + "' is held just in time only: request "
                    + catalogue.eligibilityFor(parts[0], parts[1]).map(el -> "'" + parts[0] + "/" + el.id() + "'")
                    .orElse("its eligibility") + ", then an elevation (POST /api/access/elevations)"));
              } else {
                errors.add(new FieldError(Fields.ENTITLEMENTS, "'" + key
                    + "' is an API credential: a security admin issues it, nobody requests it"));
              }
            },
            () -> errors.add(new FieldError(Fields.ENTITLEMENTS, "'" + parts[1] + "' is not an entitlement of "
                + parts[0])));
      }
    }
    return result;
  }
}
