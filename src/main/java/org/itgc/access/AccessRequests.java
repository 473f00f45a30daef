package org.itgc.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.itgc.platform.web.ColumnTimestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.itgc.access.SodRules.Conflict;
import org.springframework.stereotype.Service;

/**
 * Access requests as the rest of the engine sees them (control AC-01, preventive SoD check AC-05): start one, read
 * one, check what one would conflict with. The process's steps are done by one class per phase, called by
 * {@link AccessProcessGlue} with plain values: {@link AccessRequestSubmission} (the start, the registration and the
 * preventive check), {@link AccessRequestRouting} (who approves), {@link AccessRequestDecisions} (the approvals, who
 * may give them, the SoD exception and its expiry) and {@link AccessRequestFulfilment} (the connector or a person,
 * rejection, closing, the outcome's mail); their SQL is in {@link AccessRequestStore}, their pure rules in
 * {@link AccessRequestRules}.
 */
@Service
public class AccessRequests {

  private final AccessRequestSubmission submission;
  private final AccessRequestStore store;

  AccessRequests(AccessRequestSubmission submission, AccessRequestStore store) {
    this.submission = submission;
    this.store = store;
  }

  /** What the API accepts. */
  public record NewRequest(String beneficiaryId, List<String> entitlements,
      @org.itgc.platform.web.FitsColumn(value = "access_request.justification", max = 4000) String justification,
      Boolean exceptionRequested) {}

  /** A stored request with its approvals (the JSON of {@code GET /api/access/requests/{id}}). */
  public record StoredRequest(String id, String processInstanceId, String requester, String beneficiaryId,
      String justification, List<Item> items, SodCheck sodCheck, String status, Instant createdAt, Instant closedAt,
      List<Approval> approvals) {

    /** The distinct systems of the request, in the order requested. */
    List<String> systemIds() {
      return items.stream().map(Item::systemId).distinct().toList();
    }
  }

  /** One entitlement of a request, as registered (an element of the JSON column {@code access_request.items}). */
  public record Item(String systemId, String entitlementId, boolean privileged, List<String> functions) {

    /** SYSTEM/ENTITLEMENT. */
    String key() {
      return systemId + "/" + entitlementId;
    }
  }

  /**
   * One decision on a request (a row of {@code access_approval}). The JSON keeps the column's name and the format the
   * response always had (the database's timestamp written by Jackson: milliseconds, offset +00:00).
   */
  public record Approval(String step, String approver, String decision, String comment,
      @JsonProperty("decided_at")
      @ColumnTimestamp
      Instant decidedAt) {}

  /**
   * The outcome of a preventive check, stored with the request as the explanation of what decided (the JSON column
   * {@code access_request.conflicts}): the functions the person would hold, the conflicts the request would add, those
   * of them no active exception covers, and the version of {@code sod-conflicts} that decided.
   */
  public record SodCheck(List<String> functions, List<Conflict> conflicts, List<Conflict> uncovered,
      String decisionDefinitionId, int decisionVersion) {

    /** The check as the API's planning call answers it. */
    Map<String, Object> asMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("functions", functions);
      map.put("conflicts", conflicts);
      map.put("uncovered", uncovered);
      map.put("decisionDefinitionId", decisionDefinitionId);
      map.put("decisionVersion", decisionVersion);
      return map;
    }

    /** Text for the forms and the rejection mail. */
    String describe() {
      if (conflicts.isEmpty()) {
        return "No SoD conflict (sod-conflicts version " + decisionVersion + ").";
      }
      return conflicts.stream().map(c -> c.ruleId() + " (" + c.risk() + "): " + c.description()
          + (uncovered.contains(c) ? "" : " [covered by an active exception]")).collect(Collectors.joining("; "))
          + " (sod-conflicts version " + decisionVersion + ")";
    }
  }

  /** Starts a request for the logged-in requester, with the engine's authorization checks applied to them. */
  public String submit(NewRequest request, String requester, List<String> groups) {
    return submission.submit(request, requester, groups);
  }

  /** The roles that read every access request; a requester reads their own. */
  public static final List<String> READERS = List.of("security-admin", "auditor", "governance-lead", "system-owner",
      "line-manager", "engine-admin", "finance-approver");

  /** A request as {@code user} may read it: a reader role, or the person who asked. */
  public StoredRequest readBy(String id, String user, java.util.Collection<String> authorities) {
    var request = find(id).orElseThrow(() -> new org.itgc.platform.web.NotFoundException("access request", id));
    if (authorities.stream().noneMatch(READERS::contains) && !user.equals(request.requester())) {
      throw new org.springframework.security.access.AccessDeniedException(
          "only the requester and the access roles read request " + id);
    }
    return request;
  }

  public Optional<StoredRequest> find(String id) {
    return store.find(id);
  }

  /** The requests {@code requester} made, newest first: one page (without approvals) and how many in all. */
  public org.itgc.platform.web.Slice<StoredRequest> requestedBy(String requester, int offset, int limit) {
    return new org.itgc.platform.web.Slice<>(store.requestedBy(requester, offset, limit), offset, limit,
        store.countRequestedBy(requester));
  }

  /** The preventive check: conflicts the request would add, and which of them an active exception already covers. */
  SodCheck sodCheck(String identityId, List<AccessCatalogue.SystemEntitlement> requested) {
    return submission.sodCheck(identityId, requested);
  }
}
