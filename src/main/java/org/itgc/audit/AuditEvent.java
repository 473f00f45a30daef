package org.itgc.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What happened, to what, and with which outcome. The recorder adds the time, and the actor, the actor's roles and
 * the client address from the current request when the caller does not give them.
 *
 * @param actor who did it; null means "the current user" (or {@code system} when there is none)
 * @param details free-form facts (values submitted, reason of a refusal); stored as JSON
 */
public record AuditEvent(String actor, List<String> actorRoles, String clientAddress, String action, String objectType,
    String objectId, Outcome outcome, Map<String, Object> details) {

  public static final String SYSTEM_ACTOR = "system";

  public AuditEvent {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(objectType, "objectType");
    Objects.requireNonNull(outcome, "outcome");
    details = details == null ? Map.of() : Map.copyOf(details);
    actorRoles = actorRoles == null ? null : List.copyOf(actorRoles);
  }

  /** Success, a refusal by a rule or permission, or a failure (an error while doing it). */
  public enum Outcome { SUCCESS, DENIED, FAILURE }

  /** An event by whoever is logged in now. */
  public static Builder of(String action, String objectType, String objectId) {
    return new Builder(action, objectType, objectId);
  }

  /** An event by the engine itself (start-up, timers, scheduled work). */
  public static Builder system(String action, String objectType, String objectId) {
    return new Builder(action, objectType, objectId).actor(SYSTEM_ACTOR, List.of());
  }

  /** Builds an event; details keep their insertion order. */
  public static final class Builder {
    private final String action;
    private final String objectType;
    private final String objectId;
    private String actor;
    private List<String> actorRoles;
    private String clientAddress;
    private Outcome outcome = Outcome.SUCCESS;
    private final Map<String, Object> details = new LinkedHashMap<>();

    private Builder(String action, String objectType, String objectId) {
      this.action = action;
      this.objectType = objectType;
      this.objectId = objectId;
    }

    public Builder actor(String actor, List<String> roles) {
      this.actor = actor;
      this.actorRoles = roles;
      return this;
    }

    public Builder clientAddress(String clientAddress) {
      this.clientAddress = clientAddress;
      return this;
    }

    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder denied(String reason) {
      this.outcome = Outcome.DENIED;
      this.details.put("reason", reason);
      return this;
    }

    public Builder detail(String key, Object value) {
      if (value != null) {
        this.details.put(key, value);
      }
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(actor, actorRoles, clientAddress, action, objectType, objectId, outcome,
          new LinkedHashMap<>(details));
    }
  }
}
