package io.calltrail.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversionRulesTest {
    private static final Instant START = Instant.parse("2026-05-04T15:00:00Z");

    private static ConversionAction action(int minTalk, boolean answeredOnly, boolean firstTimeOnly, String methods,
                                           double minConfidence, String counting) {
        return new ConversionAction(7, 1, 1, "Phone call", ConversionAction.Kind.CALL, minTalk, answeredOnly, firstTimeOnly,
                Set.of(methods.split("\\|")), BigDecimal.valueOf(minConfidence),
                ConversionAction.Counting.valueOf(counting), 30, null, "USD", 1, START, START,
                ConversionAction.ValueSource.FIXED, Set.of("qualified", "won"), Set.of(), Set.of(), null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            # case                          ; talk; answered; first; attribution  ; conf ; click  ; clickAgeDays; minTalk; answeredOnly; firstOnly; methods                     ; minConf; counting; expected
            answered long lease call        ; 75  ; true    ; true ; lease        ; 0.9  ; g1     ; 0          ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; call:1
            too short                       ; 59  ; true    ; true ; lease        ; 0.9  ; g1     ; 0          ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; -
            exactly the threshold           ; 60  ; true    ; true ; lease        ; 0.9  ; g1     ; 0          ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; call:1
            30 s threshold                  ; 31  ; true    ; true ; static_source; 1.0  ;        ; 0          ; 30     ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; call:1
            missed                          ; 0   ; false   ; true ; lease        ; 0.9  ; g1     ; 0          ; 0      ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; -
            missed counts when allowed      ; 0   ; false   ; true ; lease        ; 0.9  ; g1     ; 0          ; 0      ; false       ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; call:1
            repeat caller, first-time only  ; 120 ; true    ; false; lease        ; 0.9  ; g1     ; 0          ; 60     ; true        ; true     ; lease|linger|static_source  ; 0      ; EVERY   ; -
            not attributable excluded       ; 120 ; true    ; true ; none         ; 0    ;        ; 0          ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; -
            below minimum confidence        ; 120 ; true    ; true ; linger       ; 0.6  ; g1     ; 0          ; 60     ; true        ; false    ; lease|linger                ; 0.8    ; EVERY   ; -
            click older than the window     ; 120 ; true    ; true ; lease        ; 0.9  ; g1     ; 31         ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; EVERY   ; -
            one per click                   ; 120 ; true    ; true ; lease        ; 0.9  ; g1     ; 0          ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; ONE     ; click:gclid:g1
            one per session without a click ; 120 ; true    ; true ; lease        ; 0.9  ;        ; 0          ; 60     ; true        ; false    ; lease|linger|static_source  ; 0      ; ONE     ; session:s1
            """)
    void callsConvertExactlyAsTheRulesSay(String name, int talk, boolean answered, boolean firstTime, String attribution,
                                          double confidence, String click, int clickAgeDays, int minTalk, boolean answeredOnly,
                                          boolean firstOnly, String methods, double minConfidence, String counting, String expected) {
        ConversionRules.CallFacts call = new ConversionRules.CallFacts(1, START, START.plusSeconds(talk + 5), answered, talk,
                firstTime, attribution, confidence, new ConversionRules.Visit(
                        attribution.equals("static_source") || attribution.equals("none") ? null : "s1",
                        START.minus(Duration.ofDays(clickAgeDays)), click, click == null ? null : "gclid", null), null);
        Optional<ConversionRules.Decision> decision = ConversionRules.evaluate(
                action(minTalk, answeredOnly, firstOnly, methods, minConfidence, counting), call);
        assertThat(decision.map(ConversionRules.Decision::dedupeKey).orElse("-")).isEqualTo(expected);
    }
}
