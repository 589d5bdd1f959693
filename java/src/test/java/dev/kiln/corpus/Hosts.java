package dev.kiln.corpus;

import dev.kiln.Component;
import dev.kiln.ComponentLinker;
import dev.kiln.Engine;
import dev.kiln.Result;
import dev.kiln.Store;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.corpus.lists.Lists;
import kiln.corpus.resources.Resources;
import kiln.corpus.scalars.Scalars;
import kiln.corpus.traps.Traps;
import kiln.corpus.variants.Variants;

/**
 * A Java host per world of the WIT corpus, implementing its imports as {@code
 * wit-tools/tests/README.md} ("What the host implements") says, over the
 * generated glue.
 */
final class Hosts {
    private Hosts() {}

    /** One test's instance of a world, with fresh host state. */
    interface Session {
        /** The generated world object. */
        Object world();

        /** Drops a host resource the test holds (the host's destructor). */
        void dropHostResource(Object resource);

        /** The host's named state, as the case file writes it. */
        Object state(String name);
    }

    /** Instantiates {@code world}'s component in a fresh store with a fresh host. */
    static Session open(String world, Engine engine, Component component) {
        Store<Void> store = new Store<>(engine);
        ComponentLinker<Void> linker = new ComponentLinker<>(engine);
        try {
            switch (world) {
                case "scalars": {
                    ScalarsHost host = new ScalarsHost();
                    Scalars.addToLinker(linker, host, host, host);
                    return session(Scalars.instantiate(store, linker, component));
                }
                case "lists": {
                    Lists.addToLinker(linker, new ListsHost());
                    return session(Lists.instantiate(store, linker, component));
                }
                case "variants": {
                    Variants.addToLinker(linker, new VariantsHost());
                    return session(Variants.instantiate(store, linker, component));
                }
                case "resources": {
                    BlobsHost host = new BlobsHost();
                    Resources.addToLinker(linker, host);
                    Resources r = Resources.instantiate(store, linker, component);
                    return new Session() {
                        @Override
                        public Object world() {
                            return r;
                        }

                        @Override
                        public void dropHostResource(Object resource) {
                            host.dropBlob((Resources.Blob) resource);
                        }

                        @Override
                        public Object state(String name) {
                            throw new IllegalArgumentException("no host state " + name);
                        }
                    };
                }
                case "traps": {
                    TrapsHost host = new TrapsHost();
                    Traps.addToLinker(linker, host);
                    Traps t = Traps.instantiate(store, linker, component);
                    return new Session() {
                        @Override
                        public Object world() {
                            return t;
                        }

                        @Override
                        public void dropHostResource(Object resource) {
                            throw new IllegalArgumentException("the traps world has no host resources");
                        }

                        @Override
                        public Object state(String name) {
                            if (!name.equals("notes")) {
                                throw new IllegalArgumentException("no host state " + name);
                            }
                            return host.notes;
                        }
                    };
                }
                default:
                    throw new IllegalArgumentException("no world " + world);
            }
        } finally {
            linker.close();
        }
    }

    private static Session session(Object world) {
        return new Session() {
            @Override
            public Object world() {
                return world;
            }

            @Override
            public void dropHostResource(Object resource) {
                throw new IllegalArgumentException("this world has no host resources");
            }

            @Override
            public Object state(String name) {
                throw new IllegalArgumentException("no host state " + name);
            }
        };
    }

    /** scalars: echoes, the 18 parameters reversed, a greeting, and a value kept per test. */
    static final class ScalarsHost implements Scalars.Imports, Scalars.ScalarHost, Scalars.HostInfo {
        private long value;

        @Override
        public void setHostValue(long x) {
            value = x;
        }

        @Override
        public long getHostValue() {
            return value;
        }

        @Override
        public boolean echoBool(boolean x) {
            return x;
        }

        @Override
        public byte echoU8(byte x) {
            return x;
        }

        @Override
        public short echoU16(short x) {
            return x;
        }

        @Override
        public int echoU32(int x) {
            return x;
        }

        @Override
        public long echoU64(long x) {
            return x;
        }

        @Override
        public byte echoS8(byte x) {
            return x;
        }

        @Override
        public short echoS16(short x) {
            return x;
        }

        @Override
        public int echoS32(int x) {
            return x;
        }

        @Override
        public long echoS64(long x) {
            return x;
        }

        @Override
        public float echoF32(float x) {
            return x;
        }

        @Override
        public double echoF64(double x) {
            return x;
        }

        @Override
        public int echoChar(int x) {
            return x;
        }

        @Override
        public Scalars.Tuple18<
                        Double, Float, Long, Integer, Short, Byte, Boolean, Integer, Double, Float, Long,
                        Long, Integer, Integer, Short, Short, Byte, Byte>
                manyParams(
                        byte a, byte b, short c, short d, int e, int f, long g, long h, float i, double j,
                        int k, boolean l, byte m, short n, int o, long p, float q, double r) {
            return new Scalars.Tuple18<>(r, q, p, o, n, m, l, k, j, i, h, g, f, e, d, c, b, a);
        }

