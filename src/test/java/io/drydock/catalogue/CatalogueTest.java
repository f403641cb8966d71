package io.drydock.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {
    static final String HEADER = "apiVersion: drydock.io/v1\nkind: BaseCatalogue\n";

    static Path write(Path dir, String text) throws Exception {
        Path f = dir.resolve("catalogue.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsAGoodCatalogue(@TempDir Path dir) throws Exception {
        Catalogue c = Catalogue.read(write(dir, HEADER + """
                bases:
                  - image: registry.example.com/golden/debian:12
                    owner: platform-team
                    dockerfile: bases/debian/Dockerfile
                    refresh: weekly
                    description: Debian 12 with our CA certificates
                  - image: registry.example.com/golden/temurin:21
                    owner: java-guild
                    dockerfile: bases/temurin/Dockerfile
                    context: bases
                    refresh: 3d
                  - image: alpine:3.20
                    owner: platform-team
                    upstream: docker.io/library/alpine:3.20
                    refresh: daily
                """));
        assertThat(c.bases()).hasSize(3);
        Catalogue.Base debian = c.bases().get(0);
        assertThat(debian.context()).isEqualTo("bases/debian");
        assertThat(debian.refresh().every()).isEqualTo(Duration.ofDays(7));
        assertThat(debian.source()).isEqualTo("dockerfile bases/debian/Dockerfile (context bases/debian)");
        assertThat(c.bases().get(1).context()).isEqualTo("bases");
        assertThat(c.bases().get(1).refresh().every()).isEqualTo(Duration.ofDays(3));
        assertThat(c.bases().get(2).source()).isEqualTo("upstream docker.io/library/alpine:3.20");
        assertThat(c.find("docker.io/library/alpine:3.20")).contains(c.bases().get(2));
        assertThat(c.find("alpine:3.21")).isEmpty();
        assertThat(c.digest()).startsWith("sha256:");
    }

    static void bad(Path dir, String bases, String... expected) throws Exception {
        Path f = write(dir, HEADER + bases);
        var thrown = assertThatThrownBy(() -> Catalogue.read(f)).isInstanceOf(DrydockException.class)
                .hasMessageContaining("base catalogue " + f);
        for (String e : expected) {
            thrown.hasMessageContaining(e);
        }
    }

    @Test
    void eachBadInputIsAnErrorNamingTheFileEntryAndKey(@TempDir Path dir) throws Exception {
        String ok = "    owner: a\n    upstream: debian:12\n    refresh: 7d\n";
        bad(dir, "bases:\n  - image: a:1\n" + ok + "    colour: blue\n", "bases entry 1: unknown key 'colour'");
        bad(dir, "bases:\n  - image: a:1\n" + ok + "  - image: b:1\n    upstream: debian:12\n    refresh: 7d\n", "bases entry 2, owner: required");
        bad(dir, "bases:\n  - image: a:1\n" + ok + "  - image: docker.io/library/a:1\n" + ok, "bases entry 2, image", "already bases entry 1");
        bad(dir, "bases:\n  - image: a:1\n    owner: a\n    upstream: debian:12\n    dockerfile: Dockerfile\n    refresh: 7d\n",
                "bases entry 1, upstream", "not both");
        bad(dir, "bases:\n  - image: a:1\n    owner: a\n    refresh: 7d\n", "bases entry 1: say where the base comes from");
        bad(dir, "bases:\n  - image: a:1\n    owner: a\n    upstream: debian:12\n    refresh: fortnightly\n",
                "bases entry 1, refresh: 'fortnightly' is not a refresh schedule");
        bad(dir, "bases:\n  - image: a:1\n    owner: a\n    upstream: debian:12\n", "bases entry 1, refresh: required");
        bad(dir, "bases:\n  - image: a@sha256:" + "0".repeat(64) + "\n" + ok, "bases entry 1, image", "names a digest");
        bad(dir, "bases:\n  - image: NOT VALID\n" + ok, "bases entry 1, image", "is not an image reference");
        bad(dir, "bases:\n  - image: a:1\n    owner: a\n    owner: b\n    upstream: debian:12\n    refresh: 7d\n", "not valid YAML", "owner");
        bad(dir, "bases: []\n", "bases: is empty");
        bad(dir, "bases:\n  - image: a:1\n    owner: a\n    upstream: debian:12\n    context: .\n    refresh: 7d\n", "bases entry 1, context");
        bad(dir, "", "bases: required");
        Path wrongKind = write(dir, "apiVersion: drydock.io/v1\nkind: Policy\nbases: []\n");
        assertThatThrownBy(() -> Catalogue.read(wrongKind)).hasMessageContaining("kind: 'Policy' is not BaseCatalogue");
        Path empty = write(dir, "");
        assertThatThrownBy(() -> Catalogue.read(empty)).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> Catalogue.read(dir.resolve("nope.yaml"))).hasMessageContaining("does not exist");
    }
}
