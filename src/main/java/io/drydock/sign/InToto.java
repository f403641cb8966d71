package io.drydock.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** in-toto Statements (v0.1, which cosign attest writes): subjects by digest, a predicate type and a predicate. */
public record InToto(List<Subject> subjects, String predicateType, JsonNode predicate) {
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v0.1";
    public static final String STATEMENT_TYPE_V1 = "https://in-toto.io/Statement/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Subject(String name, String digest) {
    }

    public InToto {
        subjects = List.copyOf(subjects);
    }

    public static byte[] statement(String subjectName, Digest digest, String predicateType, JsonNode predicate) {
        ObjectNode root = JSON.createObjectNode();
        root.put("_type", STATEMENT_TYPE);
        root.put("predicateType", predicateType);
        ObjectNode subject = root.putArray("subject").addObject();
        subject.put("name", subjectName);
        subject.putObject("digest").put(digest.algorithm(), digest.hex());
        root.set("predicate", predicate);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static InToto parse(byte[] payload, String where) {
        try {
            JsonNode root = JSON.readTree(payload);
            String type = root.path("_type").asText("");
            if (!type.equals(STATEMENT_TYPE) && !type.equals(STATEMENT_TYPE_V1)) {
                throw new DrydockException(where + ": not an in-toto statement (_type " + (type.isEmpty() ? "missing" : type) + ")");
            }
            List<Subject> subjects = new ArrayList<>();
            for (JsonNode s : root.path("subject")) {
                var digests = s.path("digest").properties().iterator();
                while (digests.hasNext()) {
                    var d = digests.next();
                    subjects.add(new Subject(s.path("name").asText(""), d.getKey() + ":" + d.getValue().asText()));
                }
            }
            return new InToto(subjects, root.path("predicateType").asText(""), root.path("predicate"));
        } catch (IOException e) {
            throw new DrydockException(where + ": the attestation statement is not JSON");
        }
    }

    public boolean isAbout(Digest digest) {
        return subjects.stream().anyMatch(s -> s.digest().equals(digest.toString()));
    }
}
