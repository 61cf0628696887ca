package io.vipwatch.repair;

import io.vipwatch.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when the code under test sleeps (or a test advances it), and records every sleep. */
final class TestTime extends FakeClock implements Sleeper {
    final List<Duration> sleeps = new ArrayList<>();

    TestTime() {
        super(Instant.parse("2026-01-01T00:00:01Z"));
    }

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
        advance(d);
    }
}
