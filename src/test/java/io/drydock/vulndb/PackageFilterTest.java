package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackageFilterTest {

    @Test
    void everyAddedKeyIsFoundAndFewOthersAre() {
        List<PackageKey> added = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            added.add(new PackageKey(i % 2 == 0 ? "npm" : "Debian", i % 2 == 0 ? "" : "12", "package-" + i));
        }
        PackageFilter filter = PackageFilter.forKeys(added.size());
        added.forEach(filter::add);
        // written and read back as the DB stores it
        PackageFilter read = PackageFilter.fromBytes(filter.toBytes());
        assertThat(added).allMatch(read::mightContain);
        int falsePositives = 0;
        for (int i = 0; i < 50_000; i++) {
            if (read.mightContain(new PackageKey("npm", "", "other-" + i))) {
                falsePositives++;
            }
        }
        assertThat(falsePositives).isLessThan(50_000 / 50); // about 1% expected
        // the parts are kept apart: ("ab", "c") is not ("a", "bc")
        PackageFilter one = PackageFilter.forKeys(1);
        one.add(new PackageKey("npm", "ab", "c"));
        assertThat(one.mightContain(new PackageKey("npm", "a", "bc"))).isFalse();
    }
}
