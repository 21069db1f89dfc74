package io.calltrail.privacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Which callers were erased, by keyed hash only: in the database, and in a file beside the keys, which a restored
 * database backup does not roll back. Imports ask it before storing a caller; start-up erases again what a restore
 * brought back.
 */
public final class ErasureLog {
    /** One erased caller of one account. */
    public record Entry(long accountId, String callerHash) {
    }

    private final Path file;

    public ErasureLog(Path keysDir) {
        this.file = keysDir.resolve("erasures");
    }

    public static boolean erased(Handle handle, String callerHash) {
        return callerHash != null && handle.createQuery("SELECT COUNT(*) FROM erasure_log WHERE caller_hash = :hash")
                .bind("hash", callerHash).mapTo(Integer.class).one() > 0;
    }

    /** Appends to the file and syncs it, before the database commits the erasure. */
    void append(Entry entry) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((entry.accountId() + " " + entry.callerHash() + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the erasure log " + file, e);
        }
    }

    List<Entry> entries() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Entry> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.strip().split(" ");
                if (parts.length == 2 && parts[1].matches("[0-9a-f]{64}")) {
                    entries.add(new Entry(Long.parseLong(parts[0]), parts[1]));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the erasure log " + file, e);
        }
    }

    static long insert(Handle handle, Entry entry, Instant now, String erased) {
        return handle.createUpdate("""
                        INSERT INTO erasure_log (account_id, caller_hash, erased_at, erased) VALUES (:account, :hash, :now, :erased)""")
                .bind("account", entry.accountId()).bind("hash", entry.callerHash()).bind("now", now).bind("erased", erased)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }
}
