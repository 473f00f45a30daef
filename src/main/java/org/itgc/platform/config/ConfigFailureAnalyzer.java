package org.itgc.platform.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid {@code config/} file into a start-up message without a stack trace to dig through. */
public class ConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigValidationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigValidationException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Correct " + cause.file() + " and start again. Nothing of it was loaded.", cause);
  }
}
