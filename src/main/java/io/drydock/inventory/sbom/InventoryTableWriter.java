package io.drydock.inventory.sbom;

import io.drydock.inventory.Component;
import io.drydock.inventory.Inventory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A table for people: one row per package, grouped by layer. */
public final class InventoryTableWriter implements SbomWriter {
    @Override
    public String name() {
        return "table";
    }

    @Override
    public String write(Inventory inv) {
        StringBuilder sb = new StringBuilder();
        sb.append(inv.image()).append(" (").append(inv.os() == null ? "unknown OS" : inv.os().prettyName() != null ? inv.os().prettyName() : inv.os())
                .append(")\n");
        List<Component> sorted = new ArrayList<>(inv.components());
        sorted.sort(Comparator.comparingInt((Component c) -> c.layer().index()).thenComparing(c -> c.pkg().type())
                .thenComparing(c -> c.pkg().name()));
        int width = 4;
        int vwidth = 7;
        for (Component c : sorted) {
            width = Math.max(width, displayName(c).length());
            vwidth = Math.max(vwidth, c.pkg().version().length());
        }
        int layer = -1;
        for (Component c : sorted) {
            if (c.layer().index() != layer) {
                layer = c.layer().index();
                sb.append("\nlayer ").append(layer).append(' ').append(c.layer().digest());
                if (c.layer().createdBy() != null) sb.append("  ").append(oneLine(c.layer().createdBy()));
                sb.append('\n');
            }
            sb.append(String.format("  %-6s %-" + width + "s  %-" + vwidth + "s  %s%n", c.pkg().type(), displayName(c), c.pkg().version(),
                    c.ownedBy() != null ? "(installed by " + c.ownedBy() + ")" : String.join(", ", c.pkg().locations())));
        }
        sb.append('\n').append(inv.components().size()).append(" packages");
        if (!inv.complete()) {
            sb.append("; INCOMPLETE: ").append(inv.warnings().size()).append(" files could not be read:\n");
            inv.warnings().forEach(w -> sb.append("  ").append(w).append('\n'));
        } else {
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String displayName(Component c) {
        return c.pkg().namespace() != null ? c.pkg().namespace() + "/" + c.pkg().name() : c.pkg().name();
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 70 ? t.substring(0, 69) + "…" : t;
    }
}
