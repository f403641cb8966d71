package io.drydock.inventory.sbom;

import io.drydock.inventory.Inventory;

/** One output format for an inventory. */
public interface SbomWriter {
    String name();

    String write(Inventory inventory);

    static SbomWriter forName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cyclonedx", "cdx" -> new CycloneDxWriter();
            case "spdx", "spdx-json" -> new SpdxWriter();
            case "json" -> new InventoryJsonWriter();
            case "table" -> new InventoryTableWriter();
            default -> throw new io.drydock.DrydockException("unknown --format '" + name + "'; choose one of: cyclonedx, spdx, json, table");
        };
    }
}
