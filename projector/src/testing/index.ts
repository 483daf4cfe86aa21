/** `@kiosk/projector/testing`: seeded order workloads for tests and benchmarks. */
export * from './workload';
