package org.itgc.controls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.access.AccessPopulations;
import org.itgc.certification.CertificationPopulations;
import org.itgc.change.ChangePopulations;
import org.itgc.continuity.ContinuityPopulations;
import org.junit.jupiter.api.Test;

/** The populations are answered by the capabilities' sources, each control by exactly one (issue #21). */
class EvidencePopulationsTest {

  private static PopulationSource answering(String... controls) {
    return new PopulationSource() {
      @Override
      public Set<String> controls() {
        return Set.of(controls);
      }

      @Override
      public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
        return List.of();
      }
    };
  }

  @Test
  void theCapabilitiesAnswerTheControlsTheEngineHeldBefore() {
    var populations = new EvidencePopulations(List.of(new ChangePopulations(null), new AccessPopulations(null),
        new CertificationPopulations(null), new ContinuityPopulations(null), new CheckpointPopulation(null)));
    assertThat(populations.controls()).containsExactly("AC-01", "AC-02", "AC-03", "AC-04", "AC-05", "AC-06", "BC-01",
        "BC-02",
        "CM-01", "CM-02", "CM-03", "CM-04", "CM-05", "LG-01");
    assertThat(populations.sourceOf("CM-03")).containsInstanceOf(ChangePopulations.class);
    assertThat(populations.sourceOf("AC-05")).containsInstanceOf(AccessPopulations.class);
    assertThat(populations.sourceOf("AC-06")).containsInstanceOf(AccessPopulations.class);
    assertThat(populations.sourceOf("AC-04")).containsInstanceOf(CertificationPopulations.class);
    assertThat(populations.sourceOf("BC-02")).containsInstanceOf(ContinuityPopulations.class);
    assertThat(populations.sourceOf("LG-01")).containsInstanceOf(CheckpointPopulation.class);
    assertThat(populations.sourceOf("SC-01")).isEmpty();
  }

  @Test
  void everyControlWithATrailReconciliationNamesItsCreatingActionsAndTable() {
    for (PopulationSource source : List.of(new ChangePopulations(null), new AccessPopulations(null),
        new CertificationPopulations(null), new ContinuityPopulations(null))) {
      for (String control : source.controls()) {
        var reconciliation = source.reconciliation(control);
        if (control.equals("AC-05")) {
          assertThat(reconciliation).as("AC-05 is reconciled with its scans' digests").isNull();
          continue;
        }
        assertThat(reconciliation).as(control).isNotNull();
        assertThat(reconciliation.creatingActions()).as(control).isNotEmpty();
        assertThat(reconciliation.table()).as(control).isNotBlank();
      }
    }
    assertThat(new ChangePopulations(null).reconciliation("CM-01").membership().parts())
        .anySatisfy(part -> assertThat(part.actions()).contains("change.implement"));
    assertThat(new CertificationPopulations(null).reconciliation("AC-04").scopeKey()).isEqualTo("item_id");
  }

  @Test
  void accessSupplementsAc04WithTheServiceAccountsRotationsAndOwnerChanges() {
    var populations = new EvidencePopulations(List.of(new ChangePopulations(null), new AccessPopulations(null),
        new CertificationPopulations(null), new ContinuityPopulations(null), new CheckpointPopulation(null)));
    assertThat(populations.sourcesOf("AC-04")).extracting(s -> s.getClass().getSimpleName())
        .containsExactly("CertificationPopulations", "AccessPopulations");
    assertThat(populations.sourcesOf("AC-01")).hasSize(1);
    assertThat(populations.sourcesOf("SC-01")).isEmpty();
    assertThat(new AccessPopulations(null).reconciliation("AC-04")).isNull();
    // the rows of each source, the answering source's first
    PopulationSource certification = rows("AC-04", Map.of("item_id", "17", "audit_object_id", "CAMP-1"));
    PopulationSource access = supplementing("AC-04", Map.of("item_id", "rotation-3", "audit_object_id", "SVC-X"));
    var both = new EvidencePopulations(List.of(access, certification));
    assertThat(both.population("AC-04", Instant.EPOCH, Instant.now())).extracting(r -> r.get("item_id"))
        .containsExactly("17", "rotation-3");
    // the service accounts' rows: rotations and owner changes of the period, never the first sight of an owner
    assertThat(AccessPopulations.AC04_SERVICE_ACCOUNTS).contains("access_service_account_rotation")
        .contains("access_service_account_owner_change").contains("source <> 'initial'").contains("'rotation-' ||")
        .contains("'owner-change-' ||");
  }

  @Test
  void aSupplementToAControlNobodyAnswersStopsTheStart() {
    assertThatThrownBy(() -> new EvidencePopulations(List.of(answering("CM-01"), supplementing("CM-09"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("CM-09");
  }

  private static PopulationSource rows(String control, Map<String, Object> row) {
    return new PopulationSource() {
      @Override
      public Set<String> controls() {
        return Set.of(control);
      }

      @Override
      public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
        return List.of(row);
      }
    };
  }

  @SafeVarargs
  private static PopulationSource supplementing(String control, Map<String, Object>... rows) {
    return new PopulationSource() {
      @Override
      public Set<String> controls() {
        return Set.of();
      }

      @Override
      public Set<String> supplements() {
        return Set.of(control);
      }

      @Override
      public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
        return List.of(rows);
      }
    };
  }

  @Test
  void aControlAnsweredTwiceStopsTheStart() {
    assertThatThrownBy(() -> new EvidencePopulations(List.of(answering("CM-01"), answering("CM-01", "CM-02"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("CM-01");
  }
}
