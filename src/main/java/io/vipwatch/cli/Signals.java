package io.vipwatch.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs handlers for POSIX signals (TERM, INT, HUP). The JDK offers no public API for this; {@code sun.misc.Signal}
 * (module jdk.unsupported) is what every Java daemon uses. It is reached by reflection so the build stays free of
 * "internal proprietary API" warnings; if it is missing, the service still runs and says so.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Runs {@code action} on its own thread whenever {@code name} (e.g. "HUP") arrives. */
    static boolean handle(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance(name);
            InvocationHandler ih = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    Thread t = new Thread(action, "vipwatch-signal-" + name);
                    t.setDaemon(true);
                    t.start();
                }
                return null;
            };
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, ih);
            signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot handle SIG{}: {}", name, e.toString());
            return false;
        }
    }
}
