package io.drydock.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.store.AdmissionRecord;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook's decisions reach the store off the request path, in order, and a slow or failing store never holds an answer. */
class AdmissionLogTest {
    @TempDir
    Path dir;

    final List<String> said = Collections.synchronizedList(new ArrayList<>());

    static AdmissionRecord decision(int i) {
        return new AdmissionRecord(0, Instant.parse("2026-11-26T08:00:00Z").plusSeconds(i), "uid-" + i, "shop", "Pod", "web-" + i,
                i % 2 == 0, i % 2 == 0 ? "" : "unsigned image", "[]");
    }

    /** The real SQLite store, with {@code hook} run before each recordAdmissions call reaches it. */
    static Store hooked(Store real, Consumer<List<AdmissionRecord>> hook) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, method, args) -> {
            if (method.getName().equals("recordAdmissions")) {
                @SuppressWarnings("unchecked")
                List<AdmissionRecord> batch = (List<AdmissionRecord>) args[0];
                hook.accept(List.copyOf(batch));
            }
            try {
                // a default method (recordAdmission) goes through the proxy again, so it meets the hook too
                return method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    static List<String> uidsOldestFirst(Store store) {
        List<String> uids = new ArrayList<>(store.admissions(100_000, false).stream().map(AdmissionRecord::uid).toList());
        Collections.reverse(uids);
        return uids;
    }

    @Test
    void everyDecisionReachesTheStoreInOrderManyToATransaction() throws Exception {
        try (Store real = Stores.open(null, dir)) {
            List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
            Store store = hooked(real, b -> batchSizes.add(b.size()));
            AdmissionLog log = new AdmissionLog(store, 10_000, 10, said::add);
            for (int i = 0; i < 1200; i++) {
                log.offer(decision(i));
            }
            log.close();
            assertThat(uidsOldestFirst(real)).containsExactlyElementsOf(IntStream.range(0, 1200).mapToObj(i -> "uid-" + i).toList());
            assertThat(log.recorded()).isEqualTo(1200);
            assertThat(log.dropped()).isZero();
            assertThat(log.failed()).isZero();
            assertThat(batchSizes).allSatisfy(n -> assertThat(n).isBetween(1, AdmissionLog.BATCH));
            assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1200);
            assertThat(real.admissions(10, true)).allSatisfy(d -> assertThat(d.message()).isEqualTo("unsigned image"));
            assertThat(said).isEmpty();
        }
    }

    @Test
    void aStoreThatDoesNotAnswerHoldsNoDecisionBackAndOverflowIsCountedNotAwaited() throws Exception {
        try (Store real = Stores.open(null, dir)) {
            CountDownLatch inStore = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Store store = hooked(real, b -> {
                inStore.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AdmissionLog log = new AdmissionLog(store, 10, 10, said::add);
            log.offer(decision(0));
            assertThat(inStore.await(10, TimeUnit.SECONDS)).as("the writer is inside the store").isTrue();
            long started = System.nanoTime();
            for (int i = 1; i <= 100; i++) {
                log.offer(decision(i));
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(tookMillis).as("100 decisions handed over while the store hangs, ms").isLessThan(1000);
            assertThat(log.queued()).isEqualTo(10);
            assertThat(log.dropped()).isEqualTo(90);
            assertThat(said).singleElement().asString().contains("10 decisions behind").contains("standard output");
            release.countDown();
            log.close();
            // the one in the store, then the ten that found room; what found the queue full is not there
            assertThat(uidsOldestFirst(real)).containsExactlyElementsOf(IntStream.rangeClosed(0, 10).mapToObj(i -> "uid-" + i).toList());
            assertThat(log.recorded()).isEqualTo(11);
        }
    }

    @Test
    void aStoreErrorIsRetriedThenCountedAndTheWriterGoesOn() throws Exception {
        try (Store real = Stores.open(null, dir)) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch firstTwoFailed = new CountDownLatch(1);
            Store store = hooked(real, b -> {
                int n = calls.incrementAndGet();
                if (b.getFirst().uid().equals("uid-0") && n <= 2) {
                    throw new IllegalStateException("database is locked (SQLITE_BUSY)");
                }
                if (b.getFirst().uid().equals("uid-1")) {
                    firstTwoFailed.countDown();
                    throw new IllegalStateException("the database is gone");
                }
            });
            AdmissionLog log = new AdmissionLog(store, 100, 5, said::add);
            log.offer(decision(0));
            eventually(() -> log.recorded() == 1);
            log.offer(decision(1));
            assertThat(firstTwoFailed.await(10, TimeUnit.SECONDS)).isTrue();
            eventually(() -> log.failed() == 1);
            log.offer(decision(2));
            log.close();
            assertThat(uidsOldestFirst(real)).containsExactly("uid-0", "uid-2");
            assertThat(log.recorded()).isEqualTo(2);
            assertThat(log.failed()).isEqualTo(1);
            assertThat(said).singleElement().asString()
                    .isEqualTo("could not record 1 admission decision(s) in the store after 3 attempt(s): the database is gone");
        }
    }

    /** Polls the condition for at most 10 s. */
    static void eventually(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(end);
            Thread.sleep(10);
        }
    }
}
