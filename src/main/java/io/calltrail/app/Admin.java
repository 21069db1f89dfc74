package io.calltrail.app;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.account.Role;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What every admin handler needs from a request: the authenticated account, who is acting, and ids from the path. */
public final class Admin {
    static final String ACCOUNT_ATTRIBUTE = "calltrail.account";
    static final String ACTOR_ATTRIBUTE = "calltrail.actor";

    private Admin() {
    }

    public static Account account(Context ctx) {
        Account account = ctx.attribute(ACCOUNT_ATTRIBUTE);
        if (account == null) {
            throw new ApiError(401, "unauthenticated", null, "missing or invalid API key");
        }
        return account;
    }

    /** Marks the request as made by {@code actor} in {@code account} (the API's key check and the dashboard's session check). */
    public static void signIn(Context ctx, Account account, Actor actor) {
        ctx.attribute(ACCOUNT_ATTRIBUTE, account);
        ctx.attribute(ACTOR_ATTRIBUTE, actor);
    }

    /** Who sent the request: the API key (its id, name, role and reveal permission) and the client's address. */
    public static Actor actor(Context ctx) {
        Actor actor = ctx.attribute(ACTOR_ATTRIBUTE);
        if (actor == null) {
            throw new ApiError(401, "unauthenticated", null, "missing or invalid API key");
        }
        return actor;
    }

    /** The actor, when its role is one of {@code roles}; else 403 {@code forbidden} naming the roles needed. */
    public static Actor requireRole(Context ctx, Role... roles) {
        Actor actor = actor(ctx);
        if (!actor.hasRole(roles)) {
            throw forbidden("this needs an API key with the role " + Arrays.stream(roles).map(Role::toString)
                    .collect(Collectors.joining(" or ")) + "; this key's role is " + actor.role());
        }
        return actor;
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "forbidden", null, message);
    }

    /** A numeric id from the path; anything else names nothing, so it is a 404. */
    public static long pathId(Context ctx, String what) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiError.notFound(what);
    }

    /** An optional numeric filter from the query string, e.g. {@code ?property=3}. */
    public static Long queryId(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ApiError(400, "invalid_query", name, name + " must be a numeric id");
        }
    }

    /** An optional ISO-8601 instant from the query string, e.g. {@code ?from=2026-11-27T14:03:12Z}. */
    public static java.time.Instant queryInstant(Context ctx, String name, java.time.Instant fallback) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return java.time.Instant.parse(raw);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ApiError(400, "invalid_query", name, name + " must be an ISO-8601 instant such as 2026-11-27T14:03:12Z");
        }
    }

    /** A required reference to another resource in a request body. */
    public static long requiredId(JsonBody body, String field) {
        return body.optionalLong(field).orElseThrow(() -> ApiError.invalid(body.path(field), body.path(field) + " is required"));
    }

    /** A write that may hit a unique key answers 409 instead of 500. */
    public static <T> T writing(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (io.calltrail.store.SqlErrors.isUniqueViolation(e)) {
                throw ApiError.conflict(null, "this already exists (a unique value is taken)");
            }
            throw e;
        }
    }

    /** A delete refused by a foreign key answers 409 with what still refers to it. */
    public static <T> T inUse(java.util.function.Supplier<T> delete, String why) {
        try {
            return delete.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && "23503".equals(sql.getSQLState())) {
                    throw new ApiError(409, "in_use", null, "cannot delete: " + why);
                }
            }
            throw e;
        }
    }

    /** Parses a phone number field against the property's country; stores E.164. */
    public static String phone(JsonBody body, String field, String country) {
        String raw = body.requiredString(field, 64);
        return io.calltrail.phone.PhoneNumber.parse(raw, country).map(io.calltrail.phone.PhoneNumber::e164).orElseThrow(() -> ApiError.invalid(body.path(field),
                body.path(field) + " '" + raw + "' is not a valid phone number for country " + country));
    }
}
