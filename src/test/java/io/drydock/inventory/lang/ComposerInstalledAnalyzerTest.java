package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class ComposerInstalledAnalyzerTest {
    private final ComposerInstalledAnalyzer analyzer = new ComposerInstalledAnalyzer();

    @Test
    void composer2sInstalledJsonYieldsEveryPackageWithDevelopmentOnesMarked() {
        byte[] layer = new LayerFeed.Tar()
                .file("var/www/vendor/composer/installed.json", resource("composer/installed-v2.json")).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.warnings()).isEmpty();
        InstalledPackage monolog = only(result, "monolog");
        assertThat(monolog.type()).isEqualTo("composer");
        assertThat(monolog.namespace()).isEqualTo("monolog");
        assertThat(monolog.version()).isEqualTo("2.8.0");
        assertThat(monolog.licenses()).containsExactly("MIT");
        assertThat(monolog.locations()).containsExactly("var/www/vendor/composer/installed.json");
        assertThat(monolog.properties()).doesNotContainKey("dev");
        assertThat(only(result, "log").namespace()).isEqualTo("psr");
        assertThat(only(result, "phpunit").properties()).containsEntry("dev", "true");
        assertThat(result.packages()).hasSize(3);
    }

    @Test
    void composer1sPlainArrayIsReadToo() {
        byte[] layer = new LayerFeed.Tar().file("vendor/composer/installed.json", resource("composer/installed-v1.json"))
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.packages()).extracting(p -> p.namespace() + "/" + p.name() + "@" + p.version())
                .containsExactly("symfony/console@v5.4.3", "symfony/polyfill-mbstring@v1.24.0");
    }

    @Test
    void wantsComposersInstalledJsonOnly() {
        byte[] layer = new LayerFeed.Tar().file("vendor/composer/installed.json", "[]")
                .file("app/vendor/composer/installed.json", "[]").file("app/composer/installed.json", "[]")
                .file("app/vendor/composer/installed.php", "").bytes();

        assertThat(LayerFeed.wanted(analyzer, new ByteArrayInputStream(layer)))
                .containsExactly("vendor/composer/installed.json", "app/vendor/composer/installed.json");
    }
}
