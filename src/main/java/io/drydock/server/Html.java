package io.drydock.server;

/** A little HTML writing with escaping by default: every value that came from an image or a request is escaped. */
final class Html {
    private final StringBuilder out = new StringBuilder(8192);

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Markup written as is: only literals of this package. */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    Html text(Object value) {
        out.append(escape(value == null ? "" : String.valueOf(value)));
        return this;
    }

    /** {@code <tag attrs>text</tag>} with the text escaped; attrs are literals. */
    Html el(String tag, String attrs, Object text) {
        out.append('<').append(tag);
        if (attrs != null && !attrs.isEmpty()) {
            out.append(' ').append(attrs);
        }
        out.append('>');
        text(text);
        out.append("</").append(tag).append('>');
        return this;
    }

    Html link(String href, Object text) {
        out.append("<a href=\"").append(escape(href)).append("\">");
        text(text);
        out.append("</a>");
        return this;
    }

    static String url(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
