import io.calltrail.telephony.TwilioSignature;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signed voice webhooks at a fixed rate (open loop), as a provider sends them: prints the rate achieved
 * and latency percentiles measured from each request's scheduled time, so a stall is not hidden.
 * Run: java -cp target/calltrail.jar bench/VoiceBench.java BASE_URL TO TOKEN [RATE] [SECONDS] [LABEL]
 */
public class VoiceBench {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String to = args[1];
        String token = args[2];
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        String label = args.length > 5 ? args[5] : "voice";
        String url = base + "/telephony/twilio/voice";
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ExecutorService threads = Executors.newFixedThreadPool(64);
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger failures = new AtomicInteger();
        List<Future<?>> sent = new ArrayList<>();
        long start = System.nanoTime() + 50_000_000;
        for (int i = 0; i < total; i++) {
            long scheduled = start + (long) i * 1_000_000_000L / rate;
            int index = i;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            sent.add(threads.submit(() -> {
                Map<String, String> form = new LinkedHashMap<>();
                form.put("AccountSid", "ACbench");
                form.put("CallSid", "CAbench" + label + index + "x" + start);
                form.put("CallStatus", "ringing");
                form.put("Direction", "inbound");
                form.put("From", "+1512555" + String.format("%04d", 2000 + index % 7000));
                form.put("To", to);
                Map<String, List<String>> parameters = new LinkedHashMap<>();
                StringBuilder body = new StringBuilder();
                form.forEach((name, value) -> {
                    parameters.put(name, List.of(value));
                    body.append(body.length() == 0 ? "" : "&").append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
                });
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Twilio-Signature", TwilioSignature.sign(token, url, parameters))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200 || !response.body().contains("<Dial")) {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
                latencies[index] = System.nanoTime() - scheduled;
            }));
        }
        for (Future<?> future : sent) {
            future.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("%-14s %6d requests at %d/s target, %.1f/s achieved, p50 %.2f ms, p99 %.2f ms, max %.2f ms, failures %d%n",
                label, total, rate, total / elapsed, sorted[total / 2] / 1e6, sorted[(int) (total * 0.99)] / 1e6,
                sorted[total - 1] / 1e6, failures.get());
        if (failures.get() > 0) {
            System.exit(1);
        }
    }
}
