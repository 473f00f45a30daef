package org.itgc.platform;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;

/**
 * The engine wraps what a listener or delegate throws (ENGINE-03051 and the like). A refusal by the application's
 * rules is an {@link AuthorizationException} or a {@link BadUserRequestException}; this finds it in the chain.
 */
public final class EngineRefusals {

  private EngineRefusals() {}

  /** The first refusal in the cause chain, or null when the error is not a refusal. */
  public static RuntimeException refusal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AuthorizationException || t instanceof BadUserRequestException) {
        return (RuntimeException) t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
