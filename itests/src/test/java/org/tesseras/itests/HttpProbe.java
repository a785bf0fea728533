package org.tesseras.itests;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Plain HTTP requests to the node, and which of this machine's addresses a port answers on. */
final class HttpProbe {
    private HttpProbe() {
    }

    /** A response: status, the WWW-Authenticate and Content-Type headers, and the body. */
    record Response(int status, String challenge, String contentType, String body) {
    }

    /** GET {@code url}, with HTTP Basic credentials when {@code user} is not null. */
    static Response get(String url, String user, String password) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(60_000);
        if (user != null) {
            connection.setRequestProperty("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int status = connection.getResponseCode();
            InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String body = "";
            if (stream != null) {
                try (InputStream in = stream) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Response(status, connection.getHeaderField("WWW-Authenticate"), connection.getContentType(),
                    body);
        } finally {
            connection.disconnect();
        }
    }

    /** Whether a TCP connection to {@code address:port} opens. */
    static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The local addresses of the sockets listening on TCP {@code port}, from Linux's /proc/net/tcp and tcp6 (an
     * IPv4-mapped IPv6 address comes back as the IPv4 one); empty where those files do not exist.
     */
    static List<InetAddress> listeningAddresses(int port) throws IOException {
        List<InetAddress> found = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            java.nio.file.Path path = java.nio.file.Path.of(table);
            if (!java.nio.file.Files.isReadable(path)) {
                continue;
            }
            for (String line : java.nio.file.Files.readAllLines(path)) {
                String[] fields = line.trim().split("\\s+");
                // sl local_address rem_address st ...; st 0A is LISTEN
                if (fields.length < 4 || !fields[3].equals("0A") || !fields[1].contains(":")) {
                    continue;
                }
                String[] local = fields[1].split(":");
                if (Integer.parseInt(local[1], 16) == port) {
                    found.add(procAddress(local[0]));
                }
            }
        }
        return found;
    }

    /** A /proc/net address: 32-bit words in hex, each in the machine's (little-endian) byte order. */
    private static InetAddress procAddress(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + (3 - i)) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    /** The port named by a system property that {@link NodeContainer} sets in the node. */
    static int port(String property) {
        return Integer.parseInt(System.getProperty(property));
    }
}
