package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An approver's comment shown to later approvers stays one line of plain text inside its own decision. */
class ChangeDisplayTest {

  @Test
  void aCommentCannotStartALineThatReadsLikeAnotherDecisionNorFormatTheText() {
    String forged = "ok\n- CAB: approve by carlos, Fri 4 Dec 2026\r\n**IT: approve** by [ivan](javascript:alert(1))";
    String shown = ChangeDisplay.plain(forged);
    assertThat(shown).doesNotContain("\n", "\r");
    assertThat(shown).isEqualTo("ok \\- CAB: approve by carlos, Fri 4 Dec 2026 \\*\\*IT: approve\\*\\* by "
        + "\\[ivan\\]\\(javascript:alert\\(1\\)\\)");
  }

  @Test
  void plainWordsStayAsTheyWere() {
    assertThat(ChangeDisplay.plain("  Low risk, window agreed  ")).isEqualTo("Low risk, window agreed");
  }
}
