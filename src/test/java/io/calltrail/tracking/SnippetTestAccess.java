package io.calltrail.tracking;

import io.calltrail.property.Property;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Renders a snippet for a property named as given, for tests outside this package. */
public final class SnippetTestAccess {
    private SnippetTestAccess() {
    }

    public static String render(String name) {
        Instant now = Instant.EPOCH;
        Property property = new Property(1, 1, name, name, List.of("localhost"), "US", "UTC", "USD",
                Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, now, now);
        PropertyCatalog.Snapshot snapshot = new PropertyCatalog.Snapshot(property, List.of(), List.of(), Map.of(), Map.of());
        return new String(Snippet.render(snapshot, "https://calls.example.com").plain(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
