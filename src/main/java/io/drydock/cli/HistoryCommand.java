package io.drydock.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.drydock.store.AuditEntry;
import io.drydock.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drydock history}: the audit trail of an image, a base or a workload. */
@Command(name = "history", description = "Show every decision about an image, a base or a workload (Kind/namespace/name): triggers, findings fixed, rebuilds, validations, rollouts and rollbacks.")
final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SUBJECT")
    String subject;
    @Option(names = "--format", defaultValue = "table", description = "table (default) or json.")
    String format;
    @Mixin
    ImageOptions options;
    @Mixin
    StoreOptions store;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OutputFormat fmt = OutputFormat.parse(format, OutputFormat.TABLE, OutputFormat.JSON);
        PrintWriter out = spec.commandLine().getOut();
        String key = subject.contains("/") && subject.split("/").length == 3 && Character.isUpperCase(subject.charAt(0))
                ? subject : LineageCommand.name(subject);
        List<AuditEntry> entries;
        try (Store s = store.open(options)) {
            entries = s.history(key);
        }
        if (fmt == OutputFormat.JSON) {
            ObjectMapper json = new ObjectMapper();
            ArrayNode arr = json.createArrayNode();
            for (AuditEntry e : entries) {
                var o = arr.addObject().put("at", e.at().toString()).put("action", e.action()).put("message", e.message());
                if (e.details() != null) {
                    o.set("details", json.readTree(e.details()));
                }
                if (e.jobId() != 0) {
                    o.put("step", e.jobId());
                }
            }
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
        } else if (entries.isEmpty()) {
            out.println("no history for " + key);
        } else {
            List<String[]> rows = Text.rows();
            rows.add(new String[] {"TIME", "ACTION", "WHAT"});
            for (AuditEntry e : entries) {
                rows.add(new String[] {e.at().toString(), e.action(), e.message()});
            }
            out.print(Text.table(rows));
        }
        out.flush();
        return 0;
    }
}
