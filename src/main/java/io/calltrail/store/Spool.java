package io.calltrail.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable local queue: records are appended to segment files and fsync'd in groups (one fsync for
 * everything that arrived meanwhile) before {@link #append} completes; a loader thread then hands them,
 * in order and in batches, to a consumer that writes them to the database. The spool forgets records (moves its
 * checkpoint, deletes segments) only after the consumer's {@code flush} says they are durable there, at most once a
 * second: H2 keeps commits in memory for up to a second, and a crash then would lose records already acknowledged.
 * After a crash the records since the last checkpoint are handed over again, so the consumer must be idempotent.
 *
 * <p>Record layout: 4-byte length, 4-byte CRC32C, payload. A torn tail (a crash mid-write) fails its
 * check and ends that segment.
 */
public final class Spool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final long SEGMENT_BYTES = 32L * 1024 * 1024;
    private static final int MAX_RECORD_BYTES = 1024 * 1024;
    /** What the loader reads at once: more than the largest record, so every whole record fits in a window. */
    private static final int READ_BYTES = 2 * MAX_RECORD_BYTES + 8;
    private static final int MAX_QUEUED = 20_000;
    private static final int MAX_GROUP = 4096;
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A gathering loader starts at once when this much is waiting: a full batch, about. */
    private static final long GATHER_BYTES = 256 * 1024;
    /** How often the loader makes what it handed over durable and moves the checkpoint past it. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Writes a batch of records to their destination; must tolerate seeing a record twice. */
    public interface Consumer {
        void apply(List<byte[]> records);
    }

    /** The spool cannot take records now; nothing of the request was acknowledged. */
    public static final class Full extends RuntimeException {
        public Full(String message) {
            super(message);
        }
    }

    private record Pending(List<byte[]> records, CompletableFuture<Void> durable, long sinceNanos) {
    }

    /** Makes what was written to a segment durable: {@code force} but in tests, where it may hang like a failing disk. */
    interface Sync {
        void sync(FileChannel channel) throws IOException;
    }

    private record Position(long segment, long offset) {
    }

    private final Path dir;
    private final String name;
    private final Consumer consumer;
    private final Runnable flush;
    private final int maxBatch;
    private final long maxBacklogBytes;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Thread writer;
    /** Completes the appends of each fsync'd group, and fails those left waiting longer than {@link #failAfterNanos}. */
    private final ScheduledExecutorService answers;
    private final long failAfterNanos;
    private final Sync sync;
    /** The group the writer is writing and fsyncing, while it does. */
    private volatile List<Pending> inFlight = List.of();
    private final Thread loader;
    private volatile boolean running = true;
    /** The loader's read buffer, kept: a new one of this size for every batch would be a garbage collector's chore. */
    private final ByteBuffer window = ByteBuffer.allocate(READ_BYTES);
    /** Set by awaitLoaded: the loader stops gathering and loads what is there now. */
    private volatile boolean hurry;
    private volatile Position durable;
    /** Appends accepted, and appends settled (written, or failed): awaitLoaded waits for both to meet. */
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();
    /** Handed to the consumer (and committed there): what the loader reads next. */
    private volatile Position loaded;
    /** In the checkpoint file, and durable in the consumer's store: where a restart resumes. Loader thread only. */
    private Position checkpoint;
    private long checkpointAtNanos = System.nanoTime();
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> closedSegmentBytes =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private FileChannel channel;

    private Spool(Path dir, String name, Consumer consumer, Runnable flush, int maxBatch, long maxBacklogBytes,
                  Duration failAfter, Sync sync) throws IOException {
        this.dir = dir;
        this.failAfterNanos = failAfter == null ? 0 : failAfter.toNanos();
        this.sync = sync;
        this.name = name;
        this.consumer = consumer;
        this.flush = flush;
        this.maxBatch = maxBatch;
        this.maxBacklogBytes = maxBacklogBytes;
        Files.createDirectories(dir);
        List<Long> segments = segments();
        long next = segments.isEmpty() ? 1 : segments.get(segments.size() - 1) + 1;
        this.loaded = readCheckpoint().orElse(new Position(segments.isEmpty() ? next : segments.get(0), 0));
        this.checkpoint = loaded;
        for (long segment : segments) {
            if (segment < checkpoint.segment()) {
                // Loaded and checkpointed before a crash that came before its deletion.
                Files.deleteIfExists(segmentPath(segment));
            } else {
                closedSegmentBytes.put(segment, Files.size(segmentPath(segment)));
            }
        }
        this.channel = FileChannel.open(segmentPath(next), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.durable = new Position(next, 0);
        this.answers = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name + "-answers");
            thread.setDaemon(true);
            return thread;
        });
        this.writer = new Thread(this::writeLoop, name + "-writer");
        this.loader = new Thread(this::loadLoop, name + "-loader");
        writer.setDaemon(true);
        loader.setDaemon(true);
    }

    /** A spool whose consumer's writes are durable once applied. */
    public static Spool open(Path dir, String name, Consumer consumer, int maxBatch, long maxBacklogBytes) {
        return open(dir, name, consumer, () -> { }, maxBatch, maxBacklogBytes);
    }

    /** @param flush makes everything the consumer applied so far durable in its store; run before records are forgotten */
    public static Spool open(Path dir, String name, Consumer consumer, Runnable flush, int maxBatch, long maxBacklogBytes) {
        return open(dir, name, consumer, flush, maxBatch, maxBacklogBytes, null);
    }

    /**
     * @param failAfter an append not durable after this long fails with {@link Full} (its records may still be written
     *                  later: the consumer absorbs them if the sender retries); null waits for the disk however long
     */
    public static Spool open(Path dir, String name, Consumer consumer, Runnable flush, int maxBatch, long maxBacklogBytes,
                             Duration failAfter) {
        return open(dir, name, consumer, flush, maxBatch, maxBacklogBytes, failAfter, channel -> channel.force(false));
    }

    static Spool open(Path dir, String name, Consumer consumer, Runnable flush, int maxBatch, long maxBacklogBytes,
                      Duration failAfter, Sync sync) {
        try {
            Spool spool = new Spool(dir, name, consumer, flush, maxBatch, maxBacklogBytes, failAfter, sync);
            spool.writer.start();
            spool.loader.start();
            if (spool.failAfterNanos > 0) {
                long period = Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(spool.failAfterNanos) / 4));
                spool.answers.scheduleWithFixedDelay(spool::failOverdue, period, period, TimeUnit.MILLISECONDS);
            }
            return spool;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + name + " spool in " + dir, e);
        }
    }

    /** Completes when the records are on disk (fsync'd); fails fast with {@link Full} under backpressure. */
    public CompletableFuture<Void> append(List<byte[]> records) {
        for (byte[] record : records) {
            if (record.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("record larger than " + MAX_RECORD_BYTES + " bytes");
            }
        }
        if (backlogBytes() > maxBacklogBytes) {
            throw new Full("the " + name + " backlog is full; the database is not keeping up");
        }
        Pending pending = new Pending(records, new CompletableFuture<>(), System.nanoTime());
        accepted.incrementAndGet();
        if (!running || !queue.offer(pending)) {
            settled.incrementAndGet();
            throw new Full("the " + name + " spool is not accepting records now");
        }
        return pending.durable();
    }

    /** Bytes written but not yet handed to the consumer. */
    public long backlogBytes() {
        Position end = durable;
        Position done = loaded;
        if (done.segment() == end.segment()) {
            return Math.max(0, end.offset() - done.offset());
        }
        long bytes = end.offset() - done.offset();
        for (long size : closedSegmentBytes.tailMap(done.segment(), true).values()) {
            bytes += size;
        }
        return Math.max(0, bytes);
    }

    /** Waits until every record appended before this call is on disk and has been handed to the consumer. */
    public boolean awaitLoaded(Duration timeout) {
        long appended = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (settled.get() < appended) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        Position target = durable;
        while (System.nanoTime() < deadline) {
            Position done = loaded;
            if (done.segment() > target.segment() || (done.segment() == target.segment() && done.offset() >= target.offset())) {
                return true;
            }
            hurry = true;
            LockSupport.unpark(loader);
            LockSupport.parkNanos(2_000_000);
        }
        return false;
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    rollWhenIdleAndLoaded();
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP);
                List<Pending> written = List.copyOf(group);
                inFlight = written;
                write(group);
                inFlight = List.of();
                settled.addAndGet(written.size());
                LockSupport.unpark(loader);
                // Completing runs what waits on the records (answering a request, at most) on the answering thread,
                // while this one writes and fsyncs the next group.
                answers.execute(() -> written.forEach(pending -> pending.durable().complete(null)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                log.error("{} spool: write failed", name, e);
                inFlight = List.of();
                group.forEach(pending -> pending.durable().completeExceptionally(e));
                settled.addAndGet(group.size());
            } finally {
                group.clear();
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("{} spool: close failed: {}", name, e.toString());
        }
    }

    private void write(List<Pending> group) throws IOException {
        int size = 0;
        for (Pending pending : group) {
            for (byte[] record : pending.records()) {
                size += 8 + record.length;
            }
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        CRC32C crc = new CRC32C();
        for (Pending pending : group) {
            for (byte[] record : pending.records()) {
                crc.reset();
                crc.update(record);
                buffer.putInt(record.length).putInt((int) crc.getValue()).put(record);
            }
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        sync.sync(channel);
        Position at = durable;
        long offset = at.offset() + size;
        if (offset >= SEGMENT_BYTES) {
            channel.close();
            closedSegmentBytes.put(at.segment(), offset);
            channel = FileChannel.open(segmentPath(at.segment() + 1), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            durable = new Position(at.segment() + 1, 0);
        } else {
            durable = new Position(at.segment(), offset);
        }
    }

    /**
     * Fails the appends that have waited too long, in the writer's hands (a disk that hangs) or behind them in the queue,
     * so that their senders hear of it and may retry; what the writer later completes is then ignored.
     */
    private void failOverdue() {
        long now = System.nanoTime();
        for (Pending pending : inFlight) {
            failIfOverdue(pending, now);
        }
        for (Pending pending : queue) {
            if (!failIfOverdue(pending, now)) {
                break; // the queue is in arrival order: the rest are younger
            }
        }
    }

    private boolean failIfOverdue(Pending pending, long now) {
        if (now - pending.sinceNanos() < failAfterNanos) {
            return false;
        }
        pending.durable().completeExceptionally(new Full("the " + name + " were not written to disk in time; a retry is safe"));
        return true;
    }

    /**
     * Starts a new segment once everything written is loaded and nothing is arriving, so the loader deletes the old
     * one: spooled records (a caller's number, sealed) stay on disk only until they are in the database.
     */
    private void rollWhenIdleAndLoaded() throws IOException {
        Position end = durable;
        Position done = loaded;
        if (end.offset() == 0 || done.segment() != end.segment() || done.offset() < end.offset()) {
            return;
        }
        channel.close();
        closedSegmentBytes.put(end.segment(), end.offset());
        channel = FileChannel.open(segmentPath(end.segment() + 1), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        durable = new Position(end.segment() + 1, 0);
        LockSupport.unpark(loader);
    }

    private void loadLoop() {
        long backoffMillis = 0;
        while (running || backlogBytes() > 0) {
            try {
                if (backoffMillis > 0) {
                    backOff(backoffMillis);
                }
                int handed = loadOnce();
                settle(false);
                if (handed < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                } else if (handed < maxBatch / 4) {
                    gather();
                }
                backoffMillis = 0;
            } catch (RuntimeException | IOException e) {
                backoffMillis = Math.min(Math.max(backoffMillis * 2, 100), 5_000);
                log.warn("{} spool: loading failed, retrying in {} ms: {}", name, backoffMillis, e.toString());
                if (!running) {
                    break;
                }
            }
        }
        try {
            settle(true);
        } catch (RuntimeException | IOException e) {
            log.warn("{} spool: could not settle on close; records since the last checkpoint load again at start: {}",
                    name, e.toString());
        }
    }

    /**
     * Waits the whole backoff (or until the spool closes): the writer wakes the loader after every fsync, and a woken
     * loader would retry a failing database on every group written, logging each time.
     */
    private void backOff(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (running && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Once a second (or now), makes what the consumer was handed durable in its store, then moves the checkpoint there
     * and deletes the segments behind it: until then a restart hands those records over again.
     */
    private void settle(boolean now) throws IOException {
        Position target = loaded;
        if (target.equals(checkpoint) || (!now && System.nanoTime() - checkpointAtNanos < SETTLE_NANOS)) {
            return;
        }
        flush.run();
        Path temporary = dir.resolve(name + ".checkpoint.tmp");
        Files.writeString(temporary, target.segment() + " " + target.offset(), StandardCharsets.US_ASCII);
        Files.move(temporary, dir.resolve(name + ".checkpoint"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (long segment : List.copyOf(closedSegmentBytes.headMap(target.segment()).keySet())) {
            Files.deleteIfExists(segmentPath(segment));
            closedSegmentBytes.remove(segment);
        }
        checkpoint = target;
        checkpointAtNanos = System.nanoTime();
    }

    /**
     * A small batch means records trickle in: let more gather before the next transaction, since a commit (and the
     * checkpoint after it) costs far more than a row; the records are durable here meanwhile. The writer's wake-ups
     * after each fsync do not end the wait, or every fsync'd group would become a transaction of its own.
     */
    private void gather() {
        long deadline = System.nanoTime() + GATHER_NANOS;
        long left;
        while (running && !hurry && backlogBytes() < GATHER_BYTES && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
        hurry = false;
    }

    /** Hands the next batch to the consumer and answers its size; -1 when there was nothing to hand over. */
    private int loadOnce() throws IOException {
        Position from = loaded;
        Position end = durable;
        boolean current = from.segment() == end.segment();
        if (current && from.offset() >= end.offset()) {
            return -1;
        }
        Path file = segmentPath(from.segment());
        long limit = current ? end.offset() : (Files.exists(file) ? Files.size(file) : 0);
        List<byte[]> records = new ArrayList<>();
        long offset = from.offset();
        if (Files.exists(file) && offset < limit) {
            // One read for a whole batch, not two per record: a batch of small events is thousands of records.
            window.clear().limit((int) Math.min(limit - offset, READ_BYTES));
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                while (window.hasRemaining() && in.read(window, offset + window.position()) > 0) {
                    // keep reading until the window is full
                }
            }
            window.flip();
            CRC32C crc = new CRC32C();
            while (records.size() < maxBatch && window.remaining() >= 8) {
                int length = window.getInt(window.position());
                int expected = window.getInt(window.position() + 4);
                if (length < 0 || length > MAX_RECORD_BYTES || offset + 8 + length > limit) {
                    break; // a torn tail: the segment ends here
                }
                if (8 + length > window.remaining()) {
                    break; // whole, but past this window: the next batch starts with it
                }
                byte[] payload = new byte[length];
                window.position(window.position() + 8);
                window.get(payload);
                crc.reset();
                crc.update(payload);
                if ((int) crc.getValue() != expected) {
                    break;
                }
                records.add(payload);
                offset += 8 + length;
            }
        }
        if (records.isEmpty()) {
            if (current) {
                return -1;
            }
            // An older segment is done (or ends in a torn record from a crash): move to the next one. The file goes
            // when the checkpoint passes it.
            loaded = new Position(from.segment() + 1, 0);
            return 0;
        }
        consumer.apply(records);
        loaded = new Position(from.segment(), offset);
        return records.size();
    }

    private java.util.Optional<Position> readCheckpoint() throws IOException {
        Path file = dir.resolve(name + ".checkpoint");
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
        return java.util.Optional.of(new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    }

    private List<Long> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(file -> file.startsWith(name + "-") && file.endsWith(".log"))
                    .map(file -> Long.parseLong(file.substring(name.length() + 1, file.length() - 4)))
                    .sorted()
                    .toList();
        }
    }

    private Path segmentPath(long segment) {
        return dir.resolve(String.format("%s-%012d.log", name, segment));
    }

    /** Stops taking records, writes those queued, and hands what it can to the consumer. */
    @Override
    public void close() {
        running = false;
        hurry = true;
        try {
            writer.join(10_000);
            answers.shutdown();
            answers.awaitTermination(10, TimeUnit.SECONDS);
            LockSupport.unpark(loader);
            loader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
