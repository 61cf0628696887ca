package io.vipwatch.remote;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.Slf4jLogger;
import io.vipwatch.config.HostConfig;
import io.vipwatch.config.SshSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH session per host, opened on first use and kept for reuse: a fresh SSH login costs ~0.3 s, a channel on
 * an open session a few milliseconds. Many channels may run on one session at once. A session that fails is
 * dropped and re-opened once within the same call's deadline.
 *
 * <p>Host keys are checked against {@code known_hosts}; with {@code strict_host_keys} (the default) an unknown or
 * changed key is refused. Only public-key authentication is offered.
 *
 * <p>At most {@value #PARALLEL_LOGINS} logins are in progress at once: a key exchange costs both ends tens of
 * milliseconds of CPU, and forty of them at once on a small watchdog host all miss their {@code connect_timeout}
 * together, where eight at a time finish in waves. A login waits for its turn at most {@code connect_timeout}.
 */
public final class SshPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SshPool.class);
    /** Logins in progress at once (see the class comment). */
    public static final int PARALLEL_LOGINS = 8;

    static {
        JSch.setLogger(new Slf4jLogger());
    }

    private final SshSettings settings;
    private final JSch jsch = new JSch();
    private final Map<String, HostSession> sessions = new ConcurrentHashMap<>();
    private final Consumer<String> onReconnect;
    private final Semaphore logins = new Semaphore(PARALLEL_LOGINS, true);

    public SshPool(SshSettings settings) throws JSchException {
        this(settings, host -> { });
    }

    /** @param onReconnect told the host name each time a session is opened again after one was lost (metrics) */
    public SshPool(SshSettings settings, Consumer<String> onReconnect) throws JSchException {
        this.settings = settings;
        this.onReconnect = onReconnect;
        jsch.addIdentity(settings.identityFile().toString());
        if (settings.knownHosts().toFile().exists()) {
            jsch.setKnownHosts(settings.knownHosts().toString());
        }
    }

    /**
     * Runs {@code argv} on {@code host}. Connecting is bounded by {@code connect_timeout}; the command by
     * {@code timeout}. Never throws for network or remote failures: they come back as the result's outcome.
     */
    public CommandResult exec(HostConfig host, List<String> argv, Duration timeout) {
        return execScript(host, ShellWords.join(argv), timeout);
    }

    /**
     * Like {@link #exec} for a fixed script of several commands (e.g. {@code ip -o link show; ip -o addr show}).
     * Only for constant text written in vipwatch's code, never for values from config.
     */
    public CommandResult execScript(HostConfig host, String script, Duration timeout) {
        long start = System.nanoTime();
        HostSession hs = sessions.computeIfAbsent(host.name(), n -> new HostSession(host));
        String failure = "";
        for (int attempt = 1; attempt <= 2; attempt++) {
            Session session;
            try {
                session = hs.connected();
            } catch (JSchException e) {
                return CommandResult.error(host.name(), script, since(start), describe(e, host));
            }
            try {
                return run(host, session, script, timeout, start);
            } catch (JSchException e) {
                // The session died under us (server restarted, network blip): drop it and try once more.
                failure = describe(e, host);
                hs.drop(session);
                log.debug("{}: channel failed on attempt {} ({}), reconnecting", host.name(), attempt, failure);
            }
        }
        return CommandResult.error(host.name(), script, since(start), failure);
    }

    /**
     * Runs one constant, read-only {@code ip} command line (e.g. {@link Commands#INTERFACES}) in the host's
     * long-lived {@code ip -batch} ({@link IpBatch}): on the host that costs no process at all, where an exec costs
     * a session process, a login shell and {@code ip}. Falls back to an exec of {@code ip} when no batch can be had;
     * a batch whose command overran is closed, and the next call starts another.
     */
    public CommandResult ip(HostConfig host, String ipLine, Duration timeout) {
        long start = System.nanoTime();
        HostSession hs = sessions.computeIfAbsent(host.name(), n -> new HostSession(host));
        Session session;
        try {
            session = hs.connected();
        } catch (JSchException e) { // the host is unreachable: an exec would only wait out connect_timeout again
            return CommandResult.error(host.name(), "ip " + ipLine, since(start), describe(e, host));
        }
        IpBatch batch;
        try {
            batch = hs.batch(session, settings.connectTimeout());
        } catch (JSchException e) {
            log.debug("{}: no ip -batch ({}), running ip on its own", host.name(), e.getMessage());
            return execScript(host, Commands.ipOnItsOwn(ipLine), timeout.minus(since(start)));
        }
        CommandResult r = batch.run(ipLine, timeout);
        return r.outcome() == CommandResult.Outcome.ERROR
                ? execScript(host, Commands.ipOnItsOwn(ipLine), timeout.minus(since(start)))
                : r;
    }

    private CommandResult run(HostConfig host, Session session, String script, Duration timeout, long start)
            throws JSchException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        BoundedOutput out = new BoundedOutput(BoundedOutput.DEFAULT_LIMIT);
        BoundedOutput err = new BoundedOutput(BoundedOutput.DEFAULT_LIMIT);
        try {
            channel.setCommand(script);
            channel.setOutputStream(out, true);
            channel.setErrStream(err, true);
            channel.connect((int) Math.max(1, timeout.toMillis()));
            long deadline = start + timeout.toNanos();
            long pauseNanos = 200_000; // start fine-grained: most commands finish within a few milliseconds
            while (!channel.isClosed()) {
                if (System.nanoTime() > deadline) {
                    return new CommandResult(host.name(), script, CommandResult.Outcome.TIMEOUT, -1, out.text(),
                            err.text(), since(start), "no exit within " + timeout.toMillis() + "ms");
                }
                LockSupport.parkNanos(pauseNanos);
                pauseNanos = Math.min(pauseNanos * 2, 10_000_000);
                if (Thread.currentThread().isInterrupted()) {
                    return CommandResult.error(host.name(), script, since(start), "interrupted");
                }
            }
            return new CommandResult(host.name(), script, CommandResult.Outcome.COMPLETED, channel.getExitStatus(),
                    out.text(), err.text(), since(start), "");
        } finally {
            channel.disconnect();
        }
    }

    /**
     * Starts a long-running command (e.g. {@code ip -o monitor address}) on {@code host} over its pooled session and
     * hands every output line to {@code onLine} on a thread of its own; {@code onEnd} is called once, with the
     * reason, when the stream ends for any reason (the command exited, the session died, {@link RemoteStream#close}).
     * The command gets a pseudo-terminal, so that closing the channel hangs it up on the host: nothing is left
     * running there. Only for constant commands written in vipwatch's code.
     *
     * @throws JSchException when the session or the channel cannot be opened within {@code connect_timeout}
     */
    public RemoteStream stream(HostConfig host, String script, Consumer<String> onLine, Consumer<String> onEnd)
            throws JSchException {
        HostSession hs = sessions.computeIfAbsent(host.name(), n -> new HostSession(host));
        Session session = hs.connected();
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(script);
        channel.setPty(true);
        java.io.InputStream in;
        try {
            in = channel.getInputStream();
        } catch (java.io.IOException e) {
            channel.disconnect();
            throw new JSchException("cannot read the output of " + script + ": " + e.getMessage(), e);
        }
        try {
            channel.connect((int) Math.max(1, settings.connectTimeout().toMillis()));
        } catch (JSchException e) {
            hs.drop(session);
            throw e;
        }
        RemoteStream stream = new RemoteStream(host.name(), channel);
        Thread reader = new Thread(() -> stream.pump(in, onLine, onEnd), "vipwatch-stream-" + host.name());
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    /**
     * Opens the sessions of {@code hosts} that are not open yet, {@value #PARALLEL_LOGINS} logins at a time, and
     * waits for them at most {@code limit}: the service calls it before its first cycle, so that cycle probes over
     * warm sessions instead of forty logins racing their timeouts. Returns the problems, host by host; a host that
     * failed here is simply tried again by its first probe.
     */
    public Map<String, String> open(List<HostConfig> hosts, Duration limit) {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_LOGINS, r -> {
            Thread t = new Thread(r, "vipwatch-ssh-login");
            t.setDaemon(true);
            return t;
        });
        Map<String, String> problems = new ConcurrentHashMap<>();
        try {
            List<Future<?>> logins = hosts.stream().<Future<?>>map(h -> pool.submit(() -> {
                try {
                    sessions.computeIfAbsent(h.name(), n -> new HostSession(h)).connected();
                } catch (JSchException e) {
                    problems.put(h.name(), describe(e, h));
                }
            })).toList();
            long deadline = System.nanoTime() + limit.toNanos();
            for (int i = 0; i < logins.size(); i++) {
                try {
                    logins.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    problems.putIfAbsent(hosts.get(i).name(), "no session within " + limit.toMillis() + "ms");
                } catch (ExecutionException e) {
                    problems.putIfAbsent(hosts.get(i).name(), String.valueOf(e.getCause()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        return problems;
    }

    /** Number of sessions currently open (for status and metrics). */
    public int openSessions() {
        return (int) sessions.values().stream().filter(HostSession::isOpen).count();
    }

    @Override
    public void close() {
        sessions.values().forEach(HostSession::close);
        sessions.clear();
    }

    private String describe(JSchException e, HostConfig host) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("UnknownHostKey") || m.contains("reject HostKey")) {
            return "host key of " + host.ip() + " is not in " + settings.knownHosts() + " (strict_host_keys is on)";
        }
        if (m.contains("HostKey has been changed")) {
            return "host key of " + host.ip() + " does not match " + settings.knownHosts() + ": refusing to connect";
        }
        if (m.contains("timeout") || m.contains("timed out")) {
            return "SSH to " + host.ip() + ":" + settings.port() + " timed out after "
                    + settings.connectTimeout().toMillis() + "ms";
        }
        if (m.contains("Auth fail")) {
            return "SSH to " + host.ip() + " as " + settings.user() + ": key " + settings.identityFile()
                    + " was refused";
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "SSH to " + host.ip() + ":" + settings.port() + " failed: " + (root == e ? m : root.getMessage());
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The session of one host, connected lazily under a per-host lock so other hosts are never held up. */
    private final class HostSession {
        private final HostConfig host;
        private Session session;
        private boolean hadSession;
        private IpBatch batch;

        HostSession(HostConfig host) {
            this.host = host;
        }

        synchronized Session connected() throws JSchException {
            if (session != null && session.isConnected()) {
                return session;
            }
            if (hadSession) {
                onReconnect.accept(host.name());
            }
            Session s = jsch.getSession(settings.user(), host.ip(), settings.port());
            s.setConfig("StrictHostKeyChecking", settings.strictHostKeys() ? "yes" : "no");
            s.setConfig("PreferredAuthentications", "publickey");
            int connectMs = (int) settings.connectTimeout().toMillis();
            // A session is declared dead after three unanswered keepalives, 2 x connect_timeout apart: commands
            // have their own deadlines, so this only ends silent event streams. With two keepalives connect_timeout
            // apart, the event streams of a busy 2-core lab (40 hosts x 200 VIPs) kept ending and every reconnect
            // cost a login; with these, none ended in a 5-minute run.
            s.setServerAliveInterval(Math.max(2000, 2 * connectMs));
            s.setServerAliveCountMax(3);
            long start = System.nanoTime();
            try {
                if (!logins.tryAcquire(connectMs, TimeUnit.MILLISECONDS)) {
                    throw new JSchException("timeout: " + PARALLEL_LOGINS + " other SSH logins were in progress "
                            + "for the whole connect_timeout");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JSchException("interrupted while waiting to log in");
            }
            try {
                s.connect(connectMs);
            } finally {
                logins.release();
            }
            log.debug("{}: SSH session to {} open in {}ms", host.name(), host.ip(),
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            session = s;
            hadSession = true;
            return s;
        }

        /** The host's {@code ip -batch}, started on {@code session} if there is none or the last one is gone. */
        synchronized IpBatch batch(Session session, Duration timeout) throws JSchException {
            if (batch == null || !batch.usable()) {
                batch = IpBatch.open(host.name(), session, timeout);
            }
            return batch;
        }

        synchronized void drop(Session failed) {
            if (session == failed) {
                session.disconnect();
                session = null;
            }
        }

        synchronized boolean isOpen() {
            return session != null && session.isConnected();
        }

        synchronized void close() {
            if (batch != null) {
                batch.close();
                batch = null;
            }
            if (session != null) {
                session.disconnect();
                session = null;
            }
        }
    }
}
