package dev.larch.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The load driver's HTTP/1.1 client: one kept-alive loopback socket per calling thread, blocking reads, nothing
 * else. The driver shares the machine's cores with the server it measures, and {@code java.net.http} spent several
 * hundred microseconds of CPU and two thread hand-offs on each request; this spends a write and a read. It speaks
 * only what the driver needs: a request with an optional JSON body, and a response with {@code Content-Length} or
 * chunked transfer coding.
 */
final class LoopbackHttp {

    record Response(int status, String body) {}

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();

    LoopbackHttp(String baseUrl, int timeoutMillis) {
        URI uri = URI.create(baseUrl);
        if (!"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the load driver speaks plain http only: " + baseUrl);
        }
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 80;
        this.timeoutMillis = timeoutMillis;
    }

    /** One exchange; a connection the server closed is replaced once, as a browser would. */
    Response exchange(String method, String path, String bearer, String jsonBody) throws IOException {
        byte[] request = encode(method, path, bearer, jsonBody);
        Connection c = connections.get();
        if (c != null) {
            try {
                return c.exchange(request);
            } catch (SocketTimeoutException e) {
                c.close();
                connections.remove();
                throw e;
            } catch (IOException stale) {
                c.close(); // kept-alive socket closed by the server between requests: one fresh try below
            }
        }
        c = new Connection(new InetSocketAddress(host, port), timeoutMillis);
        connections.set(c);
        return c.exchange(request);
    }

    private byte[] encode(String method, String path, String bearer, String jsonBody) {
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
            .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
            .append("Host: ").append(host).append(':').append(port).append("\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(InetSocketAddress address, int timeoutMillis) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }

        Response exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) > 0; ) {
                    copy(size, body);
                    line();
                }
                while (!line().isEmpty()) { } // trailers
            } else if (length >= 0) {
                copy(length, body);
            } else {
                close = true; // body runs to the end of the connection
                in.transferTo(body);
            }
            if (close) {
                close();
            }
            return new Response(code, body.toString(StandardCharsets.UTF_8));
        }

        private void copy(long n, ByteArrayOutputStream to) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(n, buf.length));
                if (r < 0) {
                    throw new IOException("connection closed inside a response body");
                }
                to.write(buf, 0, r);
                n -= r;
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed inside a response head");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we are done with: nothing to report
            }
        }
    }
}
