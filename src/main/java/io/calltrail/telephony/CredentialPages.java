package io.calltrail.telephony;

import io.calltrail.app.Admin;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The set-up page of provider credentials. An auth token is typed, sealed and never shown again: the page lists a
 * provider's account id and when its token was set, and offers to replace the token. Changes go through
 * {@link CredentialHandlers}, as the API's do.
 */
public final class CredentialPages {
    private static final String PAGE = "/app/setup/credentials";
    private static final FormJson CREDENTIAL_FORM = FormJson.fields().text("account_sid").textOrNull("auth_token");
    private static final List<String> PROVIDERS = List.of("twilio", "signalwire");

    private final Forms forms;
    private final CredentialHandlers handlers;

    public CredentialPages(Forms forms, CredentialHandlers handlers) {
        this.forms = forms;
        this.handlers = handlers;
    }

    public void show(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        String provider = ctx.queryParam("provider");
        values.put("provider", provider == null ? PROVIDERS.get(0) : provider);
        showPage(ctx, Forms.showing(values));
    }

    /** Sets or replaces a provider's credential. */
    public void put(Context ctx) {
        Dashboard.requireWriter(ctx);
        String provider = ctx.formParamAsClass("provider", String.class).getOrDefault("").strip().toLowerCase(Locale.ROOT);
        FormJson.Submitted form = CREDENTIAL_FORM.read(ctx.formParamMap());
        Map<String, Object> typed = new HashMap<>(form.values());
        typed.remove("auth_token"); // a secret never goes back into a page
        typed.put("provider", provider);
        forms.change(ctx, () -> handlers.put(Admin.account(ctx), Admin.actor(ctx), provider, form.body()),
                new Forms.Redirect(PAGE, "The " + provider + " credential is saved. Its auth token will not be shown again."),
                typed, model -> showPage(ctx, model));
    }

    public void delete(Context ctx) {
        Dashboard.requireWriter(ctx);
        String provider = ctx.pathParam("provider");
        handlers.delete(Admin.account(ctx), Admin.actor(ctx), provider);
        forms.redirect(ctx, PAGE, "The " + provider + " credential is deleted: calls through " + provider + " are no longer checked against it.");
    }

    private void showPage(Context ctx, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        List<CredentialHandlers.Credential> credentials = handlers.credentials(Admin.account(ctx));
        List<String> providers = new ArrayList<>(PROVIDERS);
        credentials.stream().map(CredentialHandlers.Credential::provider).filter(provider -> !providers.contains(provider)).forEach(providers::add);
        all.put("credentials", credentials);
        all.put("providers", providers.stream().map(provider -> new Forms.Option(provider, provider)).toList());
        forms.render(ctx, "setup/credentials", all);
    }
}
