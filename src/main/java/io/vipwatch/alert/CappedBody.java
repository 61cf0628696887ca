package io.vipwatch.alert;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps the first {@code limit} bytes of a response body, for an error message, and stops reading there: a
 * receiver that streams an endless error page can neither hold an attempt open nor fill the heap.
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (limit == 0) {
            finish();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int n = Math.min(buffer.remaining(), limit - bytes.size());
            byte[] chunk = new byte[n];
            buffer.get(chunk);
            bytes.write(chunk, 0, n);
        }
        if (bytes.size() >= limit) {
            finish();
        } else {
            subscription.request(1);
        }
    }

    /** The body only explains a status code; a broken connection after the status still leaves that status. */
    @Override
    public void onError(Throwable error) {
        complete();
    }

    @Override
    public void onComplete() {
        complete();
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    private void finish() {
        subscription.cancel();
        complete();
    }

    private void complete() {
        body.complete(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }
}
