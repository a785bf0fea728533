package org.tesseras.systests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * Runs Karaf shell commands on one node over SSH (an exec channel per command, password authentication), the way
 * {@code bin/client} does but without a JVM per command.
 */
final class NodeShell {
    /**
     * Connecting and logging in: a node finishing a put after a restart, beside three others and a build on two
     * cores, once took over 30 s to answer a login (KillDuringPutSystemTest); the command's own time is separate.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(90);

    private final SshClient client;
    private final String node;
    private final int port;
    private final String user;
    private final String password;

    NodeShell(SshClient client, String node, int port, String user, String password) {
        this.client = client;
        this.node = node;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * An SSH client for nodes on 127.0.0.1: it accepts their freshly generated host keys and uses neither
     * {@code ~/.ssh/config} nor any key of the user running the tests, only the password given per node.
     */
    static SshClient startClient() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> true);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        return client;
    }

    /**
     * Runs {@code command} and returns what it printed once its session closed; throws when the node cannot be
     * reached or logged into, or when the command runs longer than {@code timeout}.
     */
    ShellResult run(String command, Duration timeout) throws IOException {
        try (ClientSession session = client.connect(user, "127.0.0.1", port).verify(CONNECT_TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            session.auth().verify(CONNECT_TIMEOUT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (ChannelExec channel = session.createExecChannel(command)) {
                channel.setOut(out);
                channel.setErr(err);
                channel.open().verify(CONNECT_TIMEOUT);
                Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
                if (!events.contains(ClientChannelEvent.CLOSED)) {
                    throw new IOException(node + ": '" + command + "' did not finish within " + timeout
                            + "; it printed so far:\n" + out.toString(StandardCharsets.UTF_8)
                            + err.toString(StandardCharsets.UTF_8));
                }
                Integer status = channel.getExitStatus();
                return new ShellResult(node, command, status == null ? ShellResult.CONNECTION_LOST : status,
                        out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
