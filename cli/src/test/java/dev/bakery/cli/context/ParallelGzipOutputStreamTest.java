package dev.bakery.cli.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {

    private static final int BLOCK = 64 * 1024;

    /** Text, random bytes and zeros interleaved at sizes that do not line up with blocks or segments. */
    private static byte[] mixed(int size) {
        Random random = new Random(size);
        byte[] data = new byte[size];
        int at = 0;
        while (at < size) {
            int n = Math.min(size - at, 1 + random.nextInt(90_000));
            switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] noise = new byte[n];
                    random.nextBytes(noise);
                    System.arraycopy(noise, 0, data, at, n);
                }
                case 1 -> {
                    byte[] text = ("line " + random.nextInt(50) + " of some text\n").repeat(n / 10 + 1).getBytes();
                    System.arraycopy(text, 0, data, at, n);
                }
                default -> Arrays.fill(data, at, at + n, (byte) 0);
            }
            at += n;
        }
        return data;
    }

    private static byte[] compress(byte[] data, int threads, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(out, threads, BLOCK, 6)) {
            for (int at = 0; at < data.length; at += chunk) {
                gzip.write(data, at, Math.min(chunk, data.length - at));
            }
        }
        return out.toByteArray();
    }

    private static byte[] decompress(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 32 * 1024 - 1, 32 * 1024, BLOCK - 1, BLOCK, BLOCK + 1, 10 * BLOCK + 12_345, 3_000_000})
    void roundTripsAtEverySize(int size) throws IOException {
        byte[] data = mixed(size);
        assertThat(decompress(compress(data, 2, 8192))).isEqualTo(data);
    }

    @Test
    void theOutputDependsOnlyOnTheInput() throws IOException {
        byte[] data = mixed(5_000_000);
        byte[] reference = compress(data, 1, data.length + 1);
        assertThat(decompress(reference)).isEqualTo(data);
        for (int round = 0; round < 5; round++) { // finishing order varies from run to run
            assertThat(compress(data, 2, 1000)).isEqualTo(reference);
            assertThat(compress(data, 4, 65_537)).isEqualTo(reference);
        }
    }

    @Test
    void randomBytesAreStoredAndTextIsCompressedLikeGzip() throws IOException {
        byte[] noise = new byte[1 << 20];
        new Random(3).nextBytes(noise);
        byte[] stored = compress(noise, 2, 4096);
        // Each 64 KiB block is two stored blocks (at most 65,535 bytes each) of 5 header bytes, then
        // the gzip header, the final empty block and the trailer.
        assertThat(stored.length).isEqualTo(noise.length + 16 * 2 * 5 + 10 + 5 + 8);

        byte[] text = "the same words again and again, ".repeat(40_000).getBytes();
        assertThat(compress(text, 2, 4096).length).isLessThan(text.length / 50);
    }

    @Test
    void gzipAcceptsTheStream(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.gz");
        byte[] data = mixed(1_500_000);
        Files.write(file, compress(data, 2, 10_000));

        Trees.run("gzip", "-t", file.toString());
        Process gunzip = new ProcessBuilder("gzip", "-dc", file.toString()).start();
        assertThat(gunzip.getInputStream().readAllBytes()).isEqualTo(data);
        assertThat(gunzip.waitFor()).isZero();
    }
}
