package org.itgc.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module rules of docs/architecture.md, executable: the build fails on a package cycle between capabilities. */
class ModuleRulesTest {

  private static final String[] CAPABILITIES = {"org.itgc.security..", "org.itgc.audit..", "org.itgc.notify..",
      "org.itgc.reminders..", "org.itgc.systems..", "org.itgc.controls..", "org.itgc.change..", "org.itgc.access..",
      "org.itgc.certification..", "org.itgc.continuity..", "org.itgc.integrity..", "org.itgc.portal..",
      "org.itgc.logs.."};


  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.itgc");

  @Test
  void capabilitiesHaveNoCycles() {
    slices().matching("org.itgc.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void thePlatformKnowsNoCapability() {
    noClasses().that().resideInAPackage("org.itgc.platform..").should().dependOnClassesThat()
        .resideInAnyPackage(CAPABILITIES).because("platform is what every capability stands on").check(MAIN);
  }

  @Test
  void nothingDependsOnThePeoplesPages() {
    noClasses().that().resideOutsideOfPackage("org.itgc.portal..").should().dependOnClassesThat()
        .resideInAPackage("org.itgc.portal..")
        .because("the portal gathers the capabilities for people; no capability may need a page").check(MAIN);
  }

  @Test
  void theAuditPortAndTheMailOutboxKnowNoBusinessCapability() {
    noClasses().that().resideInAnyPackage("org.itgc.audit..", "org.itgc.notify..").should().dependOnClassesThat()
        .resideInAnyPackage("org.itgc.change..", "org.itgc.access..", "org.itgc.certification..",
            "org.itgc.continuity..", "org.itgc.controls..", "org.itgc.reminders..", "org.itgc.logs..")
        .because("every capability records and mails through them").check(MAIN);
  }

  /**
   * The services behind the process glue take plain values and records: only the glue ({@code *ProcessGlue}), the
   * platform's adapters that read a task's form or model ({@code TaskInputs}, {@code ModelProperties},
   * {@code ProcessVariable}) and the engine's own extensions (listeners, plugins) touch Camunda's delegate types.
   * No service is excepted by name: certification, the last one, is cut too (issue #21).
   */
  @Test
  void servicesTakePlainValuesNotTheEnginesDelegates() {
    noClasses().that().resideInAPackage("org.itgc..").and().haveSimpleNameNotEndingWith("ProcessGlue")
        .and().haveSimpleNameNotEndingWith("Listener")
        .and().areNotAssignableTo(org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin.class)
        .and().doNotHaveSimpleName("TaskInputs").and().doNotHaveSimpleName("ModelProperties")
        .and().doNotHaveSimpleName("ProcessVariable")
        .should().dependOnClassesThat().haveFullyQualifiedName("org.camunda.bpm.engine.delegate.DelegateExecution")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.camunda.bpm.engine.delegate.DelegateTask")
        .because("a service's rules are tested without the engine; the glue adapts the engine to them").check(MAIN);
  }

  /**
   * No controller ({@code @RestController} or {@code @Controller}) reaches the database itself (issue #21): no
   * JdbcTemplate, JdbcClient or NamedParameterJdbcTemplate (nor their interfaces); each capability's SQL is in its
   * stores, which return records.
   */
  @Test
  void controllersHoldNoSql() {
    noClasses().that().resideInAPackage("org.itgc..")
        .and().areMetaAnnotatedWith(org.springframework.stereotype.Controller.class)
        .should().dependOnClassesThat().belongToAnyOf(org.springframework.jdbc.core.JdbcTemplate.class,
            org.springframework.jdbc.core.JdbcOperations.class, org.springframework.jdbc.core.simple.JdbcClient.class,
            org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate.class,
            org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations.class)
        .because("a capability's SQL is in its stores, which return records; its controllers call them")
        .check(MAIN);
  }
}
