package io.vipwatch.fleet;

import io.vipwatch.alert.Outbox;
import io.vipwatch.repair.Fence;
import io.vipwatch.state.StateDocument;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** A single vipwatch ({@code scheduler.store: memory}): nothing is shared, every lease is granted, none is fenced. */
public final class Solo implements Fleet {
    private static final Lease ALWAYS = new Lease() {
        @Override
        public void release() {
        }

        @Override
        public OptionalLong token() {
            return Fence.NONE.token();
        }

        @Override
        public Optional<String> lost() {
            return Fence.NONE.lost();
        }
    };
    private static final SharedVip ALONE = new SharedVip() {
        @Override
        public Optional<String> begin() {
            return Optional.empty();
        }

        @Override
        public void end(String state) {
        }

        @Override
        public Grant lease(Supplier<String> withAttempt) {
            return Grant.granted(ALWAYS);
        }
    };

    @Override
    public String instanceId() {
        return "local";
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public Optional<Outage> outage() {
        return Optional.empty();
    }

    @Override
    public SharedVip vip(String key) {
        return ALONE;
    }

    @Override
    public Optional<StateDocument> document(String name, long maxBytes) {
        return Optional.empty();
    }

    @Override
    public Outbox.Shared outbox() {
        return Outbox.NOT_SHARED;
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("store", "memory");
    }

    @Override
    public void close() {
    }
}
