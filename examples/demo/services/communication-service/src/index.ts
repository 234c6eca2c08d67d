import Fastify from "fastify";
import { history, send } from "./chat";

const app = Fastify({ logger: true });

app.get<{ Params: { id: string } }>("/conversations/:id/messages", async (req) => history(req.params.id));
app.post<{ Params: { id: string }; Body: { senderId: string; content: string } }>(
  "/conversations/:id/messages",
  async (req) => send(req.params.id, req.body.senderId, req.body.content),
);

app.listen({ port: 3005, host: "0.0.0.0" });
