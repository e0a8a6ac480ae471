package dev.brigade.worker;

/**
 * A message taken synchronously from a port ({@link MessagePort#receiveMessageOnPort}), wrapped
 * so that a posted {@code null} can be told apart from "no message".
 *
 * @param message the value that was posted, possibly null
 */
public record Received(Object message) {
}
