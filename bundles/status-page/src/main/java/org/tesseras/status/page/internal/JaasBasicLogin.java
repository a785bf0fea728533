package org.tesseras.status.page.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP Basic credentials checked against a Karaf JAAS realm, and a role the user must have. */
final class JaasBasicLogin {
    private static final Logger LOG = LoggerFactory.getLogger(JaasBasicLogin.class);
    private static final String BASIC = "basic ";

    private final String realm;
    private final String role;

    JaasBasicLogin(String realm, String role) {
        if (realm == null || realm.isBlank()) {
            throw new IllegalArgumentException(StatusPageConfiguration.PID + " realm must not be empty");
        }
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException(StatusPageConfiguration.PID + " role must not be empty");
        }
        this.realm = realm.strip();
        this.role = role.strip();
    }

    /** {@code text} without control characters, fit for one log line whatever a client sent. */
    static String printable(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }

    /** User and password of an {@code Authorization: Basic …} header. */
    record Credentials(String user, char[] password) {
    }

    /** The credentials of {@code header}, or empty when it is missing or not well-formed Basic. */
    static Optional<Credentials> parse(String header) {
        if (header == null || header.length() <= BASIC.length()
                || !header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray()));
    }

    /** The user of {@code header} if the realm accepts the password and the user has the role; else empty. */
    Optional<String> authenticate(String header) {
        Optional<Credentials> credentials = parse(header);
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        String user = credentials.get().user();
        char[] password = credentials.get().password();
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the realm's login modules are reached through Karaf's ProxyLoginModule, loaded from the context class loader
        thread.setContextClassLoader(ProxyLoginModule.class.getClassLoader());
        try {
            LoginContext login = new LoginContext(realm, subject, callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(user);
                    } else if (callback instanceof PasswordCallback secret) {
                        secret.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            login.login();
            boolean allowed = subject.getPrincipals(RolePrincipal.class).stream()
                    .anyMatch(principal -> role.equals(principal.getName()));
            login.logout();
            if (!allowed) {
                LOG.info("Status page refused user {}: no role {}", printable(user), role);
                return Optional.empty();
            }
            return Optional.of(user);
        } catch (LoginException e) {
            LOG.info("Status page refused a login as {}: {}", printable(user), e.getMessage());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
            Arrays.fill(password, '\0');
        }
    }
}
