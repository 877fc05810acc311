import { session } from "./api.js";

// Server-Sent Events from /api/events read with fetch (EventSource cannot send the Authorization header). On a broken
// connection it reconnects with Last-Event-ID, so no event is missed or shown twice. Returns a function that stops it.
export function listen(path, onEvent, onState = () => {}) {
  const controller = new AbortController();
  let lastId = null;
  let stopped = false;

  async function run() {
    while (!stopped) {
      try {
        const headers = { Accept: "text/event-stream", Authorization: `Bearer ${session.token}` };
        if (lastId) headers["Last-Event-ID"] = lastId;
        const response = await fetch(path, { headers, signal: controller.signal });
        if (!response.ok) { onState(`stream refused (${response.status})`); return; }
        onState("live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = {};
            for (const line of block.split("\n")) {
              const colon = line.indexOf(": ");
              if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 2);
            }
            if (fields.data) {
              // The cursor moves only once the event is shown: one whose handler failed comes again on reconnect.
              onEvent(JSON.parse(fields.data));
              lastId = fields.id ?? lastId;
            }
          }
        }
      } catch (error) {
        if (stopped) return;
      }
      onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  run();
  return () => { stopped = true; controller.abort(); };
}
