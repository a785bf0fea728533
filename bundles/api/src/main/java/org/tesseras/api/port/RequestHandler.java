package org.tesseras.api.port;

import org.osgi.annotation.versioning.ConsumerType;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.NodeInfo;

/**
 * Answers the control requests of the kinds it takes, registered as a service whose {@link #KINDS} property
 * lists them ({@link Message#kind()}, e.g. {@code Ping}); the transport hands each request to the handler of
 * its kind, on a thread where it may block. A thrown exception becomes an error reply.
 */
@ConsumerType
public interface RequestHandler {
    /** Service property: the message kinds this handler answers. */
    String KINDS = "tesseras.kinds";

    /** Answers {@code request} from the authenticated {@code sender}. */
    Message answer(NodeInfo sender, Message request);
}
