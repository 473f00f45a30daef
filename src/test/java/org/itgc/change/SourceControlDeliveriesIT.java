package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.itgc.support.ChangeRequests;
import org.itgc.support.DateSensitive;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Webhook deliveries as GitHub and GitLab send them (headers and payloads shaped after GitHub's documentation and
 * octokit's sample payloads, and GitLab's "Webhook events" page): GitHub in both content types it offers, signed over
 * the raw body; GitLab with its token and its documented push and merge request events.
 */
@IntegrationTest
@DateSensitive
class SourceControlDeliveriesIT {

  static final String GITHUB_SECRET = "demo-github-webhook-secret";
  static final String GITLAB_TOKEN = "demo-gitlab-webhook-token";

  @LocalServerPort int port;
  @org.springframework.beans.factory.annotation.Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

  String submitStandardChange(String commit) {
    var response = Http.as(port, "rachel").post("/api/changes", Http.json(ChangeRequests.body("standard",
        "BI-REPORTING", commit, ChangeRequests.plannedSaturday(410))));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  /** A push as octokit's sample payload has it (repository and sender trimmed to the fields of a real one). */
  static String githubPush(String repository, String ref, String after, String commitsJson) {
    return """
        {"ref": "%s", "before": "0000000000000000000000000000000000000000", "after": "%s",
         "repository": {"id": 186853002, "name": "%s", "full_name": "%s", "private": false,
           "default_branch": "master", "master_branch": "master", "created_at": 1557933565, "pushed_at": 1557933657},
         "pusher": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com"},
         "sender": {"login": "dmitri", "id": 21031067, "type": "User"},
         "created": true, "deleted": false, "forced": false, "base_ref": null,
         "compare": "https://github.com/%s/commit/%s",
         "commits": %s, "head_commit": null}""".formatted(ref, after, repository.split("/")[1], repository, repository,
        after, commitsJson);
  }

  static String commit(String sha, String message) {
    return """
        [{"id": "%s", "tree_id": "31b122c26a97cf9af023e9ddab94a82c6e77b0ea", "distinct": true, "message": "%s",
          "timestamp": "2019-05-15T15:19:25Z", "url": "https://github.com/x/y/commit/%s",
          "author": {"name": "Ryan Developer", "email": "ryan@demo.itgc.local", "username": "ryan"},
          "committer": {"name": "Ryan Developer", "email": "ryan@demo.itgc.local"},
          "added": ["README.md"], "removed": [], "modified": []}]""".formatted(sha, message, sha);
  }

  Http.Response deliver(String contentType, byte[] body, String signature) {
    return Http.anonymous(port).post("/api/webhooks/github", contentType, body, Map.of("X-GitHub-Event", "push",
        "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "User-Agent", "GitHub-Hookshot/044aadd",
        "X-Hub-Signature-256", signature));
  }

  @Test
  void aFormEncodedGitHubPushIsVerifiedOverItsRawBodyAndReconciled() {
    String sha = ChangeManagementIT.sha(41);
    String id = submitStandardChange(sha);
    String json = githubPush("acme/bi-reporting", "refs/heads/master", sha, commit(sha, "report change " + id));
    byte[] form = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);

    var response = deliver("application/x-www-form-urlencoded", form,
        "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, form));
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    assertThat(response.json().get("status").asText()).isEqualTo("judged");
    assertThat(response.json().at("/judgement/matched").asBoolean()).as(response.toString()).isTrue();
    assertThat(response.json().at("/judgement/changeIds/0").asText()).isEqualTo(id);

    // a signature over the decoded JSON is not GitHub's signature of this delivery
    var overJson = deliver("application/x-www-form-urlencoded", form,
        "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, json.getBytes(StandardCharsets.UTF_8)));
    assertThat(overJson.status()).isEqualTo(401);
    // one character of the payload changed after signing
    byte[] tampered = form.clone();
    tampered[tampered.length - 5] = (byte) (tampered[tampered.length - 5] == 'a' ? 'b' : 'a');
    assertThat(deliver("application/x-www-form-urlencoded", tampered,
        "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, form)).status()).isEqualTo(401);
    // a signed form without its payload field is a 400 naming it
    byte[] empty = "other=1".getBytes(StandardCharsets.US_ASCII);
    var missing = deliver("application/x-www-form-urlencoded", empty, "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, empty));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("payload");
  }

  @Test
  void aPushWhoseCommitMessageHoldsANulIsKeptWithTheCharacterReplacedNotRefused() {
    String sha = "ab" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 30) + "cdef0123";
    byte[] body = githubPush("acme/bi-reporting", "refs/heads/feature", sha, commit(sha, "fix\\u0000 posting\\u0007"))
        .getBytes(StandardCharsets.UTF_8);
    var response = deliver("application/json", body, "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, body));
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    assertThat(jdbc.queryForObject("select message from scm_commit where sha = ?", String.class, sha))
        .isEqualTo("fix\uFFFD posting\uFFFD");
  }

  @Test
  void aJsonGitHubPushThatDeletesABranchDeploysNothing() {
    String json = """
        {"ref": "refs/heads/master", "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
         "after": "0000000000000000000000000000000000000000", "created": false, "deleted": true, "forced": false,
         "repository": {"full_name": "acme/bi-reporting", "default_branch": "master"},
         "sender": {"login": "dmitri"}, "commits": [], "head_commit": null}""";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    var response = deliver("application/json", body, "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, body));
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    assertThat(response.json().get("status").asText()).isEqualTo("ignored");
    assertThat(response.json().get("reason").asText()).contains("deleted");
  }

  @Test
  void gitLabPushAndFastForwardMergeAsGitLabDocumentsThemAreJudged() {
    String sha = ChangeManagementIT.sha(42);
    String push = """
        {"object_kind": "push", "event_name": "push", "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
         "after": "%s", "ref": "refs/heads/master", "ref_protected": true, "checkout_sha": "%s",
         "user_id": 4, "user_name": "John Smith", "user_username": "jsmith", "user_email": "john@example.com",
         "project_id": 15,
         "project": {"id": 15, "name": "Payroll", "web_url": "http://example.com/acme/payroll", "avatar_url": null,
           "namespace": "acme", "visibility_level": 0, "path_with_namespace": "acme/payroll", "default_branch": "master"},
         "commits": [{"id": "%s", "message": "fixed readme", "title": "fixed readme",
           "timestamp": "2012-01-03T23:36:29+02:00", "url": "http://example.com/acme/payroll/commit/%s",
           "author": {"name": "GitLab dev user", "email": "gitlabdev@dv6700.(none)"},
           "added": ["CHANGELOG"], "modified": ["app/controller/application.rb"], "removed": []}],
         "total_commits_count": 1}""".formatted(sha, sha, sha, sha);
    var pushed = Http.anonymous(port).post("/api/webhooks/gitlab", "application/json",
        push.getBytes(StandardCharsets.UTF_8), Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", GITLAB_TOKEN,
            "X-Gitlab-Instance", "https://gitlab.example.com", "X-Gitlab-Event-UUID",
            "13792a34-cac6-4fda-95a8-c58e00a3954e", "Idempotency-Key", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f"));
    assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
    assertThat(pushed.json().get("status").asText()).isEqualTo("judged");
    assertThat(pushed.json().at("/judgement/matched").asBoolean()).as("no approved change lists it").isFalse();

    // a fast-forward merge has no merge commit (merge_commit_sha null): the last commit is what reached the branch
    String last = ChangeManagementIT.sha(43);
    String merge = """
        {"object_kind": "merge_request", "event_type": "merge_request",
         "user": {"id": 1, "name": "Administrator", "username": "root", "email": "admin@example.com"},
         "project": {"id": 1, "name": "Payroll", "path_with_namespace": "acme/payroll", "default_branch": "master"},
         "object_attributes": {"id": 99, "iid": 7, "target_branch": "master", "source_branch": "ms-viewport",
           "title": "MS-Viewport", "created_at": "2013-12-03T17:23:34Z", "updated_at": "2013-12-03T17:23:34Z",
           "state": "merged", "merge_commit_sha": null, "description": "",
           "last_commit": {"id": "%s", "message": "fixed readme", "title": "Update file README.md",
             "timestamp": "2012-01-03T23:36:29+02:00", "author": {"name": "GitLab dev user", "email": "gitlabdev@dv6700.(none)"}},
           "action": "merge"},
         "changes": {}}""".formatted(last);
    var merged = Http.anonymous(port).post("/api/webhooks/gitlab", "application/json",
        merge.getBytes(StandardCharsets.UTF_8), Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token",
            GITLAB_TOKEN));
    assertThat(merged.status()).as(merged.toString()).isEqualTo(202);
    assertThat(merged.json().get("status").asText()).isEqualTo("judged");
    assertThat(jdbc.queryForObject("select external_ref from change_deployment where id = ?", String.class,
        merged.json().at("/judgement/deploymentId").asLong())).isEqualTo("mr:!7:" + last);
  }

  @Test
  void aPushOfManyUnapprovedCommitsKeepsItsControlExceptionAndItsMailIsDelivered() throws Exception {
    StringBuilder commits = new StringBuilder("[");
    String last = null;
    for (int i = 0; i < 25; i++) {
      last = ChangeManagementIT.sha(600 + i);
      String one = commit(last, "unapproved " + i).strip();
      commits.append(i == 0 ? "" : ",").append(one, 1, one.length() - 1);
    }
    commits.append("]");
    byte[] body = githubPush("acme/ap-payments", "refs/heads/master", last, commits.toString())
        .getBytes(StandardCharsets.UTF_8);
    var response = deliver("application/json", body, "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, body));
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    long exception = response.json().at("/judgement/exceptionId").asLong();
    assertThat(exception).as("the control exception is stored").isPositive();
    String lastCommit = last;
    var mail = org.itgc.support.TestMailServer.await(m -> org.itgc.support.TestMailServer.body(m).contains(lastCommit),
        java.time.Duration.ofSeconds(30));
    assertThat(mail.getSubject().length()).isLessThanOrEqualTo(200);
    assertThat(jdbc.queryForObject("select count(*) from control_exception where id = ?", Integer.class, exception))
        .isEqualTo(1);
  }
}
