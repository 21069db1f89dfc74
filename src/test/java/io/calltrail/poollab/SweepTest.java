package io.calltrail.poollab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SweepTest {
    @Test
    void withoutAStepARangeGetsAboutTwentyRoundSteps() {
        assertThat(Sweep.parse("size=10..200").values()).hasSize(20).startsWith(10, 20, 30).endsWith(200);
        assertThat(Sweep.parse("size=1..7").values()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(Sweep.parse("sessions=1000..100000").values()).startsWith(1000, 11000).endsWith(91000, 100000);
    }

    @Test
    void aStepIsKeptAndTheEndIsAlwaysIncluded() {
        assertThat(Sweep.parse("linger=0..25:10").values()).containsExactly(0, 10, 20, 25);
        assertThat(Sweep.parse("idle=5..5").values()).containsExactly(5);
    }

    @Test
    void eachKeyChangesItsOwnSetting() {
        Scenario base = Scenario.DEFAULT;
        assertThat(Sweep.parse("size=1..2").apply(base, 7).pool().size()).isEqualTo(7);
        assertThat(Sweep.parse("idle=1..2").apply(base, 12).pool().idleTimeout()).isEqualTo(Duration.ofMinutes(12));
        assertThat(Sweep.parse("linger=1..2").apply(base, 0).pool().linger()).isEqualTo(Duration.ZERO);
        assertThat(Sweep.parse("sessions=1..2").apply(base, 900).traffic().sessionsPerDay()).isEqualTo(900);
    }

    @Test
    void tooManyRowsOrAZeroStepAreRefused() {
        assertThatThrownBy(() -> Sweep.parse("size=1..1000:1")).hasMessageContaining("more than 200 simulations");
        assertThatThrownBy(() -> Sweep.parse("size=1..10:0")).hasMessageContaining("step must be at least 1");
    }
}
