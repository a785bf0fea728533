package org.tesseras.transport.netty.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.tesseras.api.port.IdentityVerifier;

/**
 * Trusts a peer that presents exactly one self-signed Ed25519 certificate, within its validity and
 * verifying against its own key. Who the peer is gets decided after TLS, from the key it proved here
 * and its proof-of-work; no CA and no host name are involved.
 */
final class SelfSignedPeerTrust extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
    private final IdentityVerifier verifier;

    SelfSignedPeerTrust(IdentityVerifier verifier) {
        this.verifier = verifier;
    }

    /** Accepts {@code chain} or throws saying what is wrong with it. */
    void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("a peer must present exactly one self-signed certificate, got "
                    + (chain == null ? 0 : chain.length));
        }
        X509Certificate certificate = chain[0];
        certificate.checkValidity();
        try {
            verifier.rawPublicKey(certificate.getPublicKey());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("the peer certificate does not carry an Ed25519 key: "
                    + certificate.getPublicKey().getAlgorithm());
        }
        try {
            certificate.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the peer certificate is not signed by its own key: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
