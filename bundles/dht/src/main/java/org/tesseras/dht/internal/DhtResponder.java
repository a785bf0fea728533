package org.tesseras.dht.internal;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
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
        RequestHandler.KINDS + "=FindNode", RequestHandler.KINDS + "=FindValue", RequestHandler.KINDS + "=Store"})
public final class DhtResponder implements RequestHandler, PeerListener {
    private static final Logger LOG = LoggerFactory.getLogger(DhtResponder.class);
    /** The request kinds it answers, as its service properties list them. */
    public static final List<String> KINDS = List.of("Ping", "FindNode", "FindValue", "Store");
    /** How far in the future a pointer's publication time may lie before a Store is refused. */
    static final long MAX_CLOCK_SKEW_MILLIS = 10 * 60 * 1000L;

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
                Optional<TesseraPointer> pointer = node.pointers().get(find.tesseraHash(), node.now());
                if (pointer.isPresent()) {
                    return new Message.FoundValue(pointer.get());
                }
                return new Message.FoundNodes(node.table().closest(find.tesseraHash().dhtKey(), k, sender.id()));
            }
            if (request instanceof Message.Store store) {
                return keep(store.pointer());
            }
            return error(ErrorCode.UNKNOWN_TYPE, request.kind() + " is not a request the DHT answers");
        } catch (RuntimeException e) {
            LOG.warn("Failed to answer {} from {}: {}", request == null ? "?" : request.kind(),
                    sender == null ? "?" : sender.id(), e.toString());
            return error(ErrorCode.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Keeps a pointer for its time to live, unless it claims to come from the future or a newer one is kept. */
    Message keep(TesseraPointer pointer) {
        long now = node.now();
        if (pointer.publishedAtMillis() > now + MAX_CLOCK_SKEW_MILLIS) {
            return error(ErrorCode.REFUSED, "the pointer of " + pointer.tesseraHash() + " claims publication at "
                    + pointer.publishedAtMillis() + ", in the future");
        }
        switch (node.pointers().put(pointer, now, now + node.settings().pointerTtlMillis())) {
            case STORED:
                return new Message.Stored();
            case NEWER_KEPT:
                return error(ErrorCode.REFUSED, "node " + node.self() + " keeps a newer pointer of "
                        + pointer.tesseraHash());
            case FULL:
            default:
                return error(ErrorCode.REFUSED, "the pointer store of node " + node.self() + " is full of nearer keys");
        }
    }

    private static Message error(ErrorCode code, String reason) {
        return new Message.ErrorReply(code, reason);
    }
}
