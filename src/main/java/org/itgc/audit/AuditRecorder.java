package org.itgc.audit;

/**
 * The one way into the audit trail. Every capability records through it; the event is written in the caller's
 * transaction, so it is stored exactly when the change it describes is.
 */
public interface AuditRecorder {

  /** Records the event and returns its sequence number. */
  long record(AuditEvent event);

  /**
   * Records the event in a transaction of its own, for attempts that are refused or fail and whose own transaction
   * rolls back: the refusal must stay on record.
   */
  long recordIndependently(AuditEvent event);

  /**
   * Records the events in the caller's transaction, in their order, as {@link #record} would one by one; for work that
   * stores many records at once (an HR file), so that the trail costs one round trip per batch, not one per event.
   */
  default void recordAll(java.util.List<AuditEvent> events) {
    events.forEach(this::record);
  }
}
