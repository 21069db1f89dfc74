package io.calltrail.app;

import io.calltrail.account.Account;
import io.calltrail.account.AccountStore;
import io.calltrail.account.ApiKeySecrets;
import io.calltrail.pool.Pool;
import io.calltrail.pool.PoolStore;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import io.calltrail.store.SqlErrors;
import io.calltrail.tracking.SourceRule;
import io.calltrail.tracking.SourceRule.Condition;
import io.calltrail.tracking.SourceRuleStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds, once, a demo account: property {@code demo} (localhost), a target number, a pool of five
 * tracking numbers for Google Ads clicks, a static number for a Yelp listing, and the rules between them.
 */
public final class Demo {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    public static final String PUBLIC_KEY = "demo";
    public static final String TARGET = "+15125550100";

    private Demo() {
    }

    /**
     * 32 hexadecimal digits, as Twilio's auth tokens are: a token cut from base64 could start with '-', which a command
     * line (`simulate-call --auth-token ...`) reads as options.
     */
    private static String newAuthToken() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** The demo's API key, when known (it is shown at seeding and kept in the data folder), and its webhook auth token. */
    public record Seeded(boolean createdNow, String apiKey, String authToken, long accountId) {
    }

    static Seeded seed(Jdbi jdbi, AccountStore accounts, Clock clock, Settings settings, io.calltrail.privacy.CallerCrypto crypto) {
        Seeded seeded = seedOnce(jdbi, accounts, clock, settings);
        long account = new PropertyStore(jdbi).byPublicKey(PUBLIC_KEY).orElseThrow().accountId();
        Path tokenFile = settings.dataDir().resolve("demo-auth-token");
        String configured = !settings.demoAuthToken().isEmpty() ? settings.demoAuthToken() : readKey(tokenFile);
        String token = configured != null ? configured : newAuthToken();
        io.calltrail.telephony.CredentialHandlers.store(jdbi, crypto, account, "twilio", null, token, clock.instant());
        writeKey(tokenFile, token);
        return new Seeded(seeded.createdNow(), seeded.apiKey(), token, account);
    }

    private static Seeded seedOnce(Jdbi jdbi, AccountStore accounts, Clock clock, Settings settings) {
        Path keyFile = settings.dataDir().resolve("demo-api-key");
        PropertyStore properties = new PropertyStore(jdbi);
        if (properties.byPublicKey(PUBLIC_KEY).isPresent()) {
            return new Seeded(false, readKey(keyFile), null, 0);
        }
        String secret = ApiKeySecrets.generate();
        try {
            jdbi.useTransaction(handle -> {
                Instant now = clock.instant();
                Account account = accounts.insertAccount(handle, "Demo: Hill Country Plumbing", false, now);
                accounts.insertKey(handle, account.id(), "demo key", secret, now);
                Property property = properties.insert(handle, new Property(0, account.id(), "Hill Country Plumbing (demo)",
                        PUBLIC_KEY, List.of("localhost", "127.0.0.1"), "US", "America/Chicago", "USD",
                        Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, now, now));
                TargetNumber target = properties.insertTarget(handle, account.id(), property.id(), TARGET, "Main line", now);
                PoolStore pools = new PoolStore();
                TrackingNumber overflow = pools.insertNumber(handle, new TrackingNumber(0, account.id(), property.id(),
                        "+15125550109", "Google Ads (pool overflow)", "twilio", TARGET, null, "Google Ads", now, null, TrackingNumber.CallerId.CALLER));
                Pool pool = pools.insertPool(handle, new Pool(0, account.id(), property.id(), "Google Ads visitors",
                        settings.defaultIdleTimeoutMinutes() * 60, settings.defaultLingerMinutes() * 60,
                        Pool.OverflowPolicy.FALLBACK, overflow.e164(), now));
                for (int i = 1; i <= 5; i++) {
                    pools.insertNumber(handle, new TrackingNumber(0, account.id(), property.id(), "+1512555010" + i,
                            "Google Ads pool " + i, "twilio", TARGET, pool.id(), null, now, null, TrackingNumber.CallerId.CALLER));
                }
                TrackingNumber yelp = pools.insertNumber(handle, new TrackingNumber(0, account.id(), property.id(),
                        "+15125550110", "Yelp listing", "twilio", TARGET, null, "Yelp listing", now, null, TrackingNumber.CallerId.CALLER));
                SourceRuleStore rules = new SourceRuleStore();
                rules.insert(handle, new SourceRule(0, account.id(), property.id(), 10, "Google Ads clicks",
                        List.of(new Condition(Condition.Field.CLICK_ID, Condition.Operator.PRESENT, "gclid")),
                        target.id(), SourceRule.Action.POOL, pool.id(), null, now));
                rules.insert(handle, new SourceRule(0, account.id(), property.id(), 20, "Yelp (tagged link)",
                        List.of(new Condition(Condition.Field.UTM_SOURCE, Condition.Operator.EQUALS, "yelp")),
                        target.id(), SourceRule.Action.NUMBER, null, yelp.id(), now));
                var conversionActions = new io.calltrail.conversion.ConversionStore();
                var action = io.calltrail.conversion.ConversionAction.defaults(account.id(), property.id(), "USD", now);
                conversionActions.insert(handle, action.named("Phone call (60 s)", io.calltrail.conversion.ConversionAction.Kind.CALL,
                        new java.math.BigDecimal("120.00")));
                conversionActions.insert(handle, action.named("Clicks on your number",
                        io.calltrail.conversion.ConversionAction.Kind.TEL_CLICK, null));
                rules.insert(handle, new SourceRule(0, account.id(), property.id(), 30, "Yelp (referrer)",
                        List.of(new Condition(Condition.Field.REFERRER_DOMAIN, Condition.Operator.EQUALS, "yelp.com")),
                        target.id(), SourceRule.Action.NUMBER, null, yelp.id(), now));
            });
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                return new Seeded(false, readKey(keyFile), null, 0);
            }
            throw e;
        }
        writeKey(keyFile, secret);
        return new Seeded(true, secret, null, 0);
    }

    private static String readKey(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeKey(Path file, String secret) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system; the file stays with default permissions
            }
        } catch (IOException e) {
            log.warn("could not keep the demo API key in {}: {}", file, e.getMessage());
        }
    }
}
