import Fastify from "fastify";
import { register } from "./users";

const app = Fastify({ logger: true });

app.post<{ Body: { email: string; password: string } }>("/users", async (req) => {
  const user = await register(req.body.email, req.body.password);
  return { id: user.id };
});

app.listen({ port: 3001, host: "0.0.0.0" });
