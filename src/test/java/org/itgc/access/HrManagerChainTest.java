package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An HR row's manager must exist, and HR's chain must not come back to the person. */
class HrManagerChainTest {

  @Test
  void aManagerMustExistAndTheChainMustNotComeBack() {
    Map<String, String> managers = new HashMap<>();
    managers.put("E1", null);
    managers.put("E2", "E1");
    managers.put("E3", "E2");
    assertThat(Identities.managerProblem("E3", "E2", managers)).isEmpty();
    assertThat(Identities.managerProblem("E1", null, managers)).isEmpty();
    assertThat(Identities.managerProblem("E4", "E99999", managers)).get().asString()
        .contains("'E99999' is neither in the registry nor in this file");
    managers.put("E1", "E3"); // E1 -> E3 -> E2 -> E1
    assertThat(Identities.managerProblem("E1", "E3", managers)).get().asString()
        .contains("cycle").contains("E1 -> E3 -> E2 -> E1");
    managers.put("A", "B");
    managers.put("B", "A");
    assertThat(Identities.managerProblem("A", "B", managers)).get().asString().contains("A -> B -> A");
    // a person below a cycle is not in it: the cycle is reported on its own rows
    managers.put("C", "A");
    assertThat(Identities.managerProblem("C", "A", managers)).isEmpty();
  }

  @Test
  void aChainOfAHundredThousandIsWalkedOnceNotOncePerPerson() {
    Map<String, String> managers = new HashMap<>();
    managers.put("P0", null);
    for (int i = 1; i < 100_000; i++) {
      managers.put("P" + i, "P" + (i - 1));
    }
    var chains = new ManagerChains(managers);
    for (int i = 99_999; i >= 1; i--) {
      assertThat(chains.problem("P" + i, "P" + (i - 1))).isEmpty();
    }
    managers.put("P0", "P99999"); // the top now reports to the bottom: everyone is on one cycle
    var cycle = new ManagerChains(managers);
    assertThat(cycle.problem("P5", "P4")).get().asString().startsWith("would make a cycle in HR's chain: P5 -> P4");
  }
}
