package io.vipwatch.fleet;

import io.vipwatch.alert.Outbox;
import io.vipwatch.repair.Fence;
import io.vipwatch.state.StateDocument;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The vipwatch instances that share the watch: one ({@link Solo}, {@code scheduler.store: memory}) or several
 * over a job store database ({@link JdbcFleet}). A VIP's cycle asks it for the state other instances left
 * ({@link SharedVip#begin()}), hands its own back ({@link SharedVip#end(String)}), and needs a lease from it for
 * any repair ({@link SharedVip#lease()}).
 */
public interface Fleet extends AutoCloseable {
    /** The problem every VIP shows while the job store is unreachable: it is watched, but nobody repairs it. */
    String DEGRADED = "job-store-unreachable";

    String instanceId();

    boolean clustered();

    /** Empty while the job store answers (always, for a single instance). */
    Optional<Outage> outage();

    /** The handle one VIP's cycles use; one per VIP per instance, used by one cycle at a time. */
    SharedVip vip(String key);

    /**
     * Where the fleet keeps the shared document {@code name} (silences, handovers): the job store; empty for a
     * single instance, which keeps it in its state directory.
     */
    Optional<StateDocument> document(String name, long maxBytes);

    /** Where the alert outbox keeps a copy for the others, so that they send what a dead instance could not. */
    Outbox.Shared outbox();

    /** What {@code /api/status} shows under {@code fleet}. */
    Map<String, Object> describe();

    @Override
    void close();

    /** The job store stopped answering at {@code since}; {@code reason} says how, without credentials. */
    record Outage(Instant since, String reason) {
    }

    /** One VIP's shared state and lease, as seen from this instance. */
    interface SharedVip {
        /**
         * At a cycle's start: the state another instance saved since this one last saw it, to continue from.
         * Empty when nothing changed, and while the job store is unreachable.
         */
        Optional<String> begin();

        /**
         * At a cycle's end: saves the state and gives back this cycle's lease, if it took one. The state is dropped
         * when another instance saved one meanwhile (that one wins), and while another instance holds the lease: a
         * cycle that ran beside someone else's repair saw the VIP mid-repair, and the next cycle starts over from
         * the repairer's state.
         */
        void end(String state);

        /**
         * A repair lease, granted only when no other instance holds one and no other cycle of this VIP saved its
         * state since this cycle began; otherwise the reason there is none. {@code withAttempt} is the state with
         * this repair's attempt already counted: it is saved in the same statement that grants the lease, so an
         * attempt is never lost, not even when the instance dies mid-repair ({@code max_attempts} holds fleet-wide).
         */
        Grant lease(Supplier<String> withAttempt);
    }

    /** A lease, or why there is none. */
    record Grant(Optional<Lease> lease, String refusal) {
        static Grant granted(Lease lease) {
            return new Grant(Optional.of(lease), "");
        }

        static Grant refused(String why) {
            return new Grant(Optional.empty(), why);
        }
    }

    /**
     * A granted repair lease: the fence of one repair. The repair's own commands renew it; once the repair returned
     * it is {@linkplain #release() released} here and given back in the job store by the cycle's {@link
     * SharedVip#end(String)}, together with the state that says what the repair did.
     */
    interface Lease extends Fence {
        /**
         * The repair returned: from now on the lease is not renewed, only checked. Its epoch stays the latest until
         * another instance is granted one, so the gratuitous ARP bursts the repair left to send afterwards still go
         * out, and stop once another instance repairs the VIP.
         */
        void release();
    }
}
