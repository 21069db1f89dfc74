package io.calltrail.app;

import io.calltrail.account.AccountHandlers;
import io.calltrail.account.ApiKeyPages;
import io.calltrail.conversion.ConversionPages;
import io.calltrail.conversion.webhook.WebhookPages;
import io.calltrail.pool.PoolSetupPages;
import io.calltrail.property.PropertyPages;
import io.calltrail.telephony.CredentialPages;
import io.calltrail.tracking.SourceRulePages;
import io.calltrail.web.SetupPages;
import io.calltrail.web.UserPages;
import io.calltrail.conversion.ConversionHandlers;
import io.calltrail.conversion.OutcomeHandlers;
import io.calltrail.conversion.export.DestinationHandlers;
import io.calltrail.conversion.export.ExportHandlers;
import io.calltrail.conversion.export.ExportPages;
import io.calltrail.conversion.webhook.WebhookHandlers;
import io.calltrail.pool.PoolHandlers;
import io.calltrail.pool.PoolPages;
import io.calltrail.privacy.PrivacyHandlers;
import io.calltrail.privacy.PrivacyPages;
import io.calltrail.privacy.AuditHandlers;
import io.calltrail.privacy.AuditPages;
import io.calltrail.property.PropertyHandlers;
import io.calltrail.report.ReportHandlers;
import io.calltrail.report.ReportPages;
import io.calltrail.telephony.CallHandlers;
import io.calltrail.telephony.CallPages;
import io.calltrail.telephony.CredentialHandlers;
import io.calltrail.telephony.TelephonyHandlers;
import io.calltrail.tracking.SnippetHandler;
import io.calltrail.tracking.SourceRuleHandlers;
import io.calltrail.tracking.TrackingHandlers;
import io.calltrail.web.SignInHandlers;
import io.javalin.Javalin;

/** Every URL the server answers, in one place. */
final class Routes {
    private Routes() {
    }

    record Handlers(Health health, TrackingHandlers tracking, AccountHandlers accounts, PropertyHandlers properties,
                    PoolHandlers pools, SourceRuleHandlers rules, Pages pages, SnippetHandler snippet,
                    TelephonyHandlers telephony, CallHandlers calls, CredentialHandlers credentials,
                    ConversionHandlers conversions, OutcomeHandlers outcomes, ExportHandlers exports,
                    DestinationHandlers destinations, PrivacyHandlers privacy, WebhookHandlers webhooks, AuditHandlers audit,
                    ReportHandlers reports, ApiDocs docs, SignInHandlers signIn,
                    ReportPages reportPages, AuditPages auditPages, CallPages callPages, PoolPages poolPages,
                    Setup setup, PrivacyPages privacyPages, ExportPages exportPages) {
    }

    /** The set-up pages, each in the slice it configures. */
    record Setup(SetupPages index, PropertyPages properties, PoolSetupPages pools, SourceRulePages rules, ConversionPages conversions,
                 CredentialPages credentials, ApiKeyPages keys, UserPages users, WebhookPages webhooks) {
    }

