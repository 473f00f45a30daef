package org.itgc.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.change.ChangeService;
import org.itgc.platform.Hashes;
import org.itgc.platform.config.ConfigFiles;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the engine ran with, start by start: the repository's models (the release baseline the engine deploys) and
 * the files of {@code config/} that act as control parameters (sample sizes, SLAs, SoD functions, the calendar, the
 * password policy, mail templates...). Each version is kept in {@code tracked_file} with its SHA-256 and content; a
 * file that differs from the version seen before is recorded with its diff and audited ({@code model.release-change}
 * or {@code config.change}), so that lowering a sample size from 25 to 2 between two starts leaves a trace.
 */
@Component
class TrackedFiles {

  private static final int MAX_DIFF_LINES = 400;

  private final JdbcTemplate jdbc;
  private final AuditRecorder audit;
  private final ConfigFiles config;
  private final Clock clock;

  private final ModelChanges modelChanges;
  private final ChangeService changes;
  private final org.camunda.bpm.engine.IdentityService identity;

  TrackedFiles(JdbcTemplate jdbc, AuditRecorder audit, ConfigFiles config, Clock clock, ModelChanges modelChanges,
      org.camunda.bpm.engine.IdentityService identity, ChangeService changes) {
    this.changes = changes;
    this.modelChanges = modelChanges;
    this.identity = identity;
    this.jdbc = jdbc;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
  }

  /** One recorded version. */
  record Version(String kind, String name, String sha256, java.time.Instant recordedAt, String diff) {}

  @EventListener(ApplicationReadyEvent.class)
  void recordAtStart() throws IOException {
    recordModels(models());
    record("config", configFiles());
  }

  /**
   * Records the models a start runs with; when a release changed some of them, they are opened as a model change of
   * ITGC-ENGINE whose approvals follow (see {@link ModelChanges#recordRelease}). Returns that change's id, or null.
   */
  String recordModels(Map<String, byte[]> models) throws IOException {
    List<String> changed = record("model", models);
    if (changed.isEmpty()) {
      return null;
    }
    List<ModelChanges.ReleasedFile> released = new ArrayList<>();
    for (String name : changed) {
      var versions = jdbc.query("select sha256, diff, recorded_at from tracked_file where kind = 'model' and name = ? "
          + "order by recorded_at desc limit 2", (rs, i) -> new Object[] {rs.getString(1), rs.getString(2),
          rs.getTimestamp(3)}, name);
      String previousSha = versions.size() > 1 ? (String) versions.get(1)[0] : null;
      String diff = versions.get(0)[1] == null ? "" : (String) versions.get(0)[1];
      // what was live before this start may be a model change approved since the last release: the release replaces
      // that version, and its diff is shown against it
      var approved = approvedSince(name, versions.size() > 1 ? (Timestamp) versions.get(1)[2] : null);
      if (approved != null && !approved.getKey().equals(Hashes.sha256(models.get(name)))) {
        previousSha = approved.getKey();
        diff = "replaces the version deployed by approved model change " + approved.getValue().changeId() + ":\n"
            + diff("model", name, approved.getValue().content(), models.get(name));
      }
      released.add(new ModelChanges.ReleasedFile(name, models.get(name), previousSha, diff));
    }
    return org.itgc.platform.AsServer.call(identity, () -> modelChanges.recordRelease(released));
  }

  private record Approved(String changeId, byte[] content) {}

  /**
   * The sha256 and bytes of the file of this name that the last approved model change from Camunda Modeler (or a
   * rollback) deployed after {@code after}; null when none did. Release changes are the release's own versions.
   */
  private Map.Entry<String, Approved> approvedSince(String name, Timestamp after) {
    String file = name.substring(name.lastIndexOf('/') + 1);
    var deployed = jdbc.query("""
        select f.change_id, f.resource_name from model_change_file f
        join model_change_deployment d on d.change_id = f.change_id
        where (f.resource_name = ? or f.resource_name = ?) and d.deployment_id is not null and d.problem is null
          and (?::timestamptz is null or d.deployed_at > ?)
        order by d.deployed_at desc
        """, (rs, i) -> Map.entry(rs.getString(1), rs.getString(2)), file, name, after, after);
    // the newest whose change someone other than the release requested (change answers who did)
    for (var candidate : deployed) {
      String requester = changes.state(candidate.getKey()).map(ChangeService.ChangeState::requester).orElse(null);
      if (requester != null && !requester.equals(ModelChanges.RELEASE_ACTOR)) {
        return jdbc.query("select sha256, content from model_change_file where change_id = ? and resource_name = ?",
            (rs, i) -> Map.entry(rs.getString(1), new Approved(candidate.getKey(), rs.getBytes(2))),
            candidate.getKey(), candidate.getValue()).get(0);
      }
    }
    return null;
  }

