package io.drydock.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs a vector file against one implementation (ours or a library's) and lists the facts it gets wrong. An
 * implementation is given as functions so that libraries with other interfaces (versatile) can be run too.
 */
final class VectorRunner {
    private VectorRunner() {
    }

    record Result(String implementation, VectorFile file, int checked, List<String> failures) {
        String summary() {
            return implementation + " on " + file.name() + ": " + (checked - failures.size()) + "/" + checked + " facts hold";
        }
    }

    static Result run(String implementation, VectorFile file, BiFunction<String, String, Integer> compare,
            Predicate<String> isValid, Function<String, String> normalize) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (VectorFile.Vector v : file.vectors()) {
            String problem;
            switch (v) {
                case VectorFile.Comparison c -> {
                    checked++;
                    problem = comparison(c, compare);
                }
                case VectorFile.Validity val -> {
                    if (isValid == null) {
                        continue;
                    }
                    checked++;
                    boolean actual;
                    try {
                        actual = isValid.test(val.version());
                    } catch (RuntimeException e) {
                        actual = false;
                    }
                    problem = actual == val.valid() ? null : "validity is " + actual;
                }
                case VectorFile.Normalization n -> {
                    if (normalize == null) {
                        continue;
                    }
                    checked++;
                    String actual;
                    try {
                        actual = normalize.apply(n.version());
                    } catch (RuntimeException e) {
                        actual = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    problem = n.normalized().equals(actual) ? null : "normalised to " + actual;
                }
            }
            if (problem != null) {
                failures.add(file.name() + ":" + v.line() + ": " + v + "  — " + problem);
            }
        }
        return new Result(implementation, file, checked, failures);
    }

    private static String comparison(VectorFile.Comparison c, BiFunction<String, String, Integer> compare) {
        int forward;
        int backward;
        try {
            forward = compare.apply(c.left(), c.right());
            backward = compare.apply(c.right(), c.left());
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (!c.holds(forward)) {
            return "compare gave " + forward;
        }
        if (Integer.signum(forward) != -Integer.signum(backward)) {
            return "not antisymmetric: compare(a,b)=" + forward + ", compare(b,a)=" + backward;
        }
        return null;
    }

    static Result run(VersionScheme scheme, VectorFile file, Function<String, String> normalize) {
        return run("drydock " + scheme.name(), file, scheme::compare, scheme::isValid, normalize);
    }
}
