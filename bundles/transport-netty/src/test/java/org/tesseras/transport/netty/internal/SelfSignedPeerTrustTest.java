package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

class SelfSignedPeerTrustTest {
    private final IdentityVerifier verifier = TestNodes.verifier(0);
    private final SelfSignedPeerTrust trust = new SelfSignedPeerTrust(verifier);

    @TempDir
    Path dir;

    static X509Certificate certificate(PublicKey subject, PrivateKey signer, String algorithm, Instant notBefore,
            Instant notAfter) throws Exception {
        X500Name name = new X500Name("CN=test");
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, Date.from(notBefore), Date.from(notAfter), name, subject)
                .build(new JcaContentSignerBuilder(algorithm).build(signer)));
    }

    @Test
    void theNodeCertificateIsTrustedAndCarriesTheIdentityKey() {
        NodeIdentity identity = TestNodes.identity(dir, 4);
        X509Certificate certificate = NodeCertificate.create(identity, verifier);
        assertDoesNotThrow(() -> trust.check(new X509Certificate[] {certificate}));
        assertArrayEquals(identity.publicKey(), verifier.rawPublicKey(certificate.getPublicKey()));
        assertTrue(certificate.getSubjectX500Principal().getName().contains(identity.nodeId().hex()));
    }

    @Test
    void chainsOfOtherLengthsAreRefused() {
        X509Certificate certificate = NodeCertificate.create(TestNodes.identity(dir, 4), verifier);
        assertThrows(CertificateException.class, () -> trust.check(new X509Certificate[0]));
        assertThrows(CertificateException.class, () -> trust.check(null));
        assertThrows(CertificateException.class, () -> trust.check(new X509Certificate[] {certificate,
                certificate}));
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Instant now = Instant.now();
        X509Certificate expired = certificate(keys.getPublic(), keys.getPrivate(), "Ed25519",
                now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        X509Certificate future = certificate(keys.getPublic(), keys.getPrivate(), "Ed25519",
                now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        assertThrows(CertificateException.class, () -> trust.check(new X509Certificate[] {expired}));
        assertThrows(CertificateException.class, () -> trust.check(new X509Certificate[] {future}));
    }

    @Test
    void aCertificateSignedByAnotherKeyIsRefused() throws Exception {
        KeyPair subject = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Instant now = Instant.now();
        X509Certificate forged = certificate(subject.getPublic(), other.getPrivate(), "Ed25519",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
        CertificateException e = assertThrows(CertificateException.class,
                () -> trust.check(new X509Certificate[] {forged}));
        assertTrue(e.getMessage().contains("own key"), e.getMessage());
    }

    @Test
    void aNonEd25519KeyIsRefused() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        Instant now = Instant.now();
        X509Certificate ecCertificate = certificate(ec.getPublic(), ec.getPrivate(), "SHA256withECDSA",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
        X509Certificate ed448Certificate = certificate(ed448.getPublic(), ed448.getPrivate(), "Ed448",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
        assertThrows(CertificateException.class, () -> trust.check(new X509Certificate[] {ecCertificate}));
        assertThrows(CertificateException.class, () -> trust.check(new X509Certificate[] {ed448Certificate}));
    }
}
