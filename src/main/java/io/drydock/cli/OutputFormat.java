package io.drydock.cli;

import io.drydock.DrydockException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

enum OutputFormat {
    TABLE, JSON;

    static OutputFormat parse(String text, OutputFormat... allowed) {
        for (OutputFormat f : allowed) if (f.name().equalsIgnoreCase(text)) return f;
        throw new DrydockException("unknown --format '" + text + "'; choose one of: "
                + Arrays.stream(allowed).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
