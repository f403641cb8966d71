package io.drydock.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker registry token server (the "realm" of a {@code WWW-Authenticate: Bearer} challenge) whose
 * ES256 JWTs CNCF Distribution 2.8 accepts. Use it with {@link TestRegistry#tokenAuth(TokenServer)}.
 *
 * <p>Protocol: {@code GET /token?service=S&scope=repository:NAME:pull,push[&scope=...]}, optionally with
 * Basic credentials, answers {@code {"token", "access_token", "expires_in", "issued_at"}}. The OAuth2 form
 * ({@code POST /token}, {@code grant_type=password}) is answered too. Every requested action is granted.
 *
 * <p>Distribution accepts a token up to {@link #REGISTRY_LEEWAY} after its {@code exp}. So that a test can
 * make tokens run out within seconds, {@link #tokenLifetime(Duration)} is the time the <em>registry</em>
 * accepts a token: {@code exp} is set to issue time + lifetime - leeway, while {@code expires_in}
 * reports the lifetime. Clients must treat tokens as opaque (as the spec says) for this to be invisible.
 */
public final class TokenServer implements AutoCloseable {
    /** Clock-skew allowance Distribution adds to exp and nbf checks. */
    public static final Duration REGISTRY_LEEWAY = Duration.ofSeconds(60);
    public static final String SERVICE = "drydock-test-registry";
    public static final String ISSUER = "drydock-test-token-server";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /** One request the token server answered. */
    public record TokenRequest(String method, String service, List<String> scopes, Optional<String> account, int status) {}

    private final Path dir;
    private final Path certFile;
    private final PrivateKey key;
    private final String x5c;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();

    private volatile String requiredUser;
    private volatile String requiredPassword;
    private volatile Duration lifetime = Duration.ofMinutes(5);
    private volatile boolean issueExpired;

    private TokenServer(String user, String password) {
        this.requiredUser = user;
        this.requiredPassword = password;
        try {
            dir = Files.createTempDirectory("drydock-token-server-");
            KeyStore ks = generateKeyPair(dir);
            key = (PrivateKey) ks.getKey("token", STORE_PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate("token");
            x5c = Base64.getEncoder().encodeToString(cert.getEncoded());
            certFile = dir.resolve("rootcertbundle.pem");
            Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the token server", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the token signing key", e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/token", this::handle);
        server.start();
    }

    /** A token server that issues tokens to anyone (credentials, if sent, are accepted as the account). */
    public static TokenServer start() {
        return new TokenServer(null, null);
    }

    /** A token server that answers 401 unless the request carries these Basic credentials. */
    public static TokenServer start(String user, String password) {
        return new TokenServer(user, password);
    }

    /** Token endpoint URL, for the registry's {@code auth.token.realm}. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public String service() {
        return SERVICE;
    }

    public String issuer() {
        return ISSUER;
    }

    /** PEM certificate of the signing key, for the registry's {@code auth.token.rootcertbundle}. */
    public Path rootCertBundle() {
        return certFile;
    }

    /** {@code user:password} when credentials are required, for skopeo's --src-creds/--dest-creds. */
    public Optional<String> credentials() {
        String u = requiredUser;
        return u == null ? Optional.empty() : Optional.of(u + ":" + requiredPassword);
    }

    public void requireCredentials(String user, String password) {
        this.requiredPassword = password;
        this.requiredUser = user;
    }

    public void allowAnonymous() {
        this.requiredUser = null;
        this.requiredPassword = null;
    }

    /** How long the registry accepts each new token (see the class comment about the leeway). */
    public void tokenLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive; use issueExpiredTokens(true) instead");
        }
        this.lifetime = lifetime;
    }

    public Duration tokenLifetime() {
        return lifetime;
    }

    /** When on, every token is signed correctly but expired beyond the registry's leeway. */
    public void issueExpiredTokens(boolean on) {
        this.issueExpired = on;
    }

    /** Number of tokens issued so far, over HTTP or by {@link #issueToken(String...)}. */
    public int tokensIssued() {
        return issued.get();
    }

    /** Every request answered so far, in order. */
    public List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Mints a token directly, as the HTTP endpoint would for an anonymous client, for scopes such as
     * {@code repository:test/app:pull}.
     */
    public String issueToken(String... scopes) {
        return mint("anonymous", List.of(scopes), Instant.now());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        TestRegistry.deleteTree(dir);
    }

    // ---------------------------------------------------------------------------------------------

    private static final char[] STORE_PASSWORD = "drydock-test".toCharArray();

    /**
     * keytool, from the running JDK, makes the self-signed EC certificate: the JDK has no public API for
     * writing certificates, and this keeps the tests free of openssl.
     */
    private static KeyStore generateKeyPair(Path dir) throws IOException, GeneralSecurityException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException("keytool not found at " + keytool + "; the tests need a full JDK");
        }
        Path store = dir.resolve("token-key.p12");
        // The certificate starts a day back so that a registry whose clock is slightly behind still trusts it.
        HostTools.runChecked("generating the token signing key with keytool", Duration.ofMinutes(1), List.of(
                keytool.toString(), "-genkeypair", "-alias", "token", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=drydock-test-token", "-startdate", "-1d", "-validity", "3",
                "-ext", "bc:c", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD);
        }
        return ks;
    }

    private String mint(String subject, List<String> scopes, Instant now) {
        long lifetimeSeconds = lifetime.toSeconds();
        long iat;
        long exp;
        if (issueExpired) {
            // Well past the leeway, so the registry rejects it however its clock is.
            exp = now.getEpochSecond() - 5 * REGISTRY_LEEWAY.toSeconds();
            iat = exp - lifetimeSeconds;
        } else {
            iat = now.getEpochSecond();
            exp = iat + lifetimeSeconds - REGISTRY_LEEWAY.toSeconds();
        }
        ObjectNode header = JSON.createObjectNode();
        header.put("typ", "JWT");
        header.put("alg", "ES256");
        header.putArray("x5c").add(x5c);
        ObjectNode claims = JSON.createObjectNode();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", SERVICE);
        claims.put("exp", exp);
        claims.put("nbf", iat);
        claims.put("iat", iat);
        claims.put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (String scope : scopes) {
            Scope s = Scope.parse(scope);
            ObjectNode entry = access.addObject();
            entry.put("type", s.type());
            entry.put("name", s.name());
            ArrayNode actions = entry.putArray("actions");
            s.actions().forEach(actions::add);
        }
        try {
            String signingInput = B64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            // JWS wants ECDSA signatures as raw R||S (64 bytes), which is what the P1363 variant produces;
            // plain SHA256withECDSA would give DER and the registry would reject it.
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String token = signingInput + "." + B64URL.encodeToString(signer.sign());
            issued.incrementAndGet();
            return token;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private record Scope(String type, String name, List<String> actions) {
        /** {@code type:name:actions}; the name may itself contain ':' (a registry host with a port). */
        static Scope parse(String scope) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first <= 0 || last == first || last == scope.length() - 1) {
                throw new IllegalArgumentException("malformed scope '" + scope + "', expected type:name:actions");
            }
            return new Scope(scope.substring(0, first), scope.substring(first + 1, last),
                    List.of(scope.substring(last + 1).split(",")));
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            List<Param> params = new ArrayList<>(parseQuery(ex.getRequestURI().getRawQuery()));
            Optional<String[]> basic = basicCredentials(ex.getRequestHeaders().getFirst("Authorization"));
            if (method.equals("POST")) {
                params.addAll(parseQuery(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                String grant = first(params, "grant_type");
                if (!"password".equals(grant)) {
                    reply(ex, method, params, null, 400, error("unsupported_grant_type",
                            "this test token server only supports grant_type=password, got " + grant));
                    return;
                }
                if (basic.isEmpty() && first(params, "username") != null) {
                    basic = Optional.of(new String[] {first(params, "username"), String.valueOf(first(params, "password"))});
                }
            } else if (!method.equals("GET")) {
                reply(ex, method, params, null, 405, error("unsupported", "use GET or POST"));
                return;
            }

            String service = first(params, "service");
            if (service != null && !service.equals(SERVICE)) {
                reply(ex, method, params, null, 400, error("invalid_request",
                        "unknown service '" + service + "', this token server signs for '" + SERVICE + "'"));
                return;
            }
            String account = basic.map(c -> c[0]).orElse(null);
            String user = requiredUser;
            String password = requiredPassword;
            if (user != null && (basic.isEmpty() || !basic.get()[0].equals(user) || !basic.get()[1].equals(password))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"drydock-test-token-server\"");
                reply(ex, method, params, account, 401, error("unauthorized",
                        basic.isEmpty() ? "credentials required" : "wrong user name or password"));
                return;
            }

            List<String> scopes = new ArrayList<>();
            for (Param p : params) {
                if (p.name().equals("scope")) {
                    // OAuth2 form posts separate scopes with spaces; GET repeats the parameter.
                    for (String s : p.value().split(" ")) {
                        if (!s.isEmpty()) {
                            scopes.add(s);
                        }
                    }
                }
            }
            String token;
            Instant now = Instant.now();
            try {
                token = mint(account == null ? "anonymous" : account, scopes, now);
            } catch (IllegalArgumentException e) {
                reply(ex, method, params, account, 400, error("invalid_scope", e.getMessage()));
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("token", token);
            body.put("access_token", token);
            body.put("expires_in", lifetime.toSeconds());
            body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(now));
            reply(ex, method, params, account, 200, body);
        }
    }

    private void reply(HttpExchange ex, String method, List<Param> params, String account, int status, ObjectNode body)
            throws IOException {
        List<String> scopes = params.stream().filter(p -> p.name().equals("scope")).map(Param::value).toList();
        requests.add(new TokenRequest(method, first(params, "service"), scopes, Optional.ofNullable(account), status));
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", code);
        n.put("error_description", message);
        return n;
    }

    private record Param(String name, String value) {}

    private static List<Param> parseQuery(String raw) {
        List<Param> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(new Param(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static String first(List<Param> params, String name) {
        return params.stream().filter(p -> p.name().equals(name)).map(Param::value).findFirst().orElse(null);
    }

    private static Optional<String[]> basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty()
                : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }
}
