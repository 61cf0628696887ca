package io.vipwatch.alert;

import io.vipwatch.config.AlertChannel;

/**
 * Delivers one notification to one channel, once. Retrying is the {@link Dispatcher}'s business; a sender only has
 * to bound every attempt by its channel's timeouts and say clearly why it failed.
 */
public interface Sender {
    /**
     * Sends the notification's exact content (every retry sends the same bytes, with the same id).
     *
     * @throws DeliveryException when the receiver did not accept it; the message is safe to log
     */
    void send(Notification notification) throws DeliveryException;

    /** The sender for a configured channel: e-mail over SMTP or an HTTP webhook. */
    static Sender forChannel(AlertChannel channel) {
        if (channel instanceof AlertChannel.Email email) {
            return new EmailSender(email);
        }
        return new WebhookSender((AlertChannel.Webhook) channel);
    }
}
