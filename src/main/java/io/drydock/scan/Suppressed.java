package io.drydock.scan;

/**
 * A finding an ignore-file entry or a VEX statement suppressed, with what suppressed it and why.
 *
 * @param by {@code ignore-file} or {@code openvex}, and where: {@code .drydockignore.yaml entry 3}
 * @param reason the entry's reason, or the VEX status and justification
 */
public record Suppressed(Finding finding, String by, String reason) {
}
