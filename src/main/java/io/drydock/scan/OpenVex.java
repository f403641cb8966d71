package io.drydock.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenVEX documents (https://github.com/openvex/spec): statements that a product is {@code not_affected} by a
 * vulnerability, or has it {@code fixed}, suppress the matching findings with their justification. A statement
 * applies to a finding when it names one of the finding's ids (or aliases), and either a product is the package's
 * purl, or a product is the image (its digest, reference or {@code pkg:oci} purl) and the package is one of the
 * product's subcomponents (or none are listed). Later statements win, as the spec orders them.
 */
public record OpenVex(Path file, List<Statement> statements) {
    private static final Set<String> STATUSES = Set.of("not_affected", "affected", "fixed", "under_investigation");

    public OpenVex {
        statements = List.copyOf(statements);
    }

    public record Statement(int number, List<String> vulnerabilities, List<Product> products, String status,
                            String justification, String impact) {
        boolean suppresses() {
            return status.equals("not_affected") || status.equals("fixed");
        }

        String reason() {
            StringBuilder b = new StringBuilder(status);
            if (justification != null) {
                b.append(": ").append(justification);
            }
            if (impact != null) {
                b.append(" (").append(impact).append(')');
            }
            return b.toString();
        }
    }

    public record Product(String id, List<String> subcomponents) {
    }

    /** The last statement that applies to the finding in this image, if any. */
    public Optional<Statement> statementFor(Finding f, String image, String digest) {
        Statement last = null;
        for (Statement s : statements) {
            if (s.vulnerabilities().stream().anyMatch(v -> f.allIds().stream().anyMatch(v::equalsIgnoreCase))
                    && s.products().stream().anyMatch(p -> applies(p, f, image, digest))) {
                last = s;
            }
        }
        return Optional.ofNullable(last);
    }

    private static boolean applies(Product p, Finding f, String image, String digest) {
        if (p.id().startsWith("pkg:") && !p.id().startsWith("pkg:oci/") && IgnoreFile.purlMatches(p.id(), f.pkg().purl())) {
            return true;
        }
        boolean isImage = p.id().equals(image) || (digest != null && p.id().contains(digest));
        return isImage && (p.subcomponents().isEmpty()
                || p.subcomponents().stream().anyMatch(s -> IgnoreFile.purlMatches(s, f.pkg().purl())));
    }

    public static OpenVex read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            String m = DrydockException.reason(e) == null ? "unreadable" : DrydockException.reason(e).lines().findFirst().orElse("");
            throw new DrydockException("cannot read the OpenVEX document " + file + ": " + m);
        }
        if (root == null || !root.isObject() || !root.path("@context").asText("").startsWith("https://openvex.dev/ns")) {
            throw new DrydockException(file + " is not an OpenVEX document (no \"@context\": \"https://openvex.dev/ns/…\")");
        }
        JsonNode list = root.get("statements");
        if (list == null || !list.isArray()) {
            throw new DrydockException("the OpenVEX document " + file + " has no statements array");
        }
        List<Statement> out = new ArrayList<>();
        int n = 0;
        for (JsonNode s : list) {
            n++;
            String where = "the OpenVEX document " + file + ", statement " + n;
            List<String> vulns = new ArrayList<>();
            JsonNode v = s.get("vulnerability");
            if (v != null && v.isTextual()) {
                vulns.add(v.asText()); // v0.0.1 wrote the id as a string
            } else if (v != null && v.isObject()) {
                addText(vulns, v.get("name"));
                addText(vulns, v.get("@id"));
                for (JsonNode a : v.path("aliases")) {
                    addText(vulns, a);
                }
            }
            if (vulns.isEmpty()) {
                throw new DrydockException(where + ": no vulnerability name");
            }
            String status = s.path("status").asText(null);
            if (status == null || !STATUSES.contains(status)) {
                throw new DrydockException(where + ": status '" + status + "' is not one of " + STATUSES);
            }
            String justification = s.path("justification").asText(null);
            if (status.equals("not_affected") && justification == null && !s.hasNonNull("impact_statement")) {
                throw new DrydockException(where + ": a not_affected statement needs a justification or an impact_statement");
            }
            List<Product> products = new ArrayList<>();
            for (JsonNode p : s.path("products")) {
                String id = p.isTextual() ? p.asText() : p.path("@id").asText(null);
                if (id == null) {
                    throw new DrydockException(where + ": a product without @id");
                }
                List<String> subs = new ArrayList<>();
                for (JsonNode sub : p.path("subcomponents")) {
                    String sid = sub.isTextual() ? sub.asText() : sub.path("@id").asText(null);
                    if (sid != null) {
                        subs.add(sid);
                    }
                }
                products.add(new Product(id, subs));
            }
            if (products.isEmpty()) {
                throw new DrydockException(where + ": no products");
            }
            out.add(new Statement(n, vulns, products, status, justification, s.path("impact_statement").asText(null)));
        }
        return new OpenVex(file, out);
    }

    private static void addText(List<String> out, JsonNode n) {
        if (n != null && n.isTextual() && !n.asText().isBlank()) {
            out.add(n.asText());
        }
    }
}
