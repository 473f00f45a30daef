package org.itgc.change;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Control CM-05 (and CM-03 after the fact): every production deployment of a repository mapped to a financial system
 * must trace to an approved change, and its deployer must not be a developer of it. Deployments arrive from
 * source-control webhooks, from pipelines, and from the change process itself; each is stored once (source and
 * reference are unique) and judged when it arrives. An unmatched deployment becomes a control exception mailed to
 * the system's owners.
 */
@Service
public class DeploymentReconciliation {

  private final JdbcTemplate jdbc;
  private final ChangeRecords changes;
  private final SystemsInventory systems;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final AuditRecorder audit;
  private final Clock clock;

  DeploymentReconciliation(JdbcTemplate jdbc, ChangeRecords changes, SystemsInventory systems,
      ControlExceptions controlExceptions, UserAccounts users, AuditRecorder audit, Clock clock) {
    this.jdbc = jdbc;
    this.changes = changes;
    this.systems = systems;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
  }

  /** A commit as source control reports it. */
  public record Commit(String sha, String message, String authorName, String authorEmail, String authorLogin) {}

  /** A production deployment as it arrives from one source. */
  public record Deployment(String source, String externalRef, String repository, String systemId, Instant deployedAt,
      String deployedBy, List<String> commits, List<String> pullRequests, String changeId, String text) {}

  /** How a deployment was judged. */
  public record Judgement(long deploymentId, boolean duplicate, boolean matched, List<String> changeIds,
      Boolean developerDiffers, String problem, Long exceptionId) {}

  /** Stores commits reported by source control, so that their authors are known (developer is not deployer). */
  public void recordCommits(String repository, String source, List<Commit> commits) {
    Instant now = clock.instant();
    for (Commit commit : commits) {
      jdbc.update("""
          insert into scm_commit (repository, sha, author_name, author_email, author_login, message, source, received_at)
          values (?, ?, ?, ?, ?, ?, ?, ?)
          on conflict (repository, sha) do update set author_login = coalesce(excluded.author_login, scm_commit.author_login)
          """, repository, commit.sha(), commit.authorName(), commit.authorEmail(), commit.authorLogin(),
          commit.message(), source, Timestamp.from(now));
    }
  }

  /** The commits of a change (ids or prefixes) that the given user wrote, by login or e-mail. */
  Set<String> authorsMatching(String repository, List<String> commits, String login, String email) {
    Set<String> written = new LinkedHashSet<>();
    if (repository == null) {
      return written;
    }
    for (String listed : commits) {
      if (!listed.matches("[0-9a-fA-F]{7,40}")) {
        continue;
      }
      List<String> found = jdbc.queryForList("""
          select sha from scm_commit where repository = ? and sha like ? and
            (lower(author_login) = lower(?) or lower(author_email) = lower(?) or lower(author_name) = lower(?))
          """, String.class, repository, listed.toLowerCase(Locale.ROOT) + "%", login, email == null ? "" : email, login);
      written.addAll(found);
    }
    return written;
  }

  /** The change process recorded its own deployment (the implementation task); it matches its change by construction. */
  void recordProcessDeployment(ChangeRecords.Change change, String deployer, Instant at, String reference) {
    List<Long> ids = jdbc.query(con -> {
      var ps = con.prepareStatement("""
          insert into change_deployment (system_id, repository, source, external_ref, environment, deployed_at,
              deployed_by, commits, change_ids, matched, developer_differs, received_at)
          values (?, ?, 'change-process', ?, 'production', ?, ?, ?, ?, true, true, ?)
          on conflict (source, external_ref) do nothing returning id
          """);
      ps.setString(1, change.systemId());
      ps.setString(2, change.repository());
      ps.setString(3, change.id() + ":" + reference);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setString(5, deployer);
      ps.setArray(6, con.createArrayOf("varchar", change.commits().toArray()));
      ps.setArray(7, con.createArrayOf("varchar", new Object[] {change.id()}));
      ps.setTimestamp(8, Timestamp.from(at));
      return ps;
    }, (rs, i) -> rs.getLong(1));
    // every deployment row has the event of its creation (evidence packs reconcile the two)
    for (long id : ids) {
      audit.record(AuditEvent.of("deployment.receive", "deployment", String.valueOf(id)).actor(deployer, null)
          .detail("source", "change-process").detail("reference", change.id() + ":" + reference)
          .detail("systemId", change.systemId()).detail("changes", List.of(change.id())).build());
    }
  }

