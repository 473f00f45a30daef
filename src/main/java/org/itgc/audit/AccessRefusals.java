package org.itgc.audit;

import org.itgc.platform.web.AccessRefused;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Records every API request refused for the caller's roles, in a transaction of its own (the request's rolls back). */
@Component
class AccessRefusals {

  private final AuditRecorder audit;

  AccessRefusals(AuditRecorder audit) {
    this.audit = audit;
  }

  @EventListener
  void on(AccessRefused refused) {
    audit.recordIndependently(AuditEvent.of("access.denied", "endpoint", refused.path()).denied(refused.reason()).build());
  }
}
