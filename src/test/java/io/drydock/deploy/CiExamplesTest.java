package io.drydock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drydock.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CI examples in examples/: their Drydock command lines parse with Drydock's own command line (an option that
 * does not exist fails here, not in someone's pipeline), they gate, publish the SARIF and sign in that order, and
 * the three CI systems run the same commands.
 */
class CiExamplesTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Keys whose string values are shell scripts: GitHub's run, Azure's script and bash. */
    private static final Set<String> SCRIPT_KEYS = Set.of("run", "script", "bash");

    @Test
    void githubActionsWorkflowScansGatesUploadsAndSigns() throws IOException {
        JsonNode workflow = YAML.readTree(EXAMPLES.resolve("github-actions.yml").toFile());
        assertThat(workflow.get("jobs").isObject()).isTrue();
        assertThat(workflow.get("env").get("IMAGE").asText()).isNotBlank();
        JsonNode job = workflow.get("jobs").elements().next();
        assertThat(job.at("/permissions/security-events").asText()).as("upload-sarif needs it").isEqualTo("write");
        List<JsonNode> steps = list(job.get("steps"));

        int scan = stepRunning(steps, "run", "drydock scan");
        int upload = indexOf(steps, s -> s.path("uses").asText().startsWith("github/codeql-action/upload-sarif@"));
        int validate = stepRunning(steps, "run", "drydock validate");
        assertThat(scan).isLessThan(upload).isLessThan(validate);
        JsonNode uploadStep = steps.get(upload);
        assertThat(uploadStep.at("/with/sarif_file").asText()).isEqualTo("drydock.sarif");
        assertThat(uploadStep.get("if").asText()).as("uploaded when the gate fails too").contains("always()");
        assertThat(steps.get(validate).get("env").has("DRYDOCK_KEY_PASSWORD")).isTrue();

        assertCommands(commands(scripts(workflow)));
    }

    @Test
    void azurePipelineScansGatesPublishesAndSigns() throws IOException {
        JsonNode pipeline = YAML.readTree(EXAMPLES.resolve("azure-pipelines.yml").toFile());
        assertThat(pipeline.at("/variables/IMAGE").asText()).isNotBlank();
        List<JsonNode> steps = list(pipeline.get("steps"));

        int scan = stepRunning(steps, "script", "drydock scan");
        int publish = indexOf(steps, s -> s.path("task").asText().startsWith("PublishBuildArtifacts@"));
        int validate = stepRunning(steps, "script", "drydock validate");
        assertThat(scan).isLessThan(publish).isLessThan(validate);
        JsonNode publishStep = steps.get(publish);
        assertThat(publishStep.at("/inputs/ArtifactName").asText()).isEqualTo("CodeAnalysisLogs");
        assertThat(publishStep.at("/inputs/PathtoPublish").asText()).endsWith("drydock.sarif");
        assertThat(publishStep.get("condition").asText()).as("published when the gate fails too").isIn("succeededOrFailed()", "always()");
        assertThat(steps.get(validate).at("/env/DRYDOCK_KEY_PASSWORD").asText()).as("secret variables reach scripts only through env")
                .isEqualTo("$(DRYDOCK_KEY_PASSWORD)");

        assertCommands(commands(scripts(pipeline)));
    }

    @Test
    void jenkinsfileRunsTheSameCommandsAndRecordsTheSarif() throws IOException {
        String jenkinsfile = Files.readString(EXAMPLES.resolve("Jenkinsfile"));
        List<List<String>> jenkins = commands(shellSteps(jenkinsfile));
        assertCommands(jenkins);
        assertThat(jenkinsfile).containsPattern("recordIssues\\s+tool:\\s*sarif\\(pattern:\\s*'drydock\\.sarif'")
                .containsPattern("archiveArtifacts\\s+artifacts:\\s*'drydock\\.sarif'");
        // the SARIF is recorded in the scan stage's post { always { … } }, so a failed gate still shows its findings
        String scanStage = jenkinsfile.substring(jenkinsfile.indexOf("stage('Scan')"), jenkinsfile.indexOf("stage('Validate"));
        assertThat(scanStage).containsPattern("post\\s*\\{\\s*(//[^\\n]*\\s*)*always\\s*\\{");
        assertThat(scanStage).contains("recordIssues");

        List<List<String>> github = commands(scripts(YAML.readTree(EXAMPLES.resolve("github-actions.yml").toFile())));
        List<List<String>> azure = commands(scripts(YAML.readTree(EXAMPLES.resolve("azure-pipelines.yml").toFile())));
        assertThat(jenkins).as("Jenkinsfile and GitHub Actions").isEqualTo(github);
        assertThat(azure).as("Azure Pipelines and GitHub Actions").isEqualTo(github);
    }

    @Test
    void anOptionDrydockDoesNotHaveFailsTheCheck() {
        assertThatThrownBy(() -> parse(List.of("drydock", "scan", "$IMAGE", "--format", "sarif", "--fail-on", "high")))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--fail-on");
        assertThatThrownBy(() -> parse(List.of("drydock", "validate", "$IMAGE", "--key", "cosign.key")))
                .as("a required option left out").isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--policy");
    }

    /** Every example runs these, each parsing with Drydock's CLI: the gate before the signature. */
    private static void assertCommands(List<List<String>> commands) {
        assertThat(commands).isNotEmpty();
        int scan = -1, validate = -1;
        for (int i = 0; i < commands.size(); i++) {
            List<String> command = commands.get(i);
            ParseResult parsed = parse(command);
            ParseResult sub = parsed.subcommand();
            switch (sub.commandSpec().name()) {
                case "scan" -> {
                    scan = i;
                    assertThat(sub.matchedPositionals()).as("the image").isNotEmpty();
                    assertThat(sub.matchedOptionValue("--format", "")).isEqualTo("sarif");
                    assertThat(sub.matchedOptionValue("--output", (Path) null)).isEqualTo(Path.of("drydock.sarif"));
                    // the gate: HIGH and CRITICAL findings (and only those) make the exit code non-zero
                    List<String> severities = sub.matchedOptionValue("--severity", List.of());
                    assertThat(severities).extracting(String::toUpperCase).containsExactlyInAnyOrder("CRITICAL", "HIGH");
                    assertThat(sub.matchedOptionValue("--exit-code", 0)).isNotIn(0, 2, 3);
                }
                case "validate" -> {
                    validate = i;
                    assertThat(sub.matchedPositionals()).as("the image").isNotEmpty();
                    assertThat(sub.hasMatchedOption("--policy")).isTrue();
                    assertThat(sub.hasMatchedOption("--key")).isTrue();
                }
                default -> { }
            }
        }
        assertThat(scan).as("a drydock scan").isNotNegative();
        assertThat(validate).as("a drydock validate after the scan").isGreaterThan(scan);
        assertThat(commands.get(scan).get(2)).as("the image validated is the image scanned").isEqualTo(commands.get(validate).get(2));
    }

    /** Parsed as `drydock …` would parse it; picocli throws for an unknown option or a missing required one. */
    private static ParseResult parse(List<String> command) {
        assertThat(command.getFirst()).isEqualTo("drydock");
        ParseResult parsed = new CommandLine(new Main()).parseArgs(command.subList(1, command.size()).toArray(String[]::new));
        assertThat(parsed.subcommand()).as(String.join(" ", command)).isNotNull();
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) leaf = leaf.subcommand();
        assertThat(leaf.unmatched()).as(String.join(" ", command)).isEmpty();
        return parsed;
    }

    /** The drydock command lines of the scripts, in order, split into words as the shell would (variables unexpanded). */
    private static List<List<String>> commands(List<String> scripts) {
        List<List<String>> commands = new ArrayList<>();
        for (String script : scripts) {
            for (String line : script.replace("\\\n", " ").split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith("drydock ")) commands.add(words(trimmed));
            }
        }
        return commands;
    }

    /** Shell words: whitespace separates, quotes group and are removed, a backslash escapes; $VARS stay as written. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < line.length()) word.append(line.charAt(++i));
                else word.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == ';' || c == '|' || c == '&') {
                throw new AssertionError("one drydock command per line, without pipes or lists: " + line);
            } else {
                word.append(c);
                inWord = true;
            }
        }
        assertThat(quote == 0).as("balanced quotes in " + line).isTrue();
        if (inWord) words.add(word.toString());
        return words;
    }

    /** The string values under script keys anywhere in a CI YAML file, in document order. */
    private static List<String> scripts(JsonNode node) {
        List<String> scripts = new ArrayList<>();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (SCRIPT_KEYS.contains(field.getKey()) && field.getValue().isTextual()) scripts.add(field.getValue().asText());
                else scripts.addAll(scripts(field.getValue()));
            }
        } else if (node.isArray()) {
            node.forEach(element -> scripts.addAll(scripts(element)));
        }
        return scripts;
    }

    /** The bodies of a Jenkinsfile's sh steps: sh '…', sh '''…''' and sh "…" (Groovy strings taken literally). */
    private static List<String> shellSteps(String jenkinsfile) {
        List<String> bodies = new ArrayList<>();
        Matcher m = Pattern.compile("\\bsh\\s*\\(?\\s*(?:'''(.*?)'''|'([^'\\n]*)'|\"([^\"\\n]*)\")", Pattern.DOTALL).matcher(jenkinsfile);
        while (m.find()) {
            for (int g = 1; g <= 3; g++) if (m.group(g) != null) bodies.add(m.group(g));
        }
        assertThat(bodies).isNotEmpty();
        return bodies;
    }

    private static int stepRunning(List<JsonNode> steps, String key, String command) {
        return indexOf(steps, s -> s.path(key).asText().lines().anyMatch(l -> l.strip().startsWith(command + " ")));
    }

    private static int indexOf(List<JsonNode> steps, java.util.function.Predicate<JsonNode> test) {
        for (int i = 0; i < steps.size(); i++) if (test.test(steps.get(i))) return i;
        throw new AssertionError("no such step");
    }

    private static List<JsonNode> list(JsonNode array) {
        assertThat(array.isArray()).isTrue();
        return StreamSupport.stream(array.spliterator(), false).toList();
    }
}