  Map<String, byte[]> models() throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    var resolver = new PathMatchingResourcePatternResolver();
    for (String pattern : List.of("classpath*:processes/*.bpmn", "classpath*:dmn/*.dmn", "classpath*:forms/*.form")) {
      for (Resource resource : resolver.getResources(pattern)) {
        try (InputStream in = resource.getInputStream()) {
          files.put(pattern.substring("classpath*:".length(), pattern.indexOf('/') + 1) + resource.getFilename(),
              in.readAllBytes());
        }
      }
    }
    return files;
  }

  Map<String, byte[]> configFiles() throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    Path root = config.directory();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root, 2)) {
      for (Path file : walk.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(ya?ml|csv|txt)$"))
          .toList()) {
        files.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
    return files;
  }

  /** Records every file that is new or differs from its last recorded version; returns the names that changed. */
  List<String> record(String kind, Map<String, byte[]> files) throws IOException {
    List<String> changed = new ArrayList<>();
    List<String> first = new ArrayList<>();
    for (var file : files.entrySet()) {
      String sha = Hashes.sha256(file.getValue());
      var last = jdbc.query("select sha256, content from tracked_file where kind = ? and name = ? "
          + "order by recorded_at desc limit 1", (rs, i) -> Map.entry(rs.getString(1), rs.getBytes(2)), kind, file.getKey());
      if (!last.isEmpty() && last.get(0).getKey().equals(sha)) {
        continue;
      }
      String diff = last.isEmpty() ? null : diff(kind, file.getKey(), last.get(0).getValue(), file.getValue());
      int stored = jdbc.update("""
          insert into tracked_file (kind, name, sha256, content, recorded_at, diff) values (?, ?, ?, ?, ?, ?)
          on conflict (kind, name, sha256) do update set recorded_at = excluded.recorded_at, diff = excluded.diff
          """, kind, file.getKey(), sha, file.getValue(), Timestamp.from(clock.instant()), diff);
      if (stored == 0) {
        continue;
      }
      if (last.isEmpty()) {
        first.add(file.getKey());
        continue;
      }
      changed.add(file.getKey());
      audit.record(AuditEvent.system(kind.equals("model") ? "model.release-change" : "config.change", kind + "-file",
          file.getKey()).detail("from", last.get(0).getKey()).detail("to", sha).detail("diff", diff).build());
    }
    if (!first.isEmpty()) {
      audit.record(AuditEvent.system(kind + ".baseline", kind + "-files", String.valueOf(first.size()))
          .detail("files", first).build());
    }
    return changed;
  }

  List<Version> versions(String kind, String name) {
    return jdbc.query("""
        select kind, name, sha256, recorded_at, diff from tracked_file
        where (?::varchar is null or kind = ?) and (?::varchar is null or name = ?)
        order by recorded_at desc, name limit 500
        """, (rs, i) -> new Version(rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getTimestamp(4).toInstant(), rs.getString(5)), kind, kind, name, name);
  }

  private static String diff(String kind, String name, byte[] before, byte[] after) throws IOException {
    if (kind.equals("model")) {
      try {
        return String.join("\n", ModelDiff.of(name, before, after));
      } catch (IOException e) {
        // a model that no longer parses as XML or JSON is shown line by line
      }
    }
    return lines(new String(before, StandardCharsets.UTF_8), new String(after, StandardCharsets.UTF_8));
  }

  /** A line diff ("-12: old", "+12: new") by longest common subsequence; files here are short. */
  static String lines(String before, String after) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    if ((long) a.length * b.length > 25_000_000L) {
      return "(too long to compare line by line: " + a.length + " and " + b.length + " lines)";
    }
    int[][] common = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while ((i < a.length || j < b.length) && out.size() < MAX_DIFF_LINES) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        i++;
        j++;
      } else if (j < b.length && (i == a.length || common[i][j + 1] >= common[i + 1][j])) {
        out.add("+" + (j + 1) + ": " + b[j++]);
      } else {
        out.add("-" + (i + 1) + ": " + a[i++]);
      }
    }
    return String.join("\n", out);
  }
}
