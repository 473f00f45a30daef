package org.itgc.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The table ownership rule of docs/architecture.md, executable (issue #21): every table of the Liquibase changelogs
 * belongs to one capability (package under {@code org.itgc}), and no main class reads or writes, in the SQL of its
 * string literals and text blocks, a table of another capability; other capabilities ask through a public interface
 * (e.g. {@code controls.PopulationSource}). Camunda's {@code act_*} tables are the engine's, allowed everywhere. An
 * owner may also publish a read-only view for others where a round trip through Java would cost too much: named
 * {@code <owner's prefix>..._published}, created by a changeset whose id names the owner, reading only the owner's
 * tables; others may read it (from, join) but never write it. The reaches that remain are listed below by class and
 * table; the list may only shrink (a listed reach that is gone fails too, so it is taken off).
 */
class TableOwnershipTest {

  private static final Path CHANGELOGS = Path.of("src/main/resources/db/changelog");
  private static final Path SOURCES = Path.of("src/main/java/org/itgc");

  /** Owner by table name prefix (or whole name), first match wins. */
  private static final Map<String, String> OWNERS = owners(
      "change_", "change", "scm_commit", "change",
      "access_", "access", "sod_", "access", "scim_user", "access",
      "cert_", "certification",
      "continuity_", "continuity",
      "audit_", "audit",
      "sec_", "security", "mfa_", "security", "api_credential", "security", "role_change", "security",
      "control_exception", "controls", "evidence_pack", "controls",
      "itgc_system", "systems",
      "model_change_", "integrity", "tracked_file", "integrity",
      "notification_outbox", "notify",
      "calendar_notice", "reminders", "task_deadline_notice", "reminders",
      "scheduled_run", "platform", "shared_secret", "platform",
      "logs_", "logs");

  /** The reaches that remain, "capability.Class" -> tables of other capabilities it reads or writes. */
  private static final Map<String, Set<String>> EXCEPTIONS = Map.of();

  /** The suffix of a view an owner publishes for other capabilities to read. */
  private static final String PUBLISHED = "_published";

  private static final Pattern TABLE_REFERENCE = Pattern.compile(
      "\\b(delete\\s+from|from|join|into|update|table)\\s+(?:only\\s+|if\\s+(?:not\\s+)?exists\\s+)?"
      + "([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CHANGELOG_VIEW = Pattern.compile(
      "create\\s+(?:or\\s+replace\\s+)?view\\s+([a-z_][a-z0-9_]*)([^;]*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CHANGESET_ID = Pattern.compile("-\\s+changeSet:\\s*\\n\\s+id:\\s*(\\S+)");
  private static final Pattern CHANGELOG_TABLE = Pattern.compile(
      "(?:tableName:\\s*|create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?)([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);

  @Test
  void everyTableOfTheChangelogsHasAnOwner() throws IOException {
    Set<String> tables = changelogTables();
    assertThat(tables).contains("change_request", "access_grant", "cert_item", "audit_event", "sec_user");
    List<String> unowned = tables.stream().filter(t -> !t.startsWith("act_") && owner(t) == null).toList();
    assertThat(unowned).as("tables of src/main/resources/db/changelog without an owner in TableOwnershipTest.OWNERS")
        .isEmpty();
  }

  @Test
  void noClassReadsOrWritesAnotherCapabilitysTables() throws IOException {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() > 1) {
          sources.put(relative.getName(0) + "." + file.getFileName().toString().replace(".java", ""),
              Files.readString(file));
        }
      }
    }
    Map<String, Set<String>> reaches = reaches(sources, changelogTables(), publishedViews().keySet());
    assertThat(sources).containsKeys("certification.CampaignStore", "controls.EvidencePopulations");
    List<String> violations = violations(reaches, EXCEPTIONS);
    assertThat(violations).as("SQL over another capability's tables: ask its owner through a public interface "
        + "(or, knowingly, list the reach in TableOwnershipTest.EXCEPTIONS)").isEmpty();
    List<String> stale = new ArrayList<>();
    EXCEPTIONS.forEach((name, listed) -> listed.stream()
        .filter(t -> !reaches.getOrDefault(name, Set.of()).contains(t))
        .forEach(t -> stale.add(name + " -> " + t)));
    assertThat(stale).as("exceptions of TableOwnershipTest.EXCEPTIONS that no longer occur: take them off").isEmpty();
  }

  @Test
  void theScannerFindsAReachInTheSqlOfStringsAndTextBlocks() {
    String source = """
        class CampaignStore {
          // comments are not SQL: select from change_request
          String a = \"""
              select g.id from access_grant g
                join access_identity i on i.id = g.identity_id
              \""";
          String b = "insert into cert_item (id) values (?)";
          String c = "UPDATE sod_finding set resolved_at = now()";
          String d = "delete " + "from audit_event";
          String e = "the changes come from the requester";
        }
        """;
    assertThat(tablesIn(source)).containsExactlyInAnyOrder("access_grant", "access_identity", "cert_item",
        "sod_finding", "audit_event", "the");
    var reaches = reaches(Map.of("certification.Sample", source, "access.Sample", source),
        Set.of("access_grant", "access_identity", "cert_item", "sod_finding", "audit_event", "change_request"));
    assertThat(violations(reaches, Map.of("certification.Sample", Set.of("access_identity")))).containsExactly(
        "access.Sample reads or writes audit_event, a table of audit",
        "access.Sample reads or writes cert_item, a table of certification",
        "certification.Sample reads or writes access_grant, a table of access",
        "certification.Sample reads or writes audit_event, a table of audit",
        "certification.Sample reads or writes sod_finding, a table of access");
    assertThat(owner("access_grant")).isEqualTo("access");
    assertThat(owner("sod_finding")).isEqualTo("access");
    assertThat(owner("cert_item")).isEqualTo("certification");
    assertThat(owner("audit_checkpoint")).isEqualTo("audit");
  }

  @Test
  void publishedViewsAreTheirOwnersAndReadOnlyItsTables() throws IOException {
    Map<String, PublishedView> views = publishedViews();
    assertThat(views).containsKeys("access_grant_published", "access_identity_published",
        "access_revocation_item_published");
    Set<String> tables = changelogTables();
    List<String> problems = new ArrayList<>();
    views.forEach((view, published) -> {
      String owner = owner(view);
      if (!view.endsWith(PUBLISHED) || owner == null) {
        problems.add(view + " is no <owner's prefix>..." + PUBLISHED + " view");
        return;
      }
      if (!published.changeset().contains(owner)) {
        problems.add(view + " is created by changeset " + published.changeset() + ", whose id does not name " + owner);
      }
      tablesIn("\"" + published.definition().replace('\n', ' ') + "\"").stream()
          .filter(t -> tables.contains(t) && !owner.equals(owner(t)))
          .forEach(t -> problems.add(view + " reads " + t + ", a table of " + owner(t) + ", not of " + owner));
    });
    assertThat(problems).as("published views of src/main/resources/db/changelog").isEmpty();
  }

  @Test
  void othersReadAPublishedViewButNeverWriteIt() {
    String source = """
        class CampaignStore {
          String a = "select g.id from access_grant_published g join access_identity_published a on a.id = g.identity_id";
          String b = "update access_grant_published set removed_at = now()";
          String c = "delete from access_identity_published";
        }
        """;
    Set<String> views = Set.of("access_grant_published", "access_identity_published");
    var reaches = reaches(Map.of("certification.Sample", source, "access.Sample", source), Set.of(), views);
    assertThat(violations(reaches, Map.of())).containsExactly(
        "certification.Sample reads or writes access_grant_published, a table of access",
        "certification.Sample reads or writes access_identity_published, a table of access");
  }

  /** By class ("capability.Class"), the tables of other capabilities its SQL names. */
  static Map<String, Set<String>> reaches(Map<String, String> sources, Set<String> tables) {
    return reaches(sources, tables, Set.of());
  }

  /**
   * By class ("capability.Class"), the tables of other capabilities its SQL names, and the published views of other
   * capabilities it writes (reading them is their purpose).
   */
  static Map<String, Set<String>> reaches(Map<String, String> sources, Set<String> tables, Set<String> views) {
    Map<String, Set<String>> reaches = new TreeMap<>();
    sources.forEach((name, source) -> {
      String capability = name.substring(0, name.indexOf('.'));
      Matcher references = TABLE_REFERENCE.matcher(literals(source));
      while (references.find()) {
        String keyword = references.group(1).toLowerCase();
        String table = references.group(2).toLowerCase();
        boolean reads = keyword.equals("from") || keyword.equals("join");
        boolean reached = tables.contains(table) && !table.startsWith("act_")
            || views.contains(table) && !reads;
        if (reached && !capability.equals(owner(table))) {
          reaches.computeIfAbsent(name, k -> new TreeSet<>()).add(table);
        }
      }
    });
    return reaches;
  }

  /** The reaches not excepted, each naming class, table and owner. */
  static List<String> violations(Map<String, Set<String>> reaches, Map<String, Set<String>> exceptions) {
    List<String> violations = new ArrayList<>();
    reaches.forEach((name, reached) -> reached.stream()
        .filter(t -> !exceptions.getOrDefault(name, Set.of()).contains(t))
        .forEach(t -> violations.add(name + " reads or writes " + t + ", a table of " + owner(t))));
    return violations;
  }

  /** The names after from, join, into, update and table in the string literals and text blocks of a source. */
  static Set<String> tablesIn(String source) {
    CharSequence sql = literals(source);
    Set<String> tables = new TreeSet<>();
    Matcher references = TABLE_REFERENCE.matcher(sql);
    while (references.find()) {
      tables.add(references.group(2).toLowerCase());
    }
    return tables;
  }

  /**
   * The contents of the string literals and text blocks of a Java source, one a line (so that a statement cut into
   * concatenated literals reads on); comments and character literals are skipped.
   */
  static String literals(String source) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        i = source.indexOf('\n', i);
        i = i < 0 ? n : i;
      } else if (source.startsWith("/*", i)) {
        i = source.indexOf("*/", i + 2);
        i = i < 0 ? n : i + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = i + 3;
        while (end < n && !(source.startsWith("\"\"\"", end) && source.charAt(end - 1) != '\\')) {
          end++;
        }
        out.append(source, i + 3, Math.min(end, n)).append('\n');
        i = end + 3;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        if (c == '"') {
          out.append(source, i + 1, Math.min(end, n)).append('\n');
        }
        i = end + 1;
      } else {
        i++;
      }
    }
    return out.toString();
  }

  private static Set<String> changelogTables() throws IOException {
    Set<String> tables = new TreeSet<>();
    try (Stream<Path> files = Files.list(CHANGELOGS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        Matcher m = CHANGELOG_TABLE.matcher(Files.readString(file));
        while (m.find()) {
          tables.add(m.group(1).toLowerCase());
        }
      }
    }
    return tables;
  }

  /** A view published in a changelog: the changeset that creates it and its definition. */
  record PublishedView(String changeset, String definition) {}

  /** The views the changelogs create, by name. */
  private static Map<String, PublishedView> publishedViews() throws IOException {
    Map<String, PublishedView> views = new TreeMap<>();
    try (Stream<Path> files = Files.list(CHANGELOGS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String changelog = Files.readString(file);
        Matcher m = CHANGELOG_VIEW.matcher(changelog);
        while (m.find()) {
          Matcher ids = CHANGESET_ID.matcher(changelog.substring(0, m.start()));
          String changeset = null;
          while (ids.find()) {
            changeset = ids.group(1);
          }
          views.put(m.group(1).toLowerCase(), new PublishedView(String.valueOf(changeset), m.group(2)));
        }
      }
    }
    return views;
  }

  private static String owner(String table) {
    return OWNERS.entrySet().stream().filter(e -> table.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
        .orElse(null);
  }

  private static Map<String, String> owners(String... pairs) {
    Map<String, String> owners = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      owners.put(pairs[i], pairs[i + 1]);
    }
    return owners;
  }
}
