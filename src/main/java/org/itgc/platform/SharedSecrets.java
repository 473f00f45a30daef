package org.itgc.platform;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Secrets every node of a deployment must share (the MFA key that encrypts enrolled second factors, the audit
 * signing key): the first node records each one's fingerprint in the database, and a node whose key differs refuses to
 * start, before it serves anything, with a message naming the setting to fix. Without this, a user enrolled on one
 * node could not log in on another, and checkpoints would be split over two keys.
 */
@Component
public class SharedSecrets implements SmartInitializingSingleton {

  /** A secret that must be the same on every node. */
  public interface Secret {
    /** A stable name, such as {@code mfa-key}. */
    String name();

    /** A fingerprint from which the secret cannot be derived. */
    String fingerprint();

    /** Where the key comes from, for the message: the setting and the file. */
    String source();

    /** Whether moving from the recorded fingerprint to this one is a deliberate rotation (for example a signed one). */
    default boolean rotatesFrom(String recordedFingerprint) {
      return false;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(SharedSecrets.class);

  private final JdbcTemplate jdbc;
  private final List<Secret> secrets;
  private final Clock clock;

  SharedSecrets(JdbcTemplate jdbc, List<Secret> secrets, Clock clock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.clock = clock;
  }

  @Override
  public void afterSingletonsInstantiated() {
    String node = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
    for (Secret secret : secrets) {
      jdbc.update("insert into shared_secret (name, fingerprint, recorded_at, recorded_by) values (?, ?, ?, ?) "
          + "on conflict (name) do nothing", secret.name(), secret.fingerprint(), Timestamp.from(clock.instant()), node);
      String recorded = jdbc.queryForObject("select fingerprint from shared_secret where name = ?", String.class,
          secret.name());
      if (recorded.equals(secret.fingerprint())) {
        continue;
      }
      if (secret.rotatesFrom(recorded)) {
        jdbc.update("update shared_secret set fingerprint = ?, recorded_at = ?, recorded_by = ? where name = ? "
            + "and fingerprint = ?", secret.fingerprint(), Timestamp.from(clock.instant()), node, secret.name(), recorded);
        log.warn("The {} rotates from {} to {}", secret.name(), recorded, secret.fingerprint());
        continue;
      }
      throw new IllegalStateException("This node's " + secret.name() + " (" + secret.source() + ", fingerprint "
          + secret.fingerprint() + ") differs from the one the database knows (fingerprint " + recorded
          + "): every node must read the same key. Give this node the other nodes' key file and start again.");
    }
  }
}
