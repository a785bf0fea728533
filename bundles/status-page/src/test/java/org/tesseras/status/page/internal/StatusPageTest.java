package org.tesseras.status.page.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.tesseras.api.health.CheckFinding;
import org.tesseras.api.health.CheckStatus;
import org.tesseras.api.health.NodeDoctor;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.NodeStatus;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RecoveryReport;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.model.VerifyReport;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;

/** The page's HTML: sections, escaping of everything shown, and the Basic credentials it reads. */
class StatusPageTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void everythingPrintedIsEscaped() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
                Html.escape("<script>alert('x')</script> & \"q\""));
        ContentHash hash = hash(7);
        TesseraStatus status = new TesseraStatus(FragmentPlan.of(hash, 5L << 20, FragmentationTier.MEDIUM, 16, 8, 7),
                24, true, 0, Optional.of(new HealthRecord(hash, new RepairAction.NeedsReplication(24, List.of()),
                        NOW.minusSeconds(30), "<img src=x onerror=alert(1)>")));
        NodeDoctor doctor = () -> List.of(new CheckFinding("Free <b>disk</b>", CheckStatus.CRITICAL,
                "only <1 GiB", "free \"space\"", List.of("tesseras")));
        String page = StatusPage.render(view(replication(List.of(status)), doctor), StatusPageServlet.SECTIONS);

        assertFalse(page.contains("<img"), page);
        assertFalse(page.contains("<b>disk"), page);
        assertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;"), page);
        assertTrue(page.contains("Free &lt;b&gt;disk&lt;/b&gt;"), page);
        assertTrue(page.contains(hash.hex()), page);
        assertTrue(page.contains("needs replication: 24 missing"), page);
        assertTrue(page.contains("5.0 MiB") && page.contains("MEDIUM 16+8") && page.contains("24/24"), page);
        assertTrue(page.contains("30 s ago"), page);
        assertTrue(page.contains("3 tesseras: 1 repaired, 0 lost, 0 failed"), page);
        assertTrue(page.contains("every 24 h + up to 2 h"), page);
        assertTrue(page.contains("was due at 2026-12-06T09:00:00Z, 60 min late"), page);
        assertTrue(page.contains("1 of 1 checks need attention."), page);
        assertTrue(page.contains("<td class=\"status critical\">CRITICAL</td>"), page);
        assertFalse(page.toLowerCase().contains("<script"), "no JavaScript");
    }

    @Test
    void missingServicesAreSaidInWordsAndEverySectionIsThere() {
        String page = StatusPage.render(view(null, null), StatusPageServlet.SECTIONS);
        for (String id : new String[] {"node", "health", "tesseras", "repair", "peers", "ledger"}) {
            assertTrue(page.contains("<section id=\"" + id + "\">"), id);
        }
        assertTrue(page.contains("Replication is not running"), page);
        assertTrue(page.contains("The DHT is not running"), page);
        assertTrue(page.contains("width=device-width"), "reads on a phone");
    }

    @Test
    void aFailingSectionIsReportedAndTheOthersStillShow() {
        ReplicationService broken = replication(null);
        String page = StatusPage.render(view(broken, null), StatusPageServlet.SECTIONS);
        assertTrue(page.contains("This part could not be shown: replication down"), page);
        assertTrue(page.contains("<section id=\"ledger\">"), page);
    }

    @Test
    void basicCredentialsAreReadOnlyWhenWellFormed() {
        String header = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret:with:colons"
                .getBytes(StandardCharsets.UTF_8));
        JaasBasicLogin.Credentials credentials = JaasBasicLogin.parse(header).orElseThrow();
        assertEquals("ops", credentials.user());
        assertEquals("s3cret:with:colons", new String(credentials.password()));
        assertTrue(JaasBasicLogin.parse(null).isEmpty());
        assertTrue(JaasBasicLogin.parse("Bearer abc").isEmpty());
        assertTrue(JaasBasicLogin.parse("Basic !!!").isEmpty());
        assertTrue(JaasBasicLogin.parse("Basic " + Base64.getEncoder().encodeToString(":nouser".getBytes(
                StandardCharsets.UTF_8))).isEmpty());
        assertEquals("ops?forged log line", JaasBasicLogin.printable("ops\nforged log line"));
        assertTrue(new JaasBasicLogin("no-such-realm", "viewer").authenticate(header).isEmpty(),
                "an unknown realm refuses");
    }

    private static NodeView view(ReplicationService replication, NodeDoctor doctor) {
        return new NodeView(Optional.empty(), Optional.empty(), Optional.empty(), Optional.ofNullable(replication),
                Optional.empty(), Optional.empty(), Optional.ofNullable(doctor), "0.1.0", NOW);
    }

    private static ContentHash hash(int seed) {
        byte[] bytes = new byte[32];
        bytes[31] = (byte) seed;
        return new ContentHash(bytes);
    }

    /** Replication that knows {@code statuses}, or fails on status() when null. */
    private static ReplicationService replication(List<TesseraStatus> statuses) {
        return new ReplicationService() {
            @Override
            public List<TesseraStatus> status() {
                if (statuses == null) {
                    throw new IllegalStateException("replication down");
                }
                return statuses;
            }

            @Override
            public RepairLoopStatus repairLoopStatus() {
                RepairRound last = new RepairRound(NOW.minusSeconds(7200), NOW.minusSeconds(7100), 3, 1, 0, 0, "");
                return new RepairLoopStatus(true, Duration.ofDays(1), Duration.ofHours(2), Optional.of(last),
                        NOW.minusSeconds(3600), Optional.empty());
            }

            @Override
            public Optional<TesseraStatus> status(ContentHash tesseraHash) {
                return status().stream().filter(s -> s.tesseraHash().equals(tesseraHash)).findFirst();
            }

            @Override
            public PlacementReport replicate(Path tesseraFile, ProgressListener progress) {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public RetrievalReport retrieve(ContentHash tesseraHash, Path target, ProgressListener progress) {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public HealthReport checkHealth(ContentHash tesseraHash) {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public RepairReport repair(ContentHash tesseraHash) {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public List<RepairReport> repairAll() {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public ReindexReport reindex() {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public Optional<CustodyStatus> custody(ContentHash tesseraHash) {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public RecoveryReport recover(ProgressListener progress) {
                throw new UnsupportedOperationException("the page only reads");
            }

            @Override
            public NodeStatus nodeStatus() {
                throw new UnsupportedOperationException("the page does not show it");
            }

            @Override
            public VerifyReport verify(Optional<ContentHash> tesseraHash) {
                throw new UnsupportedOperationException("the page only reads");
            }
        };
    }
}
