package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.resource;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class RubyGemspecAnalyzerTest {
    private static final String GEMS = "usr/local/bundle/specifications/";
    private final RubyGemspecAnalyzer analyzer = new RubyGemspecAnalyzer();

    @Test
    void installedSpecificationsOfEveryRubyGemsVintageYieldTheirGems() {
        byte[] layer = new LayerFeed.Tar()
                .file(GEMS + "rack-2.2.4.gemspec", resource("ruby/rack-2.2.4.gemspec"))
                .file(GEMS + "nokogiri-1.13.8-x86_64-linux.gemspec", resource("ruby/nokogiri-1.13.8-x86_64-linux.gemspec"))
                .file(GEMS + "rake-0.9.2.2.gemspec", resource("ruby/rake-0.9.2.2.gemspec"))
                .file("usr/lib/ruby/gems/3.1.0/specifications/default/bundler-2.3.7.gemspec",
                        resource("ruby/bundler-2.3.7.gemspec"))
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.warnings()).isEmpty();
        InstalledPackage rack = only(result, "rack");
        assertThat(rack.type()).isEqualTo("gem");
        assertThat(rack.version()).as("not rubygems_version, not required_ruby_version").isEqualTo("2.2.4");
        assertThat(rack.licenses()).containsExactly("MIT");
        assertThat(rack.locations()).containsExactly(GEMS + "rack-2.2.4.gemspec");
        assertThat(only(result, "nokogiri").version()).isEqualTo("1.13.8");
        assertThat(only(result, "nokogiri").licenses()).containsExactly("MIT", "LGPL-2.1-or-later");
        assertThat(only(result, "rake").version()).isEqualTo("0.9.2.2");
        assertThat(only(result, "rake").licenses()).containsExactly("MIT");
        assertThat(only(result, "bundler").version()).isEqualTo("2.3.7");
        assertThat(result.packages()).hasSize(4);
    }

    @Test
    void aSpecificationInAnUnexpectedShapeFallsBackToItsStubLineOrFileNameOrIsWarnedAbout() {
        byte[] layer = new LayerFeed.Tar()
                .file(GEMS + "json-2.6.2.gemspec", "# stub: json 2.6.2 ruby lib\nGem::Specification.load(__FILE__)\n")
                .file(GEMS + "thor-1.2.1.gemspec", "spec = eval(File.read('thor.gemspec.in'))\n")
                .file(GEMS + "mystery.gemspec", "# nothing to go on\n")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(only(result, "json").version()).isEqualTo("2.6.2");
        assertThat(only(result, "thor").version()).isEqualTo("1.2.1");
        assertThat(warningsFor(result, GEMS + "mystery.gemspec")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("names no name"));
    }

    @Test
    void wantsGemspecsUnderSpecificationsOnly() {
        byte[] layer = new LayerFeed.Tar().file("g/specifications/a-1.gemspec", "").file("g/gems/a-1/a.gemspec", "")
                .file("specifications/b-1.gemspec", "").file("g/specifications/default/c-1.gemspec", "").bytes();

        assertThat(LayerFeed.wanted(analyzer, new ByteArrayInputStream(layer))).containsExactly(
                "g/specifications/a-1.gemspec", "specifications/b-1.gemspec", "g/specifications/default/c-1.gemspec");
    }
}
