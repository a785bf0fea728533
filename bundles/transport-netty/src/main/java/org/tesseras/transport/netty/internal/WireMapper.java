package org.tesseras.transport.netty.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;

/**
 * The one place API records become protobuf and back. Decoding checks everything a peer sent through
 * the records' own validation and reports any fault as a {@link WireFormatException}; it never looks
 * up a host name.
 */
final class WireMapper {
    /** Most capabilities a node may announce, and the longest one. */
    static final int MAX_CAPABILITIES = 32;
    static final int MAX_CAPABILITY_CHARS = 64;

    private WireMapper() {
    }

    // ---- messages ----

    /** The envelope body for {@code message}; version and request id are set by the caller. */
    static Wire.Envelope.Builder toWire(Message message) {
        Wire.Envelope.Builder envelope = Wire.Envelope.newBuilder();
        if (message instanceof Message.Ping) {
            envelope.setPing(Wire.Ping.getDefaultInstance());
        } else if (message instanceof Message.Pong) {
            envelope.setPong(Wire.Pong.getDefaultInstance());
        } else if (message instanceof Message.FindNode m) {
            envelope.setFindNode(Wire.FindNode.newBuilder().setTarget(bytes(m.target().bytes())));
        } else if (message instanceof Message.FoundNodes m) {
            Wire.FoundNodes.Builder nodes = Wire.FoundNodes.newBuilder();
            m.nodes().forEach(node -> nodes.addNodes(nodeInfo(node)));
            envelope.setFoundNodes(nodes);
        } else if (message instanceof Message.FindValue m) {
            envelope.setFindValue(Wire.FindValue.newBuilder().setTesseraHash(bytes(m.tesseraHash().bytes())));
        } else if (message instanceof Message.FoundValue m) {
            Wire.FoundValue.Builder found = Wire.FoundValue.newBuilder();
            m.pointers().forEach(pointer -> found.addPointers(pointer(pointer)));
            envelope.setFoundValue(found);
        } else if (message instanceof Message.Store m) {
            envelope.setStore(Wire.Store.newBuilder().setPointer(pointer(m.pointer())));
        } else if (message instanceof Message.Stored) {
            envelope.setStored(Wire.Stored.getDefaultInstance());
        } else if (message instanceof Message.FindCatalogue m) {
            envelope.setFindCatalogue(Wire.FindCatalogue.newBuilder().setOwner(bytes(m.owner().bytes()))
                    .setPage(m.page()));
        } else if (message instanceof Message.FoundCatalogue m) {
            envelope.setFoundCatalogue(Wire.FoundCatalogue.newBuilder().setPage(cataloguePage(m.page())));
        } else if (message instanceof Message.StoreCatalogue m) {
            envelope.setStoreCatalogue(Wire.StoreCatalogue.newBuilder().setPage(cataloguePage(m.page())));
        } else if (message instanceof Message.AttestRequest m) {
            envelope.setAttestRequest(Wire.AttestRequest.newBuilder()
                    .setTesseraHash(bytes(m.tesseraHash().bytes())).setNonce(bytes(m.nonce())));
        } else if (message instanceof Message.AttestResponse m) {
            envelope.setAttestResponse(Wire.AttestResponse.newBuilder().setAttestation(attestation(m.attestation())));
        } else if (message instanceof Message.ErrorReply m) {
            envelope.setError(error(m.code(), m.reason()));
        } else {
            throw new IllegalArgumentException("no wire form for " + message.getClass().getName());
        }
        return envelope;
    }

    /** Whether {@code envelope} carries a control message (as opposed to Hello or fragment stream frames). */
    static boolean isMessage(Wire.Envelope envelope) {
        return switch (envelope.getBodyCase()) {
            case PING, PONG, FIND_NODE, FOUND_NODES, FIND_VALUE, FOUND_VALUE, STORE, STORED, ATTEST_REQUEST,
                    ATTEST_RESPONSE, ERROR, FIND_CATALOGUE, FOUND_CATALOGUE, STORE_CATALOGUE -> true;
            default -> false;
        };
    }

