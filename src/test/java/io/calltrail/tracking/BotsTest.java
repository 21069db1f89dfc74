package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BotsTest {
    private static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private final Bots bots = Bots.load();

    @Test
    void theSameAgentGetsTheSameAnswerEveryTime() {
        for (int i = 0; i < 3; i++) {
            assertThat(bots.isBot(CHROME)).isFalse();
            assertThat(bots.isBot(GOOGLEBOT)).isTrue();
        }
    }

    @Test
    void agentsMadeUpPerRequestAreStillJudgedOneByOne() {
        for (int i = 0; i < 25_000; i++) {
            assertThat(bots.isBot(CHROME + " build/" + i)).isFalse();
        }
        assertThat(bots.isBot(GOOGLEBOT + " build/7")).isTrue();
        assertThat(bots.isBot("x".repeat(2000) + " googlebot")).isTrue();
        assertThat(bots.isBot(null)).isTrue();
        assertThat(bots.isBot(" ")).isTrue();
    }
}
