package io.vipwatch.cli;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import io.vipwatch.config.Config;
import io.vipwatch.config.ConfigLoader;
import io.vipwatch.probe.ArpView;
import io.vipwatch.probe.Location;
import io.vipwatch.probe.NeighbourEntry;
import io.vipwatch.probe.Observed;
import io.vipwatch.probe.PingReply;
import io.vipwatch.probe.SqlReply;
import io.vipwatch.probe.VipFacts;
import io.vipwatch.remote.LocalExec;
import io.vipwatch.remote.SshPool;
import io.vipwatch.report.CheckedVip;
import io.vipwatch.report.JsonReport;
import io.vipwatch.rule.RuleLoader;
import io.vipwatch.rule.RuleSet;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Run once by the build (see pom.xml) under {@code -XX:ArchiveClassesAtExit}: it walks the classes a real
 * {@code check} needs — config, rules, SSH key handling, the MySQL driver, both reports — without touching the
 * network, so that the class-data archive the launcher maps makes even the first {@code check} start fast.
 */
@Command(name = "cds-training", hidden = true, description = "Build-time only: load the classes check uses.")
final class CdsTrainingCommand implements Callable<Integer> {
    private static final Duration MS = Duration.ofMillis(1);

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("vipwatch-cds");
        try {
            KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256).writePrivateKey(dir.resolve("id").toString());
            Files.writeString(dir.resolve("known_hosts"), "");
            Files.writeString(dir.resolve("pw"), "training");
            Files.writeString(dir.resolve("vipwatch.yml"), """
                    ssh: { identity_file: id, known_hosts: known_hosts }
                    mysql: { user: monitor, password_file: pw }
                    clusters:
                      - name: c
                        hosts: [ { name: h1, address: 192.0.2.1, interface: eth0 } ]
                        vips: [ { name: v, address: 192.0.2.100/24, expected_holder: h1 } ]
                    """);
            Config config = ConfigLoader.withSystemEnvironment().load(dir.resolve("vipwatch.yml"));
            RuleSet rules = new RuleLoader().loadBundled();
            new SshPool(config.ssh()).close(); // loads the key: JSch's key and cipher classes
            new LocalExec().run(List.of("true"), Duration.ofSeconds(5));
            Properties props = new Properties();
            props.setProperty("user", "monitor");
            com.mysql.cj.conf.ConnectionUrl.getConnectionUrlInstance("jdbc:mysql://192.0.2.100:3306/", props);
            VipFacts facts = new VipFacts("c", config.clusters().get(0).vips().get(0), Instant.EPOCH, MS,
                    new Location(List.of("h1"), List.of("h1"), List.of(), List.of(), List.of(), Map.of("h1", "eth0"),
                            Map.of("h1", "02:00:00:00:00:01"), Map.of("h1", 24), Map.of(), MS),
                    Observed.ok(new PingReply(true, 0.1, ""), MS),
                    List.of(new ArpView("local", Observed.ok(new NeighbourEntry("eth0", "02:00:00:00:00:01", "STALE"), MS))),
                    Observed.ok(List.of("02:00:00:00:00:01"), MS),
                    Observed.ok(new SqlReply(true, "h1", "server_id=1", 1, null, false, ""), MS),
                    new io.vipwatch.probe.Roles(List.of("h1"), true), Optional.empty());
            List<CheckedVip> results = List.of(new CheckedVip(facts, rules.evaluate(facts)));
            JsonReport.render(results, MS);
            TableReport.render(new PrintWriter(Writer.nullWriter()), config.source(), results, MS);
            return ExitCodes.OK;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
