package org.itgc.certification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.itgc.certification.CertificationRules.ItemState;
import org.itgc.certification.CertificationRules.Login;
import org.itgc.certification.CertificationRules.NonResponse;
import org.itgc.certification.CertificationRules.ReassignRefusal;
import org.itgc.certification.CertificationRules.ReassignedItem;
import org.itgc.platform.Role;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.junit.jupiter.api.Test;

/** The rules of a certification campaign, without the engine or the database. */
class CertificationRulesTest {

  private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

  // ---------------------------------------------------------------- the start

  @Test
  void listsAreSplitOnCommasAndSpacesEachValueOnce() {
    assertThat(CertificationRules.split(null)).isEmpty();
    assertThat(CertificationRules.split(" AP-PAY, GL-CORE  AP-PAY,,")).containsExactly("AP-PAY", "GL-CORE");
  }

  @Test
  void onlyACampaignNobodyStartedAndThatNamesNothingReviewsTheScheduledScope() {
    assertThat(CertificationRules.reviewsScheduledScope(null, null, null)).isTrue();
    assertThat(CertificationRules.reviewsScheduledScope(null, null, "grace")).isFalse();
    assertThat(CertificationRules.reviewsScheduledScope("tier-1", null, null)).isFalse();
    assertThat(CertificationRules.reviewsScheduledScope(null, "AP-PAY", null)).isFalse();
    assertThat(CertificationRules.launchedBy(null)).isEqualTo("schedule");
    assertThat(CertificationRules.launchedBy("grace")).isEqualTo("grace");
  }

  @Test
  void theReviewPeriodIsTheConfiguredOneUnlessOneToSixtyBusinessDaysAreGiven() {
    List<FieldError> errors = new ArrayList<>();
    assertThat(CertificationRules.dueBusinessDays(null, 10, errors)).isEqualTo(10);
    assertThat(CertificationRules.dueBusinessDays(" ", 10, errors)).isEqualTo(10);
    assertThat(CertificationRules.dueBusinessDays("15", 10, errors)).isEqualTo(15);
    assertThat(CertificationRules.dueBusinessDays("7.0", 10, errors)).isEqualTo(7);
    assertThat(CertificationRules.dueBusinessDays("1", 10, errors)).isEqualTo(1);
    assertThat(CertificationRules.dueBusinessDays("60", 10, errors)).isEqualTo(60);
    assertThat(errors).isEmpty();

    CertificationRules.dueBusinessDays("0", 10, errors);
    CertificationRules.dueBusinessDays("61", 10, errors);
    assertThat(errors).containsExactly(
        new FieldError("dueBusinessDays", "must be between 1 and 60 business days"),
        new FieldError("dueBusinessDays", "must be between 1 and 60 business days"));
    errors.clear();
    assertThat(CertificationRules.dueBusinessDays("soon", 10, errors)).isEqualTo(10);
    assertThat(errors).containsExactly(new FieldError("dueBusinessDays", "'soon' is not a number of business days"));
  }

  @Test
  void theReminderGoesOutBeforeTheDueDateButNotBeforeTheLaunch() {
    assertThat(CertificationRules.reminderBusinessDays(10, 2)).isEqualTo(8);
    assertThat(CertificationRules.reminderBusinessDays(2, 2)).isZero();
    assertThat(CertificationRules.reminderBusinessDays(1, 3)).isZero();
  }

  @Test
  void aCampaignWithoutANameIsNamedAfterTheQuarterOfItsLaunch() {
    assertThat(CertificationRules.campaignName("  Q4 privileged  ", ZonedDateTime.of(2027, 1, 5, 9, 0, 0, 0, ZURICH)))
        .isEqualTo("Q4 privileged");
    assertThat(CertificationRules.campaignName(null, ZonedDateTime.of(2027, 1, 5, 9, 0, 0, 0, ZURICH)))
        .isEqualTo("Access review 2027 Q1");
    assertThat(CertificationRules.campaignName(" ", ZonedDateTime.of(2027, 6, 30, 9, 0, 0, 0, ZURICH)))
        .isEqualTo("Access review 2027 Q2");
    assertThat(CertificationRules.campaignName(null, ZonedDateTime.of(2026, 12, 31, 23, 0, 0, 0, ZURICH)))
        .isEqualTo("Access review 2026 Q4");
    assertThat(CertificationRules.campaignId(2027, 42)).isEqualTo("CERT-2027-00042");
    assertThat(CertificationRules.worklistUrl("https://itgc.example", "CERT-2027-00042"))
        .isEqualTo("https://itgc.example/certification/worklist.html?campaign=CERT-2027-00042");
    // the review task's link is relative: it works on any host that serves Tasklist
    assertThat(CertificationRules.worklistPath("CERT-2027-00042"))
        .isEqualTo("/certification/worklist.html?campaign=CERT-2027-00042");
    assertThat(CertificationRules.reviewSummary("CERT-2027-00042", "Access review 2027 Q1", 12, 3,
        "Fri 15 Jan 2027, 17:00 CET")).isEqualTo("CERT-2027-00042 Access review 2027 Q1: you review 12 items "
        + "(3 decided when this task opened), due Fri 15 Jan 2027, 17:00 CET");
  }

