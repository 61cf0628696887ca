package io.vipwatch.repair;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The fixed vocabulary of repair steps a plan may name; each is implemented by one {@link Step} of this package. */
enum StepName {
    CHECK_LINK("check-link"),
    GUARD_NO_OTHER_MAC("guard-no-other-mac"),
    ADD_VIP("add-vip"),
    REMOVE_EXTRA_HOLDERS("remove-extra-holders"),
    MOVE_TO_FALLBACK("move-to-fallback"),
    ANNOUNCE("announce"),
    FLUSH_STALE_ENTRIES("flush-stale-entries"),
    VERIFY("verify");

    private final String label;

    StepName(String label) {
        this.label = label;
    }

    /** The name as written in a plan, e.g. {@code check-link}. */
    String label() {
        return label;
    }

    static Optional<StepName> of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
    }

    /** Every step name, sorted, for error messages. */
    static List<String> labels() {
        return Arrays.stream(values()).map(StepName::label).sorted().toList();
    }

    /** The step's implementation; steps hold no state of their own, a {@link RepairRun} holds it. */
    Step step() {
        return switch (this) {
            case CHECK_LINK -> new CheckLinkStep();
            case GUARD_NO_OTHER_MAC -> new GuardStep();
            case ADD_VIP -> new AddVipStep();
            case REMOVE_EXTRA_HOLDERS -> new RemoveHoldersStep();
            case MOVE_TO_FALLBACK -> new FallbackStep();
            case ANNOUNCE -> new AnnounceStep();
            case FLUSH_STALE_ENTRIES -> new FlushStep();
            case VERIFY -> new VerifyStep();
        };
    }
}
