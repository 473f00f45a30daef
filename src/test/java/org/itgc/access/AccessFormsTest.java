package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.access.AccessRequestProcess.Fields;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.itgc.systems.SystemsInventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.Mockito;

/**
 * The access forms offer exactly the entitlements of config/access.yaml (form-js has no dynamic option lists, so the
 * list is a copy checked here), and submit the variables the glue reads. The catalogue itself refuses entries that
 * do not fit: an unknown function, system or job pattern.
 */
class AccessFormsTest {

  private final ConfigFiles config = new ConfigFiles(Path.of("config"), Validation.buildDefaultValidatorFactory().getValidator());

  private AccessCatalogue catalogue() {
    SystemsInventory systems = Mockito.mock(SystemsInventory.class);
    Mockito.when(systems.find(Mockito.anyString())).thenAnswer(call ->
        Set.of("ERP-GL", "AP-PAY", "PAYROLL", "BI-REPORTING", "FIN-SHARES", "TREASURY-DB", "ITGC-ENGINE")
            .contains(call.getArgument(0, String.class))
            ? java.util.Optional.of(Mockito.mock(org.itgc.systems.FinancialSystem.class)) : java.util.Optional.empty());
    return new AccessCatalogue(config, systems);
  }

  @ParameterizedTest
  @ValueSource(strings = {Fields.ENTITLEMENT_1, Fields.ENTITLEMENT_2, Fields.ENTITLEMENT_3})
  void theStartFormOffersExactlyTheCatalogue(String field) throws IOException {
    List<String> expected = catalogue().entitlements().stream().filter(e -> e.entitlement().isRequestable())
        .map(AccessCatalogue.SystemEntitlement::key).toList();
    List<String> offered = options(form("access-request-start"), field);
    assertThat(offered).containsExactlyElementsOf(expected);
  }

  @Test
  void theFormsSubmitWhatTheGlueReads() throws IOException {
    assertThat(keys(form("access-request-start"))).containsExactlyInAnyOrder(Fields.BENEFICIARY_ID,
        Fields.ENTITLEMENT_1, Fields.ENTITLEMENT_2, Fields.ENTITLEMENT_3, Fields.JUSTIFICATION,
        Fields.EXCEPTION_REQUESTED);
    assertThat(keys(form("access-request-approval"))).containsExactlyInAnyOrder(Fields.DECISION, Fields.COMMENT);
    assertThat(keys(form("access-request-exception"))).containsExactlyInAnyOrder(Fields.DECISION, Fields.COMMENT,
        Fields.MITIGATING_CONTROL, Fields.EXCEPTION_EXPIRES);
    assertThat(keys(form("access-request-fulfilment"))).containsExactlyInAnyOrder(Fields.FULFILMENT_METHOD,
        Fields.FULFILMENT_REFERENCE);
    assertThat(keys(form("access-revocation-removal"))).containsExactlyInAnyOrder(AccessRevocationProcess.Fields.REMOVED_AT,
        AccessRevocationProcess.Fields.METHOD, AccessRevocationProcess.Fields.REFERENCE);
  }

  @Test
  void theElevationFormsSubmitWhatTheGlueReadsAndShowTheServersDisplay() throws IOException {
    assertThat(keys(form("privileged-elevation-approval"))).containsExactlyInAnyOrder(
        PrivilegedElevationProcess.Fields.DECISION, PrivilegedElevationProcess.Fields.COMMENT);
    assertThat(keys(form("privileged-elevation-provisioning"))).containsExactlyInAnyOrder(
        PrivilegedElevationProcess.Fields.PROVISION_METHOD, PrivilegedElevationProcess.Fields.PROVISION_REFERENCE);
    assertThat(keys(form("privileged-elevation-removal"))).containsExactlyInAnyOrder(
        PrivilegedElevationProcess.Fields.REMOVAL_METHOD, PrivilegedElevationProcess.Fields.REMOVAL_REFERENCE);
    assertThat(keys(form("privileged-elevation-review"))).containsExactlyInAnyOrder(
        PrivilegedElevationProcess.Fields.REVIEW_OUTCOME, PrivilegedElevationProcess.Fields.REVIEW_COMMENT);
    assertThat(form("privileged-elevation-review").toString())
        .contains("{{" + PrivilegedElevationProcess.Display.WINDOW_ACTIVITY + "}}")
        .contains("{{" + PrivilegedElevationProcess.Display.ELEVATION + "}}");
  }

