package org.tesseras.transport.netty.internal;

import java.security.cert.X509Certificate;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

/** The TLS 1.3 contexts of a node: both sides present the node certificate and require the peer's. */
record TlsContexts(SslContext server, SslContext client, X509Certificate certificate) {
    static final String PROTOCOL = "TLSv1.3";

    /** Contexts for {@code identity}, trusting peers through {@link SelfSignedPeerTrust}. */
    static TlsContexts create(NodeIdentity identity, IdentityVerifier verifier) {
        X509Certificate certificate = NodeCertificate.create(identity, verifier);
        SelfSignedPeerTrust trust = new SelfSignedPeerTrust(verifier);
        try {
            SslContext server = SslContextBuilder.forServer(identity.privateKey(), certificate)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(trust)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .keyManager(identity.privateKey(), certificate)
                    .trustManager(trust)
                    .build();
            return new TlsContexts(server, client, certificate);
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for " + identity.nodeId() + ": " + e.getMessage(), e);
        }
    }
}
