package org.itgc.reminders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.support.DateSensitive;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The business calendar never runs out: any year's holidays over the API, and a year the company has not confirmed
 * is flagged to the governance leads before it starts, once, instead of deadlines being refused in it.
 */
@IntegrationTest
@DateSensitive
class CalendarConfirmationsIT {

  @LocalServerPort int port;
  @Autowired CalendarConfirmations confirmations;
  @Autowired BusinessCalendar calendar;
  @Autowired JdbcTemplate jdbc;

  @Test
  void anUnconfirmedYearIsFlaggedToTheGovernanceLeadsOnceBeforeItStartsAndOnceWhenItRuns() throws Exception {
    // 1 December 2040: 2040 itself runs unconfirmed, 2041 starts within the 60 days' notice
    var sent = confirmations.check(LocalDate.of(2040, 12, 1));
    assertThat(sent).containsExactlyInAnyOrder(new CalendarConfirmations.Notice(2040, "running"),
        new CalendarConfirmations.Notice(2041, "upcoming"));
    assertThat(confirmations.check(LocalDate.of(2040, 12, 2))).as("once per year and stage").isEmpty();
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).equals("Business calendar 2041 not confirmed"),
        Duration.ofSeconds(15));
    assertThat(mail.getAllRecipients()).extracting(Object::toString).contains("grace@demo.itgc.local");
    assertThat(TestMailServer.body(mail)).contains("it starts on 2041-01-01").contains("2041-11-28  Thanksgiving Day")
        .contains("confirmedYears");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'calendar.unconfirmed-year' "
        + "and object_id = '2041' and details->>'stage' = 'upcoming'", Integer.class)).isEqualTo(1);
    // two months before a confirmed year: nothing to say
    assertThat(confirmations.check(LocalDate.of(2026, 11, 30))).isEmpty();
  }

  @Test
  void todaysUnconfirmedYearsHaveBeenFlaggedSinceTheStart() {
    LocalDate today = TestClock.today(calendar.zone());
    confirmations.checkToday();
    List<Integer> flagged = new ArrayList<>(jdbc.queryForList(
        "select distinct year from calendar_notice where year in (?, ?) order by year", Integer.class,
        today.getYear(), today.getYear() + 1));
    assertThat(flagged).containsExactlyElementsOf(calendar.unconfirmedYears(today));
    JsonNode summary = Http.as(port, "rachel").get("/api/calendar").json();
    List<Integer> awaiting = new ArrayList<>();
    summary.get("awaitingConfirmation").forEach(y -> awaiting.add(y.asInt()));
    assertThat(awaiting).containsExactlyElementsOf(calendar.unconfirmedYears(today));
  }

  @Test
  void anyYearsHolidaysAreReadableAndABadYearIsA400NamingIt() {
    assertThat(Http.anonymous(port).get("/api/calendar/2031").status()).isEqualTo(401);
    JsonNode year = Http.as(port, "rachel").get("/api/calendar/2031").json();
    assertThat(year.get("confirmed").asBoolean()).isFalse();
    assertThat(year.get("timeZone").asText()).isEqualTo("America/New_York");
    assertThat(year.get("endOfBusinessDay").asText()).isEqualTo("17:00");
    assertThat(year.get("holidays")).hasSize(11);
    assertThat(year.get("holidays").get(0).get("date").asText()).isEqualTo("2031-01-01");
    for (String bad : List.of("abc", "12", "99999")) {
      var refused = Http.as(port, "rachel").get("/api/calendar/" + bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.body()).contains("year");
    }
  }
}
