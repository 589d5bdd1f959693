package dev.kiln.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Component;
import dev.kiln.ComponentFunc;
import dev.kiln.ComponentInstance;
import dev.kiln.ComponentLinker;
import dev.kiln.ComponentVal;
import dev.kiln.Engine;
import dev.kiln.FlatCall;
import dev.kiln.Store;
import dev.kiln.TrapException;
import kiln.corpus.variants.Variants;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import kiln.corpus.lists.Lists;
import kiln.corpus.resources.Resources;
import kiln.corpus.traps.Traps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Resources' lifetimes and traps in the middle of a call through the generated
 * Java glue, and the dynamic value path on the same components.
 */
class ComponentGlueTest {
    private static final Engine ENGINE = new Engine();
    private static final Component RESOURCES =
            Component.fromFile(ENGINE, ComponentCorpusTest.GUESTS.resolve("resources.wasm"));
    private static final Component TRAPS = Component.fromFile(ENGINE, ComponentCorpusTest.GUESTS.resolve("traps.wasm"));
    private static final Component LISTS = Component.fromFile(ENGINE, ComponentCorpusTest.GUESTS.resolve("lists.wasm"));
    private static final Component VARIANTS =
            Component.fromFile(ENGINE, ComponentCorpusTest.GUESTS.resolve("variants.wasm"));

    @AfterAll
    static void close() {
        RESOURCES.close();
        TRAPS.close();
        LISTS.close();
        VARIANTS.close();
        ENGINE.close();
    }

    /** A blob host that counts its destructor's calls. */
    static final class CountingBlobs extends Hosts.BlobsHost {
        int drops;

        @Override
        public void dropBlob(Resources.Blob rep) {
            drops++;
            super.dropBlob(rep);
        }
    }

    private static Resources resources(Store<Void> store, Resources.Blobs host) {
        try (ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            Resources.addToLinker(linker, host);
            return Resources.instantiate(store, linker, RESOURCES);
        }
    }

    @Test
    void guestDestructorRunsOnceAndClosedHandlesAreRefused() {
        try (Store<Void> store = new Store<>(ENGINE)) {
            Resources world = resources(store, new CountingBlobs());
            Resources.Counters counters = world.counters();
            Resources.Counter c = counters.newCounter(5);
            assertEquals(1, counters.counterLive());
            assertEquals(8, c.add(3));
            c.close();
            assertEquals(0, counters.counterLive());
            c.close();
            assertEquals(0, counters.counterLive(), "closing twice runs the destructor once");
            assertFalse(c.isLive());
            IllegalStateException e = assertThrows(IllegalStateException.class, c::get);
            assertEquals("this resource handle is closed", e.getMessage());
            // The refusal came before the call: the instance is still usable.
            Resources.Counter d = counters.newCounter(2);
            assertEquals(2, d.get());
            d.close();
        }
    }

    @Test
    void aHandleGivenToTheGuestCannotBeUsedAgain() {
        try (Store<Void> store = new Store<>(ENGINE)) {
            Resources world = resources(store, new CountingBlobs());
            Resources.Counters counters = world.counters();
            Resources.Counter c = counters.newCounter(7);
            assertEquals(7, counters.counterConsume(c));
            assertEquals(0, counters.counterLive(), "the guest dropped the counter it was given");
            assertFalse(c.isLive());
            IllegalStateException e = assertThrows(IllegalStateException.class, c::get);
            assertTrue(e.getMessage().contains("owns it now"), e.getMessage());
            c.close();
            assertEquals(0, counters.counterLive());
        }
    }

    @Test
    void hostDestructorRunsOnceWhenTheGuestDrops() {
        try (Store<Void> store = new Store<>(ENGINE)) {
            CountingBlobs host = new CountingBlobs();
            Resources world = resources(store, host);
            assertArrayEquals(new byte[] {1, 2, 9}, world.blobRoundtrip(new byte[] {1, 2}, new byte[] {9}));
            assertEquals(1, host.drops);
            assertEquals(0, host.liveBlobs());
            Resources.Blob b = world.blobMake(new byte[] {4, 5});
            assertEquals(2, world.blobConsume(b));
            assertEquals(2, host.drops);
            assertFalse(b.isLive());
            assertThrows(IllegalStateException.class, () -> world.blobPeek(b));
            assertEquals(0, world.hostLiveBlobs(), "the instance is still usable");
        }
    }

    @Test
    void aHandleDroppedTwiceInTheGuestTraps() {
        try (Store<Void> store = new Store<>(ENGINE)) {
            Resources world = resources(store, new CountingBlobs());
            TrapException e = assertThrows(TrapException.class, world::blobDoubleDrop);
            assertTrue(e.getMessage().contains("handle"), e.getMessage());
            TrapException again = assertThrows(TrapException.class, world::hostLiveBlobs);
            assertTrue(again.getMessage().contains("cannot enter"), again.getMessage());
        }
    }