        @Override
        public String greet(String who) {
            return "hello, " + who;
        }
    }

    /** lists: string and list transformations. */
    static final class ListsHost implements Lists.ListHost {
        @Override
        public String reverseString(String s) {
            int[] cps = s.codePoints().toArray();
            StringBuilder out = new StringBuilder(s.length());
            for (int i = cps.length - 1; i >= 0; i--) {
                out.appendCodePoint(cps[i]);
            }
            return out.toString();
        }

        @Override
        public byte[] echoBytes(byte[] b) {
            return b;
        }

        @Override
        public List<String> splitWords(String s) {
            List<String> out = new ArrayList<>();
            for (String w : s.split(" ", -1)) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
            return out;
        }

        @Override
        public List<Lists.Score> sortScores(List<Lists.Score> s) {
            List<Lists.Score> out = new ArrayList<>(s);
            out.sort(Comparator.comparingDouble(Lists.Score::value).reversed());
            return out;
        }

        @Override
        public List<int[]> echoNested(List<int[]> x) {
            return x;
        }

        @Override
        public Lists.Line makeLine(Lists.Point a, Lists.Point b, String label) {
            return new Lists.Line(a, b, label);
        }

        @Override
        public Lists.Tuple3<Double, Byte, String> rotateTriple(Lists.Tuple3<Byte, String, Double> t) {
            return new Lists.Tuple3<>(t.f2(), t.f0(), t.f1());
        }
    }

    /** variants: echoes, a turn, flags inverted, checked division. */
    static final class VariantsHost implements Variants.VariantHost {
        @Override
        public Variants.Shape echoShape(Variants.Shape s) {
            return s;
        }

        @Override
        public Variants.Number echoNumber(Variants.Number n) {
            return n;
        }

        @Override
        public Variants.Direction turnRight(Variants.Direction d) {
            Variants.Direction[] all = Variants.Direction.values();
            return all[(d.ordinal() + 1) % all.length];
        }

        @Override
        public Variants.Wide echoWide(Variants.Wide w) {
            return w;
        }

        @Override
        public EnumSet<Variants.Full> invertFull(EnumSet<Variants.Full> f) {
            return EnumSet.complementOf(f);
        }

        @Override
        public Optional<Optional<Byte>> echoNestedOption(Optional<Optional<Byte>> x) {
            return x;
        }

        @Override
        public Result<Integer, Variants.MathError> safeDiv(int a, int b) {
            if (b == 0) {
                return Result.err(Variants.MathError.DIVIDE_BY_ZERO);
            }
            if (a == Integer.MIN_VALUE && b == -1) {
                return Result.err(Variants.MathError.OVERFLOW);
            }
            return Result.ok(a / b);
        }

        @Override
        public Result<Optional<String>, Result<Byte, String>> echoNestedResult(
                Result<Optional<String>, Result<Byte, String>> r) {
            return r;
        }

        @Override
        public Result<Void, Void> checkPositive(int x) {
            return x > 0 ? Result.ok(null) : Result.err(null);
        }
    }

    /** resources: blobs of bytes the host keeps by representation. */
    static class BlobsHost implements Resources.Blobs {
        private final Map<Integer, ByteArrayOutputStream> blobs = new HashMap<>();
        private int next;

        private ByteArrayOutputStream blob(Resources.Blob b) {
            ByteArrayOutputStream bytes = blobs.get(b.rep());
            if (bytes == null) {
                throw new IllegalStateException("no blob " + b.rep());
            }
            return bytes;
        }

        @Override
        public Resources.Blob newBlob(byte[] init) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(init);
            blobs.put(++next, bytes);
            return new Resources.Blob(next);
        }

        @Override
        public byte[] blobBytes(Resources.Blob self) {
            return blob(self).toByteArray();
        }

        @Override
        public void blobAppend(Resources.Blob self, byte[] more) {
            blob(self).writeBytes(more);
        }

        @Override
        public int blobSize(Resources.Blob self) {
            return blob(self).size();
        }

        @Override
        public Resources.Blob blobConcat(Resources.Blob a, Resources.Blob b) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(blob(a).toByteArray());
            bytes.writeBytes(blob(b).toByteArray());
            return newBlob(bytes.toByteArray());
        }

        @Override
        public int liveBlobs() {
            return blobs.size();
        }

        @Override
        public void dropBlob(Resources.Blob rep) {
            if (blobs.remove(rep.rep()) == null) {
                throw new IllegalStateException("no blob " + rep.rep());
            }
        }
    }

    /** The error {@code trap-host.fail} raises. */
    static final class HostFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HostFailure(String message) {
            super(message);
        }
    }

    /** traps: notes kept per test, and a host function that fails. */
    static final class TrapsHost implements Traps.TrapHost {
        final List<Object> notes = new ArrayList<>();

        @Override
        public void note(int x) {
            notes.add(Integer.toUnsignedLong(x));
        }

        @Override
        public void fail(String msg) {
            throw new HostFailure(msg);
        }
    }
}
