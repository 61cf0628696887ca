package io.vipwatch.alert;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written fake receiver: records every attempt, fails the ids it is told to, can hang until released. */
final class ScriptedSender implements Sender {
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final Set<String> alwaysFailing = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final CountDownLatch hang;

    ScriptedSender() {
        this(new CountDownLatch(0));
    }

    /** Every attempt blocks until {@code hang} is counted down, like a receiver that accepts and never answers. */
    ScriptedSender(CountDownLatch hang) {
        this.hang = hang;
    }

    ScriptedSender failing(String id, int times) {
        failuresLeft.put(id, new AtomicInteger(times));
        return this;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        attempts.add(n.id());
        try {
            hang.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted");
        }
        if (alwaysFailing.contains(n.id())
                || failuresLeft.getOrDefault(n.id(), new AtomicInteger()).getAndDecrement() > 0) {
            throw new DeliveryException("receiver refused " + n.id());
        }
        delivered.add(n.id());
    }
}
