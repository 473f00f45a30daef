package org.itgc.platform.config;

import java.nio.file.Path;
import java.util.List;

/** A file in {@code config/} that cannot be used: names the file, each entry and the problem with it. */
public class ConfigValidationException extends RuntimeException {

  private final Path file;
  private final List<String> problems;

  public ConfigValidationException(Path file, List<String> problems) {
    super("Invalid configuration file " + file + ":\n  - " + String.join("\n  - ", problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public Path file() {
    return file;
  }

  public List<String> problems() {
    return problems;
  }
}
