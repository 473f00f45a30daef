package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.springframework.mock.env.MockEnvironment;

/**
 * config/connectors.yaml is validated whole at start-up, with access.yaml: entries that do not fit are named, a
 * password is never in the file, and nothing connects to a target at start-up.
 */
class ConnectorsConfigTest {

  @TempDir Path dir;

  private static ConfigFiles files(Path directory) {
    return new ConfigFiles(directory, Validation.buildDefaultValidatorFactory().getValidator());
  }

  private static ConfiguredConnectors connectors(Path directory, MockEnvironment environment) {
    SystemsInventory systems = Mockito.mock(SystemsInventory.class);
    Mockito.when(systems.find(Mockito.anyString()))
        .thenReturn(Optional.of(Mockito.mock(FinancialSystem.class)));
    ConfigFiles files = files(directory);
    return new ConfiguredConnectors(files, new AccessCatalogue(files, systems), environment);
  }

  private void copyConfigWith(String connectors) throws IOException {
    Files.copy(Path.of("config/access.yaml"), dir.resolve("access.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("connectors.yaml"), connectors);
  }

  @Test
  void theShippedConnectorsLoadWithoutTheirTargetsOrSecrets() {
    // no directory, no database and no password variables: the engine starts, the connectors fail only when used
    ConfiguredConnectors connectors = connectors(Path.of("config"), new MockEnvironment());
    assertThat(connectors.systemIds()).containsExactly("FIN-SHARES", "TREASURY-DB");
    assertThat(connectors.ofSystem("FIN-SHARES").orElseThrow().id()).isEqualTo("fin-directory");
    assertThat(connectors.ofSystem("TREASURY-DB").orElseThrow().targets())
        .containsEntry("TREASURY_READER", "treasury_reader");
    assertThat(connectors.reconciliationSchedule()).isEqualTo("0 45 2 * * *");
  }

  @Test
  void aConnectorUsedWithoutItsPasswordVariableFailsNamingTheVariable() {
    TargetConnector directory = connectors(Path.of("config"), new MockEnvironment()).ofSystem("FIN-SHARES")
        .orElseThrow();
    assertThatThrownBy(directory::holders).hasMessageContaining("ITGC_FIN_DIRECTORY_PASSWORD").hasMessageContaining(
        "is not set");
  }

  @Test
  void entriesThatDoNotFitAreNamedAndAPasswordInTheFileIsRefused() throws IOException {
    copyConfigWith("""
        reconciliationSchedule: "every night"
        connectors:
          - id: fin-directory
            type: ldap
            ldap:
              url: ldap://localhost:389
              bindDn: not a dn
              peopleBase: ou=people,dc=demo
              personAttribute: uid
              accountField: userName
            entitlements:
              FIN_SHARE_READ: cn=fin-share-read,ou=groups,dc=demo
              FIN_SHARE_WRITE: "not a dn either"
          - id: treasury-db
            type: postgresql
            postgresql:
              url: jdbc:postgresql://localhost/treasury
              username: itgc_provisioner
              password: written-in-the-file
              accountField: userName
            entitlements:
              TREASURY_READER: treasury_reader
        """);
    assertThatThrownBy(() -> connectors(dir, new MockEnvironment()))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("connectors.yaml")
        .hasMessageContaining("password")
        .hasMessageContaining("is not a known field");
  }

  @Test
  void crossFileAndShapeProblemsAreNamedWithTheirEntry() throws IOException {
    copyConfigWith("""
        reconciliationSchedule: "every night"
        connectors:
          - id: fin-directory
            type: ldap
            ldap:
              url: ldap://localhost:389
              bindDn: not a dn
              passwordEnv: X
              passwordFile: x.key
              peopleBase: ou=people,dc=demo
              personAttribute: uid
              accountField: userName
            entitlements:
              FIN_SHARE_READ: cn=fin-share-read,ou=groups,dc=demo
              FIN_SHARE_WRITE: "not a dn either"
          - id: treasury-db
            type: postgresql
            postgresql:
              url: jdbc:postgresql://localhost/treasury
              username: itgc_provisioner
              passwordEnv: TREASURY
              accountField: userName
              serviceLogins: { SVC-GL-ETL: "Bad Login" }
            entitlements:
              TREASURY_READER: "treasury reader"
        """);
    assertThatThrownBy(() -> connectors(dir, new MockEnvironment()))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("reconciliationSchedule: 'every night' is not a cron expression")
        .hasMessageContaining("connectors[0].ldap: name the password's environment variable (passwordEnv) or its key "
            + "file (passwordFile), exactly one")
        .hasMessageContaining("connectors[0].ldap.bindDn: 'not a dn' is not a DN")
        .hasMessageContaining("connectors[0].entitlements.FIN_SHARE_WRITE: 'not a dn either' is not a group's DN")
        .hasMessageContaining("connectors[1].entitlements.TREASURY_READER: 'treasury reader' is not a database role")
        .hasMessageContaining("connectors[1].postgresql.serviceLogins.SVC-GL-ETL: 'Bad Login' is not a login name")
        .hasMessageContaining("connectors[1].postgresql.rotatedPasswordFolder: is required");

    copyConfigWith("""
        reconciliationSchedule: "0 45 2 * * *"
        connectors:
          - id: treasury-db
            type: postgresql
            postgresql:
              url: jdbc:postgresql://localhost/treasury
              username: itgc_provisioner
              passwordEnv: TREASURY
              accountField: userName
              serviceLogins: { SVC-NOBODY: svc_nobody }
              rotatedPasswordFolder: data/rotated
            entitlements:
              TREASURY_READER: treasury_reader
              NO_SUCH_ROLE: no_such_role
          - id: orphan-directory
            type: ldap
            ldap:
              url: ldap://localhost:389
              bindDn: cn=x,dc=demo
              passwordEnv: X
              peopleBase: ou=people,dc=demo
              personAttribute: uid
              accountField: userName
            entitlements: {}
        """);
    assertThatThrownBy(() -> connectors(dir, new MockEnvironment()))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("connectors[0] (treasury-db).entitlements: [TREASURY_ADMIN, TREASURY_ANALYST] of system TREASURY-DB "
            + "are not mapped to a target")
        .hasMessageContaining("connectors[0] (treasury-db).entitlements.NO_SUCH_ROLE: not an entitlement of system "
            + "TREASURY-DB")
        .hasMessageContaining("connectors[0] (treasury-db).postgresql.serviceLogins.SVC-NOBODY: not a service account")
        .hasMessageContaining("connectors[1] (orphan-directory): named by no system of access.yaml");
  }
}
