package org.itgc.access;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.itgc.access.AccessRequestProcess.Elements;
import org.itgc.access.AccessRequestProcess.Fields;
import org.itgc.access.AccessRequests.Approval;
import org.itgc.platform.Role;
import org.itgc.platform.web.InvalidInputException.FieldError;

/**
 * The rules of an access request as plain functions (unit-tested in AccessRequestRulesTest): what was asked for, who
 * may ask for whom, who may decide at which step, what a decision and an SoD exception's terms must say, who may
 * fulfil. The services read the facts (from the request's tables, the registry, the logins) and apply these.
 */
final class AccessRequestRules {

  static final String APPROVE = "approve";
  static final String REJECT = "reject";

  private AccessRequestRules() {}

  // ---------------------------------------------------------------- what is asked, for whom

  /**
   * The SYSTEM/ENTITLEMENT keys asked for, each once in the order given: the API's comma-separated list, then the start
   * form's fields (null when empty).
   */
  static Set<String> requestedKeys(String listed, List<String> fields) {
    Set<String> keys = new LinkedHashSet<>();
    if (listed != null) {
      for (String key : listed.split(",")) {
        if (!key.isBlank()) {
          keys.add(key.strip());
        }
      }
    }
    for (String key : fields) {
      if (key != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Whether every system of a request is this engine's own roles (and there is at least one). */
  static boolean engineRolesOnly(Collection<String> systemIds) {
    return !systemIds.isEmpty() && systemIds.stream().allMatch(EngineRoleRequests.SYSTEM::equals);
  }

  /**
   * Who may ask for a person's access: the person themselves, their manager, and (for this engine's own roles only) a
   * security admin, for anyone.
   */
  static boolean mayRequestFor(String requesterId, String beneficiaryId, String beneficiaryManagerId,
      boolean engineRolesOnly, boolean requesterIsSecurityAdmin) {
    return beneficiaryId.equals(requesterId) || requesterId.equals(beneficiaryManagerId)
        || (engineRolesOnly && requesterIsSecurityAdmin);
  }

  // ---------------------------------------------------------------- who decides

  /**
   * The roles that stand in for a missing line manager and approve privileged access: security admins; for a request
   * of this engine's own roles only, governance leads too (a security admin asks for most of those, and nobody
   * approves their own request).
   */
  static List<Role> standIns(boolean engineRolesOnly) {
    return engineRolesOnly ? List.of(Role.SECURITY_ADMIN, Role.GOVERNANCE_LEAD) : List.of(Role.SECURITY_ADMIN);
  }

  /** The step an approval task records ({@code system-owner:ERP-GL} for the owner of one system). */
  static String step(String taskKey, String systemId) {
    return switch (taskKey) {
      case Elements.LINE_MANAGER_APPROVAL -> "line-manager";
      case Elements.SYSTEM_OWNER_APPROVAL -> "system-owner:" + systemId;
      case Elements.SECURITY_ADMIN_APPROVAL -> "security-admin";
      case Elements.SECURITY_EXCEPTION_APPROVAL -> "exception-security";
      case Elements.FINANCE_EXCEPTION_APPROVAL -> "exception-finance";
      default -> throw new IllegalStateException("not an approval: " + taskKey);
    };
  }

  /**
   * What the server knows when someone decides at one step, all of it from the request's tables and the registry.
   *
   * @param lineManager the login approving as line manager (null when HR names nobody with a login); read for the
   *     line manager's step only
   * @param systemId the system of an owner's task (the engine's own loop variable)
   * @param systemOwners the owners' logins of that system; null when the inventory does not know it
   * @param requesterIdentityId the person who asked, as the registry named them when the request was made
   */
  record DecisionFacts(String requestId, String taskKey, String requester, String requesterIdentityId,
      String beneficiaryId, String beneficiaryName, String beneficiaryLogin, String lineManager, boolean engineRolesOnly,
      String systemId, Set<String> systemOwners, List<Approval> approvals) {

    String step() {
      return AccessRequestRules.step(taskKey, systemId);
    }
  }

  /**
   * Why {@code actor} (holding {@code actorRoles}, enabled logins only) may not decide, or empty when they may: nobody
   * approves their own request or access for themselves; the line manager's step is the line manager's (a stand-in's
   * when HR names none); an owner's step is the system's owners' (anyone's when the system names none); an SoD
   * exception needs two different approvers; privileged access is a stand-in's; and a security admin (or a governance
   * lead standing in) gives one approval of a request.
   *
   * @throws NoSuchElementException at an owner's step of a system the inventory does not know
   */
  static Optional<String> refusal(DecisionFacts facts, String actor, String actorIdentityId, Set<Role> actorRoles) {
    String requestId = facts.requestId();
    if (actor.equals(facts.requester()) || (actorIdentityId != null
        && actorIdentityId.equals(facts.requesterIdentityId()))) {
      return Optional.of("nobody approves their own request: " + actor + " requested " + requestId);
    }
    if (actor.equals(facts.beneficiaryLogin()) || facts.beneficiaryId().equals(actorIdentityId)) {
      return Optional.of("nobody approves access for themselves: " + requestId + " is for " + actor);
    }
    if (actorIdentityId == null) {
      // approvers are people: a login that the registry binds to nobody (a second login, a set-up account) could be
      // anyone's, the requester's or the beneficiary's included
      return Optional.of("approvers are people of the access registry: login " + actor + " is bound to no identity "
          + "(HR import or SCIM userName)");
    }
    boolean standIn = standIns(facts.engineRolesOnly()).stream().anyMatch(actorRoles::contains);
    switch (facts.taskKey()) {
      case Elements.LINE_MANAGER_APPROVAL -> {
        String manager = facts.lineManager();
        if (manager != null && !manager.equals(actor)) {
          return Optional.of("only " + facts.beneficiaryName() + "'s line manager (" + manager
              + ") approves as line manager");
        }
        if (manager == null && !standIn) {
          return Optional.of("HR names no line manager for " + facts.beneficiaryName() + " ("
              + facts.beneficiaryId() + "): a security admin approves in the manager's place until HR names one");
        }
      }
      case Elements.SYSTEM_OWNER_APPROVAL -> {
        Set<String> owners = facts.systemOwners();
        if (owners == null) {
          throw new NoSuchElementException("system " + facts.systemId() + " is not in the inventory");
        }
        if (!owners.isEmpty() && !owners.contains(actor)) {
          return Optional.of("only an owner of " + facts.systemId() + " (" + String.join(", ", owners)
              + ") approves access to it");
        }
      }
      case Elements.FINANCE_EXCEPTION_APPROVAL -> {
        if (facts.approvals().stream().anyMatch(a -> "exception-security".equals(a.step())
            && actor.equals(a.approver()))) {
          return Optional.of("an SoD exception needs two different approvers: " + actor
              + " already approved it as security admin");
        }
      }
      case Elements.SECURITY_ADMIN_APPROVAL -> {
        if (!standIn) {
          return Optional.of("privileged access is approved by a security admin"
              + (facts.engineRolesOnly() ? " or a governance lead" : ""));
        }
      }
      default -> { }
    }
    // one person gives one approval of a request (the line manager's, an owner's, a stand-in's, the privileged one, an
    // exception's); only an owner of several of its systems approves for each of them
    String step = facts.step();
    boolean ownerStep = Elements.SYSTEM_OWNER_APPROVAL.equals(facts.taskKey());
    return facts.approvals().stream().filter(a -> actor.equals(a.approver()) && !step.equals(a.step())
            && !(ownerStep && a.step().startsWith("system-owner:"))).findFirst()
        .map(a -> actor + " already gave the " + a.step() + " approval of " + requestId
            + "; one person gives one approval of a request");
  }

  /** Nobody provisions access they requested or receive. */
  static Optional<String> fulfilmentRefusal(String actor, String requester, String beneficiaryLogin) {
    return actor.equals(beneficiaryLogin) || actor.equals(requester)
        ? Optional.of("nobody provisions access they requested or receive: " + actor) : Optional.empty();
  }

  // ---------------------------------------------------------------- what a decision says

  /** A decision is approve or reject; a rejection says why. */
  static void checkDecision(String decision, String comment, List<FieldError> errors) {
    if (decision == null) {
      errors.add(new FieldError(Fields.DECISION, "is required"));
    } else if (!List.of(APPROVE, REJECT).contains(decision)) {
      errors.add(new FieldError(Fields.DECISION, "'" + decision + "' must be approve or reject"));
    }
    if (REJECT.equals(decision) && comment == null) {
      errors.add(new FieldError(Fields.COMMENT, "is required when rejecting: say why"));
    }
  }

  /** What the server accepted of an SoD exception's terms; a part is null when it was not accepted. */
  record ExceptionTerms(String mitigatingControl, LocalDate expiresOn) {}

  /**
   * An SoD exception names its mitigating control (in words, at least 10 characters) and expires after today and at
   * most {@code maxDays} from today; {@code expires} is a date, or a date-time whose date counts.
   */
  static ExceptionTerms exceptionTerms(String control, String expires, LocalDate today, int maxDays,
      List<FieldError> errors) {
    if (control == null) {
      errors.add(new FieldError(Fields.MITIGATING_CONTROL, "is required"));
    }
    if (expires == null) {
      errors.add(new FieldError(Fields.EXCEPTION_EXPIRES, "is required"));
    }
    String acceptedControl = null;
    if (control != null && control.length() < 10) {
      errors.add(new FieldError(Fields.MITIGATING_CONTROL, "must say what control mitigates the conflict"));
    } else if (control != null) {
      acceptedControl = control;
    }
    LocalDate acceptedDate = null;
    if (expires != null) {
      try {
        LocalDate date = LocalDate.parse(expires.length() > 10 ? expires.substring(0, 10) : expires);
        if (!date.isAfter(today)) {
          errors.add(new FieldError(Fields.EXCEPTION_EXPIRES, "must be after today"));
        } else if (date.isAfter(today.plusDays(maxDays))) {
          errors.add(new FieldError(Fields.EXCEPTION_EXPIRES, "must be at most " + maxDays
              + " days from today (config/access.yaml exceptionMaxDays)"));
        } else {
          acceptedDate = date;
        }
      } catch (DateTimeParseException e) {
        errors.add(new FieldError(Fields.EXCEPTION_EXPIRES, "'" + expires + "' is not a date such as 2027-06-30"));
      }
    }
    return new ExceptionTerms(acceptedControl, acceptedDate);
  }

  /** A person's fulfilment says how and where the access was granted. */
  static void checkFulfilment(String method, String reference, List<FieldError> errors) {
    if (method == null) {
      errors.add(new FieldError(Fields.FULFILMENT_METHOD, "is required"));
    }
    if (reference == null) {
      errors.add(new FieldError(Fields.FULFILMENT_REFERENCE, "is required"));
    }
  }
}
