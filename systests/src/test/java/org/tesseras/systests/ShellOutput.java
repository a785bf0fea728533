package org.tesseras.systests;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what the {@code tesseras} shell commands print (tables of Karaf's ShellTable and one-line reports). */
public final class ShellOutput {
    private static final Pattern NODE_ID = Pattern.compile("^\\s*NodeId\\s*\\|\\s*([0-9a-f]{40})\\s*$",
            Pattern.MULTILINE);
    private static final Pattern TRANSPORT_ADDRESS = Pattern.compile("^\\s*Peers reach it at\\s*\\|\\s*(\\S+:\\d+)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern PEER_ROW = Pattern.compile("^\\s*([0-9a-f]{40})\\s*\\|", Pattern.MULTILINE);
    private static final Pattern TESSERA = Pattern.compile("^Tessera ([0-9a-f]{64})\\s*$", Pattern.MULTILINE);
    private static final Pattern PLACED = Pattern.compile("placed (\\d+) of (\\d+) fragments on (\\d+) peers");
    private static final Pattern INCOMPLETE = Pattern.compile("^(INCOMPLETE: .*?)\\s*$", Pattern.MULTILINE);
    private static final Pattern VERIFIED = Pattern.compile(
            "Verified (\\d+) fragment\\(s\\) of (\\d+) tessera\\(s\\): (\\d+) good, (\\d+) corrupt, (\\d+) missing");

    private ShellOutput() {
    }

    /** What {@code tesseras:verify} counted. */
    public record VerifyCounts(int fragments, int tesseras, int good, int corrupt, int missing) {
    }

    /** How many fragments {@code tesseras:put} placed, of how many, on how many peers. */
    public record Placement(int placed, int wanted, int peers) {
    }

    /** The NodeId in the output of {@code tesseras:node}. */
    public static Optional<String> nodeId(String nodeOutput) {
        return first(NODE_ID, nodeOutput);
    }

    /** The host:port peers reach the node at, from {@code tesseras:node}; empty while no transport runs. */
    public static Optional<String> transportAddress(String nodeOutput) {
        return first(TRANSPORT_ADDRESS, nodeOutput);
    }

    /** The NodeIds listed by {@code tesseras:peers}, in its order. */
    public static List<String> peerIds(String peersOutput) {
        List<String> ids = new ArrayList<>();
        Matcher matcher = PEER_ROW.matcher(peersOutput);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    /** The tessera hash {@code tesseras:put} reports; fails when the output has none. */
    public static String tesseraHash(String putOutput) {
        return first(TESSERA, putOutput)
                .orElseThrow(() -> new AssertionError("no 'Tessera <hash>' line in the put's output:\n" + putOutput));
    }

    /** The "placed N of M fragments on P peers" line of {@code tesseras:put}. */
    public static Placement placement(String putOutput) {
        Matcher matcher = PLACED.matcher(putOutput);
        if (!matcher.find()) {
            throw new AssertionError("no 'placed N of M fragments' line in the put's output:\n" + putOutput);
        }
        return new Placement(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)));
    }

    /**
     * The last line of a {@code tesseras:put} that kept the tessera but did not place every fragment (its exit status
     * is 1); empty for a put that placed them all, or failed before it had a tessera.
     */
    public static Optional<String> incomplete(String putText) {
        return first(INCOMPLETE, putText);
    }

    /** The counts of {@code tesseras:verify}; fails when the output has none. */
    public static VerifyCounts verifyCounts(String verifyOutput) {
        Matcher matcher = VERIFIED.matcher(verifyOutput);
        if (!matcher.find()) {
            throw new AssertionError("no 'Verified ...' line in the verify's output:\n" + verifyOutput);
        }
        return new VerifyCounts(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)), Integer.parseInt(matcher.group(4)),
                Integer.parseInt(matcher.group(5)));
    }

    /** The fragment indices of {@code tesseraHash} that {@code tesseras:fragments} lists. */
    public static SortedSet<Integer> fragmentIndices(String fragmentsOutput, String tesseraHash) {
        Pattern row = Pattern.compile("^\\s*" + Pattern.quote(tesseraHash) + "\\s*\\|\\s*(\\d+)\\s*\\|", Pattern.MULTILINE);
        SortedSet<Integer> indices = new TreeSet<>();
        Matcher matcher = row.matcher(fragmentsOutput);
        while (matcher.find()) {
            indices.add(Integer.parseInt(matcher.group(1)));
        }
        return indices;
    }

    private static Optional<String> first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
