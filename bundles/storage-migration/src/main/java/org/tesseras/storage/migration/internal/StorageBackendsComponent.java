package org.tesseras.storage.migration.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.BackendStatus;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.MigrationReport;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.StorageBackend;
import org.tesseras.api.port.StorageBackends;

/**
 * The node's storage backends as they come and go (a backend's bundle dropped into {@code deploy/}, or stopped),
 * and migrations between them, one at a time. A migration under way is noted in the bundle's data area before it
 * starts and forgotten once it is complete, so one that a crash or a vanished backend interrupted resumes by
 * itself as soon as both backends are present again. After a complete migration the source is looked at again
 * {@link #FOLLOW_UPS later}: work that took the old stores before the switch (a put encoding a large tessera, a
 * fragment being received) can still write there once the migration has emptied it, and what it wrote is moved by
 * running the migration again.
 */
@Component(service = StorageBackends.class, immediate = true)
public final class StorageBackendsComponent implements StorageBackends {
    static final String JOURNAL_FILE = "migration-under-way";
    /** Beside the journal: the last complete migration, whose source is looked at again after a restart too. */
    static final String LAST_COMPLETE_FILE = "last-complete-migration";
    /**
     * When, after a complete migration, the emptied source is looked at again for late writes: longer than a put,
     * a repair round or a fragment transfer that began before the switch can take.
     */
    static final List<Duration> FOLLOW_UPS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(10),
            Duration.ofHours(1), Duration.ofHours(6));
    private static final Logger LOG = LoggerFactory.getLogger(StorageBackendsComponent.class);

    private final Map<String, StorageBackend> backends = new ConcurrentHashMap<>();
    private final AtomicReference<String> running = new AtomicReference<>();
    private volatile Path journal;
    private volatile Duration settle = Duration.ofSeconds(2);
    private volatile List<Duration> followUps = FOLLOW_UPS;
    private volatile ScheduledExecutorService resumer;

    /** Takes a backend that appeared; resumes a migration that waited for it. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBackend(StorageBackend backend) {
        StorageBackend previous = backends.put(backend.name(), backend);
        if (previous != null && previous != backend) {
            LOG.warn("Two storage backends are named {}: {} replaces {}", backend.name(), backend.location(),
                    previous.location());
        }
        resumeWhenReady();
    }

    /** Drops a backend that went away; a migration using it fails on its next call. */
    void removeBackend(StorageBackend backend) {
        backends.remove(backend.name(), backend);
    }

    @Activate
    void activate(BundleContext context) {
        start(context.getDataFile(JOURNAL_FILE).toPath(), Duration.ofSeconds(2));
    }

    /** Starts with the journal at {@code journalFile} (also the entry point of tests). */
    void start(Path journalFile, Duration settleTime) {
        this.journal = journalFile;
        this.settle = settleTime;
        this.resumer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tesseras-storage-migration");
            thread.setDaemon(true);
            return thread;
        });
        resumeWhenReady();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        ScheduledExecutorService executor = resumer;
        resumer = null;
        if (executor != null) {
            executor.shutdownNow();
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("A resumed storage migration did not stop within 30 s");
            }
        }
    }

    @Override
    public List<BackendStatus> backends() {
        List<StorageBackend> present = byRank();
        List<BackendStatus> statuses = new ArrayList<>();
        for (StorageBackend backend : present) {
            statuses.add(status(backend, backend == present.get(0)));
        }
        return statuses;
    }

    @Override
    public MigrationReport migrate(String from, String to, ProgressListener progress) throws IOException {
        if (from.equals(to)) {
            throw new IllegalArgumentException("a migration needs two different backends, got " + from + " twice");
        }
        StorageBackend source = present(from);
        StorageBackend target = present(to);
        String what = from + " -> " + to;
        if (!running.compareAndSet(null, what)) {
            throw new IllegalStateException("a storage migration (" + running.get()
                    + ") is under way; wait for it to finish");
        }
        try {
            note(Optional.of(from + " " + to));
            int rankAbove = backends.values().stream().filter(b -> b != target).mapToInt(StorageBackend::rank)
                    .max().orElse(Integer.MIN_VALUE + 1);
            MigrationReport report = new BackendMigration(source, target, rankAbove, settle, progress).run();
            if (report.complete()) {
                note(Optional.empty());
                noteComplete(from, to);
                lookAgainLater(from, to);
            }
            return report;
        } finally {
            running.set(null);
        }
    }

    /** Sets when a complete migration's source is looked at again (tests: short delays); at least one. */
    void followUps(List<Duration> delays) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("a complete migration's source is looked at again at least once");
        }
        this.followUps = List.copyOf(delays);
    }

    private void lookAgainLater(String from, String to) {
        ScheduledExecutorService executor = resumer;
        if (executor == null) {
            return;
        }
        for (Duration delay : followUps) {
            executor.schedule(() -> moveLateWrites(from, to), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs the migration {@code from -> to} again if {@code from}, emptied by it, holds something again and
     * {@code to} is still the active backend; nothing while another migration runs (it copies what it finds).
     */
    private void moveLateWrites(String from, String to) {
        StorageBackend source = backends.get(from);
        StorageBackend target = backends.get(to);
        if (source == null || target == null || running.get() != null || byRank().get(0) != target) {
            return;
        }
        int tesseras;
        int blobs;
        try {
            tesseras = source.fragments().listTesseras().size();
            blobs = source.blobs().list().size();
        } catch (RuntimeException e) {
            LOG.warn("Could not look at storage backend {} after its migration to {}: {}", from, to, e.getMessage());
            return;
        }
        if (tesseras == 0 && blobs == 0) {
            return;
        }
        LOG.warn("Storage backend {} holds {} tesseras' fragments and {} whole tesseras written after its migration"
                + " to {} (by work that took its stores before the switch): migrating them too", from, tesseras,
                blobs, to);
        try {
            MigrationReport report = migrate(from, to, ProgressListener.NONE);
            LOG.info("Late writes to {} moved to {}: {}", from, to, report.complete() ? "complete" : "left items: "
                    + report.kept());
        } catch (IllegalStateException underWay) {
            // an operator started one meanwhile
        } catch (IOException | RuntimeException e) {
            LOG.error("Moving the late writes of {} to {} failed: {}; run tesseras:storage migrate {} {}", from, to,
                    e.getMessage(), from, to);
        }
    }

    /** The migration noted as under way, as {from, to}, or empty. */
    Optional<String[]> underWay() throws IOException {
        return journal == null ? Optional.empty() : read(journal);
    }

    /** The last complete migration, as {from, to}, or empty (also when its note cannot be read: said so). */
    private Optional<String[]> lastComplete() {
        if (journal == null) {
            return Optional.empty();
        }
        Path file = journal.resolveSibling(LAST_COMPLETE_FILE);
        try {
            return read(file);
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}; the last migration's source is not looked at again", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<String[]> read(Path file) throws IOException {
        try {
            String[] names = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ");
            return names.length == 2 ? Optional.of(names) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private void resumeWhenReady() {
        ScheduledExecutorService executor = resumer;
        if (executor == null) {
            return;
        }
        Optional<String[]> pending;
        try {
            pending = underWay();
        } catch (IOException e) {
            LOG.error("Cannot read the storage migration journal {}: {}", journal, e.getMessage());
            return;
        }
        if (pending.isEmpty()) {
            lastComplete().filter(names -> backends.containsKey(names[0]) && backends.containsKey(names[1]))
                    .ifPresent(names -> executor.schedule(() -> moveLateWrites(names[0], names[1]),
                            followUps.get(0).toMillis(), TimeUnit.MILLISECONDS));
            return;
        }
        if (running.get() != null) {
            return;
        }
        String from = pending.get()[0];
        String to = pending.get()[1];
        if (!backends.containsKey(from) || !backends.containsKey(to)) {
            LOG.info("A storage migration {} -> {} waits for both backends to be present", from, to);
            return;
        }
        executor.execute(() -> {
            try {
                LOG.info("Resuming the interrupted storage migration {} -> {}", from, to);
                MigrationReport report = migrate(from, to, ProgressListener.NONE);
                LOG.info("Resumed storage migration {} -> {} {}", from, to,
                        report.complete() ? "is complete" : "left items: " + report.kept());
            } catch (IllegalStateException underWay) {
                // started meanwhile by an operator
            } catch (IOException | RuntimeException e) {
                LOG.error("The resumed storage migration {} -> {} failed: {}", from, to, e.getMessage());
            }
        });
    }

    private void note(Optional<String> migration) throws IOException {
        Path file = journal;
        if (file == null) {
            return;
        }
        if (migration.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        write(file, migration.get());
    }

    /** Notes {@code from -> to} as the last complete migration; a failure to note it is said, not thrown. */
    private void noteComplete(String from, String to) {
        Path file = journal;
        if (file == null) {
            return;
        }
        try {
            write(file.resolveSibling(LAST_COMPLETE_FILE), from + " " + to);
        } catch (IOException e) {
            LOG.warn("Cannot note the migration {} -> {} as complete: {}; after a restart its source is not looked"
                    + " at again", from, to, e.getMessage());
        }
    }

    private static void write(Path file, String line) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, line + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private StorageBackend present(String name) throws IOException {
        StorageBackend backend = backends.get(name);
        if (backend == null) {
            throw new IOException("no storage backend named '" + name + "' is present (present: "
                    + String.join(", ", backends.keySet().stream().sorted().toList())
                    + "); install its feature or drop its bundle into deploy/, and configure it");
        }
        return backend;
    }

    private List<StorageBackend> byRank() {
        List<StorageBackend> present = new ArrayList<>(backends.values());
        present.sort(Comparator.comparingInt((StorageBackend b) -> b.rank()).reversed()
                .thenComparing(StorageBackend::name));
        return present;
    }

    /** A backend's usage; counts it cannot read (a backend failing) are -1. */
    private static BackendStatus status(StorageBackend backend, boolean active) {
        long tesseras = -1;
        long fragments = -1;
        long fragmentBytes = -1;
        long free = -1;
        long blobs = -1;
        long blobBytes = -1;
        try {
            tesseras = backend.fragments().listTesseras().size();
            StorageUsage usage = backend.fragments().usage();
            fragments = usage.fragmentCount();
            fragmentBytes = usage.usedBytes();
            free = usage.freeBytes();
            List<ContentHash> held = backend.blobs().list();
            blobs = held.size();
            blobBytes = held.stream().mapToLong(h -> backend.blobs().size(h).orElse(0)).sum();
        } catch (RuntimeException e) {
            LOG.warn("Storage backend {} did not tell its usage: {}", backend.name(), e.getMessage());
        }
        return new BackendStatus(backend.name(), backend.location(), backend.rank(), active, tesseras, fragments,
                fragmentBytes, blobs, blobBytes, free);
    }
}
