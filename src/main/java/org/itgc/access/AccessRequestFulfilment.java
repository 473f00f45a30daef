package org.itgc.access;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.itgc.access.AccessRequests.Item;
import org.itgc.access.AccessRequests.StoredRequest;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.notify.Notifier;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.security.UserAccounts;
import org.springframework.stereotype.Service;

/**
 * The end of an access request: provisioning by each system's connector or by a person who records how and where,
 * each grant in the registry with the request as its provenance; rejection (by an approver, or before any approval for
 * an SoD conflict); the request closed and the requester and beneficiary told.
 */
@Service
class AccessRequestFulfilment {

  private final AccessRequestStore store;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final Provisioning provisioning;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final Clock clock;

  AccessRequestFulfilment(AccessRequestStore store, Identities identities, AccessRegistry registry,
      AccessCatalogue catalogue, Provisioning provisioning, UserAccounts users, Notifier notifier, AuditRecorder audit,
      Clock clock) {
    this.store = store;
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.provisioning = provisioning;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.clock = clock;
  }

  /** Whether every system of the request has a connector; otherwise a person fulfils the whole request. */
  boolean provisionedByConnector(String processInstanceId) {
    return store.items(store.requestOfInstance(processInstanceId)).stream()
        .allMatch(i -> catalogue.connectorOf(i.systemId()).isPresent());
  }

