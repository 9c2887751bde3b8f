import { join } from "node:path";
import { answersOk, reservePort, startBackgroundProgram } from "@tracemesh/mesh";

export interface BareTwin {
  todoApiUrl: string;
  stop(): Promise<void>;
}

/**
 * The bare twin: bare-auth.ts and bare-todo-api.ts as processes on plain Node, no preload,
 * checking tokens against the real auth's keys (`jwksUrl`), with a store of their own in `dataDir`.
 */
export async function startBareTwin(options: {
  jwksUrl: string;
  dataDir: string;
}): Promise<BareTwin> {
  const [authPort, todoApiPort] = [await reservePort(0), await reservePort(0)];
  const node = process.execPath;
  const auth = await startBackgroundProgram({
    name: "bare auth",
    binary: node,
    args: [join(import.meta.dirname, "bare-auth.ts")],
    env: { PORT: String(authPort), JWKS_URL: options.jwksUrl },
    logFile: join(options.dataDir, "bare-auth.log"),
    isReady: async () =>
      (await fetch(`http://127.0.0.1:${authPort}/v1/authorize`, {
        method: "POST",
        body: "{}",
      }).catch(() => undefined)) !== undefined,
  });
  const todoApiUrl = `http://127.0.0.1:${todoApiPort}`;
  const todoApi = await startBackgroundProgram({
    name: "bare todo-api",
    binary: node,
    args: [join(import.meta.dirname, "bare-todo-api.ts")],
    env: {
      PORT: String(todoApiPort),
      AUTH_URL: `http://127.0.0.1:${authPort}`,
      DATA_DIR: join(options.dataDir, "bare-todo-api"),
    },
    logFile: join(options.dataDir, "bare-todo-api.log"),
    isReady: () => answersOk(`${todoApiUrl}/health/ready`),
  });
  return {
    todoApiUrl,
    stop: async () => {
      await todoApi.stop();
      await auth.stop();
    },
  };
}
