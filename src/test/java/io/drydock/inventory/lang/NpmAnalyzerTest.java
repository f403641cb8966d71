package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NpmAnalyzerTest {
    private final NpmAnalyzer analyzer = new NpmAnalyzer();

    @Test
    void theAppFixtureLayerYieldsLodashWithItsLicense() {
        Analyzer.Result result = LayerFeed.analyze(analyzer, TestImages.blob(TestImages.layerDigests("app").get(1)));

        InstalledPackage lodash = only(result, "lodash");
        assertThat(lodash.type()).isEqualTo("npm");
        assertThat(lodash.namespace()).isNull();
        assertThat(lodash.version()).isEqualTo("4.17.15");
        assertThat(lodash.licenses()).containsExactly("MIT");
        assertThat(lodash.locations()).containsExactly("app/node_modules/lodash/package.json");
        assertThat(lodash.properties()).containsEntry("source", "package.json");
        assertThat(result.packages()).hasSize(1);
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void anInstalledTreeYieldsWhatNpmListsAndItsLockfilesWhatEachToolLocked() {
        Path app = NpmProjects.demoApp();
        Set<String> all = NpmProjects.listed(app.resolve("npm/ls-all.json"));
        Set<String> production = NpmProjects.listed(app.resolve("npm/ls-prod.json"));
        assertThat(all).contains("lodash@4.17.15", "@babel/code-frame@7.12.13", "left-pad@1.3.0");
        assertThat(production).doesNotContain("left-pad@1.3.0");
        byte[] layer = new LayerFeed.Tar()
                .tree("srv/app", app.resolve("npm"))
                // a package's own test fixture is not an installed package
                .file("srv/app/node_modules/lodash/fixtures/package.json", "{\"name\": \"fixture\", \"version\": \"0.0.1\"}")
                .copy("srv/app-v1/package-lock.json", app.resolve("npm-v1/package-lock.json"), 0644)
                .copy("srv/app-yarn/yarn.lock", app.resolve("yarn/yarn.lock"), 0644)
                .copy("srv/app-pnpm8/pnpm-lock.yaml", app.resolve("pnpm8/pnpm-lock.yaml"), 0644)
                .copy("srv/app-pnpm9/pnpm-lock.yaml", app.resolve("pnpm9/pnpm-lock.yaml"), 0644)
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.warnings()).isEmpty();
        assertThat(found(result, "srv/app/node_modules/")).as("installed").isEqualTo(all);
        assertThat(found(result, "srv/app/package-lock.json")).as("package-lock.json v3").isEqualTo(production);
        assertThat(found(result, "srv/app-v1/package-lock.json")).as("package-lock.json v1").isEqualTo(production);
        assertThat(found(result, "srv/app-pnpm8/pnpm-lock.yaml")).as("pnpm lockfile v6").isEqualTo(production);
        // yarn 1 and pnpm 9 lockfiles do not say which packages are for development only
        assertThat(found(result, "srv/app-yarn/yarn.lock")).as("yarn.lock").isEqualTo(all);
        assertThat(found(result, "srv/app-pnpm9/pnpm-lock.yaml")).as("pnpm lockfile v9").isEqualTo(all);

        InstalledPackage codeFrame = result.packages().stream()
                .filter(p -> p.locations().get(0).equals("srv/app/node_modules/@babel/code-frame/package.json"))
                .findFirst().orElseThrow();
        assertThat(codeFrame.namespace()).isEqualTo("babel");
        assertThat(codeFrame.name()).isEqualTo("code-frame");
        assertThat(codeFrame.licenses()).containsExactly("MIT");
        assertThat(result.packages()).noneMatch(p -> p.name().equals("fixture"));
        assertThat(LayerFeed.wanted(analyzer, new ByteArrayInputStream(layer)))
                .as("npm's hidden lockfile inside node_modules is not an app's lockfile")
                .doesNotContain("srv/app/node_modules/.package-lock.json");
    }

    /** name@version (scope included) of the packages read from files at or under {@code location}. */
    private static Set<String> found(Analyzer.Result result, String location) {
        Set<String> out = new TreeSet<>();
        for (InstalledPackage p : result.packages()) {
            if (p.locations().get(0).startsWith(location)) {
                out.add((p.namespace() == null ? "" : "@" + p.namespace() + "/") + p.name() + "@" + p.version());
            }
        }
        return out;
    }

    @Test
    void yarnBerryAndPnpmV5LockfilesAreReadWithoutWorkspacesDevelopmentOrGitEntries() {
        byte[] layer = new LayerFeed.Tar().file("app/yarn.lock", LayerFeed.resource("npm/yarn-berry.lock"))
                .file("web/pnpm-lock.yaml", LayerFeed.resource("npm/pnpm-lock-v5.yaml")).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(found(result, "app/yarn.lock")).containsExactly("@babel/code-frame@7.12.13",
                "@babel/highlight@7.25.9", "lodash@4.17.15", "string-width@4.2.3");
        assertThat(found(result, "web/pnpm-lock.yaml")).containsExactly("@babel/code-frame@7.12.13",
                "@babel/highlight@7.18.6", "lodash@4.17.15", "react-dom@18.2.0");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void licensesComeAsStringsObjectsOrTheLegacyArray() {
        byte[] layer = new LayerFeed.Tar()
                .file("node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\",\"license\":\"(MIT OR Apache-2.0)\"}")
                .file("node_modules/b/package.json",
                        "{\"name\":\"b\",\"version\":\"1.0.0\",\"license\":{\"type\":\"ISC\",\"url\":\"https://x\"}}")
                .file("node_modules/c/package.json", "{\"name\":\"c\",\"version\":\"1.0.0\",\"licenses\":"
                        + "[{\"type\":\"MIT\",\"url\":\"u\"},{\"type\":\"GPL-2.0\",\"url\":\"v\"}]}")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(only(result, "a").licenses()).containsExactly("(MIT OR Apache-2.0)");
        assertThat(only(result, "b").licenses()).containsExactly("ISC");
        assertThat(only(result, "c").licenses()).containsExactly("MIT", "GPL-2.0");
    }

    @Test
    void aHugePackageJsonAndMalformedOnesAreWarnedAboutAndTheOthersStillFound() {
        String huge = "{\"name\":\"huge\",\"version\":\"1.0.0\",\"description\":\"" + "x".repeat(5 << 20) + "\"}";
        byte[] layer = new LayerFeed.Tar()
                .file("app/node_modules/huge/package.json", huge)
                .file("app/node_modules/broken/package.json", "{\"name\": \"broken\", \"version\": ")
                .file("app/node_modules/noversion/package.json", "{\"name\": \"noversion\"}")
                .file("app/package-lock.json", "[1, 2")
                .file("app/node_modules/fine/package.json", "{\"name\": \"fine\", \"version\": \"2.0.0\"}")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(warningsFor(result, "app/node_modules/huge/package.json")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("over the limit of 1048576 bytes"));
        assertThat(warningsFor(result, "app/node_modules/broken/package.json")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("not valid JSON").contains("line 1"));
        assertThat(warningsFor(result, "app/node_modules/noversion/package.json")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("no version"));
        assertThat(warningsFor(result, "app/package-lock.json")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("not valid JSON"));
        assertThat(result.warnings()).hasSize(4).allMatch(w -> w.analyzer().equals("npm"));
        assertThat(result.packages()).extracting(InstalledPackage::name).containsExactly("fine");
    }

    @Test
    void wantsPackageManifestsDirectlyInsideNodeModulesAndLockfilesOutsideIt() {
        byte[] layer = new LayerFeed.Tar()
                .file("node_modules/a/package.json", "{}")
                .file("node_modules/@s/b/package.json", "{}")
                .file("node_modules/a/node_modules/c/package.json", "{}")
                .file("node_modules/.pnpm/d@1.0.0/node_modules/d/package.json", "{}")
                .file("node_modules/a/test/package.json", "{}")
                .file("node_modules/a/esm/package.json", "{}")
                .file("node_modules/@s/package.json", "{}")
                .file("node_modules/.bin/package.json", "{}")
                .file("node_modules/package.json", "{}")
                .file("package.json", "{}")
                .file("app/package-lock.json", "{}")
                .file("app/node_modules/.package-lock.json", "{}")
                .file("app/node_modules/x/package-lock.json", "{}")
                .file("yarn.lock", "")
                .file("srv/pnpm-lock.yaml", "")
                .bytes();

        assertThat(LayerFeed.wanted(analyzer, new ByteArrayInputStream(layer))).containsExactly(
                "node_modules/a/package.json", "node_modules/@s/b/package.json",
                "node_modules/a/node_modules/c/package.json", "node_modules/.pnpm/d@1.0.0/node_modules/d/package.json",
                "app/package-lock.json", "yarn.lock", "srv/pnpm-lock.yaml");
    }
}
