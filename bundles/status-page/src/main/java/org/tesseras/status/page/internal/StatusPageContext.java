package org.tesseras.status.page.internal;

import java.io.IOException;
import java.util.Optional;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContext;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The servlet context of the status page at {@value #PATH}: every request must carry HTTP Basic credentials that the
 * Karaf JAAS realm accepts for a user with the configured role, or it is answered 401 and goes no further.
 */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE,
        configurationPid = StatusPageConfiguration.PID)
@HttpWhiteboardContext(name = StatusPageContext.NAME, path = StatusPageContext.PATH)
@Designate(ocd = StatusPageConfiguration.class)
public final class StatusPageContext extends ServletContextHelper {
    /** The context name the servlet selects. */
    static final String NAME = "tesseras-status";
    /** Where the page is served. */
    static final String PATH = "/tesseras";
    /** What the browser shows when it asks for the login. */
    static final String CHALLENGE = "Basic realm=\"Tesseras node\", charset=\"UTF-8\"";
    /** A refused login waits this long, which slows guessing. */
    static final long REFUSAL_DELAY_MILLIS = 500;

    private final JaasBasicLogin login;

    @Activate
    public StatusPageContext(BundleContext context, StatusPageConfiguration config) {
        super(context.getBundle());
        this.login = new JaasBasicLogin(config.realm(), config.role());
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> user = login.authenticate(request.getHeader("Authorization"));
        if (user.isPresent()) {
            request.setAttribute(REMOTE_USER, user.get());
            request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
            return true;
        }
        if (request.getHeader("Authorization") != null) {
            try {
                Thread.sleep(REFUSAL_DELAY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        response.setHeader("WWW-Authenticate", CHALLENGE);
        response.setHeader("Cache-Control", "no-store");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Log in with a user of this Tesseras node");
        return false;
    }
}
