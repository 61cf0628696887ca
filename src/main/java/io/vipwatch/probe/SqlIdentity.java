package io.vipwatch.probe;

import io.vipwatch.remote.MysqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Names the host that answered {@code SELECT 1} through the VIP by comparing its server identity with the
 * identities the hosts report on their own addresses.
 */
final class SqlIdentity {
    private SqlIdentity() {
    }

    static SqlReply identify(MysqlClient.Answer viaVip, Map<String, MysqlClient.Answer> hosts) {
        double latencyMs = viaVip.latency().toNanos() / 1e6;
        if (!viaVip.ok()) {
            return new SqlReply(false, null, null, latencyMs, viaVip.error(), viaVip.timedOut(), "");
        }
        List<String> matches = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        hosts.forEach((host, answer) -> {
            if (!answer.ok()) {
                unknown.add(host);
            } else if (answer.identity().equals(viaVip.identity())) {
                matches.add(host);
            }
        });
        String server;
        String note = "";
        if (matches.size() == 1) {
            server = matches.get(0);
        } else if (matches.size() > 1) {
            server = null;
            note = "hosts " + String.join(", ", matches) + " share " + viaVip.identity()
                    + ": give each server a distinct server_id";
        } else if (!unknown.isEmpty()) {
            server = null;
            note = "answered by " + viaVip.identity() + ", which matches no host that answered; "
                    + String.join(", ", unknown) + " did not answer on their own address";
        } else {
            server = "";
            note = "answered by " + viaVip.identity() + ", which is none of the cluster's hosts";
        }
        return new SqlReply(true, server, viaVip.identity(), latencyMs, null, false, note);
    }
}
