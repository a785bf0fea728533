package org.tesseras.api.message;

import java.util.List;
import java.util.Objects;

import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.TesseraPointer;

/**
 * The control messages nodes exchange (each at most 64 KiB on the wire). Fragment bytes never travel
 * in a message; they are streamed by the transport.
 */
public sealed interface Message {

    /** The kind of this message, its record's simple name ({@code Ping}, {@code FindNode}, ...), as handlers list it. */
    default String kind() {
        return getClass().getSimpleName();
    }

    /** Are you there? Answered with {@link Pong}. */
    record Ping() implements Message {
    }

    /** I am here. */
    record Pong() implements Message {
    }

    /** Which nodes do you know closest to {@code target}? Answered with {@link FoundNodes}. */
    record FindNode(NodeId target) implements Message {
        public FindNode {
            Objects.requireNonNull(target, "target");
        }
    }

    /** The closest nodes the responder knows. */
    record FoundNodes(List<NodeInfo> nodes) implements Message {
        public FoundNodes {
            nodes = List.copyOf(nodes);
        }
    }

    /** Do you hold the pointer of {@code tesseraHash}? Answered with {@link FoundValue} or {@link FoundNodes}. */
    record FindValue(ContentHash tesseraHash) implements Message {
        public FindValue {
            Objects.requireNonNull(tesseraHash, "tessera hash");
        }
    }

    /** The pointers kept for the tessera asked for, one per publisher (at least one). */
    record FoundValue(List<TesseraPointer> pointers) implements Message {
        public FoundValue {
            pointers = List.copyOf(pointers);
            if (pointers.isEmpty()) {
                throw new IllegalArgumentException("a found value holds at least one pointer");
            }
        }
    }

    /** Keep this pointer (for its time to live). Answered with {@link Stored}. */
    record Store(TesseraPointer pointer) implements Message {
        public Store {
            Objects.requireNonNull(pointer, "pointer");
        }
    }

    /** The pointer (or catalogue page) is kept. */
    record Stored() implements Message {
    }

    /**
     * Do you keep page {@code page} of {@code owner}'s catalogue? Answered with {@link FoundCatalogue} or, like
     * {@link FindNode} of the owner's id, {@link FoundNodes}.
     */
    record FindCatalogue(NodeId owner, int page) implements Message {
        public FindCatalogue {
            Objects.requireNonNull(owner, "owner");
            if (page < 0) {
                throw new IllegalArgumentException("catalogue page must be >= 0, got " + page);
            }
        }
    }

    /** The catalogue page asked for. */
    record FoundCatalogue(CataloguePage page) implements Message {
        public FoundCatalogue {
            Objects.requireNonNull(page, "page");
        }
    }

    /** Keep this page of its owner's catalogue (and republish it). Answered with {@link Stored}. */
    record StoreCatalogue(CataloguePage page) implements Message {
        public StoreCatalogue {
            Objects.requireNonNull(page, "page");
        }
    }

    /** Prove you hold fragments of {@code tesseraHash}, keyed with {@code nonce}. */
    record AttestRequest(ContentHash tesseraHash, byte[] nonce) implements Message {
        public AttestRequest {
            Objects.requireNonNull(tesseraHash, "tessera hash");
            if (nonce == null || nonce.length != Attestation.NONCE_LENGTH) {
                throw new IllegalArgumentException("attestation nonce for " + tesseraHash + " must be "
                        + Attestation.NONCE_LENGTH + " bytes");
            }
            nonce = nonce.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof AttestRequest that && tesseraHash.equals(that.tesseraHash)
                    && java.util.Arrays.equals(nonce, that.nonce);
        }

        @Override
        public int hashCode() {
            return tesseraHash.hashCode() * 31 + java.util.Arrays.hashCode(nonce);
        }
    }

    /** The signed proof of possession. */
    record AttestResponse(Attestation attestation) implements Message {
        public AttestResponse {
            Objects.requireNonNull(attestation, "attestation");
        }
    }

    /** A request could not be served; {@code reason} says why in words. */
    record ErrorReply(ErrorCode code, String reason) implements Message {
        public ErrorReply {
            Objects.requireNonNull(code, "error code");
            reason = reason == null ? "" : reason;
        }
    }
}
