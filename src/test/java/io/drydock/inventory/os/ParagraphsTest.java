package io.drydock.inventory.os;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParagraphsTest {

    private static List<Paragraphs.Paragraph> read(String text, long max) throws IOException {
        Paragraphs paragraphs = new Paragraphs(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
        List<Paragraphs.Paragraph> all = new ArrayList<>();
        for (Paragraphs.Paragraph p; (p = paragraphs.next()) != null; ) {
            all.add(p);
        }
        return all;
    }

    @Test
    void separatorsLineEndingsAndNumbering() throws IOException {
        List<Paragraphs.Paragraph> all = read("\n\nA: 1\r\nB: 2\n \t\nC: 3\n\n\n\nD: 4", 1000);

        assertThat(all).extracting(Paragraphs.Paragraph::number).containsExactly(1, 2, 3);
        assertThat(all).extracting(Paragraphs.Paragraph::firstLine).containsExactly(3L, 6L, 10L);
        assertThat(all.get(0).lines()).containsExactly("A: 1", "B: 2");
        assertThat(all.get(2).lines()).containsExactly("D: 4");
    }

    @Test
    void oversizedParagraphIsConsumedToItsEndAndDropped() throws IOException {
        String longLine = "X: " + "y".repeat(5000);
        List<Paragraphs.Paragraph> all = read("A: 1\n\n" + longLine + "\nZ: 2\n\nB: 3\n\nC: " + "z".repeat(50)
                + "\nD: " + "z".repeat(50) + "\n", 100);

        assertThat(all).extracting(Paragraphs.Paragraph::oversized).containsExactly(false, true, false, true);
        assertThat(all.get(1).lines()).isEmpty();
        assertThat(all.get(2).lines()).containsExactly("B: 3");
    }

    @Test
    void lineReaderBoundsLinesAndDecodesLeniently() throws IOException {
        byte[] bytes = "ok\nfar too long a line\nlatin1 \u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes), 10);

        assertThat(reader.next()).isEqualTo(new LineReader.Line("ok", 2, false));
        assertThat(reader.next()).isEqualTo(new LineReader.Line("far too lo", 19, true));
        LineReader.Line latin1 = reader.next();
        assertThat(latin1.text()).isEqualTo("latin1 \uFFFD");
        assertThat(reader.next()).isNull();
    }
}
