package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sharing engines, modules and linkers between threads; one thread at a time per store. */
class ThreadsTest {
    static final String FIB =
            "(module (memory (export \"memory\") 1)"
                    + " (func $fib (export \"fib\") (param i32) (result i32)"
                    + "   (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))"
                    + "     (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))"
                    + "                    (call $fib (i32.sub (local.get 0) (i32.const 2)))))))"
                    + " (func (export \"put\") (param i32 i32) (i32.store (local.get 0) (local.get 1)))"
                    + " (func (export \"get\") (param i32) (result i32) (i32.load (local.get 0))))";
    static final int[] FIBS = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181};

    private final Engine engine = new Engine();
    private final Module module = Module.fromText(engine, FIB);
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        module.close();
        engine.close();
    }

    @Test
    void fourThreadsShareAnEngineAndModuleEachWithItsOwnStore() throws Exception {
        CyclicBarrier start = new CyclicBarrier(4);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int me = t;
            results.add(pool.submit(() -> {
                start.await();
                int checked = 0;
                try (Store<Integer> store = new Store<>(engine, me)) {
                    Instance instance = new Instance(store, module);
                    TypedFunc fib = instance.getTypedFunc("fib");
                    TypedFunc put = instance.getTypedFunc("put");
                    TypedFunc get = instance.getTypedFunc("get");
                    for (int round = 0; round < 200; round++) {
                        int n = (round + me) % FIBS.length;
                        assertEquals(FIBS[n], fib.callI32ToI32(n));
                        put.callI32I32(4 * n, me * 1000 + round);
                        assertEquals(me * 1000 + round, get.callI32ToI32(4 * n));
                        assertEquals(me, store.data());
                        checked++;
                    }
                }
                return checked;
            }));
        }
        for (Future<Integer> r : results) {
            assertEquals(200, r.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void fourThreadsInstantiateThroughOneLinker() throws Exception {
        try (Linker<Void> linker = new Linker<>(engine);
                Module importer =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                                        + " (func (export \"run\") (param i32) (result i32) (call $f (local.get 0))))")) {
            linker.define("env", "f", HostFunc.i32ToI32(x -> x + 1));
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int me = t;
                results.add(pool.submit(() -> {
                    int sum = 0;
                    for (int i = 0; i < 50; i++) {
                        try (Store<Void> store = new Store<>(engine)) {
                            sum += linker.instantiate(store, importer).getTypedFunc("run").callI32ToI32(me);
                        }
                    }
                    return sum;
                }));
            }
            for (int t = 0; t < 4; t++) {
                assertEquals(50 * (t + 1), results.get(t).get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aStoreInACallOnOneThreadRefusesAnotherThread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Store<Void> store = new Store<>(engine);
                Linker<Void> linker = new Linker<>(engine);
                Module blocking =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"wait\" (func $wait (result i32))) (memory (export \"memory\") 1)"
                                        + " (func (export \"run\") (result i32) (i32.add (call $wait) (i32.const 1)))"
                                        + " (func (export \"other\") (result i32) (i32.const 5)))")) {
            linker.define("env", "wait", HostFunc.toI32(() -> {
                entered.countDown();
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return 41;
            }));
            Instance instance = linker.instantiate(store, blocking);
            TypedFunc run = instance.getTypedFunc("run");
            Func other = instance.getFunc("other");
            Memory memory = instance.getMemory("memory");
            AtomicReference<Integer> result = new AtomicReference<>();
            Thread first = new Thread(() -> result.set(run.callToI32()), "first");
            first.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));

            String inUse = "the store is in use by thread first; a store is used by one thread at a time";
            assertEquals(inUse, assertThrows(IllegalStateException.class, other::call).getMessage());
            assertEquals(inUse, assertThrows(IllegalStateException.class, () -> other.typed()).getMessage());
            assertEquals(inUse, assertThrows(IllegalStateException.class, () -> memory.read(0, 1)).getMessage());
            assertEquals(inUse, assertThrows(IllegalStateException.class, () -> new Instance(store, blocking)).getMessage());
            assertEquals(inUse, assertThrows(IllegalStateException.class, store::getFuel).getMessage());
            assertEquals(
                    "cannot close a store that another thread is using",
                    assertThrows(IllegalStateException.class, store::close).getMessage());

            release.countDown();
            first.join(30_000);
            assertEquals(42, result.get());
            // Once the call returns, the store is free for any thread.
            assertEquals(5, other.call()[0].i32());
            assertEquals(42, run.callToI32());
        }
    }

    @Test
    @SuppressWarnings("try") // another thread closes the store inside its try block, on purpose
    void aStoreMovesBetweenThreadsBetweenCalls() throws Exception {
        try (Store<Void> store = new Store<>(engine)) {
            Instance instance = new Instance(store, module);
            TypedFunc fib = instance.getTypedFunc("fib");
            assertEquals(55, fib.callI32ToI32(10));
            assertEquals(89, pool.submit(() -> fib.callI32ToI32(11)).get(30, TimeUnit.SECONDS));
            assertEquals(144, fib.callI32ToI32(12));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread closer = new Thread(() -> {
                try {
                    store.close();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            closer.start();
            closer.join();
            assertNull(failure.get());
            assertEquals(
                    "the store is closed",
                    assertThrows(IllegalStateException.class, () -> fib.callI32ToI32(1)).getMessage());
        }
    }

    @Test
    void closeRacingCallsOnAnotherThreadEitherWaitsItsTurnOrIsRefused() throws Exception {
        for (int round = 0; round < 20; round++) {
            Store<Void> store = new Store<>(engine);
            TypedFunc fib = new Instance(store, module).getTypedFunc("fib");
            CountDownLatch started = new CountDownLatch(1);
            Future<Integer> calls = pool.submit(() -> {
                int done = 0;
                try {
                    for (;;) {
                        assertEquals(610, fib.callI32ToI32(15));
                        done++;
                        started.countDown();
                        // A pause between calls, so the close finds the store free soon.
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    }
                } catch (IllegalStateException e) {
                    // Either the close won, or a call raced the close's hold on the store.
                    assertTrue(
                            e.getMessage().equals("the store is closed")
                                    || e.getMessage().startsWith("the store is in use by thread "),
                            e.getMessage());
                    if (e.getMessage().equals("the store is closed")) {
                        return done;
                    }
                    throw e;
                }
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            for (;;) {
                try {
                    store.close();
                    break;
                } catch (IllegalStateException e) {
                    assertEquals("cannot close a store that another thread is using", e.getMessage());
                }
            }
            try {
                assertTrue(calls.get(30, TimeUnit.SECONDS) > 0);
            } catch (java.util.concurrent.ExecutionException e) {
                // The caller lost a race against the close taking the store: also an orderly refusal.
                assertEquals(IllegalStateException.class, e.getCause().getClass());
            }
            store.close();
        }
    }

    @Test
    void closingAnEngineOrModuleWhileOtherThreadsUseThemIsSafe() throws Exception {
        Engine own = new Engine();
        Module shared = Module.fromText(own, FIB);
        CyclicBarrier start = new CyclicBarrier(5);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(pool.submit(() -> {
                start.await();
                int done = 0;
                for (int i = 0; i < 100; i++) {
                    try (Store<Void> store = new Store<>(own)) {
                        assertEquals(55, new Instance(store, shared).getTypedFunc("fib").callI32ToI32(10));
                        done++;
                    } catch (IllegalStateException e) {
                        // After the close, new stores and instances are refused, never crash.
                        assertTrue(e.getMessage().equals("the engine is closed")
                                || e.getMessage().equals("the module is closed"), e.getMessage());
                    }
                }
                return done;
            }));
        }
        start.await();
        shared.close();
        own.close();
        for (Future<Integer> r : results) {
            int done = r.get(60, TimeUnit.SECONDS);
            assertTrue(done >= 0 && done <= 100, "done: " + done);
        }
    }
}
