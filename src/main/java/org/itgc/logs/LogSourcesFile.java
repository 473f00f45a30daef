package org.itgc.logs;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.platform.config.ConfigFiles;

/**
 * {@code config/log-sources.yaml}: for each system that sends logs, how its records map onto the engine's event
 * shape (docs/logs.md): a table of its action values, and per protocol ({@code hec}, {@code syslog}) where each field
 * is found in the record.
 */
record LogSourcesFile(@NotNull List<@NotNull @Valid Source> sources) implements ConfigFiles.SelfValidating {

  static final Set<String> PROTOCOLS = Set.of("hec", "syslog");

  /**
   * One system's mapping.
   *
   * @param actions the system's action values (as they appear in its records) mapped to the engine's actions
   * @param formats per protocol, where each field of the event shape is read
   * @param expectEvery how often the system is expected to send at least one record (ISO-8601, PT1M to P7D): longer
   *     silence is an LG-01 exception (docs/logs.md, "Watching")
   */
  record Source(@NotBlank String system, @NotEmpty Map<String, String> actions,
      @NotEmpty Map<String, @NotNull @Valid Fields> formats, @NotBlank String expectEvery) {

    /** {@link #expectEvery()} read; null when it is not a duration (then {@link #problems()} names it). */
    java.time.Duration expected() {
      try {
        return expectEvery == null ? null : java.time.Duration.parse(expectEvery.strip());
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  static final java.time.Duration SHORTEST_EXPECTATION = java.time.Duration.ofMinutes(1);
  static final java.time.Duration LONGEST_EXPECTATION = java.time.Duration.ofDays(7);

  /**
   * Where each field is read: a path into the record (names separated by dots, docs/logs.md lists what a record of
   * each protocol offers), or a constant written {@code =value}. occurredAt, actor and action are required.
   */
  record Fields(@NotBlank String occurredAt, @NotBlank String actor, @NotBlank String action, String objectType,
      String objectId, String before, String after, String sourceAddress) {

    List<String> paths() {
      List<String> paths = new ArrayList<>();
      for (String p : new String[] {occurredAt, actor, action, objectType, objectId, before, after, sourceAddress}) {
        if (p != null) {
          paths.add(p);
        }
      }
      return paths;
    }
  }

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; sources != null && i < sources.size(); i++) {
      Source source = sources.get(i);
      if (source == null) {
        continue;
      }
      String at = "sources[" + i + "]";
      if (source.system() != null && !seen.add(source.system())) {
        problems.add(at + ".system: " + source.system() + " has a mapping already");
      }
      if (source.expectEvery() != null && !source.expectEvery().isBlank()) {
        java.time.Duration expected = source.expected();
        if (expected == null) {
          problems.add(at + ".expectEvery: '" + source.expectEvery() + "' is not an ISO-8601 duration such as PT15M");
        } else if (expected.compareTo(SHORTEST_EXPECTATION) < 0 || expected.compareTo(LONGEST_EXPECTATION) > 0) {
          problems.add(at + ".expectEvery: " + source.expectEvery() + " is not between PT1M and P7D");
        }
      }
      if (source.actions() != null) {
        source.actions().forEach((from, to) -> {
          if (LogAction.of(to).isEmpty()) {
            problems.add(at + ".actions." + from + ": '" + to + "' is not one of " + LogAction.names());
          }
        });
      }
      if (source.formats() != null) {
        source.formats().forEach((protocol, fields) -> {
          if (!PROTOCOLS.contains(protocol)) {
            problems.add(at + ".formats." + protocol + ": is not a protocol; use hec or syslog");
          }
          if (fields != null) {
            for (String path : fields.paths()) {
              if (!path.startsWith("=") && (path.startsWith(".") || path.endsWith(".") || path.contains("..")
                  || path.isBlank())) {
                problems.add(at + ".formats." + protocol + ": '" + path + "' is not a path (names separated by dots) "
                    + "or a constant (=value)");
              }
            }
            if (fields.action() != null && fields.action().startsWith("=")
                && !source.actions().containsKey(fields.action().substring(1))) {
              problems.add(at + ".formats." + protocol + ".action: the constant '" + fields.action().substring(1)
                  + "' is not in the actions table");
            }
          }
        });
      }
    }
    return problems;
  }
}
