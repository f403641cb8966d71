package io.drydock.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.lineage.BasePoller;
import io.drydock.lineage.PushEvent;
import io.drydock.lineage.PushNotifications;
import io.drydock.store.Store;
import io.drydock.store.TrackedBase;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@code drydock watch}: the poller, the registry notification endpoint and the loop's worker in one process. A
 * notification is only a hint: it is confirmed by a HEAD of the tracked base before anything is done, so a forged
 * or stale one costs a HEAD and changes nothing.
 */
public final class Watcher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WatchConfig config;
    private final Store store;
    private final BasePoller poller;
    private final BaseUpdateLoop loop;
    private final PrintWriter log;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Javalin http;
    private Thread pollThread;
    private Thread workThread;

    private volatile java.util.function.Supplier<String> advisoryVersion = () -> null;

    /** What identifies the advisory DB's contents now; each new value refreshes the golden bases. */
    public Watcher advisoryVersion(java.util.function.Supplier<String> version) {
        this.advisoryVersion = version;
        return this;
    }

    public Watcher(WatchConfig config, Store store, BasePoller poller, BaseUpdateLoop loop, PrintWriter log) {
        this.config = config;
        this.store = store;
        this.poller = poller;
        this.loop = loop;
        this.log = log;
        poller.beforeRecording(change -> loop.baseChanged(change.reference(), change.oldDigest(), change.newDigest(), "poll"));
    }

    /** Tracks every base the configuration names; returns the newly tracked ones. */
    public List<String> syncTrackedBases() {
        return config.trackedBases().stream().filter(store::trackBase).toList();
    }

    /** One poll cycle and every step it leads to, then returns: {@code drydock watch --once}, and the tests. */
    public BasePoller.CycleResult once() {
        loop.recover();
        BasePoller.CycleResult r = poller.pollOnce();
        r.errors().forEach(e -> say("poll: " + e));
        loop.scheduleRefreshes();
        loop.refreshOnAdvisoryUpdate(advisoryVersion.get());
        loop.runUntilIdle();
        return r;
    }

    /**
     * One poll cycle and the refreshes it schedules, without running the steps: {@code drydock serve}'s leader polls,
     * and every replica's workers run steps with {@link #runStep()}.
     */
    public BasePoller.CycleResult pollCycle() {
        BasePoller.CycleResult r = poller.pollOnce();
        r.errors().forEach(e -> say("poll: " + e));
        loop.scheduleRefreshes();
        loop.refreshOnAdvisoryUpdate(advisoryVersion.get());
        return r;
    }

    /** Runs one step of the loop if one is due; false when none was. */
    public boolean runStep() {
        return loop.runOne();
    }

    /** Puts back the steps {@code owner} was running when its process stopped. */
    public int recover() {
        return loop.recover();
    }

    public WatchConfig config() {
        return config;
    }

    /** Mounts the registry notification endpoint on another server's routes ({@code drydock serve}). */
    public void mountNotifications(io.javalin.config.RoutesConfig routes) {
        String token = config.notifications().tokenEnv() == null ? null : System.getenv(config.notifications().tokenEnv());
        routes.post("/notifications", ctx -> notification(ctx, token));
        routes.post("/notifications/{format}", ctx -> notification(ctx, token));
    }

    /** Starts the endpoint (when configured), the poller and the worker; returns at once. */
    public Watcher start() {
        int released = loop.recover();
        if (released > 0) {
            say("resuming " + released + " step(s) this worker was running when it stopped");
        }
        startNotifications();
        pollThread = Thread.ofPlatform().name("drydock-poll").daemon().start(() -> poller.run(c -> { }, cycle -> {
            cycle.errors().forEach(e -> say("poll: " + e));
            loop.scheduleRefreshes();
            loop.refreshOnAdvisoryUpdate(advisoryVersion.get());
        }, stopping::get));
        workThread = Thread.ofPlatform().name("drydock-steps").daemon().start(() -> {
            while (!stopping.get()) {
                try {
                    if (!loop.runOne()) {
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the store is down or similar: the step stays held until its lease runs out, then runs again
                    say("step failed outside its handler: " + e.getMessage());
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
        return this;
    }

    /** The notification endpoint's port (the configured one, or the one chosen for port 0). */
    public int port() {
        return http == null ? -1 : http.port();
    }

    /** Starts the notification endpoint when the configuration has one (start() does; tests call it alone). */
    public void startNotifications() {
        if (config.notifications().listen() != null && http == null) {
            startEndpoint(config.notifications().listen());
        }
    }

    private void startEndpoint(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new DrydockException("the watch configuration " + config.file() + ": notifications.listen: '" + listen
                    + "' is not HOST:PORT");
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new DrydockException("the watch configuration " + config.file() + ": notifications.listen: '" + listen
                    + "' is not HOST:PORT");
        }
        String token = config.notifications().tokenEnv() == null ? null : System.getenv(config.notifications().tokenEnv());
        if (config.notifications().tokenEnv() != null && (token == null || token.isEmpty())) {
            throw new DrydockException("notifications.tokenEnv names " + config.notifications().tokenEnv() + ", which is not set");
        }
        http = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.concurrency.useVirtualThreads = true;
            c.routes.post("/notifications", ctx -> notification(ctx, token));
            c.routes.post("/notifications/{format}", ctx -> notification(ctx, token));
            c.routes.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
        }).start(host, port);
        say("listening for registry notifications on http://" + host + ":" + http.port() + "/notifications");
    }

    private void notification(Context ctx, String token) {
        String source = ctx.ip() + " (" + ctx.method() + " " + ctx.path() + ")";
        if (token != null && !authorized(ctx, token)) {
            respond(ctx, 401, error("notification from " + source + ": missing or wrong bearer token"));
            return;
        }
        List<PushEvent> events;
        try {
            events = PushNotifications.parse(ctx.bodyAsBytes(), ctx.contentType(), source);
        } catch (DrydockException e) {
            say(e.getMessage());
            respond(ctx, 400, error(e.getMessage()));
            return;
        }
        Set<String> tracked = store.trackedBases().stream().map(TrackedBase::reference).collect(Collectors.toSet());
        ObjectNode answer = JSON.createObjectNode();
        answer.put("events", events.size());
        ArrayNode confirmed = answer.putArray("changed");
        ArrayNode unchanged = answer.putArray("unchanged");
        ArrayNode ignored = answer.putArray("ignored");
        ArrayNode pending = answer.putArray("pending");
        for (PushEvent e : events) {
            if (e.tag() == null || e.registry() == null) {
                ignored.addObject().put("reference", e.reference()).put("reason",
                        e.tag() == null ? "a push by digest: tracked bases are tags" : "the notification does not say which registry");
                continue;
            }
            String reference;
            try {
                reference = WatchConfig.normalise(e.registry() + "/" + e.repository() + ":" + e.tag());
            } catch (DrydockException bad) {
                ignored.addObject().put("reference", e.reference()).put("reason", bad.getMessage());
                continue;
            }
            if (!tracked.contains(reference)) {
                ignored.addObject().put("reference", reference).put("reason", "no tracked base is " + reference);
                continue;
            }
            try {
                Optional<BasePoller.Change> change = poller.confirm(reference);
                if (change.isPresent()) {
                    confirmed.add(reference);
                } else if (e.digest() != null && !e.digest().equals(storedDigest(reference))) {
                    // Distribution sends the event when the manifest is stored and moves the tag just after: a HEAD
                    // that fast can still see the old digest. Checked again shortly, off the registry's request.
                    pending.add(reference);
                    recheck(reference, e.digest());
                } else {
                    unchanged.add(reference);
                }
            } catch (DrydockException bad) {
                ignored.addObject().put("reference", reference).put("reason", "the HEAD to confirm it failed: " + bad.getMessage());
            }
        }
        say("notification from " + source + ": " + events.size() + " push event(s), " + confirmed.size() + " confirmed change(s), "
                + ignored.size() + " ignored");
        respond(ctx, 202, answer);
    }

    private String storedDigest(String reference) {
        return store.trackedBase(reference).map(TrackedBase::digest).orElse(null);
    }

    /** Asks again, a few times over about two seconds, until the tag shows the notified digest. */
    private void recheck(String reference, String notified) {
        Thread.ofVirtual().name("drydock-recheck").start(() -> {
            for (long wait : new long[] {100, 300, 600, 1000}) {
                try {
                    Thread.sleep(wait);
                    if (poller.confirm(reference).isPresent() || notified.equals(storedDigest(reference))) {
                        say("notification for " + reference + ": confirmed on a second look");
                        return;
                    }
                } catch (InterruptedException ie) {
                    return;
                } catch (DrydockException bad) {
                    say("notification for " + reference + ": the HEAD to confirm it failed: " + bad.getMessage());
                    return;
                }
            }
            say("notification for " + reference + " named " + notified + ", but the tag still points to " + storedDigest(reference)
                    + "; the next poll checks again");
        });
    }

    private static boolean authorized(Context ctx, String token) {
        String header = ctx.header("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private void say(String message) {
        log.println("watch: " + message);
        log.flush();
    }

    @Override
    public void close() {
        stopping.set(true);
        if (http != null) {
            http.stop();
        }
        for (Thread t : new Thread[] {pollThread, workThread}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
