package io.drydock.inventory.os;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads blank-line separated paragraphs (dpkg status, DEP-5 copyright, apk installed), one at a time, keeping at
 * most {@code maxParagraphBytes} of any paragraph. An oversized paragraph is still consumed to its end so the next
 * one starts in the right place; only its lines are dropped.
 */
final class Paragraphs {

    /**
     * @param number    1-based position in the file, for warnings
     * @param firstLine 1-based line number of the paragraph's first line
     * @param lines     the lines, without terminators; empty when {@code oversized}
     * @param oversized the paragraph exceeded the limit and its lines were dropped
     */
    record Paragraph(int number, long firstLine, List<String> lines, boolean oversized) {
        Paragraph {
            lines = List.copyOf(lines);
        }
    }

    private final LineReader reader;
    private final long maxParagraphBytes;
    private int paragraphs;
    private long lineNumber;

    Paragraphs(InputStream in, long maxParagraphBytes) {
        // A single line may be as long as a whole paragraph; one byte more tells "exactly at" from "over" the limit.
        this.reader = new LineReader(in, (int) Math.min(Integer.MAX_VALUE - 16, maxParagraphBytes + 1));
        this.maxParagraphBytes = maxParagraphBytes;
    }

    /** The next paragraph, or null at the end of the input. */
    Paragraph next() throws IOException {
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        long first = 0;
        boolean oversized = false;
        LineReader.Line line;
        while ((line = reader.next()) != null) {
            lineNumber++;
            if (line.text().isBlank() && !line.truncated()) {
                if (first == 0) {
                    continue; // separators before the paragraph
                }
                break;
            }
            if (first == 0) {
                first = lineNumber;
            }
            bytes += line.bytes() + 1;
            if (oversized || line.truncated() || bytes > maxParagraphBytes) {
                oversized = true;
                lines.clear();
                continue;
            }
            lines.add(line.text());
        }
        if (first == 0) {
            return null;
        }
        return new Paragraph(++paragraphs, first, lines, oversized);
    }
}