    static void wire(Javalin app, Handlers h) {
        app.get("/health/live", h.health()::live);
        app.get("/health/ready", h.health()::ready);
        app.get("/metrics", h.health()::metrics);

        app.get("/s/{file}", h.snippet()::serve);
        app.options("/v1/sessions", h.tracking()::preflight);
        app.post("/v1/sessions", h.tracking()::openSession);
        app.options("/v1/events", h.tracking()::preflight);
        app.post("/v1/events", h.tracking()::recordEvents);
        app.options("/v1/amp/{propertyKey}", h.tracking()::preflight);
        app.get("/v1/amp/{propertyKey}", h.tracking()::ampNumber);

        app.post("/telephony/twilio/voice", h.telephony()::voice);
        app.post("/telephony/twilio/dial-status", h.telephony()::dialStatus);
        app.post("/telephony/twilio/call-status", h.telephony()::callStatus);
        app.post("/telephony/twilio/whisper", h.telephony()::whisper);
        app.post("/telephony/twilio/recording-status", h.telephony()::recordingStatus);
        app.get("/telephony/fallback/{id}", h.telephony()::fallback);
        app.post("/telephony/fallback/{id}", h.telephony()::fallback);

        app.get("/api/v1/provider-credentials", h.credentials()::list);
        app.put("/api/v1/provider-credentials/{provider}", h.credentials()::put);
        app.delete("/api/v1/provider-credentials/{provider}", h.credentials()::delete);

        app.get("/api/v1/calls", h.calls()::list);
        app.post("/api/v1/calls/import", h.calls()::importLog);
        app.get("/api/v1/calls/{id}", h.calls()::get);
        app.post("/api/v1/calls/{id}/reveal", h.calls()::reveal);

        app.get("/api/v1/account", h.accounts()::current);
        app.get("/api/v1/accounts", h.accounts()::listAccounts);
        app.post("/api/v1/accounts", h.accounts()::createAccount);
        app.get("/api/v1/api-keys", h.accounts()::listKeys);
        app.post("/api/v1/api-keys", h.accounts()::createKey);
        app.delete("/api/v1/api-keys/{id}", h.accounts()::revokeKey);

        app.get("/api/v1/properties", h.properties()::list);
        app.post("/api/v1/properties", h.properties()::create);
        app.get("/api/v1/properties/{id}", h.properties()::get);
        app.patch("/api/v1/properties/{id}", h.properties()::update);
        app.delete("/api/v1/properties/{id}", h.properties()::delete);

        app.get("/api/v1/target-numbers", h.properties()::listTargets);
        app.post("/api/v1/target-numbers", h.properties()::createTarget);
        app.get("/api/v1/target-numbers/{id}", h.properties()::getTarget);
        app.patch("/api/v1/target-numbers/{id}", h.properties()::updateTarget);
        app.delete("/api/v1/target-numbers/{id}", h.properties()::deleteTarget);

        app.get("/api/v1/pools", h.pools()::listPools);
        app.post("/api/v1/pools", h.pools()::createPool);
        app.get("/api/v1/pools/{id}", h.pools()::getPool);
        app.patch("/api/v1/pools/{id}", h.pools()::updatePool);
        app.delete("/api/v1/pools/{id}", h.pools()::deletePool);
        app.get("/api/v1/pools/{id}/stats", h.pools()::poolStats);
        app.get("/api/v1/pools/{id}/leases", h.pools()::leases);

        app.get("/api/v1/tracking-numbers", h.pools()::listNumbers);
        app.post("/api/v1/tracking-numbers", h.pools()::createNumber);
        app.get("/api/v1/tracking-numbers/{id}", h.pools()::getNumber);
        app.patch("/api/v1/tracking-numbers/{id}", h.pools()::updateNumber);
        app.delete("/api/v1/tracking-numbers/{id}", h.pools()::deleteNumber);

        app.get("/api/v1/conversion-actions", h.conversions()::list);
        app.post("/api/v1/conversion-actions", h.conversions()::create);
        app.get("/api/v1/conversion-actions/{id}", h.conversions()::get);
        app.patch("/api/v1/conversion-actions/{id}", h.conversions()::update);
        app.delete("/api/v1/conversion-actions/{id}", h.conversions()::delete);
        app.post("/api/v1/conversion-actions/{id}/reevaluate", h.conversions()::reevaluate);
        app.get("/api/v1/conversions", h.conversions()::conversions);

        app.post("/api/v1/outcomes", h.outcomes()::upload);
        app.post("/api/v1/outcomes/import", h.outcomes()::importCsv);
        app.get("/api/v1/outcomes", h.outcomes()::list);

        app.get("/api/v1/exports/{destination}.csv", h.exports()::csv);
        app.post("/api/v1/exports/{destination}", h.exports()::send);
        app.get("/api/v1/export-runs", h.exports()::runs);
        app.get("/api/v1/properties/{id}/destinations", h.destinations()::list);
        app.put("/api/v1/properties/{id}/destinations/{destination}", h.destinations()::put);
        app.delete("/api/v1/properties/{id}/destinations/{destination}", h.destinations()::delete);

        app.post("/api/v1/privacy/erase", h.privacy()::erase);
        app.get("/api/v1/privacy/subject", h.privacy()::subject);
        app.get("/api/v1/privacy/retention", h.privacy()::retention);
        app.put("/api/v1/privacy/retention", h.privacy()::setRetention);
        app.get("/api/v1/privacy/purges", h.privacy()::purges);

        app.get("/api/v1/webhooks", h.webhooks()::list);
        app.post("/api/v1/webhooks", h.webhooks()::create);
        app.get("/api/v1/webhooks/{id}", h.webhooks()::get);
        app.patch("/api/v1/webhooks/{id}", h.webhooks()::update);
        app.delete("/api/v1/webhooks/{id}", h.webhooks()::delete);
        app.post("/api/v1/webhooks/{id}/rotate-secret", h.webhooks()::rotateSecret);
        app.get("/api/v1/webhooks/{id}/deliveries", h.webhooks()::deliveries);

        app.get("/api/v1/source-rules", h.rules()::list);
        app.post("/api/v1/source-rules", h.rules()::create);
        app.get("/api/v1/source-rules/{id}", h.rules()::get);
        app.patch("/api/v1/source-rules/{id}", h.rules()::update);
        app.delete("/api/v1/source-rules/{id}", h.rules()::delete);

        // read only, for owners: no route changes or deletes an entry
        app.get("/api/v1/audit", h.audit()::list);

        app.get("/api/v1/reports/overview", h.reports()::overview);
        app.get("/api/v1/reports/{dimension}.csv", h.reports()::dimensionCsv);
        app.get("/api/v1/reports/{dimension}", h.reports()::dimension);
        app.get("/api/v1/openapi.json", h.docs()::openApi);

        app.get("/demo/", h.pages()::demo);

        // The dashboard: server-rendered pages under /app, signed in by a session cookie (Dashboard.before)
        app.get("/", h.signIn()::home);
        app.get("/sign-in", h.signIn()::signInPage);
        app.post("/sign-in", h.signIn()::signIn);
        app.get("/sign-in/link/{token}", h.signIn()::linkPage);
        app.post("/sign-in/link/{token}", h.signIn()::useLink);
        app.post("/app/sign-out", h.signIn()::signOut);
        app.get("/app/password", h.signIn()::passwordPage);
        app.post("/app/password", h.signIn()::changePassword);
        app.post("/app/switch-account", h.signIn()::switchAccount);
        app.get("/app", h.reportPages()::overview);
        app.get("/app/reports", h.reportPages()::reports);
        app.get("/app/reports/{dimension}.csv", h.reportPages()::csv);
        app.get("/app/reports/{dimension}", h.reportPages()::report);
        app.get("/app/audit", h.auditPages()::list); // read only, as the API's
        app.get("/app/calls", h.callPages()::list);
        app.get("/app/calls/{id}", h.callPages()::call);
        app.post("/app/calls/{id}/reveal", h.callPages()::reveal);
        app.get("/app/numbers", h.poolPages()::numbers);

        // Set-up: owners and admins only (viewers get 403); a form posts, then redirects to a page saying what changed
        Setup setup = h.setup();
        app.get("/app/setup", setup.index()::index);
        app.get("/app/setup/properties", setup.properties()::list);
        app.get("/app/setup/properties/new", setup.properties()::newForm);
        app.post("/app/setup/properties", setup.properties()::create);
        app.get("/app/setup/properties/{id}", setup.properties()::show);
        app.post("/app/setup/properties/{id}", setup.properties()::update);
        app.post("/app/setup/properties/{id}/delete", setup.properties()::delete);
        app.get("/app/setup/target-numbers", setup.properties()::listTargets);
        app.get("/app/setup/target-numbers/new", setup.properties()::newTarget);
        app.post("/app/setup/target-numbers", setup.properties()::createTarget);
        app.get("/app/setup/target-numbers/{id}", setup.properties()::showTargetPage);
        app.post("/app/setup/target-numbers/{id}", setup.properties()::updateTarget);
        app.post("/app/setup/target-numbers/{id}/delete", setup.properties()::deleteTarget);
        app.get("/app/setup/pools", setup.pools()::list);
        app.get("/app/setup/pools/new", setup.pools()::newPool);
        app.post("/app/setup/pools", setup.pools()::createPool);
        app.get("/app/setup/pools/{id}", setup.pools()::showPoolPage);
        app.post("/app/setup/pools/{id}", setup.pools()::updatePool);
        app.post("/app/setup/pools/{id}/delete", setup.pools()::deletePool);
        app.get("/app/setup/tracking-numbers", setup.pools()::listNumbers);
        app.get("/app/setup/tracking-numbers/new", setup.pools()::newNumber);
        app.post("/app/setup/tracking-numbers", setup.pools()::createNumber);
        app.get("/app/setup/tracking-numbers/{id}", setup.pools()::showNumberPage);
        app.post("/app/setup/tracking-numbers/{id}", setup.pools()::updateNumber);
        app.post("/app/setup/tracking-numbers/{id}/delete", setup.pools()::deleteNumber);
        app.get("/app/setup/source-rules", setup.rules()::list);
        app.get("/app/setup/source-rules/new", setup.rules()::newForm);
        app.post("/app/setup/source-rules", setup.rules()::create);
        app.get("/app/setup/source-rules/{id}", setup.rules()::show);
        app.post("/app/setup/source-rules/{id}", setup.rules()::update);
        app.post("/app/setup/source-rules/{id}/delete", setup.rules()::delete);
        app.get("/app/setup/conversion-actions", setup.conversions()::list);
        app.get("/app/setup/conversion-actions/new", setup.conversions()::newForm);
        app.post("/app/setup/conversion-actions", setup.conversions()::create);
        app.get("/app/setup/conversion-actions/{id}", setup.conversions()::show);
        app.post("/app/setup/conversion-actions/{id}", setup.conversions()::update);
        app.post("/app/setup/conversion-actions/{id}/delete", setup.conversions()::delete);
        app.get("/app/setup/credentials", setup.credentials()::show);
        app.post("/app/setup/credentials", setup.credentials()::put);
        app.post("/app/setup/credentials/{provider}/delete", setup.credentials()::delete);
        app.get("/app/setup/api-keys", setup.keys()::list);
        app.post("/app/setup/api-keys", setup.keys()::create);
        app.post("/app/setup/api-keys/{id}/revoke", setup.keys()::revoke);
        app.get("/app/setup/users", setup.users()::list);
        app.post("/app/setup/users", setup.users()::invite);
        app.post("/app/setup/users/{id}", setup.users()::change);
        app.post("/app/setup/users/{id}/remove", setup.users()::remove);
        app.post("/app/setup/users/{id}/link", setup.users()::newLink);
        app.get("/app/setup/webhooks", setup.webhooks()::list);
        app.get("/app/setup/webhooks/new", setup.webhooks()::newForm);
        app.post("/app/setup/webhooks", setup.webhooks()::create);
        app.get("/app/setup/webhooks/{id}", setup.webhooks()::show);
        app.post("/app/setup/webhooks/{id}", setup.webhooks()::update);
        app.post("/app/setup/webhooks/{id}/rotate-secret", setup.webhooks()::rotate);
        app.post("/app/setup/webhooks/{id}/delete", setup.webhooks()::delete);
        app.get("/app/privacy", h.privacyPages()::page);
        app.post("/app/privacy/retention", h.privacyPages()::setRetention);
        app.post("/app/privacy/erase", h.privacyPages()::erase);
        app.post("/app/privacy/subject", h.privacyPages()::subject);
        app.get("/app/exports", h.exportPages()::page);
        app.post("/app/exports/{destination}", h.exportPages()::run);
    }
}
