package io.calltrail.app;

import io.javalin.http.Context;

/** The client's IP: the socket peer, or the first X-Forwarded-For hop when a trusted proxy sits in front. */
public final class ClientAddress {
    private ClientAddress() {
    }

    public static String of(Context ctx, boolean trustForwardedHeaders) {
        if (trustForwardedHeaders) {
            String forwarded = ctx.header("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].strip();
            }
        }
        return ctx.req().getRemoteAddr();
    }
}
