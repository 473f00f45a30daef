package org.itgc.audit;

import org.itgc.platform.SharedSecrets;
import org.springframework.stereotype.Component;

/**
 * The audit signing key as a secret every node shares (one key signs one chain); moving from the previous key given
 * as {@code itgc.audit.previous-signing-key-file} is a deliberate, signed rotation.
 */
@Component
class AuditKeySecret implements SharedSecrets.Secret {

  private final AuditSealer sealer;

  AuditKeySecret(AuditSealer sealer) {
    this.sealer = sealer;
  }

  @Override
  public String name() {
    return "audit-signing-key";
  }

  @Override
  public String fingerprint() {
    return sealer.key().fingerprint();
  }

  @Override
  public String source() {
    return "itgc.audit.signing-key-file = " + sealer.keyFile().toAbsolutePath();
  }

  @Override
  public boolean rotatesFrom(String recordedFingerprint) {
    return sealer.previousFingerprint().map(recordedFingerprint::equals).orElse(false);
  }
}
