package io.calltrail.app;

/** A client error answered as {@code {"error": code, "field": field, "message": message}} with its HTTP status. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiError(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiError invalid(String field, String message) {
        return new ApiError(422, "invalid_field", field, message);
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, null, message);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", null, what + " not found");
    }

    public static ApiError conflict(String field, String message) {
        return new ApiError(409, "conflict", field, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
