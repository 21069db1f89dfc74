package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calltrail.app.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The form events take in the local spool between the acknowledgement and the database. */
class SpooledEventTest {

    @Test
    void eventsComeBackFromTheSpoolAsTheyWent() throws IOException {
        Events.Row click = new Events.Row(7, "0190f3a2-7c4e-7d21-9a3b-5c6d7e8f9a0b", 11, "0190f3a2-0000-7000-8000-000000000001",
                "tel_click", "https://example.com/contact?q=é", "(512) 555-0100", 1_717_000_000_123L, 1_717_000_000_456L);
        Events.Row view = new Events.Row(7, "0190f3a2-7c4e-7d21-9a3b-5c6d7e8f9a0c", 11, "0190f3a2-0000-7000-8000-000000000001",
                "page_view", null, null, 1_717_000_001_000L, 1_717_000_001_001L);
        assertThat(Events.Row.decode(click.encode())).isEqualTo(click);
        assertThat(Events.Row.decode(view.encode())).isEqualTo(view);
    }

    @Test
    void eventsSpooledAsJsonBeforeAnUpgradeStillLoad() throws IOException {
        Events.Row row = new Events.Row(3, "0190f3a2-7c4e-7d21-9a3b-5c6d7e8f9a0b", 5, "0190f3a2-0000-7000-8000-000000000002",
                "cta_click", "https://example.com/", null, 1_717_000_000_000L, 1_717_000_000_500L);
        byte[] legacy = Json.MAPPER.writeValueAsBytes(row);
        assertThat(new String(legacy, StandardCharsets.UTF_8)).startsWith("{");
        assertThat(Events.Row.decode(legacy)).isEqualTo(row);
    }

    @Test
    void aRecordOfAnUnknownFormatIsRefusedNotMisread() {
        assertThatThrownBy(() -> Events.Row.decode(new byte[] {9, 0, 0, 0}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown spooled event format");
    }
}
