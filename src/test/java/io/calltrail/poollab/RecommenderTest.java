package io.calltrail.poollab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pool-size recommendation: it reaches its target for less, and the rules of thumb are computed as vendors state them. */
class RecommenderTest {
    /** A small, talkative traffic: a few thousand sessions per simulated run keep the search quick. */
    private static final Traffic TRAFFIC = Traffic.DEFAULT.withSessionsPerDay(500).withCallShare(0.5);
    private static Recommender.Recommendation recommendation;

    @BeforeAll
    static void recommend() {
        recommendation = Recommender.recommend(TRAFFIC, null, 2.0, 1, 0.9, 2);
    }

    @Test
    void theRecommendedPoolReachesTheTargetAtNinetyNinePercentPrecision() {
        assertThat(recommendation.reached()).isTrue();
        LabResult.Quality quality = recommendation.recommended().result().highConfidence();
        assertThat(quality.recall()).isGreaterThanOrEqualTo(recommendation.target());
        assertThat(quality.precision()).isGreaterThanOrEqualTo(0.99);
        // without --target-recall: what the default lease settings reach when the pool never runs out
        assertThat(recommendation.target()).isCloseTo(recommendation.baseline().result().highConfidence().recall(), within(0.001));
        assertThat(recommendation.recommended().monthlyCost())
                .isEqualTo(recommendation.recommended().pool().size() * 2.0);
    }

    @Test
    void itCostsNoMoreThanTheDefaultLeaseSettingsForTheSameTarget() {
        assertThat(recommendation.defaultsAtTarget()).isNotNull();
        assertThat(recommendation.recommended().pool().size()).isLessThanOrEqualTo(recommendation.defaultsAtTarget().pool().size());
        assertThat(recommendation.recommended().pool().size()).isLessThanOrEqualTo(recommendation.baseline().pool().size());
    }

    @Test
    void higherRecallsTakeMoreNumbers() {
        List<Recommender.Step> reached = recommendation.further().stream().filter(step -> step.option() != null).toList();
        assertThat(reached).isNotEmpty();
        int previous = recommendation.recommended().pool().size();
        for (Recommender.Step step : reached) {
            assertThat(step.option().result().highConfidence().recall()).isGreaterThanOrEqualTo(step.recall());
            assertThat(step.option().pool().size()).isGreaterThanOrEqualTo(previous);
            previous = step.option().pool().size();
        }
    }

    @Test
    void rulesOfThumbAreOnePerTwentyVisitorsAndPeakHourOverVisitsPerHour() {
        assertThat(Recommender.perTwentyVisitors(TRAFFIC)).isEqualTo(25);
        assertThat(recommendation.perTwentyVisitors().pool().size()).isEqualTo(25);
        // peak hour: 500 × 5.6/62.8 = 44.6 visitors; a visit lasts 3 × e^0.5 = 4.95 min on average
        double peakHourly = 500 * 5.6 / 62.8;
        double visitMinutes = 3 * Math.exp(0.5);
        assertThat(Recommender.peakHour(TRAFFIC)).isEqualTo((int) Math.ceil(peakHourly / (60 / visitMinutes)));
        assertThat(recommendation.peakHour().pool().idleTimeout().toMinutes()).isEqualTo(30);
    }

    @Test
    void markdownAndJsonCarryTheRecommendationAndBothRules() {
        String table = PoolSizeCommand.markdown(List.of(recommendation));
        assertThat(table.lines()).hasSize(3);
        assertThat(table).contains("| 500 | " + recommendation.baseline().pool().size() + " (recall ")
                .contains(" | " + recommendation.recommended().pool().size() + " (")
                .contains("1 per 20 daily visitors").contains("peak hour ÷ (60 ÷ visit minutes)");
        JsonNode json = PoolSizeCommand.json(recommendation);
        assertThat(json.get("recommended").get("numbers").asInt()).isEqualTo(recommendation.recommended().pool().size());
        assertThat(json.get("one_per_20_daily_visitors").get("numbers").asInt()).isEqualTo(25);
        assertThat(json.get("peak_hour_rule").get("recall").isNumber()).isTrue();
        assertThat(json.get("more_recall").isArray()).isTrue();
    }
}
