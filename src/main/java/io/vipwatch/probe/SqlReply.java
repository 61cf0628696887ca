package io.vipwatch.probe;

/**
 * {@code SELECT 1} through the VIP.
 *
 * @param server   the configured host that answered; null when it could not be told, "" when the answering server
 *                 is none of the cluster's hosts (all of whose identities are known)
 * @param identity {@code server_uuid=…} or {@code server_id=…} of the answering server, null when it failed
 * @param error    the driver's message when not ok
 * @param note     why {@code server} is null despite an answer (e.g. two hosts share a server_id)
 */
public record SqlReply(boolean ok, String server, String identity, double latencyMs, String error,
                       boolean timedOut, String note) {
}