  /**
   * Task_ProvisionByConnector: grants through each system's connector; on the last failed attempt, a person takes
   * over ({@link Provisioning#attempt}).
   */
  void provisionByConnector(String processInstanceId, String activityId) {
    String requestId = store.requestOfInstance(processInstanceId);
    StoredRequest request = store.find(requestId).orElseThrow();
    Identity beneficiary = identities.find(request.beneficiaryId()).orElseThrow();
    provisioning.attempt(processInstanceId, activityId, "access-request:" + requestId, () -> {
      for (Item item : request.items()) {
        if (!registry.active(beneficiary.id(), item.systemId(), item.entitlementId()).isEmpty()) {
          continue;
        }
        ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(item.systemId()).orElseThrow());
        if (catalogue.registryOnly(item.systemId(), item.entitlementId())) {
          // an eligibility for a just-in-time entitlement: the right to ask for elevations, nothing on the target
          grant(request, item, "connector:" + connector.id(), "registry-only",
              "eligibility recorded in the registry; nothing granted on the target");
          continue;
        }
        String reference = connector.grant(beneficiary, item.systemId(), item.entitlementId());
        grant(request, item, "connector:" + connector.id(), "connector", reference);
      }
    });
    close(requestId, "granted");
    notifyOutcome(request, "granted", "Provisioned by connector.");
  }

  /** What a security admin records of a fulfilment done by hand (the form's fields null when empty). */
  record Fulfilment(String processInstanceId, String taskKey, String taskId, String actor, String method,
      String reference) {}

  /** Task_FulfilRequest: a security admin records how and where the access was granted. */
  void fulfil(Fulfilment fulfilment) {
    String requestId = store.requestOfInstance(fulfilment.processInstanceId());
    String actor = fulfilment.actor();
    StoredRequest request = store.find(requestId).orElseThrow();
    Identity beneficiary = identities.find(request.beneficiaryId()).orElseThrow();
    Optional<String> refusal = AccessRequestRules.fulfilmentRefusal(actor, request.requester(), beneficiary.userName());
    if (refusal.isPresent()) {
      throw AccessRequestDecisions.refuse(audit, requestId, fulfilment.taskKey(), fulfilment.taskId(), actor,
          refusal.get());
    }
    List<FieldError> errors = new ArrayList<>();
    AccessRequestRules.checkFulfilment(fulfilment.method(), fulfilment.reference(), errors);
    InvalidInputException.ifAny(errors);
    for (Item item : request.items()) {
      if (registry.active(beneficiary.id(), item.systemId(), item.entitlementId()).isEmpty()) {
        String reference = fulfilment.reference();
        if (EngineRoleRequests.SYSTEM.equals(item.systemId())) {
          // this engine's roles exist only as its logins' memberships: recording one by hand would be a grant with no
          // role behind it, so the person's completion runs the engine's roles connector once more (it fails loudly)
          ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(item.systemId()).orElseThrow());
          try {
            reference = reference + "; " + connector.grant(beneficiary, item.systemId(), item.entitlementId());
          } catch (RuntimeException e) {
            throw InvalidInputException.of(AccessRequestProcess.Fields.FULFILMENT_METHOD, "this engine's roles are given by its connector "
                + "only, and it could not give " + item.systemId() + "/" + item.entitlementId() + ": "
                + e.getMessage() + "; correct that, then complete again");
          }
        }
        grant(request, item, actor, fulfilment.method(), reference);
      }
    }
    close(requestId, "granted");
    notifyOutcome(request, "granted", "Fulfilled by " + actor + " (" + fulfilment.method() + ", "
        + fulfilment.reference() + ").");
  }

  private void grant(StoredRequest request, Item item, String grantedBy, String method, String reference) {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("requestId", request.id());
    provenance.put("requester", request.requester());
    provenance.put("justification", request.justification());
    // each approval as the provenance always wrote it (the database timestamp's text)
    provenance.put("approvals", request.approvals().stream().map(a -> a.step() + ": " + a.decision() + " by "
        + a.approver() + " at " + (a.decidedAt() == null ? null : Timestamp.from(a.decidedAt()))).toList());
    provenance.put("sodCheck", request.sodCheck().conflicts());
    provenance.put("decisionDefinitionId", request.sodCheck().decisionDefinitionId());
    provenance.put("fulfilment", method);
    provenance.put("reference", reference);
    registry.grant(request.beneficiaryId(), item.systemId(), item.entitlementId(), clock.instant(), grantedBy,
        "request", request.id(), provenance);
  }

  /** Task_RecordRejection: an approver rejected. */
  void reject(String processInstanceId) {
    String requestId = store.requestOfInstance(processInstanceId);
    close(requestId, "rejected");
    StoredRequest request = store.find(requestId).orElseThrow();
    String reason = request.approvals().stream().filter(a -> "rejected".equals(a.decision()))
        .map(a -> "Rejected at " + a.step() + " by " + a.approver() + ": " + a.comment())
        .collect(Collectors.joining(" "));
    notifyOutcome(request, "rejected", reason);
  }

  /**
   * Task_RejectForConflict: the request would create an SoD conflict and no exception was asked for.
   *
   * @param conflicts the registration's text of the conflicts found
   */
  void rejectForConflict(String processInstanceId, String conflicts) {
    String requestId = store.requestOfInstance(processInstanceId);
    close(requestId, "rejected-sod");
    StoredRequest request = store.find(requestId).orElseThrow();
    audit.record(AuditEvent.system("access.request.sod-reject", "access-request", requestId)
        .outcome(AuditEvent.Outcome.DENIED).detail("conflicts", conflicts).build());
    notifyOutcome(request, "rejected before any approval", "It would create a segregation-of-duties conflict: "
        + conflicts + ". Request again with an SoD exception if the business needs it.");
  }

  private void close(String requestId, String status) {
    store.close(requestId, status, clock.instant());
  }

  private void notifyOutcome(StoredRequest request, String outcome, String reason) {
    Set<String> to = new LinkedHashSet<>();
    users.email(request.requester()).ifPresent(to::add);
    identities.find(request.beneficiaryId()).map(Identity::email).ifPresent(to::add);
    to.removeIf(r -> r == null || r.isBlank());
    if (to.isEmpty()) {
      return;
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("recipientName", request.requester());
    variables.put("requestId", request.id());
    variables.put("beneficiary", request.beneficiaryId());
    variables.put("entitlements", request.items().stream().map(Item::key).collect(Collectors.joining(", ")));
    variables.put("outcome", outcome);
    variables.put("reason", reason == null ? "" : reason);
    notifier.send("access-request-outcome", to, variables);
  }
}
