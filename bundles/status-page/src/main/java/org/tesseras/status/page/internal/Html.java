package org.tesseras.status.page.internal;

/**
 * An HTML document being written. Every text goes through {@link #text}, which escapes it; markup comes only from
 * this class's own constants and the tag names its callers pass.
 */
final class Html {
    private final StringBuilder out = new StringBuilder(16 * 1024);

    /** {@code text} with {@code & < > " '} escaped, safe in element content and in quoted attributes. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** Appends escaped text. */
    Html text(Object text) {
        out.append(escape(text == null ? "" : text.toString()));
        return this;
    }

    /** Opens {@code tag} (a literal of the caller) with an optional CSS class. */
    Html open(String tag, String cssClass) {
        out.append('<').append(tag);
        if (cssClass != null && !cssClass.isEmpty()) {
            out.append(" class=\"").append(escape(cssClass)).append('"');
        }
        out.append('>');
        return this;
    }

    Html open(String tag) {
        return open(tag, null);
    }

    Html close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** {@code <tag class=…>text</tag>}. */
    Html element(String tag, String cssClass, Object text) {
        return open(tag, cssClass).text(text).close(tag);
    }

    /** A paragraph saying {@code text}. */
    Html paragraph(String cssClass, Object text) {
        return element("p", cssClass, text);
    }

    /** A table with {@code headers}; fill it with {@link #row} and end it with {@link #endTable}. */
    Html table(String... headers) {
        open("div", "scroll").open("table").open("thead").open("tr");
        for (String header : headers) {
            element("th", null, header);
        }
        return close("tr").close("thead").open("tbody");
    }

    /** One table row; a {@link Cell} keeps its CSS class, anything else becomes escaped text. */
    Html row(Object... cells) {
        open("tr");
        for (Object cell : cells) {
            if (cell instanceof Cell styled) {
                element("td", styled.cssClass(), styled.text());
            } else {
                element("td", null, cell);
            }
        }
        return close("tr");
    }

    Html endTable() {
        return close("tbody").close("table").close("div");
    }

    /** Markup known at compile time (the page frame), never data. */
    Html markup(String constant) {
        out.append(constant);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** A table cell with a CSS class. */
    record Cell(String cssClass, Object text) {
    }
}
