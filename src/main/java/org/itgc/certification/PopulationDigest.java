package org.itgc.certification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The SHA-256 of a campaign's frozen population, recomputable by anyone from the exported items: the items sorted by
 * grant id, one line each, {@code grantId|identityId|systemId|entitlementId|privileged|grantedAt} with grantedAt in
 * ISO-8601 UTC (as {@link Instant#toString()} writes it) and a line feed after every line, encoded in UTF-8.
 */
public final class PopulationDigest {

  private final MessageDigest sha;

  public PopulationDigest() {
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String line(long grantId, String identityId, String systemId, String entitlementId, boolean privileged,
      Instant grantedAt) {
    return grantId + "|" + identityId + "|" + systemId + "|" + entitlementId + "|" + privileged + "|" + grantedAt + "\n";
  }

  /** Adds the next item; items must come in ascending grant id. */
  public PopulationDigest add(long grantId, String identityId, String systemId, String entitlementId, boolean privileged,
      Instant grantedAt) {
    sha.update(line(grantId, identityId, systemId, entitlementId, privileged, grantedAt).getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public String hex() {
    return HexFormat.of().formatHex(sha.digest());
  }
}
