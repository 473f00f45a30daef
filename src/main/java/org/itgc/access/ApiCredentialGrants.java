package org.itgc.access;

import java.time.Clock;
import java.util.Map;
import org.itgc.security.ApiCredentials;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * API credentials in the access registry: issuing one makes a service identity {@code API-<id>} (owned by the issuer)
 * holding one privileged entitlement of ITGC-ENGINE per scope ({@code api-<scope>}), so that quarterly reviews include
 * it like any service account; revoking it ends those grants and the identity. A review's revoke reaches the
 * credential through the engine's connector.
 */
@Component
class ApiCredentialGrants {

  static final String SYSTEM = "ITGC-ENGINE";
  static final String PREFIX = "API-";
  static final String SOURCE = "api-credential";

  private final Identities identities;
  private final AccessRegistry registry;
  private final Clock clock;

  ApiCredentialGrants(Identities identities, AccessRegistry registry, Clock clock) {
    this.identities = identities;
    this.registry = registry;
    this.clock = clock;
  }

  @EventListener
  void on(ApiCredentials.Event event) {
    String identityId = PREFIX + event.id();
    if (event.issued()) {
      String owner = identities.findByUserName(event.by()).map(Identity::id).orElse(null);
      identities.ensureService(identityId, "API credential: " + event.name(), owner, SOURCE, event.by());
      for (String scope : event.scopes()) {
        registry.grant(identityId, SYSTEM, "api-" + scope, clock.instant(), event.by(), "issued", null,
            Map.of("credentialId", event.id(), "note", "API credential issued by a security admin"));
      }
    } else {
      registry.current(identityId).forEach(g -> registry.end(g.id(), clock.instant(), event.by(), "credential-revoked", null));
      identities.endService(identityId, SOURCE, event.by());
    }
  }
}
