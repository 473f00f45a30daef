package org.itgc.change;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.BadRequestException;
import org.itgc.systems.SystemsInventory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Service;

/**
 * Source-control events as GitHub and GitLab send them. GitHub signs the body with HMAC-SHA256
 * ({@code X-Hub-Signature-256}); GitLab sends a shared token ({@code X-Gitlab-Token}). A push to the default branch
 * and a merged pull/merge request into it, on a repository mapped to a financial system, are production deployments
 * handed to {@link DeploymentReconciliation}. Forged or unsigned deliveries are refused and audited.
 */
@Service
public class SourceControlWebhooks {

  private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

  private final DeploymentReconciliation reconciliation;
  private final SystemsInventory systems;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final String githubSecret;
  private final String gitlabToken;

  SourceControlWebhooks(DeploymentReconciliation reconciliation, SystemsInventory systems, AuditRecorder audit,
      ObjectMapper json, Clock clock, @Value("${itgc.change.webhooks.github-secret:}") String githubSecret,
      @Value("${itgc.change.webhooks.gitlab-token:}") String gitlabToken) {
    this.reconciliation = reconciliation;
    this.systems = systems;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.githubSecret = githubSecret;
    this.gitlabToken = gitlabToken;
  }

  /** What became of a delivery. */
  public record Outcome(String status, String reason, DeploymentReconciliation.Judgement judgement) {}

  /**
   * A GitHub delivery in either content type GitHub offers: {@code application/json}, or
   * {@code application/x-www-form-urlencoded} with the JSON in the form field {@code payload}. The signature covers
   * the raw body in both.
   */
  public Outcome github(String event, String signature, String contentType, byte[] body, String clientAddress) {
    if (githubSecret.isBlank() || signature == null || !signature.startsWith("sha256=")
        || !MessageDigest.isEqual(hmac(githubSecret, body).getBytes(StandardCharsets.US_ASCII),
            signature.substring(7).toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
      refuse("github", clientAddress, githubSecret.isBlank() ? "no GitHub webhook secret is configured"
          : "the X-Hub-Signature-256 signature does not match the body");
    }
    JsonNode root = parse(isForm(contentType) ? formPayload(body) : body);
    String repository = text(root.path("repository"), "full_name");
    String defaultBranch = root.path("repository").path("default_branch").asText("main");
    if ("push".equals(event) && (root.path("deleted").asBoolean(false) || ZERO_SHA.equals(root.path("after").asText()))) {
      return new Outcome("ignored", "the push deleted " + root.path("ref").asText() + ": nothing was deployed", null);
    }
    if ("push".equals(event)) {
      List<DeploymentReconciliation.Commit> commits = new ArrayList<>();
      for (JsonNode commit : root.path("commits")) {
        commits.add(new DeploymentReconciliation.Commit(text(commit, "id"), commit.path("message").asText(null),
            commit.path("author").path("name").asText(null), commit.path("author").path("email").asText(null),
            commit.path("author").path("username").asText(null)));
      }
      reconciliation.recordCommits(repository, "github", commits);
      if (!("refs/heads/" + defaultBranch).equals(text(root, "ref"))) {
        return new Outcome("ignored", "push to " + root.path("ref").asText() + ", not to the default branch", null);
      }
      String pusher = root.path("sender").path("login").asText(root.path("pusher").path("name").asText("unknown"));
      Instant at = time(root.path("head_commit").path("timestamp").asText(null));
      return deployment(repository, new DeploymentReconciliation.Deployment("github", "push:" + text(root, "after"),
          repository, null, at, pusher, commits.stream().map(DeploymentReconciliation.Commit::sha).toList(), List.of(),
          null, null));
    }
    if ("pull_request".equals(event)) {
      JsonNode pr = root.path("pull_request");
      if (!"closed".equals(root.path("action").asText()) || !pr.path("merged").asBoolean(false)
          || !defaultBranch.equals(pr.path("base").path("ref").asText())) {
        return new Outcome("ignored", "not a pull request merged into the default branch", null);
      }
      String mergeCommit = text(pr, "merge_commit_sha");
      String number = "#" + pr.path("number").asInt();
      reconciliation.recordCommits(repository, "github", List.of(new DeploymentReconciliation.Commit(mergeCommit,
          pr.path("title").asText(null), null, null, pr.path("user").path("login").asText(null))));
      return deployment(repository, new DeploymentReconciliation.Deployment("github", "pr:" + number + ":" + mergeCommit,
          repository, null, time(pr.path("merged_at").asText(null)),
          pr.path("merged_by").path("login").asText("unknown"), List.of(mergeCommit), List.of(number), null,
          pr.path("title").asText("") + "\n" + pr.path("body").asText("")));
    }
    return new Outcome("ignored", "event '" + event + "' is not used", null);
  }

  public Outcome gitlab(String event, String token, byte[] body, String clientAddress) {
    if (gitlabToken.isBlank() || token == null || !MessageDigest.isEqual(gitlabToken.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8))) {
      refuse("gitlab", clientAddress, gitlabToken.isBlank() ? "no GitLab webhook token is configured"
          : "the X-Gitlab-Token does not match");
    }
    JsonNode root = parse(body);
    String kind = root.path("object_kind").asText(event == null ? "" : event);
    String repository = text(root.path("project"), "path_with_namespace");
    String defaultBranch = root.path("project").path("default_branch").asText("main");
    if ("push".equals(kind) && ZERO_SHA.equals(root.path("after").asText())) {
      return new Outcome("ignored", "the push deleted " + root.path("ref").asText() + ": nothing was deployed", null);
    }
    if ("push".equals(kind)) {
      List<DeploymentReconciliation.Commit> commits = new ArrayList<>();
      for (JsonNode commit : root.path("commits")) {
        commits.add(new DeploymentReconciliation.Commit(text(commit, "id"), commit.path("message").asText(null),
            commit.path("author").path("name").asText(null), commit.path("author").path("email").asText(null), null));
      }
      reconciliation.recordCommits(repository, "gitlab", commits);
      if (!("refs/heads/" + defaultBranch).equals(text(root, "ref"))) {
        return new Outcome("ignored", "push to " + root.path("ref").asText() + ", not to the default branch", null);
      }
      Instant at = commits.isEmpty() ? clock.instant()
          : time(root.path("commits").get(root.path("commits").size() - 1).path("timestamp").asText(null));
      return deployment(repository, new DeploymentReconciliation.Deployment("gitlab", "push:" + text(root, "after"),
          repository, null, at, root.path("user_username").asText("unknown"),
          commits.stream().map(DeploymentReconciliation.Commit::sha).toList(), List.of(), null, null));
    }
    if ("merge_request".equals(kind)) {
      JsonNode mr = root.path("object_attributes");
      if (!"merged".equals(mr.path("state").asText()) || !defaultBranch.equals(mr.path("target_branch").asText())) {
        return new Outcome("ignored", "not a merge request merged into the default branch", null);
      }
      // a fast-forward merge has no merge commit: the squash commit, else the last commit, is what reached the branch
      String mergeCommit = firstText(mr, "merge_commit_sha", "squash_commit_sha");
      if (mergeCommit == null) {
        mergeCommit = text(mr.path("last_commit"), "id");
      }
      String number = "!" + mr.path("iid").asInt();
      reconciliation.recordCommits(repository, "gitlab", List.of(new DeploymentReconciliation.Commit(mergeCommit,
          mr.path("title").asText(null), null, mr.path("last_commit").path("author").path("email").asText(null), null)));
      return deployment(repository, new DeploymentReconciliation.Deployment("gitlab", "mr:" + number + ":" + mergeCommit,
          repository, null, time(mr.path("updated_at").asText(null)), root.path("user").path("username").asText("unknown"),
          List.of(mergeCommit), List.of(number), null, mr.path("title").asText("") + "\n" + mr.path("description").asText("")));
    }
    return new Outcome("ignored", "event '" + kind + "' is not used", null);
  }

