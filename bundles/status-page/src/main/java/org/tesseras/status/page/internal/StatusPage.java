package org.tesseras.status.page.internal;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole page: a plain HTML document that reads on a phone, with one part per {@link StatusSection}. */
final class StatusPage {
    private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72em;"
            + "padding:0 .75em 2em;line-height:1.4;color:#1b1b1b;background:#fff}"
            + "h1{font-size:1.4em;margin:.6em 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em;"
            + "border-bottom:1px solid #ccc}nav a{margin-right:.8em;white-space:nowrap;display:inline-block}"
            + ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}"
            + "th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid #e3e3e3}"
            + "th{background:#f3f3f3}.hash{font-family:ui-monospace,monospace;word-break:break-all;font-size:.9em}"
            + ".status{font-weight:600;white-space:nowrap}.ok{color:#1a7f37}.warn{color:#9a6700}"
            + ".critical,.error{color:#cf222e}.unavailable,.unknown{color:#57606a}.muted{color:#57606a}";

    private StatusPage() {
    }

    static String render(NodeView node, List<StatusSection> sections) {
        Html html = new Html();
        html.markup("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>");
        html.text("Tesseras node " + node.identity().map(identity -> identity.nodeId().shortHex()).orElse(""));
        html.markup("</title><style>").markup(STYLE).markup("</style></head><body>");
        html.element("h1", null, "Tesseras node");
        html.paragraph("muted", "Read-only status at " + node.now().truncatedTo(ChronoUnit.SECONDS)
                + " (UTC). Reload the page to refresh it.");
        html.open("nav");
        for (StatusSection section : sections) {
            html.markup("<a href=\"#").text(section.id()).markup("\">").text(section.title()).close("a");
        }
        html.close("nav");
        for (StatusSection section : sections) {
            html.markup("<section id=\"").text(section.id()).markup("\">");
            html.element("h2", null, section.title());
            Html part = new Html();
            try {
                section.render(node, part);
                html.markup(part.toString());
            } catch (RuntimeException e) {
                LOG.warn("Status page section {} failed", section.id(), e);
                html.paragraph("status error", "This part could not be shown: " + e.getMessage());
            }
            html.close("section");
        }
        html.markup("</body></html>");
        return html.toString();
    }
}
