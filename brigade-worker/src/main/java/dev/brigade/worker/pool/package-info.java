/**
 * {@code WorkerPool}: a pool of worker threads for CPU-heavy tasks (what Piscina gives Node).
 */
package dev.brigade.worker.pool;
