package org.tesseras.dht.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.PeerListener;
import org.tesseras.api.port.RequestHandler;

/**
 * The answering side of the DHT: Ping, FindNode, FindValue and Store from the node's own state, and every peer the
 * transport heard from recorded in the routing table. It needs no transport, so the transport hands it traffic
 * without a service cycle.
 */
@Component(service = {RequestHandler.class, PeerListener.class}, property = {RequestHandler.KINDS + "=Ping",
        RequestHandler.KINDS + "=FindNode", RequestHandler.KINDS + "=FindValue", RequestHandler.KINDS + "=Store",
        RequestHandler.KINDS + "=FindCatalogue", RequestHandler.KINDS + "=StoreCatalogue"})
public final class DhtResponder implements RequestHandler, PeerListener {
    private static final Logger LOG = LoggerFactory.getLogger(DhtResponder.class);
    /** The request kinds it answers, as its service properties list them. */
    public static final List<String> KINDS = List.of("Ping", "FindNode", "FindValue", "Store", "FindCatalogue",
            "StoreCatalogue");
    /** How far in the future a pointer's publication time may lie before a Store is refused. */
    static final long MAX_CLOCK_SKEW_MILLIS = 10 * 60 * 1000L;
    /** How many bytes of pointers one FoundValue carries at most, well under the 64 KiB message cap. */
    static final int REPLY_BUDGET_BYTES = 48 * 1024;

    private final KademliaNode node;

    @Activate
    public DhtResponder(@Reference KademliaNode node) {
        this.node = node;
    }

    @Override
    public void peerSeen(NodeInfo peer) {
        node.observe(peer);
    }

    @Override
    public Message answer(NodeInfo sender, Message request) {
        try {
            if (sender == null || request == null) {
                return error(ErrorCode.BAD_FRAME, "a request needs a sender and a message");
            }
            if (!node.authentic(sender)) {
                LOG.debug("Refused {} from {}: its NodeInfo fails proof-of-work", request.kind(), sender);
                return error(ErrorCode.REFUSED, "node id " + sender.id()
                        + " does not derive from its key and nonce with the required proof-of-work");
            }
            int k = node.settings().k();
            if (request instanceof Message.Ping) {
                return new Message.Pong();
            }
            if (request instanceof Message.FindNode find) {
                return new Message.FoundNodes(node.table().closest(find.target(), k, sender.id()));
            }
            if (request instanceof Message.FindValue find) {
                List<TesseraPointer> pointers = node.pointers().get(find.tesseraHash(), node.now());
                if (!pointers.isEmpty()) {
                    return new Message.FoundValue(withinFrame(pointers));
                }
                return new Message.FoundNodes(node.table().closest(find.tesseraHash().dhtKey(), k, sender.id()));
            }
            if (request instanceof Message.Store store) {
                return keep(store.pointer());
            }
            if (request instanceof Message.FindCatalogue find) {
                Optional<CataloguePage> page = node.catalogues().get(find.owner(), find.page(), node.now());
                if (page.isPresent()) {
                    return new Message.FoundCatalogue(page.get());
                }
                return new Message.FoundNodes(node.table().closest(find.owner(), k, sender.id()));
            }
            if (request instanceof Message.StoreCatalogue store) {
                return keep(store.page());
            }
            return error(ErrorCode.UNKNOWN_TYPE, request.kind() + " is not a request the DHT answers");
        } catch (RuntimeException e) {
            LOG.warn("Failed to answer {} from {}: {}", request == null ? "?" : request.kind(),
                    sender == null ? "?" : sender.id(), e.toString());
            return error(ErrorCode.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Keeps a pointer for its time to live when it verifies (manifest, publisher's id, signature, and a publisher
     * that is the owner or a holder), is not from the future, and its publisher has no newer one kept here.
     */
    Message keep(TesseraPointer pointer) {
        long now = node.now();
        Optional<String> fault = node.verifier().pointerFault(pointer);
        if (fault.isPresent()) {
            LOG.info("Refused a pointer of {} from publisher {}: {}", pointer.tesseraHash(), pointer.publisher(),
                    fault.get());
            return error(ErrorCode.REFUSED, "the pointer of " + pointer.tesseraHash() + " is refused: " + fault.get());
        }
        if (pointer.publishedAtMillis() > now + MAX_CLOCK_SKEW_MILLIS) {
            return error(ErrorCode.REFUSED, "the pointer of " + pointer.tesseraHash() + " claims publication at "
                    + pointer.publishedAtMillis() + ", in the future");
        }
        switch (node.pointers().put(pointer, now, now + node.settings().pointerTtlMillis())) {
            case STORED:
                return new Message.Stored();
            case NEWER_KEPT:
                return error(ErrorCode.REFUSED, "node " + node.self() + " keeps a newer pointer of "
                        + pointer.tesseraHash() + " by publisher " + pointer.publisher());
            case FULL:
            default:
                return error(ErrorCode.REFUSED, "node " + node.self() + " keeps as many pointers as it takes, each"
                        + " at least as strong as this one");
        }
    }

    /** Keeps a catalogue page when its owner signed it and it is not from the future. */
    Message keep(CataloguePage page) {
        long now = node.now();
        Optional<String> fault = node.verifier().catalogueFault(page);
        if (fault.isPresent()) {
            return error(ErrorCode.REFUSED, "the catalogue page of " + page.owner() + " is refused: " + fault.get());
        }
        if (page.publishedAtMillis() > now + MAX_CLOCK_SKEW_MILLIS) {
            return error(ErrorCode.REFUSED, "the catalogue page of " + page.owner() + " claims publication at "
                    + page.publishedAtMillis() + ", in the future");
        }
        if (node.catalogues().put(page, now, now + node.settings().catalogueTtlMillis()) == PointerStore.Outcome.FULL) {
            return error(ErrorCode.REFUSED, "node " + node.self() + " keeps as many catalogue pages as it takes");
        }
        return new Message.Stored();
    }

    /** The strongest pointers that fit in one reply (the frame cap is 64 KiB), at least the first. */
    static List<TesseraPointer> withinFrame(List<TesseraPointer> strongestFirst) {
        List<TesseraPointer> chosen = new ArrayList<>();
        int bytes = 0;
        for (TesseraPointer pointer : strongestFirst) {
            int size = pointer.manifest().encode().length + pointer.holders().size() * 64 + 256;
            if (!chosen.isEmpty() && bytes + size > REPLY_BUDGET_BYTES) {
                break;
            }
            chosen.add(pointer);
            bytes += size;
        }
        return chosen;
    }

    private static Message error(ErrorCode code, String reason) {
        return new Message.ErrorReply(code, reason);
    }
}
