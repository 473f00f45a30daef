package org.itgc.support;

import java.util.HashMap;
import java.util.Map;
import org.itgc.security.Totp;

/**
 * TOTP codes of the demo users for tests. The engine accepts each time step once per user, so a test that logs the same
 * user in twice within 30 seconds takes the next step's code (accepted: one step of drift either side), and waits for
 * a fresh step only when that one is used too.
 */
public final class Codes {

  private static final Map<String, Long> LAST = new HashMap<>();

  private Codes() {}

  /** A code of the demo secret of {@code user} that the engine has not seen yet. */
  public static synchronized String next(String user) {
    return next(user, Totp.demoSecret(user));
  }

  public static synchronized String next(String user, String secret) {
    long now = Totp.step(TestClock.now());
    long last = LAST.getOrDefault(user, Long.MIN_VALUE);
    long step = now > last ? now : now + 1;
    long waitStart = System.nanoTime();
    while (step <= last) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      now = Totp.step(TestClock.now());
      step = now > last ? now : now + 1;
    }
    long waited = (System.nanoTime() - waitStart) / 1_000_000;
    if (waited > 0) {
      // a test that logs one user in three times within a step waits here: visible, so that it can be avoided
      System.out.printf("CODES waited %d ms for a fresh TOTP step of %s%n", waited, user);
    }
    LAST.put(user, step);
    return Totp.code(secret, step);
  }
}
