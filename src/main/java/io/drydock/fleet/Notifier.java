package io.drydock.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.rebuild.WebhookTrigger;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends a notification to every configured sink: a generic JSON webhook (optionally signed with HMAC-SHA256), a
 * Slack-compatible incoming webhook, and a Kubernetes Event on each affected workload. A sink that fails makes the
 * whole delivery fail and be retried; sinks that already took it get it again, which the delivery id lets them spot
 * (Events are named after it, so the API server refuses a second one).
 */
public final class Notifier {
    /**
     * @param webhook the generic webhook's URL, or null
     * @param webhookSecret the HMAC secret for {@code X-Drydock-Signature}, or null
     * @param slack a Slack-compatible incoming webhook's URL, or null
     * @param events whether to record Kubernetes Events on the workloads
     */
    public record Sinks(URI webhook, String webhookSecret, URI slack, boolean events) {
        public static final Sinks NONE = new Sinks(null, null, null, false);

        @Override
        public String toString() {
            // the secret is never shown
            return "Sinks[webhook=" + webhook + ", slack=" + (slack == null ? null : slack.getHost()) + ", events=" + events + "]";
        }
    }

    private final Sinks sinks;
    private final KubernetesClient kube;
    private final HttpClient http;
    private final Clock clock;

    public Notifier(Sinks sinks, KubernetesClient kube, Clock clock) {
        this.sinks = sinks;
        this.kube = kube;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public void deliver(Notification n) {
        List<String> failures = new ArrayList<>();
        if (sinks.webhook() != null) {
            try {
                post(sinks.webhook(), webhookBody(n), n.delivery(), sinks.webhookSecret());
            } catch (DrydockException e) {
                failures.add(e.getMessage());
            }
        }
        if (sinks.slack() != null) {
            try {
                post(sinks.slack(), slackBody(n), n.delivery(), null);
            } catch (DrydockException e) {
                failures.add(e.getMessage());
            }
        }
        if (sinks.events() && kube != null) {
            for (Notification.Workload w : n.workloads()) {
                try {
                    recordEvent(n, w);
                } catch (KubernetesClientException e) {
                    failures.add("recording an Event on " + w + " failed: HTTP " + e.getCode() + " " + e.getStatus().getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new DrydockException("notification " + n.delivery() + " not delivered: " + String.join("; ", failures));
        }
    }

    static byte[] webhookBody(Notification n) {
        ObjectNode body = FleetMatcher.JSON.createObjectNode();
        body.put("type", "drydock.finding.new");
        body.put("version", 1);
        body.set("notification", FleetMatcher.JSON.valueToTree(n));
        return write(body);
    }

    /** Slack's incoming-webhook payload: {@code text} for clients without blocks, and the same as blocks. */
    static byte[] slackBody(Notification n) {
        ObjectNode body = FleetMatcher.JSON.createObjectNode();
        String text = ":rotating_light: *" + n.vulnId() + "* (" + n.severity().toLowerCase(Locale.ROOT) + ") in `" + n.pkg() + " " + n.version()
                + "` of `" + n.image() + "`";
        body.put("text", text + " — " + n.remedy());
        ArrayNode blocks = body.putArray("blocks");
        section(blocks, text + (n.summary() == null || n.summary().isBlank() ? "" : "\n" + n.summary()));
        section(blocks, "*Workloads:* " + (n.workloads().isEmpty() ? "none running" : String.join(", ",
                n.workloads().stream().map(Notification.Workload::toString).toList())));
        section(blocks, "*Remedy:* " + n.remedy());
        return write(body);
    }

    private static void section(ArrayNode blocks, String markdown) {
        ObjectNode s = blocks.addObject();
        s.put("type", "section");
        ObjectNode t = s.putObject("text");
        t.put("type", "mrkdwn");
        t.put("text", markdown);
    }

    private static byte[] write(ObjectNode node) {
        try {
            return FleetMatcher.JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void post(URI url, byte[] body, String delivery, String secret) {
        HttpRequest.Builder r = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("User-Agent", "drydock").header("X-Drydock-Delivery", delivery).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            r.header("X-Drydock-Signature", WebhookTrigger.signature(secret, body));
        }
        String where = url.getScheme() + "://" + url.getAuthority() + url.getPath();
        if (url.getHost() != null && url.getHost().contains("slack")) {
            where = url.getScheme() + "://" + url.getHost() + "/…"; // the path of a Slack webhook is its secret
        }
        try {
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new DrydockException("POST " + where + " answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new DrydockException("POST " + where + " failed: " + (DrydockException.reason(e) == null ? e.getClass().getSimpleName() : DrydockException.reason(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while posting to " + where);
        }
    }

    private void recordEvent(Notification n, Notification.Workload w) {
        String name = "drydock." + n.delivery().substring(0, Math.min(40, n.delivery().length())) + "."
                + Integer.toHexString(w.toString().hashCode());
        String now = clock.instant().toString();
        Event event = new EventBuilder().withNewMetadata().withName(name).withNamespace(w.namespace())
                .addToLabels("app.kubernetes.io/managed-by", "drydock").endMetadata()
                .withNewInvolvedObject().withKind(w.kind()).withName(w.name()).withNamespace(w.namespace())
                .withApiVersion(apiVersion(w.kind())).endInvolvedObject()
                .withType("Warning").withReason("VulnerabilityFound").withMessage(n.headline() + ". " + n.remedy())
                .withNewSource().withComponent("drydock").endSource().withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            kube.v1().events().inNamespace(w.namespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // already recorded by an earlier attempt of this delivery
        }
    }

    static String apiVersion(String kind) {
        return switch (kind) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet" -> "apps/v1";
            case "CronJob", "Job" -> "batch/v1";
            default -> "v1";
        };
    }
}
