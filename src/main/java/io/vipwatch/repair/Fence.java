package io.vipwatch.repair;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a repair must hold to change a host: with several vipwatch instances, the VIP's repair lease. Checked before
 * every command a repair runs (not in a dry run), so an instance that was paused or cut off past its lease finds
 * out before its next command, not after. The lease's fencing token goes into every audit line of the repair.
 */
public interface Fence {
    /** A single vipwatch: nobody else can repair, so there is nothing to hold and no token. */
    Fence NONE = new Fence() {
        @Override
        public OptionalLong token() {
            return OptionalLong.empty();
        }

        @Override
        public Optional<String> lost() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "no fence (a single instance)";
        }
    };

    /** The lease's epoch, written into the audit lines; empty without a lease. */
    OptionalLong token();

    /**
     * Empty while the repair may go on (renewing the lease for another full term); otherwise why it may not, e.g.
     * "lease epoch 7 was granted to another instance". Never throws: an unreachable database is a reason.
     */
    Optional<String> lost();
}
