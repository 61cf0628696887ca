package io.vipwatch.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the probe schedule lives ({@code scheduler:}). {@code memory}, the default, keeps it in this process, as
 * a single vipwatch always did. {@code jdbc} puts it in a MySQL/MariaDB job store that several vipwatch instances
 * share through Quartz clustering: each VIP's cycle runs on one instance at a time, an instance that dies has its
 * VIPs picked up by the others, and repairs are granted through per-VIP leases in the same database.
 *
 * @param store           memory or jdbc
 * @param jobStore        the database, for {@code jdbc}
 * @param name            the fleet: instances with the same name share the schedule and the leases
 * @param instanceId      this instance, unique within the fleet
 * @param checkinInterval how often an instance tells the others it is alive; one silent for this long plus a
 *                        grace of half of it is taken for dead and its VIPs move
 * @param repairLease     how long a repair lease lasts without being renewed (each command renews it)
 */
public record SchedulerSettings(Store store, Optional<JobStore> jobStore, String name, String instanceId,
                                Duration checkinInterval, Duration repairLease) {
    public enum Store { MEMORY, JDBC }

    /** The job store database: {@code dsn: mysql://HOST[:PORT]/DATABASE}, a user and a password from a file. */
    public record JobStore(String host, int port, String database, String user, Secret password,
                           Duration connectTimeout, Duration queryTimeout, String sslMode) {
        public JobStore {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(queryTimeout, "queryTimeout");
            Objects.requireNonNull(sslMode, "sslMode");
        }

        /**
         * The watched VIP the job store's address resolves to, if any, in words: checked at start, when names
         * resolve (a literal address was refused at load).
         */
        public java.util.Optional<String> watchedVipBehind(java.util.List<ClusterConfig> clusters) {
            try {
                for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                    for (ClusterConfig c : clusters) {
                        for (VipConfig v : c.vips()) {
                            if (v.address().ip().equals(a.getHostAddress())) {
                                return java.util.Optional.of(host + " resolves to " + a.getHostAddress() + ", VIP "
                                        + v.name() + " of cluster " + c.name());
                            }
                        }
                    }
                }
            } catch (java.net.UnknownHostException e) {
                return java.util.Optional.empty(); // connecting will say so
            }
            return java.util.Optional.empty();
        }

        /** Where it is, for messages: no user, no password. */
        public String where() {
            return host + ":" + port + "/" + database;
        }
    }

    public static final SchedulerSettings MEMORY = new SchedulerSettings(Store.MEMORY, Optional.empty(), "vipwatch",
            "local", Duration.ofSeconds(2), Duration.ofSeconds(10));

    public SchedulerSettings {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(jobStore, "jobStore");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(checkinInterval, "checkinInterval");
        Objects.requireNonNull(repairLease, "repairLease");
        if ((store == Store.JDBC) != jobStore.isPresent()) {
            throw new IllegalArgumentException("a job store database goes with store jdbc, and only with it");
        }
    }

    public boolean clustered() {
        return store == Store.JDBC;
    }
}
