package io.calltrail.web;

import io.calltrail.app.ApiError;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the set-up pages share around their forms: POST/redirect/GET with a short notice shown once on the page
 * redirected to, and a form shown again with the admin API's refusal next to the field it names (and at the top).
 * Templates get {@code form} (the values), {@code errors} (message by input name), {@code problem} and {@code notice}.
 */
public final class Forms {
    static final String NOTICE_COOKIE = "calltrail_notice";
    private static final Pattern LAST_INDEX = Pattern.compile("\\[[0-9]+]$");

    private final Dashboard dashboard;

    public Forms(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    /** A choice of a select: the value sent, and what the user reads. */
    public record Option(String value, String label) {
    }

    /** The choices of an enum whose {@code toString} is its API name, each with a plain label. */
    public static <E extends Enum<E>> List<Option> options(Class<E> type, java.util.function.Function<E, String> label) {
        return java.util.Arrays.stream(type.getEnumConstants()).map(constant -> new Option(constant.toString(), label.apply(constant)))
                .toList();
    }

    /** Renders a set-up page; the notice left by the change just made is shown this once. */
    public void render(Context ctx, String template, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        String notice = ctx.cookie(NOTICE_COOKIE);
        if (notice != null && !notice.isEmpty()) {
            all.putIfAbsent("notice", URLDecoder.decode(notice, StandardCharsets.UTF_8));
            ctx.cookie(dashboard.cookie(NOTICE_COOKIE, "", 0, ctx));
        }
        all.putIfAbsent("form", Map.of());
        all.putIfAbsent("errors", Map.of());
        dashboard.render(ctx, template, all);
    }

    /** After a change: to a page that says what was done (a reload of it changes nothing). */
    public void redirect(Context ctx, String path, String notice) {
        ctx.cookie(dashboard.cookie(NOTICE_COOKIE, URLEncoder.encode(notice, StandardCharsets.UTF_8), 60, ctx));
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    /** Where a change leads: the page to go to, and the notice it shows once. */
    public record Redirect(String path, String notice) {
    }

    /**
     * Makes a change submitted from a form: on success, to the page {@code next} names for its result; when the API
     * refuses it, the form again through {@code showAgain}, with {@code typed} and the refusal (see {@link #refused}).
     */
    public <T> void change(Context ctx, Supplier<T> change, Function<? super T, Redirect> next, Map<String, Object> typed,
                           Consumer<Map<String, Object>> showAgain) {
        try {
            Redirect redirect = next.apply(change.get());
            redirect(ctx, redirect.path(), redirect.notice());
        } catch (ApiError refused) {
            showAgain.accept(refused(ctx, refused, typed));
        }
    }

    /** A change whose result says nothing more (a deletion, for one): on success, to {@code next}. */
    public void change(Context ctx, Runnable change, Redirect next, Map<String, Object> typed, Consumer<Map<String, Object>> showAgain) {
        change(ctx, () -> {
            change.run();
            return next;
        }, Function.identity(), typed, showAgain);
    }

    /**
     * The model of a form shown again after the API refused it: what was typed, the message next to the field it
     * names, and at the top. Sets the answer's status to the refusal's (422 for a field, 409 for a conflict...).
     * What is not there (404) or not allowed to be seen stays an error page.
     */
    public Map<String, Object> refused(Context ctx, ApiError error, Map<String, Object> values) {
        if (error.status() == 404 || error.status() == 401) {
            throw error;
        }
        ctx.status(error.status());
        Map<String, String> errors = new LinkedHashMap<>();
        if (error.field() != null) {
            errors.put(error.field(), error.getMessage());
            // domains[2] is the domains input; conditions[1].value has an input of its own
            errors.putIfAbsent(LAST_INDEX.matcher(error.field()).replaceFirst(""), error.getMessage());
        }
        Map<String, Object> model = new HashMap<>();
        model.put("form", values);
        model.put("errors", errors);
        model.put("problem", error.getMessage());
        return model;
    }

    /** The model of a form first shown: its values (defaults for a new one, the current settings for an edit). */
    public static Map<String, Object> showing(Map<String, Object> values) {
        Map<String, Object> model = new HashMap<>();
        model.put("form", values);
        model.put("errors", Map.of());
        return model;
    }
}
