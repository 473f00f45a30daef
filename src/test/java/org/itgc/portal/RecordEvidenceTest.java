package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordEvidenceTest {

  @Test
  void anObjectiveReadsInHoursMinutesAndSeconds() {
    assertThat(RecordEvidence.words(null)).isEmpty();
    assertThat(RecordEvidence.words(Duration.ZERO)).isEqualTo("0 s");
    assertThat(RecordEvidence.words(Duration.ofHours(72))).isEqualTo("72 h");
    assertThat(RecordEvidence.words(Duration.ofMinutes(330))).isEqualTo("5 h 30 min");
    assertThat(RecordEvidence.words(Duration.ofMinutes(15))).isEqualTo("15 min");
    assertThat(RecordEvidence.words(Duration.ofSeconds(3601))).isEqualTo("1 h 1 s");
  }
}
