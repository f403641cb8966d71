package io.drydock.scan.report;

/**
 * How reports name the scanner that wrote them.
 *
 * @param version the version as built ({@code dev} when running from classes, which have no jar manifest)
 * @param semanticVersion the same as a SemVer string, which SARIF consumers expect ({@code 0.0.0-dev} for dev)
 * @param informationUri where people can read about the tool; null while the project has no published home page
 *     (SARIF then leaves the optional field out rather than point at an address that does not exist)
 */
public record Tool(String name, String version, String semanticVersion, String informationUri) {
    /** The project has no published home page yet; this is the one place to set it when it has. */
    static final String INFORMATION_URI = null;

    public static final Tool CURRENT = current();

    private static Tool current() {
        String built = Tool.class.getPackage().getImplementationVersion();
        return built == null
                ? new Tool("drydock", "dev", "0.0.0-dev", INFORMATION_URI)
                : new Tool("drydock", built, built, INFORMATION_URI);
    }

    /** A package URL for the scanner itself, which attestation formats ask for as its identity. */
    public String purl() {
        return "pkg:generic/" + name + "@" + version;
    }
}
