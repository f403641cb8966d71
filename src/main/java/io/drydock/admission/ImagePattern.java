package io.drydock.admission;

import io.drydock.image.ImageReference;
import java.util.regex.Pattern;

/**
 * An anchored glob over an image's repository name, registry included ({@code docker.io/library/nginx}):
 * {@code *} stays within one path segment, {@code **} crosses them. Tags and digests are not part of the match on
 * purpose: a rule or exemption keyed on a tag would follow the tag wherever someone pushes it.
 */
public record ImagePattern(String glob, Pattern regex) {

    /** @throws IllegalArgumentException with a message fit for the user */
    public static ImagePattern parse(String glob) {
        String g = glob.strip();
        if (g.isEmpty()) {
            throw new IllegalArgumentException("an image pattern cannot be empty");
        }
        if (g.contains("@") || g.substring(g.lastIndexOf('/') + 1).contains(":")) {
            throw new IllegalArgumentException("'" + glob + "' names a tag or digest; patterns match repository names only"
                    + " (e.g. registry.example.com/team/**)");
        }
        if (g.contains("***")) {
            throw new IllegalArgumentException("'" + glob + "': use * within a segment or ** across segments");
        }
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < g.length()) {
            if (g.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (g.charAt(i) == '*') {
                re.append("[^/]*");
                i++;
            } else {
                int next = g.indexOf('*', i);
                int end = next < 0 ? g.length() : next;
                re.append(Pattern.quote(g.substring(i, end)));
                i = end;
            }
        }
        return new ImagePattern(g, Pattern.compile(re.toString()));
    }

    public boolean matches(ImageReference image) {
        return regex.matcher(image.name()).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
