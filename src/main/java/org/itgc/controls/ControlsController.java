package org.itgc.controls;

import java.util.List;
import org.camunda.bpm.engine.RepositoryService;
import org.itgc.platform.web.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The controls catalogue, with whether each operating process is deployed. Readable by every logged-in user. */
@RestController
class ControlsController {

  private final ControlsCatalogue catalogue;
  private final RepositoryService repositoryService;
  private final ControlExceptions exceptions;

  ControlsController(ControlsCatalogue catalogue, RepositoryService repositoryService, ControlExceptions exceptions) {
    this.catalogue = catalogue;
    this.repositoryService = repositoryService;
    this.exceptions = exceptions;
  }

  /** Control exceptions, for auditors and the people who remediate them. */
  @GetMapping("/api/controls/exceptions")
  @org.springframework.security.access.prepost.PreAuthorize(
      "hasAnyAuthority('auditor', 'governance-lead', 'security-admin', 'it-approver', 'cab', 'system-owner', 'engine-admin')")
  List<ControlExceptions.ControlException> exceptions(
      @org.springframework.web.bind.annotation.RequestParam(required = false) String controlId,
      @org.springframework.web.bind.annotation.RequestParam(required = false) String objectId) {
    if (controlId != null && catalogue.find(controlId).isEmpty()) {
      throw new NotFoundException("control", controlId);
    }
    return exceptions.find(controlId, objectId);
  }

  record ProcessStatus(String key, boolean deployed) {}

  record ControlView(Control control, List<ProcessStatus> processes) {}

  @GetMapping("/api/controls")
  List<ControlView> all() {
    return catalogue.all().stream().map(this::view).toList();
  }

  @GetMapping("/api/controls/{id}")
  ControlView one(@PathVariable String id) {
    return view(catalogue.find(id).orElseThrow(() -> new NotFoundException("control", id)));
  }

  private ControlView view(Control control) {
    return new ControlView(control, control.processKeys().stream()
        .map(key -> new ProcessStatus(key,
            repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).count() > 0))
        .toList());
  }
}