    /** The control message {@code envelope} carries. */
    static Message fromWire(Wire.Envelope envelope) throws WireFormatException {
        try {
            return switch (envelope.getBodyCase()) {
                case PING -> new Message.Ping();
                case PONG -> new Message.Pong();
                case FIND_NODE -> new Message.FindNode(nodeId(envelope.getFindNode().getTarget()));
                case FOUND_NODES -> {
                    List<NodeInfo> nodes = new ArrayList<>(envelope.getFoundNodes().getNodesCount());
                    for (Wire.NodeInfo node : envelope.getFoundNodes().getNodesList()) {
                        nodes.add(nodeInfo(node));
                    }
                    yield new Message.FoundNodes(nodes);
                }
                case FIND_VALUE -> new Message.FindValue(contentHash(envelope.getFindValue().getTesseraHash()));
                case FOUND_VALUE -> {
                    List<TesseraPointer> pointers = new ArrayList<>(envelope.getFoundValue().getPointersCount());
                    for (Wire.TesseraPointer pointer : envelope.getFoundValue().getPointersList()) {
                        pointers.add(pointer(pointer));
                    }
                    yield new Message.FoundValue(pointers);
                }
                case STORE -> new Message.Store(pointer(envelope.getStore().getPointer()));
                case STORED -> new Message.Stored();
                case FIND_CATALOGUE -> new Message.FindCatalogue(nodeId(envelope.getFindCatalogue().getOwner()),
                        envelope.getFindCatalogue().getPage());
                case FOUND_CATALOGUE -> new Message.FoundCatalogue(
                        cataloguePage(envelope.getFoundCatalogue().getPage()));
                case STORE_CATALOGUE -> new Message.StoreCatalogue(
                        cataloguePage(envelope.getStoreCatalogue().getPage()));
                case ATTEST_REQUEST -> new Message.AttestRequest(
                        contentHash(envelope.getAttestRequest().getTesseraHash()),
                        envelope.getAttestRequest().getNonce().toByteArray());
                case ATTEST_RESPONSE -> new Message.AttestResponse(
                        attestation(envelope.getAttestResponse().getAttestation()));
                case ERROR -> new Message.ErrorReply(errorCode(envelope.getError().getCode()),
                        envelope.getError().getReason());
                default -> throw new WireFormatException(ErrorCode.UNKNOWN_TYPE,
                        envelope.getBodyCase() + " is not a control message");
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid(envelope.getBodyCase(), e);
        }
    }

    // ---- errors ----

    static Wire.Error error(ErrorCode code, String reason) {
        return Wire.Error.newBuilder().setCode(errorCode(code)).setReason(reason == null ? "" : reason).build();
    }

    static Wire.ErrorCode errorCode(ErrorCode code) {
        return switch (code) {
            case BAD_FRAME -> Wire.ErrorCode.ERROR_BAD_FRAME;
            case UNSUPPORTED_VERSION -> Wire.ErrorCode.ERROR_UNSUPPORTED_VERSION;
            case UNKNOWN_TYPE -> Wire.ErrorCode.ERROR_UNKNOWN_TYPE;
            case TOO_LARGE -> Wire.ErrorCode.ERROR_TOO_LARGE;
            case NOT_FOUND -> Wire.ErrorCode.ERROR_NOT_FOUND;
            case NO_HANDLER -> Wire.ErrorCode.ERROR_NO_HANDLER;
            case BUSY -> Wire.ErrorCode.ERROR_BUSY;
            case REFUSED -> Wire.ErrorCode.ERROR_REFUSED;
            case INTERNAL -> Wire.ErrorCode.ERROR_INTERNAL;
        };
    }

    /** An error code a peer sent; one this node does not know reads as INTERNAL. */
    static ErrorCode errorCode(Wire.ErrorCode code) {
        return switch (code) {
            case ERROR_BAD_FRAME -> ErrorCode.BAD_FRAME;
            case ERROR_UNSUPPORTED_VERSION -> ErrorCode.UNSUPPORTED_VERSION;
            case ERROR_UNKNOWN_TYPE -> ErrorCode.UNKNOWN_TYPE;
            case ERROR_TOO_LARGE -> ErrorCode.TOO_LARGE;
            case ERROR_NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ERROR_NO_HANDLER -> ErrorCode.NO_HANDLER;
            case ERROR_BUSY -> ErrorCode.BUSY;
            case ERROR_REFUSED -> ErrorCode.REFUSED;
            default -> ErrorCode.INTERNAL;
        };
    }

    // ---- hello ----

    static Wire.Hello hello(int protocolVersion, long nonce, int listenPort, Set<String> capabilities) {
        return Wire.Hello.newBuilder().setProtocolVersion(protocolVersion).setNonce(nonce).setListenPort(listenPort)
                .addAllCapabilities(capabilities).build();
    }

    /** The capabilities a peer announced, checked for count and length. */
    static Set<String> capabilities(List<String> announced) throws WireFormatException {
        if (announced.size() > MAX_CAPABILITIES) {
            throw new WireFormatException(ErrorCode.BAD_FRAME,
                    announced.size() + " capabilities announced, at most " + MAX_CAPABILITIES + " allowed");
        }
        Set<String> capabilities = new LinkedHashSet<>();
        for (String capability : announced) {
            if (capability.isEmpty() || capability.length() > MAX_CAPABILITY_CHARS) {
                throw new WireFormatException(ErrorCode.BAD_FRAME,
                        "a capability must be 1.." + MAX_CAPABILITY_CHARS + " characters, got " + capability.length());
            }
            capabilities.add(capability);
        }
        return capabilities;
    }

    // ---- fragments ----

    static Wire.FragmentId fragmentId(FragmentId id) {
        return Wire.FragmentId.newBuilder().setTesseraHash(bytes(id.tesseraHash().bytes())).setIndex(id.index())
                .setTotalShards(id.totalShards()).setChecksum(bytes(id.checksum().bytes())).build();
    }

    static FragmentId fragmentId(Wire.FragmentId id) throws WireFormatException {
        try {
            return new FragmentId(contentHash(id.getTesseraHash()), id.getIndex(), id.getTotalShards(),
                    contentHash(id.getChecksum()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid("fragment id", e);
        }
    }

    /** The manifest a header or pointer carries, decoded (its signature is for the receiver to check). */
    static TesseraManifest manifest(ByteString encoded) throws WireFormatException {
        try {
            return TesseraManifest.decode(encoded.toByteArray());
        } catch (IllegalArgumentException e) {
            throw invalid("manifest", e);
        }
    }

    static Wire.FragmentHeader header(FragmentEnvelope envelope) {
        return Wire.FragmentHeader.newBuilder().setId(fragmentId(envelope.id())).setLength(envelope.length())
                .setManifest(bytes(envelope.manifest().encode())).build();
    }

    static Wire.FragmentAck ack(ReplicateAck ack) {
        Wire.FragmentAck.Builder wire = Wire.FragmentAck.newBuilder().setAccepted(ack.accepted())
                .setDetail(ack.detail());
        if (ack.reason() != null) {
            wire.setReason(refusal(ack.reason()));
        }
        ack.fragmentsHeld().forEach(wire::addFragmentsHeld);
        return wire.build();
    }

    static ReplicateAck ack(Wire.FragmentAck ack) throws WireFormatException {
        try {
            List<Integer> held = new ArrayList<>(ack.getFragmentsHeldList());
            if (ack.getAccepted()) {
                return ReplicateAck.accepted(held);
            }
            return ReplicateAck.refused(refusal(ack.getReason()), ack.getDetail(), held);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid("fragment ack", e);
        }
    }

    // ---- model pieces ----

    private static Wire.NodeInfo nodeInfo(NodeInfo node) {
        return Wire.NodeInfo.newBuilder().setNodeId(bytes(node.id().bytes())).setPublicKey(bytes(node.publicKey()))
                .setNonce(node.nonce()).setAddress(address(node.address())).addAllCapabilities(node.capabilities())
                .build();
    }

    private static NodeInfo nodeInfo(Wire.NodeInfo node) throws WireFormatException {
        return new NodeInfo(nodeId(node.getNodeId()), node.getPublicKey().toByteArray(), node.getNonce(),
                address(node.getAddress()), capabilities(node.getCapabilitiesList()));
    }

    private static Wire.TesseraPointer pointer(TesseraPointer pointer) {
        Wire.TesseraPointer.Builder wire = Wire.TesseraPointer.newBuilder().setManifest(bytes(pointer.manifest().encode()))
                .setPublisher(bytes(pointer.publisher().bytes())).setPublishedAtMillis(pointer.publishedAtMillis())
                .setPublisherKey(bytes(pointer.publisherKey())).setPublisherNonce(pointer.publisherNonce())
                .setSignature(bytes(pointer.signature()));
        for (Holder holder : pointer.holders()) {
            Wire.Holder.Builder h = Wire.Holder.newBuilder().setNodeId(bytes(holder.node().bytes()))
                    .setAddress(address(holder.address()));
            holder.indices().forEach(h::addIndices);
            wire.addHolders(h);
        }
        return wire.build();
    }

    private static TesseraPointer pointer(Wire.TesseraPointer pointer) throws WireFormatException {
        List<Holder> holders = new ArrayList<>(pointer.getHoldersCount());
        for (Wire.Holder holder : pointer.getHoldersList()) {
            holders.add(new Holder(nodeId(holder.getNodeId()), address(holder.getAddress()),
                    new ArrayList<>(holder.getIndicesList())));
        }
        return new TesseraPointer(manifest(pointer.getManifest()), nodeId(pointer.getPublisher()),
                pointer.getPublisherKey().toByteArray(), pointer.getPublisherNonce(), holders,
                pointer.getPublishedAtMillis(), pointer.getSignature().toByteArray());
    }

    private static Wire.CataloguePage cataloguePage(CataloguePage page) {
        Wire.CataloguePage.Builder wire = Wire.CataloguePage.newBuilder().setOwner(bytes(page.owner().bytes()))
                .setOwnerKey(bytes(page.ownerKey())).setOwnerNonce(page.ownerNonce()).setPage(page.page())
                .setPageCount(page.pageCount()).setPublishedAtMillis(page.publishedAtMillis())
                .setSignature(bytes(page.signature()));
        page.tesseras().forEach(hash -> wire.addTesseras(bytes(hash.bytes())));
        return wire.build();
    }

    private static CataloguePage cataloguePage(Wire.CataloguePage page) throws WireFormatException {
        List<ContentHash> tesseras = new ArrayList<>(page.getTesserasCount());
        for (ByteString hash : page.getTesserasList()) {
            tesseras.add(contentHash(hash));
        }
        return new CataloguePage(nodeId(page.getOwner()), page.getOwnerKey().toByteArray(), page.getOwnerNonce(),
                page.getPage(), page.getPageCount(), tesseras, page.getPublishedAtMillis(),
                page.getSignature().toByteArray());
    }

    private static Wire.Attestation attestation(Attestation attestation) {
        Wire.Attestation.Builder wire = Wire.Attestation.newBuilder()
                .setTesseraHash(bytes(attestation.tesseraHash().bytes())).setNonce(bytes(attestation.nonce()))
                .setTimestampMillis(attestation.timestampMillis()).setHolder(bytes(attestation.holder().bytes()))
                .setSignature(bytes(attestation.signature()));
        for (Attestation.Entry entry : attestation.entries()) {
            wire.addEntries(Wire.AttestationEntry.newBuilder().setIndex(entry.index())
                    .setChecksum(bytes(entry.checksum().bytes())).setProof(bytes(entry.proof())));
        }
        return wire.build();
    }

    private static Attestation attestation(Wire.Attestation attestation) {
        List<Attestation.Entry> entries = new ArrayList<>(attestation.getEntriesCount());
        for (Wire.AttestationEntry entry : attestation.getEntriesList()) {
            entries.add(new Attestation.Entry(entry.getIndex(), contentHash(entry.getChecksum()),
                    entry.getProof().toByteArray()));
        }
        return new Attestation(contentHash(attestation.getTesseraHash()), attestation.getNonce().toByteArray(),
                entries, attestation.getTimestampMillis(), nodeId(attestation.getHolder()),
                attestation.getSignature().toByteArray());
    }

    private static Wire.Address address(InetSocketAddress address) {
        Wire.Address.Builder wire = Wire.Address.newBuilder().setPort(address.getPort());
        if (address.isUnresolved()) {
            wire.setHost(address.getHostString());
        } else {
            wire.setIp(bytes(address.getAddress().getAddress()));
        }
        return wire.build();
    }

    private static InetSocketAddress address(Wire.Address address) {
        int port = address.getPort();
        if (port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + Integer.toUnsignedString(port));
        }
        if (!address.getIp().isEmpty()) {
            byte[] ip = address.getIp().toByteArray();
            try {
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("an IP address is 4 or 16 bytes, got " + ip.length);
            }
        }
        if (address.getHost().isEmpty()) {
            throw new IllegalArgumentException("an address needs an IP or a host name");
        }
        return InetSocketAddress.createUnresolved(address.getHost(), port);
    }

    private static Wire.RefusalReason refusal(RefusalReason reason) {
        return switch (reason) {
            case DEFICIT -> Wire.RefusalReason.REFUSAL_DEFICIT;
            case PEER_LIMIT -> Wire.RefusalReason.REFUSAL_PEER_LIMIT;
            case NO_SPACE -> Wire.RefusalReason.REFUSAL_NO_SPACE;
            case CHECKSUM -> Wire.RefusalReason.REFUSAL_CHECKSUM;
            case INVALID -> Wire.RefusalReason.REFUSAL_INVALID;
            case BUSY -> Wire.RefusalReason.REFUSAL_BUSY;
        };
    }

    private static RefusalReason refusal(Wire.RefusalReason reason) {
        return switch (reason) {
            case REFUSAL_DEFICIT -> RefusalReason.DEFICIT;
            case REFUSAL_PEER_LIMIT -> RefusalReason.PEER_LIMIT;
            case REFUSAL_NO_SPACE -> RefusalReason.NO_SPACE;
            case REFUSAL_CHECKSUM -> RefusalReason.CHECKSUM;
            case REFUSAL_BUSY -> RefusalReason.BUSY;
            default -> RefusalReason.INVALID;
        };
    }

    private static ContentHash contentHash(ByteString bytes) {
        return new ContentHash(bytes.toByteArray());
    }

    private static NodeId nodeId(ByteString bytes) {
        return new NodeId(bytes.toByteArray());
    }

    /** Wraps a byte array the API handed out as a fresh copy, so it is never changed afterwards. */
    private static ByteString bytes(byte[] freshCopy) {
        return UnsafeByteOperations.unsafeWrap(freshCopy);
    }

    private static WireFormatException invalid(Object what, RuntimeException cause) {
        return new WireFormatException(ErrorCode.BAD_FRAME, "invalid " + what + ": " + cause.getMessage());
    }
}
