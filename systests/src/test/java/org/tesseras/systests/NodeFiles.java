package org.tesseras.systests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files a node of a system test keeps under its Karaf home, read (or damaged) from outside the node. */
public final class NodeFiles {
    private static final Pattern SHARD_FILE = Pattern.compile("(\\d{3})\\.shard");

    private final Path home;

    NodeFiles(Path home) {
        this.home = home;
    }

    /** {@code data/tesseras}: identity.key, db/, fragments/{hash}/{index:03}.shard, blobs/{hash}. */
    public Path dataDirectory() {
        return home.resolve("data/tesseras");
    }

    /** {@code data/tesseras/fragments/{hash}}, where the node keeps the fragments of one tessera. */
    public Path fragmentsDirectory(String tesseraHash) {
        return dataDirectory().resolve("fragments").resolve(tesseraHash);
    }

    /** The file of fragment {@code index} of a tessera ({@code {index:03}.shard}), whether it exists or not. */
    public Path shardFile(String tesseraHash, int index) {
        return fragmentsDirectory(tesseraHash).resolve(String.format("%03d.shard", index));
    }

    /** The indices of the fragments of a tessera this node has as files. */
    public SortedSet<Integer> shardIndices(String tesseraHash) throws IOException {
        SortedSet<Integer> indices = new TreeSet<>();
        Path directory = fragmentsDirectory(tesseraHash);
        if (!Files.isDirectory(directory)) {
            return indices;
        }
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(file -> {
                Matcher matcher = SHARD_FILE.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    indices.add(Integer.parseInt(matcher.group(1)));
                }
            });
        }
        return indices;
    }

    /** The tesseras this node has a fragments directory for. */
    public List<String> tesserasWithFragments() throws IOException {
        Path fragments = dataDirectory().resolve("fragments");
        if (!Files.isDirectory(fragments)) {
            return List.of();
        }
        try (Stream<Path> directories = Files.list(fragments)) {
            return directories.filter(Files::isDirectory).map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f]{64}")).sorted().toList();
        }
    }

    /** The tesseras this node keeps whole ({@code blobs/{hash}}). */
    public List<String> keptTesseras() throws IOException {
        Path blobs = dataDirectory().resolve("blobs");
        if (!Files.isDirectory(blobs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(blobs)) {
            return files.filter(Files::isRegularFile).map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f]{64}")).sorted().toList();
        }
    }

    /** Files being written ({@code *.tmp}) under {@code fragments/} and {@code blobs/}. */
    public List<Path> temporaryFiles() throws IOException {
        List<Path> temporary = new ArrayList<>();
        for (String area : List.of("fragments", "blobs")) {
            Path root = dataDirectory().resolve(area);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(file -> file.getFileName().toString().endsWith(".tmp")).forEach(temporary::add);
            } catch (UncheckedIOException e) {
                // a file vanished during the walk (the node renamed it); the caller polls again
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
            }
        }
        return temporary;
    }

    /** Flips the lowest bit of the byte at {@code position} of this node's shard file {@code index} of a tessera. */
    public void flipBitOfShard(String tesseraHash, int index, long position) throws IOException {
        TestData.flipBit(shardFile(tesseraHash, index), position);
    }
}
