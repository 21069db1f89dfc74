package io.calltrail.report;

import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.DemoTraffic.Visit;
import io.calltrail.testing.MutableClock;
import java.time.Duration;

/** The demo traffic the report tests count by hand, so that the pages and the API are checked against the same figures. */
final class ReportTraffic {
    private ReportTraffic() {
    }

    /**
     * From Sunday 3 May 2026, 10:00 in Austin. Sunday: one visit from a Google Ads click that calls (75 s, a conversion
     * worth 120 USD). Monday: the same caller again from another ad click (90 s, a conversion); a visit from another
     * campaign that clicks the number (a conversion of the click action, without value) and calls without being
     * answered; a visit from yelp.com; a direct visit; a call to the Yelp listing's number (61 s, a conversion); and a
     * call to the main line from the call log.
     */
    static void twoDays(DemoTraffic traffic, MutableClock clock) {
        Visit sunday = traffic.visit("/demo/?gclid=ad-1&utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=plumber",
                "https://www.google.com/");
        clock.advance(Duration.ofMinutes(1));
        traffic.call(sunday.number(), "+15125550201", 75, true);

        clock.advance(Duration.ofDays(1)); // Monday, 10:01 in Austin
        Visit spring = traffic.visit("/demo/?gclid=ad-2&utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=plumber",
                "https://www.google.com/");
        Visit summer = traffic.visit("/demo/?gclid=ad-3&utm_source=google&utm_medium=cpc&utm_campaign=summer&utm_term=water%20heater",
                "https://www.google.com/");
        traffic.visit("/demo/#reviews", "https://www.yelp.com/biz/hill-country-plumbing");
        traffic.visit("/demo/index.html?ref=card", null);
        clock.advance(Duration.ofMinutes(1));
        traffic.call(spring.number(), "+15125550201", 90, true);
        traffic.telClick(summer, "/demo/");
        traffic.call(summer.number(), "+15125550202", 0, false);
        traffic.call(DemoTraffic.YELP_NUMBER, "+15125550203", 61, true);
        traffic.importMainLineCall("+15125550204", "2026-05-04T16:30:00Z");
    }
}
