package dev.brigade.manager.daemon;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a client asks the daemon: the closed vocabulary of the control protocol (version
 * {@link Protocol#VERSION}). An app is selected by {@code target}: its name, its numeric id, or
 * {@code all}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Request.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = Request.Start.class, name = "start"),
    @JsonSubTypes.Type(value = Request.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = Request.Restart.class, name = "restart"),
    @JsonSubTypes.Type(value = Request.Reload.class, name = "reload"),
    @JsonSubTypes.Type(value = Request.Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = Request.Scale.class, name = "scale"),
    @JsonSubTypes.Type(value = Request.ListApps.class, name = "list"),
    @JsonSubTypes.Type(value = Request.Describe.class, name = "describe"),
    @JsonSubTypes.Type(value = Request.Logs.class, name = "logs"),
    @JsonSubTypes.Type(value = Request.Flush.class, name = "flush"),
    @JsonSubTypes.Type(value = Request.Save.class, name = "save"),
    @JsonSubTypes.Type(value = Request.Resurrect.class, name = "resurrect"),
    @JsonSubTypes.Type(value = Request.Kill.class, name = "kill"),
    @JsonSubTypes.Type(value = Request.Dashboard.class, name = "dashboard")})
public sealed interface Request {
    /** Is the daemon there? Answered with {@link Response.Ok} carrying the daemon's pid. */
    record Ping() implements Request {
    }

    /** Starts an app (its name must be free), or, with {@code specs.size() > 1}, several (brigade.yaml). */
    record Start(java.util.List<AppSpec> specs) implements Request {
    }

    record Stop(String target) implements Request {
    }

    /** Stops then starts every instance; restarts stopped and errored apps too. */
    record Restart(String target) implements Request {
    }

    /** Fork mode: a rolling restart, one instance at a time. */
    record Reload(String target) implements Request {
    }

    /** Stops and forgets the app (its log files stay). */
    record Delete(String target) implements Request {
    }

    record Scale(String target, int instances) implements Request {
    }

    record ListApps() implements Request {
    }

    record Describe(String target) implements Request {
    }

    /** The last {@code lines} lines of each instance; with {@code follow}, then every new line until the client hangs up. */
    record Logs(String target, int lines, boolean follow) implements Request {
    }

    /** Empties the app's log files (and drops rotated ones). */
    record Flush(String target) implements Request {
    }

    /** Writes the running apps to BRIGADE_HOME/dump.json. */
    record Save() implements Request {
    }

    /** Starts the apps of dump.json that are not running. */
    record Resurrect() implements Request {
    }

    /** Stops every app, then the daemon. */
    record Kill() implements Request {
    }

    /**
     * Serves the web dashboard on {@code host:port} (port 0: any free one), or stops serving it ({@code off}).
     * Answered with {@link Response.Ok} whose message is the page's URL with its token.
     */
    record Dashboard(String host, int port, boolean readOnly, boolean off) implements Request {
    }
}