  /**
   * Judges and stores a production deployment. A repeated delivery (same source and reference) is recognised and
   * not judged twice.
   */
  public Judgement receive(Deployment deployment) {
    Optional<FinancialSystem> system = deployment.systemId() != null ? systems.find(deployment.systemId())
        : systems.forRepository(deployment.repository());
    if (system.isEmpty()) {
      throw new IllegalArgumentException("repository " + deployment.repository() + " is not mapped to a system");
    }
    var existing = jdbc.query("select id, matched, change_ids, developer_differs, problem, exception_id "
        + "from change_deployment where source = ? and external_ref = ?", (rs, i) -> new Judgement(rs.getLong(1), true,
        rs.getBoolean(2), ChangeRecords.list(rs.getArray(3)), (Boolean) rs.getObject(4), rs.getString(5),
        (Long) rs.getObject(6)), deployment.source(), deployment.externalRef());
    if (!existing.isEmpty()) {
      return existing.get(0);
    }
    FinancialSystem target = system.get();
    List<ChangeRecords.Change> candidates = changes.deployableFor(target.id());
    Set<String> matchedChanges = new LinkedHashSet<>();
    List<String> unmatched = new ArrayList<>();
    if (deployment.changeId() != null) {
      candidates.stream().filter(c -> c.id().equals(deployment.changeId())).findFirst()
          .ifPresentOrElse(c -> matchedChanges.add(c.id()), () -> unmatched.add("change " + deployment.changeId()
              + " is not an approved change of " + target.id()));
    }
    for (String sha : deployment.commits()) {
      // a commit matches only the approved change that lists it: a message that merely names a change proves nothing
      Optional<ChangeRecords.Change> change = candidates.stream().filter(c -> listsCommit(c, sha)).findFirst();
      change.ifPresentOrElse(c -> matchedChanges.add(c.id()), () -> unmatched.add("commit " + sha));
    }
    for (String pr : deployment.pullRequests()) {
      candidates.stream().filter(c -> c.commits().contains(pr)).findFirst().ifPresentOrElse(c -> matchedChanges.add(c.id()), () -> unmatched.add("pull request " + pr));
    }
    if (deployment.commits().isEmpty() && deployment.pullRequests().isEmpty() && deployment.changeId() == null) {
      unmatched.add("the deployment names no change, commit or pull request");
    }
    boolean matched = unmatched.isEmpty() && !matchedChanges.isEmpty();
    Boolean developerDiffers = developerDiffers(deployment, matchedChanges);
    List<String> problems = new ArrayList<>();
    if (!matched) {
      problems.add("no approved change for " + String.join(", ", unmatched));
    }
    if (Boolean.FALSE.equals(developerDiffers)) {
      problems.add(deployment.deployedBy() + " deployed code they wrote or requested");
    }
    // a planned change is deployed inside the window it was approved for; an emergency change has none
    Set<String> outsideWindow = new LinkedHashSet<>();
    for (ChangeRecords.Change c : candidates) {
      if (matchedChanges.contains(c.id()) && !"emergency".equals(c.changeType()) && c.plannedStart() != null
          && c.plannedEnd() != null && (deployment.deployedAt().isBefore(c.plannedStart())
              || deployment.deployedAt().isAfter(c.plannedEnd()))) {
        outsideWindow.add(c.id());
        problems.add("deployed at " + deployment.deployedAt() + ", outside the approved window of " + c.id() + " ("
            + c.plannedStart() + " to " + c.plannedEnd() + ")");
      }
    }
    String problem = problems.isEmpty() ? null : String.join("; ", problems);
    Long id = jdbc.query(con -> {
      var ps = con.prepareStatement("""
          insert into change_deployment (system_id, repository, source, external_ref, environment, deployed_at,
              deployed_by, commits, change_ids, matched, developer_differs, problem, received_at)
          values (?, ?, ?, ?, 'production', ?, ?, ?, ?, ?, ?, ?, ?) returning id
          """);
      ps.setString(1, target.id());
      ps.setString(2, deployment.repository());
      ps.setString(3, deployment.source());
      ps.setString(4, deployment.externalRef());
      ps.setTimestamp(5, Timestamp.from(deployment.deployedAt()));
      ps.setString(6, deployment.deployedBy());
      var all = new ArrayList<>(deployment.commits());
      all.addAll(deployment.pullRequests());
      ps.setArray(7, con.createArrayOf("varchar", all.toArray()));
      ps.setArray(8, con.createArrayOf("varchar", matchedChanges.toArray()));
      ps.setBoolean(9, matched);
      if (developerDiffers == null) {
        ps.setNull(10, java.sql.Types.BOOLEAN);
      } else {
        ps.setBoolean(10, developerDiffers);
      }
      ps.setString(11, problem);
      ps.setTimestamp(12, Timestamp.from(clock.instant()));
      return ps;
    }, rs -> rs.next() ? rs.getLong(1) : null);
    Long exceptionId = null;
    if (problem != null) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("deploymentId", id);
      details.put("source", deployment.source());
      details.put("reference", deployment.externalRef());
      details.put("repository", String.valueOf(deployment.repository()));
      details.put("deployedBy", deployment.deployedBy());
      details.put("deployedAt", deployment.deployedAt().toString());
      details.put("problem", problem);
      exceptionId = controlExceptions.raise(matched && outsideWindow.isEmpty() ? "CM-03" : "CM-05", "deployment",
          String.valueOf(id),
          "Production deployment to " + target.id() + ": " + problem, details,
          List.of(target.businessOwner().email(), target.technicalOwner().email()));
      jdbc.update("update change_deployment set exception_id = ? where id = ?", exceptionId, id);
    }
    audit.record(AuditEvent.of("deployment.receive", "deployment", String.valueOf(id))
        .outcome(problem == null ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE)
        .detail("source", deployment.source()).detail("reference", deployment.externalRef())
        .detail("systemId", target.id()).detail("changes", List.copyOf(matchedChanges)).detail("problem", problem).build());
    return new Judgement(id == null ? -1 : id, false, matched, List.copyOf(matchedChanges), developerDiffers, problem,
        exceptionId);
  }

  private static boolean listsCommit(ChangeRecords.Change change, String sha) {
    String lower = sha.toLowerCase(Locale.ROOT);
    return change.commits().stream().map(c -> c.toLowerCase(Locale.ROOT))
        .anyMatch(listed -> listed.length() >= 7 && (lower.startsWith(listed) || listed.startsWith(lower)));
  }

  /** False when the deployer wrote a deployed commit or requested a matched change; null when nothing is known. */
  private Boolean developerDiffers(Deployment deployment, Set<String> changeIds) {
    String deployer = deployment.deployedBy().toLowerCase(Locale.ROOT);
    Set<String> deployerNames = new LinkedHashSet<>(List.of(deployer));
    users.email(deployment.deployedBy()).ifPresent(e -> deployerNames.add(e.toLowerCase(Locale.ROOT)));
    Set<String> developers = new LinkedHashSet<>();
    for (String sha : deployment.commits()) {
      jdbc.query("select author_login, author_email, author_name from scm_commit where repository = ? and sha = ?",
          rs -> {
            for (int i = 1; i <= 3; i++) {
              if (rs.getString(i) != null) {
                developers.add(rs.getString(i).toLowerCase(Locale.ROOT));
              }
            }
          }, deployment.repository(), sha);
    }
    for (String id : changeIds) {
      changes.find(id).ifPresent(c -> {
        developers.add(c.requester().toLowerCase(Locale.ROOT));
        users.email(c.requester()).ifPresent(e -> developers.add(e.toLowerCase(Locale.ROOT)));
      });
    }
    if (developers.isEmpty()) {
      return null;
    }
    return deployerNames.stream().noneMatch(developers::contains);
  }

  /** A row of the reconciliation report: a deployment, its changes and their approvals. */
  public record Row(long deploymentId, String systemId, String repository, String source, String reference,
      Instant deployedAt, String deployedBy, List<String> commits, List<String> changeIds, boolean matched,
      Boolean developerDiffers, String problem, Long exceptionId, List<String> approvals) {}

  /** The whole population of production deployments of a system in [from, to). */
  public List<Row> report(String systemId, Instant from, Instant to) {
    return jdbc.query("""
        select * from change_deployment where system_id = ? and deployed_at >= ? and deployed_at < ? order by deployed_at, id
        """, (rs, i) -> {
          List<String> changeIds = ChangeRecords.list(rs.getArray("change_ids"));
          List<String> approvals = new ArrayList<>();
          for (String changeId : changeIds) {
            for (var approval : changes.approvals(changeId)) {
              approvals.add(changeId + " " + approval.step() + " " + approval.decision() + " by " + approval.decidedBy()
                  + " at " + approval.decidedAt());
            }
          }
          return new Row(rs.getLong("id"), rs.getString("system_id"), rs.getString("repository"), rs.getString("source"),
              rs.getString("external_ref"), rs.getTimestamp("deployed_at").toInstant(), rs.getString("deployed_by"),
              ChangeRecords.list(rs.getArray("commits")), changeIds, rs.getBoolean("matched"),
              (Boolean) rs.getObject("developer_differs"), rs.getString("problem"), (Long) rs.getObject("exception_id"),
              approvals);
        }, systemId, Timestamp.from(from), Timestamp.from(to));
  }

  /** Deployments that belong to a change, for its evidence. */
  List<Row> forChange(String changeId) {
    List<String> systemsOfRows = jdbc.queryForList("select distinct system_id from change_deployment where ? = any (change_ids)",
        String.class, changeId);
    List<Row> rows = new ArrayList<>();
    for (String system : systemsOfRows) {
      report(system, Instant.EPOCH, Instant.parse("9999-12-31T00:00:00Z")).stream()
          .filter(r -> r.changeIds().contains(changeId)).forEach(rows::add);
    }
    return rows;
  }
}
