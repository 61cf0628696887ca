package io.vipwatch.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when the code under test sleeps (or a test advances it), and records every sleep. */
final class TestTime extends Clock implements Sleeper {
    final List<Duration> sleeps = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:01Z");

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
        advance(d);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
