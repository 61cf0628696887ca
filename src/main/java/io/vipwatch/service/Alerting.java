package io.vipwatch.service;

import io.vipwatch.alert.AlertBook;
import io.vipwatch.alert.AlertEvent;
import io.vipwatch.alert.AlertMessage;
import io.vipwatch.alert.DeliveryStats;
import io.vipwatch.alert.Dispatcher;
import io.vipwatch.alert.Notification;
import io.vipwatch.alert.NotificationFactory;
import io.vipwatch.alert.Outbox;
import io.vipwatch.alert.Sender;
import io.vipwatch.alert.Templates;
import io.vipwatch.alert.ThisHost;
import io.vipwatch.config.AlertChannel;
import io.vipwatch.config.AlertSettings;
import io.vipwatch.config.Config;
import io.vipwatch.fleet.Fleet;
import io.vipwatch.metrics.Metrics;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.repair.RepairOutcome;
import io.vipwatch.rule.Evaluation;
import io.vipwatch.rule.Problem;
import io.vipwatch.rule.Rule;
import io.vipwatch.rule.RuleSet;
import io.vipwatch.rule.RuleTracker;
import io.vipwatch.rule.Severity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert half of a VIP's cycle: rule state → {@link AlertBook} (what is news) → one {@link AlertMessage} per
 * channel → {@link Notification} → the durable {@link Outbox} → the {@link Dispatcher} that delivers with retries.
 *
 * <p>A notification is on disk before anyone tries to send it, so neither an outage of the mail server nor a
 * {@code kill -9} of vipwatch loses it. Nothing here may break a probe cycle: a failure to render or to write is
 * logged and counted, and the cycle goes on.
 */
