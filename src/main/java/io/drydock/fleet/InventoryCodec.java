package io.drydock.fleet;

import io.drydock.DrydockException;
import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inventory as the server stores it for re-matching: the OS release, the layers once, and per package only what
 * matching and the findings show (type, names, versions, layer, paths, purl, owner). File lists, licences and analyzer
 * properties are left out: they are most of an inventory's size and no match reads them.
 *
 * <p>The form is lines of tab-separated fields, not JSON: re-matching reads thousands of inventories a second after
 * each advisory update, and splitting on tabs costs a fraction of a JSON parser's work per character (a tab, newline
 * or backslash in a value is escaped; {@code \N} is null).
 * <pre>
 *   drydock-inventory 2
 *   I  image  digest  warnings
 *   O  id  versionId  prettyName  codename
 *   L  index  digest  diffId  createdBy
 *   C  type  namespace  name  version  arch  sourceName  sourceVersion  layer  purl  ownedBy  location…
 * </pre>
 */
public final class InventoryCodec {
    static final String HEADER = "drydock-inventory 2";
    private static final String NULL = "\\N";

    private InventoryCodec() {
    }

    public static String encode(Inventory inv) {
        StringBuilder out = new StringBuilder(64 + inv.components().size() * 160);
        out.append(HEADER).append('\n');
        line(out, "I", inv.image(), inv.digest(), Integer.toString(inv.warnings().size()));
        if (inv.os() != null) {
            line(out, "O", inv.os().id(), inv.os().versionId(), inv.os().prettyName(), inv.os().codename());
        }
        for (LayerInfo l : inv.layers()) {
            line(out, "L", Integer.toString(l.index()), l.digest(), l.diffId(), l.createdBy());
        }
        for (Component c : inv.components()) {
            InstalledPackage p = c.pkg();
            List<String> fields = new ArrayList<>(11 + p.locations().size());
            fields.add("C");
            fields.add(p.type());
            fields.add(p.namespace());
            fields.add(p.name());
            fields.add(p.version());
            fields.add(p.arch());
            fields.add(p.sourceName());
            fields.add(p.sourceVersion());
            fields.add(Integer.toString(c.layer().index()));
            fields.add(c.purl());
            fields.add(c.ownedBy());
            fields.addAll(p.locations());
            line(out, fields.toArray(String[]::new));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            escape(out, fields[i]);
        }
        out.append('\n');
    }

    private static void escape(StringBuilder out, String v) {
        if (v == null) {
            out.append(NULL);
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\\' -> out.append("\\\\");
                default -> out.append(c);
            }
        }
    }

    /** @param what names the stored inventory in errors (the image digest) */
    public static Inventory decode(String text, String what) {
        try {
            return new Decoder(text, what).decode();
        } catch (DrydockException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DrydockException("the stored inventory of " + what + " cannot be read: " + e, e);
        }
    }

    private static final class Decoder {
        private final String text;
        private final String what;
        private final List<String> fields = new ArrayList<>(16);
        private int pos;

        Decoder(String text, String what) {
            this.text = text;
            this.what = what;
        }

        Inventory decode() {
            if (!text.startsWith(HEADER + "\n")) {
                throw new DrydockException("the stored inventory of " + what + " is not in Drydock's form " + HEADER + ": analyse the image again");
            }
            pos = HEADER.length() + 1;
            String image = null;
            String digest = null;
            OsRelease os = null;
            List<LayerInfo> layers = new ArrayList<>();
            List<Component> components = new ArrayList<>();
            while (next()) {
                switch (fields.get(0)) {
                    case "I" -> {
                        image = fields.get(1);
                        digest = fields.get(2);
                    }
                    case "O" -> os = new OsRelease(fields.get(1), fields.get(2), fields.get(3), fields.get(4));
                    case "L" -> layers.add(new LayerInfo(Integer.parseInt(fields.get(1)), fields.get(2), fields.get(3), fields.get(4)));
                    case "C" -> {
                        int layer = Integer.parseInt(fields.get(8));
                        if (layer < 0 || layer >= layers.size()) {
                            throw new DrydockException("the stored inventory of " + what + " names layer " + layer + " of " + layers.size());
                        }
                        List<String> locations = fields.size() > 11 ? List.copyOf(fields.subList(11, fields.size())) : List.of();
                        InstalledPackage p = new InstalledPackage(fields.get(1), fields.get(2), fields.get(3), fields.get(4), fields.get(5),
                                fields.get(6), fields.get(7), List.of(), locations, List.of(), Map.of());
                        components.add(new Component(p, fields.get(9), layers.get(layer), fields.get(10)));
                    }
                    default -> throw new DrydockException("the stored inventory of " + what + " has a line of unknown kind '" + fields.get(0) + "'");
                }
            }
            return new Inventory(image, digest, os, layers, components, List.of());
        }

        /** Reads the next line's fields; false at the end. */
        private boolean next() {
            if (pos >= text.length()) {
                return false;
            }
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = text.length();
            }
            fields.clear();
            int start = pos;
            while (true) {
                int tab = text.indexOf('\t', start);
                if (tab < 0 || tab > end) {
                    fields.add(value(start, end));
                    break;
                }
                fields.add(value(start, tab));
                start = tab + 1;
            }
            pos = end + 1;
            return true;
        }

        private String value(int from, int to) {
            if (to - from == 2 && text.charAt(from) == '\\' && text.charAt(from + 1) == 'N') {
                return null;
            }
            int slash = text.indexOf('\\', from);
            if (slash < 0 || slash >= to) {
                return text.substring(from, to);
            }
            StringBuilder b = new StringBuilder(to - from);
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < to) {
                    char n = text.charAt(++i);
                    b.append(switch (n) {
                        case 't' -> '\t';
                        case 'n' -> '\n';
                        default -> n;
                    });
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
