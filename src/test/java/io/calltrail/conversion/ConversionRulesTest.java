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
                ConversionAction.ValueSource.FIXED, Set.of("qualified", "won"), Set.of(), Set.of(), null, ConversionAction.DEFAULT_EXPORT_MIN_CONFIDENCE);
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

    private static ConversionAction withSources(Set<String> included, Set<String> excluded) {
        ConversionAction base = action(0, false, false, "lease|linger|static_source|none", 0, "EVERY");
        return new ConversionAction(base.id(), base.accountId(), base.propertyId(), base.name(), base.kind(), 0, false, false,
                base.attributionMethods(), base.minConfidence(), base.counting(), 30, new BigDecimal("50.00"), "USD", 1, START, START,
                ConversionAction.ValueSource.FIXED, Set.of("won"), included, excluded, null, ConversionAction.DEFAULT_EXPORT_MIN_CONFIDENCE);
    }

    private static ConversionRules.CallFacts fromSource(String source) {
        return new ConversionRules.CallFacts(1, START, START.plusSeconds(90), true, 85, true, "lease", 0.9,
                new ConversionRules.Visit("s1", START, null, null, source), null);
    }

    @ParameterizedTest(name = "{0} with included [{1}] excluded [{2}] -> {3}")
    @CsvSource(delimiter = ';', textBlock = """
            google     ;              ;          ; true
            google     ; google|bing  ;          ; true
            yelp.com   ; google|bing  ;          ; false
            yelp.com   ;              ; yelp.com ; false
            Google     ;              ; google   ; false
                       ; (direct)     ;          ; true
                       ;              ; (direct) ; false
            """)
    void sourcesIncludedAndExcludedDecide(String source, String included, String excluded, boolean converts) {
        ConversionAction action = withSources(included == null ? Set.of() : Set.of(included.split("\\|")),
                excluded == null ? Set.of() : Set.of(excluded.split("\\|")));
        assertThat(ConversionRules.evaluate(action, fromSource(source)).isPresent()).as(source).isEqualTo(converts);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            # case                                   ; status    ; value  ; valueSource; expected value
            fixed value without an outcome           ;           ;        ; FIXED      ; 50.00
            an outcome with a value restates it      ; lost      ; 0      ; FIXED      ; 0
            an outcome without a value keeps it      ; qualified ;        ; FIXED      ; 50.00
            value from a won outcome                 ; won       ; 900.00 ; OUTCOME    ; 900.00
            no outcome yet: no conversion            ;           ;        ; OUTCOME    ; -
            an outcome of another status: none       ; lost      ; 10     ; OUTCOME    ; -
            """)
    void outcomesCreateOrRestateValues(String name, String status, String value, String valueSource, String expected) {
        ConversionAction base = withSources(Set.of(), Set.of());
        ConversionAction action = new ConversionAction(base.id(), base.accountId(), base.propertyId(), base.name(), base.kind(), 0,
                false, false, base.attributionMethods(), base.minConfidence(), base.counting(), 30, base.value(), "USD", 1, START, START,
                ConversionAction.ValueSource.valueOf(valueSource), Set.of("won"), Set.of(), Set.of(), null, ConversionAction.DEFAULT_EXPORT_MIN_CONFIDENCE);
        ConversionRules.OutcomeFact outcome = status == null ? null : new ConversionRules.OutcomeFact(9, status,
                value == null ? null : new BigDecimal(value), value == null ? null : "USD", START.plusSeconds(86_400));
        ConversionRules.CallFacts call = new ConversionRules.CallFacts(1, START, START.plusSeconds(90), true, 85, true, "lease", 0.9,
                new ConversionRules.Visit("s1", START, "g1", "gclid", "google"), outcome);
        Optional<ConversionRules.Decision> decision = ConversionRules.evaluate(action, call);
        assertThat(decision.map(made -> made.value().toPlainString()).orElse("-")).isEqualTo(expected);
        if (valueSource.equals("OUTCOME") && decision.isPresent()) {
            assertThat(decision.get().convertedAt()).isEqualTo(outcome.occurredAt());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            # case                             ; kind      ; counting; clickAgeDays; expected
            a phone-link click converts         ; TEL_CLICK ; EVERY   ; 0           ; tel_click:e1
            once per ad click                   ; TEL_CLICK ; ONE     ; 0           ; click:gclid:g1
            a call action ignores clicks        ; CALL      ; EVERY   ; 0           ; -
            ad click older than the window      ; TEL_CLICK ; EVERY   ; 31          ; -
            """)
    void phoneLinkClicksConvertUnderTelClickActions(String name, String kind, String counting, int clickAgeDays, String expected) {
        ConversionAction base = action(0, false, false, "lease", 0, counting);
        ConversionAction action = base.named("Clicks on your number", ConversionAction.Kind.valueOf(kind), null);
        ConversionRules.ClickFacts click = new ConversionRules.ClickFacts("e1", START,
                new ConversionRules.Visit("s1", START.minus(Duration.ofDays(clickAgeDays)), "g1", "gclid", "google"));
        assertThat(ConversionRules.evaluate(action, click).map(ConversionRules.Decision::dedupeKey).orElse("-")).isEqualTo(expected);
    }
}
