package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.cache.BlobCache;
import io.drydock.cache.CachingSource;
import io.drydock.image.ImageSource;
import io.drydock.image.ImageSpec;
import io.drydock.image.Platform;
import io.drydock.image.local.LocalSources;
import io.drydock.image.registry.Credential;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistrySource;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** Options every command that reads images shares: where Drydock keeps state, registries, auth, platform. */
public final class ImageOptions {
    @Option(names = "--home", description = "State directory (default: $DRYDOCK_HOME or ~/.drydock).")
    Path home;

    @Option(names = "--platform", description = "Platform to select from a multi-arch index (default: linux/amd64).")
    String platform;

    @Option(names = "--insecure-registry", description = "Allow plain HTTP to this registry (host[:port]). Loopback registries are allowed by default.")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--registry-ca", description = "PEM file of a certificate authority to trust for registries, besides the system's (repeatable; or $DRYDOCK_REGISTRY_CA).")
    List<Path> registryCa = new ArrayList<>();

    @Option(names = "--username", description = "Registry user name (or $DRYDOCK_USERNAME).")
    String username;

    @Option(names = "--password-stdin", description = "Read the registry password from standard input (or set $DRYDOCK_PASSWORD).")
    boolean passwordStdin;

    private RegistryClient client;
    private String passwordFromStdin; // standard input can be read once; a scan binds several registries

    public Path home() {
        if (home != null) return home;
        String env = System.getenv("DRYDOCK_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".drydock");
    }

    public io.drydock.inventory.Inventorier inventorier() {
        return new io.drydock.inventory.Inventorier(io.drydock.inventory.DefaultAnalyzers.all(), new io.drydock.layer.LayerReader(),
                io.drydock.inventory.AnalysisCache.inHome(home()));
    }

    public BlobCache cache() {
        return BlobCache.inHome(home());
    }

    public Platform platform() {
        return platform == null ? Platform.LINUX_AMD64 : Platform.parse(platform);
    }

    public RegistryClient client() {
        if (client == null) {
            client = new RegistryClient(CredentialStore.fromEnvironment(), clientOptions());
        }
        return client;
    }

    /** The registry settings of the command line: insecure registries and trusted CAs. */
    public RegistryClient.Options clientOptions() {
        List<Path> cas = new ArrayList<>(registryCa);
        String envCa = System.getenv("DRYDOCK_REGISTRY_CA");
        if (envCa != null && !envCa.isBlank()) cas.add(Path.of(envCa));
        return RegistryClient.Options.defaults().withInsecure(new HashSet<>(insecureRegistries)).withCaCertificates(cas);
    }

    /** Opens the image, with explicit credentials (flags or environment) bound to its registry only. */
    public CachingSource open(String image) {
        ImageSpec spec = ImageSpec.parse(image);
        ImageSource source = switch (spec.kind()) {
            case REGISTRY -> {
                bindCredentials(spec.registryReference().registry());
                yield new RegistrySource(client(), spec.registryReference());
            }
            default -> LocalSources.open(spec);
        };
        return new CachingSource(source, cache());
    }

    /** Binds credentials given by flag or environment to {@code registry}, and to no other registry. */
    public void bindCredentials(String registry) {
        String user = username != null ? username : System.getenv("DRYDOCK_USERNAME");
        if (user == null) return;
        String password;
        if (passwordStdin) {
            if (passwordFromStdin == null) {
                try {
                    InputStream in = System.in;
                    passwordFromStdin = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new DrydockException("cannot read the password from standard input: " + DrydockException.reason(e));
                }
            }
            password = passwordFromStdin;
        } else {
            password = System.getenv("DRYDOCK_PASSWORD");
            if (password == null) throw new DrydockException("--username given without a password: use --password-stdin or set DRYDOCK_PASSWORD");
        }
        String origin = username != null ? "--username" : "DRYDOCK_USERNAME";
        client().credentials().put(registry, Credential.basic(user, password, origin));
    }
}
