package io.drydock.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Quiet hours and approval settings, on fixed instants (2026: Europe/Paris is CET until 29 March, CEST until 25 October). */
class ScheduleTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    static Schedule quiet(Schedule.QuietHours... windows) {
        return new Schedule(List.of(windows), null, false);
    }

    static final Schedule BUSINESS_HOURS = quiet(new Schedule.QuietHours(WEEKDAYS, LocalTime.of(9, 0), LocalTime.of(17, 0), PARIS));

    static Instant at(String utc) {
        return Instant.parse(utc);
    }

    static void allowedAt(Schedule s, String now) {
        assertThat(s.nextAllowed(at(now))).as(now).isEqualTo(new Schedule.Window(at(now), false));
    }

    static void delayedUntil(Schedule s, String now, String until) {
        assertThat(s.nextAllowed(at(now))).as(now).isEqualTo(new Schedule.Window(at(until), true));
    }

    @Test
    void weekdayBusinessHoursInParisInWinter() {
        // Wednesday 25 March 2026, CET (UTC+1): 09:00 in Paris is 08:00Z
        allowedAt(BUSINESS_HOURS, "2026-03-25T07:59:59Z");
        delayedUntil(BUSINESS_HOURS, "2026-03-25T08:00:00Z", "2026-03-25T16:00:00Z");
        delayedUntil(BUSINESS_HOURS, "2026-03-25T10:15:42.123Z", "2026-03-25T16:00:00Z");
        delayedUntil(BUSINESS_HOURS, "2026-03-25T15:59:30Z", "2026-03-25T16:00:00Z");
        allowedAt(BUSINESS_HOURS, "2026-03-25T16:00:00Z");
        // Saturday and Sunday are not quiet
        allowedAt(BUSINESS_HOURS, "2026-03-28T10:00:00Z");
    }

    @Test
    void theWindowFollowsTheClockChange() {
        // Monday 30 March 2026 is the first weekday of CEST (UTC+2): 09:00 in Paris is now 07:00Z, 17:00 is 15:00Z
        allowedAt(BUSINESS_HOURS, "2026-03-30T06:59:00Z");
        delayedUntil(BUSINESS_HOURS, "2026-03-30T07:00:00Z", "2026-03-30T15:00:00Z");
        delayedUntil(BUSINESS_HOURS, "2026-03-30T08:00:00Z", "2026-03-30T15:00:00Z");
        allowedAt(BUSINESS_HOURS, "2026-03-30T15:00:00Z");
        // and back on Monday 26 October 2026 (CET again)
        allowedAt(BUSINESS_HOURS, "2026-10-26T07:30:00Z");
        delayedUntil(BUSINESS_HOURS, "2026-10-26T08:00:00Z", "2026-10-26T16:00:00Z");
    }

    @Test
    void aWindowOverTheSkippedHourOfTheSpringClockChange() {
        // Sunday 29 March 2026 in Paris, 01:00-04:00 local: 01:00 CET is 00:00Z, 02:00-03:00 does not exist, 04:00 CEST is 02:00Z
        Schedule night = quiet(new Schedule.QuietHours(EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(4, 0), PARIS));
        allowedAt(night, "2026-03-28T23:59:00Z");
        delayedUntil(night, "2026-03-29T00:30:00Z", "2026-03-29T02:00:00Z");
        delayedUntil(night, "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z");
        allowedAt(night, "2026-03-29T02:00:00Z");
    }

    @Test
    void aWindowWrappingMidnightBelongsToTheDayItStartsOn() {
        // Fridays 22:00-06:00 UTC: Friday 27 March 2026 22:00 to Saturday 28 March 06:00
        Schedule fridayNight = quiet(new Schedule.QuietHours(EnumSet.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(6, 0),
                ZoneOffset.UTC));
        allowedAt(fridayNight, "2026-03-27T21:59:00Z");
        delayedUntil(fridayNight, "2026-03-27T22:00:00Z", "2026-03-28T06:00:00Z");
        delayedUntil(fridayNight, "2026-03-27T23:30:00Z", "2026-03-28T06:00:00Z");
        delayedUntil(fridayNight, "2026-03-28T05:00:00Z", "2026-03-28T06:00:00Z");
        delayedUntil(fridayNight, "2026-03-28T05:59:59.999Z", "2026-03-28T06:00:00Z");
        allowedAt(fridayNight, "2026-03-28T06:00:00Z");
        // Saturday night is not Friday's window, and Friday early morning belongs to Thursday's (not quiet)
        allowedAt(fridayNight, "2026-03-28T23:00:00Z");
        allowedAt(fridayNight, "2026-03-27T05:00:00Z");
        allowedAt(fridayNight, "2026-03-29T03:00:00Z");
    }

    @Test
    void aWrappingWindowInAZoneIsReadInLocalTime() {
        // Fridays 22:00-06:00 Paris time in summer (UTC+2): Friday 19 June 2026 20:00Z to Saturday 20 June 04:00Z
        Schedule s = quiet(new Schedule.QuietHours(EnumSet.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(6, 0), PARIS));
        allowedAt(s, "2026-06-19T19:59:00Z");
        delayedUntil(s, "2026-06-19T20:00:00Z", "2026-06-20T04:00:00Z");
        // 23:30Z Friday is already 01:30 Saturday in Paris: inside Friday's window
        delayedUntil(s, "2026-06-19T23:30:00Z", "2026-06-20T04:00:00Z");
        allowedAt(s, "2026-06-20T04:00:00Z");
    }

    @Test
    void adjacentWindowsAreCrossedTogether() {
        Schedule s = quiet(new Schedule.QuietHours(WEEKDAYS, LocalTime.of(9, 0), LocalTime.of(12, 0), ZoneOffset.UTC),
                new Schedule.QuietHours(WEEKDAYS, LocalTime.of(12, 0), LocalTime.of(17, 0), ZoneOffset.UTC),
                new Schedule.QuietHours(EnumSet.of(DayOfWeek.WEDNESDAY), LocalTime.of(17, 0), LocalTime.of(18, 30), ZoneOffset.UTC));
        delayedUntil(s, "2026-03-24T10:00:00Z", "2026-03-24T17:00:00Z"); // Tuesday
        delayedUntil(s, "2026-03-25T10:00:00Z", "2026-03-25T18:30:00Z"); // Wednesday: the third window follows
    }

    @Test
    void aWeekendFreezeEndsOnMonday() {
        Schedule weekend = quiet(new Schedule.QuietHours(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.MIN,
                LocalTime.MAX, ZoneOffset.UTC));
        delayedUntil(weekend, "2026-03-28T10:17:00Z", "2026-03-30T00:00:00Z");
    }

    @Test
    void noQuietHoursIsNeverDelayed() {
        Instant now = at("2026-03-25T10:15:42.123Z");
        assertThat(Schedule.ALWAYS.nextAllowed(now)).isEqualTo(new Schedule.Window(now, false));
        assertThat(new Schedule(List.of(), Duration.ofHours(1), true).nextAllowed(now).delayed()).isFalse();
    }

    @Test
    void approvalIsRequiredWhenADeadlineIsSet() {
        assertThat(Schedule.ALWAYS.approvalRequired()).isFalse();
        assertThat(BUSINESS_HOURS.approvalRequired()).isFalse();
        Schedule approve = new Schedule(List.of(), Duration.ofHours(24), false);
        assertThat(approve.approvalRequired()).isTrue();
        assertThat(approve.approvalDeadline()).isEqualTo(Duration.ofHours(24));
        assertThat(approve.proceedWithoutApproval()).isFalse();
        assertThat(new Schedule(List.of(), Duration.ofMinutes(30), true).proceedWithoutApproval()).isTrue();
    }
}
