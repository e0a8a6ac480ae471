/**
 * Two small, complete uses of the {@link dev.brigade.store.SharedStore}, correct across the
 * worker JVMs of a cluster (and across machines with Redis): {@link
 * dev.brigade.store.examples.SessionStore}, HTTP sessions behind a cookie, and {@link
 * dev.brigade.store.examples.RateLimiter}, a cluster-wide fixed-window rate limit that holds
 * exactly. Both are asynchronous (no thread waits on the store) and take any backend.
 */
package dev.brigade.store.examples;
