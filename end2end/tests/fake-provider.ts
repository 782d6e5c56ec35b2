// A fake OpenAI-compatible provider for the browser tests: an HTTP server on
// port 0 that lists models for the right bearer key.
import http from "node:http";
import { AddressInfo } from "node:net";

export const FAKE_KEY = "sk-e2e-fake-key-4242";

export async function startFakeProvider(): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") {
      if (req.headers.authorization !== `Bearer ${FAKE_KEY}`) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: [
            { id: "fake-mini", object: "model", owned_by: "e2e" },
            { id: "fake-large", object: "model", owned_by: "e2e" },
            { id: "fake-vision", object: "model", owned_by: "e2e" },
          ],
        }),
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
