import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A todo-api impostor that breaks the error contract the way services often do: no trace
 * headers, a 500 with the exception and its stack in the body, a 404 in plain text. For proving
 * that the load scripts' contract check counts violations and fails the run.
 */
export async function startOutOfContractServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith("/health/")) {
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (request.method === "POST") {
      response.writeHead(500, { "content-type": "application/json" }).end(
        JSON.stringify({
          error: "TypeError: Cannot read properties of undefined",
          stack:
            "TypeError: Cannot read properties of undefined\n    at createTodo (/app/src/todos.ts:42:13)",
        }),
      );
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
