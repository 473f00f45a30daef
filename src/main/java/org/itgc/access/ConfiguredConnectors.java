package org.itgc.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The connectors of {@code config/connectors.yaml}, validated whole at start-up with {@code access.yaml}: each is
 * named by exactly one system ({@code provisioning: <id>}) and maps every entitlement of that system, and nothing
 * else. Nothing connects at start-up: a target that is away fails only the steps that need it.
 */
@Component("configuredConnectors")
public class ConfiguredConnectors {

  private final Map<String, TargetConnector> byId = new LinkedHashMap<>();
  private final Map<String, TargetConnector> bySystem = new LinkedHashMap<>();
  private final String reconciliationSchedule;

  ConfiguredConnectors(ConfigFiles configFiles, AccessCatalogue catalogue, Environment environment) {
    ConnectorsFile file = configFiles.read(ConnectorsFile.FILE, ConnectorsFile.class);
    ConnectorSettings settings = new ConnectorSettings(environment, configFiles.directory());
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < file.connectors().size(); i++) {
      ConnectorsFile.Connector connector = file.connectors().get(i);
      String at = "connectors[" + i + "] (" + connector.id() + ")";
      List<String> systems = catalogue.systemIds().stream()
          .filter(s -> catalogue.connectorOf(s).filter(connector.id()::equals).isPresent()).toList();
      if (systems.size() != 1) {
        problems.add(at + ": named by " + (systems.isEmpty() ? "no system" : "systems " + systems) + " of "
            + AccessCatalogue.FILE + " (provisioning: " + connector.id() + "); a connector serves exactly one system");
        continue;
      }
      String systemId = systems.get(0);
      Set<String> entitlements = new TreeSet<>();
      // an eligibility is the registry's only: nothing on the target to map
      catalogue.entitlements().stream().filter(e -> e.systemId().equals(systemId))
          .filter(e -> !e.entitlement().isEligibility())
          .forEach(e -> entitlements.add(e.entitlement().id()));
      Set<String> unmapped = new TreeSet<>(entitlements);
      unmapped.removeAll(connector.entitlements().keySet());
      if (!unmapped.isEmpty()) {
        problems.add(at + ".entitlements: " + unmapped + " of system " + systemId + " are not mapped to a target");
      }
      connector.entitlements().keySet().stream().filter(e -> !entitlements.contains(e)).sorted().forEach(e ->
          problems.add(at + ".entitlements." + e + ": not an entitlement of system " + systemId));
      if (ConnectorsFile.POSTGRESQL.equals(connector.type())) {
        Set<String> accounts = new TreeSet<>();
        catalogue.serviceAccounts().forEach(a -> accounts.add(a.id()));
        connector.postgresql().serviceLogins().keySet().stream().filter(a -> !accounts.contains(a)).sorted()
            .forEach(a -> problems.add(at + ".postgresql.serviceLogins." + a + ": not a service account of "
                + AccessCatalogue.FILE));
      }
      TargetConnector built = ConnectorsFile.LDAP.equals(connector.type())
          ? new LdapDirectoryConnector(connector, systemId, settings)
          : new PostgresRolesConnector(connector, systemId, settings);
      byId.put(connector.id(), built);
      bySystem.put(systemId, built);
    }
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(configFiles.resolve(ConnectorsFile.FILE), problems);
    }
    this.reconciliationSchedule = file.reconciliationSchedule();
  }

  List<TargetConnector> all() {
    return List.copyOf(byId.values());
  }

  Optional<TargetConnector> ofSystem(String systemId) {
    return Optional.ofNullable(bySystem.get(systemId));
  }

  /** The connected systems, in the file's order. */
  Set<String> systemIds() {
    return bySystem.keySet();
  }

  public String reconciliationSchedule() {
    return reconciliationSchedule;
  }
}
