package io.lipdrop.lipsync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threads joined by bounded queues. The first failure anywhere stops every stage, and is what
 * {@link #rethrowFailure()} throws; the queues' capacity is what bounds memory.
 */
final class StagePipeline {
    @FunctionalInterface
    interface Body { void run() throws Exception; }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final String name;

    StagePipeline(String name) { this.name = name; }

    void start(String stage, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (CancellationException e) {
                // another stage failed first
            } catch (Throwable e) {
                fail(e);
            }
        }, "lipsync-" + stage + "-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    void fail(Throwable e) {
        if (failure.compareAndSet(null, e)) threads.forEach(Thread::interrupt);
    }

    <T> void put(BlockingQueue<T> q, T item) throws InterruptedException {
        while (!q.offer(item, 50, TimeUnit.MILLISECONDS)) checkFailure();
    }

    <T> T take(BlockingQueue<T> q) throws InterruptedException {
        T item;
        while ((item = q.poll(50, TimeUnit.MILLISECONDS)) == null) checkFailure();
        return item;
    }

    private void checkFailure() {
        if (failure.get() != null) throw new CancellationException();
    }

    void join() throws InterruptedException {
        for (Thread t : threads) t.join();
    }

    void stop() {
        threads.forEach(Thread::interrupt);
    }

    void rethrowFailure() {
        Throwable e = failure.get();
        if (e == null) return;
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        throw new IllegalStateException(e.getMessage(), e);
    }
}
