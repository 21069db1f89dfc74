package io.calltrail.web;

import io.calltrail.account.Role;
import io.calltrail.account.UserStore;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The users page, for owners: members of the account with their role and reveal permission, invitations (a one-time
 * sign-in link, shown once to the inviter), role changes, removal and new sign-in links. {@link Users} checks and
 * audit-logs each change, and keeps an owner in the account.
 */
public final class UserPages {
    private static final String PAGE = "/app/setup/users";
    private static final FormJson INVITE_FORM = FormJson.fields().text("email", "name", "role").checkbox("can_reveal");

    private final Forms forms;
    private final Users users;
    private final Supplier<String> publicUrl;

    /** @param publicUrl the server's public address, which sign-in links start with */
    public UserPages(Forms forms, Users users, Supplier<String> publicUrl) {
        this.forms = forms;
        this.users = users;
        this.publicUrl = publicUrl;
    }

    public void list(Context ctx) {
        Dashboard.requireOwner(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("role", Role.VIEWER.toString());
        values.put("can_reveal", false);
        showPage(ctx, Forms.showing(values));
    }

    public void invite(Context ctx) {
        Dashboard.requireOwner(ctx);
        FormJson.Submitted form = INVITE_FORM.read(ctx.formParamMap());
        Users.Invitation invitation;
        try {
            Role role = role(ctx);
            invitation = users.invite(Admin.actor(ctx), ctx.formParam("email"), ctx.formParam("name"), role,
                    Boolean.TRUE.equals(form.values().get("can_reveal")));
        } catch (ApiError refused) {
            showPage(ctx, forms.refused(ctx, refused, form.values()));
            return;
        }
        ctx.status(201);
        forms.render(ctx, "setup/user-link", linkModel(invitation.user().email(), invitation.user().name(),
                invitation.linkPath(), true));
    }

    /** Changes a member's role and reveal permission. */
    public void change(Context ctx) {
        Dashboard.requireOwner(ctx);
        UserStore.Member member = member(ctx);
        boolean canReveal = "true".equals(ctx.formParam("can_reveal"));
        forms.change(ctx, () -> users.changeMember(Admin.actor(ctx), member.user().id(), role(ctx), canReveal),
                new Forms.Redirect(PAGE, member.user().email() + " is now " + ctx.formParam("role") + "."),
                Map.of(), model -> showPage(ctx, model));
    }

    public void remove(Context ctx) {
        Dashboard.requireOwner(ctx);
        UserStore.Member member = member(ctx);
        forms.change(ctx, () -> users.removeMember(Admin.actor(ctx), member.user().id()),
                new Forms.Redirect(PAGE, member.user().email() + " is no longer a member of this account."),
                Map.of(), model -> showPage(ctx, model));
    }

    /** A new one-time sign-in link for a member (a forgotten password), shown once. */
    public void newLink(Context ctx) {
        Dashboard.requireOwner(ctx);
        UserStore.Member member = member(ctx);
        String path = users.newLink(Admin.actor(ctx), member.user().id());
        forms.render(ctx, "setup/user-link", linkModel(member.user().email(), member.user().name(), Optional.of(path), false));
    }

    private Map<String, Object> linkModel(String email, String name, Optional<String> path, boolean invited) {
        Map<String, Object> model = new HashMap<>();
        model.put("email", email);
        model.put("name", name);
        model.put("invited", invited);
        path.ifPresent(link -> model.put("link", publicUrl.get() + link));
        return model;
    }

    private void showPage(Context ctx, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        all.put("members", users.store().members(Admin.account(ctx).id()).stream()
                .map(member -> Map.of("user", member.user(), "role", member.role().toString(), "canReveal", member.canReveal())).toList());
        all.put("roles", Forms.options(Role.class, role -> switch (role) {
            case OWNER -> "Owner: everything, users and the audit log included";
            case ADMIN -> "Admin: reports, calls and every setting";
            case VIEWER -> "Viewer: reports and calls only";
        }));
        forms.render(ctx, "setup/users", all);
    }

    private static Role role(Context ctx) {
        String given = ctx.formParam("role");
        return Role.of(given == null ? "" : given.strip())
                .orElseThrow(() -> ApiError.invalid("role", "role must be owner, admin or viewer"));
    }

    private UserStore.Member member(Context ctx) {
        long id = Admin.pathId(ctx, "user");
        return users.store().members(Admin.account(ctx).id()).stream().filter(member -> member.user().id() == id).findFirst()
                .orElseThrow(() -> ApiError.notFound("user"));
    }
}
