import io.calltrail.account.AccountStore;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.store.Database;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Times what the event loader does to H2, without HTTP or the spool: EVENTS page views (default 400,000) of 32
 * sessions inserted in transactions of 2,000 with the loader's statement, once with random (version 4) event ids and
 * once with time-ordered (version 7) ones, each into a fresh database. Prints the CPU time per event of the inserting
 * thread over the second half (the table by then holds what a busy hour leaves).
 *
 * java -cp target/calltrail.jar bench/EventLoadBench.java [EVENTS]
 */
public class EventLoadBench {
    private static final int BATCH = 2000;
    private static final String INSERT = """
            INSERT INTO tracking_event (account_id, id, property_id, session_id, type, url, number_clicked, occurred_at, received_at)
            VALUES (:account, :id, :property, :session, :type, :url, :number, :at, :received)""";

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        for (boolean timeOrdered : new boolean[] {false, true}) {
            Path dir = Files.createTempDirectory("calltrail-event-load");
            try {
                double micros = run(dir, events, timeOrdered);
                System.out.printf("%s event ids: %.1f µs of CPU per event (inserting thread, second half of %,d)%n",
                        timeOrdered ? "time-ordered (v7)" : "random (v4)      ", micros, events);
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    private static double run(Path dir, int events, boolean timeOrdered) {
        String url = "jdbc:h2:file:" + dir.resolve("calltrail") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        try (Database database = Database.open(url, "sa", "", 4)) {
            database.migrate();
            Jdbi jdbi = database.jdbi();
            Instant now = Instant.now();
            long account = jdbi.inTransaction(handle -> new AccountStore(jdbi).insertAccount(handle, "event load bench", false, now).id());
            Property property = jdbi.inTransaction(handle -> new PropertyStore(jdbi).insert(handle, new Property(0, account,
                    "event load bench", "event-load-bench", List.of("www.example.com"), "US", "UTC", "USD",
                    Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, now, now)));
            Random random = new Random(42);
            String[] sessions = new String[32];
            for (int i = 0; i < sessions.length; i++) {
                sessions[i] = UUID.randomUUID().toString();
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long millis = now.toEpochMilli();
            long cpuAtHalf = 0;
            for (int done = 0; done < events; done += BATCH) {
                if (done == events / 2) {
                    cpuAtHalf = threads.getCurrentThreadCpuTime();
                }
                List<Object[]> rows = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    millis += random.nextInt(3);
                    String id = timeOrdered ? timeOrderedId(millis, random) : UUID.randomUUID().toString();
                    rows.add(new Object[] {id, sessions[random.nextInt(sessions.length)], Instant.ofEpochMilli(millis)});
                }
                jdbi.useTransaction(handle -> {
                    PreparedBatch batch = handle.prepareBatch(INSERT);
                    for (Object[] row : rows) {
                        batch.bind("account", account).bind("id", (String) row[0]).bind("property", property.id())
                                .bind("session", (String) row[1]).bind("type", "page_view").bind("url", "http://localhost/demo/")
                                .bind("number", (String) null).bind("at", (Instant) row[2]).bind("received", (Instant) row[2]).add();
                    }
                    batch.execute();
                });
            }
            return (threads.getCurrentThreadCpuTime() - cpuAtHalf) / 1e3 / (events - events / 2);
        }
    }

    private static String timeOrderedId(long millis, Random random) {
        long high = (millis << 16) | 0x7000L | random.nextInt(0x1000);
        long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
