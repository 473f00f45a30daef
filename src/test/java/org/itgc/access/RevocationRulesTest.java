package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.junit.jupiter.api.Test;

/** A removal recorded by hand: done (not in the future), and not before the grant it ends. */
class RevocationRulesTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Instant GRANTED = Instant.parse("2026-06-01T09:00:00Z");

  @Test
  void aRemovalIsRecordedOnceDoneAndNotBeforeTheGrant() {
    List<FieldError> errors = new ArrayList<>();
    RevocationRules.checkRemoval(NOW.minusSeconds(60), NOW, GRANTED, errors);
    RevocationRules.checkRemoval(null, NOW, GRANTED, errors);
    assertThat(errors).as("a missing time is the form's 'is required', not this rule's").isEmpty();
    RevocationRules.checkRemoval(NOW.plusSeconds(60), NOW, GRANTED, errors);
    RevocationRules.checkRemoval(GRANTED.minusSeconds(1), NOW, GRANTED, errors);
    assertThat(errors).extracting(FieldError::reason).containsExactly(
        "is in the future: record the removal once it is done", "is before the grant was made (2026-06-01T09:00:00Z)");
    assertThat(errors).extracting(FieldError::field).containsOnly("removedAt");
  }
}
