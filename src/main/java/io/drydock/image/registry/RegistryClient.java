package io.drydock.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.VerifyingInputStream;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client for the OCI Distribution API on {@code java.net.http}: anonymous, Basic and Bearer
 * token auth driven by {@code WWW-Authenticate} (or a pre-issued bearer token, see
 * {@link Credential#bearer}), retries with backoff, digest verification of everything it reads,
 * and the push side (uploads, mounts, manifests, tags, referrers).
 */
public final class RegistryClient {
    /**
     * @param caCertificates PEM files of certificate authorities to trust besides the JDK's (private registries)
     * @param hostBackoff shared by the clients of a long-running process to stop asking a throttling registry; null for none
     */
    public record Options(Set<String> insecureRegistries, Duration connectTimeout, Duration requestTimeout,
                          int maxAttempts, Duration initialBackoff, Duration maxBackoff, long chunkSize,
                          java.util.List<java.nio.file.Path> caCertificates, Duration readTimeout, HostBackoff hostBackoff) {
        public Options {
            insecureRegistries = Set.copyOf(insecureRegistries);
            caCertificates = java.util.List.copyOf(caCertificates);
        }

        public static Options defaults() {
            return new Options(Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(60), 4,
                    Duration.ofMillis(250), Duration.ofSeconds(10), 0, java.util.List.of(), Duration.ofSeconds(60), null);
        }

        public Options withInsecure(Set<String> registries) {
            return new Options(registries, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff, chunkSize, caCertificates, readTimeout, hostBackoff);
        }

        public Options withRetries(int attempts, Duration backoff) {
            return new Options(insecureRegistries, connectTimeout, requestTimeout, attempts, backoff, maxBackoff, chunkSize, caCertificates, readTimeout, hostBackoff);
        }

        /** Uploads larger than {@code bytes} go in PATCH chunks of that size; 0 means always monolithic. */
        public Options withChunkSize(long bytes) {
            return new Options(insecureRegistries, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff, bytes, caCertificates, readTimeout, hostBackoff);
        }

        /** How long a response body may deliver no byte before the read fails. */
        public Options withReadTimeout(Duration idle) {
            return new Options(insecureRegistries, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff, chunkSize, caCertificates, idle, hostBackoff);
        }

        public Options withHostBackoff(HostBackoff backoff) {
            return new Options(insecureRegistries, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff, chunkSize, caCertificates, readTimeout, backoff);
        }

        public Options withCaCertificates(java.util.List<java.nio.file.Path> files) {
            return new Options(insecureRegistries, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff, chunkSize, files, readTimeout, hostBackoff);
        }
    }

    static final long MAX_MANIFEST_BYTES = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_AGENT = "drydock/0.1";
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HttpClient http;
    private final CredentialStore credentials;
    private final Options options;
    private final Map<String, String> schemeByHost = new ConcurrentHashMap<>();
    private final Map<String, AuthChallenge> challengeByHost = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final AtomicLong requestCount = new AtomicLong();

    private record Token(String value, Instant expiresAt) {
        boolean fresh() {
            return Instant.now().isBefore(expiresAt);
        }
    }

    public RegistryClient(CredentialStore credentials, Options options) {
        this.credentials = credentials;
        this.options = options;
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (!options.caCertificates().isEmpty()) builder.sslContext(TrustedCertificates.context(options.caCertificates()));
        this.http = builder
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private final Map<String, Integer> rateLimitRemaining = new ConcurrentHashMap<>();

    /**
     * What the registry last said is left of its rate limit ({@code RateLimit-Remaining: 76;w=21600}, as Docker Hub
     * sends, or {@code X-RateLimit-Remaining}); empty when it never said.
     */
    public java.util.OptionalInt rateLimitRemaining(String host) {
        Integer n = rateLimitRemaining.get(host);
        return n == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(n);
    }

    private void noteRateLimit(String host, HttpResponse<InputStream> r) {
        String v = r.headers().firstValue("RateLimit-Remaining").or(() -> r.headers().firstValue("X-RateLimit-Remaining")).orElse(null);
        if (v == null) return;
        java.util.regex.Matcher m = Pattern.compile("^\\s*(\\d+)").matcher(v);
        if (m.find()) {
            try {
                rateLimitRemaining.put(host, Integer.parseInt(m.group(1)));
            } catch (NumberFormatException ignored) {
                // larger than an int: plenty left
            }
        }
    }

    public CredentialStore credentials() {
        return credentials;
    }

    /** Requests sent so far, retries and token fetches included (tests and benchmarks count them). */
    public long requestCount() {
        return requestCount.get();
    }

    // ---------------------------------------------------------------- read side

    /** GET a manifest or index with the full Accept list; verifies it against the digest asked for or announced. */
    public Manifest manifest(ImageReference ref) {
        return manifest(ref, ref.manifestReference());
    }

    public Manifest manifest(ImageReference ref, String tagOrDigest) {
        HttpResponse<InputStream> r = send(get(ref, "/manifests/" + tagOrDigest).accept(MediaTypes.MANIFEST_ACCEPT).pull());
        expectOk(r, ref, "manifest " + tagOrDigest);
        byte[] raw = readLimited(r.body(), MAX_MANIFEST_BYTES, "manifest " + tagOrDigest + " of " + ref.name());
        Digest computed = Digest.sha256(raw);
        String where = ref.name() + "@" + tagOrDigest;
        if (tagOrDigest.contains(":")) {
            Digest wanted = Digest.parse(tagOrDigest);
            if (!wanted.equals(computed) && !(wanted.algorithm().equals("sha512") && matchesOther(wanted, raw))) {
                throw new DrydockException("manifest " + where + " does not match its digest (got " + computed + ")");
            }
        } else {
            String announced = r.headers().firstValue("Docker-Content-Digest").orElse(null);
            if (announced != null && !announced.isBlank()) {
                Digest a = Digest.parse(announced.trim());
                if (a.algorithm().equals("sha256") && !a.equals(computed)) {
                    throw new DrydockException("manifest " + where + " does not match the digest the registry announced ("
                            + a + " announced, " + computed + " computed)");
                }
            }
        }
        return ManifestCodec.parse(raw, r.headers().firstValue("Content-Type").orElse(null), where);
    }

    private static boolean matchesOther(Digest wanted, byte[] raw) {
        return wanted.matches(wanted.newMessageDigest().digest(raw));
    }

    /** HEAD a manifest: its digest, media type and size, or empty when the tag or digest does not exist. */
    public Optional<Descriptor> head(ImageReference ref) {
        HttpResponse<InputStream> r = send(head(ref, "/manifests/" + ref.manifestReference()).accept(MediaTypes.MANIFEST_ACCEPT).pull());
        closeQuietly(r.body());
        if (r.statusCode() == 404) return Optional.empty();
        expectOk(r, ref, "manifest " + ref.manifestReference());
        String digest = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (digest == null) {
            if (ref.digest() == null) throw new DrydockException("registry " + ref.registry() + " sent no Docker-Content-Digest for " + ref);
            digest = ref.digest().toString();
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse(null);
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        return Optional.of(Descriptor.of(type, Digest.parse(digest.trim()), size));
    }

    /** Streams a blob; the stream checks size and digest at its end and throws if either is wrong. */
    public InputStream blob(ImageReference ref, Descriptor descriptor) {
        HttpResponse<InputStream> r = send(get(ref, "/blobs/" + descriptor.digest()).pull());
        expectOk(r, ref, "blob " + descriptor.digest());
        String what = "blob " + descriptor.digest() + " of " + ref.name();
        return new VerifyingInputStream(new IdleTimeoutInputStream(r.body(), options.readTimeout(), what), descriptor.digest(), descriptor.size(), what);
    }

    public boolean blobExists(ImageReference ref, Digest digest) {
        HttpResponse<InputStream> r = send(head(ref, "/blobs/" + digest).pull());
        closeQuietly(r.body());
        if (r.statusCode() == 404) return false;
        expectOk(r, ref, "blob " + digest);
        return true;
    }

    /** All tags of a repository, following {@code Link} pagination. */
    public List<String> tags(ImageReference ref, int pageSize) {
        List<String> out = new ArrayList<>();
        String path = "/tags/list" + (pageSize > 0 ? "?n=" + pageSize : "");
        while (path != null) {
            HttpResponse<InputStream> r = send(get(ref, path).pull());
            if (r.statusCode() == 404) {
                closeQuietly(r.body());
                throw new RegistryException.NotFound("repository " + ref.name() + " does not exist");
            }
            expectOk(r, ref, "tag list");
            JsonNode body = readJson(r.body(), "tag list of " + ref.name());
            body.path("tags").forEach(t -> out.add(t.asText()));
            path = r.headers().firstValue("Link").map(RegistryClient::nextLink).orElse(null);
            if (path != null) {
                String prefix = "/v2/" + ref.repository();
                path = path.startsWith(prefix) ? path.substring(prefix.length()) : null;
            }
        }
        return out;
    }

    static String nextLink(String header) {
        Matcher m = LINK_NEXT.matcher(header);
        if (!m.find()) return null;
        String link = m.group(1);
        if (link.startsWith("http://") || link.startsWith("https://")) {
            URI u = URI.create(link);
            link = u.getRawPath() + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
        }
        return link;
    }

    /**
     * The referrers of {@code subject}: the OCI 1.1 referrers API when the registry has it, else the
     * {@code sha256-<hex>} tag fallback the spec defines (Distribution 2.8 has no referrers API).
     */
    public List<Descriptor> referrers(ImageReference ref, Digest subject, String artifactType) {
        String query = artifactType == null ? "" : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
        HttpResponse<InputStream> r = send(get(ref, "/referrers/" + subject + query).accept(List.of(MediaTypes.OCI_INDEX)).pull());
        if (r.statusCode() == 200) {
            byte[] raw = readLimited(r.body(), MAX_MANIFEST_BYTES, "referrers of " + subject);
            Manifest m = ManifestCodec.parse(raw, MediaTypes.OCI_INDEX, "referrers of " + ref.name() + "@" + subject);
            if (m instanceof ImageIndex idx) return filter(idx.manifests(), artifactType);
            throw new DrydockException("referrers response for " + ref.name() + "@" + subject + " is not an index");
        }
        closeQuietly(r.body());
        if (r.statusCode() != 404) expectOk(r, ref, "referrers of " + subject);
        Optional<ImageIndex> fallback = referrersTagIndex(ref, subject);
        return fallback.map(idx -> filter(idx.manifests(), artifactType)).orElse(List.of());
    }

    /** The index stored at the referrers fallback tag, if any. */
    public Optional<ImageIndex> referrersTagIndex(ImageReference ref, Digest subject) {
        ImageReference tagRef = ref.withTag(subject.tagForm());
        try {
            Manifest m = manifest(tagRef, subject.tagForm());
            if (m instanceof ImageIndex idx) return Optional.of(idx);
            throw new DrydockException("referrers tag " + tagRef + " holds a manifest, not an index");
        } catch (RegistryException.NotFound e) {
            return Optional.empty();
        }
    }

    private static List<Descriptor> filter(List<Descriptor> all, String artifactType) {
        if (artifactType == null) return all;
        return all.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
    }

    // ---------------------------------------------------------------- push side

    /**
     * Uploads a blob unless the repository already has it. {@code content} is called once per
     * attempt, so a retried upload restarts from the beginning.
     */
    public void pushBlob(ImageReference ref, Digest digest, long size, Supplier<InputStream> content) {
        if (blobExists(ref, digest)) return;
        uploadBlob(ref, digest, size, content);
    }

    /**
     * Uploads a blob without asking first whether the repository has it: for content just made (a signature, an
     * attestation) the question costs a round trip and the answer is always no.
     */
    public void uploadBlob(ImageReference ref, Digest digest, long size, Supplier<InputStream> content) {
        uploadBlob(ref, startUpload(ref), digest, size, content);
    }

    /**
     * Opens an upload session; its content comes later through {@link #uploadBlob(ImageReference, String, Digest,
     * long, Supplier)}. The session takes a round trip and needs no content, so a caller that knows it will upload
     * opens it early, while other work runs.
     */
    public String startUpload(ImageReference ref) {
        HttpResponse<InputStream> r = send(post(ref, "/blobs/uploads/", new byte[0]).push());
        closeQuietly(r.body());
        if (r.statusCode() != 202) expectOk(r, ref, "upload start");
        return resolveLocation(ref, r.headers().firstValue("Location")
                .orElseThrow(() -> new DrydockException("registry " + ref.registry() + " started an upload without a Location")));
    }

    /** Completes an upload session opened with {@link #startUpload}. */
    public void uploadBlob(ImageReference ref, String session, Digest digest, long size, Supplier<InputStream> content) {
        completeUpload(ref, session, digest, size, content);
    }

    /**
     * Mounts a blob from another repository of the same registry. Returns false when the registry
     * declined (it then answers with an upload session, which this method cancels).
     */
    public boolean mountBlob(ImageReference ref, Digest digest, String fromRepository) {
        String query = "?mount=" + enc(digest.toString()) + "&from=" + enc(fromRepository);
        HttpResponse<InputStream> r = send(post(ref, "/blobs/uploads/" + query, new byte[0]).push().alsoPull(fromRepository));
        closeQuietly(r.body());
        if (r.statusCode() == 201) return true;
        if (r.statusCode() == 202) {
            r.headers().firstValue("Location").ifPresent(loc -> {
                HttpResponse<InputStream> d = send(absolute("DELETE", ref, resolveLocation(ref, loc), null).push());
                closeQuietly(d.body());
            });
            return false;
        }
        expectOk(r, ref, "mount of " + digest + " from " + fromRepository);
        return false;
    }


    private void completeUpload(ImageReference ref, String location, Digest digest, long size, Supplier<InputStream> content) {
        long chunk = options.chunkSize();
        if (chunk <= 0 || size <= chunk) {
            String url = location + (location.contains("?") ? "&" : "?") + "digest=" + enc(digest.toString());
            HttpResponse<InputStream> r = send(absolute("PUT", ref, url, () -> HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(content), size)).push().contentType("application/octet-stream"));
            closeQuietly(r.body());
            if (r.statusCode() != 201) expectOk(r, ref, "upload of blob " + digest);
            return;
        }
        try (InputStream in = content.get()) {
            long offset = 0;
            byte[] buf = new byte[(int) Math.min(chunk, Integer.MAX_VALUE - 16)];
            while (offset < size) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, size - offset));
                if (n <= 0) throw new DrydockException("blob " + digest + " ended after " + offset + " of " + size + " bytes while uploading");
                byte[] part = n == buf.length ? buf.clone() : java.util.Arrays.copyOf(buf, n);
                long start = offset;
                HttpResponse<InputStream> r = send(absolute("PATCH", ref, location, () -> HttpRequest.BodyPublishers.ofByteArray(part))
                        .push().contentType("application/octet-stream").header("Content-Range", start + "-" + (start + n - 1)));
                closeQuietly(r.body());
                if (r.statusCode() != 202) expectOk(r, ref, "chunk upload of blob " + digest);
                location = resolveLocation(ref, r.headers().firstValue("Location").orElse(location));
                offset += n;
            }
        } catch (IOException e) {
            throw new DrydockException("reading blob " + digest + " for upload failed: " + DrydockException.reason(e), e);
        }
        String url = location + (location.contains("?") ? "&" : "?") + "digest=" + enc(digest.toString());
        HttpResponse<InputStream> r = send(absolute("PUT", ref, url, HttpRequest.BodyPublishers::noBody).push());
        closeQuietly(r.body());
        if (r.statusCode() != 201) expectOk(r, ref, "upload of blob " + digest);
    }

    /** PUTs a manifest at a tag or its digest; checks the digest the registry computed. */
    public Digest pushManifest(ImageReference ref, String tagOrDigest, Manifest manifest) {
        HttpResponse<InputStream> r = send(absolute("PUT", ref, url(ref, "/manifests/" + tagOrDigest),
                () -> HttpRequest.BodyPublishers.ofByteArray(manifest.raw())).push().contentType(manifest.mediaType()));
        closeQuietly(r.body());
        if (r.statusCode() != 201) expectOk(r, ref, "manifest push to " + tagOrDigest);
        String announced = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (announced != null && !Digest.parse(announced.trim()).equals(manifest.digest())) {
            throw new DrydockException("registry " + ref.registry() + " stored manifest " + ref.name() + ":" + tagOrDigest
                    + " under " + announced + ", not " + manifest.digest());
        }
        return manifest.digest();
    }

    // ---------------------------------------------------------------- transport

    private final class Req {
        final String method;
        final ImageReference ref;
        String url;
        final Supplier<HttpRequest.BodyPublisher> body;
        final Set<String> scopes = new LinkedHashSet<>();
        final List<String[]> headers = new ArrayList<>();

        Req(String method, ImageReference ref, String url, Supplier<HttpRequest.BodyPublisher> body) {
            this.method = method;
            this.ref = ref;
            this.url = url;
            this.body = body;
        }

        Req accept(List<String> types) {
            headers.add(new String[]{"Accept", String.join(", ", types)});
            return this;
        }

        Req contentType(String type) {
            headers.add(new String[]{"Content-Type", type});
            return this;
        }

        Req header(String name, String value) {
            headers.add(new String[]{name, value});
            return this;
        }

        Req pull() {
            scopes.add("repository:" + ref.repository() + ":pull");
            return this;
        }

        Req push() {
            scopes.add("repository:" + ref.repository() + ":pull,push");
            return this;
        }

        Req alsoPull(String repository) {
            scopes.add("repository:" + repository + ":pull");
            return this;
        }
    }

    private Req get(ImageReference ref, String path) {
        return new Req("GET", ref, url(ref, path), null);
    }

    private Req head(ImageReference ref, String path) {
        return new Req("HEAD", ref, url(ref, path), null);
    }

    private Req post(ImageReference ref, String path, byte[] content) {
        return new Req("POST", ref, url(ref, path), () -> HttpRequest.BodyPublishers.ofByteArray(content));
    }

    private Req absolute(String method, ImageReference ref, String url, Supplier<HttpRequest.BodyPublisher> body) {
        return new Req(method, ref, url, body);
    }

    private String url(ImageReference ref, String path) {
        return baseUrl(ref.apiHost()) + "/v2/" + ref.repository() + path;
    }

    /**
     * Loopback registries are spoken to in plain HTTP first (traffic that never leaves the host
     * gains nothing from TLS, and some servers stall on a TLS hello); everything else uses HTTPS.
     */
    private String baseUrl(String host) {
        return schemeByHost.computeIfAbsent(host, h -> isLoopback(h) ? "http" : "https") + "://" + host;
    }

    private static boolean isLoopback(String host) {
        String h = host.replaceFirst(":\\d+$", "").replace("[", "").replace("]", "");
        if (h.equals("localhost")) return true;
        try {
            return h.matches("[0-9.]+|[0-9a-fA-F:]+") && InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private String resolveLocation(ImageReference ref, String location) {
        if (location.startsWith("http://") || location.startsWith("https://")) return location;
        return baseUrl(ref.apiHost()) + (location.startsWith("/") ? "" : "/") + location;
    }

    /** Plain HTTP is allowed only for loopback registries and those the user named insecure. */
    private boolean plainHttpAllowed(String host) {
        return allowsPlainHttp(host, options.insecureRegistries());
    }

    static boolean allowsPlainHttp(String host, Set<String> insecureRegistries) {
        String h = host.replaceFirst(":\\d+$", "");
        return insecureRegistries.contains(host) || insecureRegistries.contains(h) || isLoopback(host);
    }

    private HttpResponse<InputStream> send(Req req) {
        String host = req.ref.apiHost();
        int authRetries = 0;
        int attempt = 0;
        int redirects = 0;
        String url = req.url;
        boolean sameHost = true;
        // Each request changes scheme at most once, so HTTP and HTTPS cannot ping-pong.
        boolean schemeSwitched = false;
        if (options.hostBackoff() != null) {
            Optional<RegistryException> refused = options.hostBackoff().refusal(host);
            if (refused.isPresent()) throw refused.get();
        }
        while (true) {
            attempt++;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(options.requestTimeout())
                    .header("User-Agent", USER_AGENT);
            for (String[] h : req.headers) b.header(h[0], h[1]);
            if (sameHost) authorization(host, req.scopes, false).ifPresent(a -> b.header("Authorization", a));
            HttpRequest.BodyPublisher body = req.body == null ? HttpRequest.BodyPublishers.noBody() : req.body.get();
            b.method(req.method, body);
            HttpResponse<InputStream> r;
            try {
                requestCount.incrementAndGet();
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (SSLException e) {
                if (url.startsWith("https://") && plainHttpAllowed(host) && sameHost && !schemeSwitched) {
                    schemeSwitched = true;
                    schemeByHost.put(host, "http");
                    url = "http://" + url.substring("https://".length());
                    attempt--;
                    continue;
                }
                throw new RegistryException.Unreachable("TLS connection to registry " + host + " failed: " + e.getMessage()
                        + " (if the registry uses a private CA, trust it with --registry-ca FILE; use --insecure-registry "
                        + host + " only if it really serves plain HTTP)", e);
            } catch (IOException e) {
                if (e instanceof HttpTimeoutException && url.startsWith("https://") && plainHttpAllowed(host) && sameHost
                        && !schemeSwitched) {
                    schemeSwitched = true;
                    // An insecure registry that stalls on the TLS hello speaks plain HTTP.
                    schemeByHost.put(host, "http");
                    url = "http://" + url.substring("https://".length());
                    attempt--;
                    continue;
                }
                if (attempt < options.maxAttempts()) {
                    sleep(backoff(attempt, null));
                    continue;
                }
                throw new RegistryException.Unreachable("registry " + host + " is unreachable (" + describe(e) + ", after "
                        + attempt + " attempts)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrydockException("interrupted while talking to registry " + host);
            }
            int status = r.statusCode();
            noteRateLimit(host, r);
            if (status == 400 && url.startsWith("http://") && sameHost && isLoopback(host) && !schemeSwitched) {
                String text;
                try {
                    text = new String(r.body().readNBytes(512), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = "";
                }
                if (text.contains("HTTPS") || text.contains("TLS")) {
                    schemeSwitched = true;
                    schemeByHost.put(host, "https");
                    url = "https://" + url.substring("http://".length());
                    attempt--;
                    continue;
                }
                r = replay(r, text);
            }
            if (status == 401 && sameHost) {
                AuthChallenge challenge = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
                String errorBody = errorMessage(r);
                Optional<Credential> given = credentials.find(host).filter(Credential::hasRegistryToken);
                // a token handed to Drydock is all it has: no token service to ask again
                if (given.isPresent()) throw new RegistryException.Unauthorized(tokenRefusedMessage(host, challenge, given.get(), errorBody), 401);
                if (challenge == null) throw new RegistryException.Unauthorized("registry " + host + " refused access without saying how to authenticate" + errorBody, 401);
                boolean hadChallenge = challenge.equals(challengeByHost.put(host, challenge));
                if (authRetries++ >= 2) {
                    throw new RegistryException.Unauthorized(unauthorizedMessage(host, challenge, errorBody), 401);
                }
                if (challenge.scheme().equals("bearer") && challenge.param("scope") != null) {
                    req.scopes.addAll(List.of(challenge.param("scope").split(" ")));
                }
                authorization(host, req.scopes, hadChallenge || authRetries > 1);
                attempt--;
                continue;
            }
            if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && (req.method.equals("GET") || req.method.equals("HEAD"))) {
                closeQuietly(r.body());
                String loc = r.headers().firstValue("Location").orElse(null);
                if (loc == null || ++redirects > 5) throw new RegistryException("registry " + host + " sent a redirect without a usable Location", status);
                URI next = URI.create(url).resolve(loc);
                sameHost = next.getAuthority() != null && next.getAuthority().equalsIgnoreCase(host);
                url = next.toString();
                attempt--;
                continue;
            }
            if ((status == 429 || status == 500 || status == 502 || status == 503 || status == 504) && attempt < options.maxAttempts()) {
                String retryAfter = r.headers().firstValue("Retry-After").orElse(null);
                closeQuietly(r.body());
                sleep(backoff(attempt, retryAfter));
                continue;
            }
            if (options.hostBackoff() != null && sameHost) {
                options.hostBackoff().answered(host, status, retryAfter(r.headers().firstValue("Retry-After").orElse(null)));
            }
            return r;
        }
    }

    private String unauthorizedMessage(String host, AuthChallenge challenge, String errorBody) {
        Optional<Credential> c = credentials.find(host);
        String who = c.map(cr -> "the credentials from " + cr.origin() + " were rejected").orElse("no credentials were found for it");
        String why = challenge.param("error") != null ? " (" + challenge.param("error")
                + (challenge.param("error").equals("invalid_token") ? ": the token is expired or invalid" : "") + ")" : "";
        return "registry " + host + " denied access" + why + ": " + who + errorBody;
    }

    private static String tokenRefusedMessage(String host, AuthChallenge challenge, Credential given, String errorBody) {
        String error = challenge == null ? null : challenge.param("error");
        String why = error == null ? "" : ": " + error + switch (error) {
            case "invalid_token" -> ", the token is expired or invalid";
            case "insufficient_scope" -> ", the token does not grant " + (challenge.param("scope") != null ? challenge.param("scope") : "this access");
            default -> "";
        };
        return "registry " + host + " refused the bearer token from " + given.origin() + why + errorBody;
    }

    /**
     * The Authorization header for a request to {@code host} needing {@code scopes}, if auth is known to be needed.
     * A bearer token bound to the registry is sent with every request, before any challenge.
     */
    private Optional<String> authorization(String host, Set<String> scopes, boolean forceRefresh) {
        AuthChallenge challenge = challengeByHost.get(host);
        // before a challenge only credentials given explicitly are looked at: no helper runs for an open registry
        Optional<Credential> cred = challenge == null ? credentials.explicit(host) : credentials.find(host);
        if (cred.isPresent() && cred.get().hasRegistryToken()) return Optional.of("Bearer " + cred.get().registryToken());
        if (challenge == null) return Optional.empty();
        if (challenge.scheme().equals("basic")) {
            return cred.map(c -> "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
        }
        if (!challenge.scheme().equals("bearer")) {
            throw new RegistryException.Unauthorized("registry " + host + " asks for unsupported authentication scheme '" + challenge.scheme() + "'", 401);
        }
        String key = host + " " + String.join(" ", scopes);
        Token t = tokens.get(key);
        if (t == null || !t.fresh() || forceRefresh) {
            t = fetchToken(host, challenge, scopes, cred);
            tokens.put(key, t);
        }
        return Optional.of("Bearer " + t.value());
    }

    private Token fetchToken(String host, AuthChallenge challenge, Set<String> scopes, Optional<Credential> cred) {
        String realm = challenge.param("realm");
        if (realm == null) throw new RegistryException.Unauthorized("registry " + host + " sent a Bearer challenge without realm", 401);
        StringBuilder q = new StringBuilder();
        if (challenge.param("service") != null) q.append("service=").append(enc(challenge.param("service")));
        for (String s : scopes) q.append(q.isEmpty() ? "" : "&").append("scope=").append(enc(s));
        URI realmUri = URI.create(realm);
        if (!"https".equals(realmUri.getScheme()) && !(realmUri.getHost() != null && plainHttpAllowed(realmUri.getHost()))) {
            if (cred.isPresent()) throw new RegistryException.Unauthorized("registry " + host + " wants credentials sent to " + realm
                    + " over plain HTTP; refusing (name it with --insecure-registry to allow)", 401);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder().timeout(options.requestTimeout()).header("User-Agent", USER_AGENT);
        if (cred.isPresent() && cred.get().hasIdentityToken()) {
            String form = q + (q.isEmpty() ? "" : "&") + "grant_type=refresh_token&client_id=drydock&refresh_token=" + enc(cred.get().identityToken());
            b.uri(realmUri).header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.uri(URI.create(realm + (realm.contains("?") ? "&" : "?") + q)).GET();
            cred.ifPresent(c -> b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8))));
        }
        HttpResponse<InputStream> r = null;
        for (int attempt = 1; ; attempt++) {
            try {
                requestCount.incrementAndGet();
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                if ((r.statusCode() == 429 || r.statusCode() >= 500) && attempt < options.maxAttempts()) {
                    closeQuietly(r.body());
                    sleep(backoff(attempt, r.headers().firstValue("Retry-After").orElse(null)));
                    continue;
                }
                break;
            } catch (IOException e) {
                if (attempt >= options.maxAttempts()) {
                    throw new RegistryException.Unreachable("token server " + realmUri.getHost() + " for registry " + host
                            + " is unreachable (" + describe(e) + ")", e);
                }
                sleep(backoff(attempt, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrydockException("interrupted while fetching a token for " + host);
            }
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            closeQuietly(r.body());
            throw new RegistryException.Unauthorized("token server " + realmUri.getHost() + " for registry " + host + " refused "
                    + cred.map(c -> "the credentials from " + c.origin()).orElse("anonymous access (no credentials found)"), r.statusCode());
        }
        if (r.statusCode() != 200) {
            closeQuietly(r.body());
            throw new RegistryException("token server " + realmUri.getHost() + " for registry " + host + " answered HTTP " + r.statusCode(), r.statusCode());
        }
        JsonNode json = readJson(r.body(), "token response from " + realmUri.getHost());
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) throw new RegistryException.Unauthorized("token server " + realmUri.getHost() + " sent no token", 200);
        long expiresIn = json.path("expires_in").asLong(60);
        // Renew a little early so a token never expires between fetch and use.
        Instant expires = Instant.now().plusSeconds(Math.max(expiresIn < 60 ? expiresIn / 2 : expiresIn - 30, 0));
        return new Token(token, expires);
    }

    /** A response whose body start was consumed, with that start put back. */
    private static HttpResponse<InputStream> replay(HttpResponse<InputStream> r, String consumed) {
        InputStream body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(consumed.getBytes(StandardCharsets.UTF_8)), r.body());
        return new HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public HttpRequest request() { return r.request(); }
            public Optional<HttpResponse<InputStream>> previousResponse() { return r.previousResponse(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public InputStream body() { return body; }
            public Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
            public URI uri() { return r.uri(); }
            public HttpClient.Version version() { return r.version(); }
        };
    }

    /** A {@code Retry-After} value (seconds or an HTTP date) as a wait of at most a minute; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null) return null;
        try {
            long secs = Long.parseLong(value.trim());
            return Duration.ofSeconds(Math.max(0, Math.min(secs, 60)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : (d.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : d);
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private Duration backoff(int attempt, String retryAfterHeader) {
        Duration told = retryAfter(retryAfterHeader);
        if (told != null) return told;
        long base = options.initialBackoff().toMillis() << Math.min(attempt - 1, 10);
        long capped = Math.min(base, options.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while waiting to retry");
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof HttpTimeoutException) return "timed out";
        if (e.getCause() instanceof UnknownHostException || e instanceof UnknownHostException) return "unknown host";
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    private void expectOk(HttpResponse<InputStream> r, ImageReference ref, String what) {
        int s = r.statusCode();
        if (s >= 200 && s < 300) return;
        String detail = errorMessage(r);
        String subject = what + " of " + ref.name();
        if (s == 404) throw new RegistryException.NotFound(subject + " not found" + detail);
        if (s == 401 || s == 403) throw new RegistryException.Unauthorized("registry " + ref.registry() + " denied access to " + subject + detail, s);
        throw new RegistryException("registry " + ref.registry() + " answered HTTP " + s + " for " + subject + detail, s);
    }

    /** The registry's own error codes and messages, e.g. {@code (MANIFEST_UNKNOWN: manifest unknown)}. */
    private static String errorMessage(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            byte[] raw = in.readNBytes(16 * 1024);
            if (raw.length == 0) return "";
            JsonNode n = JSON.readTree(raw);
            List<String> parts = new ArrayList<>();
            for (JsonNode e : n.path("errors")) parts.add(e.path("code").asText() + ": " + e.path("message").asText());
            return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static byte[] readLimited(InputStream in, long limit, String what) {
        try (in) {
            byte[] raw = in.readNBytes((int) limit + 1);
            if (raw.length > limit) throw new DrydockException(what + " is larger than the " + limit + "-byte limit for manifests");
            return raw;
        } catch (IOException e) {
            throw new DrydockException("reading " + what + " failed: " + DrydockException.reason(e), e);
        }
    }

    private static JsonNode readJson(InputStream in, String what) {
        byte[] raw = readLimited(in, MAX_MANIFEST_BYTES, what);
        try {
            JsonNode n = JSON.readTree(raw);
            if (n == null || !n.isObject()) throw new DrydockException(what + " is not a JSON object");
            return n;
        } catch (IOException e) {
            throw new DrydockException(what + " is not valid JSON: " + DrydockException.reason(e).split("\n")[0]);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do: the response is discarded
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
