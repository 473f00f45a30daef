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

  /** Work that may throw up to two checked exceptions (a servlet filter chain, for example). */
  @FunctionalInterface
  public interface Work<T, E1 extends Exception, E2 extends Exception> {
    T get() throws E1, E2;
  }

  public static <T> T call(IdentityService identity, Supplier<T> work) {
    return AsServer.<T, RuntimeException, RuntimeException>callChecked(identity, work::get);
  }

  public static <T, E1 extends Exception, E2 extends Exception> T callChecked(IdentityService identity,
      Work<T, E1, E2> work) throws E1, E2 {
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
