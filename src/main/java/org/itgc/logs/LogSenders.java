package org.itgc.logs;

import java.util.Optional;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.security.ApiCredentials;
import org.springframework.stereotype.Component;

/**
 * Authenticates the systems that send logs: an API credential of scope {@code logs}, bound to one system of
 * {@code config/systems.yaml}. Every refusal is audited ({@code logs.sender.refused}) in its own transaction.
 */
@Component
class LogSenders {

  static final String REFUSED = "logs.sender.refused";

  private final ApiCredentials credentials;
  private final AuditRecorder audit;

  LogSenders(ApiCredentials credentials, AuditRecorder audit) {
    this.credentials = credentials;
    this.audit = audit;
  }

  /** The sender of a token, if it is a valid credential of scope logs. */
  Optional<ApiCredentials.LogSender> authenticate(String token) {
    return token == null || token.isBlank() ? Optional.empty() : credentials.authenticateLogSender(token.strip());
  }

  /** Why a token that did not authenticate a sender was refused, in words. */
  String whyRefused(String token) {
    if (token == null || token.isBlank()) {
      return "no token";
    }
    return credentials.isValidCredential(token.strip())
        ? "a credential without scope logs" : "an unknown, revoked or expired credential";
  }

  /** Records a refused attempt to send logs. */
  void refused(String protocol, String actor, String clientAddress, String reason, String claimedSystem) {
    audit.recordIndependently(AuditEvent.of(REFUSED, "log-endpoint", protocol)
        .actor(actor == null ? "anonymous" : actor, null).clientAddress(clientAddress)
        .denied(reason).detail("claimedSystem", claimedSystem).build());
  }
}
