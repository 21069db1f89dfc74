package io.calltrail.tracking;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Known crawlers, previewers and monitors, recognised by user agent from the list in {@code bots.txt}
 * (one lower-case fragment a line). They are shown numbers but lease none, so they cannot drain a pool.
 */
public final class Bots {
    /** Distinct agents remembered; real traffic repeats a few hundred browsers' agents over and over. */
    private static final int MAX_REMEMBERED = 10_000;
    /** Longer agents are checked each time rather than kept: no browser sends one this long. */
    private static final int MAX_REMEMBERED_LENGTH = 512;

    private final List<String> fragments;
    /** Agents already checked against every fragment: the answer is a lookup, not a hundred scans, after the first. */
    private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();

    private Bots(List<String> fragments) {
        this.fragments = List.copyOf(fragments);
    }

    public static Bots load() {
        try (InputStream in = Bots.class.getResourceAsStream("/tracking/bots.txt")) {
            if (in == null) {
                throw new IllegalStateException("missing /tracking/bots.txt in the jar");
            }
            List<String> fragments = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String fragment = line.strip().toLowerCase(Locale.ROOT);
                if (!fragment.isEmpty() && !fragment.startsWith("#")) {
                    fragments.add(fragment);
                }
            }
            return new Bots(fragments);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bot list", e);
        }
    }

    /** A request without a user agent is not a browser's, so it is treated as a bot too. */
    public boolean isBot(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return true;
        }
        if (userAgent.length() > MAX_REMEMBERED_LENGTH) {
            return matches(userAgent);
        }
        Boolean known = seen.get(userAgent);
        if (known != null) {
            return known;
        }
        boolean bot = matches(userAgent);
        if (seen.size() >= MAX_REMEMBERED) {
            seen.clear(); // agents made up per request must not grow the memory without bound
        }
        seen.put(userAgent, bot);
        return bot;
    }

    private boolean matches(String userAgent) {
        String agent = userAgent.toLowerCase(Locale.ROOT);
        for (String fragment : fragments) {
            if (agent.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
