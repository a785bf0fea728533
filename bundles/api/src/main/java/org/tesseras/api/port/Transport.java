package org.tesseras.api.port;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;

/**
 * Messages and fragment streams between authenticated nodes. Every peer is known by the NodeId its
 * key proves. Inbound traffic goes to the handler services of its kind ({@link RequestHandler} by message kind,
 * {@link PushHandler}, {@link FetchHandler}), and every authenticated peer is told to the {@link PeerListener}
 * services. Futures fail with a
 * {@link TransportException} (a {@link RemoteErrorException} for an error reply, a
 * {@link RequestTimeoutException} when no answer came in time).
 */
@ProviderType
public interface Transport {

    /** This node as peers see it: identity and listening address. */
    NodeInfo localNode();

    /** Sends {@code request} to a known node (its id is checked on connect) and completes with the reply. */
    CompletableFuture<Reply> request(Contact to, Message request);

    /** Sends {@code request} to whoever listens at {@code address} (a seed) and completes with the reply. */
    CompletableFuture<Reply> request(InetSocketAddress address, Message request);

    /** Streams a fragment to {@code to} and completes with its verdict. */
    CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope);

    /** Asks {@code from} for fragment {@code index} of {@code tesseraHash} and hands the stream to {@code reader}. */
    <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index, FragmentReader<T> reader);

    /** A reply and the authenticated node that sent it. */
    record Reply(NodeInfo from, Message message) {
    }
}