  @Test
  void justInTimeEntitlementsAreNotRequestedAndEachHasItsEligibility() {
    AccessCatalogue catalogue = catalogue();
    var admin = catalogue.entitlement("TREASURY-DB", "TREASURY_ADMIN").orElseThrow();
    assertThat(admin.isJit()).isTrue();
    assertThat(admin.privileged()).isTrue();
    assertThat(admin.isRequestable()).isFalse();
    assertThat(catalogue.eligibilityFor("TREASURY-DB", "TREASURY_ADMIN").orElseThrow().id())
        .isEqualTo("TREASURY_ADMIN_ELIGIBLE");
    assertThat(catalogue.eligibilityFor("FIN-SHARES", "FIN_SHARE_ADMIN").orElseThrow().isRequestable()).isTrue();
    assertThat(catalogue.registryOnly("FIN-SHARES", "FIN_SHARE_ADMIN_ELIGIBLE")).isTrue();
    assertThat(catalogue.registryOnly("FIN-SHARES", "FIN_SHARE_ADMIN")).isFalse();
  }

  @Test
  void theCatalogueKnowsItsFunctionsAndTheMoverRule() {
    AccessCatalogue catalogue = catalogue();
    assertThat(catalogue.financialTransactionFunctions()).hasSize(15).contains("AP_PAYMENT_APPROVE", "PAYROLL_RUN");
    assertThat(catalogue.functionsOf("AP-PAY", "AP_CLERK")).containsExactly("AP_INVOICE_ENTER");
    assertThat(catalogue.entitlement("PAYROLL", "PAYROLL_DBA").orElseThrow().privileged()).isTrue();
    assertThat(catalogue.connectorOf("ITGC-ENGINE")).contains("itgc-engine-roles");
    assertThat(catalogue.connectorOf("ERP-GL")).isEmpty();
    assertThat(catalogue.justifies("Payroll Specialist", "BI-REPORTING", "BI_VIEWER")).isTrue();
    assertThat(catalogue.justifies("Payroll Specialist", "AP-PAY", "AP_CLERK")).isFalse();
    assertThat(catalogue.justifies("Governance Lead", "BI-REPORTING", "BI_AUTHOR")).as("SYSTEM/* pattern").isTrue();
    assertThat(catalogue.justifies("No Such Job", "BI-REPORTING", "BI_VIEWER")).isFalse();
  }

  @Test
  void aCatalogueEntryThatDoesNotFitIsRefusedNamingIt(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    String text = java.nio.file.Files.readString(Path.of("config/access.yaml"))
        .replace("functions: [GL_JOURNAL_POST] }", "functions: [GL_JOURNAL_PSOT] }")
        .replace("BI-REPORTING/BI_VIEWER, ITGC-ENGINE/requester]", "BI-REPORTING/BI_VIEWR, ITGC-ENGINE/requester]")
        .replace("kind: group, privileged: true, jit: true", "kind: group, privileged: false, jit: true")
        .replace("eligibleFor: TREASURY_ADMIN,", "eligibleFor: TREASURY_ANALYST,")
        .replace("{ id: PAYROLL_DBA, name: Payroll database administrator, kind: account, privileged: true,",
            "{ id: PAYROLL_DBA, name: Payroll database administrator, kind: account, privileged: true, jit: true,");
    java.nio.file.Files.writeString(dir.resolve("access.yaml"), text);
    var broken = new ConfigFiles(dir, Validation.buildDefaultValidatorFactory().getValidator());
    SystemsInventory systems = Mockito.mock(SystemsInventory.class);
    Mockito.when(systems.find(Mockito.anyString())).thenReturn(java.util.Optional.of(Mockito.mock(org.itgc.systems.FinancialSystem.class)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AccessCatalogue(broken, systems))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("systems.ERP-GL.GL_ACCOUNTANT: function GL_JOURNAL_PSOT is not in functions")
        .hasMessageContaining("BI-REPORTING/BI_VIEWR is not SYSTEM/ENTITLEMENT")
        .hasMessageContaining("systems.FIN-SHARES.FIN_SHARE_ADMIN: a jit entitlement is privileged")
        .hasMessageContaining("systems.TREASURY-DB.TREASURY_ADMIN_ELIGIBLE: eligibleFor must name a jit entitlement")
        .hasMessageContaining("systems.PAYROLL.PAYROLL_DBA: a jit entitlement is on a system provisioned by a connector");
  }

  private static JsonNode form(String id) throws IOException {
    return new ObjectMapper().readTree(Path.of("forms", id + ".form").toFile()).get("components");
  }

  private static Set<String> keys(JsonNode components) {
    Set<String> keys = new TreeSet<>();
    components.forEach(c -> {
      if (c.has("key")) {
        keys.add(c.get("key").asText());
      }
    });
    return keys;
  }

  private static List<String> options(JsonNode components, String key) {
    List<String> values = new ArrayList<>();
    for (JsonNode component : components) {
      if (key.equals(component.path("key").asText())) {
        component.path("values").forEach(v -> values.add(v.get("value").asText()));
      }
    }
    return values;
  }
}
