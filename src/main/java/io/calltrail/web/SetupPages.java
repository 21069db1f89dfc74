package io.calltrail.web;

import io.calltrail.app.Admin;
import io.javalin.http.Context;
import java.util.Map;
import java.util.function.LongPredicate;

/** The set-up index: a card for each area, and where to begin while the account has no property yet. */
public final class SetupPages {
    private final Forms forms;
    private final LongPredicate hasProperty;

    /** @param hasProperty whether the account with this id has a property yet */
    public SetupPages(Forms forms, LongPredicate hasProperty) {
        this.forms = forms;
        this.hasProperty = hasProperty;
    }

    public void index(Context ctx) {
        Dashboard.requireWriter(ctx);
        forms.render(ctx, "setup/index", Map.of("started", hasProperty.test(Admin.account(ctx).id())));
    }
}
