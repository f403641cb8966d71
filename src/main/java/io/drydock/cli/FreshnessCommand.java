package io.drydock.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.freshness.EolData;
import io.drydock.freshness.Freshness;
import io.drydock.freshness.FreshnessReport;
import io.drydock.scan.Gate;
import io.drydock.scan.Matcher;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Scanner;
import io.drydock.scan.report.FreshnessText;
import io.drydock.scan.report.JsonReport;
import io.drydock.vulndb.VulnDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "freshness", description = {
        "How current an image is: whether its base's tag has moved to a newer digest, since when and what that fixes;",
        "the end of security and extended support of its OS release; and for each language runtime its release line,",
        "whether that line is supported, its end-of-life date and its newest patch. The date of the end-of-life data",
        "is shown with every answer ('drydock db update --eol DIR' installs newer data)."},
        footer = {"", "Exit codes: 0 the report was produced (policies gate on it); 2 usage error; 3 error."})
final class FreshnessCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "IMAGE", description = "A registry reference, oci:DIR[:TAG], oci-archive:FILE or docker-archive:FILE.")
    String image;

    @Option(names = "--base", paramLabel = "IMAGE", description = "The base image the image is built on (overrides the OCI base annotations).")
    String base;

    @Option(names = "--format", defaultValue = "table", description = "table (default) or json.")
    String format;

    @Option(names = {"-o", "--output"}, description = "Write the report to this file (replaced atomically) instead of standard output.")
    Path output;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("table") && !format.equals("json")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be table or json, not " + format);
        }
        PrintWriter err = spec.commandLine().getErr();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        ScanReport report;
        FreshnessReport freshness;
        CompletableFuture<EolData> eolData = CompletableFuture.supplyAsync(() -> DbCommand.eolData(options, err));
        try (VulnDb db = DbCommand.openOrBuild(options, err)) {
            DbCommand.checkAge(db, null, err);
            Scanner scanner = ScanCommand.scanner(db, Matcher.Priority.PRECISE, options);
            ScanCommand.OpenedImage opened = ScanCommand.openImage(options, image);
            report = scanner.scan(opened.target(), base, Gate.none(today));
            freshness = Freshness.assess(report, opened.target().inventory(), opened.image().config().env(), eolData.join(), today);
        }
        String text;
        if (format.equals("json")) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("schemaVersion", ScanReport.SCHEMA_VERSION);
            doc.put("target", report.target());
            doc.put("digest", report.digest());
            doc.set("freshness", JsonReport.freshness(freshness));
            text = doc.toPrettyString() + "\n";
        } else {
            text = "Target:      " + report.target() + "\nDigest:      " + report.digest() + "\n\n" + FreshnessText.write(freshness);
        }
        ScanCommand.write(text, output, spec.commandLine().getOut());
        if (!report.inventoryWarnings().isEmpty()) {
            err.println("drydock: warning: the inventory of " + report.target() + " is incomplete (" + report.inventoryWarnings().size()
                    + " files could not be read): runtimes may be missing");
            err.flush();
        }
        return 0;
    }
}
