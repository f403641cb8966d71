package io.drydock.watch;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * When an image's rebuild may run: outside its quiet hours, and, when approval is required, once someone approves
 * or the deadline passes.
 *
 * @param quietHours windows in which no rebuild or rollout starts (a change freeze, business hours)
 * @param approvalDeadline how long a rebuild waits for approval; null when none is required
 * @param proceedWithoutApproval what happens at the deadline: rebuild anyway, or drop it
 */
public record Schedule(List<QuietHours> quietHours, Duration approvalDeadline, boolean proceedWithoutApproval) {
    public static final Schedule ALWAYS = new Schedule(List.of(), null, false);

    public Schedule {
        quietHours = List.copyOf(quietHours);
    }

    /** From {@code from} to {@code to} (wrapping past midnight when {@code to} is earlier) on the given days. */
    public record QuietHours(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {
        public QuietHours {
            days = Set.copyOf(days);
        }

        boolean contains(Instant t) {
            ZonedDateTime z = t.atZone(zone);
            LocalTime time = z.toLocalTime();
            if (!from.isAfter(to)) {
                return days.contains(z.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
            }
            // wraps midnight: the window belongs to the day it starts on
            return days.contains(z.getDayOfWeek()) && !time.isBefore(from)
                    || days.contains(z.getDayOfWeek().minus(1)) && time.isBefore(to);
        }
    }

    /** @param delayed true when {@code at} is later than asked, because of quiet hours */
    public record Window(Instant at, boolean delayed) {
    }

    public boolean approvalRequired() {
        return approvalDeadline != null;
    }

    /** The first instant at or after {@code now} outside every quiet window (searched minute by minute, a week ahead). */
    public Window nextAllowed(Instant now) {
        Instant t = now;
        Instant limit = now.plus(Duration.ofDays(8));
        while (t.isBefore(limit) && quiet(t)) {
            t = t.plus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        }
        return new Window(t, !t.equals(now));
    }

    private boolean quiet(Instant t) {
        for (QuietHours q : quietHours) {
            if (q.contains(t)) {
                return true;
            }
        }
        return false;
    }
}
