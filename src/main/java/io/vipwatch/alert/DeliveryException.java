package io.vipwatch.alert;

import java.util.ArrayList;
import java.util.List;

/**
 * A delivery attempt failed. The message names the channel, the receiver ({@code host:port}, never a URL path that
 * may hold a token) and what went wrong; it never contains a password, a header value or a message body, so it may
 * be logged and shown in the status API as it is.
 */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DETAIL = 300;

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The messages along a cause chain, each once ({@code "Couldn't connect to host: Connection refused"}), at most
     * 300 characters, with every given secret replaced by {@code ***} in case a library echoed one.
     */
    static String describe(Throwable failure, String... secrets) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null && parts.size() < 5; t = t.getCause()) {
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (parts.stream().noneMatch(p -> p.contains(text))) {
                parts.add(text);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return scrub(String.join(": ", parts).replaceAll("\\s+", " ").strip(), MAX_DETAIL, secrets);
    }

    /**
     * Cuts a text to {@code max} characters and blanks out secrets. Secrets shorter than 4 characters are left alone:
     * they would match inside ordinary words ("x" in "Exception") and mangle the message without protecting much.
     */
    static String scrub(String text, int max, String... secrets) {
        String s = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                s = s.replace(secret, "***");
            }
        }
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
