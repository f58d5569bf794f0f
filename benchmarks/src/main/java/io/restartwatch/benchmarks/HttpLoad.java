package io.restartwatch.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * A closed-loop HTTP/1.1 load generator on loopback: each connection is one keep-alive socket and one thread
 * sending the next request as soon as the previous answer arrived. Hand-written requests and response parsing
 * keep the generator's own CPU cost far below a general-purpose client's on 2 shared cores. Only answers with
 * an expected status count (rate and latencies); any other answer or I/O failure is an error.
 */
final class HttpLoad {

    /** {@code errors}: answers other than the expected status, and I/O failures (after which it reconnects). */
    record Step(int connections, double perSecond, double p50, double p99, long errors) {
    }

    private final int port;
    private final IntPredicate expectedStatus;
    private final List<byte[]> requests;

    private HttpLoad(int port, IntPredicate expectedStatus, List<byte[]> requests) {
        this.port = port;
        this.expectedStatus = expectedStatus;
        this.requests = requests;
    }

    /** {@code POST /api/agent/reports}, each server with its own token, in turn; 202 expected. */
    static HttpLoad agentReports(int port, List<String> serverIds, List<String> tokens) {
        List<byte[]> requests = new ArrayList<>();
        String since = Instant.now().minus(Duration.ofDays(1)).toString();
        for (int i = 0; i < serverIds.size(); i++) {
            String body = "{\"serverId\":\"" + serverIds.get(i) + "\",\"rebootRequired\":true,\"requiredSince\":\"" + since
                    + "\",\"packages\":[\"libssl3\"],\"bootId\":\"" + UUID.randomUUID() + "\",\"runningKernel\":\"6.8.0-45-generic\","
                    + "\"installedKernels\":[\"6.8.0-45-generic\"],\"agentVersion\":\"bench\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST /api/agent/reports HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + tokens.get(i) + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            byte[] request = new byte[head.length() + bytes.length];
            System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, request, 0, head.length());
            System.arraycopy(bytes, 0, request, head.length(), bytes.length);
            requests.add(request);
        }
        return new HttpLoad(port, status -> status == 202, requests);
    }

    /**
     * {@code GET /api/agent/due?serverId=} for each server with its own token, in turn, as a fleet's agents ask;
     * 204 (nothing due) and 200 (a deploy wants a report) both count.
     */
    static HttpLoad agentDue(int port, List<String> serverIds, List<String> tokens) {
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < serverIds.size(); i++) {
            requests.add(("GET /api/agent/due?serverId=" + serverIds.get(i) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + tokens.get(i) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return new HttpLoad(port, status -> status == 200 || status == 204, requests);
    }

    /** {@code GET path} with the given extra header lines (e.g. {@code Authorization: Bearer ...}); 200 expected. */
    static HttpLoad get(int port, String path, List<String> headers) {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        head.append("\r\n");
        return new HttpLoad(port, status -> status == 200, List.of(head.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    Step run(int connections, Duration warmup, Duration measure) throws InterruptedException {
        long warmEnd = System.nanoTime() + warmup.toNanos();
        long end = warmEnd + measure.toNanos();
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long[] latencies = new long[2_000_000 / connections + 1000];
            int[] count = new int[1];
            perThread.add(latencies);
            counts.add(count);
            int offset = c;
            Thread thread = new Thread(() -> loop(offset, connections, warmEnd, end, latencies, count, errors), "http-load-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        int total = counts.stream().mapToInt(c -> c[0]).sum();
        double[] all = new double[total];
        int k = 0;
        for (int t = 0; t < perThread.size(); t++) {
            for (int i = 0; i < counts.get(t)[0]; i++) {
                all[k++] = perThread.get(t)[i] / 1e6;
            }
        }
        Arrays.sort(all);
        return new Step(connections, total / (measure.toNanos() / 1e9), Results.percentile(all, 50), Results.percentile(all, 99), errors.get());
    }

    private void loop(int offset, int stride, long warmEnd, long end, long[] latencies, int[] count, AtomicLong errors) {
        int next = offset;
        Socket socket = null;
        InputStream in = null;
        while (System.nanoTime() < end) {
            try {
                if (socket == null) {
                    socket = new Socket("127.0.0.1", port);
                    socket.setTcpNoDelay(true);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                }
                byte[] request = requests.get(next % requests.size());
                next += stride;
                long sent = System.nanoTime();
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                int status = readResponse(in);
                long done = System.nanoTime();
                if (!expectedStatus.test(status)) {
                    errors.incrementAndGet();
                } else if (sent >= warmEnd && done <= end && count[0] < latencies.length) {
                    latencies[count[0]++] = done - sent;
                }
            } catch (IOException e) {
                errors.incrementAndGet();
                close(socket);
                socket = null;
            }
        }
        close(socket);
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Reads one response (status line, headers, a Content-Length or chunked body); returns the status. */
    private static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        int length = 0;
        boolean chunked = false;
        boolean first = true;
        while (true) {
            readLine(in, line);
            if (first) {
                status = Integer.parseInt(line.substring(9, 12));
                first = false;
            } else if (line.length() == 0) {
                break;
            } else if (line.toString().regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (line.toString().regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
                chunked = line.substring(18).trim().equalsIgnoreCase("chunked");
            }
        }
        if (!chunked) {
            in.skipNBytes(length);
            return status;
        }
        while (true) { // chunk-size [; extensions] CRLF data CRLF ... 0 CRLF CRLF (no trailers expected)
            readLine(in, line);
            int size = Integer.parseInt(line.toString().split(";", 2)[0].trim(), 16);
            if (size == 0) {
                readLine(in, line);
                return status;
            }
            in.skipNBytes(size);
            readLine(in, line);
        }
    }

    private static void readLine(InputStream in, StringBuilder line) throws IOException {
        line.setLength(0);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
    }
}
