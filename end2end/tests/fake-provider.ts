// A fake OpenAI-compatible provider for the browser tests: an HTTP server on
// port 0 that lists models for the right bearer key.
import http from "node:http";
import { AddressInfo } from "node:net";

export const FAKE_KEY = "sk-e2e-fake-key-4242";

export type FakeProvider = {
  base: string;
  /** Every chat request body received, oldest first. */
  requests: any[];
  close: () => Promise<void>;
};

export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: any[] = [];
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
    if (req.method === "POST" && req.url === "/v1/chat/completions") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const parsed = JSON.parse(body || "{}");
        requests.push(parsed);
        streamChat(parsed, res);
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// Streams `w0 w1 ...` for model `chunks-N-D` (N deltas, D ms apart) in the
// OpenAI chat-completions SSE format, then a finish reason, usage and [DONE].
// `markdown-N-D`: a heading and a paragraph of markdown first, then N words.
function streamChat(body: { model?: string }, res: http.ServerResponse) {
  const m = /(chunks|markdown)-(\d+)-(\d+)/.exec(body.model ?? "");
  const words = Array.from({ length: m ? Number(m[2]) : 3 }, (_, i) => `w${i} `);
  const pieces = m?.[1] === "markdown" ? ["# Plan\n\n", "Some **bold** words.\n\n", ...words] : words;
  const n = pieces.length;
  const delay = m ? Number(m[3]) : 0;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let i = 0;
  const tick = () => {
    if (res.destroyed) return;
    if (i < n) {
      res.write(chunk({ content: pieces[i] }, null));
      i += 1;
      setTimeout(tick, delay);
      return;
    }
    res.write(chunk({}, "stop"));
    res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: body.model, choices: [], usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n } })}\n\n`);
    res.write("data: [DONE]\n\n");
    res.end();
  };
  res.write(chunk({ role: "assistant", content: "" }, null));
  setTimeout(tick, delay);
}
