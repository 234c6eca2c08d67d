import express from 'express';
import mongoose from 'mongoose';
import { login, register } from './services/signup.service';

const app = express();
app.use(express.json());

app.post('/members', async (req, res) => {
  const member = await register(req.body.phone, req.body.displayName, req.body.password);
  res.status(201).json({ id: member.id });
});

app.post('/sessions', async (req, res) => {
  const member = await login(req.body.phone, req.body.password);
  res.status(member ? 200 : 401).json(member ? { id: member.id } : { error: 'invalid credentials' });
});

mongoose.connect(process.env.MONGO_URL ?? 'mongodb://mongo:27017/identity').then(() => app.listen(3000));
