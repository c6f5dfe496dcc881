package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.EngineThreads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's memory read bandwidth, the roofline of every decode number: a vector sum over a 1 GiB off-heap
 * buffer (far beyond the caches) split over 1 or 2 engine threads. Read the {@code bytes} counter as bytes/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MemoryBandwidthBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final long CHUNK = 1 << 20;

    @Param({"1", "2"})
    public int threads;

    @Param({"1024"})
    public int megabytes;

    private Arena arena;
    private MemorySegment buffer;
    private EngineThreads pool;
    private float[] partial;
    private EngineThreads.RangeBody body;

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        buffer = arena.allocate((long) megabytes << 20, 64);
        for (long i = 0; i < buffer.byteSize(); i += 4) {
            buffer.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, (i >> 2) % 7);
        }
        pool = EngineThreads.create(threads);
        int chunks = (int) (buffer.byteSize() / CHUNK);
        partial = new float[chunks];
        body = (s, e) -> {
            for (int c = s; c < e; c++) {
                partial[c] = sum(buffer, c * CHUNK, CHUNK);
            }
        };
    }

    private static float sum(MemorySegment seg, long off, long len) {
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        FloatVector c = FloatVector.zero(F);
        FloatVector d = FloatVector.zero(F);
        long step = F.vectorByteSize();
        for (long i = off, end = off + len; i < end; i += 4 * step) {
            a = a.add(FloatVector.fromMemorySegment(F, seg, i, ByteOrder.LITTLE_ENDIAN));
            b = b.add(FloatVector.fromMemorySegment(F, seg, i + step, ByteOrder.LITTLE_ENDIAN));
            c = c.add(FloatVector.fromMemorySegment(F, seg, i + 2 * step, ByteOrder.LITTLE_ENDIAN));
            d = d.add(FloatVector.fromMemorySegment(F, seg, i + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float read(ByteCounter counter) {
        pool.parallelFor(partial.length, 8, body);
        counter.bytes += buffer.byteSize();
        float s = 0;
        for (float p : partial) {
            s += p;
        }
        return s;
    }

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
