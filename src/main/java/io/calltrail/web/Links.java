package io.calltrail.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Links between dashboard pages that keep the page's filters. */
public final class Links {
    private Links() {
    }

    /** {@code ?from=2026-05-01&source=google} of the parameters that have a value, in their order; "" when none has. */
    public static String query(Map<String, String> parameters) {
        String query = parameters.entrySet().stream().filter(entry -> entry.getValue() != null && !entry.getValue().isEmpty())
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return query.isEmpty() ? "" : "?" + query;
    }
}
