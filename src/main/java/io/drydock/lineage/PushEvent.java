package io.drydock.lineage;

import java.util.Objects;
import java.util.Set;

/**
 * One push a registry told us about, in a form that no longer depends on which registry sent it. It is a hint
 * only: nothing is acted on before a HEAD against the registry confirms the manifest is there.
 *
 * @param registry   host[:port] the registry named itself by, or null when the notification does not say
 * @param repository repository path without the host, e.g. {@code library/debian}
 * @param tag        the pushed tag, or null for a push by digest
 * @param digest     the manifest digest, or null when the sender gives none (Docker Hub)
 * @param mediaType  the manifest media type, or null when the sender gives none
 * @param format     which payload shape it came from: distribution, harbor, acr or dockerhub
 */
public record PushEvent(String registry, String repository, String tag, String digest, String mediaType, String format) {
    public static final Set<String> FORMATS = Set.of("distribution", "harbor", "acr", "dockerhub");

    public PushEvent {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(format, "format");
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("unknown notification format " + format);
        }
        // without either there is nothing a HEAD could confirm
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("a push event needs a tag or a digest");
        }
    }

    /**
     * {@code registry/repository:tag}, or {@code registry/repository@digest} for a push by digest; the registry part
     * is left out when unknown. The tag wins over the digest because the tag is what a HEAD has to re-read: the
     * digest in a notification may already be stale by the time it is confirmed.
     */
    public String reference() {
        String name = registry == null ? repository : registry + "/" + repository;
        return tag != null ? name + ":" + tag : name + "@" + digest;
    }
}
