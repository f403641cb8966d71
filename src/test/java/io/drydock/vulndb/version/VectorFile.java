package io.drydock.vulndb.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A published test-vector file under src/test/resources/vulndb/vectors: one fact a line, "A OP B", "valid V",
 * "invalid V" or "A -> B" (normalises to); lines starting with '#' are comments.
 */
record VectorFile(String name, List<Vector> vectors) {
    private static final Set<String> OPERATORS = Set.of("<", "=", ">", "!=", "!<", "!>", "<=", ">=");

    sealed interface Vector permits Comparison, Validity, Normalization {
        int line();
    }

    record Comparison(int line, String left, String operator, String right) implements Vector {
        boolean holds(int cmp) {
            return switch (operator) {
                case "<" -> cmp < 0;
                case "=" -> cmp == 0;
                case ">" -> cmp > 0;
                case "!=" -> cmp != 0;
                case "!<", ">=" -> cmp >= 0;
                case "!>", "<=" -> cmp <= 0;
                default -> throw new IllegalStateException(operator);
            };
        }

        @Override
        public String toString() {
            return left + " " + operator + " " + right;
        }
    }

    record Validity(int line, String version, boolean valid) implements Vector {
        @Override
        public String toString() {
            return (valid ? "valid " : "invalid ") + version;
        }
    }

    record Normalization(int line, String version, String normalized) implements Vector {
        @Override
        public String toString() {
            return version + " -> " + normalized;
        }
    }

    static VectorFile load(String fileName) {
        String resource = "/vulndb/vectors/" + fileName;
        try (InputStream in = VectorFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Vector> vectors = new ArrayList<>();
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" +");
                int n = i + 1;
                if (f.length == 3 && OPERATORS.contains(f[1])) {
                    vectors.add(new Comparison(n, f[0], f[1], f[2]));
                } else if (f.length == 3 && f[1].equals("->")) {
                    vectors.add(new Normalization(n, f[0], f[2]));
                } else if (f.length == 2 && (f[0].equals("valid") || f[0].equals("invalid"))) {
                    vectors.add(new Validity(n, f[1], f[0].equals("valid")));
                } else {
                    throw new IllegalArgumentException(resource + ":" + n + ": cannot read \"" + line + "\"");
                }
            }
            return new VectorFile(fileName, List.copyOf(vectors));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
