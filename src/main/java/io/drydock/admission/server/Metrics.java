package io.drydock.admission.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/** The server's Prometheus metrics, in a registry of its own so that tests and two servers in one JVM never share counts. */
final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram latency;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final PrometheusTextFormatWriter text = ExpositionFormats.init().getPrometheusTextFormatWriter();

    Metrics(LongSupplier registryRequests) {
        requests = Counter.builder().name("drydock_admission_requests_total")
                .help("AdmissionReview requests by endpoint and result (allowed, denied, bad_request, error)")
                .labelNames("endpoint", "result").register(registry);
        // millisecond resolution where the warm path lives, up to the webhook's 10 s timeout
        latency = Histogram.builder().name("drydock_admission_request_duration_seconds")
                .help("Time from reading the request to writing the response, by endpoint and result")
                .labelNames("endpoint", "result").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10)
                .register(registry);
        cacheHits = Counter.builder().name("drydock_admission_verdict_cache_hits_total")
                .help("Image verdicts answered from the cache").register(registry);
        cacheMisses = Counter.builder().name("drydock_admission_verdict_cache_misses_total")
                .help("Image verdicts not in the cache (verified, or joined a verification already running)").register(registry);
        CounterWithCallback.builder().name("drydock_admission_registry_requests_total")
                .help("HTTP requests made to registries").callback(cb -> cb.call(registryRequests.getAsLong())).register(registry);
    }

    void request(String endpoint, String result, long nanos) {
        requests.labelValues(endpoint, result).inc();
        latency.labelValues(endpoint, result).observe(nanos / 1e9);
    }

    void cacheHit() {
        cacheHits.inc();
    }

    void cacheMiss() {
        cacheMisses.inc();
    }

    String contentType() {
        return text.getContentType();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            text.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
