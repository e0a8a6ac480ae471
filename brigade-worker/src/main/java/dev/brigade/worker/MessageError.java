package dev.brigade.worker;

/**
 * Payload of a worker's {@code messageerror} event: a message that was accepted by
 * {@code postMessage} but could not be delivered, and why (for instance, the worker exited before
 * reading it). Brigade never drops an accepted message without saying so.
 *
 * @param message the value that was posted
 * @param reason  why it was not delivered
 */
public record MessageError(Object message, String reason) {
}
