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
   * @param watch what the rules of dmn/log-watch.dmn need to know of the system's records (optional)
   */
  record Source(@NotBlank String system, @NotEmpty Map<String, String> actions,
      @NotEmpty Map<String, @NotNull @Valid Fields> formats, @NotBlank String expectEvery, @Valid Watch watch) {

    /** The watch settings, the defaults when none are given. */
    Watch watching() {
      return watch == null ? new Watch(null, null, null) : watch;
    }

    /** {@link #expectEvery()} read; null when it is not a duration (then {@link #problems()} names it). */
    java.time.Duration expected() {
      try {
        return expectEvery == null ? null : java.time.Duration.parse(expectEvery.strip());
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  /**
   * What the watcher needs to know of a system's records.
   *
   * @param actorIs how the system's user names are found among the registry's identities: {@code employeeId} (the
   *     identity's id, the default) or {@code userName} (the identity's login)
   * @param grantField in a {@code privilege-change} record, the member of {@code after} (a grant) or {@code before} (a
   *     removal) that names the entitlement; the person whose privilege changed is the record's object id, found as
   *     actors are ({@code role} by default)
   * @param objects object types the rules know, by the type the records carry
   */
  record Watch(String actorIs, String grantField, Map<String, @NotNull @Valid ObjectKind> objects) {

    static final Set<String> ACTOR_IS = Set.of("employeeId", "userName");

    Watch {
      actorIs = actorIs == null ? "employeeId" : actorIs;
      grantField = grantField == null ? "role" : grantField;
      objects = objects == null ? Map.of() : Map.copyOf(objects);
    }
  }

  /**
   * An object type: {@code financial} (a change to it outside an approved change's window is a finding),
   * {@code sensitive} (a read by someone whose role does not need it is a finding), and who needs a sensitive one: the
   * system's entitlements and the HR jobs whose holders may read it.
   */
  record ObjectKind(Boolean financial, Boolean sensitive, @Valid NeededBy neededBy) {

    boolean isFinancial() {
      return Boolean.TRUE.equals(financial);
    }

    boolean isSensitive() {
      return Boolean.TRUE.equals(sensitive);
    }

    NeededBy needed() {
      return neededBy == null ? new NeededBy(null, null) : neededBy;
    }
  }

  /** Entitlements of the system, and HR job titles, that need a sensitive object type. */
  record NeededBy(List<@NotBlank String> entitlements, List<@NotBlank String> jobs) {

    NeededBy {
      entitlements = entitlements == null ? List.of() : List.copyOf(entitlements);
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
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
      if (source.watch() != null) {
        if (!Watch.ACTOR_IS.contains(source.watch().actorIs())) {
          problems.add(at + ".watch.actorIs: '" + source.watch().actorIs() + "' is not one of employeeId, userName");
        }
        if (!source.watch().grantField().matches("[A-Za-z0-9_-]+")) {
          problems.add(at + ".watch.grantField: '" + source.watch().grantField() + "' is not a member name");
        }
        source.watch().objects().forEach((type, kind) -> {
          if (kind != null && !kind.isSensitive() && kind.neededBy() != null) {
            problems.add(at + ".watch.objects." + type + ".neededBy: only a sensitive object type is needed by roles");
          }
        });
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
