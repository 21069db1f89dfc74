package io.calltrail.conversion.delivery;

import java.net.http.HttpRequest;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Adds what a kind of delivery needs to be accepted (a signature, a bearer token) just before each
 * attempt, so secrets stay where they are kept and are never copied into delivery rows. Throwing
 * fails the attempt with the exception's message; it is retried like any other failure.
 */
@FunctionalInterface
public interface Authorizer {
    /**
     * @param handle  a handle to read the secret with (not in a transaction)
     * @param request the POST, with its URL, body, timeout and {@code Content-Type} already set
     * @param body    the exact body that will be sent
     * @param now     the time of this attempt
     */
    void authorize(Handle handle, Delivery delivery, HttpRequest.Builder request, String body, Instant now);
}