  private static boolean isForm(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /** The {@code payload} field of a form-encoded delivery, decoded. */
  private static byte[] formPayload(byte[] body) {
    byte[] payload = null;
    for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      if (name.equals("payload")) {
        if (payload != null) {
          throw new BadRequestException("payload", "appears twice: GitHub sends it once");
        }
        try {
          payload = java.net.URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new BadRequestException("payload", "is not URL-encoded: " + e.getMessage());
        }
      }
    }
    if (payload == null) {
      throw new BadRequestException("payload", "is missing: a form-encoded GitHub delivery carries its JSON in the field payload");
    }
    return payload;
  }

  private Outcome deployment(String repository, DeploymentReconciliation.Deployment deployment) {
    if (systems.forRepository(repository).isEmpty()) {
      return new Outcome("ignored", "repository " + repository + " is not mapped to a financial system", null);
    }
    return new Outcome("judged", null, reconciliation.receive(deployment));
  }

  private void refuse(String source, String clientAddress, String reason) {
    audit.recordIndependently(AuditEvent.system("webhook.refuse", "webhook", source).clientAddress(clientAddress)
        .denied(reason).build());
    throw new BadCredentialsException("Webhook refused: " + reason);
  }

  private JsonNode parse(byte[] body) {
    try {
      JsonNode root = json.readTree(body);
      if (root == null || !root.isObject()) {
        throw new BadRequestException("body", "must be a JSON object");
      }
      cleanText(root);
      return root;
    } catch (JsonProcessingException e) {
      throw new BadRequestException("body", "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
    } catch (java.io.IOException e) {
      throw new BadRequestException("body", "cannot be read");
    }
  }

  private static String firstText(JsonNode node, String... fields) {
    for (String field : fields) {
      JsonNode value = node.path(field);
      if (value.isTextual() && !value.asText().isBlank()) {
        return value.asText();
      }
    }
    return null;
  }

  /**
   * A delivery is evidence of what was pushed and is never refused for its text: control characters that cannot be
   * stored (a NUL in a commit message) become U+FFFD in what is kept; the signature was checked over the raw body.
   */
  private static void cleanText(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      var names = new ArrayList<String>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (value.isTextual() && org.itgc.platform.web.StrictText.firstForbidden(value.asText()) >= 0) {
          object.put(name, org.itgc.platform.web.StrictText.replaced(value.asText()));
        } else {
          cleanText(value);
        }
      }
    } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode value = array.get(i);
        if (value.isTextual() && org.itgc.platform.web.StrictText.firstForbidden(value.asText()) >= 0) {
          array.set(i, array.textNode(org.itgc.platform.web.StrictText.replaced(value.asText())));
        } else {
          cleanText(value);
        }
      }
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new BadRequestException(field, "is missing from the event payload");
    }
    return value.asText();
  }

  private Instant time(String value) {
    if (value == null || value.isBlank() || "null".equals(value)) {
      return clock.instant();
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (RuntimeException e) {
      try {
        return Instant.parse(value);
      } catch (RuntimeException again) {
        return clock.instant();
      }
    }
  }

  static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

}
