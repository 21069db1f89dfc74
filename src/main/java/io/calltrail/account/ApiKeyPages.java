package io.calltrail.account;

import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set-up page of API keys. A new key's secret is on the page that answers its creation and nowhere else, ever;
 * afterwards only its prefix is listed. Changes go through {@link AccountHandlers}, as the API's do.
 */
public final class ApiKeyPages {
    private static final String PAGE = "/app/setup/api-keys";
    private static final FormJson KEY_FORM = FormJson.fields().text("name", "role").checkbox("can_reveal");

    private final Forms forms;
    private final AccountHandlers handlers;

    public ApiKeyPages(Forms forms, AccountHandlers handlers) {
        this.forms = forms;
        this.handlers = handlers;
    }

    public void list(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("role", Role.ADMIN.toString());
        values.put("can_reveal", false);
        showPage(ctx, Forms.showing(values));
    }

    /** Makes a key and shows its secret this once (a page of its own: no redirect could carry it without storing it). */
    public void create(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = KEY_FORM.read(ctx.formParamMap());
        AccountHandlers.NewKey created;
        try {
            created = handlers.createKey(Admin.actor(ctx), form.body());
        } catch (ApiError refused) {
            showPage(ctx, forms.refused(ctx, refused, form.values()));
            return;
        }
        ctx.status(201);
        forms.render(ctx, "setup/api-key-created", Map.of("key", created.key(), "secret", created.secret()));
    }

    public void revoke(Context ctx) {
        Dashboard.requireWriter(ctx);
        long id = Admin.pathId(ctx, "API key");
        ApiKey key = handlers.keys(Admin.account(ctx)).stream().filter(listed -> listed.id() == id).findFirst()
                .orElseThrow(() -> ApiError.notFound("API key"));
        forms.change(ctx, () -> handlers.revokeKey(Admin.actor(ctx), id),
                new Forms.Redirect(PAGE, "API key “" + key.name() + "” revoked: requests with it are refused from now on."),
                Map.of("role", Role.ADMIN.toString()), model -> showPage(ctx, model));
    }

    private void showPage(Context ctx, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        boolean owner = Dashboard.signedIn(ctx).isOwner();
        // only owners make owner keys, so only they are offered the choice
        all.put("roles", Forms.options(Role.class, role -> switch (role) {
            case OWNER -> "Owner: everything, keys and users included";
            case ADMIN -> "Admin: every setting and operation";
            case VIEWER -> "Viewer: reads only";
        }).stream().filter(option -> owner || !option.value().equals(Role.OWNER.toString())).toList());
        List<ApiKey> keys = handlers.keys(Admin.account(ctx));
        all.put("keys", keys);
        forms.render(ctx, "setup/api-keys", all);
    }
}
