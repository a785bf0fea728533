package org.tesseras.status.page.internal;

/**
 * One section of the status page. A new section is one such class, added to the list in {@link StatusPageServlet}.
 */
interface StatusSection {

    /** The anchor of the section ({@code #id}). */
    String id();

    /** Its heading. */
    String title();

    /** Writes its content from what {@code node} holds now; a missing service is said in words, never an error. */
    void render(NodeView node, Html html);
}
