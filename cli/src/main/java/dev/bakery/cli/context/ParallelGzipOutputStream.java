package dev.bakery.cli.context;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip on several cores the way pigz does it: the input is cut into fixed-size blocks, each block is
 * deflated on a worker thread with the 32 KiB before it as its dictionary and ends on a byte boundary
 * (a sync flush), and the pieces are written in order as one deflate stream in one gzip member. Any
 * gzip reader reads it, and since every decision depends only on the bytes, the same input always
 * gives the same output, whatever the thread timing.
 *
 * <p>Unlike pigz, stretches that look incompressible (compressed media, archives: byte entropy close
 * to 8 bits) are written as stored deflate blocks instead of being run through the compressor, which
 * would spend as long on them as on text to gain nothing. Each compressed run restarts zlib with the
 * 32 KiB before it as dictionary, just as a block does, so stored runs can sit between them.
 */
final class ParallelGzipOutputStream extends OutputStream {

    private static final int WINDOW = 32 * 1024;
    /** Incompressible stretches are found in segments this small: a small image between sources counts. */
    private static final int SEGMENT = 4 * 1024;
    /** Bits per byte from which a segment is stored; even a perfect Huffman code saves under 1.3 % there. */
    private static final double STORED_ENTROPY = 7.9;
    private static final int MAX_STORED = 65_535;
    /** Fixed header: no name, no mtime (so no time in the output), OS = Unix. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    /** A final, empty stored block: ends the deflate stream after the last sync flush. */
    private static final byte[] LAST_BLOCK = {1, 0, 0, (byte) 0xff, (byte) 0xff};
    /** c * log2(c) for every count a segment can hold. */
    private static final double[] C_LOG2_C = new double[SEGMENT + 1];

    static {
        for (int c = 1; c <= SEGMENT; c++) {
            C_LOG2_C[c] = c * Math.log(c) / Math.log(2);
        }
    }

    private final OutputStream out;
    private final int blockSize;
    private final int level;
    private final int maxBlocks;
    private final ExecutorService workers;
    private final ArrayDeque<Block> free = new ArrayDeque<>();
    private final ArrayDeque<Block> inFlight = new ArrayDeque<>();
    private final List<Block> all = new ArrayList<>();
    private final CRC32 crc = new CRC32();
    private long total;
    private Block current;
    private boolean closed;

    /**
     * One block: {@code buffer} holds up to 32 KiB of the input before the block (the dictionary) and
     * then the block itself at offset {@link #WINDOW}. Blocks and their deflaters are reused.
     */
    private static final class Block {
        final byte[] buffer;
        final Deflater deflater;
        final int[] histogram = new int[256];
        byte[] output;
        int dictionary;
        int length;
        int outputLength;
        Future<?> done;

        Block(int size, int level) {
            buffer = new byte[WINDOW + size];
            output = new byte[size + (size >> 4) + 4096];
            deflater = new Deflater(level, true);
        }

        /** Deflates the block: runs of compressible segments through zlib, the others stored. */
        void deflate() {
            outputLength = 0;
            int start = 0;
            boolean stored = incompressible(0);
            while (start < length) {
                int end = Math.min(start + SEGMENT, length);
                boolean next = false;
                while (end < length && (next = incompressible(end)) == stored) {
                    end = Math.min(end + SEGMENT, length);
                }
                if (stored) {
                    store(start, end);
                } else {
                    compress(start, end);
                }
                start = end;
                stored = next;
            }
        }

        /** Whether the segment at {@code from} looks incompressible: its byte entropy is close to 8 bits. */
        private boolean incompressible(int from) {
            int end = WINDOW + Math.min(from + SEGMENT, length);
            Arrays.fill(histogram, 0);
            for (int i = WINDOW + from; i < end; i++) {
                histogram[buffer[i] & 0xff]++;
            }
            // n * entropy = n log2 n - sum(c log2 c), from a table instead of 256 logarithms per segment
            int n = end - WINDOW - from;
            double sum = 0;
            for (int count : histogram) {
                sum += C_LOG2_C[count];
            }
            return C_LOG2_C[n] - sum >= STORED_ENTROPY * n;
        }

        /** Deflate stored blocks; the stream is at a byte boundary after a sync flush or another stored block. */
        private void store(int from, int to) {
            for (int at = from; at < to; at += MAX_STORED) {
                int n = Math.min(MAX_STORED, to - at);
                ensureOutput(n + 5);
                byte[] o = output;
                int p = outputLength;
                o[p] = 0; // not final, stored
                o[p + 1] = (byte) n;
                o[p + 2] = (byte) (n >> 8);
                o[p + 3] = (byte) ~n;
                o[p + 4] = (byte) (~n >> 8);
                System.arraycopy(buffer, WINDOW + at, o, p + 5, n);
                outputLength = p + 5 + n;
            }
        }

