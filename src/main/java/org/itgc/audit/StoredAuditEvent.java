package org.itgc.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An audit event as stored, with its id ({@code sequence}) and time, and its link in the hash chain once sealed
 * ({@code chainSeq}, {@code hash}, {@code prevHash}; null for the second or so before the sealer reaches it), so that
 * an auditor can match what the API returns with the chain, the checkpoints and a pack.
 */
public record StoredAuditEvent(long sequence, Instant occurredAt, String actor, List<String> actorRoles,
    String clientAddress, String action, String objectType, String objectId, AuditEvent.Outcome outcome,
    Map<String, Object> details, Long chainSeq, String hash, String prevHash) {}
