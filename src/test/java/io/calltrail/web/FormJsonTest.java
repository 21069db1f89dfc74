package io.calltrail.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.app.ApiError;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class FormJsonTest {
    private static final FormJson FORM = FormJson.fields()
            .text("name", "country")
            .textOrNull("fallback_number")
            .number("idle_timeout_seconds")
            .numberOrNull("pool_id")
            .decimal("min_confidence")
            .decimalOrNull("value")
            .checkbox("answered_only", "active")
            .list("domains", "methods")
            .rows("conditions", "field", "value");

    @Test
    void emptyTextIsLeftOutUnlessItClearsASetting() {
        FormJson.Submitted form = FORM.read(Map.of("name", List.of("  Plumbing "), "country", List.of(""), "fallback_number", List.of(" "),
                "pool_id", List.of("")));
        assertThat(form.json().get("name").asText()).isEqualTo("Plumbing");
        assertThat(form.json().has("country")).isFalse();
        assertThat(form.json().get("fallback_number").isNull()).isTrue();
        assertThat(form.json().get("pool_id").isNull()).isTrue();
        assertThat(form.json().has("idle_timeout_seconds")).isFalse();
        assertThat(form.values()).containsEntry("name", "Plumbing").containsEntry("country", "");
    }

    @Test
    void numbersAreNumbersAndWhatIsNotGoesAsTypedForTheApiToName() {
        FormJson.Submitted form = FORM.read(Map.of("idle_timeout_seconds", List.of("900"), "pool_id", List.of("12"),
                "min_confidence", List.of("0.90"), "value", List.of("twelve")));
        assertThat(form.json().get("idle_timeout_seconds").isIntegralNumber()).isTrue();
        assertThat(form.json().get("pool_id").asLong()).isEqualTo(12);
        assertThat(form.json().get("min_confidence").decimalValue().toPlainString()).isEqualTo("0.90");
        assertThat(form.json().get("value").isTextual()).isTrue();
        Assertions.assertThatThrownBy(() -> FORM.read(Map.of("idle_timeout_seconds", List.of("15 min"))).body()
                        .optionalLong("idle_timeout_seconds"))
                .isInstanceOfSatisfying(ApiError.class, error -> assertThat(error.field()).isEqualTo("idle_timeout_seconds"));
    }

    @Test
    void checkboxesAreTrueWhenSentAndFalseWhenNot() {
        FormJson.Submitted form = FORM.read(Map.of("answered_only", List.of("true")));
        assertThat(form.json().get("answered_only").asBoolean()).isTrue();
        assertThat(form.json().get("active").asBoolean()).isFalse();
        assertThat(form.values()).containsEntry("active", false);
    }

    @Test
    void listsSplitOnCommasAndLinesAndJoinCheckboxGroups() {
        FormJson.Submitted form = FORM.read(Map.of("domains", List.of("example.com, www.example.com\nshop.example.com,,"),
                "methods", List.of("lease", "linger")));
        assertThat(form.json().get("domains")).extracting(node -> node.asText())
                .containsExactly("example.com", "www.example.com", "shop.example.com");
        assertThat(form.json().get("methods")).extracting(node -> node.asText()).containsExactly("lease", "linger");
        assertThat(FORM.read(Map.of()).json().get("domains")).isEmpty();
    }

    @Test
    void blankRowsAreDroppedAndTheRestRenumbered() {
        FormJson.Submitted form = FORM.read(Map.of(
                "conditions[0].field", List.of(""), "conditions[0].value", List.of(""),
                "conditions[1].field", List.of("utm_source"), "conditions[1].value", List.of("yelp"),
                "conditions[2].field", List.of("click_id"), "conditions[2].value", List.of("")));
        assertThat(form.json().get("conditions")).hasSize(2);
        assertThat(form.json().get("conditions").get(0).get("value").asText()).isEqualTo("yelp");
        assertThat(form.json().get("conditions").get(1).has("value")).as("an empty cell is left out").isFalse();
        assertThat(form.values().get("conditions")).isEqualTo(List.of(Map.of("field", "utm_source", "value", "yelp"),
                Map.of("field", "click_id", "value", "")));
    }
}
