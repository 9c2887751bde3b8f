import { connect, createServer } from "node:net";

/** Resolves when something accepts TCP connections at host:port. */
export function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** Listens on `port` (0: any) on 127.0.0.1 and closes again; rejects when it is taken. */
export async function reservePort(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * Whether something holds `port`: it cannot be bound on 127.0.0.1, or something accepts
 * connections there (macOS lets that bind succeed beside a listener on every address).
 */
export async function inUse(port: number): Promise<boolean> {
  const bindRefused = await reservePort(port).then(
    () => false,
    () => true,
  );
  return bindRefused || answers("127.0.0.1", port);
}

/** `port` when it is free, any free port otherwise. */
export function portOrFree(port: number): Promise<number> {
  return reservePort(port).catch(() => reservePort(0));
}
