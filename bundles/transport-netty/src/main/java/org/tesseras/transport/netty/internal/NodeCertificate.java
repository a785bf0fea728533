package org.tesseras.transport.netty.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

/**
 * The self-signed X.509 certificate a node presents in TLS: its Ed25519 identity key, signed by
 * itself. Identity comes from NodeId and proof-of-work, not from a CA, so nothing else is in it.
 */
final class NodeCertificate {
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration VALIDITY = Duration.ofDays(5 * 365);

    private NodeCertificate() {
    }

    /** A fresh certificate for {@code identity}, checked to carry exactly its public key. */
    static X509Certificate create(NodeIdentity identity, IdentityVerifier verifier) {
        try {
            X500Name name = new X500Name("CN=" + identity.nodeId().hex());
            SubjectPublicKeyInfo publicKey = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), identity.publicKey());
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(VALIDITY)), name, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("Ed25519").build(identity.privateKey())));
            certificate.verify(certificate.getPublicKey());
            if (!Arrays.equals(verifier.rawPublicKey(certificate.getPublicKey()), identity.publicKey())) {
                throw new IllegalStateException("the TLS certificate of " + identity.nodeId()
                        + " does not carry its identity key");
            }
            return certificate;
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot make the TLS certificate of " + identity.nodeId() + " from "
                    + identity.keyFile() + ": " + e.getMessage(), e);
        }
    }
}
