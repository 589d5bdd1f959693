package dev.kiln.bench;

import dev.kiln.Component;
import dev.kiln.ComponentFunc;
import dev.kiln.ComponentLinker;
import dev.kiln.ComponentVal;
import dev.kiln.Engine;
import dev.kiln.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kiln.corpus.lists.Lists;

/**
 * One component call with a large argument through the Java package (issue 23's
 * measure): {@code kiln:corpus/list-api#best-name: func(s: list<score>) ->
 * string} of the WIT corpus's {@code lists} guest, called with 1,000 {@code
 * score { name: string, value: f64 }} records through the generated Java glue
 * ({@code wit-tools/golden/java/lists/Lists.java}) and through {@code
 * ComponentFunc.call} with {@code ComponentVal}s, each with its own store and
 * instance and its input built once before timing, as {@code bench/run
 * components} does for Rust.
 *
 * <p>After untimed calls, the two paths take turns in rounds of 200 calls timed
 * one by one; each figure is the median of the rounds' medians and the ratio
 * the median of the rounds' ratios. Arguments: {@code COMPONENT [ROUNDS]}.
 */
public final class Components {
    private Components() {}

    private static final int CALLS = 200;

    public static void main(String[] args) {
        Path wasm = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        try (Engine engine = new Engine(); Component component = Component.fromFile(engine, wasm)) {
            Lists.ListHost host = new Lists.ListHost() {
                @Override
                public String reverseString(String s) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public byte[] echoBytes(byte[] b) {
                    return b;
                }

                @Override
                public List<String> splitWords(String s) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public List<Lists.Score> sortScores(List<Lists.Score> s) {
                    return s;
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
            };
            Store<Void> glueStore = new Store<>(engine);
            ComponentLinker<Void> glueLinker = new ComponentLinker<>(engine);
            Lists.addToLinker(glueLinker, host);
            Lists.ListApi api = Lists.instantiate(glueStore, glueLinker, component).listApi();
            Store<Void> valStore = new Store<>(engine);
            ComponentLinker<Void> valLinker = new ComponentLinker<>(engine);
            Lists.addToLinker(valLinker, host);
            ComponentFunc dynamic =
                    valLinker.instantiate(valStore, component).getFunc("kiln:corpus/list-api", "best-name");

            // The records of bench/src/components.rs: values over [0, 1000) in
            // no order, with one maximum.
            List<Lists.Score> scores = new ArrayList<>();
            List<ComponentVal> vals = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String name = "player-" + i;
                double value = (i * 7919) % 1000;
                scores.add(new Lists.Score(name, value));
                vals.add(new ComponentVal.RecordVal(List.of(
                        new ComponentVal.Field("name", new ComponentVal.Str(name)),
                        new ComponentVal.Field("value", new ComponentVal.Float64(value)))));
            }
            ComponentVal list = new ComponentVal.ListVal(vals);
            String expected = api.bestName(scores);
            String got = ((ComponentVal.Str) dynamic.call(list)).value();
            if (!expected.equals(got)) {
                throw new AssertionError("the paths disagree: " + expected + " and " + got);
            }
            for (int i = 0; i < 2000; i++) {
                api.bestName(scores);
                dynamic.call(list);
            }
            double[] glue = new double[rounds];
            double[] val = new double[rounds];
            double[] ratio = new double[rounds];
            long[] g = new long[CALLS];
            long[] v = new long[CALLS];
            // Many short rounds, the paths' in turn (as bench/src/components.rs
            // and bench/python/components.py measure): each path's calls run
            // one after another, so neither finds the caches as the other
            // left them.
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < CALLS; i++) {
                    long t0 = System.nanoTime();
                    api.bestName(scores);
                    g[i] = System.nanoTime() - t0;
                }
                for (int i = 0; i < CALLS; i++) {
                    long t0 = System.nanoTime();
                    dynamic.call(list);
                    v[i] = System.nanoTime() - t0;
                }
                glue[r] = median(g) / 1000.0;
                val[r] = median(v) / 1000.0;
                ratio[r] = val[r] / glue[r];
            }
            System.out.println("| path | µs per call (median of " + rounds + " rounds of " + CALLS + ") |");
            System.out.println("|---|---|");
            System.out.printf("| generated Java glue | %.1f |%n", median(glue));
            System.out.printf("| ComponentFunc.call with ComponentVal | %.1f |%n", median(val));
            System.out.printf("%ndynamic / glue: %.2fx (median of the rounds' ratios; worst round's glue %.1f µs)%n",
                    median(ratio), Arrays.stream(glue).max().orElse(0));
        }
    }

    private static double median(long[] xs) {
        long[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
