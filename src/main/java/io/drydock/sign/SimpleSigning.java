package io.drydock.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The payload a cosign signature signs (the "simple signing" format of containers/image, as cosign's
 * SIGNATURE_SPEC describes it): the manifest digest and the repository it was signed for. The signature covers
 * these exact bytes, so verification reads the digest out of the verified bytes, never out of anything beside them.
 */
public record SimpleSigning(String dockerReference, Digest manifestDigest, String type) {
    public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String TYPE = "cosign container image signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The payload bytes for a signature of {@code digest} in {@code repository} (registry/path, no tag). */
    public static byte[] payload(String repository, Digest digest) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", repository);
        critical.putObject("image").put("docker-manifest-digest", digest.toString());
        critical.put("type", TYPE);
        root.putNull("optional");
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a payload; anything that is not a simple-signing document is a clear error. */
    public static SimpleSigning parse(byte[] payload, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            throw new DrydockException(where + ": the signed payload is not JSON");
        }
        JsonNode critical = root == null ? null : root.get("critical");
        String digest = critical == null ? null : critical.path("image").path("docker-manifest-digest").asText(null);
        if (digest == null) {
            throw new DrydockException(where + ": the signed payload has no critical.image.docker-manifest-digest");
        }
        return new SimpleSigning(critical.path("identity").path("docker-reference").asText(""), Digest.parse(digest),
                critical.path("type").asText(""));
    }
}
