package dev.brigade.store.internal;

import dev.brigade.store.StoreException;
import dev.brigade.store.StoreException.Code;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.Locale;

/**
 * Lettuce's failures as {@link StoreException}s with a stable code: the store's callers should
 * not need to know Lettuce's exception zoo to tell "Redis is down" from "wrong value type".
 */
final class RedisErrors {
    private RedisErrors() {
    }

    /**
     * @param t         what Lettuce reported
     * @param link      the connection's state, to tell an outage from a command error
     * @param timeoutMs the command timeout, for the message
     */
    static StoreException translate(Throwable t, RedisLink link, long timeoutMs) {
        Throwable c = Calls.unwrap(t);
        if (c instanceof StoreException se) {
            return se;
        }
        if (c instanceof RedisCommandTimeoutException) {
            return new StoreException(Code.TIMEOUT, "Redis did not answer within " + timeoutMs
                    + " ms (StoreOptions.timeout); the outcome of a write is unknown" + link.stateSuffix(), c);
        }
        if (c instanceof RedisCommandExecutionException) {
            String m = String.valueOf(c.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("not an integer") || lower.contains("overflow")) {
                return new StoreException(Code.NOT_AN_INTEGER, "the value is not a 64-bit integer or the sum overflows"
                        + " (Redis: " + m + ")", c);
            }
            return new StoreException(Code.BACKEND, "Redis refused the command: " + m, c);
        }
        if (c instanceof RedisConnectionException || c instanceof IOException || !link.connected()
                || (c instanceof RedisException && looksLikeConnectionLoss(c.getMessage()))) {
            // Lettuce may reject a command before it tells the link listener of the disconnection
            String state = link.connected() ? link.lostJustNowSuffix() : link.stateSuffix();
            return new StoreException(Code.UNAVAILABLE, "Redis is unreachable" + state + ": " + c.getMessage(), c);
        }
        return new StoreException(Code.BACKEND, "Redis call failed: " + c, c);
    }

    private static boolean looksLikeConnectionLoss(String message) {
        String m = String.valueOf(message).toLowerCase(Locale.ROOT);
        return m.contains("connect") || m.contains("closed") || m.contains("reset");
    }
}
