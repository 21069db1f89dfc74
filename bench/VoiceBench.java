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
        if (args[0].equals("--write-requests")) {
            writeRequests(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]));
            return;
        }
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
        Map<Double, Long> before = serverHistogram(client, base);
        long start = System.nanoTime() + 50_000_000;
        for (int i = 0; i < total; i++) {
            long scheduled = start + (long) i * 1_000_000_000L / rate;
            int index = i;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            sent.add(threads.submit(() -> {
                String[] signed = signedForm(url, token, to, "CAbench" + label + index + "x" + start, index);
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Twilio-Signature", signed[0])
                        .POST(HttpRequest.BodyPublishers.ofString(signed[1])).build();
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
        Map<Double, Long> after = serverHistogram(client, base);
        List<double[]> delta = new ArrayList<>();
        after.forEach((le, count) -> delta.add(new double[] {le, count - before.getOrDefault(le, 0L)}));
        delta.sort((a, b) -> Double.compare(a[0], b[0]));
        double served = delta.isEmpty() ? 0 : delta.get(delta.size() - 1)[1];
        System.out.printf("%-14s server-side (its own request timer, histogram buckets): p50 <= %s ms, p99 <= %s ms%n", label,
                bucket(delta, served, 0.50), bucket(delta, served, 0.99));
        if (failures.get() > 0) {
            System.exit(1);
        }
    }

    /**
     * Writes N signed voice webhook bodies, one per line as "signature TAB body", for bench/voice.lua,
     * so wrk (which cannot sign) can replay them. Run: ... --write-requests FILE BASE_URL TO TOKEN N
     */
    private static void writeRequests(String file, String base, String to, String token, int count) throws Exception {
        String url = base + "/telephony/twilio/voice";
        StringBuilder out = new StringBuilder();
        long run = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String[] signed = signedForm(url, token, to, "CAwrk" + run + "x" + i, i);
            out.append(signed[0]).append('\t').append(signed[1]).append('\n');
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(file), out);
    }

    /** A voice webhook body for a new call, and its signature: {signature, form-encoded body}. */
    private static String[] signedForm(String url, String token, String to, String callSid, int index) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", "ACbench");
        form.put("CallSid", callSid);
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
        return new String[] {TwilioSignature.sign(token, url, parameters), body.toString()};
    }

    /** The upper bound of the histogram bucket holding the quantile. */
    private static String bucket(List<double[]> buckets, double total, double quantile) {
        for (double[] b : buckets) {
            if (b[1] >= quantile * total) {
                return Double.isInfinite(b[0]) ? "inf" : String.format("%.2f", b[0] * 1000);
            }
        }
        return "n/a";
    }

    /** Cumulative bucket counts of the server's timer for the voice route, by upper bound in seconds. */
    private static Map<Double, Long> serverHistogram(HttpClient client, String base) throws Exception {
        String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<Double, Long> buckets = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "calltrail_http_requests_seconds_bucket\\{method=\"POST\",route=\"/telephony/twilio/voice\",status=\"200\",le=\"([^\"]+)\"} (\\d+)")
                .matcher(metrics);
        while (m.find()) {
            buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)), Long.parseLong(m.group(2)));
        }
        return buckets;
    }
}