  // ---------------------------------------------------------------- who reviews

  @Test
  void aSystemsItemsGoToItsTechnicalOwnerElseItsBusinessOwnerNeverTheOneExcluded() {
    assertThat(CertificationRules.owner("tom", "bea", null)).contains("tom");
    assertThat(CertificationRules.owner(null, "bea", null)).contains("bea");
    assertThat(CertificationRules.owner("tom", "bea", "tom")).contains("bea");
    assertThat(CertificationRules.owner("tom", null, "tom")).isEmpty();
    assertThat(CertificationRules.owner(null, null, null)).isEmpty();
  }

  @Test
  void nobodyReviewsTheirOwnAccessTheirManagerThenAnotherOwnerThenTheLauncherDoes() {
    assertThat(CertificationRules.replacementReviewer("tom", Optional.of("mia"), () -> Optional.of("bea"), "grace"))
        .contains("mia");
    assertThat(CertificationRules.replacementReviewer("tom", Optional.empty(), () -> Optional.of("bea"), "grace"))
        .contains("bea");
    assertThat(CertificationRules.replacementReviewer("tom", Optional.empty(), Optional::empty, "grace"))
        .contains("grace");
    // the launcher reviewing their own access has nobody to hand it to
    assertThat(CertificationRules.replacementReviewer("grace", Optional.empty(), Optional::empty, "grace")).isEmpty();
  }

  @Test
  void onlyTheReviewerCompletesTheirReview() {
    assertThat(CertificationRules.mayCompleteReview("lucas", "lucas")).isTrue();
    assertThat(CertificationRules.mayCompleteReview("grace", "lucas")).isFalse();
    assertThat(CertificationRules.mayCompleteReview("grace", null)).isFalse();
  }

  // ---------------------------------------------------------------- decisions

  @Test
  void onlyAnOpenCampaignTakesDecisions() {
    assertThat(CertificationRules.takesDecisions("open")).isTrue();
    assertThat(CertificationRules.takesDecisions("launching")).isFalse();
    assertThat(CertificationRules.takesDecisions("reviewed")).isFalse();
    assertThat(CertificationRules.takesDecisions("closed")).isFalse();
  }

  @Test
  void aRevocationNeedsAJustificationACertificationDoesNot() {
    assertThat(CertificationRules.justificationRequired("revoke")).isTrue();
    assertThat(CertificationRules.justificationRequired("certify")).isFalse();
    assertThat(CertificationRules.justification("  left the team ")).isEqualTo("left the team");
    assertThat(CertificationRules.justification("  ")).isNull();
    assertThat(CertificationRules.justification(null)).isNull();

    assertThat(CertificationRules.decisionErrors("certify", List.of(1L), null)).isEmpty();
    assertThat(CertificationRules.decisionErrors("revoke", List.of(1L), "left the team")).isEmpty();
    assertThat(CertificationRules.decisionErrors("revoke", List.of(1L), " ")).containsExactly(
        new FieldError("reason", "is required to revoke: say why the access goes"));
    assertThat(CertificationRules.decisionErrors("approve", List.of(), null)).containsExactly(
        new FieldError("decision", "'approve' must be certify or revoke"),
        new FieldError("itemIds", "name at least one item"));
    assertThat(CertificationRules.decisionErrors("certify", null, null)).containsExactly(
        new FieldError("itemIds", "name at least one item"));
  }

  @Test
  void aReviewerDecidesOnlyTheirOwnUndecidedItems() {
    List<ItemState> items = List.of(new ItemState(1, "lucas", null, false), new ItemState(2, "fiona", null, false),
        new ItemState(3, "lucas", "certify", false), new ItemState(4, "lucas", null, true));
    assertThat(CertificationRules.itemsOfOthers("lucas", items)).containsExactly(2L);
    assertThat(CertificationRules.itemsOfOthers("fiona", items)).containsExactly(1L, 3L, 4L);
    // decided by a reviewer, or left to the final deadline: the first decision stands
    assertThat(CertificationRules.decidedAlready(items)).containsExactly(3L, 4L);
  }