    @Test
    void aTrapInTheMiddleOfACallKeepsWhatTheHostSawAndPoisonsTheInstance() {
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            Hosts.TrapsHost host = new Hosts.TrapsHost();
            Traps.addToLinker(linker, host);
            Traps world = Traps.instantiate(store, linker, TRAPS);
            assertEquals(3, world.echo(3));
            TrapException e = assertThrows(TrapException.class, () -> world.trapAfterImport(7));
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            assertEquals(List.of(7L), host.notes);
            TrapException again = assertThrows(TrapException.class, () -> world.echo(1));
            assertTrue(again.getMessage().contains("cannot enter"), again.getMessage());
        }
    }

    @Test
    void aHostExceptionComesBackAsTheSameObject() {
        RuntimeException thrown = new IllegalStateException("from the host");
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            List<Integer> notes = new ArrayList<>();
            Traps.addToLinker(linker, new Traps.TrapHost() {
                @Override
                public void note(int x) {
                    notes.add(x);
                }

                @Override
                public void fail(String msg) {
                    throw thrown;
                }
            });
            Traps world = Traps.instantiate(store, linker, TRAPS);
            RuntimeException e = assertThrows(RuntimeException.class, () -> world.failViaHost(4, "boom"));
            assertSame(thrown, e);
            assertEquals(List.of(4), notes, "the guest stopped at the failing import");
        }
    }

    @Test
    void invalidValuesFromTheGuestTrapWithTheEngineWording() {
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            Traps.addToLinker(linker, new Hosts.TrapsHost());
            Traps world = Traps.instantiate(store, linker, TRAPS);
            TrapException e = assertThrows(TrapException.class, world::badUtf8);
            assertEquals("invalid utf-8 string", e.getMessage());
        }
    }

    @Test
    void dynamicPathCallsTheSameExports() {
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            List<Long> notes = new ArrayList<>();
            linker.instance("kiln:corpus/variant-types");
            linker.funcNew("kiln:corpus/trap-host", "note", args -> {
                notes.add(((ComponentVal.U32) args[0]).value());
                return null;
            });
            linker.funcNew("kiln:corpus/trap-host", "fail", args -> {
                throw new IllegalArgumentException(((ComponentVal.Str) args[0]).value());
            });
            ComponentInstance instance = linker.instantiate(store, TRAPS);
            ComponentFunc echo = instance.getFunc("echo");
            assertEquals(new ComponentVal.U32(4_000_000_000L), echo.call(new ComponentVal.U32(4_000_000_000L)));
            ComponentFunc fail = instance.getFunc("fail-via-host");
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> fail.call(new ComponentVal.U32(9), new ComponentVal.Str("no")));
            assertEquals("no", e.getMessage());
            assertEquals(List.of(9L), notes);
        }
    }

    @Test
    void dynamicAndTypedPathsAgree() {
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            Lists.addToLinker(linker, new Hosts.ListsHost());
            Lists world = Lists.instantiate(store, linker, LISTS);
            List<Lists.Score> scores = List.of(new Lists.Score("a", 1.5), new Lists.Score("b", -2.0));
            List<Lists.Score> typed = world.listApi().echoScores(scores);
            assertEquals(scores, typed);
            ComponentFunc echo = world.instance().getFunc("kiln:corpus/list-api", "echo-scores");
            ComponentVal list = new ComponentVal.ListVal(List.of(
                    new ComponentVal.RecordVal(List.of(
                            new ComponentVal.Field("name", new ComponentVal.Str("a")),
                            new ComponentVal.Field("value", new ComponentVal.Float64(1.5)))),
                    new ComponentVal.RecordVal(List.of(
                            new ComponentVal.Field("name", new ComponentVal.Str("b")),
                            new ComponentVal.Field("value", new ComponentVal.Float64(-2.0))))));
            assertEquals(list, echo.call(list));
        }
    }

    @Test
    void dynamicValuesOfEveryKindMakeTheRoundTrip() {
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            Variants.addToLinker(linker, new Hosts.VariantsHost());
            ComponentInstance instance = linker.instantiate(store, VARIANTS);
            String api = "kiln:corpus/variant-api";
            ComponentVal[] shapes = {
                new ComponentVal.Variant("empty", null),
                new ComponentVal.Variant("circle", new ComponentVal.Float64(-0.0)),
                new ComponentVal.Variant("rect", new ComponentVal.Tuple(List.of(
                        new ComponentVal.Float32(Float.NaN), new ComponentVal.Float32(1.5f)))),
                new ComponentVal.Variant("polygon", new ComponentVal.ListVal(List.of(new ComponentVal.RecordVal(List.of(
                        new ComponentVal.Field("x", new ComponentVal.S32(-1)),
                        new ComponentVal.Field("y", new ComponentVal.S32(Integer.MAX_VALUE))))))),
                new ComponentVal.Variant("labelled", new ComponentVal.Str("h\u00e9llo \ud83d\ude00")),
                new ComponentVal.Variant("tagged", new ComponentVal.U64(-1L)),
                new ComponentVal.Variant("signed", new ComponentVal.S8((byte) -128)),
                new ComponentVal.Variant("colored", new ComponentVal.EnumVal("blue")),
            };
            ComponentFunc echoShape = instance.getFunc(api, "echo-shape");
            for (ComponentVal shape : shapes) {
                assertEquals(shape, echoShape.call(shape));
            }
            ComponentVal flags = new ComponentVal.Flags(List.of("a", "c"));
            assertEquals(flags, instance.getFunc(api, "echo-small").call(flags));
            ComponentVal nested = new ComponentVal.OptionVal(new ComponentVal.OptionVal(null));
            assertEquals(nested, instance.getFunc(api, "echo-nested-option").call(nested));
            ComponentVal none = new ComponentVal.OptionVal(null);
            assertEquals(none, instance.getFunc(api, "echo-nested-option").call(none));
            assertEquals(
                    new ComponentVal.ResultVal(true, new ComponentVal.EnumVal("divide-by-zero")),
                    instance.getFunc(api, "safe-div").call(new ComponentVal.S32(1), new ComponentVal.S32(0)));
            assertEquals(
                    new ComponentVal.ResultVal(false, null),
                    instance.getFunc(api, "check-positive").call(new ComponentVal.S32(3)));
            assertEquals(
                    new ComponentVal.S64(Long.MIN_VALUE),
                    instance.getFunc(api, "unwrap-or").call(none, new ComponentVal.S64(Long.MIN_VALUE)));
            assertEquals(
                    new ComponentVal.EnumVal("east"),
                    instance.getFunc(api, "turn-right").call(new ComponentVal.EnumVal("north")));
            IllegalArgumentException wrong = assertThrows(
                    IllegalArgumentException.class, () -> echoShape.call(new ComponentVal.Bool(true)));
            assertTrue(wrong.getMessage().contains("shape") || wrong.getMessage().contains("variant"), wrong.getMessage());
            assertEquals(shapes[0], echoShape.call(shapes[0]), "a wrong argument leaves the instance usable");
        }
    }

    @Test
    void aCallsMemoryViewIsFetchedAgainAfterTheMemoryGrows() {
        try (Store<Void> store = new Store<>(ENGINE);
                ComponentLinker<Void> linker = new ComponentLinker<>(ENGINE)) {
            Lists.addToLinker(linker, new Hosts.ListsHost());
            ComponentInstance instance = linker.instantiate(store, LISTS);
            ComponentFunc f = instance.getFunc("kiln:corpus/list-api", "sum-bytes");
            try (FlatCall cx = f.flatCall()) {
                ByteBuffer before = cx.memory();
                int size = before.capacity();
                int ptr = cx.realloc(1, size);
                ByteBuffer after = cx.memory();
                assertNotSame(before, after);
                assertEquals(size, before.capacity(), "the old view covers only the old bytes");
                assertTrue(after.capacity() >= ptr + size, "the new one covers the block");
                cx.storeI8(ptr, size - 1, 7);
                assertEquals(7, cx.loadU8(ptr, size - 1));
                assertEquals(7, after.get(ptr + size - 1));
                TrapException e = assertThrows(TrapException.class, () -> cx.loadU8(after.capacity(), 0));
                assertEquals("value pointer/length out of bounds of memory", e.getMessage());
            }
        }
    }

    @Test
    void componentsListTheirImportsAndExports() {
        assertEquals("instance", RESOURCES.exports().get("kiln:corpus/counters"));
        assertEquals("function", RESOURCES.exports().get("blob-make"));
        assertEquals("instance", RESOURCES.imports().get("kiln:corpus/blobs"));
        // The world's `use` of `direction` is a type import too.
        assertEquals(
                List.of("kiln:corpus/trap-host", "kiln:corpus/variant-types", "direction"),
                List.copyOf(TRAPS.imports().keySet()));
    }

    @Test
    void resourceTypesCompareByIdentity() {
        try (Store<Void> store = new Store<>(ENGINE)) {
            Resources world = resources(store, new CountingBlobs());
            dev.kiln.ComponentResourceType counter =
                    world.instance().getResourceType("kiln:corpus/counters", "counter");
            dev.kiln.ComponentResourceType again =
                    world.instance().getResourceType("kiln:corpus/counters", "counter");
            assertTrue(counter.sameAs(again));
            assertFalse(counter.sameAs(Resources.TYPE_BLOB));
            try (Resources.Counter c = world.counters().newCounter(1)) {
                assertTrue(c.resource().type().sameAs(counter));
                assertTrue(c.resource().owned());
                assertEquals(-1, c.resource().rep(), "a guest resource's representation is the guest's own");
            }
        }
    }
}
