package io.drydock.image.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backoff per registry host, shared by every client of a long-running process. Once a registry has answered 429
 * or 5xx after a request's own retries, nothing is sent to it until the window passes: a server that answers many
 * callers (admission, polling) would otherwise turn one overloaded registry into a storm of retries. The window
 * is the registry's {@code Retry-After} when it gave one, else it doubles with each failure in a row; the first
 * answer that is not a throttle closes it.
 */
public final class HostBackoff {
    private final Clock clock;
    private final Duration initial;
    private final Duration max;
    private final Map<String, State> byHost = new ConcurrentHashMap<>();

    private record State(int failures, Instant until, int status) {
    }

    public HostBackoff(Clock clock, Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.clock = clock;
        this.initial = initial;
        this.max = max;
    }

    /** Why {@code host} may not be asked now, as the exception a request to it would end with; empty when it may. */
    public Optional<RegistryException> refusal(String host) {
        State s = byHost.get(host);
        if (s == null || !clock.instant().isBefore(s.until())) {
            return Optional.empty();
        }
        return Optional.of(new RegistryException("registry " + host + " answered HTTP " + s.status() + " " + s.failures()
                + " time(s) in a row; not asked again before " + s.until() + " (backing off)", s.status()));
    }

    static boolean isThrottle(int status) {
        return status == 429 || status >= 500;
    }

    /** Records the final status of a request to {@code host}; {@code retryAfter} may be null. */
    public void answered(String host, int status, Duration retryAfter) {
        if (!isThrottle(status)) {
            byHost.remove(host);
            return;
        }
        byHost.compute(host, (h, old) -> {
            int failures = old == null ? 1 : old.failures() + 1;
            Duration wait = retryAfter != null ? retryAfter : doubled(failures);
            return new State(failures, clock.instant().plus(wait.compareTo(max) > 0 ? max : wait), status);
        });
    }

    private Duration doubled(int failures) {
        long millis = initial.toMillis() << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