final class Alerting implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerting.class);

    /** What a VIP's cycle hands over for alerting. */
    record CycleInput(VipFacts facts, Evaluation evaluation, Map<String, Instant> active,
                      List<RuleTracker.RuleStatus> rules, List<String> exhausted, Optional<RepairOutcome> lastRepair,
                      Optional<String> silence, boolean dryRun) {
    }

    /** The files in the state directory and the thread that delivers from them: only after {@link #start()}. */
    private record Running(AlertBook book, Outbox outbox, Dispatcher dispatcher) {
    }

    private final Config config;
    private final AlertSettings settings;
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final NotificationFactory factory;
    private final Clock clock;
    private final Metrics metrics;
    private final AtomicLong renderFailures = new AtomicLong();
    private volatile Running running;

    private Alerting(Config config, RuleSet ruleSet, NotificationFactory factory, Clock clock, Metrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.settings = config.alerts();
        ruleSet.rules().forEach(r -> rules.put(r.name(), r));
        this.factory = factory;
        this.clock = clock;
    }

    /** Alerting for a config; empty without channels: there is nobody to tell. Touches no file yet. */
    static Optional<Alerting> of(Config config, RuleSet rules, Optional<Templates> templates, Clock clock,
                                 Metrics metrics) {
        AlertSettings settings = config.alerts();
        if (settings.channels().channels().isEmpty() || templates.isEmpty()) {
            return Optional.empty();
        }
        // appended, not resolved: a path prefix of a reverse proxy (http://ops.example/vipwatch) must stay
        NotificationFactory factory = new NotificationFactory(templates.get(), settings.externalUrl()
                .map(u -> URI.create(u.toString().replaceAll("/+$", "") + "/api/status")),
                channel -> repeat(settings, channel), version(), ThisHost.name());
        return Optional.of(new Alerting(config, rules, factory, clock, metrics));
    }

    /**
     * Opens the alert book and the outbox in the state directory and starts delivering what is pending (a restart
     * delivers what the previous run could not). Only here, not at construction: on a reload the previous
     * instance has closed by now, so the two never share the files.
     */
    void start(Outbox.Shared shared) throws IOException {
        Path state = Files.createDirectories(config.stateDir());
        Set<String> vips = config.clusters().stream().flatMap(c -> c.vips().stream().map(v -> c.name() + "/"
                + v.name())).collect(Collectors.toSet());
        AlertBook book = AlertBook.open(state.resolve("alerts.json"), vips);
        Outbox outbox = new Outbox(state.resolve("outbox"), clock, shared);
        Map<String, Sender> senders = new LinkedHashMap<>();
        settings.channels().channels().forEach((name, channel) -> senders.put(name, Sender.forChannel(channel)));
        Dispatcher dispatcher = new Dispatcher(outbox, senders, settings.channels().delivery(), clock,
                new SplittableRandom(), metrics::alertDelivery);
        dispatcher.start();
        running = new Running(book, outbox, dispatcher);
        metrics.outboxPending(senders.keySet(), channel -> {
            DeliveryStats.ChannelStats c = stats().channels().get(channel);
            return c == null ? 0 : c.pending();
        });
    }

    private static Duration repeat(AlertSettings settings, String channel) {
        AlertChannel c = settings.channels().channels().get(channel);
        return c == null ? settings.repeatInterval() : c.repeatInterval().orElse(settings.repeatInterval());
    }

    /** Feeds one finished cycle of one VIP; queues what is news. */
    void cycle(CycleInput in, Instant now) {
        String cluster = in.facts().cluster();
        String vip = in.facts().vip().name();
        Running r = running;
        if (r == null) {
            return; // not started: the scheduler starts only after alerting
        }
        Set<String> cleared = cleared(in);
        // an alert restored from before a reload or restart whose rule no longer exists can never fire again
        r.book().active(cluster, vip).keySet().stream()
                .filter(a -> !rules.containsKey(a) && !a.equals(RuleTracker.EXHAUSTED) && !a.equals(Fleet.DEGRADED))
                .forEach(cleared::add);
        List<AlertEvent> news = r.book().update(new AlertBook.Cycle(cluster, vip, in.active(), cleared,
                        in.silence().isPresent()),
                rule -> channelsOf(rule, in.exhausted()), channel -> repeat(settings, channel), now);
        Map<String, List<AlertEvent>> byChannel = new LinkedHashMap<>();
        news.forEach(e -> byChannel.computeIfAbsent(e.channel(), c -> new ArrayList<>()).add(e));
        byChannel.forEach((channel, events) -> queue(r, channel, events, in, now));
    }

    private void queue(Running r, String channel, List<AlertEvent> events, CycleInput in, Instant now) {
        try {
            VipFacts facts = in.facts();
            Instant earliest = events.stream().map(AlertEvent::since).min(Instant::compareTo).orElse(now);
            Optional<RepairOutcome> repair = in.lastRepair().filter(o -> !o.finishedAt().isBefore(earliest));
            List<AlertMessage.Item> items = events.stream().map(e -> item(e, in, repair)).toList();
            AlertMessage message = new AlertMessage(channel, facts.cluster(), facts.vip().name(),
                    facts.vip().address().ip(), now, items, facts, in.evaluation(), repair, in.silence());
            Notification n = factory.render(settings.channels().channels().get(channel), message);
            r.outbox().enqueue(n);
            log.info("{}/{}: queued {} for {}: {}", facts.cluster(), facts.vip().name(), n.id(), channel,
                    n.subject());
            r.dispatcher().wake();
        } catch (IOException | RuntimeException e) {
            renderFailures.incrementAndGet();
            log.error("{}/{}: cannot queue the alert for channel {}: {}", in.facts().cluster(),
                    in.facts().vip().name(), channel, e.toString());
        }
    }

    /**
     * Alerts that may resolve: rules seen clear for {@code clear_for} cycles (a rule that is merely not firing, e.g.
     * undecided, or not yet re-evaluated after a restart, keeps its alert), and {@code repair-exhausted} once every
     * rule was decided and none fires.
     */
    private Set<String> cleared(CycleInput in) {
        Set<String> cleared = new HashSet<>();
        for (RuleTracker.RuleStatus r : in.rules()) {
            Rule rule = rules.get(r.rule());
            int clearFor = rule == null ? 1 : rule.lifecycle().clearFor();
            if (!r.firing() && r.falseStreak() >= clearFor) {
                cleared.add(r.rule());
            }
        }
        if (in.exhausted().isEmpty() && in.evaluation().healthy() && in.evaluation().undecided().isEmpty()) {
            cleared.add(RuleTracker.EXHAUSTED);
        }
        if (!in.active().containsKey(Fleet.DEGRADED)) {
            cleared.add(Fleet.DEGRADED);
        }
        return cleared;
    }

    private List<String> channelsOf(String alert, List<String> exhausted) {
        List<String> defaults = settings.channels().defaultChannels();
        if (alert.equals(RuleTracker.EXHAUSTED)) {
            Set<String> union = new LinkedHashSet<>();
            exhausted.forEach(r -> union.addAll(channelsOf(r, List.of())));
            return union.isEmpty() ? defaults : List.copyOf(union);
        }
        Rule rule = rules.get(alert);
        return rule == null ? defaults : rule.lifecycle().alerts().orElse(defaults);
    }

    private AlertMessage.Item item(AlertEvent e, CycleInput in, Optional<RepairOutcome> repair) {
        if (e.rule().equals(RuleTracker.EXHAUSTED)) {
            return new AlertMessage.Item(e, Severity.CRITICAL, "vipwatch used up its repair attempts ("
                    + String.join(", ", in.exhausted()) + ") and stopped repairing this VIP", List.of(),
                    "no more repairs until the VIP has been seen healthy; a person has to look",
                    Optional.of("read the repair steps in the audit log; fix the cause, vipwatch resumes by itself "
                            + "once the VIP is healthy"));
        }
        if (e.rule().equals(Fleet.DEGRADED)) {
            return new AlertMessage.Item(e, Severity.WARNING, "the job store database of the vipwatch fleet is "
                    + "unreachable from " + ThisHost.name() + ": it watches and alerts on its own, and repairs "
                    + "nothing", List.of(), "no repairs by this instance until the job store answers again",
                    Optional.of("check the job store database and the network to it; vipwatch resumes by itself"));
        }
        Rule rule = rules.get(e.rule());
        Optional<Problem> problem = in.evaluation().problems().stream().filter(p -> p.name().equals(e.rule()))
                .findFirst();
        Severity severity = rule == null ? Severity.WARNING : rule.severity();
        String summary = problem.map(Problem::summary).orElse(rule == null ? e.rule() : rule.summary());
        List<String> hosts = problem.map(Problem::hosts).orElse(List.of());
        Optional<String> runbook = rule == null ? Optional.empty() : rule.lifecycle().runbook();
        return new AlertMessage.Item(e, severity, summary, hosts, action(rule, in, repair), runbook);
    }

    /** What vipwatch did or will do about a rule, in words. */
    private static String action(Rule rule, CycleInput in, Optional<RepairOutcome> repair) {
        Optional<String> plan = rule == null ? Optional.empty() : rule.lifecycle().repair();
        if (plan.isEmpty()) {
            return "alert only: this rule has no repair plan";
        }
        if (in.silence().isPresent()) {
            return "repairs suspended by " + in.silence().get();
        }
        Optional<RepairOutcome> mine = repair.filter(r -> r.plan().equals(plan.get()));
        if (mine.isPresent()) {
            RepairOutcome r = mine.get();
            return r.result() == RepairOutcome.Result.DRY_RUN
                    ? "dry-run: repair " + plan.get() + " planned and audited, nothing changed"
                    : "repair " + plan.get() + ": " + r.result().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")");
        }
        if (in.exhausted().contains(rule.name())) {
            return "repair " + plan.get() + " stopped: max_attempts reached";
        }
        return (in.dryRun() ? "dry-run: " : "") + "repair " + plan.get()
                + " not run yet (cooldown, or no host to work on)";
    }

    /** One VIP's active alerts and what each channel was told; empty before {@link #start()}. */
    Map<String, AlertBook.Saved> save(String cluster, String vip) {
        Running r = running;
        return r == null ? Map.of() : r.book().save(cluster, vip);
    }

    /** Continues one VIP's alerts from what another instance saved. */
    void restore(String cluster, String vip, Map<String, AlertBook.Saved> saved) {
        Running r = running;
        if (r != null) {
            r.book().restore(cluster, vip, saved);
        }
    }

    DeliveryStats stats() {
        Running r = running;
        return r == null ? new DeliveryStats(Map.of(), List.of()) : r.dispatcher().stats();
    }

    long renderFailures() {
        return renderFailures.get();
    }

    /** Stops delivering; what is still pending stays in the outbox for the next start. */
    @Override
    public void close() {
        Running r = running;
        if (r != null) {
            r.dispatcher().close();
        }
    }

    private static String version() {
        String v = Alerting.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
