package io.drydock.vulndb;

/** An advisory filed under a package, with what it says about that package. */
public record PackageAdvisory(AdvisorySummary advisory, AffectedPackage affected) {
}
