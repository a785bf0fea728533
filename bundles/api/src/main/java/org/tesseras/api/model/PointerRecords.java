package org.tesseras.api.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the DHT knows of a tessera: every verified {@link TesseraPointer} kept for it, one per publisher. Pointers
 * whose manifests name the same fragments form one {@link Variant}; there is normally one, but two owners may
 * have put the same bytes, and a stranger may have signed a bogus manifest for a hash it knew. Readers try the
 * variants in {@link #variants()} order and keep what rebuilds the tessera's hash.
 */
public record PointerRecords(ContentHash tesseraHash, List<TesseraPointer> records) {
    public PointerRecords {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        records = List.copyOf(Objects.requireNonNull(records, "records of " + tesseraHash));
        for (TesseraPointer record : records) {
            if (!record.tesseraHash().equals(tesseraHash)) {
                throw new IllegalArgumentException("a pointer of " + record.tesseraHash() + " among those of "
                        + tesseraHash);
            }
        }
    }

    /** The pointers whose manifests name the same fragments, and the holders they list together. */
    public record Variant(TesseraManifest manifest, List<TesseraPointer> records) {
        public Variant {
            Objects.requireNonNull(manifest, "manifest");
            records = List.copyOf(records);
        }

        /**
         * Every holder any of these pointers lists, once: what a holder says of itself wins, else the latest word
         * about it.
         */
        public List<Holder> holders() {
            Map<NodeId, Holder> merged = new LinkedHashMap<>();
            Map<NodeId, Long> saidAt = new LinkedHashMap<>();
            Map<NodeId, Boolean> bySelf = new LinkedHashMap<>();
            for (TesseraPointer record : records) {
                for (Holder holder : record.holders()) {
                    boolean self = holder.node().equals(record.publisher());
                    boolean better = !merged.containsKey(holder.node())
                            || self && !bySelf.get(holder.node())
                            || self == bySelf.get(holder.node()) && record.publishedAtMillis() > saidAt.get(holder.node());
                    if (better) {
                        merged.put(holder.node(), holder);
                        saidAt.put(holder.node(), record.publishedAtMillis());
                        bySelf.put(holder.node(), self);
                    }
                }
            }
            return List.copyOf(merged.values());
        }

        /** The owner's own pointer, if the DHT still keeps it. */
        public Optional<TesseraPointer> ownerRecord() {
            return records.stream().filter(TesseraPointer::byOwner)
                    .max(Comparator.comparingLong(TesseraPointer::publishedAtMillis));
        }

        /** When the owner last published, as far as the DHT remembers. */
        public Optional<Instant> lastHeardFromOwner() {
            return ownerRecord().map(r -> Instant.ofEpochMilli(r.publishedAtMillis()));
        }
    }

    /**
     * The variants, most credible first: one whose owner still publishes, then the one with the most holders,
     * then the most recently published.
     */
    public List<Variant> variants() {
        List<Variant> variants = new ArrayList<>();
        for (TesseraPointer record : records) {
            Variant found = null;
            for (Variant variant : variants) {
                if (variant.manifest().sameFragmentsAs(record.manifest())) {
                    found = variant;
                }
            }
            if (found == null) {
                variants.add(new Variant(record.manifest(), List.of(record)));
            } else {
                List<TesseraPointer> more = new ArrayList<>(found.records());
                more.add(record);
                TesseraManifest manifest = record.byOwner() ? record.manifest() : found.manifest();
                variants.set(variants.indexOf(found), new Variant(manifest, more));
            }
        }
        variants.sort(Comparator.comparing((Variant v) -> v.ownerRecord().isEmpty())
                .thenComparing(Comparator.comparingInt((Variant v) -> v.holders().size()).reversed())
                .thenComparing(Comparator.comparingLong((Variant v) -> v.records().stream()
                        .mapToLong(TesseraPointer::publishedAtMillis).max().orElse(0)).reversed()));
        return List.copyOf(variants);
    }

    /** The variant whose manifest names the same fragments as {@code manifest}, if any pointer has one. */
    public Optional<Variant> variantOf(TesseraManifest manifest) {
        return variants().stream().filter(v -> v.manifest().sameFragmentsAs(manifest)).findFirst();
    }
}
