package org.tesseras.dht.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.RoutingEntry;

/**
 * The addresses of the peers last in the routing table, kept in a small text file (one {@code host:port} per
 * line, freshest first), so a restarted node rejoins through them even when its configured seeds are gone. The
 * file is only ever replaced whole, and never by an empty table.
 */
final class KnownContacts {
    private static final Logger LOG = LoggerFactory.getLogger(KnownContacts.class);
    /** How many addresses are kept. */
    static final int KEPT = 64;
    private static final int MAX_LINES_READ = 1024;

    private final Optional<Path> file;

    KnownContacts(Optional<Path> file) {
        this.file = file;
    }

    /** The addresses saved last time, freshest first; none when there is no file or it cannot be read. */
    List<DhtSettings.Seed> load() {
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return List.of();
        }
        Set<DhtSettings.Seed> seeds = new LinkedHashSet<>();
        int bad = 0;
        try {
            List<String> lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
            for (String line : lines.subList(0, Math.min(lines.size(), MAX_LINES_READ))) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                try {
                    seeds.add(DhtSettings.Seed.parse(text));
                } catch (IllegalArgumentException e) {
                    bad++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the known contacts in {}: {}; joining through the configured seeds only",
                    file.get(), e.toString());
            return List.of();
        }
        if (bad > 0) {
            LOG.warn("{} line(s) of {} are not host:port and were skipped", bad, file.get());
        }
        return List.copyOf(seeds).subList(0, Math.min(seeds.size(), KEPT));
    }

    /** Replaces the file with the freshest addresses of {@code table}; keeps the old file when the table is empty. */
    void save(List<RoutingEntry> table) {
        if (file.isEmpty() || table.isEmpty()) {
            return;
        }
        List<RoutingEntry> freshest = new ArrayList<>(table);
        freshest.sort(Comparator.comparing(RoutingEntry::lastSeen).reversed());
        StringBuilder text = new StringBuilder("# peers last in this node's routing table, freshest first\n");
        Set<String> written = new LinkedHashSet<>();
        for (RoutingEntry entry : freshest) {
            if (entry.node().address().isUnresolved() || entry.node().address().getAddress() == null) {
                continue;
            }
            String address = new DhtSettings.Seed(entry.node().address().getAddress().getHostAddress(),
                    entry.node().address().getPort()).toString();
            if (written.add(address)) {
                text.append(address).append('\n');
            }
            if (written.size() == KEPT) {
                break;
            }
        }
        Path target = file.get();
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path temp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Cannot save the known contacts to {}: {}", target, e.toString());
        }
    }
}
