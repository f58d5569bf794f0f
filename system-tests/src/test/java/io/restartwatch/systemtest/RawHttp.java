package io.restartwatch.systemtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 spoken with a plain socket: the request line and headers go on the wire byte for byte as given.
 * {@code java.net.http.HttpClient} refuses a literal {@code ../}, control characters or raw non-ASCII bytes in a
 * request target, so with it such input never reaches a server. One request per connection
 * ({@code Connection: close}); the answer is read up to its status, Content-Type and the first bytes of its body.
 */
final class RawHttp {

    private static final int TIMEOUT_MILLIS = 60_000;
    private static final int MAX_BODY = 4096;

    private RawHttp() {
    }

    /** The status (-1: the connection closed without an answer), the Content-Type ("" if none), the body's start. */
    record Answer(int status, String contentType, String body) {

        boolean problemJson() {
            return contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json");
        }
    }

    /**
     * Sends {@code head} (request line and headers, each ending in CRLF, without the blank line) with {@code Host},
     * {@code Connection: close} and, if there is a body, {@code Content-Length} added.
     */
    static Answer send(int port, byte[] requestLine, byte[] headers, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(requestLine);
        request.write(("\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
        request.write(headers);
        if (body != null) {
            request.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        request.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            request.write(body);
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException closedEarly) {
                // A server may answer (413, 431) and close before an oversized request is written: read that answer.
            }
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        try {
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (IOException reset) {
            if (head.size() == 0) {
                return new Answer(-1, "", "connection ended without an answer: " + reset);
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/") || lines[0].split(" ").length < 2) {
            return new Answer(-1, "", "no status line: " + head.toString(StandardCharsets.ISO_8859_1));
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String contentType = "";
        long contentLength = -1;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-type")) {
                contentType = value;
            } else if (name.equals("content-length")) {
                contentLength = Long.parseLong(value);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long toRead = contentLength < 0 ? MAX_BODY : Math.min(contentLength, MAX_BODY);
        try {
            while (body.size() < toRead) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.write(b);
            }
        } catch (SocketTimeoutException streaming) {
            // An event stream has no end: its status and type are what counts.
        } catch (IOException reset) {
            // The status line and headers arrived; a reset after them loses only the body's rest.
        }
        return new Answer(status, contentType, body.toString(StandardCharsets.UTF_8));
    }
}
