package dev.brigade.manager.daemon;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** What the daemon answers; one response per request, except {@code logs --follow} (a stream of {@link LogLine}). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Response.Ok.class, name = "ok"),
    @JsonSubTypes.Type(value = Response.Failure.class, name = "failure"),
    @JsonSubTypes.Type(value = Response.Apps.class, name = "apps"),
    @JsonSubTypes.Type(value = Response.LogLine.class, name = "log")})
public sealed interface Response {
    /** Done; {@code apps} are the apps concerned, as they are now. */
    record Ok(String message, List<AppInfo> apps) implements Response {
    }

    /**
     * The request failed; {@code code} is stable (scripts may test it), {@code message} says what to do.
     * Codes: {@code UNKNOWN_APP}, {@code NAME_TAKEN}, {@code INVALID}, {@code PROTOCOL}, {@code VERSION}, {@code FAILED}.
     */
    record Failure(String code, String message) implements Response {
    }

    /** The answer to {@code list} and {@code describe}. */
    record Apps(List<AppInfo> apps) implements Response {
    }

    /** One line of an instance's output. */
    record LogLine(String app, int instance, boolean stderr, String text) implements Response {
    }
}
