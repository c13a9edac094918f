/**
 * The hang bound of a test that starts real processes, certificates, clusters or servers: generous,
 * because the suite runs on shared 2-core machines at load 10-25, where a step that takes 2 s idle
 * takes a minute. It bounds a hang; it never checks speed (tests wait on events, not on clocks).
 */
export const LOADED_MACHINE_MS = 300_000;

/** How long a child process (the CLI from source through tsx) may take to start and say where it listens. */
export const CHILD_START_MS = 180_000;
