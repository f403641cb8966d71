package io.drydock.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.store.ImageFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard: HTML rendered on the server from the API's own documents, no JavaScript needed, so it loads fast on
 * a store of any size and shows exactly what the API says. Lineage is drawn as inline SVG.
 */
final class Dashboard {
    private final Api api;

    Dashboard(Api api) {
        this.api = api;
    }

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f8fa}
            header{background:#0b3d5c;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
            header a{color:#dbeafe;text-decoration:none}header strong{font-size:1.2em;margin-right:16px}
            main{padding:16px 24px}table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 24px}
            th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;font-size:.9em;vertical-align:top}
            .cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}.card{background:#fff;padding:12px 16px;border-radius:6px;
            box-shadow:0 1px 2px #0002;min-width:120px}.card b{display:block;font-size:1.6em}
            .CRITICAL{color:#9b1c1c;font-weight:bold}.HIGH{color:#c2410c}.MEDIUM{color:#a16207}.LOW{color:#1d4ed8}
            code{font-size:.85em}.muted{color:#6b7280}ol.timeline li{margin:4px 0}.denied{color:#9b1c1c}
            """;

    private static String page(String title, Html body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title) + " · Drydock</title>"
                + "<style>" + STYLE + "</style></head><body><header><strong>Drydock</strong>"
                + "<a href=\"/\">Overview</a><a href=\"/ui/vulnerabilities\">Vulnerabilities</a><a href=\"/ui/lineage\">Lineage</a>"
                + "<a href=\"/ui/rollouts\">Rollouts</a><a href=\"/ui/admissions\">Admission log</a></header><main><h1>" + Html.escape(title)
                + "</h1>" + body + "</main></body></html>";
    }

    String login(String error) {
        Html h = new Html();
        if (error != null) {
            h.el("p", "class=\"denied\" id=\"login-error\"", error);
        }
        h.raw("<form method=\"post\" action=\"/ui/login\"><label>API token <input type=\"password\" name=\"token\" id=\"token\" "
                + "autocomplete=\"off\"></label> <button type=\"submit\" id=\"login\">Sign in</button></form>");
        return page("Sign in", h);
    }

    String overview() {
        ObjectNode o = api.overview();
        JsonNode f = o.get("findings");
        Html h = new Html().raw("<div class=\"cards\">");
        card(h, "images-count", "Images", o.get("images").asText());
        card(h, "workloads-count", "Workloads", o.get("workloads").asText());
        card(h, "findings-total", "Findings", f.get("total").asText());
        for (String s : List.of("critical", "high", "medium", "low", "other")) {
            card(h, "sev-" + s, s.substring(0, 1).toUpperCase() + s.substring(1), f.get(s).asText());
        }
        card(h, "base-count", "In base images", f.get("base").asText());
        card(h, "app-count", "In applications", f.get("application").asText());
        card(h, "fixable-count", "Fixable", f.get("fixable").asText());
        card(h, "base-only-count", "Need only a base update", f.get("baseUpdateOnly").asText());
        h.raw("</div>");
        h.raw(severityBar(f));
        JsonNode db = o.get("advisoryDb");
        h.el("p", "class=\"muted\" id=\"db-status\"", "Advisory DB built " + db.get("builtAt").asText() + ", "
                + db.get("advisories").asText() + " advisories");
        h.el("h2", "", "Images with the most severe findings");
        imageTable(h, api.images(ImageFilter.ALL, 0, 25), "top-images");
        return page("Overview", h);
    }

    private static void card(Html h, String id, String label, String value) {
        h.raw("<div class=\"card\"><b id=\"" + id + "\">").text(value).raw("</b>").text(label).raw("</div>");
    }

    /** One horizontal bar split by severity, as SVG. */
    private static String severityBar(JsonNode f) {
        double total = Math.max(1, f.get("total").asDouble());
        StringBuilder svg = new StringBuilder("<svg id=\"severity-bar\" width=\"600\" height=\"18\" role=\"img\" aria-label=\"findings by severity\">");
        double x = 0;
        String[][] parts = {{"critical", "#9b1c1c"}, {"high", "#ea580c"}, {"medium", "#eab308"}, {"low", "#3b82f6"}, {"other", "#9ca3af"}};
        for (String[] p : parts) {
            double w = 600 * f.get(p[0]).asDouble() / total;
            svg.append(String.format(java.util.Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"18\" fill=\"%s\"><title>%s</title></rect>",
                    x, w, p[1], p[0]));
            x += w;
        }
        return svg.append("</svg>").toString();
    }

    private static void imageTable(Html h, ObjectNode page, String id) {
        h.raw("<table id=\"" + id + "\"><tr><th>Image</th><th>Critical</th><th>High</th><th>Medium</th><th>Low</th><th>Base</th>"
                + "<th>Application</th><th>Fixable</th></tr>");
        for (JsonNode i : page.get("items")) {
            JsonNode c = i.get("counts");
            h.raw("<tr data-digest=\"").text(i.get("digest").asText()).raw("\"><td>")
                    .link("/ui/images/" + i.get("digest").asText(), i.get("reference").asText()).raw("</td>");
            for (String k : List.of("critical", "high", "medium", "low", "base", "application", "fixable")) {
                h.el("td", "class=\"" + k + "\"", c.get(k).asText());
            }
            h.raw("</tr>");
        }
        h.raw("</table>");
    }

    String image(String digest) {
        ObjectNode i = api.image(digest, ImageFilter.ALL);
        Html h = new Html();
        h.el("p", "id=\"image-reference\"", i.get("reference").asText()).el("p", "class=\"muted\" id=\"image-digest\"", digest);
        JsonNode base = i.get("base");
        h.el("h2", "", "Remediation").el("p", "id=\"remediation\"", i.get("remediation").get("summary").asText());
        if (base.has("name")) {
            h.el("p", "id=\"base\"", "Base: " + base.path("name").asText("unknown") + " (" + base.path("how").asText() + ", "
                    + base.path("layers").asText() + " layers)" + (base.hasNonNull("rebuildNote") ? ": " + base.get("rebuildNote").asText() : ""));
        }
        h.raw("<ul id=\"upgrades\">");
        for (JsonNode u : i.get("remediation").get("applicationUpgrades")) {
            h.el("li", "", u.get("package").asText() + " " + u.get("version").asText() + " → "
                    + (u.hasNonNull("upgradeTo") ? u.get("upgradeTo").asText() : "no fixed version yet"));
        }
        h.raw("</ul>");
        JsonNode sig = i.get("signature");
        List<String> atts = new ArrayList<>();
        sig.get("attestations").forEach(a -> atts.add(a.asText()));
        h.el("p", "id=\"signature\"", sig.get("signatures").asInt() + " signature(s); attestations: "
                + (atts.isEmpty() ? "none" : String.join(", ", atts)));
        h.el("h2", "", "Findings (" + i.get("findingsShown").asText() + ")");
        h.raw("<table id=\"findings\"><tr><th>Id</th><th>Severity</th><th>Package</th><th>Version</th><th>Fixed in</th><th>Origin</th>"
                + "<th>Layer</th><th>Created by</th></tr>");
        for (JsonNode f : i.get("findings")) {
            List<String> fixed = new ArrayList<>();
            f.get("fixedVersions").forEach(v -> fixed.add(v.asText()));
            h.raw("<tr data-id=\"").text(f.get("id").asText()).raw("\"><td>").link("/ui/vulnerabilities/" + Html.url(f.get("id").asText()),
                    f.get("id").asText()).raw("</td>");
            h.el("td", "class=\"" + Html.escape(f.get("severity").asText()) + "\"", f.get("severity").asText());
            h.el("td", "", f.get("package").asText()).el("td", "", f.get("version").asText()).el("td", "class=\"fixed\"", String.join(", ", fixed))
                    .el("td", "class=\"origin\"", f.get("origin").asText()).el("td", "", f.get("layer").get("index").asText())
                    .el("td", "class=\"created-by\"", f.get("layer").path("createdBy").asText(""));
            h.raw("</tr>");
        }
        h.raw("</table>");
        h.el("h2", "", "Running in");
        workloadList(h, i.get("workloads"), "image-workloads");
        h.el("h2", "", "History").raw("<ol class=\"timeline\" id=\"history\">");
        for (JsonNode a : i.get("history")) {
            h.el("li", "", a.get("at").asText() + " " + a.get("action").asText() + ": " + a.get("message").asText());
        }
        h.raw("</ol>");
        return page("Image", h);
    }

    private static void workloadList(Html h, JsonNode workloads, String id) {
        h.raw("<ul id=\"" + id + "\">");
        for (JsonNode w : workloads) {
            h.el("li", "", w.get("kind").asText() + "/" + w.get("namespace").asText() + "/" + w.get("name").asText());
        }
        h.raw("</ul>");
    }

    String vulns(ImageFilter filter, int offset) {
        ObjectNode page = api.vulns(filter, offset, 100);
        Html h = new Html();
        h.el("p", "class=\"muted\" id=\"vulns-total\"", page.get("total").asText() + " vulnerabilities");
        h.raw("<table id=\"vulns\"><tr><th>Id</th><th>Severity</th><th>Images</th><th>Fixable in</th><th>In base</th><th>In application</th></tr>");
        for (JsonNode v : page.get("items")) {
            h.raw("<tr data-id=\"").text(v.get("id").asText()).raw("\"><td>").link("/ui/vulnerabilities/" + Html.url(v.get("id").asText()),
                    v.get("id").asText()).raw("</td>");
            h.el("td", "class=\"" + Html.escape(v.get("severity").asText()) + "\"", v.get("severity").asText()).el("td", "", v.get("images").asText())
                    .el("td", "", v.get("fixableImages").asText()).el("td", "", v.get("inBase").asText()).el("td", "", v.get("inApplication").asText());
            h.raw("</tr>");
        }
        h.raw("</table>");
        return page("Vulnerabilities", h);
    }

    String vuln(String id) {
        ObjectNode v = api.vuln(id);
        Html h = new Html();
        h.el("p", "id=\"vuln-severity\" class=\"" + Html.escape(v.get("severity").asText()) + "\"", v.get("severity").asText());
        h.el("p", "id=\"vuln-summary\"", v.path("summary").asText(""));
        h.el("h2", "", "Images");
        h.raw("<table id=\"vuln-images\"><tr><th>Image</th><th>Package</th><th>Version</th><th>Origin</th><th>Remedy</th><th>Workloads</th></tr>");
        for (JsonNode i : v.get("images")) {
            h.raw("<tr data-digest=\"").text(i.get("digest").asText()).raw("\"><td>")
                    .link("/ui/images/" + i.get("digest").asText(), i.path("reference").asText(i.get("digest").asText())).raw("</td>");
            h.el("td", "", i.get("package").asText()).el("td", "", i.get("version").asText()).el("td", "class=\"origin\"", i.get("origin").asText())
                    .el("td", "class=\"remedy\"", i.get("remedy").asText());
            List<String> ws = new ArrayList<>();
            i.get("workloads").forEach(w -> ws.add(w.get("kind").asText() + "/" + w.get("namespace").asText() + "/" + w.get("name").asText()));
            h.el("td", "class=\"workloads\"", String.join(", ", ws)).raw("</tr>");
        }
        h.raw("</table>");
        h.el("h2", "", "Running workloads");
        workloadList(h, v.get("workloads"), "vuln-workloads");
        return page(id, h);
    }

    /** Bases → images → workloads in three columns; an outdated base (its tag moved past what images were built on) in red. */
    String lineage() {
        ObjectNode g = api.lineage();
        Map<String, Boolean> bases = new LinkedHashMap<>();
        Set<String> images = new LinkedHashSet<>();
        Map<String, String> imageDigests = new LinkedHashMap<>();
        List<String[]> links = new ArrayList<>();
        for (JsonNode e : g.get("edges")) {
            String base = e.get("base").asText();
            bases.merge(base, e.get("outdated").asBoolean(), Boolean::logicalOr);
            images.add(e.get("image").asText());
            if (e.hasNonNull("imageDigest")) {
                imageDigests.put(e.get("imageDigest").asText(), e.get("image").asText());
            }
            links.add(new String[] {"b:" + base, "i:" + e.get("image").asText(), e.get("kind").asText()});
        }
        Set<String> workloads = new LinkedHashSet<>();
        for (JsonNode w : g.get("workloads")) {
            String id = w.get("kind").asText() + "/" + w.get("namespace").asText() + "/" + w.get("name").asText();
            String image = imageDigests.getOrDefault(w.path("digest").asText(""), repository(w.get("image").asText(), images));
            if (image != null) {
                workloads.add(id);
                links.add(new String[] {"i:" + image, "w:" + id, "runs"});
            }
        }
        Map<String, double[]> at = new LinkedHashMap<>();
        int rows = Math.max(bases.size(), Math.max(images.size(), Math.max(workloads.size(), 1)));
        int i = 0;
        for (String b : bases.keySet()) {
            at.put("b:" + b, new double[] {20, 30 + 50 * i++});
        }
        i = 0;
        for (String m : images) {
            at.put("i:" + m, new double[] {360, 30 + 50 * i++});
        }
        i = 0;
        for (String w : workloads) {
            at.put("w:" + w, new double[] {700, 30 + 50 * i++});
        }
        StringBuilder svg = new StringBuilder("<svg id=\"lineage\" xmlns=\"http://www.w3.org/2000/svg\" width=\"1040\" height=\"" + (rows * 50 + 20)
                + "\" font-size=\"12\">");
        for (String[] l : links) {
            double[] a = at.get(l[0]);
            double[] b = at.get(l[1]);
            if (a != null && b != null) {
                svg.append(String.format(java.util.Locale.ROOT, "<line class=\"edge %s\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#94a3b8\"%s/>",
                        Html.escape(l[2]), a[0] + 300, a[1], b[0], b[1], l[2].equals("build") ? " stroke-dasharray=\"4 3\"" : ""));
            }
        }
        for (Map.Entry<String, double[]> n : at.entrySet()) {
            String key = n.getKey();
            String kind = switch (key.charAt(0)) {
                case 'b' -> "base";
                case 'i' -> "image";
                default -> "workload";
            };
            boolean outdated = kind.equals("base") && bases.getOrDefault(key.substring(2), false);
            double[] p = n.getValue();
            svg.append("<g class=\"node ").append(kind).append(outdated ? " outdated" : "").append("\" data-name=\"").append(Html.escape(key.substring(2)))
                    .append("\">").append(String.format(java.util.Locale.ROOT,
                            "<rect x=\"%.0f\" y=\"%.0f\" width=\"300\" height=\"30\" rx=\"4\" fill=\"%s\" stroke=\"%s\"/>", p[0], p[1] - 15,
                            outdated ? "#fee2e2" : "#fff", outdated ? "#b91c1c" : "#64748b"))
                    .append(String.format(java.util.Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\">", p[0] + 6, p[1] + 4))
                    .append(Html.escape(shorten(key.substring(2)) + (outdated ? " (outdated)" : ""))).append("</text></g>");
        }
        svg.append("</svg>");
        Html h = new Html().el("p", "class=\"muted\"", "Bases → images → workloads. A base drawn in red has moved on since images were built on it.")
                .raw(svg.toString());
        return page("Lineage", h);
    }

    /** The image of the graph a workload's image reference names by repository, when the digest is not in the graph. */
    private static String repository(String reference, Set<String> images) {
        String repo = io.drydock.fleet.Fleet.repositoryOf(reference);
        return images.stream().filter(i -> io.drydock.fleet.Fleet.repositoryOf(i).equals(repo)).findFirst().orElse(null);
    }

    private static String shorten(String s) {
        return s.length() <= 46 ? s : "…" + s.substring(s.length() - 45);
    }

    String rollouts() {
        ObjectNode r = api.rollouts(100);
        Html h = new Html();
        h.el("h2", "", "Steps");
        h.raw("<table id=\"steps\"><tr><th>When</th><th>Step</th><th>Subject</th><th>State</th><th>Result</th></tr>");
        for (JsonNode s : r.get("items")) {
            h.raw("<tr class=\"step ").text(s.get("kind").asText()).raw("\">").el("td", "", s.get("updatedAt").asText()).el("td", "", s.get("kind").asText())
                    .el("td", "", s.get("key").asText()).el("td", "", s.get("state").asText()).el("td", "", s.path("result").asText("")).raw("</tr>");
        }
        h.raw("</table>");
        h.el("h2", "", "Timeline").raw("<ol class=\"timeline\" id=\"timeline\">");
        for (JsonNode a : r.get("events")) {
            h.raw("<li class=\"").text(a.get("action").asText()).raw("\">").text(a.get("at").asText() + " " + a.get("subject").asText() + " "
                    + a.get("action").asText() + ": " + a.get("message").asText()).raw("</li>");
        }
        h.raw("</ol>");
        return page("Rebuilds and rollouts", h);
    }

    String admissions() {
        ObjectNode r = api.admissions(100, true);
        Html h = new Html();
        h.raw("<table id=\"denials\"><tr><th>When</th><th>Namespace</th><th>Object</th><th>Reason</th></tr>");
        for (JsonNode d : r.get("items")) {
            h.raw("<tr>").el("td", "", d.get("at").asText()).el("td", "", d.path("namespace").asText(""))
                    .el("td", "", d.path("kind").asText("") + "/" + d.path("name").asText("")).el("td", "class=\"denied\"", d.get("message").asText())
                    .raw("</tr>");
        }
        h.raw("</table>");
        return page("Admission log: recent denials", h);
    }
}
