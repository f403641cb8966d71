package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.resource;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import org.junit.jupiter.api.Test;

class DotnetDepsAnalyzerTest {
    private final DotnetDepsAnalyzer analyzer = new DotnetDepsAnalyzer();

    @Test
    void aPublishedAppsDepsJsonYieldsItsNuGetPackagesNotItsProjects() {
        byte[] layer = new LayerFeed.Tar().file("app/MyWebApp.deps.json", resource("dotnet/MyWebApp.deps.json")).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.warnings()).isEmpty();
        assertThat(result.packages()).extracting(p -> p.name() + "@" + p.version()).containsExactly(
                "Newtonsoft.Json@13.0.1", "Serilog@2.10.0", "Serilog.AspNetCore@6.0.1");
        InstalledPackage json = only(result, "Newtonsoft.Json");
        assertThat(json.type()).isEqualTo("nuget");
        assertThat(json.locations()).containsExactly("app/MyWebApp.deps.json");
        assertThat(json.properties().get("sha512")).startsWith("sha512-ppPFpBcv");
    }

    @Test
    void aDepsJsonWithoutLibrariesOrNotJsonIsWarnedAbout() {
        byte[] layer = new LayerFeed.Tar().file("a/A.deps.json", "{\"targets\": {}}").file("b/B.deps.json", "<xml/>")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.packages()).isEmpty();
        assertThat(warningsFor(result, "a/A.deps.json")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("no \"libraries\""));
        assertThat(warningsFor(result, "b/B.deps.json")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("not valid JSON"));
    }
}
