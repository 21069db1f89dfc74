package io.calltrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());

    private static List<byte[]> records(String... texts) {
        List<byte[]> records = new ArrayList<>();
        for (String text : texts) {
            records.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    private void deliver(List<byte[]> records) {
        records.forEach(record -> delivered.add(new String(record, StandardCharsets.UTF_8)));
    }

    @Test
    void recordsAreDeliveredInOrderAfterTheyAreDurable(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, "t", this::deliver, 100, 1 << 20)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                writes.add(spool.append(records("a" + i, "b" + i)));
            }
            for (CompletableFuture<Void> write : writes) {
                write.get(5, TimeUnit.SECONDS);
            }
            assertThat(spool.awaitLoaded(Duration.ofSeconds(5))).isTrue();
            assertThat(spool.backlogBytes()).isZero();
        }
        assertThat(delivered).hasSize(100).startsWith("a0", "b0", "a1").endsWith("b49");
    }

    @Test
    void recordsLargerThanOneReadTogetherAreDeliveredWholeAndInOrder(@TempDir Path dir) throws Exception {
        // 40 records of 200 KiB (8 MiB in all, in one segment) are read a window of about 2 MiB at a time; one of
        // 1 MiB, the largest allowed, must still fit a window of its own.
        String filler = "x".repeat(200 * 1024 - 8);
        try (Spool spool = Spool.open(dir, "t", this::deliver, 10_000, 64L << 20)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                writes.add(spool.append(records(String.format("%08d", i) + filler)));
            }
            writes.add(spool.append(records("largest!" + "y".repeat(1024 * 1024 - 8))));
            for (CompletableFuture<Void> write : writes) {
                write.get(10, TimeUnit.SECONDS);
            }
            assertThat(spool.awaitLoaded(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(delivered).hasSize(41);
        for (int i = 0; i < 40; i++) {
            assertThat(delivered.get(i)).startsWith(String.format("%08d", i)).hasSize(200 * 1024);
        }
        assertThat(delivered.get(40)).startsWith("largest!").hasSize(1024 * 1024);
    }

    @Test
    void acknowledgedRecordsSurviveARestartWhileTheConsumerIsFailing(@TempDir Path dir) throws Exception {
        AtomicBoolean databaseDown = new AtomicBoolean(true);
        Spool.Consumer consumer = records -> {
            if (databaseDown.get()) {
                throw new IllegalStateException("database down");
            }
            deliver(records);
        };
        try (Spool spool = Spool.open(dir, "t", consumer, 100, 1 << 20)) {
            spool.append(records("one", "two")).get(5, TimeUnit.SECONDS);
            assertThat(spool.awaitLoaded(Duration.ofMillis(300))).isFalse();
        }
        assertThat(delivered).isEmpty();
        databaseDown.set(false);
        try (Spool spool = Spool.open(dir, "t", consumer, 100, 1 << 20)) {
            assertThat(spool.awaitLoaded(Duration.ofSeconds(10))).isTrue();
            spool.append(records("three")).get(5, TimeUnit.SECONDS);
            assertThat(spool.awaitLoaded(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(delivered).containsExactly("one", "two", "three");
        // loaded segments are removed; a further restart delivers nothing again
        assertARestartDeliversNothing(dir);
    }

    @Test
    void recordsAreForgottenOnlyOnceTheConsumerMadeThemDurable(@TempDir Path dir) throws Exception {
        // The database took the records (committed) but could not make them durable: a restart must hand them over again.
        Runnable failingFlush = () -> {
            throw new IllegalStateException("the database's file cannot be written");
        };
        try (Spool spool = Spool.open(dir, "t", this::deliver, failingFlush, 100, 1 << 20)) {
            spool.append(records("one", "two")).get(5, TimeUnit.SECONDS);
            assertThat(spool.awaitLoaded(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(delivered).containsExactly("one", "two");
        delivered.clear();
        List<Integer> flushes = Collections.synchronizedList(new ArrayList<>());
        try (Spool spool = Spool.open(dir, "t", this::deliver, () -> flushes.add(delivered.size()), 100, 1 << 20)) {
            assertThat(spool.awaitLoaded(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(delivered).containsExactly("one", "two");
        // flushed after the records were handed over, so the checkpoint could pass them
        assertThat(flushes).isNotEmpty().allSatisfy(seen -> assertThat(seen).isEqualTo(2));
        assertARestartDeliversNothing(dir);
    }

    private void assertARestartDeliversNothing(Path dir) {
        delivered.clear();
        try (Spool spool = Spool.open(dir, "t", this::deliver, 100, 1 << 20)) {
            assertThat(spool.awaitLoaded(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(delivered).isEmpty();
    }

    @Test
    void aSegmentLeftBehindTheCheckpointByACrashIsDeletedNotLoadedAgain(@TempDir Path dir) throws Exception {
        Path leftover = dir.resolve("t-000000000002.log");
        ByteBuffer record = ByteBuffer.allocate(8 + 3);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update("old".getBytes(StandardCharsets.UTF_8));
        record.putInt(3).putInt((int) crc.getValue()).put("old".getBytes(StandardCharsets.UTF_8));
        Files.write(leftover, record.array());
        Files.writeString(dir.resolve("t.checkpoint"), "3 0");
        try (Spool spool = Spool.open(dir, "t", this::deliver, 100, 1 << 20)) {
            assertThat(spool.awaitLoaded(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(leftover).doesNotExist();
        assertThat(delivered).isEmpty();
    }

    @Test
    void aTornTailFromACrashIsSkipped(@TempDir Path dir) throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        Spool.Consumer consumer = records -> {
            if (down.get()) {
                throw new IllegalStateException("down");
            }
            deliver(records);
        };
        try (Spool spool = Spool.open(dir, "t", consumer, 100, 1 << 20)) {
            spool.append(records("kept")).get(5, TimeUnit.SECONDS);
        }
        Path segment;
        try (var files = Files.list(dir)) {
            segment = files.filter(path -> path.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        // half a record, as a crash in the middle of a write leaves it
        Files.write(segment, new byte[] {0, 0, 0, 20, 1, 2, 3, 4, 'x'}, StandardOpenOption.APPEND);
        down.set(false);
        try (Spool spool = Spool.open(dir, "t", consumer, 100, 1 << 20)) {
            spool.append(records("after")).get(5, TimeUnit.SECONDS);
            assertThat(spool.awaitLoaded(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(delivered).containsExactly("kept", "after");
    }

    @Test
    void aFullBacklogRefusesNewRecords(@TempDir Path dir) throws IOException {
        try (Spool spool = Spool.open(dir, "t", records -> {
            throw new IllegalStateException("down");
        }, 100, 64)) {
            spool.append(records("x".repeat(100))).join();
            assertThatThrownBy(() -> spool.append(records("y"))).isInstanceOf(Spool.Full.class);
        }
    }

    @Test
    void anAppendTheDiskDoesNotTakeInTimeFailsAndLaterOnesSucceed(@TempDir Path dir) throws Exception {
        CountDownLatch diskBack = new CountDownLatch(1);
        AtomicBoolean hanging = new AtomicBoolean(true);
        Spool.Sync hangingDisk = channel -> {
            if (hanging.get()) {
                try {
                    diskBack.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            channel.force(false);
        };
        try (Spool spool = Spool.open(dir, "t", this::deliver, () -> { }, 100, 1 << 20, Duration.ofMillis(200), hangingDisk)) {
            CompletableFuture<Void> stuck = spool.append(records("first"));
            CompletableFuture<Void> queued = spool.append(records("second"));
            assertThatThrownBy(() -> stuck.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(Spool.Full.class)
                    .hasMessageContaining("not written to disk in time");
            assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(Spool.Full.class);
            hanging.set(false);
            diskBack.countDown();
            spool.append(records("third")).get(5, TimeUnit.SECONDS);
            assertThat(spool.awaitLoaded(Duration.ofSeconds(5))).isTrue();
        }
        // Failed for their senders, the first two were written after all: a retry would be absorbed as a duplicate.
        assertThat(delivered).containsExactly("first", "second", "third");
    }

    @Test
    void aFailingConsumerIsRetriedAfterABackoffNotAfterEveryWrite(@TempDir Path dir) throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Spool.Consumer databaseDown = records -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("database down");
        };
        try (Spool spool = Spool.open(dir, "t", databaseDown, 100, 1 << 20)) {
            for (int i = 0; i < 100; i++) {
                spool.append(records("r" + i)).get(5, TimeUnit.SECONDS);
                Thread.sleep(5);
            }
        }
        // A hundred writes over more than half a second each woke the loader; waiting 100, 200, 400 ms between its
        // attempts, it made a handful (one more as it closed).
        assertThat(attempts.get()).isBetween(2, 8);
    }
}