        /** zlib with the 32 KiB before {@code from} as dictionary, ending in a sync flush. */
        private void compress(int from, int to) {
            Deflater d = deflater;
            d.reset();
            int dictionaryLength = Math.min(WINDOW, dictionary + from);
            if (dictionaryLength > 0) {
                d.setDictionary(buffer, WINDOW + from - dictionaryLength, dictionaryLength);
            }
            d.setInput(buffer, WINDOW + from, to - from);
            ensureOutput((to - from) + ((to - from) >> 4) + 64);
            while (true) {
                outputLength += d.deflate(output, outputLength, output.length - outputLength, Deflater.SYNC_FLUSH);
                if (outputLength < output.length) {
                    return; // a sync flush is complete once it leaves room in the buffer
                }
                ensureOutput(output.length);
            }
        }

        private void ensureOutput(int more) {
            if (output.length - outputLength < more) {
                output = Arrays.copyOf(output, Math.max(output.length * 2, outputLength + more));
            }
        }
    }

    /**
     * @param threads   deflating threads (the caller's thread fills blocks, checksums and writes)
     * @param blockSize bytes per block, at least 32 KiB: larger blocks cost less per block, smaller ones spread better
     * @param level     {@link Deflater} level for compressible data, 1 to 9
     */
    ParallelGzipOutputStream(OutputStream out, int threads, int blockSize, int level) throws IOException {
        if (blockSize < WINDOW) {
            throw new IllegalArgumentException("blocks must be at least " + WINDOW + " bytes");
        }
        this.out = out;
        this.blockSize = blockSize;
        this.level = level;
        this.maxBlocks = threads * 2 + 1;
        this.workers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "bakery-gzip");
            thread.setDaemon(true);
            return thread;
        });
        out.write(HEADER);
        current = nextBlock(null);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, blockSize - current.length);
            System.arraycopy(b, off, current.buffer, WINDOW + current.length, n);
            current.length += n;
            off += n;
            len -= n;
            if (current.length == blockSize) {
                submit(current);
                current = nextBlock(current);
            }
        }
    }

    /** Deflates what is left, ends the stream and stops the threads; {@code out} stays open. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (current.length > 0) {
                submit(current);
            }
            while (!inFlight.isEmpty()) {
                writeOldest();
            }
            long crcValue = crc.getValue();
            out.write(LAST_BLOCK);
            out.write(new byte[] {(byte) crcValue, (byte) (crcValue >> 8), (byte) (crcValue >> 16), (byte) (crcValue >> 24),
                    (byte) total, (byte) (total >> 8), (byte) (total >> 16), (byte) (total >> 24)});
            out.flush();
        } finally {
            abort();
        }
    }

    /** Stops the threads and frees the deflaters without finishing the stream (after a failure). */
    void abort() {
        if (!closed) {
            closed = true;
            workers.shutdownNow();
            all.forEach(block -> block.deflater.end());
        }
    }

    private void submit(Block block) throws IOException {
        crc.update(block.buffer, WINDOW, block.length);
        total += block.length;
        block.done = workers.submit(block::deflate);
        inFlight.add(block);
        // Write whatever is already finished, in order, so output keeps flowing.
        while (!inFlight.isEmpty() && inFlight.peek().done.isDone()) {
            writeOldest();
        }
    }

    /** A block to fill next, starting with the last 32 KiB of {@code previous} as its dictionary. */
    private Block nextBlock(Block previous) throws IOException {
        Block block;
        if (!free.isEmpty()) {
            block = free.pop();
        } else if (all.size() < maxBlocks) {
            block = new Block(blockSize, level);
            all.add(block);
        } else {
            writeOldest();
            block = free.pop();
        }
        if (previous != null) {
            // previous may be this very block, already written and freed: take its tail before reuse.
            System.arraycopy(previous.buffer, previous.length, block.buffer, 0, WINDOW);
        }
        block.dictionary = previous == null ? 0 : WINDOW; // a full block is longer than the window
        block.length = 0;
        return block;
    }

    private void writeOldest() throws IOException {
        Block block = inFlight.poll();
        try {
            block.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing the context");
        } catch (ExecutionException e) {
            throw new IOException("compressing the context failed", e.getCause());
        }
        out.write(block.output, 0, block.outputLength);
        free.push(block);
    }
}
