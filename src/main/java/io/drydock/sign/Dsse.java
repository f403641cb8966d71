package io.drydock.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * DSSE envelopes (https://github.com/secure-systems-lab/dsse): the signature covers the pre-authentication
 * encoding of payload type and payload, so neither can be swapped without breaking it.
 */
public record Dsse(String payloadType, byte[] payload, List<Signature> signatures) {
    public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
    public static final String IN_TOTO = "application/vnd.in-toto+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Signature(String keyId, byte[] sig) {
    }

    public Dsse {
        signatures = List.copyOf(signatures);
    }

    /** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    public static Dsse sign(String payloadType, byte[] payload, PrivateKey key) {
        return new Dsse(payloadType, payload, List.of(new Signature("", Ecdsa.sign(key, pae(payloadType, payload)))));
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("payloadType", payloadType);
        root.put("payload", Base64.getEncoder().encodeToString(payload));
        var sigs = root.putArray("signatures");
        for (Signature s : signatures) {
            sigs.addObject().put("keyid", s.keyId()).put("sig", Base64.getEncoder().encodeToString(s.sig()));
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Dsse parse(byte[] json, String where) {
        try {
            JsonNode root = JSON.readTree(json);
            String type = root.path("payloadType").asText(null);
            String payload = root.path("payload").asText(null);
            if (type == null || payload == null || !root.path("signatures").isArray()) {
                throw new DrydockException(where + ": not a DSSE envelope (payloadType, payload and signatures are required)");
            }
            List<Signature> sigs = new ArrayList<>();
            for (JsonNode s : root.path("signatures")) {
                sigs.add(new Signature(s.path("keyid").asText(""), Base64.getDecoder().decode(s.path("sig").asText(""))));
            }
            return new Dsse(type, Base64.getDecoder().decode(payload), sigs);
        } catch (IOException | IllegalArgumentException e) {
            throw new DrydockException(where + ": damaged DSSE envelope (" + DrydockException.reason(e) + ")");
        }
    }
}
