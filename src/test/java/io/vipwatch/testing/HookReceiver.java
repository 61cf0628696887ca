package io.vipwatch.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on loopback that records every POST and answers with a status the test chooses. */
public final class HookReceiver implements AutoCloseable {
    /** One request as received; header names lower-case. */
    public record Request(String path, Map<String, String> headers, String body, int answered) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    public HookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", ex -> {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            int code = status.get();
            requests.add(new Request(ex.getRequestURI().getPath(), headers, body, code));
            byte[] answer = (code < 300 ? "ok\n" : "failing on purpose\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** From now on, answer {@code code} (e.g. 500 to simulate an outage). */
    public void answer(int code) {
        status.set(code);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests to {@code path} that were answered with a 2xx. */
    public List<Request> accepted(String path) {
        return requests.stream().filter(r -> r.path().equals(path) && r.answered() < 300).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
