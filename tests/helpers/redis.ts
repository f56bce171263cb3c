/**
 * The Redis the tests use: `TEST_REDIS_URL`, default database 15 of the local
 * server (.ci/run starts it when it is not running). Where it is not reachable
 * the Redis cases are skipped, and each file says so on the console.
 */
import { connect } from "node:net";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/15";

/** Whether something answers on the Redis URL's host and port (within half a second). */
export const redisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  const done = (up: boolean) => {
    socket.destroy();
    resolve(up);
  };
  socket.once("connect", () => done(true));
  socket.once("error", () => done(false));
  socket.setTimeout(500, () => done(false));
});

/** Print the skip notice once per test file when Redis is not reachable. */
export function noticeIfRedisDown(what: string): void {
  if (!redisUp) console.warn(`Redis is not reachable at ${REDIS_URL}: ${what} skipped`);
}

/** A key namespace of its own for one test file and run, so runs never see each other's keys. */
export function testNamespace(label: string): string {
  return `policybot-test:${label}:${process.pid}-${Date.now()}:`;
}
