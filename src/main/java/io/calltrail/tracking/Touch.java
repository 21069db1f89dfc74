package io.calltrail.tracking;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Where a visit came from: landing page, referrer, utm parameters and ad click ids. */
public record Touch(
        String landingUrl,
        String referrer,
        String referrerDomain,
        String utmSource,
        String utmMedium,
        String utmCampaign,
        String utmTerm,
        String utmContent,
        String gclid,
        String gbraid,
        String wbraid,
        String msclkid,
        String fbclid) {

    public static final Touch NONE = new Touch(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** Reads utm parameters and click ids from the landing URL, and the domain of the referrer. */
    public static Touch from(String landingUrl, String referrer) {
        Map<String, String> query = query(landingUrl);
        return new Touch(landingUrl, referrer, domainOf(referrer),
                clip(query.get("utm_source"), 256), clip(query.get("utm_medium"), 256),
                clip(query.get("utm_campaign"), 256), clip(query.get("utm_term"), 256),
                clip(query.get("utm_content"), 256),
                clip(query.get("gclid"), 512), clip(query.get("gbraid"), 512), clip(query.get("wbraid"), 512),
                clip(query.get("msclkid"), 512), clip(query.get("fbclid"), 512));
    }

    /** The same touch without ad click ids: what is kept when the visitor denied ad storage. */
    public Touch withoutClickIds() {
        return new Touch(stripClickIds(landingUrl), referrer, referrerDomain, utmSource, utmMedium, utmCampaign, utmTerm,
                utmContent, null, null, null, null, null);
    }

    /** The URL without its ad click id parameters (gclid, gbraid, wbraid, msclkid, fbclid). */
    static String stripClickIds(String url) {
        if (url == null || url.indexOf('?') < 0) {
            return url;
        }
        int start = url.indexOf('?');
        int hash = url.indexOf('#', start);
        String query = url.substring(start + 1, hash < 0 ? url.length() : hash);
        StringBuilder kept = new StringBuilder();
        for (String pair : query.split("&")) {
            String name = decode(pair.split("=", 2)[0]).toLowerCase(Locale.ROOT);
            if (!pair.isEmpty() && !java.util.Set.of("gclid", "gbraid", "wbraid", "msclkid", "fbclid").contains(name)) {
                kept.append(kept.length() == 0 ? "" : "&").append(pair);
            }
        }
        return url.substring(0, start) + (kept.length() == 0 ? "" : "?" + kept) + (hash < 0 ? "" : url.substring(hash));
    }

    public boolean hasClickId(String name) {
        String value = switch (name) {
            case "gclid" -> gclid;
            case "gbraid" -> gbraid;
            case "wbraid" -> wbraid;
            case "msclkid" -> msclkid;
            case "fbclid" -> fbclid;
            case "any" -> gclid != null ? gclid : gbraid != null ? gbraid : wbraid != null ? wbraid
                    : msclkid != null ? msclkid : fbclid;
            default -> null;
        };
        return value != null;
    }

    static String domainOf(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            String host = URI.create(url.strip()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, String> query(String url) {
        Map<String, String> parameters = new HashMap<>();
        if (url == null) {
            return parameters;
        }
        int start = url.indexOf('?');
        if (start < 0) {
            return parameters;
        }
        int end = url.indexOf('#', start);
        String query = url.substring(start + 1, end < 0 ? url.length() : end);
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1)).strip();
            if (!value.isEmpty()) {
                parameters.putIfAbsent(name, value);
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
