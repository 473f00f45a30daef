package org.itgc.integrity;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.change.ChangeService;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Model changes over the application's API: what a change holds (files, hashes, what they replace, the diff) and
 * what the server deployed; opening one from files (for pipelines; Camunda Modeler's deployments arrive through
 * {@code /engine-rest/deployment/create}); and a rollback, which is a model change holding an earlier version.
 */
@RestController
class ModelChangesController {

  private final ModelChanges models;
  private final ChangeService changes;
  private final TrackedFiles tracked;

  ModelChangesController(ModelChanges models, ChangeService changes, TrackedFiles tracked) {
    this.models = models;
    this.changes = changes;
    this.tracked = tracked;
  }

  /** Every version of the repository's models and of config/ the engine started with, newest first, with diffs. */
  @GetMapping("/api/tracked-files")
  List<TrackedFiles.Version> tracked(@org.springframework.web.bind.annotation.RequestParam(required = false) String kind,
      @org.springframework.web.bind.annotation.RequestParam(required = false) String name) {
    if (kind != null && !List.of("model", "config").contains(kind)) {
      throw new BadRequestException("kind", "'" + kind + "' is not model or config");
    }
    return tracked.versions(kind, name);
  }

  record FileBody(String name, String content) {}

  record OpenBody(String title, List<FileBody> files) {}

  record RollbackBody(String deploymentId, String resourceName) {}

  @GetMapping("/api/model-changes/{changeId}")
  Map<String, Object> show(@PathVariable String changeId) {
    var state = changes.state(changeId).orElseThrow(() -> new NotFoundException("change", changeId));
    var files = models.files(changeId);
    if (files.isEmpty()) {
      throw new NotFoundException("model change", changeId);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("change", state);
    body.put("files", files);
    body.put("deployment", models.deployment(changeId));
    return body;
  }

  @PostMapping("/api/model-changes")
  @PreAuthorize("hasAuthority('governance-lead')")
  ResponseEntity<Map<String, String>> open(@RequestBody OpenBody body, Authentication authentication) {
    if (body == null || body.files() == null || body.files().isEmpty()) {
      throw new BadRequestException("files", "name at least one file with its name and content");
    }
    var files = body.files().stream().map(f -> new ModelChanges.ModelFile(f.name(),
        f.content() == null ? new byte[0] : f.content().getBytes(StandardCharsets.UTF_8))).toList();
    String id = models.open(authentication.getName(), body.title() == null || body.title().isBlank()
        ? String.join(", ", files.stream().map(ModelChanges.ModelFile::name).toList()) : body.title().strip(), files);
    return ResponseEntity.status(201).body(Map.of("id", id));
  }

  @PostMapping("/api/model-changes/rollback")
  @PreAuthorize("hasAuthority('governance-lead')")
  ResponseEntity<Map<String, String>> rollback(@RequestBody RollbackBody body, Authentication authentication) {
    if (body == null || body.deploymentId() == null || body.deploymentId().isBlank()) {
      throw new BadRequestException("deploymentId", "is required: the deployment whose version comes back");
    }
    if (body.resourceName() == null || body.resourceName().isBlank()) {
      throw new BadRequestException("resourceName", "is required: the file, such as change-request.bpmn");
    }
    String id = models.rollback(authentication.getName(), body.deploymentId().strip(), body.resourceName().strip());
    return ResponseEntity.status(201).body(Map.of("id", id));
  }
}
