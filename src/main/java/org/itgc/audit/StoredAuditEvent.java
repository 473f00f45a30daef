package org.itgc.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An audit event as stored, with its sequence number and time. */
public record StoredAuditEvent(long sequence, Instant occurredAt, String actor, List<String> actorRoles,
    String clientAddress, String action, String objectType, String objectId, AuditEvent.Outcome outcome,
    Map<String, Object> details) {}
