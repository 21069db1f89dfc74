package io.calltrail.property;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a property's snippet runs on its site. Only the snippet opens visits, so the latest visit says when it
 * last ran and on which page; the tracking slice, which keeps the visits, answers.
 */
public interface InstallationCheck {

    Optional<Sighting> latest(long accountId, long propertyId);

    /** The latest visit of a property: when it was last active, and the page it landed on. */
    record Sighting(Instant lastSeenAt, String landingUrl) {
        /** The landing page as host and path ({@code example.com/pricing}); its query may carry click ids, so it is left out. */
        public String page() {
            try {
                URI uri = landingUrl == null ? null : URI.create(landingUrl);
                if (uri == null || uri.getHost() == null) {
                    return "an unknown page";
                }
                String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
                return uri.getHost() + path;
            } catch (IllegalArgumentException e) {
                return "an unknown page";
            }
        }
    }
}