  @Test
  void certifyingAnSodFlaggedOrPrivilegedItemNeedsAJustification() {
    ItemState plain = new ItemState(1, "lucas", null, false, false, List.of("unused"));
    ItemState sod = new ItemState(2, "lucas", null, false, false, List.of("sod-conflict"));
    ItemState privileged = new ItemState(3, "lucas", null, false, true, List.of("privileged"));
    assertThat(CertificationRules.certificationJustificationErrors("certify", List.of(plain), null)).isEmpty();
    assertThat(CertificationRules.certificationJustificationErrors("certify", List.of(plain, sod, privileged), " "))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("reason");
          assertThat(e.reason()).contains("item(s) 2, 3");
        });
    assertThat(CertificationRules.certificationJustificationErrors("certify", List.of(sod), "needed for the close"))
        .isEmpty();
    // a revocation's justification is decisionErrors' to ask for
    assertThat(CertificationRules.certificationJustificationErrors("revoke", List.of(privileged), null)).isEmpty();
  }

  // ---------------------------------------------------------------- reassignment

  @Test
  void itemsGoOnlyToAnotherActiveLineManagerOrSystemOwnerWithAReason() {
    Login mia = new Login("mia", true, Set.of(Role.LINE_MANAGER));
    assertThat(CertificationRules.reassignmentErrors(List.of(1L), "on leave", "mia", Optional.of(mia), "lucas"))
        .isEmpty();
    assertThat(CertificationRules.reassignmentErrors(List.of(1L), "on leave", "tom",
        Optional.of(new Login("tom", true, Set.of(Role.SYSTEM_OWNER))), "lucas")).isEmpty();
    assertThat(CertificationRules.reassignmentErrors(List.of(), " ", "nobody", Optional.empty(), "lucas"))
        .containsExactly(new FieldError("itemIds", "name at least one item"),
            new FieldError("reason", "is required: why someone else should review"),
            new FieldError("to", "'nobody' is not an active login of this engine"));
    assertThat(CertificationRules.reassignmentErrors(List.of(1L), "on leave", "mia",
        Optional.of(new Login("mia", false, Set.of(Role.LINE_MANAGER))), "lucas"))
        .containsExactly(new FieldError("to", "'mia' is not an active login of this engine"));
    assertThat(CertificationRules.reassignmentErrors(List.of(1L), "on leave", "ann",
        Optional.of(new Login("ann", true, Set.of(Role.AUDITOR))), "lucas"))
        .containsExactly(new FieldError("to", "'ann' is neither a line manager nor a system owner"));
    assertThat(CertificationRules.reassignmentErrors(List.of(1L), "on leave", "lucas",
        Optional.of(new Login("lucas", true, Set.of(Role.LINE_MANAGER))), "lucas"))
        .containsExactly(new FieldError("to", "is you"));
  }

  @Test
  void aReviewerMovesOnlyTheirOwnUndecidedItemsAndNeverToThePersonWhoseAccessItIs() {
    ReassignedItem lucasItem = new ReassignedItem(1, "lucas", null, "peter");
    assertThat(CertificationRules.reassignRefusal(lucasItem, "lucas", false, "mia")).isEmpty();
    assertThat(CertificationRules.reassignRefusal(lucasItem, "fiona", false, "mia"))
        .contains(ReassignRefusal.NOT_YOUR_ITEM);
    // a governance lead moves anyone's items
    assertThat(CertificationRules.reassignRefusal(lucasItem, "grace", true, "mia")).isEmpty();
    assertThat(CertificationRules.reassignRefusal(new ReassignedItem(2, "lucas", "certify", "peter"), "lucas", false,
        "mia")).contains(ReassignRefusal.DECIDED);
    assertThat(CertificationRules.reassignRefusal(lucasItem, "grace", true, "peter"))
        .contains(ReassignRefusal.OWN_ACCESS);
  }

  // ---------------------------------------------------------------- deadlines and closure

  @Test
  void theFinalDeadlineRevokesWhenConfiguredSoElseRecordsAnException() {
    assertThat(CertificationRules.nonResponse("revoke")).isEqualTo(NonResponse.REVOKE);
    assertThat(CertificationRules.nonResponse("exception")).isEqualTo(NonResponse.RAISE_EXCEPTION);
    assertThat(CertificationRules.nonResponseAnnounced("revoke")).isEqualTo("revoke every undecided item");
    assertThat(CertificationRules.nonResponseAnnounced("exception"))
        .isEqualTo("record the undecided items as an AC-03 exception");
  }

  @Test
  void remindersAndEscalationsGoOnlyToReviewersWithUndecidedItems() {
    assertThat(CertificationRules.noticeDue(0)).isFalse();
    assertThat(CertificationRules.noticeDue(3)).isTrue();
  }

  @Test
  void aClosureWithRevocationsNotRemovedOrItemsUndecidedIsAnException() {
    assertThat(CertificationRules.closesWithException(0, 0)).isFalse();
    assertThat(CertificationRules.closesWithException(1, 0)).isTrue();
    assertThat(CertificationRules.closesWithException(0, 2)).isTrue();
  }

  @Test
  void refusalsAndExceptionsNameOnlyTheFirstItems() {
    List<Long> many = java.util.stream.LongStream.rangeClosed(1, 60).boxed().toList();
    assertThat(CertificationRules.first(many, CertificationRules.NAMED_IN_REFUSAL)).hasSize(20).startsWith(1L)
        .endsWith(20L);
    assertThat(CertificationRules.first(many, CertificationRules.LISTED_IN_EXCEPTION)).hasSize(50);
    assertThat(CertificationRules.first(List.of(7L), 20)).containsExactly(7L);
  }
}
