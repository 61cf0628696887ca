package io.vipwatch.alert;

import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs a notification's JSON to the channel's URL (for {@code format: alertmanager}, to the Alertmanager's
 * {@code /api/v2/alerts}). A 2xx status is delivery; anything else — another status, a redirect, a refused
 * connection, no answer within the channel's timeout — is a {@link DeliveryException} with the status and the start
 * of the response body.
 *
 * <p>Messages name the receiver as {@code scheme://host:port} only: webhook URLs often carry their token in the path.
 */
public final class WebhookSender implements Sender {
    static final String ALERTMANAGER_PATH = "/api/v2/alerts";
    private static final int BODY_EXCERPT = 200;

    private final AlertChannel.Webhook channel;
    private final URI target;
    private final String where;
    /** Null when the channel's ca_file could not be loaded; then every attempt fails with {@link #setupProblem}. */
    private final HttpClient client;
    private final String setupProblem;

    public WebhookSender(AlertChannel.Webhook channel) {
        this.channel = channel;
        this.target = channel.format() == AlertChannel.Format.ALERTMANAGER
                ? withPath(channel.url(), ALERTMANAGER_PATH) : channel.url();
        this.where = "webhook channel " + channel.name() + " (" + origin(target) + ")";
        HttpClient built = null;
        String problem = null;
        try {
            built = HttpClient.newBuilder()
                    .connectTimeout(channel.timeout())
                    .sslContext(TlsTrust.context(channel.caFile()))
                    // HTTP/1.1: no h2c upgrade dance with plain-http receivers; one POST gains nothing from HTTP/2
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            problem = where + ": cannot load ca_file: " + DeliveryException.describe(e);
        }
        this.client = built;
        this.setupProblem = problem;
    }

    @Override
    public void send(Notification notification) throws DeliveryException {
        if (client == null) {
            throw new DeliveryException(setupProblem);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(channel.timeout())
                .header("Content-Type", "application/json")
                .header("X-Vipwatch-Notification-Id", notification.id())
                .POST(HttpRequest.BodyPublishers.ofString(notification.json(), StandardCharsets.UTF_8));
        channel.headers().forEach((name, value) -> request.header(name, value.reveal()));
        // The body of a 2xx answer is not read at all; of another, only what an error message shows.
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request.build(),
                info -> new CappedBody(info.statusCode() / 100 == 2 ? 0 : BODY_EXCERPT * 4));
        HttpResponse<String> answer = await(response);
        if (answer.statusCode() / 100 != 2) {
            String body = DeliveryException.scrub(answer.body().replaceAll("\\s+", " ").strip(), BODY_EXCERPT,
                    secrets());
            throw new DeliveryException(where + ": HTTP " + answer.statusCode()
                    + (body.isEmpty() ? "" : ": " + body));
        }
    }

    /** The client's request timeout covers connect and headers; this deadline also covers the body excerpt. */
    private HttpResponse<String> await(CompletableFuture<HttpResponse<String>> response) throws DeliveryException {
        long limitMs = channel.timeout().toMillis();
        try {
            return response.get(limitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new DeliveryException(where + ": no response within " + limitMs + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new DeliveryException(where + ": no response within " + limitMs + " ms ("
                        + DeliveryException.describe(cause) + ")", cause);
            }
            throw new DeliveryException(where + ": " + DeliveryException.describe(cause, secrets()), cause);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new DeliveryException(where + ": interrupted while waiting for the response", e);
        }
    }

    private String[] secrets() {
        return channel.headers().values().stream().map(Secret::reveal).toArray(String[]::new);
    }

    /** {@code base} + {@code path} with exactly one slash between them; the query, if any, is kept. */
    static URI withPath(URI base, String path) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String query = base.getRawQuery() == null ? "" : "?" + base.getRawQuery();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + path + query);
    }

    /** {@code scheme://host:port}, safe to log. */
    private static String origin(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return uri.getScheme() + "://" + uri.getHost() + ":" + port;
    }
}
