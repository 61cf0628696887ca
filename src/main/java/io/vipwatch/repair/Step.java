package io.vipwatch.repair;

/**
 * One step of a plan. {@link #check} judges the step's preconditions on the request's facts and on what the steps
 * before it in the plan do, without running anything; the repairer calls it for every step before the first
 * command runs (with {@link #assume} standing in for earlier steps' effects), so a plan that would refuse halfway —
 * after removing a VIP, before adding it back — refuses before it starts. {@link #run} checks again, then acts.
 */
interface Step {
    /** Throws a refusal when the step must not run; no I/O. */
    void check(RepairRun run) throws Stop;

    /** Applies the step's intended effect to the run's state without running it (for the preflight pass). */
    default void assume(RepairRun run) throws Stop {
    }

    /** Runs the step, recording every command; throws to end the repair (refused or failed). */
    void run(RepairRun run) throws Stop;
}
