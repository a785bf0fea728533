package org.tesseras.status.page.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.tesseras.api.health.NodeDoctor;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.Transport;

/**
 * The read-only status page at {@code /tesseras/} in the {@link StatusPageContext} (which demands the Karaf login).
 * Every service it shows is optional: a missing one is said on the page, the rest still shows.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/*")
@HttpWhiteboardContextSelect("(" + "osgi.http.whiteboard.context.name" + "=" + StatusPageContext.NAME + ")")
public final class StatusPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The sections, in page order. */
    static final List<StatusSection> SECTIONS = List.of(new NodeSection(), new HealthChecksSection(),
            new TesserasSection(), new RepairSection(), new PeersSection(), new LedgerSection());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeIdentity identity;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile IdentityVerifier verifier;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Transport transport;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ReplicationService replication;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DhtPort dht;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ReciprocityLedger ledger;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeDoctor doctor;

    private String version = "";

    @Activate
    void activate(BundleContext context) {
        this.version = context.getBundle().getVersion().toString();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NodeView node = new NodeView(Optional.ofNullable(identity), Optional.ofNullable(verifier),
                Optional.ofNullable(transport), Optional.ofNullable(replication), Optional.ofNullable(dht),
                Optional.ofNullable(ledger), Optional.ofNullable(doctor), version, Instant.now());
        byte[] page = StatusPage.render(node, SECTIONS).getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }
}
