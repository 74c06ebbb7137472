// Worker-thread entry (dist/worker.js): the job runtime of src/jobs with the persona runner
// plugged in. The chat channel carries vscode-lm turns to the host, which alone can call VS Code.
import { serveJobs } from '../jobs/workerRuntime';
import { ChatChannelClient, type ChatHostMessage } from './chatChannel';
import { runPersona } from './personaRunner';
import { toolHostOver, type PersonaRunPayload } from './personaRunPlan';

const runtime = serveJobs((payload, job) => {
  const { input, model } = payload as PersonaRunPayload;
  return runPersona(input, model, job.signal, (p) => job.progress(p), { toolHost: toolHostOver(job.hostCall), chat, deadline: job.deadline, trace: job.trace });
});
const chat = new ChatChannelClient((message) => runtime.postChannel(message.jobId, message));
runtime.onChannel((message) => chat.handle(message as ChatHostMessage));
