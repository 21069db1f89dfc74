package io.calltrail.property;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A property's allowed domain: {@code example.com} admits example.com and its subdomains on any port;
 * {@code example.com:8443} admits only that port; a leading {@code *.} is accepted and means the same.
 */
public final class DomainPattern {
    private static final Pattern VALID = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?");

    private DomainPattern() {
    }

    /** The canonical form of a pattern, or null when it is not a host name with an optional port. */
    public static String normalise(String raw) {
        String text = raw.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("https://") || text.startsWith("http://")) {
            text = text.substring(text.indexOf("//") + 2);
        }
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.startsWith("*.")) {
            text = text.substring(2);
        }
        return VALID.matcher(text).matches() && text.length() <= 253 ? text : null;
    }

    public static boolean anyMatches(List<String> patterns, String origin) {
        if (origin == null) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(origin.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        for (String pattern : patterns) {
            int colon = pattern.indexOf(':');
            String domain = colon < 0 ? pattern : pattern.substring(0, colon);
            if (colon >= 0 && Integer.parseInt(pattern.substring(colon + 1)) != port) {
                continue;
            }
            if (host.equals(domain) || host.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }
}
