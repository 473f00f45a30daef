package org.itgc.access;

import java.util.List;
import org.itgc.platform.web.InvalidInputException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The connected systems' API: the reconciliation of targets with the registry on demand (security admins, governance
 * leads, auditors), and a service account's password rotation (security admins).
 */
@RestController
class ConnectorsController {

  private final TargetReconciliation reconciliation;
  private final ConfiguredConnectors connectors;
  private final ServiceAccountRotations rotations;

  ConnectorsController(TargetReconciliation reconciliation, ConfiguredConnectors connectors,
      ServiceAccountRotations rotations) {
    this.reconciliation = reconciliation;
    this.connectors = connectors;
    this.rotations = rotations;
  }

  /** Reconciles one connected system ({@code system}) or all of them now; new findings become AC-01 exceptions. */
  @PostMapping("/api/access/connectors/reconciliations")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead', 'auditor')")
  List<TargetReconciliation.Result> reconcile(@RequestParam(name = "system", required = false) String system,
      Authentication authentication) {
    if (system == null) {
      return reconciliation.reconcileAll(authentication.getName());
    }
    if (connectors.ofSystem(system).isEmpty()) {
      throw InvalidInputException.of("system", "'" + system + "' is not a system with a connector of "
          + ConnectorsFile.FILE + " (connected: " + connectors.systemIds() + ")");
    }
    return List.of(reconciliation.reconcile(system, authentication.getName()));
  }

  /** Rotates the password of a service account's database login. */
  @PostMapping("/api/access/service-accounts/{serviceAccountId}/rotation")
  @PreAuthorize("hasAnyAuthority('security-admin')")
  ServiceAccountRotations.Rotated rotate(@PathVariable String serviceAccountId, Authentication authentication) {
    return rotations.rotateOnDemand(serviceAccountId, authentication.getName());
  }
}
