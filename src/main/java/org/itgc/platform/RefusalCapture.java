package org.itgc.platform;

import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;

/**
 * Remembers, for the current thread, the refusal (by the application's rules) that ended the last engine command, so
 * that the HTTP layer can answer a refusal inside a task listener as what it is (403 or 400 with its own message)
 * even where the engine's wrapper reaches the client as a 500 (Tasklist's own REST API), and can release a task that
 * a refused user had claimed. Installed first in the engine's command chain.
 */
public class RefusalCapture extends CommandInterceptor {

  private static final ThreadLocal<RuntimeException> LAST = new ThreadLocal<>();

  @Override
  public <T> T execute(Command<T> command) {
    try {
      return next.execute(command);
    } catch (RuntimeException e) {
      RuntimeException refusal = EngineRefusals.refusal(e);
      if (refusal != null) {
        LAST.set(refusal);
      }
      throw e;
    }
  }

  /** Forgets what an earlier command on this thread left. */
  public static void reset() {
    LAST.remove();
  }

  /** The refusal that ended a command on this thread since {@link #reset()}, or null. */
  public static RuntimeException last() {
    return LAST.get();
  }
}
