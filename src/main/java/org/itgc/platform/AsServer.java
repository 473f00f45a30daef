package org.itgc.platform;

import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;

/**
 * Runs engine work as the server: without the current user's engine login (so without their authorization checks),
 * then gives the login back. For steps the server takes on its own authority (reading a form, deploying an approved
 * model, releasing a task, starting a process it raises); whoever the work is for is named in what it writes.
 */
public final class AsServer {

  private AsServer() {}

  public static <T> T call(IdentityService identity, Supplier<T> work) {
    var caller = identity.getCurrentAuthentication();
    identity.clearAuthentication();
    try {
      return work.get();
    } finally {
      if (caller != null) {
        identity.setAuthentication(caller);
      }
    }
  }

  public static void run(IdentityService identity, Runnable work) {
    call(identity, () -> {
      work.run();
      return null;
    });
  }
}
