package io.drydock.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HostBackoffTest {
    Instant now = Instant.parse("2026-11-26T00:00:00Z");
    final Clock clock = new Clock() {
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    };
    final HostBackoff backoff = new HostBackoff(clock, Duration.ofSeconds(1), Duration.ofSeconds(8));

    @Test
    void theWindowDoublesWithEachThrottleInARowUpToTheMaximumAndClosesOnTheFirstOtherAnswer() {
        long[] expectedSeconds = {1, 2, 4, 8, 8};
        for (long seconds : expectedSeconds) {
            backoff.answered("r.example", 503, null);
            assertThat(backoff.refusal("r.example")).isPresent();
            now = now.plusSeconds(seconds).minusMillis(1);
            assertThat(backoff.refusal("r.example")).as("still backing off just before %d s", seconds).isPresent();
            now = now.plusMillis(1);
            assertThat(backoff.refusal("r.example")).as("open again after %d s", seconds).isEmpty();
        }
        backoff.answered("r.example", 404, null);
        backoff.answered("r.example", 429, null);
        now = now.plusSeconds(1);
        assertThat(backoff.refusal("r.example")).as("a non-throttle answer reset the doubling").isEmpty();
    }

    @Test
    void retryAfterSetsTheWindowButNeverBeyondTheMaximumAndHostsAreIndependent() {
        backoff.answered("a.example", 429, Duration.ofSeconds(5));
        assertThat(backoff.refusal("b.example")).isEmpty();
        RegistryException refused = backoff.refusal("a.example").orElseThrow();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.getMessage()).contains("a.example", "HTTP 429", "backing off", "2026-11-26T00:00:05Z");
        backoff.answered("c.example", 503, Duration.ofHours(1));
        now = now.plusSeconds(8);
        assertThat(backoff.refusal("a.example")).isEmpty();
        assertThat(backoff.refusal("c.example")).as("capped at the maximum").isEmpty();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(RegistryClient.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(RegistryClient.retryAfter("-3")).isEqualTo(Duration.ZERO);
        assertThat(RegistryClient.retryAfter("soon")).isNull();
        assertThat(RegistryClient.retryAfter(null)).isNull();
        assertThat(RegistryClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    }

    @Test
    void aWindowThatCannotOpenIsRefused() {
        assertThatThrownBy(() -> new HostBackoff(clock, Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostBackoff(clock, Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
