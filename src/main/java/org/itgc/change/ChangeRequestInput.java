package org.itgc.change;

import java.time.Instant;
import java.util.List;

/**
 * What a requester submits, from the API or the Tasklist start form, after parsing. {@link ChangeValidation} checks
 * it in one place for both.
 */
public record ChangeRequestInput(String title, String systemId, String changeType, String standardChangeType,
    String description,
    String justification, boolean touchesFinancialData, String implementationPlan, boolean hasTestedRollback,
    String rollbackPlan, Instant plannedStart, Instant plannedEnd, String repository, List<String> commits,
    String testEvidence, List<String> testEvidenceLinks) {

  public ChangeRequestInput {
    commits = commits == null ? List.of() : List.copyOf(commits);
    testEvidenceLinks = testEvidenceLinks == null ? List.of() : List.copyOf(testEvidenceLinks);
  }
}
